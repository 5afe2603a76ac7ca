package main

import (
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
