package component_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/component"
	"github.com/wxkit/mp/crypto"
	"github.com/wxkit/mp/message"
)

func TestCallbackServerRoutesByAppID(t *testing.T) {
	t.Parallel()
	p, err := component.New(testCfg)
	require.NoError(t, err)
	var gotAppID, gotContent string
	h, err := component.NewCallbackServer(p, message.HandlerFunc(func(ctx context.Context, m message.Message) (message.Reply, error) {
		gotAppID = component.AuthorizerAppID(ctx)
		if txt, ok := m.(*message.Text); ok {
			gotContent = txt.Content
		}
		return message.TextReply{Content: "hi from " + component.AuthorizerAppID(ctx)}, nil
	}))
	require.NoError(t, err)

	ts := strconv.FormatInt(time.Now().Unix(), 10)
	plain := `<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName><CreateTime>` + ts +
		`</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content><MsgId>1234567890123456</MsgId></xml>`
	env, err := crypto.NewEnvelope(compToken, compAESKey, compAppID)
	require.NoError(t, err)
	enc, err := env.Cipher().Encrypt([]byte(plain))
	require.NoError(t, err)
	q := url.Values{"timestamp": {ts}, "nonce": {"n1"}, "encrypt_type": {"aes"}, "openid": {"oUser"},
		"signature": {crypto.Signature(compToken, ts, "n1")}, "msg_signature": {crypto.MsgSignature(compToken, ts, "n1", enc)}}
	body := "<xml><ToUserName><![CDATA[gh_account]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>"

	w := post(h, "/wechat/"+authAppID+"?"+q.Encode(), body)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Equal(t, authAppID, gotAppID)
	assert.Equal(t, "hello", gotContent)
	reply, err := env.Open(extract(t, w.Body.String(), "MsgSignature"), extract(t, w.Body.String(), "TimeStamp"), extract(t, w.Body.String(), "Nonce"), w.Body.Bytes())
	require.NoError(t, err)
	assert.Contains(t, string(reply), "hi from "+authAppID)

	assert.Equal(t, http.StatusNotFound, post(h, "/wechat/?"+q.Encode(), body).Code)
	assert.Equal(t, http.StatusNotFound, post(h, "/wechat/bad%20id?"+q.Encode(), body).Code)

	// Plaintext pushes are refused: the platform always encrypts.
	q.Del("encrypt_type")
	assert.NotEqual(t, http.StatusOK, post(h, "/wechat/"+authAppID+"?"+q.Encode(), plain).Code)

	_, err = component.NewCallbackServer(mustPlatform(t, component.Config{AppID: "a", AppSecret: "b"}), nil)
	require.Error(t, err)
	assert.Equal(t, "", component.AuthorizerAppID(context.Background()))
}

func mustPlatform(t *testing.T, cfg component.Config) *component.Platform {
	p, err := component.New(cfg)
	require.NoError(t, err)
	return p
}

// extract returns the text of tag in a reply (CDATA or not).
func extract(t *testing.T, s, tag string) string {
	t.Helper()
	_, after, ok := strings.Cut(s, "<"+tag+">")
	require.True(t, ok, tag)
	v, _, _ := strings.Cut(after, "</"+tag+">")
	v = strings.TrimPrefix(v, "<![CDATA[")
	return strings.TrimSuffix(v, "]]>")
}

func TestCallbackLateReplyGoesThroughTheAccount(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.reply(t, "/cgi-bin/component/api_authorizer_token", "", "api_authorizer_token.json")
	sent := make(chan string, 1)
	f.Handle("POST", "/cgi-bin/message/custom/send", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "some-access-token", r.URL.Query().Get("access_token"), "the authorizer's token")
		b, _ := io.ReadAll(r.Body)
		sent <- string(b)
		_, _ = w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
	})
	rts := component.NewMemoryRefreshTokenStore()
	require.NoError(t, rts.Put(context.Background(), authAppID, oldRT))
	p := f.platform(t, component.WithRefreshTokenStore(rts))
	release := make(chan struct{})
	h, err := component.NewCallbackServer(p, message.HandlerFunc(func(ctx context.Context, m message.Message) (message.Reply, error) {
		<-release
		return message.TextReply{Content: "late"}, nil
	}), message.WithReplyDeadline(time.Nanosecond))
	require.NoError(t, err)

	ts := strconv.FormatInt(time.Now().Unix(), 10)
	plain := `<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName><CreateTime>` + ts +
		`</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content><MsgId>1234567890123457</MsgId></xml>`
	env, err := crypto.NewEnvelope(compToken, compAESKey, compAppID)
	require.NoError(t, err)
	enc, err := env.Cipher().Encrypt([]byte(plain))
	require.NoError(t, err)
	q := url.Values{"timestamp": {ts}, "nonce": {"n2"}, "encrypt_type": {"aes"}, "msg_signature": {crypto.MsgSignature(compToken, ts, "n2", enc)}}
	// A real server: the handler runs on the request's goroutine, and
	// WeChat gets "success" at the deadline while it is still running.
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		select {
		case <-release:
		default:
			close(release)
		}
	})
	resp, err := http.Post(srv.URL+"/wechat/"+authAppID+"?"+q.Encode(), "text/xml", strings.NewReader("<xml><Encrypt><![CDATA["+enc+"]]></Encrypt></xml>"))
	require.NoError(t, err)
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "success", string(answer))
	close(release)
	body := <-sent
	assert.JSONEq(t, `{"touser":"oUser","msgtype":"text","text":{"content":"late"}}`, body)
}
