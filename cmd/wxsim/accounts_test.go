package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/syncbuf"
	"github.com/wxkit/mp/message"
	"github.com/wxkit/mp/sim"
)

// accountBot is the bot of one account (its AppID in safe mode): it
// answers a text with "B: " and the text, and a subscription with
// "welcome to B", and records the ToUserName (the account's original ID)
// of every push it reads.
func accountBot(t *testing.T, acct sim.Account, safe bool) (*httptest.Server, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var to []string
	record := func(m message.Message) {
		mu.Lock()
		to = append(to, m.MessageHeader().ToUserName)
		mu.Unlock()
	}
	r := message.NewRouter()
	r.Handle(message.MsgTypeText, func(_ context.Context, m message.Message) (message.Reply, error) {
		record(m)
		return message.TextReply{Content: "B: " + m.(*message.Text).Content}, nil
	})
	r.Event(message.EventSubscribe, func(_ context.Context, m message.Message) (message.Reply, error) {
		record(m)
		return message.TextReply{Content: "welcome to B"}, nil
	})
	cfg := message.Config{AppID: acct.AppID, Token: acct.Token}
	if safe {
		cfg.EncodingAESKey = acct.EncodingAESKey
	}
	srv, err := message.NewServer(cfg, r)
	require.NoError(t, err)
	bot := httptest.NewServer(srv)
	t.Cleanup(bot.Close)
	return bot, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), to...) }
}

// openStream opens the Server-Sent Events of path.
func (e *testEnv) openStream(t *testing.T, ctx context.Context, path string) *bufio.Reader {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, "GET", e.URL+path, nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	require.Equal(t, http.StatusOK, resp.StatusCode)
	return bufio.NewReader(resp.Body)
}

