package sim

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func authorizeURL(s *Sim, path, redirect, scope, state string) string {
	q := url.Values{"appid": {DefaultAppID}, "redirect_uri": {redirect}, "response_type": {"code"}, "scope": {scope}, "state": {state}}
	return s.URL + path + "?" + q.Encode() + "#wechat_redirect"
}

func noRedirectClient(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func exchangeCode(t *testing.T, s *Sim, code string) map[string]any {
	return do(t, s, "GET", "/sns/oauth2/access_token", url.Values{"appid": {DefaultAppID}, "secret": {DefaultAppSecret}, "code": {code}, "grant_type": {"authorization_code"}}, nil)
}

func codeOf(t *testing.T, loc string) (string, string) {
	u, err := url.Parse(loc)
	require.NoError(t, err)
	return u.Query().Get("code"), u.Query().Get("state")
}

func TestOAuthBrowserFlow(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	alice := s.NewUser("Alice")
	s.NewUser("Bob")
	cl := noRedirectClient(t)

	// No user chosen yet: a picker page.
	base := authorizeURL(s, "/connect/oauth2/authorize", "https://app.example/cb?x=1", "snsapi_base", "STATE")
	resp, err := cl.Get(base)
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Contains(t, string(page), `id="user-`+alice.OpenID()+`"`)
	link := regexp.MustCompile(`id="user-` + alice.OpenID() + `" href="([^"]+)"`).FindStringSubmatch(string(page))
	require.Len(t, link, 2)

	// Picking Alice: snsapi_base redirects at once and sets the cookie.
	resp, err = cl.Get(s.URL + strings.ReplaceAll(link[1], "&amp;", "&"))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc := resp.Header.Get("Location")
	assert.True(t, strings.HasPrefix(loc, "https://app.example/cb?"))
	code, state := codeOf(t, loc)
	assert.Equal(t, "STATE", state)
	tok := exchangeCode(t, s, code)
	assert.Equal(t, alice.OpenID(), tok["openid"])
	assert.Equal(t, "snsapi_base", tok["scope"])
	_, hasUnion := tok["unionid"]
	assert.False(t, hasUnion)
	assert.Equal(t, 40163, errcode(exchangeCode(t, s, code)))
	ui := do(t, s, "GET", "/sns/userinfo", url.Values{"access_token": {tok["access_token"].(string)}, "openid": {alice.OpenID()}, "lang": {"zh_CN"}}, nil)
	assert.Equal(t, 48001, errcode(ui))

	// snsapi_userinfo: the cookie remembers Alice; a consent page first.
	resp, err = cl.Get(authorizeURL(s, "/connect/oauth2/authorize", "https://app.example/cb", "snsapi_userinfo", "S2"))
	require.NoError(t, err)
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	assert.Contains(t, string(page), `id="allow"`)
	assert.Contains(t, string(page), `id="deny"`)
	form := url.Values{}
	for _, m := range regexp.MustCompile(`name="([a-z_]+)" value="([^"]*)"`).FindAllStringSubmatch(string(page), -1) {
		form.Set(m[1], strings.ReplaceAll(m[2], "&amp;", "&"))
	}
	assert.Equal(t, alice.OpenID(), form.Get("openid"))
	form.Set("action", "allow")
	resp, err = cl.PostForm(s.URL+"/connect/oauth2/sim_consent", form)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	code, state = codeOf(t, resp.Header.Get("Location"))
	assert.Equal(t, "S2", state)
	tok = exchangeCode(t, s, code)
	assert.Equal(t, alice.UnionID(), tok["unionid"])
	at := tok["access_token"].(string)
	ui = do(t, s, "GET", "/sns/userinfo", url.Values{"access_token": {at}, "openid": {alice.OpenID()}, "lang": {"zh_CN"}}, nil)
	assert.Equal(t, "Alice", ui["nickname"])
	assert.Equal(t, alice.UnionID(), ui["unionid"])
	assert.Equal(t, []any{}, ui["privilege"])
	assert.Equal(t, 0, errcode(do(t, s, "GET", "/sns/auth", url.Values{"access_token": {at}, "openid": {alice.OpenID()}}, nil)))
	assert.Equal(t, 40003, errcode(do(t, s, "GET", "/sns/auth", url.Values{"access_token": {at}, "openid": {"other"}}, nil)))

	// Deny shows a page and no redirect.
	form.Set("action", "deny")
	resp, err = cl.PostForm(s.URL+"/connect/oauth2/sim_consent", form)
	require.NoError(t, err)
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Contains(t, string(page), `id="denied"`)

	// Bad requests show an error page.
	for _, bad := range []string{
		s.URL + "/connect/oauth2/authorize?appid=wxother&redirect_uri=https%3A%2F%2Fa&response_type=code&scope=snsapi_base",
		s.URL + "/connect/oauth2/authorize?appid=" + DefaultAppID + "&redirect_uri=nope&response_type=code&scope=snsapi_base",
		s.URL + "/connect/oauth2/authorize?appid=" + DefaultAppID + "&redirect_uri=https%3A%2F%2Fa&response_type=code&scope=snsapi_login",
	} {
		resp, err = cl.Get(bad)
		require.NoError(t, err)
		page, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, 400, resp.StatusCode, bad)
		assert.Contains(t, string(page), `id="error"`)
	}
}

