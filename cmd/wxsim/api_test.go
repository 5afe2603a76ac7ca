package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/sim"
)

func TestAPIConversation(t *testing.T) {
	t.Parallel()
	for _, safe := range []bool{true, false} {
		t.Run(fmt.Sprintf("safe=%t", safe), func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, envOptions{safe: safe})
			e.createMenu(t)

			var f followerJSON
			require.Equal(t, http.StatusCreated, e.call(t, "POST", "/sim/api/followers", map[string]string{"name": "Alice"}, &f))
			assert.Equal(t, "Alice", f.Name)
			assert.Len(t, f.OpenID, 28)
			assert.False(t, f.Following)
			var again followerJSON
			require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers", `{"name":"Alice"}`, &again))
			assert.Equal(t, f.OpenID, again.OpenID, "the same name is the same user")

			var r actionResponse
			require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Alice/follow", nil, &r))
			require.NotNil(t, r.Reply)
			assert.Equal(t, "text", r.Reply.MsgType)
			assert.Equal(t, "welcome", r.Reply.Content)
			assert.True(t, r.Following)
			assert.True(t, r.Pushed)
			assert.Contains(t, r.Reply.XML, "<MsgType><![CDATA[text]]></MsgType>")

			r = actionResponse{}
			require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/"+f.OpenID+"/text", map[string]string{"content": "hello"}, &r))
			assert.Equal(t, "hello", r.Reply.Content)

			r = actionResponse{}
			require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Alice/text", `{"content":"news"}`, &r))
			require.Equal(t, "news", r.Reply.MsgType)
			assert.Equal(t, []chatArticle{{Title: "Title", Description: "Desc", PicURL: "http://127.0.0.1/p.png", URL: "http://127.0.0.1/a"}}, r.Reply.Articles)

			r = actionResponse{}
			require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Alice/click", `{"key":"hello"}`, &r))
			assert.Equal(t, "你好！", r.Reply.Content)

			r = actionResponse{}
			require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Alice/click", `{"key":"about"}`, &r))
			assert.Nil(t, r.Reply, "the bot answers success")

			require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Alice/view", `{"url":"http://127.0.0.1:1/profile"}`, nil))
			require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Alice/location", `{"lat":39.9,"lng":116.4,"label":"北京"}`, nil))
			require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Alice/image", `{}`, nil))
			require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Alice/voice", `{"recognition":"你好"}`, nil))
			require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Alice/link", `{"title":"T","url":"https://example.com/"}`, nil))

			var items []chatItem
			require.Equal(t, http.StatusOK, e.call(t, "GET", "/sim/api/followers/Alice/inbox", nil, &items))
			var got []string
			for _, it := range items {
				if !it.Quiet {
					got = append(got, it.From+"|"+it.Kind+"|"+it.Text)
				}
			}
			assert.Equal(t, []string{
				"system|menu|菜单已更新 / the menu changed",
				"system|event|关注了公众号 / followed",
				"bot|reply|welcome",
				"user|message|hello", "bot|reply|hello",
				"user|message|news", "bot|reply|Title",
				"system|event|点击菜单 / clicked menu key hello", "bot|reply|你好！",
				"system|event|点击菜单 / clicked menu key about",
				"system|event|打开菜单链接 / opened http://127.0.0.1:1/profile",
				"user|message|[位置] 北京",
				"user|message|[图片]",
				"user|message|[语音] 你好",
				"user|message|T",
			}, got)

			// since= returns only newer items.
			last := items[len(items)-1].Seq
			var none []chatItem
			require.Equal(t, http.StatusOK, e.call(t, "GET", fmt.Sprintf("/sim/api/followers/Alice/inbox?since=%d", last), nil, &none))
			assert.Empty(t, none)

			require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Alice/unfollow", nil, &r))
			assert.False(t, r.Following)
		})
	}
}