// Two accounts behind one control API: account=APPID selects one for every
// endpoint; followers, callback URLs and event streams are the account's.
func TestAccountsAPI(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{safe: true, noPay: true, accounts: 2})
	b := e.sim.Accounts()[1]
	bID := b.Account().AppID
	require.Equal(t, "wx51a0de0000000002", bID)
	q := "?account=" + bID
	botB, pushedToB := accountBot(t, b.Account(), true)

	// B's callback URL is B's; A's is unchanged.
	var cb map[string]any
	require.Equal(t, http.StatusOK, e.call(t, "PUT", "/sim/api/callback"+q, map[string]string{"url": botB.URL + "/wechat"}, &cb))
	assert.Equal(t, map[string]any{"url": botB.URL + "/wechat", "safe_mode": true, "appid": bID}, cb)
	assert.Equal(t, botB.URL+"/wechat", b.CallbackURL())
	assert.Equal(t, e.bot.URL+"/wechat", e.sim.CallbackURL())

	// The event streams of both accounts, open before anything happens.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	streamA := e.openStream(t, ctx, "/sim/api/events")
	streamB := e.openStream(t, ctx, "/sim/api/events"+q)

	// A follower of B pushes to B's bot, as B (its original ID, its key).
	var r actionResponse
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Bob/follow"+q, nil, &r))
	require.NotNil(t, r.Reply)
	assert.Equal(t, "welcome to B", r.Reply.Content)
	bob := r.OpenID
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Bob/text"+q, map[string]string{"content": "hi"}, &r))
	require.NotNil(t, r.Reply)
	assert.Equal(t, "B: hi", r.Reply.Content)
	assert.Equal(t, []string{b.Account().OriginalID, b.Account().OriginalID}, pushedToB())

	// Bob is B's: not listed on A, unknown there.
	var list []followerJSON
	require.Equal(t, http.StatusOK, e.call(t, "GET", "/sim/api/followers"+q, nil, &list))
	require.Len(t, list, 1)
	assert.Equal(t, bob, list[0].OpenID)
	require.Equal(t, http.StatusOK, e.call(t, "GET", "/sim/api/followers", nil, &list))
	assert.Empty(t, list)
	var apiErr apiError
	assert.Equal(t, http.StatusNotFound, e.call(t, "POST", "/sim/api/followers/Bob/text", map[string]string{"content": "hi"}, &apiErr))
	assert.Equal(t, "unknown_user", apiErr.Code)
	assert.Empty(t, e.sim.Users())

	// A's follower talks to A's bot.
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Alice/follow", nil, &r))
	assert.Equal(t, "welcome", r.Reply.Content)
	alice := r.OpenID

	// Each stream has its account's conversation only.
	itemsB := readSSE(t, streamB, 4)
	for _, it := range itemsB {
		assert.Equal(t, bob, it.OpenID)
	}
	assert.Equal(t, []string{"subscribe", "welcome to B", "hi", "B: hi"}, []string{itemsB[0].Event, itemsB[1].Text, itemsB[2].Text, itemsB[3].Text})
	itemsA := readSSE(t, streamA, 2)
	assert.Equal(t, []string{alice, alice}, []string{itemsA[0].OpenID, itemsA[1].OpenID}, "B's items are not in A's stream")
	// The inbox and the polled events too.
	var items []chatItem
	require.Equal(t, http.StatusOK, e.call(t, "GET", "/sim/api/followers/"+bob+"/inbox"+q, nil, &items))
	assert.Len(t, items, 5) // with the quiet user_created
	require.Equal(t, http.StatusOK, e.call(t, "GET", "/sim/api/events", nil, &items))
	for _, it := range items {
		assert.NotEqual(t, bob, it.OpenID)
	}

	// Info says which account is selected and lists both.
	var in info
	require.Equal(t, http.StatusOK, e.call(t, "GET", "/sim/api/info"+q, nil, &in))
	assert.Equal(t, bID, in.Selected)
	assert.Equal(t, bID, in.AppID)
	assert.Equal(t, "gh_51a0de000002", in.OriginalID)
	assert.Equal(t, botB.URL+"/wechat", in.CallbackURL)
	assert.Equal(t, []accountInfo{
		{AppID: sim.DefaultAppID, OriginalID: sim.DefaultOriginalID, CallbackURL: e.bot.URL + "/wechat"},
		{AppID: bID, OriginalID: "gh_51a0de000002", CallbackURL: botB.URL + "/wechat", Selected: true},
	}, in.Accounts)
	assert.NotContains(t, e.raw(t, "/sim/api/info"+q), b.Account().AppSecret)

	// The menu is the account's: B's bot creates one, A has none.
	e.platformAs(t, b, "/cgi-bin/menu/create", `{"button":[{"type":"click","name":"B","key":"b-key"}]}`)
	var m menuJSON
	require.Equal(t, http.StatusOK, e.call(t, "GET", "/sim/api/menu"+q, nil, &m))
	require.Len(t, m.Button, 1)
	assert.Equal(t, "b-key", m.Button[0].Key)
	require.Equal(t, http.StatusOK, e.call(t, "GET", "/sim/api/menu", nil, &m))
	assert.Empty(t, m.Button)

	// An unknown account is a 404 of every endpoint.
	for _, c := range []struct{ method, path string }{
		{"GET", "/sim/api/info"}, {"GET", "/sim/api/followers"}, {"POST", "/sim/api/followers/Bob/text"},
		{"GET", "/sim/api/events"}, {"PUT", "/sim/api/callback"}, {"POST", "/sim/api/component/authorize"},
	} {
		apiErr = apiError{}
		assert.Equal(t, http.StatusNotFound, e.call(t, c.method, c.path+"?account=wx_nobody", `{"content":"x","url":""}`, &apiErr), c.path)
		assert.Equal(t, "unknown_account", apiErr.Code, c.path)
		assert.Contains(t, apiErr.Error, `"wx_nobody"`)
	}
}

