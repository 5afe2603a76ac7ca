package sim

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func transferReply(p pushed, kf string) string {
	x := "<xml><ToUserName><![CDATA[" + p.Msg["FromUserName"] + "]]></ToUserName><FromUserName><![CDATA[" +
		p.Msg["ToUserName"] + "]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[transfer_customer_service]]></MsgType>"
	if kf != "" {
		x += "<TransInfo><KfAccount><![CDATA[" + kf + "]]></KfAccount></TransInfo>"
	}
	return x + "</xml>"
}

func TestKfAccountLifecycle(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	tok := token(t, s)
	require.Zero(t, errcode(api(t, s, tok, "POST", "/customservice/kfaccount/add", map[string]string{"kf_account": "a1@gh", "nickname": "Amy"})))
	assert.Equal(t, 65403, errcode(api(t, s, tok, "POST", "/customservice/kfaccount/update", map[string]string{"kf_account": "a1@gh", "nickname": ""})))
	assert.Equal(t, 65401, errcode(api(t, s, tok, "POST", "/customservice/kfaccount/update", map[string]string{"kf_account": "zz@gh", "nickname": "Z"})))
	require.Zero(t, errcode(api(t, s, tok, "POST", "/customservice/kfaccount/update", map[string]string{"kf_account": "a1@gh", "nickname": "Amy2"})))

	// Not bound yet: offline, cannot serve.
	on := api(t, s, tok, "GET", "/cgi-bin/customservice/getonlinekflist", nil)
	assert.Empty(t, on["kf_online_list"])
	require.Zero(t, errcode(api(t, s, tok, "POST", "/customservice/kfaccount/inviteworker", map[string]string{"kf_account": "a1@gh", "invite_wx": "amy_wx"})))
	assert.Equal(t, 65411, errcode(api(t, s, tok, "POST", "/customservice/kfaccount/inviteworker", map[string]string{"kf_account": "a1@gh", "invite_wx": "other"})))
	assert.Equal(t, 65409, errcode(api(t, s, tok, "POST", "/customservice/kfaccount/inviteworker", map[string]string{"kf_account": "a1@gh", "invite_wx": ""})))
	list := api(t, s, tok, "GET", "/cgi-bin/customservice/getkflist", nil)["kf_list"].([]any)[0].(map[string]any)
	assert.Equal(t, "Amy2", list["kf_nick"])
	assert.Equal(t, "amy_wx", list["invite_wx"])
	assert.Equal(t, "waiting", list["invite_status"])
	require.NoError(t, s.AcceptKfInvite("a1@gh"))
	assert.ErrorIs(t, s.AcceptKfInvite("a1@gh"), ErrNoKfAccount)
	assert.Equal(t, 65412, errcode(api(t, s, tok, "POST", "/customservice/kfaccount/inviteworker", map[string]string{"kf_account": "a1@gh", "invite_wx": "x"})))
	on = api(t, s, tok, "GET", "/cgi-bin/customservice/getonlinekflist", nil)
	assert.Equal(t, []any{map[string]any{"kf_account": "a1@gh", "status": float64(1), "kf_id": "1001", "accepted_case": float64(0)}}, on["kf_online_list"])

	// Avatar: multipart "media", an image.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("media", "head.jpg")
	_, _ = fw.Write([]byte("\xff\xd8\xff\xe0jpeg"))
	require.NoError(t, mw.Close())
	req, _ := http.NewRequest("POST", s.URL+"/customservice/kfaccount/uploadheadimg?"+url.Values{"access_token": {tok}, "kf_account": {"a1@gh"}}.Encode(), &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	list = api(t, s, tok, "GET", "/cgi-bin/customservice/getkflist", nil)["kf_list"].([]any)[0].(map[string]any)
	assert.Contains(t, list["kf_headimgurl"], "/sim/media/")

	assert.Equal(t, 65401, errcode(api(t, s, tok, "GET", "/customservice/kfaccount/del", nil, "kf_account", "nobody@gh")))
	require.Zero(t, errcode(api(t, s, tok, "GET", "/customservice/kfaccount/del", nil, "kf_account", "a1@gh")))
	assert.Empty(t, api(t, s, tok, "GET", "/cgi-bin/customservice/getkflist", nil)["kf_list"])
}

// A follower answered with transfer_customer_service waits in the queue; a
// session is created, switched and closed with the documented events, and
// the messages exchanged make the chat record.
func TestKfSessions(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := newSim(t, Options{Clock: clk.Now})
	tok := token(t, s)
	transfer := ""
	d := newDevServer(t, s, func(p pushed) string {
		if p.Msg["MsgType"] == "text" && p.Msg["Content"] == "人工" {
			return transferReply(p, transfer)
		}
		return ""
	})
	for _, a := range []string{"a1@gh", "b2@gh", "c3@gh"} {
		require.Zero(t, errcode(api(t, s, tok, "POST", "/customservice/kfaccount/add", map[string]string{"kf_account": a, "nickname": a[:2]})))
		if a != "c3@gh" {
			require.Zero(t, errcode(api(t, s, tok, "POST", "/customservice/kfaccount/inviteworker", map[string]string{"kf_account": a, "invite_wx": "wx_" + a[:2]})))
			require.NoError(t, s.AcceptKfInvite(a))
		}
	}
	alice, bob := s.NewUser("Alice"), s.NewUser("Bob")
	for _, f := range []*Follower{alice, bob} {
		_, err := f.Follow(ctx(t))
		require.NoError(t, err)
	}
	start := clk.Now().Unix()

	// A plain message does not queue; a transfer does.
	_, err := alice.SendText(ctx(t), "hello")
	require.NoError(t, err)
	w := api(t, s, tok, "GET", "/customservice/kfsession/getwaitcase", nil)
	assert.Equal(t, float64(0), w["count"])
	_, err = alice.SendText(ctx(t), "人工")
	require.NoError(t, err)
	w = api(t, s, tok, "GET", "/customservice/kfsession/getwaitcase", nil)
	assert.Equal(t, float64(1), w["count"])
	assert.Equal(t, alice.OpenID(), w["waitcaselist"].([]any)[0].(map[string]any)["openid"])

	// Errors of create.
	create := func(kf, openid string) int {
		return errcode(api(t, s, tok, "POST", "/customservice/kfsession/create", map[string]string{"kf_account": kf, "openid": openid}))
	}
	assert.Equal(t, 65401, create("zz@gh", alice.OpenID()))
	assert.Equal(t, 65402, create("c3@gh", alice.OpenID()), "an unbound account cannot serve")
	assert.Equal(t, 40003, create("a1@gh", "o_nobody"))
	require.Zero(t, create("a1@gh", alice.OpenID()))
	require.Zero(t, create("a1@gh", alice.OpenID()), "the same session again is ok")
	assert.Equal(t, 65414, create("b2@gh", alice.OpenID()))
	ev := d.waitPush(func(p pushed) bool { return p.Msg["Event"] == "kf_create_session" })
	assert.Equal(t, "a1@gh", ev.Msg["KfAccount"])
	assert.Equal(t, alice.OpenID(), ev.Msg["FromUserName"])
	w = api(t, s, tok, "GET", "/customservice/kfsession/getwaitcase", nil)
	assert.Equal(t, float64(0), w["count"], "accepted: no longer waiting")
	g := api(t, s, tok, "GET", "/customservice/kfsession/getsession", nil, "openid", alice.OpenID())
	assert.Equal(t, "a1@gh", g["kf_account"])
	assert.Equal(t, float64(clk.Now().Unix()), g["createtime"])
	sl := api(t, s, tok, "GET", "/customservice/kfsession/getsessionlist", nil, "kf_account", "a1@gh")["sessionlist"].([]any)
	require.Len(t, sl, 1)
	assert.Equal(t, float64(0), api(t, s, tok, "GET", "/cgi-bin/customservice/getonlinekflist", nil)["kf_online_list"].([]any)[1].(map[string]any)["accepted_case"])

	// The chat: the follower writes, the worker answers.
	_, err = alice.SendText(ctx(t), "my order?")
	require.NoError(t, err)
	require.Zero(t, errcode(api(t, s, tok, "POST", "/cgi-bin/message/custom/send", map[string]any{
		"touser": alice.OpenID(), "msgtype": "text", "text": map[string]string{"content": "shipped"}})))

	// A transfer naming a bound account starts the session at once.
	transfer = "b2@gh"
	_, err = bob.SendText(ctx(t), "人工")
	require.NoError(t, err)
	d.waitPush(func(p pushed) bool {
		return p.Msg["Event"] == "kf_create_session" && p.Msg["FromUserName"] == bob.OpenID() && p.Msg["KfAccount"] == "b2@gh"
	})

	// Switch, then close.
	require.NoError(t, s.KfSwitch(alice.OpenID(), "b2@gh"))
	assert.ErrorIs(t, s.KfSwitch(alice.OpenID(), "c3@gh"), ErrNoKfAccount)
	sw := d.waitPush(func(p pushed) bool { return p.Msg["Event"] == "kf_switch_session" })
	assert.Equal(t, "a1@gh", sw.Msg["FromKfAccount"])
	assert.Equal(t, "b2@gh", sw.Msg["ToKfAccount"])
	closeS := func(kf, openid string) int {
		return errcode(api(t, s, tok, "POST", "/customservice/kfsession/close", map[string]string{"kf_account": kf, "openid": openid}))
	}
	assert.Equal(t, 65413, closeS("a1@gh", alice.OpenID()), "switched away from a1")
	require.Zero(t, closeS("b2@gh", alice.OpenID()))
	cl := d.waitPush(func(p pushed) bool { return p.Msg["Event"] == "kf_close_session" })
	assert.Equal(t, "b2@gh", cl.Msg["KfAccount"])
	g = api(t, s, tok, "GET", "/customservice/kfsession/getsession", nil, "openid", alice.OpenID())
	assert.Equal(t, "", g["kf_account"])
	_, err = alice.SendText(ctx(t), "after the session")
	require.NoError(t, err)

	// The record: only messages exchanged in sessions, with opercode.
	list := func(msgid, number int, end int64) map[string]any {
		return api(t, s, tok, "POST", "/customservice/msgrecord/getmsglist",
			map[string]any{"starttime": start, "endtime": end, "msgid": msgid, "number": number})
	}
	end := clk.Now().Unix() + 60
	all := list(1, 10000, end)
	recs := all["recordlist"].([]any)
	require.Len(t, recs, 3, "%v", recs)
	r0 := recs[0].(map[string]any)
	assert.Equal(t, map[string]any{"openid": alice.OpenID(), "opercode": float64(2003), "text": "my order?",
		"time": float64(clk.Now().Unix()), "worker": "a1@gh"}, r0)
	assert.Equal(t, float64(2002), recs[1].(map[string]any)["opercode"])
	assert.Equal(t, "shipped", recs[1].(map[string]any)["text"])
	assert.Equal(t, bob.OpenID(), recs[2].(map[string]any)["openid"])
	assert.Equal(t, "b2@gh", recs[2].(map[string]any)["worker"])
	// Paging: two at a time, msgid continues.
	p1 := list(1, 2, end)
	assert.Len(t, p1["recordlist"], 2)
	assert.Equal(t, float64(2), p1["number"])
	p2 := list(int(p1["msgid"].(float64)), 2, end)
	assert.Len(t, p2["recordlist"], 1)
	// The window rules.
	assert.Equal(t, 65417, errcode(list(1, 10, start+24*3600+1)))
	assert.Equal(t, 65416, errcode(list(1, 10001, end)))
	assert.Equal(t, 65416, errcode(list(0, 10, end)))
	assert.Empty(t, list(1, 10, start-1)["recordlist"], "before the window")
}
