package sim

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSubscribeTemplateLibrary(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	tok := token(t, s)
	cats := api(t, s, tok, "GET", "/wxaapi/newtmpl/getcategory", nil)["data"].([]any)
	require.NotEmpty(t, cats)
	titles := api(t, s, tok, "GET", "/wxaapi/newtmpl/getpubtemplatetitles", nil, "ids", "307,616", "start", "0", "limit", "2")
	assert.Equal(t, float64(3), titles["count"])
	assert.Len(t, titles["data"], 2)
	assert.Len(t, api(t, s, tok, "GET", "/wxaapi/newtmpl/getpubtemplatetitles", nil, "ids", "307,616", "start", "2", "limit", "2")["data"], 1)
	assert.Equal(t, 200018, errcode(api(t, s, tok, "GET", "/wxaapi/newtmpl/getpubtemplatetitles", nil, "start", "0", "limit", "2")))
	assert.Equal(t, 200019, errcode(api(t, s, tok, "GET", "/wxaapi/newtmpl/getpubtemplatetitles", nil, "ids", "1", "start", "0", "limit", "2")))
	assert.Equal(t, 200017, errcode(api(t, s, tok, "GET", "/wxaapi/newtmpl/getpubtemplatetitles", nil, "ids", "307", "start", "0", "limit", "31")))
	assert.Equal(t, 200016, errcode(api(t, s, tok, "GET", "/wxaapi/newtmpl/getpubtemplatetitles", nil, "ids", "307", "start", "-1", "limit", "3")))
	kw := api(t, s, tok, "GET", "/wxaapi/newtmpl/getpubtemplatekeywords", nil, "tid", "99")
	assert.Equal(t, float64(5), kw["count"])
	assert.Equal(t, 200014, errcode(api(t, s, tok, "GET", "/wxaapi/newtmpl/getpubtemplatekeywords", nil, "tid", "1")))

	add := func(body map[string]any) map[string]any {
		return api(t, s, tok, "POST", "/wxaapi/newtmpl/addtemplate", body)
	}
	assert.Equal(t, 200020, errcode(add(map[string]any{"tid": "99", "kidList": []int{1}, "sceneDesc": "发货"})))
	assert.Equal(t, 200020, errcode(add(map[string]any{"tid": "99", "kidList": []int{1, 9}, "sceneDesc": "发货"})))
	assert.Equal(t, 200021, errcode(add(map[string]any{"tid": "99", "kidList": []int{1, 2}, "sceneDesc": ""})))
	assert.Equal(t, 200014, errcode(add(map[string]any{"tid": "5", "kidList": []int{1, 2}, "sceneDesc": "x"})))
	out := add(map[string]any{"tid": "99", "kidList": []int{1, 3}, "sceneDesc": "发货提醒"})
	require.Zero(t, errcode(out))
	id := out["priTmplId"].(string)
	list := api(t, s, tok, "GET", "/wxaapi/newtmpl/gettemplate", nil)["data"].([]any)
	require.Len(t, list, 1)
	tm := list[0].(map[string]any)
	assert.Equal(t, id, tm["priTmplId"])
	assert.Equal(t, "商品名称:{{thing1.DATA}}\n快递单号:{{character_string3.DATA}}", tm["content"])
	assert.Equal(t, float64(2), tm["type"])
	require.Zero(t, errcode(api(t, s, tok, "POST", "/wxaapi/newtmpl/deltemplate", map[string]string{"priTmplId": id})))
	assert.Equal(t, 40037, errcode(api(t, s, tok, "POST", "/wxaapi/newtmpl/deltemplate", map[string]string{"priTmplId": id})))
}