// platformAs calls the simulated platform's API with a token of account s.
func (e *testEnv) platformAs(t *testing.T, s *sim.Sim, path string, body string) {
	t.Helper()
	acct := s.Account()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, e.app.internalCall("/cgi-bin/stable_token",
		[]byte(`{"grant_type":"client_credential","appid":"`+acct.AppID+`","secret":"`+acct.AppSecret+`"}`), &tok))
	require.NotEmpty(t, tok.AccessToken)
	var out map[string]any
	require.NoError(t, e.app.internalCall(path+"?access_token="+tok.AccessToken, []byte(body), &out))
	require.EqualValues(t, 0, out["errcode"], "%s: %v", path, out)
}

// The operator authorizes the third-party platform for the account named.
func TestAccountsComponent(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{noBot: true, noPay: true, accounts: 2})
	b := e.sim.Accounts()[1]
	srv, pushes := platformPushes(t, http.StatusOK)
	require.NoError(t, e.sim.ConfigureComponent(sim.ComponentOptions{CallbackURL: srv.URL + "/ticket"}))

	var out componentAnswer
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/component/authorize?account="+b.Account().AppID, nil, &out))
	assert.NotEmpty(t, out.AuthCode)
	assert.True(t, b.ComponentAuthorized())
	assert.False(t, e.sim.ComponentAuthorized())
	assert.Equal(t, []string{"authorized"}, pushes())
	var in info
	require.Equal(t, http.StatusOK, e.call(t, "GET", "/sim/api/info", nil, &in))
	assert.Equal(t, []bool{false, true}, []bool{in.Accounts[0].ComponentAuthorized, in.Accounts[1].ComponentAuthorized})

	code, stdout, errs := e.wxsim(t, "component", "authorize")
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, stdout, "auth_code:")
	assert.True(t, e.sim.ComponentAuthorized())
	code, _, errs = e.wxsim(t, "component", "revoke", "--account", b.Account().AppID)
	require.Equal(t, exitOK, code, errs)
	assert.False(t, b.ComponentAuthorized())
	assert.True(t, e.sim.ComponentAuthorized())
}

func TestAccountsCommands(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{accounts: 2, noPay: true})
	b := e.sim.Accounts()[1]
	bID := b.Account().AppID
	botB, pushedToB := accountBot(t, b.Account(), false)

	// B has no callback yet: the follow is done but nothing is pushed.
	code, out, errs := e.wxsim(t, "follow", "--account", bID, "--user", "Bob")
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "Bob (")
	assert.Contains(t, out, "warning: no callback URL is set")

	code, out, errs = e.wxsim(t, "callback", "--account", bID)
	require.Equal(t, exitOK, code, errs)
	assert.Equal(t, bID+": no callback URL (nothing is pushed)\n", out)
	code, out, errs = e.wxsim(t, "callback", botB.URL+"/wechat", "--account", bID)
	require.Equal(t, exitOK, code, errs)
	assert.Equal(t, bID+": pushing to "+botB.URL+"/wechat, plaintext (明文模式)\n", out)
	assert.Equal(t, botB.URL+"/wechat", b.CallbackURL())
	code, out, _ = e.wxsim(t, "callback")
	assert.Equal(t, exitOK, code)
	assert.Equal(t, sim.DefaultAppID+": pushing to "+e.bot.URL+"/wechat, plaintext (明文模式)\n", out)
	code, _, _ = e.wxsim(t, "callback", "ftp://x")
	assert.Equal(t, exitUsage, code)

	// --account before the subcommand works too.
	code, out, errs = e.wxsim(t, "--account", bID, "send", "--user", "Bob", "hello")
	require.Equal(t, exitOK, code, errs)
	assert.Equal(t, labelPassive+"B: hello\n", out)
	assert.Equal(t, []string{"gh_51a0de000002"}, pushedToB())

	code, out, _ = e.wxsim(t, "users", "--account", bID)
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "Bob\t")
	code, out, _ = e.wxsim(t, "users")
	assert.Equal(t, exitOK, code)
	assert.NotContains(t, out, "Bob")
	code, _, errs = e.wxsim(t, "send", "--user", "Bob", "hello")
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, errs, "unknown_user")

	code, out, errs = e.wxsim(t, "inbox", "--user", "Bob", "--account", bID)
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "Bob: hello")
	assert.Contains(t, out, "公众号: B: hello")

	code, _, errs = e.wxsim(t, "users", "--account", "wx_nobody")
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, errs, "(unknown_account)")

	// $WXSIM_ACCOUNT is the default.
	var sout, serr bytes.Buffer
	getenv := func(k string) string {
		return map[string]string{"WXSIM_URL": e.URL, "WXSIM_ACCOUNT": bID}[k]
	}
	require.Equal(t, exitOK, run(context.Background(), []string{"users"}, &sout, &serr, getenv), serr.String())
	assert.Contains(t, sout.String(), "Bob\t")
}

