package template_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/template"
)

// TestOneTimeAuthURL rebuilds the documentation's link, parameter for
// parameter and in its order.
func TestOneTimeAuthURL(t *testing.T) {
	t.Parallel()
	c, err := mp.New(mp.Config{AppID: "wxaba38c7f163da69b", AppSecret: "APPSECRET"})
	require.NoError(t, err)
	got, err := template.New(c).OneTimeAuthURL(template.OneTimeAuthRequest{
		Scene: 1000, TemplateID: "1uDxHNXwYQfBmXOfPJcjAS3FynHArD8aWMEFNRGSbCc",
		RedirectURL: "http://support.qq.com", Reserved: "test",
	})
	require.NoError(t, err)
	// The documentation prints %3a%2f in lower case; both cases are the same URL.
	want := "https://mp.weixin.qq.com/mp/subscribemsg?action=get_confirm&appid=wxaba38c7f163da69b&scene=1000&template_id=1uDxHNXwYQfBmXOfPJcjAS3FynHArD8aWMEFNRGSbCc&redirect_url=http%3a%2f%2fsupport.qq.com&reserved=test#wechat_redirect"
	assert.True(t, strings.EqualFold(want, got), "got %s", got)
	assert.True(t, strings.HasPrefix(got, "https://mp.weixin.qq.com/mp/subscribemsg?action=get_confirm&appid=wxaba38c7f163da69b&scene=1000&"))

	// A redirect_url with its own query is escaped whole; no reserved, no parameter.
	got, err = template.New(c).OneTimeAuthURL(template.OneTimeAuthRequest{
		TemplateID: "T", RedirectURL: "https://example.com/back?a=1&b=2"})
	require.NoError(t, err)
	assert.Equal(t, "https://mp.weixin.qq.com/mp/subscribemsg?action=get_confirm&appid=wxaba38c7f163da69b&scene=0&template_id=T&redirect_url=https%3A%2F%2Fexample.com%2Fback%3Fa%3D1%26b%3D2#wechat_redirect", got)
}

func TestOneTimeAuthURLValidation(t *testing.T) {
	t.Parallel()
	_, c := mptest.New(t)
	svc := template.New(c)
	ok := template.OneTimeAuthRequest{Scene: 10000, TemplateID: "T", RedirectURL: "https://example.com/", Reserved: strings.Repeat("a", 128)}
	_, err := svc.OneTimeAuthURL(ok)
	require.NoError(t, err)
	for _, tt := range []struct {
		name, field string
		edit        func(*template.OneTimeAuthRequest)
	}{
		{"negative scene", "scene", func(r *template.OneTimeAuthRequest) { r.Scene = -1 }},
		{"scene over 10000", "scene", func(r *template.OneTimeAuthRequest) { r.Scene = 10001 }},
		{"no template", "template_id", func(r *template.OneTimeAuthRequest) { r.TemplateID = "" }},
		{"no redirect", "redirect_url", func(r *template.OneTimeAuthRequest) { r.RedirectURL = "" }},
		{"relative redirect", "redirect_url", func(r *template.OneTimeAuthRequest) { r.RedirectURL = "/back" }},
		{"ftp redirect", "redirect_url", func(r *template.OneTimeAuthRequest) { r.RedirectURL = "ftp://example.com/" }},
		{"reserved over 128 bytes", "reserved", func(r *template.OneTimeAuthRequest) { r.Reserved = strings.Repeat("a", 129) }},
		{"reserved not alphanumeric", "reserved", func(r *template.OneTimeAuthRequest) { r.Reserved = "a&b" }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := ok
			tt.edit(&r)
			got, err := svc.OneTimeAuthURL(r)
			assert.Empty(t, got)
			mptest.RequireValidation(t, err, tt.field)
		})
	}
}

func TestParseOneTimeAuth(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest("GET", "https://example.com/back?openid=OPENID&template_id=TEMPLATE_ID&action=confirm&scene=1000&reserved=test", nil)
	got, err := template.ParseOneTimeAuthRequest(r)
	require.NoError(t, err)
	assert.Equal(t, &template.OneTimeAuth{OpenID: "OPENID", TemplateID: "TEMPLATE_ID", Action: template.OneTimeConfirm, Scene: 1000, Reserved: "test"}, got)
	assert.True(t, got.Confirmed())

	// A cancellation carries no openid.
	got, err = template.ParseOneTimeAuth(url.Values{"template_id": {"T"}, "action": {"cancel"}, "scene": {"0"}})
	require.NoError(t, err)
	assert.False(t, got.Confirmed())
	assert.Empty(t, got.OpenID)
}

