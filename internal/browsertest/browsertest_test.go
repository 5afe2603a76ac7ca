package browsertest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wxkit/mp/internal/browsertest"
)

func TestBrowserRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a browser")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><meta charset="utf-8"><input id="in"><button id="b" onclick="document.getElementById('out').textContent='你好 '+document.getElementById('in').value">go</button><p id="out"></p><p class="x">one</p><p class="x">two</p>`)
	}))
	defer srv.Close()
	t.Setenv("ARTIFACTS_DIR", t.TempDir())
	ctx := browsertest.Start(t)
	browsertest.Run(t, ctx, 20*time.Second,
		chromedp.Navigate(srv.URL),
		chromedp.SendKeys(chromedp.CSS("#in"), "Alice"),
		chromedp.Click(chromedp.CSS("#b")),
		browsertest.WaitExactText("#out", "你好 Alice"),
		browsertest.WaitText(".x", "tw"),
		browsertest.Screenshot(t, "roundtrip.png"),
	)
	texts := browsertest.Get(t, ctx, 5*time.Second, browsertest.Texts(".x"))
	width := browsertest.Get(t, ctx, 5*time.Second, chromedp.Evaluate[int](`window.innerWidth`))
	if got := browsertest.Get(t, ctx, 5*time.Second, browsertest.Attr("#in", "id")); got != "in" {
		t.Errorf("Attr = %q", got)
	}
	if len(texts) != 2 || texts[1] != "two" {
		t.Fatalf("texts %q", texts)
	}
	if width != browsertest.Width {
		t.Errorf("window width %d, want %d", width, browsertest.Width)
	}
	if _, err := os.Stat(filepath.Join(os.Getenv("ARTIFACTS_DIR"), "roundtrip.png")); err != nil {
		t.Fatal(err)
	}
	if err := browsertest.RunErr(ctx, 300*time.Millisecond, browsertest.WaitText("#out", "never")); err == nil {
		t.Fatal("waiting for absent text did not time out")
	}
}

// TestRequireFailsUnderCI runs TestHelperRequire in a child process with
// Chromium missing: it must skip, and fail under CI=true.
func TestRequireFailsUnderCI(t *testing.T) {
	for _, ci := range []string{"", "true"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperRequire$", "-test.v")
		cmd.Env = append(os.Environ(), "BROWSERTEST_HELPER=1", "CHROMIUM=/nonexistent/chromium", "CI="+ci)
		out, err := cmd.CombinedOutput()
		switch ci {
		case "true":
			if err == nil || !strings.Contains(string(out), "--- FAIL: TestHelperRequire") || !strings.Contains(string(out), "CI=true") {
				t.Errorf("CI=true: want a failure, got err %v:\n%s", err, out)
			}
		default:
			if err != nil || !strings.Contains(string(out), "--- SKIP: TestHelperRequire") {
				t.Errorf("CI unset: want a skip, got err %v:\n%s", err, out)
			}
		}
	}
}

func TestHelperRequire(t *testing.T) {
	if os.Getenv("BROWSERTEST_HELPER") != "1" {
		t.Skip("run by TestRequireFailsUnderCI")
	}
	browsertest.Require(t)
	t.Log("Chromium found")
}
