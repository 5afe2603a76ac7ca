package oauth_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/oauth"
)

// login is one started login: the state WeChat will hand back and the
// state cookie the browser got.
type login struct {
	state  string
	cookie *http.Cookie
}

// startLogin sends a GET for target (path and query, used as the request
// URI exactly as given, "//evil.com" included) straight to the middleware
// and returns the login it started.
func startLogin(t *testing.T, a *app, target string) login {
	t.Helper()
	req := httptest.NewRequest("GET", "/", nil)
	path, query, _ := strings.Cut(target, "?")
	req.URL.Path, req.URL.RawQuery = path, query
	req.RequestURI = target
	rec := httptest.NewRecorder()
	// Straight to the middleware: a ServeMux would clean "//evil.com" first.
	var h http.Handler = a.mw.Require(http.NotFoundHandler())
	if path == "/login" {
		h = http.HandlerFunc(a.mw.Login)
	}
	h.ServeHTTP(rec, req)
	resp := rec.Result()
	require.Equal(t, http.StatusFound, resp.StatusCode, "redirect to WeChat")
	u, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	require.Len(t, resp.Cookies(), 1)
	return login{state: u.Query().Get("state"), cookie: resp.Cookies()[0]}
}

// callback plays WeChat's redirect back to the site.
func callback(t *testing.T, a *app, query string, cookies ...*http.Cookie) *http.Response {
	t.Helper()
	req, err := http.NewRequest("GET", a.URL+"/auth/callback?"+query, nil)
	require.NoError(t, err)
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func sessionCookie(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == oauth.DefaultCookieName && c.MaxAge > 0 {
			return c
		}
	}
	return nil
}

func flipHex(s string, i int) string {
	b := []byte(s)
	if b[i] == '0' {
		b[i] = '1'
	} else {
		b[i] = '0'
	}
	return string(b)
}

func TestCallbackStateChecks(t *testing.T) {
	t.Parallel()
	f, c := newFakeWeChat(t, oauth.ScopeBase)
	var mu sync.Mutex
	var errs []error
	a := newApp(t, c, func(cfg *oauth.MiddlewareConfig) {
		cfg.ErrorHandler = func(w http.ResponseWriter, r *http.Request, status int, err error) {
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
			http.Error(w, http.StatusText(status), status)
		}
	})
	lastErr := func() error { mu.Lock(); defer mu.Unlock(); return errs[len(errs)-1] }

	t.Run("malformed", func(t *testing.T) {
		for _, q := range []string{"code=CODE1", "code=CODE1&state=abc", "code=CODE1&state=" + strings.Repeat("z", 112),
			"code=CODE1&state=" + strings.Repeat("0", 128)} {
			resp := callback(t, a, q)
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode, q)
			assert.ErrorIs(t, lastErr(), oauth.ErrStateMalformed)
		}
	})
	t.Run("tampered signature", func(t *testing.T) {
		l := startLogin(t, a, "/p")
		resp := callback(t, a, "code=CODE1&state="+flipHex(l.state, 100), l.cookie)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		assert.ErrorIs(t, lastErr(), oauth.ErrStateInvalid)
	})
	t.Run("tampered expiry", func(t *testing.T) {
		l := startLogin(t, a, "/p")
		resp := callback(t, a, "code=CODE1&state="+flipHex(l.state, 40), l.cookie)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		assert.ErrorIs(t, lastErr(), oauth.ErrStateInvalid)
	})
	t.Run("tampered return path in cookie", func(t *testing.T) {
		l := startLogin(t, a, "/p")
		nonce, _, _ := strings.Cut(l.cookie.Value, ".")
		forged := *l.cookie
		forged.Value = nonce + ".L2FkbWlu" // "/admin"
		resp := callback(t, a, "code=CODE1&state="+l.state, &forged)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		assert.ErrorIs(t, lastErr(), oauth.ErrStateInvalid)
	})
	t.Run("garbage cookie", func(t *testing.T) {
		l := startLogin(t, a, "/p")
		forged := *l.cookie
		forged.Value = "not-a-cookie"
		resp := callback(t, a, "code=CODE1&state="+l.state, &forged)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	})
	t.Run("other browser (no cookie)", func(t *testing.T) {
		l := startLogin(t, a, "/p")
		resp := callback(t, a, "code=CODE1&state="+l.state)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		assert.ErrorIs(t, lastErr(), oauth.ErrStateNotBound)
	})
	t.Run("other browser's cookie", func(t *testing.T) {
		l1 := startLogin(t, a, "/p")
		l2 := startLogin(t, a, "/p")
		swapped := *l2.cookie
		swapped.Name = l1.cookie.Name
		resp := callback(t, a, "code=CODE1&state="+l1.state, &swapped)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		assert.ErrorIs(t, lastErr(), oauth.ErrStateInvalid)
	})
	t.Run("denied", func(t *testing.T) {
		l := startLogin(t, a, "/p")
		resp := callback(t, a, "state="+l.state, l.cookie)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		assert.ErrorIs(t, lastErr(), oauth.ErrAccessDenied)
	})
	t.Run("replayed", func(t *testing.T) {
		l := startLogin(t, a, "/p")
		before := f.exchanges.Load()
		resp := callback(t, a, "code=CODE77&state="+l.state, l.cookie)
		require.Equal(t, http.StatusFound, resp.StatusCode)
		assert.Equal(t, "/p", resp.Header.Get("Location"))
		require.NotNil(t, sessionCookie(resp))
		resp = callback(t, a, "code=CODE78&state="+l.state, l.cookie)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		assert.ErrorIs(t, lastErr(), oauth.ErrStateReplayed)
		assert.Equal(t, before+1, f.exchanges.Load(), "a replayed state never reaches WeChat")
	})
	t.Run("used code", func(t *testing.T) {
		l := startLogin(t, a, "/p")
		resp := callback(t, a, "code=CODE77&state="+l.state, l.cookie)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
		assert.True(t, mp.IsCode(lastErr(), mp.CodeCodeUsed), "got %v", lastErr())
	})
	t.Run("invalid code", func(t *testing.T) {
		l := startLogin(t, a, "/p")
		resp := callback(t, a, "code=FORGED&state="+l.state, l.cookie)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
		assert.True(t, mp.IsCode(lastErr(), mp.CodeInvalidCode), "got %v", lastErr())
	})
	t.Run("method", func(t *testing.T) {
		resp, err := http.Post(a.URL+"/auth/callback", "text/plain", nil)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	})
}