func TestHoistGlobalFlags(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"--sim U send x", "send --sim U x"},
		{"--sim=U send x", "send --sim=U x"},
		{"--account A send x", "send --account A x"},
		{"--sim U --account=A users", "users --sim U --account=A"},
		{"--account A", "--account A"},                           // serve: one more account
		{"--account A --accounts 3", "--account A --accounts 3"}, // serve
		{"--account A --account B", "--account A --account B"},   // serve
		{"--addr X", "--addr X"},
		{"send --account A", "send --account A"},
	} {
		assert.Equal(t, c.want, strings.Join(hoistSimFlag(strings.Fields(c.in)), " "), c.in)
	}
}

func TestParseServeAccounts(t *testing.T) {
	t.Parallel()
	c, err := parseServe([]string{"--accounts", "3"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 3, c.Accounts)
	assert.Empty(t, c.MoreAccounts)
	c, err = parseServe([]string{"--account", "wxshop:s3cr3t", "--account", "wxcafe"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 3, c.Accounts)
	assert.Equal(t, []accountSpec{{AppID: "wxshop", AppSecret: "s3cr3t"}, {AppID: "wxcafe"}}, c.MoreAccounts)
	assert.Equal(t, "wxshop,wxcafe", (*accountList)(&c.MoreAccounts).String(), "never the secret")
	c, err = parseServe([]string{"--account", "wxshop", "--accounts", "4"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 4, c.Accounts)
	for _, bad := range [][]string{{"--accounts", "0"}, {"--accounts", "101"}, {"--account", ""}, {"--account", "wx shop"},
		{"--account", "wx:"}, {"--account", "wx:a:b"}} {
		_, err := parseServe(bad, io.Discard)
		assert.Error(t, err, bad)
	}
}

// wxsim --accounts 3 --account wxshop:SECRET: the banner lists every
// account, the control API and the page serve all three.
func TestServeAccounts(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncbuf.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--pay=false", "--plaintext", "--accounts", "3",
			"--account", "wxshop0000000001:shopsecret"}, &stdout, &stderr, os.Getenv)
	}()
	waitFor(t, 30*time.Second, "the banner", func() bool { return strings.Contains(stdout.String(), "Press Ctrl+C") })
	out := stdout.String()
	for _, want := range []string{
		"WECHAT_APPID=" + sim.DefaultAppID + "\n",
		"WECHAT_APPSECRET=" + sim.DefaultAppSecret + "\n",
		"Official Account credentials (account 1 of 3, the default one)",
		"2 more Official Accounts at the same address",
		"# account 2, original ID gh_51a0de000002 (原始ID), callback none yet: wxsim callback --account wxshop0000000001 URL\n" +
			"WECHAT_APPID=wxshop0000000001\nWECHAT_APPSECRET=shopsecret\n",
		"# account 3, original ID gh_51a0de000003 (原始ID), callback none yet: wxsim callback --account wx51a0de0000000003 URL\n" +
			"WECHAT_APPID=wx51a0de0000000003\nWECHAT_APPSECRET=51a0de00000000000000000000000003\n",
	} {
		assert.Contains(t, out, want)
	}
	base := ""
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(line, "WECHAT_BASE_URL="); ok {
			base = v
		}
	}
	var in info
	require.NoError(t, getJSON(base+"/sim/api/info?account=wx51a0de0000000003", &in))
	assert.Equal(t, "wx51a0de0000000003", in.Selected)
	require.Len(t, in.Accounts, 3)
	assert.Equal(t, "wxshop0000000001", in.Accounts[1].AppID)
	assert.False(t, in.SafeMode, "--plaintext applies to every account")

	var b, eb bytes.Buffer
	code := run(context.Background(), []string{"follow", "--user", "Zoe", "--sim", base, "--account", "wxshop0000000001"}, &b, &eb, os.Getenv)
	require.Equal(t, exitOK, code, eb.String())
	require.NoError(t, getJSON(base+"/sim/api/followers?account=wxshop0000000001", &[]followerJSON{}))
	cancel()
	select {
	case c := <-done:
		assert.Equal(t, exitOK, c, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}

	// A duplicate AppID is refused at start.
	var errb bytes.Buffer
	code = run(context.Background(), []string{"--addr", "127.0.0.1:0", "--pay=false", "--account", sim.DefaultAppID}, io.Discard, &errb, os.Getenv)
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, errb.String(), "--account "+sim.DefaultAppID)
}

