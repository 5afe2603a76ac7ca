package oauth_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/oauth"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now()} }

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// fakeWeChat plays the authorization page and the sns APIs. The user's
// tokens are distinct from the account's token so that the tests can see
// which one is sent.
type fakeWeChat struct {
	t         *testing.T
	srv       *mptest.Server
	scope     oauth.Scope
	mu        sync.Mutex
	codes     int
	used      map[string]bool
	exchanges atomic.Int32
	refreshes atomic.Int32
	userinfos atomic.Int32
	// refreshErr, when set, is the errcode of /sns/oauth2/refresh_token.
	refreshErr atomic.Int32
	snapshot   bool
	gen        atomic.Int32 // access token generation
}

var authorizeQuery = regexp.MustCompile(`^appid=` + mptest.AppID +
	`&redirect_uri=[A-Za-z0-9%._-]+&response_type=code&scope=(snsapi_base|snsapi_userinfo)&state=[0-9a-f]{112}$`)

func newFakeWeChat(t *testing.T, scope oauth.Scope, opts ...mp.Option) (*fakeWeChat, *mp.Client) {
	srv, c := mptest.New(t, opts...)
	f := &fakeWeChat{t: t, srv: srv, scope: scope, used: map[string]bool{}}
	srv.Handle("GET", "/connect/oauth2/authorize", func(w http.ResponseWriter, r *http.Request) {
		assert.Regexp(t, authorizeQuery, r.URL.RawQuery, "parameter order of the authorization link")
		q := r.URL.Query()
		f.mu.Lock()
		f.codes++
		code := fmt.Sprintf("CODE%d", f.codes)
		f.mu.Unlock()
		target := q.Get("redirect_uri") + "?code=" + code + "&state=" + q.Get("state")
		http.Redirect(w, r, target, http.StatusFound)
	})
	srv.Handle("GET", "/sns/oauth2/access_token", func(w http.ResponseWriter, r *http.Request) {
		f.exchanges.Add(1)
		q := r.URL.Query()
		assert.Empty(t, q.Get("access_token"))
		assert.Equal(t, "APPSECRET", q.Get("secret"))
		f.mu.Lock()
		code := q.Get("code")
		used := f.used[code]
		f.used[code] = true
		f.mu.Unlock()
		if used {
			mptest.ErrorJSON(w, 40163, "code been used")
			return
		}
		if !strings.HasPrefix(code, "CODE") {
			mptest.ErrorJSON(w, 40029, "invalid code")
			return
		}
		snap := ""
		if f.snapshot {
			snap = `,"is_snapshotuser":1`
		}
		fmt.Fprintf(w, `{"access_token":"USER_AT_%d","expires_in":7200,"refresh_token":"USER_RT","openid":"OPENID","scope":"%s","unionid":"UNIONID"%s}`,
			f.gen.Load(), f.scope, snap)
	})
	srv.Handle("GET", "/sns/oauth2/refresh_token", func(w http.ResponseWriter, r *http.Request) {
		f.refreshes.Add(1)
		assert.Equal(t, "USER_RT", r.URL.Query().Get("refresh_token"))
		assert.Empty(t, r.URL.Query().Get("access_token"))
		if code := f.refreshErr.Load(); code != 0 {
			mptest.ErrorJSON(w, int(code), "refresh_token timeout")
			return
		}
		time.Sleep(10 * time.Millisecond) // let concurrent requests pile up
		fmt.Fprintf(w, `{"access_token":"USER_AT_%d","expires_in":7200,"refresh_token":"USER_RT","openid":"OPENID","scope":"%s"}`,
			f.gen.Add(1), f.scope)
	})
	srv.Handle("GET", "/sns/userinfo", func(w http.ResponseWriter, r *http.Request) {
		f.userinfos.Add(1)
		assert.True(t, strings.HasPrefix(r.URL.Query().Get("access_token"), "USER_AT_"), "the user's token is sent")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(mptest.Fixture(t, "sns_userinfo.json"))
	})
	return f, c
}

// app is a site behind the middleware.
type app struct {
	*httptest.Server
	mw    *oauth.Middleware
	clock *clock
}