func TestAPIErrors(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{noPay: true})
	e.createMenu(t)
	require.Equal(t, http.StatusCreated, e.call(t, "POST", "/sim/api/followers", `{"name":"Bob"}`, nil))
	big := `{"content":"` + strings.Repeat("x", maxBody) + `"}`
	tests := []struct {
		name, method, path string
		body               any
		status             int
		code               string
	}{
		{"unknown user", "POST", "/sim/api/followers/Nobody/text", `{"content":"x"}`, 404, "unknown_user"},
		{"unknown user get", "GET", "/sim/api/followers/Nobody", nil, 404, "unknown_user"},
		{"unknown user inbox", "GET", "/sim/api/followers/Nobody/inbox", nil, 404, "unknown_user"},
		{"unknown user menu", "GET", "/sim/api/menu?user=Nobody", nil, 404, "unknown_user"},
		{"unknown user events", "GET", "/sim/api/events?user=Nobody", nil, 404, "unknown_user"},
		{"not following", "POST", "/sim/api/followers/Bob/text", `{"content":"x"}`, 409, "not_following"},
		{"not following click", "POST", "/sim/api/followers/Bob/click", `{"key":"hello"}`, 409, "not_following"},
		{"bad json", "POST", "/sim/api/followers/Bob/text", `{"content":`, 400, "bad_json"},
		{"wrong type", "POST", "/sim/api/followers/Bob/text", `{"content":1}`, 400, "bad_json"},
		{"too large", "POST", "/sim/api/followers/Bob/text", big, 413, "too_large"},
		{"empty text", "POST", "/sim/api/followers/Bob/text", `{}`, 400, "bad_request"},
		{"unknown action", "POST", "/sim/api/followers/Bob/dance", `{}`, 404, "unknown_action"},
		{"no key", "POST", "/sim/api/followers/Bob/click", `{}`, 400, "bad_request"},
		{"no url", "POST", "/sim/api/followers/Bob/view", `{}`, 400, "bad_request"},
		{"no scene", "POST", "/sim/api/followers/Bob/scan", `{}`, 400, "bad_request"},
		{"bad location", "POST", "/sim/api/followers/Bob/location", `{"lat":91,"lng":0}`, 400, "bad_request"},
		{"no location", "POST", "/sim/api/followers/Bob/location", `{"lat":1}`, 400, "bad_request"},
		{"negative scale", "POST", "/sim/api/followers/Bob/location", `{"lat":1,"lng":1,"scale":-1}`, 400, "bad_request"},
		{"bad image url", "POST", "/sim/api/followers/Bob/image", `{"pic_url":"javascript:x"}`, 400, "bad_request"},
		{"bad link", "POST", "/sim/api/followers/Bob/link", `{"title":"t","url":"ftp://x"}`, 400, "bad_request"},
		{"link no title", "POST", "/sim/api/followers/Bob/link", `{"url":"http://x/"}`, 400, "bad_request"},
		{"empty name", "POST", "/sim/api/followers", `{"name":"  "}`, 400, "bad_name"},
		{"slash name", "POST", "/sim/api/followers", `{"name":"a/b"}`, 400, "bad_name"},
		{"long name", "POST", "/sim/api/followers", map[string]string{"name": strings.Repeat("名", 65)}, 400, "bad_name"},
		{"follow bad name", "POST", "/sim/api/followers/%20/follow", nil, 400, "bad_name"},
		{"bad since", "GET", "/sim/api/followers/Bob/inbox?since=x", nil, 400, "bad_since"},
		{"negative since", "GET", "/sim/api/events?since=-1", nil, 400, "bad_since"},
		{"wrong method", "DELETE", "/sim/api/followers", nil, 404, "not_found"},
		{"unknown endpoint", "GET", "/sim/api/nothing", nil, 404, "not_found"},
		{"callback no url", "PUT", "/sim/api/callback", `{}`, 400, "bad_request"},
		{"callback bad url", "PUT", "/sim/api/callback", `{"url":"x"}`, 400, "bad_url"},
		{"pay disabled", "POST", "/sim/api/pay", `{"prepay_id":"x"}`, 501, "no_pay"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var ae apiError
			assert.Equal(t, tc.status, e.call(t, tc.method, tc.path, tc.body, &ae))
			assert.Equal(t, tc.code, ae.Code)
			assert.NotEmpty(t, ae.Error)
		})
	}
}

func TestAPIMenuButtonErrors(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{noPay: true})
	e.createMenu(t)
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Carol/follow", nil, nil))
	var ae apiError
	assert.Equal(t, 422, e.call(t, "POST", "/sim/api/followers/Carol/click", `{"key":"nope"}`, &ae))
	assert.Equal(t, "no_such_button", ae.Code)
	assert.Equal(t, 422, e.call(t, "POST", "/sim/api/followers/Carol/view", `{"url":"http://other/"}`, &ae))
	assert.Equal(t, "no_such_button", ae.Code)
	assert.Equal(t, 409, e.call(t, "POST", "/sim/api/followers/Carol/follow", nil, &ae))
	assert.Equal(t, "already_following", ae.Code)
	assert.Equal(t, 422, e.call(t, "POST", "/sim/api/followers/Carol/scan", `{"ticket":"gQnope"}`, &ae))
	assert.Equal(t, "unknown_qrcode", ae.Code)
}

