package sim

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTokenErrors(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	cases := []struct {
		name string
		q    url.Values
		code int
	}{
		{"grant_type", url.Values{"grant_type": {"x"}, "appid": {DefaultAppID}, "secret": {DefaultAppSecret}}, 40002},
		{"appid missing", url.Values{"grant_type": {"client_credential"}, "secret": {DefaultAppSecret}}, 41002},
		{"bad appid", url.Values{"grant_type": {"client_credential"}, "appid": {"wxbad"}, "secret": {DefaultAppSecret}}, 40013},
		{"secret missing", url.Values{"grant_type": {"client_credential"}, "appid": {DefaultAppID}}, 41004},
		{"bad secret", url.Values{"grant_type": {"client_credential"}, "appid": {DefaultAppID}, "secret": {"nope"}}, 40125},
	}
	for _, tc := range cases {
		out := do(t, s, "GET", "/cgi-bin/token", tc.q, nil)
		assert.Equal(t, tc.code, errcode(out), tc.name)
		assert.Equal(t, errMsg(tc.code), out["errmsg"], tc.name)
	}
	// A POST endpoint called with GET.
	out := do(t, s, "GET", "/cgi-bin/stable_token", nil, nil)
	assert.Equal(t, 43002, errcode(out))
	// Bad JSON / empty body.
	assert.Equal(t, 47001, errcode(do(t, s, "POST", "/cgi-bin/stable_token", nil, "{")))
	assert.Equal(t, 44002, errcode(do(t, s, "POST", "/cgi-bin/stable_token", nil, "")))
}

