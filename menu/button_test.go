package menu_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/menu"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	ok := menu.Click("ok", "k")
	five := []menu.Button{ok, ok, ok, ok, ok}
	cases := []struct {
		name    string
		buttons []menu.Button
		field   string // "" means valid
	}{
		{"doc sample", docMenu(), ""},
		{"none", nil, "button"},
		{"four", []menu.Button{ok, ok, ok, ok}, "button"},
		{"three", []menu.Button{ok, ok, ok}, ""},
		{"five subs", []menu.Button{menu.Parent("p", five...)}, ""},
		{"six subs", []menu.Button{ok, menu.Parent("p", append(five, ok)...)}, "button[1].sub_button"},
		{"parent without subs", []menu.Button{{Name: "p", SubButtons: []menu.Button{}}}, "button[0].sub_button"},
		{"parent from no args", []menu.Button{menu.Parent("p")}, "button[0].type"},
		{"parent with key", []menu.Button{{Name: "p", Key: "k", SubButtons: []menu.Button{ok}}}, "button[0]"},
		{"parent with type", []menu.Button{{Type: menu.TypeClick, Name: "p", Key: "k", SubButtons: []menu.Button{ok}}}, "button[0].sub_button"},
		{"third level", []menu.Button{menu.Parent("p", ok, menu.Button{Type: menu.TypeClick, Name: "x", Key: "k", SubButtons: []menu.Button{ok}})}, "button[0].sub_button[1].sub_button"},
		{"sub is parent", []menu.Button{menu.Parent("p", menu.Parent("q", ok))}, "button[0].sub_button[0].sub_button"},
		{"empty name", []menu.Button{menu.Click("", "k")}, "button[0].name"},
		{"empty parent name", []menu.Button{menu.Parent("", ok)}, "button[0].name"},
		{"name 16 bytes", []menu.Button{menu.Click(strings.Repeat("a", 16), "k")}, ""},
		{"name 17 bytes", []menu.Button{menu.Click(strings.Repeat("a", 17), "k")}, "button[0].name"},
		{"name 5 CJK = 15 bytes", []menu.Button{menu.Click("今日歌曲吧", "k")}, ""},
		{"name 6 CJK = 18 bytes", []menu.Button{menu.Click("今日歌曲吧啊", "k")}, "button[0].name"},
		{"parent name 17 bytes", []menu.Button{menu.Parent(strings.Repeat("a", 17), ok)}, "button[0].name"},
		{"sub name 60 bytes", []menu.Button{menu.Parent("p", menu.Click(strings.Repeat("字", 20), "k"))}, ""},
		{"sub name 61 bytes", []menu.Button{menu.Parent("p", menu.Click(strings.Repeat("a", 61), "k"))}, "button[0].sub_button[0].name"},
		{"key 128", []menu.Button{menu.Click("a", strings.Repeat("k", 128))}, ""},
		{"key 129", []menu.Button{menu.Click("a", strings.Repeat("k", 129))}, "button[0].key"},
		{"sub key 129", []menu.Button{ok, menu.Parent("p", ok, menu.ScanCodePush("s", strings.Repeat("k", 129)))}, "button[1].sub_button[1].key"},
		{"url 1024", []menu.Button{menu.View("a", strings.Repeat("u", 1024))}, ""},
		{"url 1025", []menu.Button{menu.View("a", strings.Repeat("u", 1025))}, "button[0].url"},
		{"sub url 1025", []menu.Button{menu.Parent("p", ok, ok, menu.View("v", strings.Repeat("u", 1025)))}, "button[0].sub_button[2].url"},
		{"unknown type", []menu.Button{{Type: "music", Name: "m", Key: "k"}}, "button[0].type"},
		{"no type", []menu.Button{{Name: "m", Key: "k"}}, "button[0].type"},
		{"click no key", []menu.Button{menu.Click("a", "")}, "button[0].key"},
		{"scancode_push no key", []menu.Button{menu.ScanCodePush("a", "")}, "button[0].key"},
		{"scancode_waitmsg no key", []menu.Button{menu.ScanCodeWaitMsg("a", "")}, "button[0].key"},
		{"pic_sysphoto no key", []menu.Button{menu.PicSysPhoto("a", "")}, "button[0].key"},
		{"pic_photo_or_album no key", []menu.Button{menu.PicPhotoOrAlbum("a", "")}, "button[0].key"},
		{"pic_weixin no key", []menu.Button{menu.PicWeixin("a", "")}, "button[0].key"},
		{"location_select no key", []menu.Button{menu.LocationSelect("a", "")}, "button[0].key"},
		{"view no url", []menu.Button{menu.View("a", "")}, "button[0].url"},
		{"media_id no media_id", []menu.Button{menu.Media("a", "")}, "button[0].media_id"},
		{"view_limited no media_id", []menu.Button{menu.ViewLimited("a", "")}, "button[0].media_id"},
		{"article_id no id", []menu.Button{menu.Article("a", "")}, "button[0].article_id"},
		{"article_view_limited no id", []menu.Button{menu.ArticleViewLimited("a", "")}, "button[0].article_id"},
		{"miniprogram no url", []menu.Button{menu.MiniProgram("a", "", "wx1", "p")}, "button[0].url"},
		{"miniprogram no appid", []menu.Button{menu.MiniProgram("a", "u", "", "p")}, "button[0].appid"},
		{"miniprogram no pagepath", []menu.Button{menu.MiniProgram("a", "u", "wx1", "")}, "button[0].pagepath"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := menu.Validate(tc.buttons)
			if tc.field == "" {
				require.NoError(t, err)
				return
			}
			var ve *mp.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Equal(t, "menu.Validate", ve.Op)
			assert.NotEmpty(t, ve.Reason)
		})
	}
}

