package sim

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/crypto"
)

// platformServer is the platform's authorization-event URL: it checks and
// decrypts every push with the component's key.
type platformServer struct {
	mu     sync.Mutex
	pushes []map[string]string
}

func newPlatformServer(t *testing.T, s *Sim) *platformServer {
	t.Helper()
	ps := &platformServer{}
	env, err := crypto.NewEnvelope(DefaultComponentToken, DefaultComponentEncodingAESKey, DefaultComponentAppID)
	require.NoError(t, err)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		q := r.URL.Query()
		assert.Equal(t, "aes", q.Get("encrypt_type"))
		plain, err := env.Open(q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce"), body)
		if !assert.NoError(t, err) {
			http.Error(w, "bad", http.StatusForbidden)
			return
		}
		ps.mu.Lock()
		ps.pushes = append(ps.pushes, flatXML(plain))
		ps.mu.Unlock()
		_, _ = w.Write([]byte("success"))
	}))
	t.Cleanup(srv.Close)
	require.NoError(t, s.ConfigureComponent(ComponentOptions{CallbackURL: srv.URL}))
	return ps
}

func (ps *platformServer) last() map[string]string {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.pushes[len(ps.pushes)-1]
}

func componentToken(t *testing.T, s *Sim, ps *platformServer) string {
	t.Helper()
	require.NoError(t, s.PushComponentTicket(context.Background()))
	p := ps.last()
	require.Equal(t, "component_verify_ticket", p["InfoType"])
	require.Equal(t, DefaultComponentAppID, p["AppId"])
	out := do(t, s, "POST", "/cgi-bin/component/api_component_token", nil, map[string]string{
		"component_appid": DefaultComponentAppID, "component_appsecret": DefaultComponentAppSecret, "component_verify_ticket": p["ComponentVerifyTicket"]})
	require.EqualValues(t, 7200, out["expires_in"])
	return out["component_access_token"].(string)
}

func TestComponentTokenErrors(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	ps := newPlatformServer(t, s)
	require.NoError(t, s.PushComponentTicket(context.Background()))
	ticket := ps.last()["ComponentVerifyTicket"]
	for _, c := range []struct {
		appid, secret, ticket string
		code                  int
	}{
		{"wx_other", DefaultComponentAppSecret, ticket, 61011},
		{DefaultComponentAppID, "", ticket, 41004},
		{DefaultComponentAppID, "wrong", ticket, 40125},
		{DefaultComponentAppID, DefaultComponentAppSecret, "ticket@@@forged", 61006},
	} {
		out := do(t, s, "POST", "/cgi-bin/component/api_component_token", nil, map[string]string{
			"component_appid": c.appid, "component_appsecret": c.secret, "component_verify_ticket": c.ticket})
		assert.Equal(t, c.code, errcode(out), c)
	}
	out := do(t, s, "POST", "/cgi-bin/component/api_create_preauthcode", nil, map[string]string{"component_appid": DefaultComponentAppID})
	assert.Equal(t, 41001, errcode(out))
	out = do(t, s, "POST", "/cgi-bin/component/api_create_preauthcode", url.Values{"component_access_token": {"nope"}}, map[string]string{"component_appid": DefaultComponentAppID})
	assert.Equal(t, 40001, errcode(out))
}