func TestOAuthAuthorizeHelper(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := newSim(t, Options{Clock: clk.Now})
	bob := s.NewUser("Bob")
	loc, err := s.Authorize(bob, "https://open.weixin.qq.com/connect/oauth2/authorize?appid="+DefaultAppID+
		"&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&response_type=code&scope=snsapi_userinfo&state=xyz#wechat_redirect")
	require.NoError(t, err)
	code, state := codeOf(t, loc)
	assert.Equal(t, "xyz", state)

	// Codes expire after 5 minutes.
	clk.Advance(OAuthCodeTTL)
	assert.Equal(t, 40029, errcode(exchangeCode(t, s, code)))
	assert.Equal(t, 40029, errcode(exchangeCode(t, s, "never-issued")))
	assert.Equal(t, 41008, errcode(exchangeCode(t, s, "")))

	loc, err = s.Authorize(bob, "https://open.weixin.qq.com/connect/qrconnect?appid="+DefaultAppID+
		"&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&response_type=code&scope=snsapi_login&state=web")
	require.NoError(t, err)
	code, _ = codeOf(t, loc)
	tok := exchangeCode(t, s, code)
	require.Equal(t, 0, errcode(tok))
	assert.Equal(t, "snsapi_login", tok["scope"])

	// Refresh, then expiry of the access token and of the refresh token.
	rt := tok["refresh_token"].(string)
	clk.Advance(OAuthTokenTTL)
	assert.Equal(t, 42001, errcode(do(t, s, "GET", "/sns/userinfo", url.Values{"access_token": {tok["access_token"].(string)}, "openid": {bob.OpenID()}}, nil)))
	ref := do(t, s, "GET", "/sns/oauth2/refresh_token", url.Values{"appid": {DefaultAppID}, "grant_type": {"refresh_token"}, "refresh_token": {rt}}, nil)
	require.Equal(t, 0, errcode(ref))
	assert.Equal(t, rt, ref["refresh_token"])
	assert.Equal(t, "Bob", do(t, s, "GET", "/sns/userinfo", url.Values{"access_token": {ref["access_token"].(string)}, "openid": {bob.OpenID()}}, nil)["nickname"])
	assert.Equal(t, 40030, errcode(do(t, s, "GET", "/sns/oauth2/refresh_token", url.Values{"appid": {DefaultAppID}, "grant_type": {"refresh_token"}, "refresh_token": {"nope"}}, nil)))
	clk.Advance(OAuthRefreshTokenTTL)
	assert.Equal(t, 42002, errcode(do(t, s, "GET", "/sns/oauth2/refresh_token", url.Values{"appid": {DefaultAppID}, "grant_type": {"refresh_token"}, "refresh_token": {rt}}, nil)))

	// Errors of Authorize and the token endpoint.
	_, err = s.Authorize(bob, "https://open.weixin.qq.com/connect/oauth2/authorize?appid="+DefaultAppID+"&redirect_uri=https%3A%2F%2Fa&response_type=code&scope=snsapi_login")
	var ae *AuthorizeError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 10005, ae.Code)
	assert.Equal(t, 40125, errcode(do(t, s, "GET", "/sns/oauth2/access_token", url.Values{"appid": {DefaultAppID}, "secret": {"x"}, "code": {"c"}, "grant_type": {"authorization_code"}}, nil)))
	assert.Equal(t, 40002, errcode(do(t, s, "GET", "/sns/oauth2/access_token", url.Values{"appid": {DefaultAppID}, "secret": {DefaultAppSecret}, "code": {"c"}, "grant_type": {"x"}}, nil)))
	_ = time.Second
}