func newApp(t *testing.T, c *mp.Client, mutate func(*oauth.MiddlewareConfig)) *app {
	a := &app{clock: newClock()}
	mux := http.NewServeMux()
	a.Server = httptest.NewServer(mux)
	t.Cleanup(a.Server.Close)
	cfg := oauth.MiddlewareConfig{
		RedirectURL: a.URL + "/auth/callback",
		Scope:       oauth.ScopeUserInfo,
		Lang:        oauth.LangZhCN,
		Key:         testKey,
		Now:         a.clock.Now,
	}
	if mutate != nil {
		mutate(&cfg)
	}
	mw, err := oauth.New(c).NewMiddleware(cfg)
	require.NoError(t, err)
	a.mw = mw
	greet := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, ok := oauth.UserFromContext(r.Context())
		if !ok {
			fmt.Fprint(w, "hello stranger")
			return
		}
		tok, _ := oauth.TokenFromContext(r.Context())
		name := ""
		if u.Profile != nil {
			name = u.Profile.Nickname
		}
		fmt.Fprintf(w, "hello %s %s %s %s %s", u.OpenID, name, u.UnionID, u.Scope, tok.AccessToken[:len("USER_AT_")])
	})
	mux.Handle("/", mw.Require(greet))
	mux.Handle("/public", mw.Optional(greet))
	mux.HandleFunc("/login", mw.Login)
	mux.HandleFunc("/logout", func(w http.ResponseWriter, r *http.Request) {
		require.NoError(t, mw.Logout(w, r))
		http.Redirect(w, r, "/public", http.StatusFound)
	})
	return a
}

// browser is a client with a cookie jar.
func browser(t *testing.T, follow bool) *http.Client {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	c := &http.Client{Jar: jar}
	if !follow {
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	return c
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

func TestMiddlewareFullFlow(t *testing.T) {
	t.Parallel()
	f, c := newFakeWeChat(t, oauth.ScopeUserInfo)
	a := newApp(t, c, nil)
	b := browser(t, true)

	resp, body := get(t, b, a.URL+"/orders?id=42")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "hello OPENID NICKNAME UNIONID snsapi_userinfo USER_AT_", body)
	assert.Equal(t, "/orders", resp.Request.URL.Path, "back on the page first asked for")
	assert.Equal(t, "id=42", resp.Request.URL.RawQuery)
	assert.Equal(t, int32(1), f.exchanges.Load())
	assert.Equal(t, int32(1), f.userinfos.Load())

	// The browser holds only the signed session id.
	appURL, _ := url.Parse(a.URL)
	cookies := b.Jar.Cookies(appURL)
	require.Len(t, cookies, 1)
	assert.Equal(t, oauth.DefaultCookieName, cookies[0].Name)
	for _, secret := range []string{"USER_AT", "USER_RT", "OPENID", "APPSECRET"} {
		assert.NotContains(t, cookies[0].Value, secret)
	}

	// The session is reused: no new trip to WeChat.
	resp, body = get(t, b, a.URL+"/again")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "hello OPENID")
	assert.Equal(t, int32(1), f.exchanges.Load())

	// Logout ends it.
	resp, body = get(t, b, a.URL+"/logout")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "hello stranger", body)
	_, body = get(t, b, a.URL+"/again")
	assert.Contains(t, body, "hello OPENID")
	assert.Equal(t, int32(2), f.exchanges.Load(), "logged in again after logout")
}

func TestMiddlewareCookies(t *testing.T) {
	t.Parallel()
	_, c := newFakeWeChat(t, oauth.ScopeBase)
	a := newApp(t, c, func(cfg *oauth.MiddlewareConfig) { cfg.Secure = true; cfg.Scope = oauth.ScopeBase })
	b := browser(t, false)
	resp, _ := get(t, b, a.URL+"/x")
	require.Equal(t, http.StatusFound, resp.StatusCode)
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	sc := resp.Cookies()
	require.Len(t, sc, 1)
	assert.True(t, strings.HasPrefix(sc[0].Name, oauth.DefaultStateCookiePrefix))
	assert.True(t, sc[0].HttpOnly)
	assert.True(t, sc[0].Secure)
	assert.Equal(t, http.SameSiteLaxMode, sc[0].SameSite)
	assert.Equal(t, "/auth/callback", sc[0].Path)

	loc := resp.Header.Get("Location")
	assert.Contains(t, loc, "scope=snsapi_base&state=")
	assert.True(t, strings.HasSuffix(loc, "#wechat_redirect"))

	// Complete by hand to look at the session cookie (Secure cookies are
	// not replayed over http by the jar).
	u, _ := url.Parse(loc)
	cb := u.Query().Get("redirect_uri") + "?code=CODE9&state=" + u.Query().Get("state")
	req, _ := http.NewRequest("GET", cb, nil)
	req.AddCookie(&http.Cookie{Name: sc[0].Name, Value: sc[0].Value})
	resp, err := http.DefaultTransport.RoundTrip(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	assert.Equal(t, "/x", resp.Header.Get("Location"))
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == oauth.DefaultCookieName {
			session = ck
		}
	}
	require.NotNil(t, session)
	assert.True(t, session.HttpOnly)
	assert.True(t, session.Secure)
	assert.Equal(t, http.SameSiteLaxMode, session.SameSite)
	assert.Equal(t, "/", session.Path)
	assert.Equal(t, int(oauth.DefaultSessionTTL/time.Second), session.MaxAge)
}
