package sim

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// docMenu is the request sample of the official menu/create documentation.
const docMenu = `{
 "button":[
 {"type":"click","name":"今日歌曲","key":"V1001_TODAY_MUSIC"},
 {"name":"菜单","sub_button":[
   {"type":"view","name":"搜索","url":"http://www.soso.com/"},
   {"type":"miniprogram","name":"wxa","url":"http://mp.weixin.qq.com","appid":"wx286b93c14bbf93aa","pagepath":"pages/lunar/index"},
   {"type":"click","name":"赞一下我们","key":"V1001_GOOD"}]
 }]
}`

func TestMenuLifecycle(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	dev := newDevServer(t, s, func(p pushed) string {
		if p.Msg["Event"] == "CLICK" {
			return textReply(p, "clicked "+p.Msg["EventKey"])
		}
		return ""
	})
	tok := token(t, s)
	assert.Equal(t, 46003, errcode(api(t, s, tok, "GET", "/cgi-bin/menu/get", nil)))
	events, cancel := s.Subscribe()
	defer cancel()
	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/cgi-bin/menu/create", docMenu)))
	assert.Equal(t, EventMenuChanged, (<-events).Kind)
	require.Len(t, s.Menu(), 2)
	assert.Equal(t, "V1001_TODAY_MUSIC", s.Menu()[0].Key)

	got := api(t, s, tok, "GET", "/cgi-bin/menu/get", nil)
	menu := got["menu"].(map[string]any)
	buttons := menu["button"].([]any)
	require.Len(t, buttons, 2)
	first := buttons[0].(map[string]any)
	assert.Equal(t, "click", first["type"])
	assert.Equal(t, []any{}, first["sub_button"])
	assert.NotZero(t, menu["menuid"])

	self := api(t, s, tok, "GET", "/cgi-bin/get_current_selfmenu_info", nil)
	assert.EqualValues(t, 1, self["is_menu_open"])
	sb := self["selfmenu_info"].(map[string]any)["button"].([]any)[1].(map[string]any)["sub_button"].(map[string]any)["list"].([]any)
	assert.Len(t, sb, 3)

	u := s.NewUser("Menu")
	_, err := u.Follow(ctx(t))
	require.NoError(t, err)
	r, err := u.ClickMenu(ctx(t), "V1001_GOOD")
	require.NoError(t, err)
	assert.Equal(t, "clicked V1001_GOOD", r.Content)
	_, err = u.ClickMenu(ctx(t), "NOPE")
	require.ErrorIs(t, err, ErrNoSuchMenuButton)
	_, err = u.ViewMenu(ctx(t), "http://www.soso.com/")
	require.NoError(t, err)
	p := dev.pushes()[len(dev.pushes())-1]
	assert.Equal(t, "VIEW", p.Msg["Event"])
	assert.Equal(t, "http://www.soso.com/", p.Msg["EventKey"])
	_, err = u.ViewMenu(ctx(t), "http://evil.example/")
	require.ErrorIs(t, err, ErrNoSuchMenuButton)

	// Conditional menus.
	tag := api(t, s, tok, "POST", "/cgi-bin/tags/create", map[string]any{"tag": map[string]string{"name": "vip"}})
	tagID := int(tag["tag"].(map[string]any)["id"].(float64))
	assert.Equal(t, 65304, errcode(api(t, s, tok, "POST", "/cgi-bin/menu/addconditional", `{"button":[{"type":"click","name":"VIP","key":"VIP"}]}`)))
	cm := api(t, s, tok, "POST", "/cgi-bin/menu/addconditional", `{"button":[{"type":"click","name":"VIP","key":"VIP"}],"matchrule":{"tag_id":"`+itoa(int64(tagID))+`"}}`)
	require.NotEmpty(t, cm["menuid"])
	tm := api(t, s, tok, "POST", "/cgi-bin/menu/trymatch", map[string]string{"user_id": u.OpenID()})
	assert.Equal(t, "今日歌曲", tm["button"].([]any)[0].(map[string]any)["name"])
	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/cgi-bin/tags/members/batchtagging", map[string]any{"openid_list": []string{u.OpenID()}, "tagid": tagID})))
	tm = api(t, s, tok, "POST", "/cgi-bin/menu/trymatch", map[string]string{"user_id": u.OpenID()})
	assert.Equal(t, "VIP", tm["button"].([]any)[0].(map[string]any)["name"])
	assert.Equal(t, "VIP", u.Menu()[0].Key)
	_, err = u.ClickMenu(ctx(t), "VIP")
	require.NoError(t, err)
	_, err = u.ClickMenu(ctx(t), "V1001_GOOD")
	require.ErrorIs(t, err, ErrNoSuchMenuButton)
	got = api(t, s, tok, "GET", "/cgi-bin/menu/get", nil)
	assert.Len(t, got["conditionalmenu"], 1)
	assert.Equal(t, 65302, errcode(api(t, s, tok, "POST", "/cgi-bin/menu/trymatch", map[string]string{"user_id": "nobody"})))
	assert.Equal(t, 65301, errcode(api(t, s, tok, "POST", "/cgi-bin/menu/delconditional", map[string]string{"menuid": "1"})))
	assert.Equal(t, 0, errcode(api(t, s, tok, "POST", "/cgi-bin/menu/delconditional", map[string]any{"menuid": cm["menuid"]})))

	assert.Equal(t, 0, errcode(api(t, s, tok, "GET", "/cgi-bin/menu/delete", nil)))
	assert.Nil(t, s.Menu())
	assert.Equal(t, 46003, errcode(api(t, s, tok, "GET", "/cgi-bin/menu/get", nil)))
	assert.Equal(t, 65303, errcode(api(t, s, tok, "POST", "/cgi-bin/menu/addconditional", `{"button":[{"type":"click","name":"VIP","key":"VIP"}],"matchrule":{"tag_id":"1"}}`)))
	self = api(t, s, tok, "GET", "/cgi-bin/get_current_selfmenu_info", nil)
	assert.EqualValues(t, 0, self["is_menu_open"])
}