func TestAPIReplyRejected(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{safe: true, noPay: true})
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Dave/follow", nil, nil))
	var r actionResponse
	require.Equal(t, http.StatusBadGateway, e.call(t, "POST", "/sim/api/followers/Dave/text", map[string]string{"content": badReplyText}, &r))
	require.NotNil(t, r.ReplyError)
	assert.NotEmpty(t, r.ReplyError.Reason)
	assert.Equal(t, http.StatusOK, r.ReplyError.StatusCode)
	assert.Equal(t, "this is not xml", r.ReplyError.Body)
	assert.Equal(t, sim.ServiceUnavailableNotice, r.Notice)
	assert.Nil(t, r.Reply)

	var items []chatItem
	require.Equal(t, http.StatusOK, e.call(t, "GET", "/sim/api/followers/Dave/inbox", nil, &items))
	n := len(items)
	require.GreaterOrEqual(t, n, 2)
	assert.Equal(t, "reply_error", items[n-2].Kind)
	assert.Equal(t, r.ReplyError.Reason, items[n-2].Error)
	assert.Equal(t, fromBot, items[n-1].From)
	assert.Equal(t, "error", items[n-1].Kind)
	assert.Equal(t, sim.ServiceUnavailableNotice, items[n-1].Text)
}

func TestAPINoCallbackURL(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{noPay: true, noBot: true})
	var r actionResponse
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Eve/follow", nil, &r))
	assert.False(t, r.Pushed)
	assert.Contains(t, r.Warning, "--forward-to")
	assert.True(t, r.Following, "following took effect without a push")

	// Setting the callback URL through the API starts pushing.
	bot := newFakeBot(t, false)
	var cb map[string]any
	require.Equal(t, http.StatusOK, e.call(t, "PUT", "/sim/api/callback", map[string]string{"url": bot.URL + "/wechat"}, &cb))
	assert.Equal(t, bot.URL+"/wechat", cb["url"])
	require.Equal(t, http.StatusOK, e.call(t, "GET", "/sim/api/callback", nil, &cb))
	assert.Equal(t, bot.URL+"/wechat", cb["url"])
	assert.Equal(t, false, cb["safe_mode"])
	r = actionResponse{}
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Eve/text", `{"content":"hi"}`, &r))
	assert.True(t, r.Pushed)
	assert.Equal(t, "hi", r.Reply.Content)
}

func TestAPIQRScenes(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{safe: true, noPay: true})
	// A scene nobody created gets a QR code, then the user follows through it.
	var r actionResponse
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Frank/follow", `{"scene":"42"}`, &r))
	assert.Equal(t, "welcome", r.Reply.Content)
	ticket, ok := e.sim.QRCodeTicket("42")
	require.True(t, ok)
	// Scanning as a follower: SCAN with a string scene, then by ticket.
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Frank/scan", `{"scene":"promo"}`, nil))
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Frank/scan", map[string]string{"ticket": ticket}, nil))
	// Scanning when not following follows.
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Grace/follow", nil, nil))
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Grace/unfollow", nil, nil))
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Grace/scan", `{"scene":"42"}`, &r))
	assert.True(t, r.Following)

	var items []chatItem
	require.Equal(t, http.StatusOK, e.call(t, "GET", "/sim/api/followers/Frank/inbox", nil, &items))
	var events []string
	for _, it := range items {
		if it.Kind == "event" {
			events = append(events, it.Event+" "+it.EventKey)
		}
	}
	assert.Equal(t, []string{"subscribe qrscene_42", "SCAN promo", "SCAN 42"}, events, "%+v", items)

	var ae apiError
	assert.Equal(t, http.StatusInternalServerError, e.call(t, "POST", "/sim/api/followers/Grace/scan",
		map[string]string{"scene": strings.Repeat("s", 65)}, &ae))
	assert.Equal(t, "qrcode", ae.Code)
}

