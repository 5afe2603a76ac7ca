package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMass(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	dev := newDevServer(t, s, nil)
	tok := token(t, s)
	a, b, c := s.NewUser("A"), s.NewUser("B"), s.NewUser("C")
	for _, u := range []*Follower{a, b, c} {
		_, err := u.Follow(ctx(t))
		require.NoError(t, err)
	}
	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/cgi-bin/tags/members/batchblacklist", map[string]any{"openid_list": []string{c.OpenID()}})))

	out := api(t, s, tok, "POST", "/cgi-bin/message/mass/sendall", map[string]any{
		"filter": map[string]any{"is_to_all": true}, "text": map[string]string{"content": "CONTENT"}, "msgtype": "text"})
	require.Equal(t, 0, errcode(out))
	assert.Equal(t, "send job submission success", out["errmsg"])
	msgID := out["msg_id"].(float64)
	for _, u := range []*Follower{a, b} {
		in := u.Inbox()
		require.Len(t, in, 1)
		assert.Equal(t, DeliveryMass, in[0].Kind)
		assert.Equal(t, "CONTENT", in[0].Content)
	}
	assert.Empty(t, c.Inbox())
	s.WaitIdle()
	p := dev.waitPush(func(p pushed) bool { return p.Msg["Event"] == "MASSSENDJOBFINISH" })
	assert.Equal(t, itoa(int64(msgID)), p.Msg["MsgID"])
	assert.Equal(t, "send success", p.Msg["Status"])
	assert.Equal(t, "3", p.Msg["TotalCount"])
	assert.Equal(t, "2", p.Msg["SentCount"])

	// By tag.
	tag := api(t, s, tok, "POST", "/cgi-bin/tags/create", map[string]any{"tag": map[string]string{"name": "t"}})
	tagID := tag["tag"].(map[string]any)["id"]
	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/cgi-bin/tags/members/batchtagging", map[string]any{"openid_list": []string{b.OpenID()}, "tagid": tagID})))
	out = api(t, s, tok, "POST", "/cgi-bin/message/mass/sendall", map[string]any{
		"filter": map[string]any{"is_to_all": false, "tag_id": tagID}, "text": map[string]string{"content": "TAGGED"}, "msgtype": "text"})
	require.Equal(t, 0, errcode(out))
	assert.Len(t, a.Inbox(), 1)
	assert.Len(t, b.Inbox(), 2)
	assert.Equal(t, 45159, errcode(api(t, s, tok, "POST", "/cgi-bin/message/mass/sendall", map[string]any{
		"filter": map[string]any{"is_to_all": false, "tag_id": 9999}, "text": map[string]string{"content": "x"}, "msgtype": "text"})))

	// mpnews from a draft, by openid list.
	thumb := uploadMedia(t, s, tok, "/cgi-bin/material/add_material", "thumb", "c.jpg", []byte("jpg"))
	draft := api(t, s, tok, "POST", "/cgi-bin/draft/add", map[string]any{"articles": []any{map[string]any{"title": "T", "content": "C", "thumb_media_id": thumb}}})
	out = api(t, s, tok, "POST", "/cgi-bin/message/mass/send", map[string]any{
		"touser": []string{a.OpenID(), b.OpenID()}, "mpnews": map[string]string{"media_id": draft["media_id"].(string)}, "msgtype": "mpnews", "send_ignore_reprint": 0})
	require.Equal(t, 0, errcode(out))
	assert.NotZero(t, out["msg_data_id"])
	assert.Equal(t, "mpnews", a.Inbox()[1].MsgType)
	assert.Equal(t, 40130, errcode(api(t, s, tok, "POST", "/cgi-bin/message/mass/send", map[string]any{
		"touser": []string{a.OpenID()}, "text": map[string]string{"content": "x"}, "msgtype": "text"})))
	assert.Equal(t, 40007, errcode(api(t, s, tok, "POST", "/cgi-bin/message/mass/send", map[string]any{
		"touser": []string{a.OpenID(), b.OpenID()}, "mpnews": map[string]string{"media_id": "nope"}, "msgtype": "mpnews"})))
	assert.Equal(t, 40008, errcode(api(t, s, tok, "POST", "/cgi-bin/message/mass/send", map[string]any{
		"touser": []string{a.OpenID(), b.OpenID()}, "msgtype": "fax"})))

	// Preview.
	pv := api(t, s, tok, "POST", "/cgi-bin/message/mass/preview", map[string]any{"touser": a.OpenID(), "text": map[string]string{"content": "PREVIEW"}, "msgtype": "text"})
	require.Equal(t, 0, errcode(pv))
	assert.Equal(t, "preview success", pv["errmsg"])
	assert.Equal(t, "PREVIEW", a.Inbox()[len(a.Inbox())-1].Content)
	assert.Equal(t, 40003, errcode(api(t, s, tok, "POST", "/cgi-bin/message/mass/preview", map[string]any{"touser": "x", "text": map[string]string{"content": "x"}, "msgtype": "text"})))

	// Status, delete, speed.
	st := api(t, s, tok, "POST", "/cgi-bin/message/mass/get", map[string]any{"msg_id": msgID})
	assert.Equal(t, "SEND_SUCCESS", st["msg_status"])
	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/cgi-bin/message/mass/delete", map[string]any{"msg_id": msgID, "article_idx": 0})))
	assert.Equal(t, "DELETE", api(t, s, tok, "POST", "/cgi-bin/message/mass/get", map[string]any{"msg_id": msgID})["msg_status"])
	assert.Equal(t, 40097, errcode(api(t, s, tok, "POST", "/cgi-bin/message/mass/get", map[string]any{"msg_id": 1})))
	sp := api(t, s, tok, "POST", "/cgi-bin/message/mass/speed/get", map[string]any{})
	assert.EqualValues(t, 0, sp["speed"])
	assert.EqualValues(t, 80, sp["realspeed"])
	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/cgi-bin/message/mass/speed/set", map[string]any{"speed": 3})))
	sp = api(t, s, tok, "POST", "/cgi-bin/message/mass/speed/get", map[string]any{})
	assert.EqualValues(t, 3, sp["speed"])
	assert.EqualValues(t, 30, sp["realspeed"])
	assert.Equal(t, 45083, errcode(api(t, s, tok, "POST", "/cgi-bin/message/mass/speed/set", map[string]any{"speed": 5})))
	assert.Equal(t, 45084, errcode(api(t, s, tok, "POST", "/cgi-bin/message/mass/speed/set", map[string]any{})))
}

