package sim

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/crypto"
)

func accountToken(t testing.TB, s *Sim, a *Sim) string {
	t.Helper()
	acct := a.Account()
	out := do(t, s, "GET", "/cgi-bin/token", url.Values{"grant_type": {"client_credential"}, "appid": {acct.AppID}, "secret": {acct.AppSecret}}, nil)
	require.NotEmpty(t, out["access_token"], out)
	return out["access_token"].(string)
}

func TestAddAccountDefaultsAndDuplicates(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	b, err := s.AddAccount(Options{})
	require.NoError(t, err)
	assert.Equal(t, "wx51a0de0000000002", b.Account().AppID)
	assert.Equal(t, "gh_51a0de000002", b.Account().OriginalID)
	assert.Len(t, b.Account().AppSecret, 32)
	assert.Equal(t, s.URL, b.URL, "one address serves every account")
	_, err = s.AddAccount(Options{AppID: DefaultAppID})
	require.ErrorIs(t, err, ErrDuplicateAccount)
	_, err = b.AddAccount(Options{OriginalID: DefaultOriginalID})
	require.ErrorIs(t, err, ErrDuplicateAccount)
	_, err = s.AddAccount(Options{AppID: "wx_bad_key", EncodingAESKey: "short"})
	require.Error(t, err)
	assert.Equal(t, []*Sim{s, b}, s.Accounts())
	assert.Equal(t, []*Sim{s, b}, b.Accounts())
	assert.Same(t, b, s.AccountByAppID(b.Account().AppID))
	assert.Nil(t, s.AccountByAppID("wx_nobody"))
	assert.NotContains(t, fmt.Sprint(b), b.Account().AppSecret)
}

// Two accounts at one address: each has its tokens, its menu, its users
// and its callback; a token of one is refused by the other's appid checks
// and never reaches the other's state.
func TestAccountsAreSeparate(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	b, err := s.AddAccount(Options{AppID: "wx_shop_b", OriginalID: "gh_shop_b"})
	require.NoError(t, err)
	ta, tb := accountToken(t, s, s), accountToken(t, s, b)
	assert.NotEqual(t, ta, tb)

	// The wrong secret for b's appid is b's 40125, not a's.
	out := do(t, s, "GET", "/cgi-bin/token", url.Values{"grant_type": {"client_credential"}, "appid": {"wx_shop_b"}, "secret": {DefaultAppSecret}}, nil)
	assert.Equal(t, 40125, errcode(out))
	// stable_token names the account in its JSON body.
	out = do(t, s, "POST", "/cgi-bin/stable_token", nil, map[string]any{"grant_type": "client_credential", "appid": "wx_shop_b", "secret": b.Account().AppSecret})
	tbStable := out["access_token"].(string)
	require.NotEmpty(t, tbStable)

	menu := map[string]any{"button": []map[string]any{{"type": "click", "name": "B", "key": "b"}}}
	require.Equal(t, 0, errcode(api(t, s, tb, "POST", "/cgi-bin/menu/create", menu)))
	assert.Equal(t, 46003, errcode(api(t, s, ta, "GET", "/cgi-bin/menu/get", nil)), "a's menu is untouched")
	got := api(t, s, tbStable, "GET", "/cgi-bin/menu/get", nil)
	assert.Contains(t, fmt.Sprint(got["menu"]), "b")

	// Followers of b push to b's callback as b.
	var mu sync.Mutex
	var to []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			_, _ = io.WriteString(w, r.URL.Query().Get("echostr"))
			return
		}
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		to = append(to, flatXML(body)["ToUserName"])
		mu.Unlock()
		_, _ = io.WriteString(w, "success")
	}))
	t.Cleanup(srv.Close)
	b.SetCallbackURL(srv.URL)
	bob := b.NewUser("bob")
	_, err = bob.Follow(context.Background())
	require.NoError(t, err)
	mu.Lock()
	assert.Equal(t, []string{"gh_shop_b"}, to)
	mu.Unlock()

	users := api(t, s, tb, "GET", "/cgi-bin/user/get", nil)
	assert.Contains(t, fmt.Sprint(users["data"]), bob.OpenID())
	users = api(t, s, ta, "GET", "/cgi-bin/user/get", nil)
	assert.NotContains(t, fmt.Sprint(users), bob.OpenID())

	// Web authorization of b: the page and the code exchange by appid, the
	// user info by the web token b issued.
	redirect, err := b.Authorize(bob, "https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx_shop_b"+
		"&redirect_uri=https%3A%2F%2Fshop.example%2Fcb&response_type=code&scope=snsapi_userinfo&state=x")
	require.NoError(t, err)
	u, err := url.Parse(redirect)
	require.NoError(t, err)
	out = do(t, s, "GET", "/sns/oauth2/access_token", url.Values{"appid": {"wx_shop_b"}, "secret": {b.Account().AppSecret},
		"code": {u.Query().Get("code")}, "grant_type": {"authorization_code"}}, nil)
	require.Equal(t, bob.OpenID(), out["openid"], out)
	info := do(t, s, "GET", "/sns/userinfo", url.Values{"access_token": {out["access_token"].(string)}, "openid": {bob.OpenID()}}, nil)
	assert.Equal(t, "bob", info["nickname"])

	// Closing the first account closes them all.
	s.Close()
	_, err = bob.SendText(context.Background(), "hi")
	require.ErrorIs(t, err, ErrClosed)
}

