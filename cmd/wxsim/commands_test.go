package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/sim"
)

// wxsim runs a command line against the test environment.
func (e *testEnv) wxsim(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string {
		if k == "WXSIM_URL" {
			return e.URL
		}
		return ""
	}
	code = run(context.Background(), args, &out, &errb, getenv)
	return code, out.String(), errb.String()
}

func TestCommandsConversation(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{safe: true})

	code, out, errs := e.wxsim(t, "send", "--user", "Alice", "hello")
	assert.Equal(t, exitFailure, code)
	assert.Empty(t, out)
	assert.Equal(t, "wxsim send: no simulated user \"Alice\": create one by following (wxsim follow --user Alice) (unknown_user)\n", errs)

	code, out, errs = e.wxsim(t, "follow", "--user", "Alice")
	require.Equal(t, exitOK, code, errs)
	f := e.sim.Users()[0]
	assert.Equal(t, "Alice ("+f.OpenID()+") follows the account\n"+labelPassive+"welcome\n", out)

	code, out, _ = e.wxsim(t, "send", "--user", "Alice", "hello", "world")
	assert.Equal(t, exitOK, code)
	assert.Equal(t, labelPassive+"hello world\n", out)

	// Flags after the text, and the openid instead of the name.
	code, out, _ = e.wxsim(t, "send", "你好", "--user", f.OpenID())
	assert.Equal(t, exitOK, code)
	assert.Equal(t, labelPassive+"你好\n", out)

	code, out, _ = e.wxsim(t, "send", "--user", "Alice", "news")
	assert.Equal(t, exitOK, code)
	assert.Equal(t, labelPassive+"news\n  [news 1] Title\n    Desc\n    http://127.0.0.1/a\n    picture: http://127.0.0.1/p.png\n", out)

	code, out, _ = e.wxsim(t, "send", "--user", "Alice", "--location", "39.9,116.4,天安门")
	assert.Equal(t, exitOK, code)
	assert.Equal(t, noPassive+"\n", out)
	code, _, _ = e.wxsim(t, "send", "--user", "Alice", "--image")
	assert.Equal(t, exitOK, code)

	code, out, errs = e.wxsim(t, "send", "--user", "Alice", badReplyText)
	assert.Equal(t, exitFailure, code)
	assert.Equal(t, "Alice sees: "+sim.ServiceUnavailableNotice+"\n", out)
	assert.Contains(t, errs, "wxsim send: the bot's answer was rejected: ")

	code, out, _ = e.wxsim(t, "send", "--user", "Alice", "--json", "hi")
	assert.Equal(t, exitOK, code)
	var resp actionResponse
	require.NoError(t, json.Unmarshal([]byte(out), &resp))
	assert.Equal(t, "hi", resp.Reply.Content)
	assert.Equal(t, f.OpenID(), resp.OpenID)

	code, out, errs = e.wxsim(t, "click", "--user", "Alice", "hello")
	assert.Equal(t, exitFailure, code, "no menu yet")
	assert.Empty(t, out)
	assert.Contains(t, errs, "(no_such_button)")

	code, out, _ = e.wxsim(t, "menu")
	assert.Equal(t, exitOK, code)
	assert.Equal(t, "(no menu: the bot has not created one with menu/create)\n", out)

	e.createMenu(t)
	code, out, _ = e.wxsim(t, "click", "--user", "Alice", "hello")
	assert.Equal(t, exitOK, code)
	assert.Equal(t, labelPassive+"你好！\n", out)
	code, out, _ = e.wxsim(t, "view", "--user", "Alice", "http://127.0.0.1:1/profile")
	assert.Equal(t, exitOK, code)
	assert.Equal(t, noPassive+"\n", out)

	code, out, _ = e.wxsim(t, "menu")
	assert.Equal(t, exitOK, code)
	assert.Equal(t, "Hello (click, key hello)\nProfile (view, http://127.0.0.1:1/profile)\nMore (sub-menu)\n├─ About (click, key about)\n└─ Site (view, http://127.0.0.1:1/site)\n", out)
	code, out, _ = e.wxsim(t, "menu", "--user", "Alice", "--json")
	assert.Equal(t, exitOK, code)
	assert.True(t, strings.HasPrefix(out, `{"button":[{"type":"click","name":"Hello","key":"hello"}`), out)

	code, out, _ = e.wxsim(t, "scan", "--user", "Alice", "42")
	assert.Equal(t, exitOK, code)
	assert.Equal(t, noPassive+"\n", out)
	code, out, _ = e.wxsim(t, "follow", "--user", "Bob", "--scene", "42")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "Bob (")

	code, out, _ = e.wxsim(t, "users")
	assert.Equal(t, exitOK, code)
	assert.Equal(t, fmt.Sprintf("Alice\t%s\tfollowing\nBob\t%s\tfollowing\n", f.OpenID(), e.sim.Users()[1].OpenID()), out)

	code, out, _ = e.wxsim(t, "inbox", "--user", "Alice")
	assert.Equal(t, exitOK, code)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var texts []string
	for _, l := range lines {
		texts = append(texts, l[len("15:04:05  "):])
	}
	assert.Equal(t, []string{
		"* 关注了公众号 / followed", "公众号: welcome",
		"Alice: hello world", "公众号: hello world",
		"Alice: 你好", "公众号: 你好",
		"Alice: news", "公众号: [news] Title http://127.0.0.1/a",
		"Alice: [位置] 天安门", "Alice: [图片]",
		"Alice: " + badReplyText, "! the bot's answer was rejected: safe mode: reply is not well-formed XML",
		"公众号: " + sim.ServiceUnavailableNotice,
		"Alice: hi", "公众号: hi",
		"* 菜单已更新 / the menu changed",
		"* 点击菜单 / clicked menu key hello", "公众号: 你好！",
		"* 打开菜单链接 / opened http://127.0.0.1:1/profile",
		"* 扫描二维码 / scanned QR scene 42",
	}, texts)

	code, out, _ = e.wxsim(t, "unfollow", "--user", "Alice")
	assert.Equal(t, exitOK, code)
	assert.Equal(t, "Alice ("+f.OpenID()+") unfollowed the account\n", out)
	code, _, errs = e.wxsim(t, "send", "--user", "Alice", "x")
	assert.Equal(t, exitFailure, code)
	assert.Equal(t, "wxsim send: the user does not follow the account (not_following)\n", errs)
}