// A clientmsgid used within 24 hours refuses the send with 45065 and the
// existing msg_id (重复消息不发送); after 24 hours it may be used again.
func TestMassClientMsgID(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := newSim(t, Options{Clock: clock.Now})
	tok := token(t, s)
	a, b := s.NewUser("A"), s.NewUser("B")
	for _, u := range []*Follower{a, b} {
		_, err := u.Follow(ctx(t))
		require.ErrorIs(t, err, ErrNoCallbackURL)
	}
	body := map[string]any{"filter": map[string]any{"is_to_all": true}, "text": map[string]string{"content": "C"}, "msgtype": "text", "clientmsgid": "send_tag_3"}
	first := api(t, s, tok, "POST", "/cgi-bin/message/mass/sendall", body)
	require.Equal(t, 0, errcode(first))
	dup := api(t, s, tok, "POST", "/cgi-bin/message/mass/sendall", body)
	assert.Equal(t, 45065, errcode(dup))
	assert.Equal(t, "clientmsgid exist", dup["errmsg"])
	assert.Equal(t, first["msg_id"], dup["msg_id"])
	dup = api(t, s, tok, "POST", "/cgi-bin/message/mass/send", map[string]any{
		"touser": []string{a.OpenID(), b.OpenID()}, "text": map[string]string{"content": "D"}, "msgtype": "text", "clientmsgid": "send_tag_3"})
	assert.Equal(t, 45065, errcode(dup), "the id is the account's, whatever the API")
	assert.Len(t, a.Inbox(), 1)
	// Without a clientmsgid, or with another one, the send goes out.
	delete(body, "clientmsgid")
	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/cgi-bin/message/mass/sendall", body)))
	body["clientmsgid"] = "send_tag_4"
	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/cgi-bin/message/mass/sendall", body)))
	assert.Len(t, a.Inbox(), 3)
	clock.Advance(clientMsgIDWindow)
	tok = token(t, s) // the old one expired meanwhile
	body["clientmsgid"] = "send_tag_3"
	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/cgi-bin/message/mass/sendall", body)))
}