func TestCallbackExpiredState(t *testing.T) {
	t.Parallel()
	_, c := newFakeWeChat(t, oauth.ScopeBase)
	a := newApp(t, c, nil)
	l := startLogin(t, a, "/p")
	a.clock.Advance(oauth.DefaultStateTTL + time.Second)
	resp := callback(t, a, "code=CODE1&state="+l.state, l.cookie)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)

	// Within the TTL it works.
	l = startLogin(t, a, "/p")
	a.clock.Advance(oauth.DefaultStateTTL - time.Second)
	resp = callback(t, a, "code=CODE1&state="+l.state, l.cookie)
	assert.Equal(t, http.StatusFound, resp.StatusCode)
}

func TestOpenRedirectRefused(t *testing.T) {
	t.Parallel()
	_, c := newFakeWeChat(t, oauth.ScopeBase)
	a := newApp(t, c, nil)
	n := 0
	code := func() string { n++; return fmt.Sprintf("code=CODE%d&state=", 100+n) }
	// Through the protected page itself.
	for _, target := range []string{"//evil.com/x", "///evil.com", "/\\evil.com"} {
		l := startLogin(t, a, target)
		resp := callback(t, a, code()+l.state, l.cookie)
		require.Equal(t, http.StatusFound, resp.StatusCode, target)
		assertSameOrigin(t, a, resp.Header.Get("Location"))
	}
	// Through /login?next=.
	for _, next := range []string{"https://evil.com", "//evil.com", "/\\evil.com", "\\\\evil.com", "http:evil.com",
		"javascript:alert(1)", "evil.com", "/ok\r\nSet-Cookie: x=1", " /x"} {
		l := startLogin(t, a, "/login?next="+url.QueryEscape(next))
		resp := callback(t, a, code()+l.state, l.cookie)
		require.Equal(t, http.StatusFound, resp.StatusCode, next)
		assert.Equal(t, "/", resp.Header.Get("Location"), next)
	}
	// A same-origin next is honoured.
	l := startLogin(t, a, "/login?next="+url.QueryEscape("/orders?id=1"))
	resp := callback(t, a, code()+l.state, l.cookie)
	assert.Equal(t, "/orders?id=1", resp.Header.Get("Location"))

	// A logged-in visitor is sent to next at once, still same-origin only.
	b := browser(t, false)
	appURL, _ := url.Parse(a.URL)
	b.Jar.SetCookies(appURL, []*http.Cookie{sessionCookie(resp)})
	r2, _ := get(t, b, a.URL+"/login?next=%2F%2Fevil.com")
	assert.Equal(t, http.StatusFound, r2.StatusCode)
	assert.Equal(t, "/", r2.Header.Get("Location"))
	r2, _ = get(t, b, a.URL+"/login?next=%2Fhome")
	assert.Equal(t, "/home", r2.Header.Get("Location"))
}