func TestParseOneTimeAuthRefuses(t *testing.T) {
	t.Parallel()
	for name, q := range map[string]string{
		"confirm without openid": "template_id=T&action=confirm&scene=1",
		"no action":              "openid=O&template_id=T&scene=1",
		"unknown action":         "openid=O&template_id=T&action=accept&scene=1",
		"no template":            "openid=O&action=confirm&scene=1",
		"no scene":               "openid=O&template_id=T&action=confirm",
		"scene not a number":     "openid=O&template_id=T&action=confirm&scene=x",
		"scene out of range":     "openid=O&template_id=T&action=confirm&scene=10001",
		"invalid UTF-8":          "openid=%ff&template_id=T&action=confirm&scene=1",
	} {
		t.Run(name, func(t *testing.T) {
			v, err := url.ParseQuery(q)
			require.NoError(t, err)
			got, err := template.ParseOneTimeAuth(v)
			assert.Nil(t, got)
			assert.True(t, errors.Is(err, template.ErrBadOneTimeAuth), "%v", err)
		})
	}
	_, err := template.ParseOneTimeAuthRequest(nil)
	assert.ErrorIs(t, err, template.ErrBadOneTimeAuth)
}

func oneTimeMessage() *template.OneTimeMessage {
	return &template.OneTimeMessage{
		ToUser: "OPENID", TemplateID: "TEMPLATE_ID", URL: "https://example.com",
		MiniProgram: &template.MiniProgram{AppID: "xiaochengxuappid12345", PagePath: "index?foo=bar"},
		Scene:       1000, Title: "订阅通知",
		Data: template.OneTimeData{Content: template.OneTimeValue{Value: "您好!", Color: "#FF0000"}},
	}
}

func TestSendOneTime(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("POST", "/cgi-bin/message/template/subscribe", "ok.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEqFixture(t, "subscribe_onetime_request.json", body)
	})
	require.NoError(t, template.New(c).SendOneTime(context.Background(), oneTimeMessage()))
}

// TestSendOneTimeRefused: the second message of one authorization is
// refused, and the send is not retried.
func TestSendOneTimeRefused(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	calls := 0
	srv.Handle("POST", "/cgi-bin/message/template/subscribe", func(w http.ResponseWriter, r *http.Request) {
		calls++
		mptest.ErrorJSON(w, 43101, "user refuse to accept the msg")
	})
	err := template.New(c).SendOneTime(context.Background(), oneTimeMessage())
	mptest.RequireAPIError(t, err, 43101)
	assert.Equal(t, 1, calls)
}

func TestSendOneTimeValidation(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.RefuseAll()
	svc := template.New(c)
	ok := oneTimeMessage()
	ok.Title = strings.Repeat("题", 15)
	ok.Data.Content.Value = strings.Repeat("字", 200)
	ok.Scene = 10000
	srvOK, cOK := mptest.New(t)
	srvOK.Reply("POST", "/cgi-bin/message/template/subscribe", "ok.json", nil)
	require.NoError(t, template.New(cOK).SendOneTime(context.Background(), ok))

	require.Error(t, svc.SendOneTime(context.Background(), nil))
	mptest.RequireValidation(t, svc.SendOneTime(context.Background(), nil), "")
	for _, tt := range []struct {
		name, field string
		edit        func(*template.OneTimeMessage)
	}{
		{"no touser", "touser", func(m *template.OneTimeMessage) { m.ToUser = "" }},
		{"no template", "template_id", func(m *template.OneTimeMessage) { m.TemplateID = "" }},
		{"scene over 10000", "scene", func(m *template.OneTimeMessage) { m.Scene = 10001 }},
		{"negative scene", "scene", func(m *template.OneTimeMessage) { m.Scene = -1 }},
		{"no title", "title", func(m *template.OneTimeMessage) { m.Title = "" }},
		{"title over 15", "title", func(m *template.OneTimeMessage) { m.Title = strings.Repeat("题", 16) }},
		{"content over 200", "data.content.value", func(m *template.OneTimeMessage) { m.Data.Content.Value = strings.Repeat("字", 201) }},
		{"miniprogram without appid", "miniprogram.appid", func(m *template.OneTimeMessage) { m.MiniProgram = &template.MiniProgram{PagePath: "p"} }},
		{"miniprogram without page", "miniprogram.pagepath", func(m *template.OneTimeMessage) { m.MiniProgram = &template.MiniProgram{AppID: "wx"} }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := *ok
			tt.edit(&m)
			mptest.RequireValidation(t, svc.SendOneTime(context.Background(), &m), tt.field)
		})
	}
}
