package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/message"
	"github.com/wxkit/mp/sim"
	"github.com/wxkit/mp/sim/paysim"
)

// testKeys are generated once: RSA-2048 generation is slow under -race.
var testKeys = sync.OnceValues(func() (*payKeys, error) {
	k := &payKeys{}
	if err := k.generate(); err != nil {
		return nil, err
	}
	return k, nil
})

// BadReply is the text that makes the fake bot answer garbage.
const badReplyText = "please answer badly"

// newFakeBot is a small bot built on package message: it echoes texts,
// welcomes subscribers, answers the click of "hello" with "你好！", "news"
// with a news reply and badReplyText with something that is not XML.
func newFakeBot(t *testing.T, safe bool) *httptest.Server {
	t.Helper()
	r := message.NewRouter()
	r.Handle(message.MsgTypeText, func(ctx context.Context, m message.Message) (message.Reply, error) {
		c := m.(*message.Text).Content
		if c == badReplyText {
			if bad, ok := ctx.Value(badKey{}).(*atomic.Bool); ok {
				bad.Store(true)
			}
			return message.TextReply{Content: "ignored"}, nil
		}
		if c == "news" {
			return message.NewsReply{Articles: []message.Article{{Title: "Title", Description: "Desc", PicURL: "http://127.0.0.1/p.png", URL: "http://127.0.0.1/a"}}}, nil
		}
		return message.TextReply{Content: c}, nil
	})
	r.Event(message.EventSubscribe, func(context.Context, message.Message) (message.Reply, error) {
		return message.TextReply{Content: "welcome"}, nil
	})
	r.EventKey(message.EventClick, "hello", func(context.Context, message.Message) (message.Reply, error) {
		return message.TextReply{Content: "你好！"}, nil
	})
	cfg := message.Config{AppID: sim.DefaultAppID, Token: sim.DefaultToken}
	if safe {
		cfg.EncodingAESKey = sim.DefaultEncodingAESKey
	}
	srv, err := message.NewServer(cfg, r)
	require.NoError(t, err)
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		bad := &atomic.Bool{}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req.WithContext(context.WithValue(req.Context(), badKey{}, bad)))
		if bad.Load() {
			_, _ = w.Write([]byte("this is not xml"))
			return
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(bot.Close)
	return bot
}

type badKey struct{}

// testEnv is an app served by httptest with a fake bot behind it.
type testEnv struct {
	app  *app
	sim  *sim.Sim
	pay  *paysim.Platform
	keys *payKeys
	srv  *httptest.Server
	bot  *httptest.Server
	URL  string
}

type envOptions struct {
	safe  bool
	noPay bool
	noBot bool
	// accounts, when above 1, makes the simulator host that many accounts
	// (the others with numbered defaults and no callback URL).
	accounts int
}

func newTestEnv(t *testing.T, o envOptions) *testEnv {
	t.Helper()
	e := &testEnv{}
	e.srv = httptest.NewUnstartedServer(nil)
	e.URL = "http://" + e.srv.Listener.Addr().String()
	opts := sim.Options{BaseURL: e.URL, SafeMode: o.safe, ReplyTimeout: 3 * time.Second}
	if !o.noBot {
		e.bot = newFakeBot(t, o.safe)
		opts.CallbackURL = e.bot.URL + "/wechat"
	}
	mchid := ""
	if !o.noPay {
		keys, err := testKeys()
		require.NoError(t, err)
		e.keys = keys
		e.pay, err = paysim.New(paysim.Options{
			Merchants:   []paysim.Merchant{keys.Merchant.Merchant},
			PlatformKey: keys.PlatformKey, PublicKeyKey: keys.PublicKeyKey, PublicKeyID: keys.PublicKeyID,
			BaseURL: e.URL, NotifyRetryDelays: []time.Duration{},
		})
		require.NoError(t, err)
		opts.Pay = e.pay.Handler()
		mchid = keys.Merchant.MchID
	}
	s, err := sim.NewHandler(opts)
	require.NoError(t, err)
	for i := 1; i < o.accounts; i++ {
		_, err := s.AddAccount(sim.Options{SafeMode: o.safe})
		require.NoError(t, err)
	}
	e.sim = s
	e.app = newApp(s, e.pay, mchid, nil)
	e.app.heartbeat = 50 * time.Millisecond
	e.srv.Config.Handler = e.app.handler()
	e.srv.Start()
	t.Cleanup(func() {
		e.app.close()
		e.srv.Close()
		s.Close()
		if e.pay != nil {
			_ = e.pay.Close()
		}
	})
	return e
}

// call sends a JSON request to the test server and decodes the answer.
func (e *testEnv) call(t *testing.T, method, path string, body any, out any) int {
	t.Helper()
	var rd io.Reader
	if s, ok := body.(string); ok {
		rd = strings.NewReader(s)
	} else if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.URL+path, rd)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if out != nil {
		require.NoError(t, json.Unmarshal(raw, out), "body: %s", raw)
	}
	return resp.StatusCode
}

// token returns a stable access_token of the simulated account.
func (e *testEnv) token(t *testing.T) string {
	t.Helper()
	acct := e.sim.Account()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, e.app.internalCall("/cgi-bin/stable_token",
		[]byte(`{"grant_type":"client_credential","appid":"`+acct.AppID+`","secret":"`+acct.AppSecret+`"}`), &tok))
	require.NotEmpty(t, tok.AccessToken)
	return tok.AccessToken
}

// platform calls the simulated platform's API as a bot would.
func (e *testEnv) platform(t *testing.T, path string, body string) map[string]any {
	t.Helper()
	var out map[string]any
	require.NoError(t, e.app.internalCall(path+"?access_token="+url.QueryEscape(e.token(t)), []byte(body), &out))
	require.EqualValues(t, 0, out["errcode"], "%s: %v", path, out)
	return out
}

// createMenu creates the fake bot's menu: a click button "hello", a view
// button and a sub-menu.
func (e *testEnv) createMenu(t *testing.T) {
	t.Helper()
	e.platform(t, "/cgi-bin/menu/create", `{"button":[
		{"type":"click","name":"Hello","key":"hello"},
		{"type":"view","name":"Profile","url":"http://127.0.0.1:1/profile"},
		{"name":"More","sub_button":[{"type":"click","name":"About","key":"about"},{"type":"view","name":"Site","url":"http://127.0.0.1:1/site"}]}]}`)
}

// merchant returns the simulated merchant (for signing pay requests).
func (e *testEnv) merchant() *paysim.TestMerchant { return e.keys.Merchant }