func TestAPIFollowersAndInfo(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{safe: true})
	var list []followerJSON
	require.Equal(t, http.StatusOK, e.call(t, "GET", "/sim/api/followers", nil, &list))
	assert.Empty(t, list)
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Hana/follow", nil, nil))
	require.Equal(t, http.StatusCreated, e.call(t, "POST", "/sim/api/followers", `{"name":"Ivan"}`, nil))
	require.Equal(t, http.StatusOK, e.call(t, "GET", "/sim/api/followers", nil, &list))
	require.Len(t, list, 2)
	assert.Equal(t, "Hana", list[0].Name)
	assert.True(t, list[0].Following)
	assert.Equal(t, "Ivan", list[1].Name)
	assert.False(t, list[1].Following)

	var one followerJSON
	require.Equal(t, http.StatusOK, e.call(t, "GET", "/sim/api/followers/"+list[1].OpenID, nil, &one))
	assert.Equal(t, list[1], one)

	var in info
	require.Equal(t, http.StatusOK, e.call(t, "GET", "/sim/api/info", nil, &in))
	assert.Equal(t, info{BaseURL: e.URL, ChatURL: e.URL + "/", AppID: sim.DefaultAppID, OriginalID: sim.DefaultOriginalID,
		SafeMode: true, CallbackURL: e.bot.URL + "/wechat", MchID: e.keys.Merchant.MchID, Selected: sim.DefaultAppID,
		Accounts: []accountInfo{{AppID: sim.DefaultAppID, OriginalID: sim.DefaultOriginalID, CallbackURL: e.bot.URL + "/wechat", Selected: true}}}, in)
	raw := e.raw(t, "/sim/api/info")
	assert.NotContains(t, raw, sim.DefaultAppSecret)
	assert.NotContains(t, raw, sim.DefaultEncodingAESKey)
	assert.NotContains(t, raw, e.keys.Merchant.APIv3Key)
}

// raw GETs a path and returns the body.
func (e *testEnv) raw(t *testing.T, path string) string {
	t.Helper()
	resp, err := http.Get(e.URL + path)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

func TestAPIMenu(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{noPay: true})
	var m menuJSON
	require.Equal(t, http.StatusOK, e.call(t, "GET", "/sim/api/menu", nil, &m))
	assert.Empty(t, m.Button)
	assert.Contains(t, e.raw(t, "/sim/api/menu"), `{"button":[]}`)
	e.createMenu(t)
	require.Equal(t, http.StatusOK, e.call(t, "GET", "/sim/api/menu", nil, &m))
	require.Len(t, m.Button, 3)
	assert.Equal(t, menuButton{Type: "click", Name: "Hello", Key: "hello"}, m.Button[0])
	assert.Equal(t, "http://127.0.0.1:1/profile", m.Button[1].URL)
	require.Len(t, m.Button[2].SubButton, 2)
	assert.Equal(t, "about", m.Button[2].SubButton[0].Key)
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Jo/follow", nil, nil))
	var mu menuJSON
	require.Equal(t, http.StatusOK, e.call(t, "GET", "/sim/api/menu?user=Jo", nil, &mu))
	assert.Equal(t, m, mu)
}

func TestAPIDeliveries(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{noPay: true})
	var r actionResponse
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Kim/follow", nil, &r))
	openid := r.OpenID
	e.platform(t, "/cgi-bin/message/template/send", `{"touser":"`+openid+`","template_id":"`+sim.DefaultTemplateID+`","url":"https://example.com/order",
		"data":{"first":{"value":"支付成功"},"keyword1":{"value":"No.1"},"keyword2":{"value":"9.90元"},"remark":{"value":"谢谢"}}}`)
	e.platform(t, "/cgi-bin/message/custom/send", `{"touser":"`+openid+`","msgtype":"news","news":{"articles":[{"title":"新品","description":"看看","url":"https://example.com/n","picurl":"https://example.com/p.png"}]}}`)
	e.platform(t, "/cgi-bin/message/custom/send", `{"touser":"`+openid+`","msgtype":"text","text":{"content":"客服来了"}}`)
	e.platform(t, "/cgi-bin/message/mass/send", `{"touser":["`+openid+`","`+openid+`"],"msgtype":"text","text":{"content":"群发"}}`)
	e.sim.WaitIdle()

	var items []chatItem
	require.Equal(t, http.StatusOK, e.call(t, "GET", "/sim/api/events?user=Kim", nil, &items))
	var bot []chatItem
	for _, it := range items {
		if it.From == fromBot {
			bot = append(bot, it)
		}
	}
	require.Len(t, bot, 5, "%+v", items)
	tpl := bot[1]
	assert.Equal(t, "template", tpl.Kind)
	require.NotNil(t, tpl.Template)
	assert.Equal(t, sim.DefaultTemplateID, tpl.Template.TemplateID)
	assert.Equal(t, "支付成功\n订单号：No.1\n金额：9.90元\n谢谢", tpl.Template.Content)
	assert.Equal(t, "https://example.com/order", tpl.Template.URL)
	assert.Equal(t, "No.1", tpl.Template.Data["keyword1"])
	assert.Equal(t, "custom", bot[2].Kind)
	assert.Equal(t, []chatArticle{{Title: "新品", Description: "看看", PicURL: "https://example.com/p.png", URL: "https://example.com/n"}}, bot[2].Articles)
	assert.Equal(t, "客服来了", bot[3].Text)
	assert.Equal(t, "mass", bot[4].Kind)
	assert.Equal(t, "群发", bot[4].Text)
	// The job-finish event pushed after the template message is quiet.
	var quiet bool
	for _, it := range items {
		quiet = quiet || it.Event == "TEMPLATESENDJOBFINISH" && it.Quiet
	}
	assert.True(t, quiet)
}