// assertSameOrigin checks that a browser would stay on the app's origin.
func assertSameOrigin(t *testing.T, a *app, loc string) {
	t.Helper()
	base, _ := url.Parse(a.URL)
	u, err := base.Parse(loc)
	require.NoError(t, err)
	assert.Equal(t, base.Host, u.Host, "Location %q leaves the site", loc)
	assert.True(t, strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, "//") && !strings.HasPrefix(loc, "/\\"), loc)
}

func TestSessionCookieTampered(t *testing.T) {
	t.Parallel()
	_, c := newFakeWeChat(t, oauth.ScopeBase)
	a := newApp(t, c, nil)
	l := startLogin(t, a, "/p")
	resp := callback(t, a, "code=CODE1&state="+l.state, l.cookie)
	sc := sessionCookie(resp)
	require.NotNil(t, sc)

	try := func(v string) int {
		req, _ := http.NewRequest("GET", a.URL+"/public", nil)
		req.AddCookie(&http.Cookie{Name: sc.Name, Value: v})
		r, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if string(b) == "hello stranger" {
			return 0
		}
		return 1
	}
	assert.Equal(t, 1, try(sc.Value))
	assert.Equal(t, 0, try(sc.Value[:len(sc.Value)-2]+"AA"))
	assert.Equal(t, 0, try("AA"+sc.Value[2:]))
	assert.Equal(t, 0, try("garbage"))
}

func TestUnauthenticatedPOST(t *testing.T) {
	t.Parallel()
	_, c := newFakeWeChat(t, oauth.ScopeBase)
	a := newApp(t, c, nil)
	resp, err := http.Post(a.URL+"/orders", "text/plain", nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}

func TestOptionalWithoutSession(t *testing.T) {
	t.Parallel()
	_, c := newFakeWeChat(t, oauth.ScopeBase)
	a := newApp(t, c, nil)
	resp, body := get(t, browser(t, false), a.URL+"/public")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "hello stranger", body)
}

func TestSnapshotUser(t *testing.T) {
	t.Parallel()
	f, c := newFakeWeChat(t, oauth.ScopeBase)
	f.snapshot = true
	a := newApp(t, c, nil)
	var got *oauth.User
	mux := http.NewServeMux()
	mux.Handle("/", a.mw.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = oauth.UserFromContext(r.Context())
	})))
	a.Config.Handler = mux
	_, _ = get(t, browser(t, true), a.URL+"/")
	require.NotNil(t, got)
	assert.True(t, got.IsSnapshotUser)
	assert.Nil(t, got.Profile, "no profile for snsapi_base")
	assert.Equal(t, int32(0), f.userinfos.Load())
}

func TestTransparentRefresh(t *testing.T) {
	t.Parallel()
	f, c := newFakeWeChat(t, oauth.ScopeUserInfo)
	a := newApp(t, c, nil)
	var mu sync.Mutex
	seen := map[string]int{}
	mux := http.NewServeMux()
	mux.Handle("/", a.mw.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, _ := oauth.TokenFromContext(r.Context())
		mu.Lock()
		seen[tok.AccessToken]++
		mu.Unlock()
	})))
	a.Config.Handler = mux
	b := browser(t, true)
	_, _ = get(t, b, a.URL+"/")
	assert.Equal(t, map[string]int{"USER_AT_0": 1}, seen)

	a.clock.Advance(2 * time.Hour)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			resp, _ := get(t, b, a.URL+"/")
			assert.Equal(t, http.StatusOK, resp.StatusCode)
		})
	}
	wg.Wait()
	assert.Equal(t, int32(1), f.refreshes.Load(), "one refresh for concurrent requests of a session")
	assert.Equal(t, 20, seen["USER_AT_1"])
	assert.Equal(t, int32(1), f.exchanges.Load(), "no new login")

	// A dead refresh token ends the session: back to WeChat.
	a.clock.Advance(2 * time.Hour)
	f.refreshErr.Store(42002)
	nb := browser(t, false)
	nb.Jar = b.Jar
	resp, _ := get(t, nb, a.URL+"/")
	assert.Equal(t, http.StatusFound, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Location"), "/connect/oauth2/authorize?")
}

