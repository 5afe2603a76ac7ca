package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wxkit/mp/internal/browsertest"
	"github.com/wxkit/mp/internal/syncbuf"
)

// TestBrowserChat builds and starts the real programs — wxsim and
// examples/echo, each on a free loopback port — and walks through the chat
// page in headless Chromium (chromedp) as a person would: create and follow
// a follower, send "hello" and see the echo, tap the "hello" menu button,
// then the view button through the simulator's OAuth consent page (#allow)
// to the bot's page greeting the openid. It skips when Chromium is missing,
// unless CI=true.
func TestBrowserChat(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs two programs and a browser")
	}
	browsertest.Require(t) // before building: skips, or fails under CI=true
	tmp := t.TempDir()
	wxsimBin := filepath.Join(tmp, "wxsim")
	echoBin := filepath.Join(tmp, "echo")
	goBuild(t, wxsimBin, ".")
	goBuild(t, echoBin, "../../examples/echo")

	simAddr, botAddr := freeAddr(t), freeAddr(t)
	base := "http://" + simAddr
	startProcess(t, "wxsim", exec.Command(wxsimBin, "--addr", simAddr,
		"--forward-to", "http://"+botAddr+"/wechat", "--pay-dir", filepath.Join(tmp, "pay")), nil)
	startProcess(t, "echo", exec.Command(echoBin, "-addr", botAddr), []string{"WECHAT_BASE_URL=" + base})

	// The bot creates its menu once it reaches the simulator (it retries
	// every second); wait for the menu the simulator reports.
	waitFor(t, 45*time.Second, "the bot's menu (key hello and a view button)", func() bool {
		var m menuJSON
		if err := getJSON(base+"/sim/api/menu", &m); err != nil {
			return false
		}
		var click, view bool
		for _, b := range m.Button {
			click = click || b.Type == "click" && b.Key == "hello"
			view = view || b.Type == "view" && b.URL != ""
		}
		return click && view
	})

	// The browser starts after the programs so that it quits before they
	// get SIGTERM (cleanups run last-in first-out): an open browser
	// connection would hold up their graceful shutdown.
	ctx := browsertest.Start(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	browsertest.Run(t, ctx, 60*time.Second,
		chromedp.Navigate(base+"/"),
		chromedp.SendKeys(css("#follower-name"), "Alice"),
		chromedp.Click(css("#follow")),
		browsertest.WaitText(".bubble.from-bot", "Welcome"),
		browsertest.WaitText("#openid", "o"),
	)
	openid := browsertest.Get(t, ctx, 20*time.Second, chromedp.Text(css("#openid")))
	if len(openid) != 28 {
		t.Fatalf("openid shown = %q, want 28 characters", openid)
	}

	browsertest.Run(t, ctx, 60*time.Second,
		chromedp.SendKeys(css("#message-input"), "hello"),
		chromedp.Click(css("#send")),
		browsertest.WaitExactText(".bubble.from-user", "hello"),
		browsertest.WaitExactText(".bubble.from-bot", "hello"),
		chromedp.Click(css(`.menu-button[data-key="hello"]`)),
		browsertest.WaitExactText(".bubble.from-bot", "你好！"),
		browsertest.Screenshot(t, "wxsim-chat.png"),
	)

	profileURL := browsertest.Get(t, ctx, 20*time.Second, browsertest.Attr(".menu-button[data-url]", "data-url"))
	browsertest.Run(t, ctx, 90*time.Second,
		chromedp.Click(css(".menu-button[data-url]")),
		chromedp.WaitVisible(css("#allow")),
		browsertest.Screenshot(t, "wxsim-oauth-consent.png"),
		chromedp.Click(css("#allow")),
		browsertest.WaitText("#greeting", "Hello, "+openid),
	)
	cur := browsertest.Get(t, ctx, 20*time.Second, chromedp.Location())
	if !strings.HasPrefix(cur, "http://"+botAddr+"/profile") {
		t.Errorf("landed on %s, want the bot's /profile", cur)
	}

	// The conversation the simulator recorded matches what the page showed,
	// including the VIEW event of the view button.
	var items []chatItem
	if err := getJSON(base+"/sim/api/followers/"+openid+"/inbox", &items); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range items {
		if it.Quiet || it.Kind == "menu" {
			continue
		}
		got = append(got, it.From+":"+it.Text)
	}
	want := []string{
		"system:关注了公众号 / followed",
		"bot:" + "Welcome! Send me any text and I will echo it.",
		"user:hello", "bot:hello",
		"system:点击菜单 / clicked menu key hello", "bot:你好！",
		"system:打开菜单链接 / opened " + profileURL,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("conversation:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// goBuild builds a package of this module into out.
func goBuild(t *testing.T, out, pkg string) {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	}
	cmd := exec.Command(goBin, "build", "-o", out, pkg)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// startProcess starts cmd with the environment minus WECHAT* settings plus
// env, and stops it on cleanup: SIGTERM (its graceful shutdown), then
// SIGKILL after 12 s. Its output is logged when the test fails.
func startProcess(t *testing.T, name string, cmd *exec.Cmd, env []string) {
	t.Helper()
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WECHAT") && !strings.HasPrefix(kv, "WXSIM") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	out := &syncbuf.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("%s exited with %v after SIGTERM", name, err)
			}
		case <-time.After(12 * time.Second):
			_ = cmd.Process.Kill()
			<-done
			t.Errorf("%s did not stop within 12 s of SIGTERM", name)
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", name, out.String())
		}
	})
}

func getJSON(u string, out any) error {
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: HTTP %d", u, resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
