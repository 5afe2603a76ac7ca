// Package browsertest runs browser tests (the chat page of cmd/wxsim) in
// headless Chromium through chromedp (github.com/chromedp/chromedp), the
// maintained Chrome DevTools Protocol client: no chromedriver, no
// hand-written WebDriver client.
//
//	ctx := browsertest.Start(t)
//	browsertest.Run(t, ctx, 10*time.Second,
//		chromedp.Navigate(url),
//		chromedp.SendKeys(chromedp.CSS("#follower-name"), "Alice"),
//		chromedp.Click(chromedp.CSS("#follow")),
//		browsertest.WaitText(".bubble.from-bot", "Welcome"),
//	)
//	openid := browsertest.Get(t, ctx, 5*time.Second, chromedp.Text(chromedp.CSS("#openid")))
//
// When Chromium is not installed, Start skips the test, unless the
// environment variable CI is "true": then it fails it, so CI never passes
// by running no browser test.
package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Window size of the page: a phone.
const (
	Width  = 420
	Height = 860
)

// candidates are the Chromium binaries Start looks for, in order.
var candidates = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "/usr/bin/chromium"}

// FindChromium returns the path of a Chromium binary ($CHROMIUM, else the
// first of chromium, chromium-browser, google-chrome found), or "".
func FindChromium() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		if p, err := exec.LookPath(p); err == nil {
			return p
		}
		return "" // named, but missing: as if none were installed
	}
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	return ""
}

// Require skips the test when Chromium is missing, or fails it under
// CI=true; it returns the browser's path.
func Require(t testing.TB) string {
	t.Helper()
	p := FindChromium()
	if p == "" {
		msg := "browsertest: no Chromium found (on Debian: apt-get install -y chromium)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + "; CI=true, so the browser tests must run")
		}
		t.Skip(msg)
	}
	return p
}

// Flags are the Chromium flags beyond chromedp's defaults (which already
// include headless, --disable-background-networking, --disable-sync,
// --disable-extensions, --disable-default-apps, --no-first-run and
// --disable-dev-shm-usage): no sandbox (containers, root), no GPU, no
// QUIC, no component updates, a phone-sized window (Start also sets the
// viewport, as headless Chromium has a minimum window width).
func Flags() []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.WindowSize(Width, Height),
	}
}

// Start launches headless Chromium with a fresh profile for the test and
// returns a chromedp context of one tab. The browser and every process it
// started are ended, and the profile removed, when the test ends.
func Start(t testing.TB) context.Context {
	t.Helper()
	path := Require(t)
	opts := append(append([]chromedp.ExecAllocatorOption{}, chromedp.DefaultExecAllocatorOptions[:]...), Flags()...)
	opts = append(opts, chromedp.ExecPath(path), chromedp.UserDataDir(t.TempDir()))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// The first run launches the browser; it lives as long as ctx, so this
	// run has no timeout of its own (chromedp's rule).
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(Width, Height)); err != nil {
		t.Fatalf("browsertest: starting %s: %v", path, err)
	}
	return ctx
}

// Run runs steps in order within timeout and fails the test on error, with
// the end of the page's HTML.
func Run(t testing.TB, ctx context.Context, timeout time.Duration, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	Get(t, ctx, timeout, chromedp.Steps(steps...))
}

// Get runs one action within timeout and returns its value, failing the
// test on error.
func Get[T any](t testing.TB, ctx context.Context, timeout time.Duration, a chromedp.Action[T]) T {
	t.Helper()
	v, err := GetErr(ctx, timeout, a)
	if err != nil {
		t.Fatalf("%v\npage (end): %s", err, pageTail(ctx))
	}
	return v
}

// RunErr is Run returning the error.
func RunErr(ctx context.Context, timeout time.Duration, steps ...chromedp.Action[chromedp.Void]) error {
	_, err := GetErr(ctx, timeout, chromedp.Steps(steps...))
	return err
}

// GetErr is Get returning the error.
func GetErr[T any](ctx context.Context, timeout time.Duration, a chromedp.Action[T]) (T, error) {
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	v, err := chromedp.Run(tctx, a)
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("timed out after %v: %w", timeout, err)
	}
	return v, err
}

func pageTail(ctx context.Context) string {
	html, err := GetErr(ctx, 5*time.Second, chromedp.OuterHTML(chromedp.CSS("html")))
	if err != nil {
		return "(unavailable: " + err.Error() + ")"
	}
	if len(html) > 4000 {
		html = html[len(html)-4000:]
	}
	return html
}

// js quotes s as a JavaScript string.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// poll waits until expr is truthy, naming what it waits for in the error.
func poll(what, expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		eval := chromedp.Evaluate[bool](expr)
		for {
			ok, err := eval(ctx, t)
			if err != nil {
				return fmt.Errorf("waiting for %s: %w", what, err)
			}
			if ok {
				return nil
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("waiting for %s: %w", what, ctx.Err())
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
}

// WaitText waits until an element matching css contains text (innerText).
func WaitText(css, text string) chromedp.Action[chromedp.Void] {
	return poll(fmt.Sprintf("%s containing %q", css, text),
		fmt.Sprintf(`[...document.querySelectorAll(%s)].some(e => e.innerText.includes(%s))`, js(css), js(text)))
}

// WaitExactText waits until an element matching css has exactly text
// (innerText, trimmed).
func WaitExactText(css, text string) chromedp.Action[chromedp.Void] {
	return poll(fmt.Sprintf("%s with text %q", css, text),
		fmt.Sprintf(`[...document.querySelectorAll(%s)].some(e => e.innerText.trim() === %s)`, js(css), js(text)))
}

// WaitJS waits until the JavaScript expression is truthy.
func WaitJS(what, expr string) chromedp.Action[chromedp.Void] { return poll(what, expr) }

// Texts gives the innerText of every element matching css (none: empty).
func Texts(css string) chromedp.Action[[]string] {
	return chromedp.Evaluate[[]string](fmt.Sprintf(`[...document.querySelectorAll(%s)].map(e => e.innerText.trim())`, js(css)))
}

// Screenshot saves a PNG of the whole page as name under the artifacts
// directory ($ARTIFACTS_DIR, else artifacts/ at the module root found from
// the working directory), and logs its path.
func Screenshot(t testing.TB, name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		png, err := chromedp.FullScreenshot(100)(ctx, tg)
		if err != nil {
			return err
		}
		dir := ArtifactsDir()
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, png, 0o644); err != nil {
			return err
		}
		t.Logf("screenshot: %s", p)
		return nil
	})
}

// ArtifactsDir is $ARTIFACTS_DIR, else the artifacts directory at the root
// of the module (the nearest parent with a go.mod).
func ArtifactsDir() string {
	if d := os.Getenv("ARTIFACTS_DIR"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		return "artifacts"
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "artifacts")
		}
		if filepath.Dir(d) == d {
			return filepath.Join(dir, "artifacts")
		}
	}
}

// Attr gives the attribute name of the first element matching css, an
// error when it has none.
func Attr(css, name string) chromedp.Action[string] {
	return func(ctx context.Context, t *chromedp.Target) (string, error) {
		r, err := chromedp.AttributeValue(chromedp.CSS(css), name)(ctx, t)
		if err != nil {
			return "", err
		}
		if !r.Exists {
			return "", fmt.Errorf("%s has no attribute %s", css, name)
		}
		return r.Value, nil
	}
}