func TestButtonString(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "今日歌曲 [click key=V1001_TODAY_MUSIC]", menu.Click("今日歌曲", "V1001_TODAY_MUSIC").String())
	assert.Equal(t, "菜单 (2 sub-buttons)", menu.Parent("菜单", menu.View("a", "u"), menu.View("b", "u")).String())
	assert.Equal(t, "wxa [miniprogram url=http://mp.weixin.qq.com appid=wx1 pagepath=pages/index]",
		menu.MiniProgram("wxa", "http://mp.weixin.qq.com", "wx1", "pages/index").String())
	assert.Equal(t, "文章 [article_id article_id=A1]", menu.Article("文章", "A1").String())
}

func TestButtonJSONRoundTrip(t *testing.T) {
	t.Parallel()
	var req struct {
		Button []menu.Button `json:"button"`
	}
	require.NoError(t, json.Unmarshal(mptest.Fixture(t, "menu_create.json"), &req))
	assert.Equal(t, docMenu(), req.Button)
}

func BenchmarkValidate(b *testing.B) {
	buttons := []menu.Button{
		menu.Click("今日歌曲", "V1001_TODAY_MUSIC"),
		menu.Parent("菜单", menu.View("a", "https://example.com/"), menu.Click("b", "k"), menu.ScanCodePush("c", "s"),
			menu.MiniProgram("d", "https://example.com/", "wx1", "p"), menu.Media("e", "m")),
		menu.Parent("更多", menu.Article("f", "a"), menu.LocationSelect("g", "l")),
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := menu.Validate(buttons); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeMenus(b *testing.B) {
	data := mptest.Fixture(b, "menu_get_conditional.json")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var m menu.Menus
		if err := json.Unmarshal(data, &m); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzDecodeMenus feeds menu/get answers (untrusted input) to the decoder
// and the validator: neither may panic, and a decoded menu re-encodes.
func FuzzDecodeMenus(f *testing.F) {
	for _, name := range []string{"menu_get.json", "menu_get_conditional.json", "trymatch.json", "menu_create.json",
		"menu_create_other_types.json", "addconditional_request.json"} {
		f.Add(mptest.Fixture(f, name))
	}
	f.Add([]byte(`{"menu":{"button":[{"name":"p","sub_button":[{"name":"q","sub_button":[]}]}],"menuid":"x"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var m menu.Menus
		if json.Unmarshal(data, &m) != nil {
			return
		}
		_ = menu.Validate(m.Menu.Buttons)
		for _, c := range m.Conditional {
			_ = menu.Validate(c.Buttons)
			for _, b := range c.Buttons {
				_ = b.String()
			}
		}
		if _, err := json.Marshal(m); err != nil {
			t.Fatalf("re-encoding a decoded menu: %v", err)
		}
	})
}

// FuzzDecodeSelfMenuInfo feeds get_current_selfmenu_info answers to the
// decoder.
func FuzzDecodeSelfMenuInfo(f *testing.F) {
	f.Add(mptest.Fixture(f, "selfmenu_website.json"))
	f.Add(mptest.Fixture(f, "selfmenu_api.json"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var info menu.SelfMenuInfo
		if json.Unmarshal(data, &info) != nil {
			return
		}
		_ = info.IsOpen()
		for i := range info.SelfMenu.Buttons {
			_ = info.SelfMenu.Buttons[i].Subs()
		}
	})
}

// FuzzMatchRule checks the string-or-number decoding of match rules and
// menu ids: no panic, and whatever decodes re-encodes and decodes to the
// same value.
func FuzzMatchRule(f *testing.F) {
	f.Add([]byte(`{"group_id":2,"sex":1,"country":"中国","province":"广东","city":"广州","client_platform_type":2}`))
	f.Add([]byte(`{"tag_id":"2","client_platform_type":"2","language":"zh_CN"}`))
	f.Add([]byte(`{"tag_id":1e3}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var r menu.MatchRule
		if json.Unmarshal(data, &r) == nil {
			enc, err := json.Marshal(r)
			require.NoError(t, err)
			var back menu.MatchRule
			require.NoError(t, json.Unmarshal(enc, &back))
			require.Equal(t, r, back)
		}
		var id menu.MenuID
		_ = json.Unmarshal(data, &id)
	})
}
