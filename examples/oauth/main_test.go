package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/sim"
)

// fakeWeChat stands in for open.weixin.qq.com and api.weixin.qq.com: the
// authorization page consents at once, the sns APIs answer in the formats of
// the official documentation.
func fakeWeChat(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var exchanges atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("GET /connect/oauth2/authorize", func(w http.ResponseWriter, r *http.Request) {
		assert.True(t, strings.HasPrefix(r.URL.RawQuery, "appid=wxEXAMPLE&redirect_uri="), r.URL.RawQuery)
		q := r.URL.Query()
		assert.Equal(t, "snsapi_userinfo", q.Get("scope"))
		http.Redirect(w, r, q.Get("redirect_uri")+"?code=CODE&state="+q.Get("state"), http.StatusFound)
	})
	mux.HandleFunc("GET /sns/oauth2/access_token", func(w http.ResponseWriter, r *http.Request) {
		exchanges.Add(1)
		q := r.URL.Query()
		assert.Equal(t, "wxEXAMPLE", q.Get("appid"))
		assert.Equal(t, "SECRET", q.Get("secret"))
		assert.Equal(t, "CODE", q.Get("code"))
		assert.Equal(t, "authorization_code", q.Get("grant_type"))
		fmt.Fprint(w, `{"access_token":"USER_ACCESS_TOKEN","expires_in":7200,"refresh_token":"USER_REFRESH_TOKEN","openid":"oOPENID123","scope":"snsapi_userinfo","unionid":"oUNION"}`)
	})
	mux.HandleFunc("GET /sns/userinfo", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "USER_ACCESS_TOKEN", r.URL.Query().Get("access_token"))
		assert.Equal(t, "oOPENID123", r.URL.Query().Get("openid"))
		fmt.Fprint(w, `{"openid":"oOPENID123","nickname":"<小明>","sex":0,"province":"","city":"","country":"","headimgurl":"","privilege":[],"unionid":"oUNION"}`)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request to WeChat: %s %s", r.Method, r.URL)
		http.NotFound(w, r)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &exchanges
}

func TestLoginFlow(t *testing.T) {
	t.Parallel()
	wechat, exchanges := fakeWeChat(t)
	site := httptest.NewUnstartedServer(nil)
	cfg := config{AppID: "wxEXAMPLE", AppSecret: "SECRET", BaseURL: wechat.URL, PublicURL: "http://" + site.Listener.Addr().String()}
	h, err := newHandler(cfg)
	require.NoError(t, err)
	site.Config.Handler = h
	site.Start()
	t.Cleanup(site.Close)

	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	browser := &http.Client{Jar: jar}
	page := func(path string) (string, *http.Response) {
		resp, err := browser.Get(site.URL + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return string(b), resp
	}

	body, _ := page("/")
	assert.Contains(t, body, `<a href="/login?next=/hello">Log in with WeChat</a>`)

	// Log in: site -> WeChat -> callback -> /hello.
	body, resp := page("/login?next=/hello")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "/hello", resp.Request.URL.Path)
	assert.Contains(t, body, "Hello, &lt;小明&gt; (oOPENID123)!", "greeting, HTML-escaped")
	assert.Contains(t, body, "UnionID: oUNION")
	assert.NotContains(t, body, "USER_ACCESS_TOKEN")
	assert.Equal(t, int32(1), exchanges.Load())

	siteURL, _ := url.Parse(site.URL)
	for _, c := range jar.Cookies(siteURL) {
		assert.NotContains(t, c.Value, "USER_")
	}

	body, _ = page("/")
	assert.Contains(t, body, "Logged in as oOPENID123")
	body, _ = page("/hello")
	assert.Contains(t, body, "oOPENID123")
	assert.Equal(t, int32(1), exchanges.Load(), "the session is kept")

	body, _ = page("/logout")
	assert.Contains(t, body, "Log in with WeChat")
}

func TestRunWithoutCredentials(t *testing.T) {
	t.Parallel()
	cfg, err := parseConfig(nil, func(string) string { return "" })
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:8082", cfg.Addr)
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), cfg, &out))
	assert.Contains(t, out.String(), "WECHAT_APPID")
	assert.Contains(t, out.String(), "WECHAT_APPSECRET")
}

func TestParseConfig(t *testing.T) {
	t.Parallel()
	env := map[string]string{"WECHAT_APPID": "wx1", "WECHAT_APPSECRET": "S", "WECHAT_BASE_URL": "http://127.0.0.1:9000",
		"WECHAT_OAUTH_KEY": strings.Repeat("k", 32)}
	cfg, err := parseConfig([]string{"-addr", "127.0.0.1:0", "-public-url", "https://example.com"},
		func(k string) string { return env[k] })
	require.NoError(t, err)
	assert.Equal(t, config{AppID: "wx1", AppSecret: "S", BaseURL: "http://127.0.0.1:9000", Addr: "127.0.0.1:0",
		PublicURL: "https://example.com", Key: []byte(strings.Repeat("k", 32))}, cfg)
	assert.NotContains(t, cfg.String(), "kkkk")
	assert.NotContains(t, fmt.Sprint(cfg), `"S"`)
	_, err = parseConfig([]string{"-nope"}, func(string) string { return "" })
	assert.Error(t, err)
}