func TestRefreshFailureKeepsSession(t *testing.T) {
	t.Parallel()
	f, c := newFakeWeChat(t, oauth.ScopeBase, mp.WithRetryPolicy(mp.NoRetry()))
	a := newApp(t, c, nil)
	b := browser(t, true)
	_, body := get(t, b, a.URL+"/")
	require.Contains(t, body, "hello OPENID")
	a.clock.Advance(3 * time.Hour)
	f.refreshErr.Store(-1) // system busy: transient
	resp, body := get(t, b, a.URL+"/")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "hello OPENID")
}

func TestExchangeUpstreamDown(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t, mp.WithRetryPolicy(mp.NoRetry()))
	srv.Handle("GET", "/sns/oauth2/access_token", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "upstream down", http.StatusServiceUnavailable)
	})
	a := newApp(t, c, nil)
	l := startLogin(t, a, "/p")
	resp := callback(t, a, "code=CODE1&state="+l.state, l.cookie)
	assert.Equal(t, http.StatusBadGateway, resp.StatusCode)
	assert.Nil(t, sessionCookie(resp))
}

func TestNewMiddlewareValidation(t *testing.T) {
	t.Parallel()
	_, c := newFakeWeChat(t, oauth.ScopeBase)
	s := oauth.New(c)
	ok := oauth.MiddlewareConfig{RedirectURL: "https://e.com/cb", Key: testKey}
	for _, tc := range []struct {
		name   string
		mutate func(*oauth.MiddlewareConfig)
		field  string
	}{
		{"short key", func(c *oauth.MiddlewareConfig) { c.Key = testKey[:31] }, "Key"},
		{"no key", func(c *oauth.MiddlewareConfig) { c.Key = nil }, "Key"},
		{"relative redirect", func(c *oauth.MiddlewareConfig) { c.RedirectURL = "/cb" }, "redirect_uri"},
		{"fragment", func(c *oauth.MiddlewareConfig) { c.RedirectURL = "https://e.com/cb#x" }, "redirect_uri"},
		{"root callback", func(c *oauth.MiddlewareConfig) { c.RedirectURL = "https://e.com/" }, "RedirectURL"},
		{"no callback path", func(c *oauth.MiddlewareConfig) { c.RedirectURL = "https://e.com" }, "RedirectURL"},
		{"login scope", func(c *oauth.MiddlewareConfig) { c.Scope = oauth.ScopeLogin }, "Scope"},
		{"lang", func(c *oauth.MiddlewareConfig) { c.Lang = "de" }, "Lang"},
		{"negative ttl", func(c *oauth.MiddlewareConfig) { c.StateTTL = -1 }, "StateTTL/SessionTTL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := ok
			tc.mutate(&cfg)
			_, err := s.NewMiddleware(cfg)
			var ve *mp.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.NotContains(t, err.Error(), string(testKey))
			_, err = s.Middleware(cfg)
			assert.Error(t, err)
		})
	}
	mw, err := s.Middleware(ok)
	require.NoError(t, err)
	assert.NotNil(t, mw)
	m, err := s.NewMiddleware(ok)
	require.NoError(t, err)
	assert.Equal(t, "/cb", m.CallbackPath())
	for _, f := range []string{"%v", "%+v", "%#v"} {
		assert.NotContains(t, sprintf(f, m), "APPSECRET", f)
		assert.NotContains(t, sprintf(f, s), "APPSECRET", f)
	}
	assert.NotContains(t, ok.String(), string(testKey))
	assert.NotContains(t, sprintf("%#v", ok), string(testKey))
}

// failingStore fails every call.
type failingStore struct{}

func (failingStore) Consume(context.Context, string, time.Time) (bool, error) {
	return false, errors.New("store down")
}
func (failingStore) Load(context.Context, string) (*oauth.Session, error) {
	return nil, errors.New("store down")
}
func (failingStore) Save(context.Context, string, *oauth.Session) error {
	return errors.New("store down")
}
func (failingStore) Delete(context.Context, string) error { return errors.New("store down") }

func TestStoreFailures(t *testing.T) {
	t.Parallel()
	_, c := newFakeWeChat(t, oauth.ScopeBase)
	a := newApp(t, c, func(cfg *oauth.MiddlewareConfig) { cfg.StateStore = failingStore{} })
	l := startLogin(t, a, "/p")
	resp := callback(t, a, "code=CODE1&state="+l.state, l.cookie)
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)

	a2 := newApp(t, c, func(cfg *oauth.MiddlewareConfig) { cfg.SessionStore = failingStore{} })
	l = startLogin(t, a2, "/p")
	resp = callback(t, a2, "code=CODE2&state="+l.state, l.cookie)
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
}
