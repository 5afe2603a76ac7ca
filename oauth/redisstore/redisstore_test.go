package redisstore_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/testredis"
	"github.com/wxkit/mp/oauth"
	"github.com/wxkit/mp/oauth/redisstore"
	"github.com/wxkit/mp/sim"
)

func TestStateSingleUseAcrossProcesses(t *testing.T) {
	t.Parallel()
	rdb := testredis.Client(t)
	p := runPrefix(t)
	a := redisstore.NewStateStore(rdb, p)
	b := redisstore.NewStateStore(rdb, p)
	ctx := context.Background()
	ok, err := a.Consume(ctx, "state-1", time.Now().Add(time.Minute))
	require.NoError(t, err)
	assert.True(t, ok)
	ok, err = b.Consume(ctx, "state-1", time.Now().Add(time.Minute))
	require.NoError(t, err)
	assert.False(t, ok, "a state works once, in any process")
	ok, _ = b.Consume(ctx, "state-2", time.Now().Add(-time.Minute))
	assert.True(t, ok, "an already expired state is still recorded once")
}

func TestSessionRoundTrip(t *testing.T) {
	t.Parallel()
	rdb := testredis.Client(t)
	p := runPrefix(t)
	st := redisstore.NewSessionStore(rdb, p)
	ctx := context.Background()
	sess := &oauth.Session{
		User:   oauth.User{OpenID: "o1", UnionID: "u1", Scope: oauth.ScopeUserInfo, Profile: &oauth.UserInfo{Nickname: "Alice"}},
		Token:  oauth.Token{AccessToken: "AT", RefreshToken: "RT", OpenID: "o1", Expiry: time.Now().Add(time.Hour).UTC().Truncate(time.Second)},
		Expiry: time.Now().Add(time.Hour).UTC().Truncate(time.Second),
	}
	require.NoError(t, st.Save(ctx, "s1", sess))
	got, err := st.Load(ctx, "s1")
	require.NoError(t, err)
	assert.Equal(t, sess, got)
	ttl := rdb.TTL(ctx, p+"session:s1").Val()
	assert.InDelta(t, time.Hour.Seconds(), ttl.Seconds(), 5, "the key expires with the session")

	require.NoError(t, st.Delete(ctx, "s1"))
	got, err = st.Load(ctx, "s1")
	require.NoError(t, err)
	assert.Nil(t, got)

	// An expired session is neither saved nor loaded.
	sess.Expiry = time.Now().Add(-time.Second)
	require.NoError(t, st.Save(ctx, "s2", sess))
	got, _ = st.Load(ctx, "s2")
	assert.Nil(t, got)
	require.Error(t, st.Save(ctx, "s3", nil))

	require.NoError(t, rdb.Set(ctx, p+"session:bad", "{", time.Minute).Err())
	_, err = st.Load(ctx, "bad")
	assert.ErrorContains(t, err, "corrupt")
}

func TestDefaultPrefixAndRedisDown(t *testing.T) {
	t.Parallel()
	dead := redisDown(t)
	_, err := redisstore.NewStateStore(dead, "").Consume(context.Background(), "x", time.Now().Add(time.Minute))
	assert.Error(t, err)
	ss := redisstore.NewSessionStore(dead, "")
	_, err = ss.Load(context.Background(), "x")
	assert.Error(t, err)
	assert.Error(t, ss.Save(context.Background(), "x", &oauth.Session{Expiry: time.Now().Add(time.Hour)}))
	assert.Error(t, ss.Delete(context.Background(), "x"))
}

// Two instances of a site share the stores: the login starts on A, WeChat's
// callback lands on B, and the session then works on both.
func TestLoginAcrossInstances(t *testing.T) {
	t.Parallel()
	rdb := testredis.Client(t)
	p := runPrefix(t)
	platform := sim.New(sim.Options{})
	t.Cleanup(platform.Close)
	acct := platform.Account()
	client, err := mp.New(mp.Config{AppID: acct.AppID, AppSecret: acct.AppSecret}, mp.WithHost(platform.URL))
	require.NoError(t, err)
	alice := platform.NewUser("Alice")
	_, _ = alice.Follow(context.Background())

	key := []byte("0123456789abcdef0123456789abcdef")
	instance := func() *httptest.Server {
		mw, err := oauth.New(client).NewMiddleware(oauth.MiddlewareConfig{
			RedirectURL: "http://site.example/auth/callback", Scope: oauth.ScopeUserInfo, Key: key,
			StateStore: redisstore.NewStateStore(rdb, p), SessionStore: redisstore.NewSessionStore(rdb, p),
		})
		require.NoError(t, err)
		mux := http.NewServeMux()
		mux.Handle("/me", mw.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u, _ := oauth.UserFromContext(r.Context())
			io.WriteString(w, u.OpenID+" "+u.Profile.Nickname)
		})))
		mux.Handle(mw.CallbackPath(), mw)
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)
		return srv
	}
	a, b := instance(), instance() // two processes serving one public site

	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(base, pathAndQuery string) *http.Response {
		// The browser sees one site: cookies are kept under its public URL.
		siteURL, _ := url.Parse("http://site.example" + pathAndQuery)
		req, _ := http.NewRequest(http.MethodGet, base+pathAndQuery, nil)
		for _, c := range jar.Cookies(siteURL) {
			req.AddCookie(c)
		}
		resp, err := hc.Do(req)
		require.NoError(t, err)
		jar.SetCookies(siteURL, resp.Cookies())
		return resp
	}

	resp := get(a.URL, "/me") // instance A: not logged in → WeChat
	require.Equal(t, http.StatusFound, resp.StatusCode)
	back, err := platform.Authorize(alice, resp.Header.Get("Location"))
	require.NoError(t, err)
	cb, _ := url.Parse(back)
	resp = get(b.URL, cb.Path+"?"+cb.RawQuery) // the callback lands on instance B
	require.Equal(t, http.StatusFound, resp.StatusCode, "state verified on B although A issued it")
	for _, inst := range []*httptest.Server{a, b} {
		resp = get(inst.URL, "/me")
		body, _ := io.ReadAll(resp.Body)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, alice.OpenID()+" Alice", strings.TrimSpace(string(body)))
	}
	// Replaying the callback on A fails: the state was consumed on B.
	resp = get(a.URL, cb.Path+"?"+cb.RawQuery)
	assert.GreaterOrEqual(t, resp.StatusCode, 400)
}