// readSSE reads "item" events from a Server-Sent Events stream.
func readSSE(t *testing.T, body io.Reader, n int) []chatItem {
	t.Helper()
	sc := bufio.NewScanner(body)
	var out []chatItem
	var id string
	for len(out) < n && sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "id: "):
			id = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "data: "):
			var it chatItem
			require.NoError(t, json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &it))
			assert.Equal(t, id, fmt.Sprint(it.Seq))
			if !it.Quiet {
				out = append(out, it)
			}
		}
	}
	require.Len(t, out, n, "stream ended: %v", sc.Err())
	return out
}

func TestAPIEventStream(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{noPay: true})
	var r actionResponse
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Lee/follow", nil, &r))

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.URL+"/sim/api/events?user="+r.OpenID, nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, "text/event-stream; charset=utf-8", resp.Header.Get("Content-Type"))
	br := bufio.NewReader(resp.Body)
	// History first (subscribe event and welcome), then live items.
	hist := readSSE(t, br, 2)
	assert.Equal(t, "subscribe", hist[0].Event)
	assert.Equal(t, "welcome", hist[1].Text)
	// Another user's messages are not in this stream.
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Other/follow", nil, nil))
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Lee/text", `{"content":"live"}`, nil))
	live := readSSE(t, br, 2)
	assert.Equal(t, []string{"user:live", "bot:live"}, []string{live[0].From + ":" + live[0].Text, live[1].From + ":" + live[1].Text})

	// Reconnecting with Last-Event-ID resumes after it.
	req2, _ := http.NewRequestWithContext(ctx, "GET", e.URL+"/sim/api/events?user=Lee", nil)
	req2.Header.Set("Accept", "text/event-stream")
	req2.Header.Set("Last-Event-ID", fmt.Sprint(live[0].Seq))
	resp2, err := http.DefaultClient.Do(req2)
	require.NoError(t, err)
	defer resp2.Body.Close()
	again := readSSE(t, bufio.NewReader(resp2.Body), 1)
	assert.Equal(t, live[1].Seq, again[0].Seq)

	// Heartbeats keep an idle stream alive.
	line, err := bufio.NewReader(resp2.Body).ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, ": keep-alive\n", line)
}

func TestAPIEventStreamEndsOnClose(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{noPay: true, noBot: true})
	req, _ := http.NewRequest("GET", e.URL+"/sim/api/events", nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	e.app.close()
	done := make(chan error, 1)
	go func() { _, err := io.Copy(io.Discard, resp.Body); done <- err }()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("the stream did not end when the app closed")
	}
}