func TestComponentAuthorizationFlow(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := newSim(t, Options{Clock: clock.Now})
	ps := newPlatformServer(t, s)
	ct := componentToken(t, s, ps)
	q := url.Values{"component_access_token": {ct}}
	body := func(kv ...any) map[string]any {
		m := map[string]any{"component_appid": DefaultComponentAppID}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	appid := s.Account().AppID

	// Not authorized yet.
	out := do(t, s, "POST", "/cgi-bin/component/api_authorizer_token", q, body("authorizer_appid", appid, "authorizer_refresh_token", "x"))
	assert.Equal(t, 61003, errcode(out))

	out = do(t, s, "POST", "/cgi-bin/component/api_create_preauthcode", q, body())
	pre := out["pre_auth_code"].(string)
	_, err := s.AuthorizeComponent(context.Background(), "preauthcode@@@unknown")
	require.Error(t, err)
	code, err := s.AuthorizeComponent(context.Background(), pre)
	require.NoError(t, err)
	ev := ps.last()
	assert.Equal(t, "authorized", ev["InfoType"])
	assert.Equal(t, appid, ev["AuthorizerAppid"])
	assert.Equal(t, code, ev["AuthorizationCode"])
	assert.Equal(t, pre, ev["PreAuthCode"])

	out = do(t, s, "POST", "/cgi-bin/component/api_query_auth", q, body("authorization_code", "queryauthcode@@@forged"))
	assert.Equal(t, 61009, errcode(out))
	out = do(t, s, "POST", "/cgi-bin/component/api_query_auth", q, body("authorization_code", code))
	info := out["authorization_info"].(map[string]any)
	rt := info["authorizer_refresh_token"].(string)
	tok := info["authorizer_access_token"].(string)
	assert.Equal(t, appid, info["authorizer_appid"])
	assert.Contains(t, []int{0, 46003}, errcode(api(t, s, tok, "GET", "/cgi-bin/menu/get", nil)), "the authorizer token is an access_token of the account")

	out = do(t, s, "POST", "/cgi-bin/component/api_authorizer_token", q, body("authorizer_appid", appid, "authorizer_refresh_token", "wrong"))
	assert.Equal(t, 61023, errcode(out))
	out = do(t, s, "POST", "/cgi-bin/component/api_authorizer_token", q, body("authorizer_appid", appid, "authorizer_refresh_token", rt))
	assert.EqualValues(t, 7200, out["expires_in"])
	assert.Equal(t, rt, out["authorizer_refresh_token"])

	out = do(t, s, "POST", "/cgi-bin/component/api_set_authorizer_option", q, body("authorizer_appid", appid, "option_name", "location_report", "option_value", "3"))
	assert.Equal(t, 40097, errcode(out))
	out = do(t, s, "POST", "/cgi-bin/component/api_get_authorizer_list", q, body("offset", 0, "count", 501))
	assert.Equal(t, 40097, errcode(out))
	out = do(t, s, "POST", "/cgi-bin/component/api_get_authorizer_list", q, body("offset", 0, "count", 500))
	assert.EqualValues(t, 1, out["total_count"])

	// The component token expires after 7200 s.
	clock.Advance(7201 * time.Second)
	out = do(t, s, "POST", "/cgi-bin/component/api_get_authorizer_list", q, body("offset", 0, "count", 10))
	assert.Equal(t, 42001, errcode(out))

	require.NoError(t, s.RevokeComponent(context.Background()))
	assert.Equal(t, "unauthorized", ps.last()["InfoType"])
	assert.NotEqual(t, 0, errcode(api(t, s, tok, "GET", "/cgi-bin/menu/get", nil)))
}

func TestComponentLoginPage(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	ps := newPlatformServer(t, s)
	ct := componentToken(t, s, ps)
	out := do(t, s, "POST", "/cgi-bin/component/api_create_preauthcode", url.Values{"component_access_token": {ct}},
		map[string]string{"component_appid": DefaultComponentAppID})
	pre := out["pre_auth_code"].(string)
	q := url.Values{"component_appid": {DefaultComponentAppID}, "pre_auth_code": {pre}, "redirect_uri": {"https://platform.example/cb"}, "auth_type": {"1"}}
	status, page, _ := doRaw(t, s, "GET", "/cgi-bin/componentloginpage", q, nil)
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, string(page), `id="confirm"`)

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	q.Set("confirm", "1")
	resp, err := client.Get(s.URL + "/cgi-bin/componentloginpage?" + q.Encode())
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, "platform.example", loc.Host)
	assert.Equal(t, ps.last()["AuthorizationCode"], loc.Query().Get("auth_code"))
	assert.Equal(t, "3600", loc.Query().Get("expires_in"))

	q.Set("pre_auth_code", "used-or-unknown")
	status, _, _ = doRaw(t, s, "GET", "/cgi-bin/componentloginpage", q, nil)
	assert.Equal(t, http.StatusBadRequest, status)
}

func TestComponentOAuth(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	ps := newPlatformServer(t, s)
	ct := componentToken(t, s, ps)
	appid := s.Account().AppID
	q := func(kv ...string) url.Values {
		v := url.Values{"appid": {appid}, "component_appid": {DefaultComponentAppID}, "component_access_token": {ct}, "grant_type": {"authorization_code"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	f := s.NewUser("小刚")
	redirect, err := s.Authorize(f, "https://open.weixin.qq.com/connect/oauth2/authorize?appid="+appid+
		"&redirect_uri=https%3A%2F%2Fplatform.example%2Fcb&response_type=code&scope=snsapi_base&state=x&component_appid="+DefaultComponentAppID)
	require.NoError(t, err)
	u, err := url.Parse(redirect)
	require.NoError(t, err)
	code := u.Query().Get("code")

	// The account has not authorized the platform yet.
	assert.Equal(t, 61003, errcode(do(t, s, "GET", "/sns/oauth2/component/access_token", q("code", code), nil)))
	pre := do(t, s, "POST", "/cgi-bin/component/api_create_preauthcode", url.Values{"component_access_token": {ct}},
		map[string]string{"component_appid": DefaultComponentAppID})["pre_auth_code"].(string)
	_, err = s.AuthorizeComponent(context.Background(), pre)
	require.NoError(t, err)

	assert.Equal(t, 61011, errcode(do(t, s, "GET", "/sns/oauth2/component/access_token", q("code", code, "component_appid", "wx_other"), nil)))
	assert.Equal(t, 40013, errcode(do(t, s, "GET", "/sns/oauth2/component/access_token", q("code", code, "appid", "wx_other"), nil)))
	assert.Equal(t, 40001, errcode(do(t, s, "GET", "/sns/oauth2/component/access_token", q("code", code, "component_access_token", "forged"), nil)))
	out := do(t, s, "GET", "/sns/oauth2/component/access_token", q("code", code), nil)
	assert.Equal(t, f.OpenID(), out["openid"])
	assert.Equal(t, 40163, errcode(do(t, s, "GET", "/sns/oauth2/component/access_token", q("code", code), nil)))
	out = do(t, s, "GET", "/sns/oauth2/component/refresh_token", q("grant_type", "refresh_token", "refresh_token", out["refresh_token"].(string)), nil)
	assert.Equal(t, f.OpenID(), out["openid"])
	assert.Equal(t, 40030, errcode(do(t, s, "GET", "/sns/oauth2/component/refresh_token", q("grant_type", "refresh_token", "refresh_token", "nope"), nil)))
}

func TestSendTextViaComponentNeedsHosting(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	_, err := s.SendTextViaComponent(context.Background(), s.NewUser("小李"), "hi")
	require.ErrorIs(t, err, ErrNotHosted)
	require.Error(t, s.ConfigureComponentMessageURL("ftp://x"))
}