// With several accounts, each line of the activity log names the account
// of the follower.
func TestLogAllActivityNamesAccounts(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{noPay: true, accounts: 2})
	b := e.sim.Accounts()[1]
	botB, _ := accountBot(t, b.Account(), false)
	b.SetCallbackURL(botB.URL + "/wechat")
	var out syncbuf.Buffer
	stop := logAllActivity(e.sim, &out)
	ctx := context.Background()
	_, err := e.sim.NewUser("Alice").Follow(ctx)
	require.NoError(t, err)
	_, err = b.NewUser("Bob").Follow(ctx)
	require.NoError(t, err)
	stop() // the lines already emitted are written before it returns
	got := out.String()
	assert.Contains(t, got, "push   Alice@"+sim.DefaultOriginalID+" → bot: event subscribe")
	assert.Contains(t, got, "reply  bot → Bob@gh_51a0de000002: passive reply (被动回复) text welcome to B")
	assert.Equal(t, 4, strings.Count(got, "\n"), got)
}

// BenchmarkControlAPIAccount measures a control-API request that names an
// account (GET /sim/api/menu?account=APPID of the second of two accounts)
// against the same request of the default account and a stdlib floor (a
// ServeMux answering the same JSON).
func BenchmarkControlAPIAccount(b *testing.B) {
	s, err := sim.NewHandler(sim.Options{BaseURL: "http://127.0.0.1:1"})
	require.NoError(b, err)
	defer s.Close()
	second, err := s.AddAccount(sim.Options{})
	require.NoError(b, err)
	a := newApp(s, nil, "", nil)
	defer a.close()
	h := a.handler()
	floor := http.NewServeMux()
	floor.HandleFunc("GET /sim/api/menu", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"button": []sim.Button{}})
	})
	for _, c := range []struct {
		name string
		h    http.Handler
		path string
	}{
		{"floor", floor, "/sim/api/menu"},
		{"first", h, "/sim/api/menu"},
		{"second", h, "/sim/api/menu?account=" + second.Account().AppID},
	} {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", c.path, nil)
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				c.h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}

// An account added to the simulator after the program started is served
// too (its feed starts when the control API first meets it).
func TestAccountsAddedLater(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{noPay: true, noBot: true})
	c, err := e.sim.AddAccount(sim.Options{AppID: "wx_later", OriginalID: "gh_later"})
	require.NoError(t, err)
	var in info
	require.Equal(t, http.StatusOK, e.call(t, "GET", "/sim/api/info", nil, &in))
	require.Len(t, in.Accounts, 2)
	assert.Equal(t, "gh_later", in.Accounts[1].OriginalID)
	var r actionResponse
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Cy/follow?account=wx_later", nil, &r))
	require.Len(t, c.Users(), 1)
	var items []chatItem
	require.Equal(t, http.StatusOK, e.call(t, "GET", "/sim/api/events?account=wx_later", nil, &items))
	assert.NotEmpty(t, items)
	assert.Empty(t, e.sim.Users())
}