func TestCommandInboxTemplateAndFollow(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{noPay: true})
	code, _, errs := e.wxsim(t, "follow", "--user", "Ann")
	require.Equal(t, exitOK, code, errs)
	openid := e.sim.Users()[0].OpenID()
	e.platform(t, "/cgi-bin/message/template/send", `{"touser":"`+openid+`","template_id":"`+sim.DefaultTemplateID+`","url":"https://example.com/o",
		"data":{"first":{"value":"支付成功"},"keyword1":{"value":"No.1"},"keyword2":{"value":"9.90元"},"remark":{"value":"谢谢"}}}`)
	code, out, _ := e.wxsim(t, "inbox", "--user", "Ann")
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "公众号 (模板消息) "+sim.DefaultTemplateID+":\n    支付成功\n    订单号：No.1\n    金额：9.90元\n    谢谢\n    https://example.com/o\n")
	code, out, _ = e.wxsim(t, "inbox", "--user", "Ann", "--json")
	require.Equal(t, exitOK, code)
	var it chatItem
	require.NoError(t, json.Unmarshal([]byte(strings.Split(out, "\n")[0]), &it))

	// -f keeps printing new messages until interrupted.
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"inbox", "-f", "--interval", "20ms", "--user", "Ann", "--sim", e.URL}, pw, io.Discard, func(string) string { return "" })
		pw.Close()
	}()
	var mu sync.Mutex
	var got bytes.Buffer
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := pr.Read(buf)
			mu.Lock()
			got.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	code, _, _ = e.wxsim(t, "send", "--user", "Ann", "live message")
	require.Equal(t, exitOK, code)
	waitFor(t, 5*time.Second, "the live message", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return strings.Contains(got.String(), "公众号: live message")
	})
	cancel()
	select {
	case code := <-done:
		assert.Equal(t, exitOK, code)
	case <-time.After(5 * time.Second):
		t.Fatal("inbox -f did not stop")
	}
}

