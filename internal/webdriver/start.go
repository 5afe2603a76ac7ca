package webdriver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Start launches chromedriver on a free 127.0.0.1 port and opens a headless
// Chromium session with a fresh profile. It registers a cleanup on t that
// quits the session, kills chromedriver with every process it started and
// removes the profile.
//
// When chromedriver or Chromium is not installed, Start skips the test with
// a message saying what is missing, unless the environment variable CI is
// "true": then it fails the test. Any other failure to start fails the test
// with the end of chromedriver's log.
func Start(t testing.TB, opts ...Option) *Session {
	t.Helper()
	cfg := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	return start(t, cfg, os.Getenv("CI") == "true")
}

func start(t testing.TB, cfg config, ci bool) *Session {
	t.Helper()
	driver, browser, missing := lookup(cfg)
	if missing != "" {
		msg := "webdriver: " + missing + " (on Debian: apt-get install -y chromium chromium-driver)"
		if ci {
			t.Fatal(msg + "; CI=true, so the browser tests must run")
		}
		t.Skip(msg)
	}

	tmp, err := os.MkdirTemp("", "webdriver-")
	if err != nil {
		t.Fatalf("webdriver: temp dir: %v", err)
	}
	d, err := launchDriver(driver, tmp)
	if err != nil {
		_ = os.RemoveAll(tmp)
		t.Fatalf("webdriver: %v", err)
	}
	c := newClient(d.base, cfg.commandTimeout, cfg.logger)
	var s *Session
	t.Cleanup(func() {
		if s != nil {
			if err := s.quit(10 * time.Second); err != nil {
				t.Logf("webdriver: quit session: %v", err)
			}
		}
		c.close()
		d.stop()
		removeAll(tmp)
	})

	caps := capabilities(cfg, browserWrapper(tmp, browser), filepath.Join(tmp, "profile"))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	v, err := c.do(ctx, "POST", "/session", "POST /session", caps)
	if err != nil {
		t.Fatalf("webdriver: open a Chromium session with %s: %v\nchromedriver log:\n%s", browser, err, d.logTail())
	}
	var created struct {
		SessionID string `json:"sessionId"`
	}
	if err := json.Unmarshal(v, &created); err != nil || created.SessionID == "" {
		t.Fatalf("webdriver: new session: no session id in %s", clip(v))
	}
	s = newSession(c, created.SessionID)
	return s
}

// lookup finds the executables, or says what is missing.
func lookup(cfg config) (driver, browser, missing string) {
	driver, derr := findExecutable(cfg.driver, "chromedriver", "/usr/bin/chromedriver")
	browser, berr := findExecutable(cfg.browser, "chromium", "/usr/bin/chromium")
	var miss []string
	if derr != nil {
		miss = append(miss, derr.Error())
	}
	if berr != nil {
		miss = append(miss, berr.Error())
	}
	return driver, browser, strings.Join(miss, "; ")
}