func TestAPIPay(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{})
	notified := make(chan []byte, 4)
	notify := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		notified <- b
		w.WriteHeader(http.StatusNoContent)
	}))
	defer notify.Close()
	var f actionResponse
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Max/follow", nil, &f))

	order := func(outTradeNo, openid string) string {
		body := fmt.Sprintf(`{"appid":%q,"mchid":%q,"description":"Tea","out_trade_no":%q,"notify_url":%q,"amount":{"total":990,"currency":"CNY"},"payer":{"openid":%q}}`,
			sim.DefaultAppID, e.keys.Merchant.MchID, outTradeNo, notify.URL+"/notify", openid)
		req, _ := http.NewRequest("POST", e.URL+"/v3/pay/transactions/jsapi", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		require.NoError(t, e.merchant().SignRequest(req, []byte(body)))
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var out struct {
			PrepayID string `json:"prepay_id"`
		}
		raw, _ := io.ReadAll(resp.Body)
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s", raw)
		require.NoError(t, json.Unmarshal(raw, &out))
		return out.PrepayID
	}
	prepay := order("T100001", f.OpenID)
	var tx struct {
		OutTradeNo    string `json:"out_trade_no"`
		TradeState    string `json:"trade_state"`
		TransactionID string `json:"transaction_id"`
		Payer         struct {
			OpenID string `json:"openid"`
		} `json:"payer"`
	}
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/pay", map[string]string{"prepay_id": prepay, "openid": "Max"}, &tx))
	assert.Equal(t, "T100001", tx.OutTradeNo)
	assert.Equal(t, "SUCCESS", tx.TradeState)
	assert.Len(t, tx.TransactionID, 28)
	assert.Equal(t, f.OpenID, tx.Payer.OpenID)
	select {
	case b := <-notified:
		assert.Contains(t, string(b), `"event_type":"TRANSACTION.SUCCESS"`)
	case <-time.After(5 * time.Second):
		t.Fatal("no payment notification")
	}

	order("T100002", f.OpenID)
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/pay", `{"out_trade_no":"T100002"}`, &tx))
	assert.Equal(t, "T100002", tx.OutTradeNo)

	var ae apiError
	assert.Equal(t, http.StatusBadRequest, e.call(t, "POST", "/sim/api/pay", `{"out_trade_no":"T100002"}`, &ae), "already paid")
	assert.Equal(t, "INVALID_REQUEST", ae.Code)
	assert.Equal(t, http.StatusNotFound, e.call(t, "POST", "/sim/api/pay", `{"prepay_id":"wx_nope"}`, &ae))
	assert.Equal(t, "ORDER_NOT_EXIST", ae.Code)
	assert.Equal(t, http.StatusBadRequest, e.call(t, "POST", "/sim/api/pay", `{}`, &ae))
	assert.Equal(t, "bad_request", ae.Code)
	assert.Equal(t, http.StatusBadRequest, e.call(t, "POST", "/sim/api/pay", `{"prepay_id":"a","out_trade_no":"b"}`, &ae))
}

func TestPageAndPlatformRoutes(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{noPay: true, noBot: true})
	page := e.raw(t, "/")
	for _, id := range []string{`id="follower-name"`, `id="follow"`, `id="message-input"`, `id="send"`, `id="scene-input"`, `id="scan"`, `id="menu"`, "/sim/ui/app.js"} {
		assert.Contains(t, page, id)
	}
	js := e.raw(t, "/sim/ui/app.js")
	for _, s := range []string{"menu-button", "data-key", "data-url", "bubble from-bot", "bubble from-user", "card template", "EventSource"} {
		assert.Contains(t, js, s)
	}
	assert.Contains(t, e.raw(t, "/sim/ui/style.css"), ".bubble.from-user")
	resp, err := http.Get(e.URL + "/sim/ui/nothing.js")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	// Everything else is the simulated platform.
	tok := e.raw(t, "/cgi-bin/token?grant_type=client_credential&appid="+sim.DefaultAppID+"&secret="+sim.DefaultAppSecret)
	assert.Contains(t, tok, `"access_token"`)
	assert.Contains(t, e.raw(t, "/cgi-bin/nothing"), `"errcode"`)
}

func TestCrossOriginRefused(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{noPay: true, noBot: true})
	post := func(origin string) int {
		req, _ := http.NewRequest("POST", e.URL+"/sim/api/followers", strings.NewReader(`{"name":"X"}`))
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusForbidden, post("https://evil.example"))
	assert.Equal(t, http.StatusForbidden, post("%zz"))
	assert.Equal(t, http.StatusCreated, post(e.URL))
	assert.Equal(t, http.StatusOK, post(""))
	assert.Empty(t, e.sim.Users()[1:], "only one user was created")
}

func TestFollowerCookie(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{noPay: true})
	req, _ := http.NewRequest("POST", e.URL+"/sim/api/followers/Nia/follow", bytes.NewReader(nil))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	var openid string
	for _, c := range resp.Cookies() {
		if c.Name == sim.FollowerCookie {
			openid = c.Value
			assert.True(t, c.HttpOnly)
			assert.Equal(t, "/", c.Path)
		}
	}
	f, ok := e.sim.User(openid)
	require.True(t, ok, "the cookie names the follower")
	assert.Equal(t, "Nia", f.Name())
}