// bizsend reaches a follower only after they accepted the template in a
// popup (subscribe_msg_popup_event): once for a one-time template, until
// refused for a long-term one.
func TestBizSendNeedsAcceptance(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{LinkedMiniPrograms: []string{"wxmini1"}})
	d := newDevServer(t, s, nil)
	tok := token(t, s)
	once := s.AddSubscribeTemplate("发货通知", "商品:{{thing1.DATA}}", 2)
	long := s.AddSubscribeTemplate("线路变更", "线路:{{thing1.DATA}}", 3)
	alice := s.NewUser("Alice")
	send := func(tmpl string, extra ...map[string]any) map[string]any {
		body := map[string]any{"touser": alice.OpenID(), "template_id": tmpl, "page": "http://x/p",
			"data": map[string]any{"thing1": map[string]string{"value": "鞋"}}}
		for _, e := range extra {
			for k, v := range e {
				body[k] = v
			}
		}
		return api(t, s, tok, "POST", "/cgi-bin/message/subscribe/bizsend", body)
	}
	out := send(once)
	assert.Equal(t, 43101, errcode(out), "not accepted yet")
	assert.Equal(t, "user refuse to accept the msg", out["errmsg"])

	_, err := alice.AnswerSubscribePopup(ctx(t), SubscribeChoice{TemplateID: once, Accept: true}, SubscribeChoice{TemplateID: long, Accept: false})
	require.NoError(t, err)
	p := d.waitPush(func(p pushed) bool { return p.Msg["Event"] == "subscribe_msg_popup_event" })
	assert.Contains(t, string(p.Plain), "<SubscribeMsgPopupEvent><List><TemplateId><![CDATA["+once+"]]></TemplateId><SubscribeStatusString><![CDATA[accept]]>")
	assert.Contains(t, string(p.Plain), "<![CDATA[reject]]>")

	assert.Equal(t, 47003, errcode(send(once, map[string]any{"data": map[string]any{}})))
	assert.Equal(t, 40166, errcode(send(once, map[string]any{"miniprogram": map[string]string{"appid": "wxother", "pagepath": "p"}})))
	require.Zero(t, errcode(send(once, map[string]any{"miniprogram": map[string]string{"appid": "wxmini1", "pagepath": "p"}})))
	in := alice.Inbox()
	last := in[len(in)-1]
	assert.Equal(t, DeliverySubscribe, last.Kind)
	assert.Equal(t, "商品:鞋", last.Content)
	sent := d.waitPush(func(p pushed) bool { return p.Msg["Event"] == "subscribe_msg_sent_event" })
	assert.Equal(t, itoa(last.MsgID), sent.Msg["MsgID"])
	assert.Equal(t, "success", sent.Msg["ErrorStatus"])
	assert.Equal(t, 43101, errcode(send(once)), "a one-time acceptance is used up")
	assert.Equal(t, 43101, errcode(send(long)), "rejected")

	_, err = alice.AnswerSubscribePopup(ctx(t), SubscribeChoice{TemplateID: long, Accept: true})
	require.NoError(t, err)
	require.Zero(t, errcode(send(long)))
	require.Zero(t, errcode(send(long)), "long-term: again")
	_, err = alice.RefuseSubscribeMsg(ctx(t), long)
	require.NoError(t, err)
	d.waitPush(func(p pushed) bool { return p.Msg["Event"] == "subscribe_msg_change_event" })
	assert.Equal(t, 43101, errcode(send(long)), "refused in the settings")

	_, err = alice.AnswerSubscribePopup(ctx(t), SubscribeChoice{TemplateID: "nope", Accept: true})
	assert.ErrorIs(t, err, ErrInvalidFollowerOp)
	assert.Equal(t, 40037, errcode(send("nope")))
}

func TestMediaGetJSSDK(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	d := newDevServer(t, s, nil)
	alice := s.NewUser("Alice")
	_, err := alice.Follow(ctx(t))
	require.NoError(t, err)
	_, err = alice.SendVoice(ctx(t), "hi")
	require.NoError(t, err)
	voice := d.waitPush(func(p pushed) bool { return p.Msg["MsgType"] == "voice" }).Msg["MediaId"]
	_, err = alice.SendImage(ctx(t), "")
	require.NoError(t, err)
	image := d.waitPush(func(p pushed) bool { return p.Msg["MsgType"] == "image" }).Msg["MediaId"]
	tok := token(t, s)
	status, body, hdr := doRaw(t, s, "GET", "/cgi-bin/media/get/jssdk", url.Values{"access_token": {tok}, "media_id": {voice}}, nil)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, hdr.Get("Content-Disposition"), ".speex")
	assert.NotEmpty(t, body)
	out := api(t, s, tok, "GET", "/cgi-bin/media/get/jssdk", nil, "media_id", image)
	assert.Equal(t, 40007, errcode(out), "only voice")
}