// findExecutable returns explicit if set, else name from $PATH, else
// fallback, checking that the file is there and executable.
func findExecutable(explicit, name, fallback string) (string, error) {
	if explicit != "" {
		p, err := exec.LookPath(explicit)
		if err != nil {
			return "", fmt.Errorf("%s not found at %s", name, explicit)
		}
		return p, nil
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	if p, err := exec.LookPath(fallback); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%s not installed (not in $PATH nor at %s)", name, fallback)
}

// chromiumArgs returns the flags for a headless Chromium that makes no
// connection of its own: only the pages a test opens go on the network.
func chromiumArgs() []string {
	return []string{
		"--headless=new",
		"--no-sandbox",
		"--disable-gpu",
		"--disable-dev-shm-usage",
		"--disable-quic",
		"--no-first-run",
		"--no-default-browser-check",
		"--disable-background-networking",
		"--disable-component-update",
		"--disable-sync",
		"--disable-default-apps",
		"--disable-extensions",
	}
}

func capabilities(cfg config, browser, profile string) map[string]any {
	args := chromiumArgs()
	args = append(args,
		"--window-size="+strconv.Itoa(cfg.width)+","+strconv.Itoa(cfg.height),
		"--user-data-dir="+profile)
	args = append(args, cfg.args...)
	ms := cfg.commandTimeout.Milliseconds()
	return map[string]any{
		"capabilities": map[string]any{
			"alwaysMatch": map[string]any{
				"browserName":      "chrome",
				"pageLoadStrategy": "normal",
				"timeouts":         map[string]int64{"implicit": 0, "pageLoad": ms, "script": ms},
				"goog:chromeOptions": map[string]any{
					"binary": browser,
					"args":   args,
					// Chromium keeps windows at least 500 px wide and
					// counts its (invisible) toolbar in the window
					// height: pin the viewport to the size asked for.
					"mobileEmulation": map[string]any{
						"deviceMetrics": map[string]any{
							"width": cfg.width, "height": cfg.height,
							"pixelRatio": 1, "mobile": false, "touch": false,
						},
					},
				},
			},
		},
	}
}

// driverProc is a running chromedriver.
type driverProc struct {
	cmd     *exec.Cmd
	done    chan struct{} // closed when the process has exited
	base    string
	logPath string
}

// launchDriver starts chromedriver on a free loopback port and waits until it
// is ready. A port taken between choosing and binding makes it try again.
func launchDriver(driver, dir string) (*driverProc, error) {
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		d, err := tryLaunch(driver, dir, attempt)
		if err == nil {
			return d, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

func tryLaunch(driver, dir string, attempt int) (*driverProc, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "chromedriver-"+strconv.Itoa(attempt)+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child has its own descriptor
	cmd := exec.Command(driver, "--port="+strconv.Itoa(port), "--allowed-ips=127.0.0.1")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Keep Chromium's crash database, caches and temp files in dir too, so
	// that removing dir leaves nothing behind.
	tmp := filepath.Join(dir, "tmp")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return nil, err
	}
	cmd.Env = append(os.Environ(),
		"TMPDIR="+tmp,
		"XDG_CONFIG_HOME="+filepath.Join(dir, "config"),
		"XDG_CACHE_HOME="+filepath.Join(dir, "cache"))
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", driver, err)
	}
	d := &driverProc{cmd: cmd, done: make(chan struct{}), base: "http://127.0.0.1:" + strconv.Itoa(port), logPath: logPath}
	go func() { _ = cmd.Wait(); close(d.done) }()
	if err := d.waitReady(15 * time.Second); err != nil {
		d.stop()
		return nil, fmt.Errorf("%v\nchromedriver log:\n%s", err, d.logTail())
	}
	return d, nil
}

// waitReady polls GET /status until the driver says it is ready.
func (d *driverProc) waitReady(timeout time.Duration) error {
	c := newClient(d.base, time.Second, nil)
	defer c.close()
	deadline := time.Now().Add(timeout)
	var lastErr error
	for time.Now().Before(deadline) {
		select {
		case <-d.done:
			return fmt.Errorf("chromedriver exited: %s", d.cmd.ProcessState)
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		v, err := c.do(ctx, "GET", "/status", "GET /status", nil)
		cancel()
		if err == nil {
			var st struct {
				Ready bool `json:"ready"`
			}
			if json.Unmarshal(v, &st) == nil && st.Ready {
				return nil
			}
			err = errors.New("not ready")
		}
		lastErr = err
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("chromedriver not ready after %v: %v", timeout, lastErr)
}

// stop kills chromedriver and everything it started, and reaps it.
func (d *driverProc) stop() {
	killGroup(d.cmd.Process.Pid)
	_ = d.cmd.Process.Kill()
	select {
	case <-d.done:
	case <-time.After(5 * time.Second):
	}
}

// logTail returns the last 2 KiB of chromedriver's output.
func (d *driverProc) logTail() string {
	b, err := os.ReadFile(d.logPath)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	if len(b) > 2048 {
		b = b[len(b)-2048:]
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return "(empty)"
	}
	return string(b)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// removeAll removes dir, trying again briefly: Chromium's helper processes
// may still be writing to the profile for a moment after being killed.
func removeAll(dir string) {
	for i := 0; i < 10; i++ {
		if os.RemoveAll(dir) == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
