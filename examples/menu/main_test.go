package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/menu"
	"github.com/wxkit/mp/sim"
)

// fakeWeChat is a minimal stand-in for the WeChat API: it hands out a
// stable access_token, stores the menu that menu/create receives and
// returns it from menu/get the way WeChat does (each leaf with an empty
// sub_button list).
type fakeWeChat struct {
	t    *testing.T
	mu   sync.Mutex
	menu json.RawMessage
}

func (f *fakeWeChat) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; encoding=utf-8")
	body, _ := io.ReadAll(r.Body)
	switch r.URL.Path {
	case "/cgi-bin/stable_token":
		assert.Equal(f.t, http.MethodPost, r.Method)
		assert.JSONEq(f.t, `{"grant_type":"client_credential","appid":"wxexample","secret":"SECRET"}`, string(body))
		_, _ = io.WriteString(w, `{"access_token":"TOKEN","expires_in":7200}`)
	case "/cgi-bin/menu/create":
		assert.Equal(f.t, http.MethodPost, r.Method)
		assert.Equal(f.t, "TOKEN", r.URL.Query().Get("access_token"))
		var m struct {
			Button []map[string]any `json:"button"`
		}
		if !assert.NoError(f.t, json.Unmarshal(body, &m)) {
			return
		}
		for _, b := range m.Button {
			if _, ok := b["sub_button"]; !ok {
				b["sub_button"] = []any{}
			}
		}
		f.mu.Lock()
		f.menu, _ = json.Marshal(map[string]any{"menu": m})
		f.mu.Unlock()
		_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
	case "/cgi-bin/menu/get":
		assert.Equal(f.t, http.MethodGet, r.Method)
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.menu == nil {
			_, _ = io.WriteString(w, `{"errcode":46003,"errmsg":"menu no exist"}`)
			return
		}
		_, _ = w.Write(f.menu)
	default:
		http.NotFound(w, r)
	}
}

func newClient(t *testing.T, h http.Handler) *mp.Client {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := mp.New(mp.Config{AppID: "wxexample", AppSecret: "SECRET"}, mp.WithHost(srv.URL))
	require.NoError(t, err)
	return c
}

func TestRun(t *testing.T) {
	t.Parallel()
	fake := &fakeWeChat{t: t}
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), newClient(t, fake), &out))
	assert.Equal(t, `menu created
current menu:
- Hello [click key=hello]
- 官网 [view url=https://github.com/wxkit/mp]
- 更多 (2 sub-buttons)
  - 关于我们 [click key=about]
  - 帮助 [view url=https://github.com/wxkit/mp#readme]
`, out.String())
	fake.mu.Lock()
	defer fake.mu.Unlock()
	assert.JSONEq(t, `{"menu":{"button":[
		{"type":"click","name":"Hello","key":"hello","sub_button":[]},
		{"type":"view","name":"官网","url":"https://github.com/wxkit/mp","sub_button":[]},
		{"name":"更多","sub_button":[
			{"type":"click","name":"关于我们","key":"about"},
			{"type":"view","name":"帮助","url":"https://github.com/wxkit/mp#readme"}]}]}}`, string(fake.menu))
}

func TestRunReportsAPIErrors(t *testing.T) {
	t.Parallel()
	c := newClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/cgi-bin/stable_token" {
			_, _ = io.WriteString(w, `{"access_token":"TOKEN","expires_in":7200}`)
			return
		}
		_, _ = io.WriteString(w, `{"errcode":48001,"errmsg":"api unauthorized rid: 1-2-3"}`)
	}))
	var out bytes.Buffer
	err := run(context.Background(), c, &out)
	require.Error(t, err)
	assert.True(t, mp.IsCode(err, mp.CodeAPIUnauthorized))
	assert.Contains(t, err.Error(), "creating the menu")
	assert.Empty(t, out.String())
}

func TestExampleMenuIsValid(t *testing.T) {
	t.Parallel()
	require.NoError(t, menu.Validate(exampleMenu()))
}

func TestClientFromEnv(t *testing.T) {
	t.Parallel()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

	c, err := clientFromEnv(env(nil))
	require.NoError(t, err)
	assert.Nil(t, c, "unset: print usage")
	c, err = clientFromEnv(env(map[string]string{"WECHAT_APPID": "wx1"}))
	require.NoError(t, err)
	assert.Nil(t, c, "no secret: print usage")

	c, err = clientFromEnv(env(map[string]string{"WECHAT_APPID": "wx1", "WECHAT_APPSECRET": "s"}))
	require.NoError(t, err)
	assert.Equal(t, mp.DefaultBaseURL, c.BaseURL())
	assert.Equal(t, "wx1", c.AppID())

	c, err = clientFromEnv(env(map[string]string{"WECHAT_APPID": "wx1", "WECHAT_APPSECRET": "s", "WECHAT_BASE_URL": "http://127.0.0.1:8080/"}))
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:8080", c.BaseURL())
	assert.Equal(t, "http://127.0.0.1:8080", c.OpenBaseURL())

	_, err = clientFromEnv(env(map[string]string{"WECHAT_APPID": "wx1", "WECHAT_APPSECRET": "s", "WECHAT_BASE_URL": "not a url"}))
	require.Error(t, err)
}

// wantMenu is what run prints for exampleMenu.
const wantMenu = `menu created
current menu:
- Hello [click key=hello]
- 官网 [view url=https://github.com/wxkit/mp]
- 更多 (2 sub-buttons)
  - 关于我们 [click key=about]
  - 帮助 [view url=https://github.com/wxkit/mp#readme]
`

// TestRealMainAgainstBuiltInSimulator runs the whole program with no
// environment: it starts the simulator in process, creates the menu there
// and prints it back.
func TestRealMainAgainstBuiltInSimulator(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	code := realMain(context.Background(), func(string) string { return "" }, &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	assert.Equal(t, simNotice+"\n", errOut.String())
	assert.Equal(t, wantMenu, out.String())
}

// TestRunAgainstSimulator checks the simulator itself stores the menu
// the example creates, as a follower would see it.
func TestRunAgainstSimulator(t *testing.T) {
	t.Parallel()
	s, err := sim.Start(sim.Options{})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	acct := s.Account()
	c, err := mp.New(mp.Config{AppID: acct.AppID, AppSecret: acct.AppSecret}, mp.WithHost(s.URL))
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), c, &out))
	assert.Equal(t, wantMenu, out.String())
	got := s.Menu()
	require.Len(t, got, 3)
	assert.Equal(t, sim.Button{Type: "click", Name: "Hello", Key: "hello"}, got[0])
	assert.Equal(t, "https://github.com/wxkit/mp", got[1].URL)
	require.Len(t, got[2].SubButton, 2)
	assert.Equal(t, "about", got[2].SubButton[0].Key)
}

func TestRealMainPartialEnvironment(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	env := map[string]string{"WECHAT_APPID": "wx1"}
	code := realMain(context.Background(), func(k string) string { return env[k] }, &out, &errOut)
	assert.Equal(t, 0, code)
	assert.Equal(t, usage+"\n", out.String())
	assert.Empty(t, errOut.String())

	env = map[string]string{"WECHAT_APPID": "wx1", "WECHAT_APPSECRET": "s", "WECHAT_BASE_URL": "not a url"}
	out.Reset()
	code = realMain(context.Background(), func(k string) string { return env[k] }, &out, &errOut)
	assert.Equal(t, 1, code)
	assert.Empty(t, out.String())
	assert.Contains(t, errOut.String(), "menu:")
}