func TestCommandPay(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{})
	notify := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	defer notify.Close()
	body := fmt.Sprintf(`{"appid":%q,"mchid":%q,"description":"Tea","out_trade_no":"CMD000001","notify_url":%q,"amount":{"total":1}}`,
		sim.DefaultAppID, e.keys.Merchant.MchID, notify.URL)
	req, _ := http.NewRequest("POST", e.URL+"/v3/pay/transactions/native", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	require.NoError(t, e.merchant().SignRequest(req, []byte(body)))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var order struct {
		CodeURL string `json:"code_url"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&order))
	resp.Body.Close()
	require.NotEmpty(t, order.CodeURL)

	code, out, errs := e.wxsim(t, "pay", "--code-url", order.CodeURL)
	require.Equal(t, exitOK, code, errs)
	assert.Regexp(t, `^paid: out_trade_no=CMD000001 transaction_id=\d{28} trade_state=SUCCESS amount=1 CNY\npayer: o\S{27}\nthe TRANSACTION.SUCCESS`, out)

	code, _, errs = e.wxsim(t, "pay", "--out-trade-no", "CMD000001")
	assert.Equal(t, exitFailure, code)
	assert.Equal(t, "wxsim pay: 订单已支付 (INVALID_REQUEST)\n", errs)
	code, _, errs = e.wxsim(t, "pay", "--prepay-id", "nope", "--json")
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, errs, "(ORDER_NOT_EXIST)")
	code, _, errs = e.wxsim(t, "pay")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "give exactly one of --prepay-id, --out-trade-no and --code-url")
}

func TestCommandUsage(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{noPay: true, noBot: true})
	tests := []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"bogus"}, exitUsage, `wxsim: unknown command "bogus"`},
		{[]string{"--sim", "http://x", "bogus"}, exitUsage, `wxsim: unknown command "bogus"`},
		{[]string{"send", "hi"}, exitUsage, "wxsim send: --user is required"},
		{[]string{"send", "--user", "A"}, exitUsage, "nothing to send"},
		{[]string{"send", "--user", "A", "--image", "--location", "1,2"}, exitUsage, "exclusive"},
		{[]string{"send", "--user", "A", "--image", "not-a-url"}, exitUsage, "http(s) URL"},
		{[]string{"send", "--user", "A", "--location", "1"}, exitUsage, "LAT,LNG"},
		{[]string{"send", "--user", "A", "--location", "a,b"}, exitUsage, "numbers"},
		{[]string{"send", "--nope"}, exitUsage, "flag provided but not defined: -nope"},
		{[]string{"click", "--user", "A"}, exitUsage, "want exactly one menu key"},
		{[]string{"view", "--user", "A"}, exitUsage, "want exactly one URL"},
		{[]string{"scan", "--user", "A"}, exitUsage, "want exactly one scene"},
		{[]string{"follow", "--user", "A", "extra"}, exitUsage, `unexpected argument "extra"`},
		{[]string{"unfollow", "--user", "A", "extra"}, exitUsage, `unexpected argument`},
		{[]string{"menu", "extra"}, exitUsage, `unexpected argument`},
		{[]string{"users", "extra"}, exitUsage, `unexpected argument`},
		{[]string{"pay", "extra"}, exitUsage, `unexpected argument`},
		{[]string{"inbox", "--user", "A", "extra"}, exitUsage, `unexpected argument`},
		{[]string{"inbox", "--user", "A", "--interval", "0s"}, exitUsage, `--interval must be positive`},
		{[]string{"menu", "--sim", "ftp://x"}, exitUsage, "--sim must be an http(s) URL"},
		{[]string{"menu", "-h"}, exitOK, "Usage: wxsim menu"},
		{[]string{"serve", "extra"}, exitUsage, `unexpected argument "extra"`},
		{[]string{"--forward-to", "nope"}, exitUsage, "--forward-to must be an http(s) URL"},
		{[]string{"--reply-timeout", "0s"}, exitUsage, "--reply-timeout must be positive"},
		{[]string{"--retries", "-1"}, exitUsage, "--retries must not be negative"},
		{[]string{"--nope"}, exitUsage, "flag provided but not defined"},
		{[]string{"serve", "-h"}, exitOK, "Usage: wxsim [serve] [flags]"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			code, _, errs := e.wxsim(t, tc.args...)
			assert.Equal(t, tc.code, code)
			assert.Contains(t, errs, tc.err)
		})
	}
	for _, h := range []string{"help", "-h", "--help"} {
		code, out, _ := e.wxsim(t, h)
		assert.Equal(t, exitOK, code)
		assert.Contains(t, out, "wxsim send --user NAME TEXT")
	}
}

func TestCommandUnreachable(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"--sim", url, "users"}, &out, &errb, func(string) string { return "" })
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, errb.String(), "wxsim users: cannot reach the simulator at "+url+` (is "wxsim" running? see --sim)`)

	// Something that is not a wxsim.
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("<html>")) }))
	defer other.Close()
	errb.Reset()
	code = run(context.Background(), []string{"users", "--sim=" + other.URL}, &out, &errb, func(string) string { return "" })
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, errb.String(), "is not the expected JSON")
	errb.Reset()
	code = run(context.Background(), []string{"--sim=" + other.URL, "menu"}, &out, &errb, func(string) string { return "" })
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, errb.String(), "not a menu")
}

func TestHoistSimFlag(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want []string }{
		{nil, nil},
		{[]string{"send", "x"}, []string{"send", "x"}},
		{[]string{"--sim", "U", "send", "x"}, []string{"send", "--sim", "U", "x"}},
		{[]string{"-sim=U", "menu"}, []string{"menu", "-sim=U"}},
		{[]string{"--sim", "U"}, []string{"--sim", "U"}},
		{[]string{"--sim", "U", "--addr", "x"}, []string{"--sim", "U", "--addr", "x"}},
		{[]string{"--addr", "x", "send"}, []string{"--addr", "x", "send"}},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, hoistSimFlag(tc.in), "%q", tc.in)
	}
}

func TestParseLocation(t *testing.T) {
	t.Parallel()
	r, err := parseLocation(" 39.9 , 116.4 , 北京, 天安门")
	require.NoError(t, err)
	assert.Equal(t, 39.9, *r.Lat)
	assert.Equal(t, 116.4, *r.Lng)
	assert.Equal(t, "北京, 天安门", r.Label)
	_, err = parseLocation("x")
	assert.Error(t, err)
}