// The platform hosts several accounts: each authorizes on the page (the
// administrator picks the account), gets its own authorizer tokens, and
// its followers reach the platform's MessageURL under its own AppID; one
// revoking leaves the other authorized.
func TestComponentHostsSeveralAccounts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newSim(t, Options{})
	b, err := s.AddAccount(Options{AppID: "wx_shop_b", OriginalID: "gh_shop_b"})
	require.NoError(t, err)
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
	preAuth := func() string {
		return do(t, s, "POST", "/cgi-bin/component/api_create_preauthcode", q, body())["pre_auth_code"].(string)
	}

	// The page lists both accounts; b's link authorizes b.
	lq := url.Values{"component_appid": {DefaultComponentAppID}, "pre_auth_code": {preAuth()}, "redirect_uri": {"https://platform.example/cb"}}
	status, page, _ := doRaw(t, s, "GET", "/cgi-bin/componentloginpage", lq, nil)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, string(page), DefaultAppID)
	assert.Contains(t, string(page), "wx_shop_b")
	lq.Set("confirm", "1")
	lq.Set("account", "wx_shop_b")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(s.URL + "/cgi-bin/componentloginpage?" + lq.Encode())
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, "authorized", ps.last()["InfoType"])
	assert.Equal(t, "wx_shop_b", ps.last()["AuthorizerAppid"])
	assert.True(t, b.ComponentAuthorized())
	assert.False(t, s.ComponentAuthorized())
	out := do(t, s, "POST", "/cgi-bin/component/api_query_auth", q, body("authorization_code", loc.Query().Get("auth_code")))
	infoB := out["authorization_info"].(map[string]any)
	assert.Equal(t, "wx_shop_b", infoB["authorizer_appid"])
	tokB := infoB["authorizer_access_token"].(string)
	assert.Equal(t, 0, errcode(api(t, s, tokB, "GET", "/cgi-bin/get_api_domain_ip", nil)))

	// biz_appid pins the page to one account.
	lq = url.Values{"component_appid": {DefaultComponentAppID}, "pre_auth_code": {preAuth()}, "redirect_uri": {"https://platform.example/cb"}, "biz_appid": {DefaultAppID}}
	_, page, _ = doRaw(t, s, "GET", "/cgi-bin/componentloginpage", lq, nil)
	assert.NotContains(t, string(page), "wx_shop_b")
	lq.Set("biz_appid", "wx_nobody")
	status, _, _ = doRaw(t, s, "GET", "/cgi-bin/componentloginpage", lq, nil)
	assert.Equal(t, http.StatusBadRequest, status)

	_, err = s.AuthorizeComponent(ctx, lq.Get("pre_auth_code"))
	require.NoError(t, err)
	list := do(t, s, "POST", "/cgi-bin/component/api_get_authorizer_list", q, body("offset", 0, "count", 500))
	assert.EqualValues(t, 2, list["total_count"])
	assert.Len(t, list["list"], 2)
	list = do(t, s, "POST", "/cgi-bin/component/api_get_authorizer_list", q, body("offset", 1, "count", 1))
	assert.Equal(t, DefaultAppID, list["list"].([]any)[0].(map[string]any)["authorizer_appid"], "authorization order")

	// The refresh token of b refreshes b, not a.
	rtB := infoB["authorizer_refresh_token"].(string)
	out = do(t, s, "POST", "/cgi-bin/component/api_authorizer_token", q, body("authorizer_appid", DefaultAppID, "authorizer_refresh_token", rtB))
	assert.Equal(t, 61023, errcode(out))
	out = do(t, s, "POST", "/cgi-bin/component/api_authorizer_token", q, body("authorizer_appid", "wx_shop_b", "authorizer_refresh_token", rtB))
	tokB2 := out["authorizer_access_token"].(string)
	assert.Equal(t, 0, errcode(api(t, s, tokB2, "GET", "/cgi-bin/get_api_domain_ip", nil)))
	info := do(t, s, "POST", "/cgi-bin/component/api_get_authorizer_info", q, body("authorizer_appid", "wx_shop_b"))
	assert.Equal(t, "gh_shop_b", info["authorizer_info"].(map[string]any)["user_name"])

	// Followers of both accounts reach the platform's MessageURL under their own AppID.
	env, err := crypto.NewEnvelope(DefaultComponentToken, DefaultComponentEncodingAESKey, DefaultComponentAppID)
	require.NoError(t, err)
	var mu sync.Mutex
	seen := map[string]string{} // path -> ToUserName
	msgSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		q := r.URL.Query()
		plain, err := env.Open(q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce"), raw)
		if !assert.NoError(t, err) {
			http.Error(w, "bad", http.StatusForbidden)
			return
		}
		mu.Lock()
		seen[r.URL.Path] = flatXML(plain)["ToUserName"]
		mu.Unlock()
		_, _ = io.WriteString(w, "success")
	}))
	t.Cleanup(msgSrv.Close)
	require.NoError(t, s.ConfigureComponentMessageURL(msgSrv.URL+"/wechat/$APPID$"))
	fans := map[*Sim]*Follower{}
	for _, a := range []*Sim{s, b} {
		fans[a] = a.NewUser("fan of " + a.Account().AppID)
		_, err := fans[a].Follow(ctx)
		require.NoError(t, err)
		_, err = a.SendTextViaComponent(ctx, fans[a], "hi")
		require.NoError(t, err)
	}
	mu.Lock()
	assert.Equal(t, map[string]string{"/wechat/" + DefaultAppID: DefaultOriginalID, "/wechat/wx_shop_b": "gh_shop_b"}, seen)
	mu.Unlock()

	// b revokes: its tokens die, a stays authorized and hosted.
	require.NoError(t, b.RevokeComponent(ctx))
	assert.Equal(t, "unauthorized", ps.last()["InfoType"])
	assert.Equal(t, "wx_shop_b", ps.last()["AuthorizerAppid"])
	assert.Equal(t, 40001, errcode(api(t, s, tokB2, "GET", "/cgi-bin/get_api_domain_ip", nil)))
	_, err = b.SendTextViaComponent(ctx, fans[b], "hi")
	require.ErrorIs(t, err, ErrNotHosted)
	_, err = s.SendTextViaComponent(ctx, fans[s], "hi")
	require.NoError(t, err)
	list = do(t, s, "POST", "/cgi-bin/component/api_get_authorizer_list", q, body("offset", 0, "count", 10))
	assert.EqualValues(t, 1, list["total_count"])
	assert.Equal(t, 61003, errcode(do(t, s, "POST", "/cgi-bin/component/api_authorizer_token", q, body("authorizer_appid", "wx_shop_b", "authorizer_refresh_token", rtB))))
}

// BenchmarkAddAccount measures hosting many accounts: the cost of adding
// one and the heap it keeps while its API is not called.
func BenchmarkAddAccount(b *testing.B) {
	s, err := NewHandler(Options{BaseURL: "http://127.0.0.1"})
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.AddAccount(Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(len(s.Accounts())), "accounts")
	if !strings.HasPrefix(s.Accounts()[1].Account().AppID, "wx51a0de") {
		b.Fatal("numbering")
	}
}