func TestTokenLifecycle(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := newSim(t, Options{Clock: clk.Now})
	menuGet := func(tok string) int {
		return errcode(do(t, s, "GET", "/cgi-bin/get_current_selfmenu_info", url.Values{"access_token": {tok}}, nil))
	}
	out := do(t, s, "GET", "/cgi-bin/token", url.Values{"grant_type": {"client_credential"}, "appid": {DefaultAppID}, "secret": {DefaultAppSecret}}, nil)
	assert.EqualValues(t, 7200, out["expires_in"])
	t1 := out["access_token"].(string)
	assert.Equal(t, 0, menuGet(t1))

	// Missing, malformed, unknown.
	assert.Equal(t, 41001, menuGet(""))
	assert.Equal(t, 40014, menuGet("bad token!"))
	assert.Equal(t, 40001, menuGet("12_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))

	// A new token keeps the old one valid for 5 minutes.
	t2 := token(t, s)
	assert.NotEqual(t, t1, t2)
	assert.Equal(t, 0, menuGet(t1))
	clk.Advance(5*time.Minute + time.Second)
	assert.Equal(t, 42001, menuGet(t1))
	assert.Equal(t, 0, menuGet(t2))

	// Expiry after 7200 s.
	clk.Advance(7200 * time.Second)
	assert.Equal(t, 42001, menuGet(t2))

	// Invalidation.
	t3 := token(t, s)
	s.InvalidateTokens()
	assert.Equal(t, 40001, menuGet(t3))
}

func TestTokenGraceNegative(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{TokenGrace: -1})
	t1 := token(t, s)
	token(t, s)
	out := do(t, s, "GET", "/cgi-bin/menu/get", url.Values{"access_token": {t1}}, nil)
	assert.Equal(t, 42001, errcode(out))
}

func TestStableToken(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := newSim(t, Options{Clock: clk.Now})
	stable := func(force bool) map[string]any {
		return do(t, s, "POST", "/cgi-bin/stable_token", nil, map[string]any{
			"grant_type": "client_credential", "appid": DefaultAppID, "secret": DefaultAppSecret, "force_refresh": force})
	}
	a := stable(false)
	require.NotEmpty(t, a["access_token"])
	assert.EqualValues(t, 7200, a["expires_in"])
	clk.Advance(100 * time.Second)
	b := stable(false)
	assert.Equal(t, a["access_token"], b["access_token"])
	assert.EqualValues(t, 7100, b["expires_in"])

	// The stable token and /cgi-bin/token are isolated.
	token(t, s)
	assert.Equal(t, 0, errcode(api(t, s, a["access_token"].(string), "GET", "/cgi-bin/get_current_selfmenu_info", nil)))

	// Forced refresh invalidates the old one.
	c := stable(true)
	assert.NotEqual(t, a["access_token"], c["access_token"])
	assert.Equal(t, 40001, errcode(api(t, s, a["access_token"].(string), "GET", "/cgi-bin/get_current_selfmenu_info", nil)))
	// Within 30 s a second forced refresh changes nothing.
	clk.Advance(10 * time.Second)
	d := stable(true)
	assert.Equal(t, c["access_token"], d["access_token"])
	clk.Advance(30 * time.Second)
	e := stable(true)
	assert.NotEqual(t, c["access_token"], e["access_token"])

	// In the last 5 minutes a normal call gets a new token; the old one lives on.
	clk.Advance(7200*time.Second - 4*time.Minute)
	f := stable(false)
	assert.NotEqual(t, e["access_token"], f["access_token"])
	assert.Equal(t, 0, errcode(api(t, s, e["access_token"].(string), "GET", "/cgi-bin/get_current_selfmenu_info", nil)))

	// Errors.
	bad := do(t, s, "POST", "/cgi-bin/stable_token", nil, map[string]any{"grant_type": "client_credential", "appid": DefaultAppID, "secret": "x"})
	assert.Equal(t, 40125, errcode(bad))
	assert.Equal(t, "invalid appsecret", bad["errmsg"])
}

func TestDailyQuota(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := newSim(t, Options{Clock: clk.Now, DailyQuota: 2})
	tok := token(t, s)
	for i := 0; i < 2; i++ {
		assert.Equal(t, 0, errcode(api(t, s, tok, "GET", "/cgi-bin/get_current_selfmenu_info", nil)))
	}
	out := api(t, s, tok, "GET", "/cgi-bin/get_current_selfmenu_info", nil)
	assert.Equal(t, 45009, errcode(out))
	assert.Equal(t, "reach max api daily quota limit", out["errmsg"])
	assert.Equal(t, 0, errcode(api(t, s, tok, "POST", "/cgi-bin/clear_quota", map[string]string{"appid": DefaultAppID})))
	assert.Equal(t, 0, errcode(api(t, s, tok, "GET", "/cgi-bin/get_current_selfmenu_info", nil)))
	clk.Advance(24 * time.Hour)
	tok = token(t, s)
	assert.Equal(t, 0, errcode(api(t, s, tok, "GET", "/cgi-bin/get_current_selfmenu_info", nil)))
}

func TestJSAPITicket(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	tok := token(t, s)
	a := api(t, s, tok, "GET", "/cgi-bin/ticket/getticket", nil, "type", "jsapi")
	assert.Equal(t, 0, errcode(a))
	assert.Equal(t, "ok", a["errmsg"])
	assert.EqualValues(t, 7200, a["expires_in"])
	b := api(t, s, tok, "GET", "/cgi-bin/ticket/getticket", nil, "type", "jsapi")
	assert.Equal(t, a["ticket"], b["ticket"])
	assert.Equal(t, 40097, errcode(api(t, s, tok, "GET", "/cgi-bin/ticket/getticket", nil, "type", "x")))
}

func TestUnknownPathAndPay(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	status, _, _ := doRaw(t, s, "GET", "/cgi-bin/nope", nil, nil)
	assert.Equal(t, 404, status)
	status, _, _ = doRaw(t, s, "GET", "/v3/pay/x", nil, nil)
	assert.Equal(t, 404, status)
	p := newSim(t, Options{Pay: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })})
	status, _, _ = doRaw(t, p, "GET", "/v3/pay/transactions/jsapi", nil, nil)
	assert.Equal(t, http.StatusTeapot, status)
}

func TestAccountRedaction(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	a := s.Account()
	assert.Equal(t, DefaultAppSecret, a.AppSecret)
	for _, out := range []string{a.String(), a.GoString(), sprintf("%v", a), sprintf("%+v", a), sprintf("%#v", a), sprintf("%s", a)} {
		assert.NotContains(t, out, DefaultAppSecret)
		assert.NotContains(t, out, DefaultEncodingAESKey)
		assert.NotContains(t, out, "wxkitsim")
		assert.Contains(t, out, DefaultAppID)
	}
	o := Options{AppSecret: "topsecret-value", Token: "tokenvalue", EncodingAESKey: DefaultEncodingAESKey}
	for _, out := range []string{sprintf("%v", o), sprintf("%+v", o), sprintf("%#v", o), sprintf("%v", s), sprintf("%#v", s)} {
		assert.NotContains(t, out, "topsecret-value")
		assert.NotContains(t, out, "tokenvalue")
		assert.NotContains(t, out, DefaultEncodingAESKey)
		assert.NotContains(t, out, DefaultAppSecret)
	}
	_, err := NewHandler(Options{EncodingAESKey: "short"})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "short")
}