func TestRunServesUntilCancelled(t *testing.T) {
	t.Parallel()
	wechat, _ := fakeWeChat(t)
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, config{AppID: "wxEXAMPLE", AppSecret: "SECRET", BaseURL: wechat.URL, Addr: "127.0.0.1:0"}, pw)
		pw.Close()
	}()
	line := make([]byte, 256)
	n, err := pr.Read(line)
	require.NoError(t, err)
	first := string(line[:n])
	require.Contains(t, first, "listening on 127.0.0.1:")
	addr := strings.TrimPrefix(strings.Fields(first)[2], "")
	addr = strings.TrimSuffix(addr, ";")
	resp, err := http.Get("http://" + addr + "/")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}
}

func TestRunBadConfig(t *testing.T) {
	t.Parallel()
	err := run(context.Background(), config{AppID: "wx", AppSecret: "s", Addr: "127.0.0.1:0", BaseURL: "not a url"}, io.Discard)
	assert.Error(t, err)
	err = run(context.Background(), config{AppID: "wx", AppSecret: "s", Addr: "bad:addr:1"}, io.Discard)
	assert.Error(t, err)
}

func TestSmoke(t *testing.T) {
	t.Parallel()
	cfg, err := parseConfig([]string{"-smoke"}, func(string) string { return "" })
	require.NoError(t, err)
	require.True(t, cfg.Smoke)
	var out, errOut bytes.Buffer
	require.NoError(t, realMain(context.Background(), cfg, &out, &errOut))
	assert.Equal(t, simNotice+"\n", errOut.String())
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, lines, 6, out.String())
	assert.Regexp(t, `^listening on 127\.0\.0\.1:\d+; open http://127\.0\.0\.1:\d+/$`, lines[0])
	assert.Regexp(t, `^1\. GET /login\?next=/hello: redirected to the authorization page http://127\.0\.0\.1:\d+/connect/oauth2/authorize \(scope snsapi_userinfo\)$`, lines[1])
	assert.Regexp(t, `^2\. Alice \(o\S{27}\) consented on the simulator, which sends the browser back to /auth/wechat/callback with a code$`, lines[2])
	assert.Regexp(t, `^3\. the callback logged the user in and redirected to /hello: "Hello, Alice \(o\S{27}\)!"$`, lines[3])
	assert.Regexp(t, `^4\. GET /: the session cookie keeps o\S{27} logged in$`, lines[4])
	assert.Equal(t, "smoke test passed", lines[5])
}

func TestSmokeIgnoresTheEnvironment(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	cfg := config{AppID: "wxREAL", AppSecret: "REAL_SECRET", BaseURL: "http://127.0.0.1:1", Smoke: true}
	require.NoError(t, realMain(context.Background(), cfg, &out, &errOut))
	assert.Contains(t, errOut.String(), "-smoke ignores the WECHAT_* environment")
	assert.Contains(t, out.String(), "smoke test passed")
	assert.NotContains(t, out.String()+errOut.String(), "REAL_SECRET")
}

func TestSmokeLoginFailures(t *testing.T) {
	t.Parallel()
	s, err := sim.Start(sim.Options{})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	user := s.NewUser("Alice")
	ctx := context.Background()

	noRedirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(noRedirect.Close)
	err = smokeLogin(ctx, noRedirect.URL, s, user, io.Discard)
	assert.ErrorContains(t, err, "without a redirect")

	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://open.weixin.qq.com/connect/oauth2/authorize?appid=x", http.StatusFound)
	}))
	t.Cleanup(elsewhere.Close)
	err = smokeLogin(ctx, elsewhere.URL, s, user, io.Discard)
	assert.ErrorContains(t, err, "not to the simulator's authorization page")

	badAppID := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, s.URL+"/connect/oauth2/authorize?appid=wxOTHER&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb&response_type=code&scope=snsapi_base&state=s#wechat_redirect", http.StatusFound)
	}))
	t.Cleanup(badAppID.Close)
	err = smokeLogin(ctx, badAppID.URL, s, user, io.Discard)
	assert.ErrorContains(t, err, "authorizing as Alice")
}

// TestServeAgainstSimulator runs the site as a browser would use it with no
// environment: /login leads to the simulator's authorization page, which
// offers the simulated user.
func TestServeAgainstSimulator(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var errOut bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- realMain(ctx, config{Addr: "127.0.0.1:0"}, pw, &errOut)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	require.True(t, lines.Scan())
	require.Regexp(t, `^simulator: http://127\.0\.0\.1:\d+ \(its authorization page lets the browser pick the WeChat user Alice and consent\)$`, lines.Text())
	simURL := strings.Fields(lines.Text())[1]
	require.True(t, lines.Scan())
	require.Regexp(t, `^listening on 127\.0\.0\.1:\d+; open http://127\.0\.0\.1:\d+/$`, lines.Text())
	site := strings.TrimSuffix(strings.Fields(lines.Text())[4], "/")
	go func() { _, _ = io.Copy(io.Discard, pr) }()

	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(site + "/login?next=/hello")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc := resp.Header.Get("Location")
	assert.True(t, strings.HasPrefix(loc, simURL+"/connect/oauth2/authorize?appid="+sim.DefaultAppID+"&"), loc)

	resp, err = http.Get(loc)
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(page), "Alice")

	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("realMain did not stop")
	}
	assert.Equal(t, simNotice+"\n", errOut.String())
}