func TestMenuValidation(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	tok := token(t, s)
	long := func(n int) string { return strings.Repeat("a", n) }
	btn := func(b map[string]any) map[string]any { return map[string]any{"button": []any{b}} }
	click := func(name, key string) map[string]any {
		return map[string]any{"type": "click", "name": name, "key": key}
	}
	sub := func(bs ...any) map[string]any {
		return map[string]any{"button": []any{map[string]any{"name": "父", "sub_button": bs}}}
	}
	cases := []struct {
		name string
		body any
		code int
	}{
		{"no buttons", map[string]any{"button": []any{}}, 40016},
		{"four buttons", map[string]any{"button": []any{click("a", "a"), click("b", "b"), click("c", "c"), click("d", "d")}}, 40016},
		{"bad type", btn(map[string]any{"type": "dance", "name": "x"}), 40017},
		{"name too long", btn(click(long(17), "k")), 40018},
		{"name 16 bytes", btn(click(long(16), "k")), 0},
		{"name empty", btn(click("", "k")), 40018},
		{"chinese name 18 bytes", btn(click("六个汉字六个", "k")), 40018},
		{"key too long", btn(click("a", long(129))), 40019},
		{"key missing", btn(click("a", "")), 40019},
		{"url too long", btn(map[string]any{"type": "view", "name": "v", "url": "http://x.com/" + long(1020)}), 40020},
		{"bad url", btn(map[string]any{"type": "view", "name": "v", "url": "ftp://x"}), 40055},
		{"six subs", sub(click("1", "1"), click("2", "2"), click("3", "3"), click("4", "4"), click("5", "5"), click("6", "6")), 40023},
		{"five subs", sub(click("1", "1"), click("2", "2"), click("3", "3"), click("4", "4"), click("5", "5")), 0},
		{"sub bad type", sub(map[string]any{"type": "x", "name": "n"}), 40024},
		{"sub name 60", sub(click(long(60), "k")), 0},
		{"sub name 61", sub(click(long(61), "k")), 40025},
		{"sub key", sub(click("a", long(129))), 40026},
		{"sub url size", sub(map[string]any{"type": "view", "name": "v", "url": "http://x.com/" + long(1020)}), 40027},
		{"sub url", sub(map[string]any{"type": "view", "name": "v", "url": "nope"}), 40054},
		{"third level", sub(map[string]any{"name": "n", "sub_button": []any{click("a", "a")}}), 40022},
		{"media_id unknown", btn(map[string]any{"type": "media_id", "name": "m", "media_id": "nope"}), 40007},
		{"miniprogram without appid", btn(map[string]any{"type": "miniprogram", "name": "m", "url": "http://a.b"}), 40017},
		{"empty sub_button no type", map[string]any{"button": []any{map[string]any{"name": "x", "sub_button": []any{}}}}, 40023},
		{"bad json", `{"button":`, 47001},
		{"empty body", "", 44002},
	}
	for _, tc := range cases {
		out := api(t, s, tok, "POST", "/cgi-bin/menu/create", tc.body)
		assert.Equal(t, tc.code, errcode(out), tc.name)
		if tc.code != 0 {
			assert.Equal(t, errMsg(tc.code), out["errmsg"], tc.name)
		}
	}
}

func FuzzMenuCreate(f *testing.F) {
	f.Add([]byte(docMenu))
	f.Add([]byte(`{"button":[{"type":"view","name":"a","url":"https://a.b/"}]}`))
	f.Add([]byte(`{"button":[{"name":"a","sub_button":[{"name":"b","sub_button":[]}]}]}`))
	f.Add([]byte(`{"button":null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		buttons, _, code := parseMenu(body, func(string) bool { return true })
		if code != 0 {
			if errMsg(code) == "error" {
				t.Fatalf("errcode %d has no errmsg", code)
			}
			return
		}
		if len(buttons) < 1 || len(buttons) > 3 {
			t.Fatalf("accepted %d buttons", len(buttons))
		}
		for _, b := range buttons {
			if len(b.SubButton) > 5 || len(b.Name) > 16 {
				t.Fatalf("accepted invalid button %+v", b)
			}
			for _, sb := range b.SubButton {
				if len(sb.SubButton) > 0 || len(sb.Name) > 60 {
					t.Fatalf("accepted invalid sub-button %+v", sb)
				}
			}
		}
		// A valid menu survives a round trip.
		again, err := json.Marshal(map[string]any{"button": buttons})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, code := parseMenu(again, func(string) bool { return true }); code != 0 {
			t.Fatalf("round trip rejected with %d: %s", code, again)
		}
	})
}
