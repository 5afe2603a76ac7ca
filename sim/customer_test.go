package sim

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCustomerService48Hours(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := newSim(t, Options{Clock: clk.Now})
	newDevServer(t, s, nil)
	u := s.NewUser("Kf")
	send := func(tok string, body map[string]any) map[string]any {
		body["touser"] = u.OpenID()
		return api(t, s, tok, "POST", "/cgi-bin/message/custom/send", body)
	}
	text := map[string]any{"msgtype": "text", "text": map[string]string{"content": "Hello World"}}
	tok := token(t, s)
	assert.Equal(t, 45015, errcode(send(tok, text)))
	_, err := u.Follow(ctx(t))
	require.NoError(t, err)
	out := send(tok, text)
	require.Equal(t, 0, errcode(out), out)
	assert.Equal(t, "ok", out["errmsg"])
	inbox := u.Inbox()
	require.Len(t, inbox, 1)
	assert.Equal(t, DeliveryCustom, inbox[0].Kind)
	assert.Equal(t, "text", inbox[0].MsgType)
	assert.Equal(t, "Hello World", inbox[0].Content)
	assert.Contains(t, string(inbox[0].Raw), `"touser":"`+u.OpenID()+`"`)

	// 47 h later still fine, 49 h after the last interaction not.
	clk.Advance(47 * time.Hour)
	tok = token(t, s)
	assert.Equal(t, 0, errcode(send(tok, text)))
	clk.Advance(2 * time.Hour)
	tok = token(t, s)
	out = send(tok, text)
	assert.Equal(t, 45015, errcode(out))
	assert.Equal(t, "response out of time limit or subscription is canceled", out["errmsg"])
	// A new message reopens the window; a VIEW click would not.
	_, err = u.SendText(ctx(t), "back")
	require.NoError(t, err)
	assert.Equal(t, 0, errcode(send(tok, text)))
	// Unfollowing closes it.
	require.NoError(t, u.Unfollow(ctx(t)))
	assert.Equal(t, 45015, errcode(send(tok, text)))
	assert.Equal(t, 45015, errcode(api(t, s, tok, "POST", "/cgi-bin/message/custom/typing", map[string]string{"touser": u.OpenID(), "command": "Typing"})))
}

func TestCustomerServiceTypes(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	newDevServer(t, s, nil)
	tok := token(t, s)
	u := s.NewUser("Types")
	_, err := u.Follow(ctx(t))
	require.NoError(t, err)
	thumb := uploadMedia(t, s, tok, "/cgi-bin/media/upload", "thumb", "t.jpg", []byte("jpegdata"))
	img := uploadMedia(t, s, tok, "/cgi-bin/media/upload", "image", "i.png", samplePNG())
	cases := []struct {
		body map[string]any
		code int
	}{
		{map[string]any{"msgtype": "image", "image": map[string]string{"media_id": img}}, 0},
		{map[string]any{"msgtype": "voice", "voice": map[string]string{"media_id": img}}, 0},
		{map[string]any{"msgtype": "video", "video": map[string]string{"media_id": img, "thumb_media_id": thumb, "title": "T", "description": "D"}}, 0},
		{map[string]any{"msgtype": "music", "music": map[string]string{"title": "M", "musicurl": "http://m", "hqmusicurl": "http://h", "thumb_media_id": thumb}}, 0},
		{map[string]any{"msgtype": "news", "news": map[string]any{"articles": []any{map[string]string{"title": "Happy Day", "url": "http://u", "picurl": "http://p"}}}}, 0},
		{map[string]any{"msgtype": "news", "news": map[string]any{"articles": []any{map[string]string{"title": "a"}, map[string]string{"title": "b"}}}}, 45008},
		{map[string]any{"msgtype": "msgmenu", "msgmenu": map[string]any{"head_content": "您对本次服务是否满意呢? ", "list": []any{map[string]string{"id": "101", "content": "满意"}, map[string]string{"id": "102", "content": "不满意"}}, "tail_content": "欢迎再次光临"}}, 0},
		{map[string]any{"msgtype": "wxcard", "wxcard": map[string]string{"card_id": "123dsdajkasd231jhksad"}}, 0},
		{map[string]any{"msgtype": "miniprogrampage", "miniprogrampage": map[string]string{"title": "t", "appid": "wxapp", "pagepath": "pages/index", "thumb_media_id": thumb}}, 0},
		{map[string]any{"msgtype": "mpnewsarticle", "mpnewsarticle": map[string]string{"article_id": "nope"}}, 53600},
		{map[string]any{"msgtype": "image", "image": map[string]string{"media_id": "nope"}}, 40007},
		{map[string]any{"msgtype": "image", "image": map[string]string{}}, 41006},
		{map[string]any{"msgtype": "text", "text": map[string]string{"content": ""}}, 44004},
		{map[string]any{"msgtype": "text", "text": map[string]string{"content": strings.Repeat("x", 2049)}}, 45002},
		{map[string]any{"msgtype": "hologram"}, 40008},
		{map[string]any{"msgtype": "text", "text": map[string]string{"content": "x"}, "customservice": map[string]string{"kf_account": "nobody@test"}}, 65404},
	}
	for _, tc := range cases {
		tc.body["touser"] = u.OpenID()
		assert.Equal(t, tc.code, errcode(api(t, s, tok, "POST", "/cgi-bin/message/custom/send", tc.body)), tc.body["msgtype"])
	}
	assert.Equal(t, 40003, errcode(api(t, s, tok, "POST", "/cgi-bin/message/custom/send", map[string]any{"touser": "nobody", "msgtype": "text", "text": map[string]string{"content": "x"}})))
	assert.Equal(t, 0, errcode(api(t, s, tok, "POST", "/cgi-bin/message/custom/typing", map[string]string{"touser": u.OpenID(), "command": "Typing"})))
	assert.Equal(t, 40097, errcode(api(t, s, tok, "POST", "/cgi-bin/message/custom/typing", map[string]string{"touser": u.OpenID(), "command": "Dance"})))
	n := 0
	for _, d := range u.Inbox() {
		if d.Kind == DeliveryCustom {
			n++
		}
	}
	assert.Equal(t, 8, n)
}

func TestKfAccounts(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	tok := token(t, s)
	assert.Equal(t, []any{}, api(t, s, tok, "GET", "/cgi-bin/customservice/getkflist", nil)["kf_list"])
	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/customservice/kfaccount/add", map[string]string{"kf_account": "test1@test", "nickname": "客服1"})))
	assert.Equal(t, 65406, errcode(api(t, s, tok, "POST", "/customservice/kfaccount/add", map[string]string{"kf_account": "test1@test", "nickname": "客服1"})))
	assert.Equal(t, 65404, errcode(api(t, s, tok, "POST", "/customservice/kfaccount/add", map[string]string{"kf_account": "noat", "nickname": "x"})))
	assert.Equal(t, 65403, errcode(api(t, s, tok, "POST", "/customservice/kfaccount/add", map[string]string{"kf_account": "a@test", "nickname": ""})))
	list := api(t, s, tok, "GET", "/cgi-bin/customservice/getkflist", nil)["kf_list"].([]any)
	require.Len(t, list, 1)
	assert.Equal(t, "test1@test", list[0].(map[string]any)["kf_account"])
	assert.Equal(t, "客服1", list[0].(map[string]any)["kf_nick"])
}
