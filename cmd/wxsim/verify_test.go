package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/syncbuf"
	"github.com/wxkit/mp/sim"
)

// eventually polls cond (the watcher runs in the background) for up to 10 s.
func eventually(t *testing.T, cond func() bool, msg string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(msg)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// The bot starts after wxsim and first gets its GET handling wrong: the
// developer is told each problem once, and told again when it passes.
// The listener stays ours for the whole test (closing it and listening again
// on the same port raced with parallel tests that took the freed port): in
// the first phase it drops every connection unanswered, as a bot that is not
// up yet looks to WeChat.
func TestWatchCallbackBotStartsLater(t *testing.T) {
	t.Parallel()
	const (
		down = iota
		wrongGET
		correct
	)
	var mu sync.Mutex
	phase := down
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		p := phase
		mu.Unlock()
		switch p {
		case down:
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					_ = c.Close()
				}
			}
		case wrongGET:
			_, _ = io.WriteString(w, "success")
		default:
			_, _ = io.WriteString(w, r.URL.Query().Get("echostr"))
		}
	}))
	t.Cleanup(bot.Close)
	setPhase := func(p int) { mu.Lock(); phase = p; mu.Unlock() }

	s, err := sim.NewHandler(sim.Options{CallbackURL: bot.URL + "/wechat", ReplyTimeout: 2 * time.Second})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	var out syncbuf.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		watchCallback(ctx, s, &out, time.Millisecond, 20*time.Millisecond)
		close(done)
	}()
	t.Cleanup(func() { cancel(); <-done })
	eventually(t, func() bool { return strings.Contains(out.String(), "not reachable yet") }, "no 'not reachable' notice: "+out.String())

	setPhase(wrongGET)
	eventually(t, func() bool { return strings.Contains(out.String(), "FAILS WeChat's URL verification") }, "no failure notice: "+out.String())
	assert.Equal(t, 1, strings.Count(out.String(), "FAILS"), "each problem is said once: "+out.String())
	assert.Contains(t, out.String(), "want the echostr")

	setPhase(correct)
	eventually(t, func() bool {
		select {
		case <-done:
			return true
		default:
			return false
		}
	}, "the watcher did not stop once the bot passed")
	assert.Contains(t, out.String(), "now passes URL verification")
}

func TestWatchCallbackPassesAtOnce(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{noPay: true})
	var out syncbuf.Buffer
	watchCallback(context.Background(), e.sim, &out, time.Millisecond, time.Millisecond)
	assert.Contains(t, out.String(), "passes URL verification")
	assert.NotContains(t, out.String(), "WARNING")

	out = syncbuf.Buffer{}
	e.sim.SetCallbackURL("")
	watchCallback(context.Background(), e.sim, &out, time.Millisecond, time.Millisecond)
	assert.Empty(t, out.String(), "nothing to check without --forward-to")
}

// A follower action towards a bot that fails URL verification says so.
func TestAPIActionURLVerificationFails(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{noPay: true})
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			http.NotFound(w, r)
			return
		}
		_, _ = io.WriteString(w, "success")
	}))
	t.Cleanup(bot.Close)
	e.sim.SetCallbackURL(bot.URL)
	var r actionResponse
	require.Equal(t, http.StatusBadGateway, e.call(t, "POST", "/sim/api/followers/Ann/follow", nil, &r))
	assert.False(t, r.Pushed)
	assert.Contains(t, r.Warning, "URL verification")
	assert.Contains(t, r.Warning, "HTTP 404")
}

// The control API takes a QR scene as a number as well as a string.
func TestAPIQRSceneNumber(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{noPay: true})
	var r actionResponse
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Num/follow", `{"scene":77}`, &r))
	assert.Equal(t, "welcome", r.Reply.Content)
	_, ok := e.sim.QRCodeTicket("77")
	assert.True(t, ok)
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Num/scan", `{"scene": 77, "content": "x"}`, nil))
	var ae apiError
	require.Equal(t, http.StatusBadRequest, e.call(t, "POST", "/sim/api/followers/Num/scan", `{"scene":-1}`, &ae))
	require.Equal(t, http.StatusBadRequest, e.call(t, "POST", "/sim/api/followers/Num/scan", `{"scene":1.5}`, &ae))
	require.Equal(t, http.StatusBadRequest, e.call(t, "POST", "/sim/api/followers/Num/scan", `{"scene":[1]}`, &ae))
	var q actionRequest
	require.NoError(t, q.UnmarshalJSON([]byte(`{"scene":null,"key":"k"}`)))
	assert.Equal(t, actionRequest{Key: "k"}, q)
}

// The account rules are flags of wxsim serve.
func TestServeAccountFlags(t *testing.T) {
	t.Parallel()
	_, err := parseServe([]string{"--account-type", "enterprise"}, io.Discard)
	require.Error(t, err)
	cfg, err := parseServe([]string{"--addr", "127.0.0.1:0", "--pay=false", "--account-type", "subscription", "--unverified",
		"--linked-miniprograms", "wxa, wxb"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "subscription", cfg.AccountType)
	assert.True(t, cfg.Unverified)
	srv, err := startServer(cfg, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.shutdown() })
	acct := srv.sim.Account()
	resp, err := http.Get(srv.url + "/cgi-bin/token?grant_type=client_credential&appid=" + acct.AppID + "&secret=" + acct.AppSecret)
	require.NoError(t, err)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tok))
	resp.Body.Close()
	resp, err = http.Get(srv.url + "/cgi-bin/user/get?access_token=" + tok.AccessToken)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(body), `"errcode":48001`)
}
