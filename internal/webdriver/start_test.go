package webdriver

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The test binary doubles as a fake chromedriver (see fakeChromedriver)
// when started with $WEBDRIVER_FAKE_DIR set.
func TestMain(m *testing.M) {
	if dir := os.Getenv("WEBDRIVER_FAKE_DIR"); dir != "" {
		os.Exit(fakeChromedriver(dir, os.Getenv("WEBDRIVER_FAKE_MODE"), os.Args[1:]))
	}
	os.Exit(m.Run())
}

// fakeChromedriver serves just enough WebDriver for Start: it records its
// arguments, environment and the new-session request in dir.
func fakeChromedriver(dir, mode string, args []string) int {
	write := func(name, data string) { _ = os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600) }
	write("args", strings.Join(args, "\n"))
	write("env", "TMPDIR="+os.Getenv("TMPDIR")+"\nXDG_CONFIG_HOME="+os.Getenv("XDG_CONFIG_HOME")+"\nXDG_CACHE_HOME="+os.Getenv("XDG_CACHE_HOME"))
	write("pid", strconv.Itoa(os.Getpid()))
	if mode == "exit" {
		fmt.Fprintln(os.Stderr, "fake chromedriver: bind() failed: Address already in use")
		return 3
	}
	var port string
	for _, a := range args {
		if p, ok := strings.CutPrefix(a, "--port="); ok {
			port = p
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	fmt.Println("fake chromedriver was started successfully on port " + port)
	reply := func(w http.ResponseWriter, status int, v string) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		_, _ = fmt.Fprintf(w, `{"value":%s}`, v)
	}
	var statusCalls int
	mux := http.NewServeMux()
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, r *http.Request) {
		statusCalls++
		reply(w, 200, fmt.Sprintf(`{"ready":%v,"message":"fake"}`, statusCalls > 1))
	})
	mux.HandleFunc("POST /session", func(w http.ResponseWriter, r *http.Request) {
		var body json.RawMessage
		_ = json.NewDecoder(r.Body).Decode(&body)
		write("session", string(body))
		switch mode {
		case "fail":
			fmt.Fprintln(os.Stderr, "fake chromedriver: Chrome failed to start: crashed.")
			reply(w, 500, `{"error":"session not created","message":"session not created: Chrome failed to start: crashed."}`)
		case "noid":
			reply(w, 200, `{"capabilities":{}}`)
		default:
			reply(w, 200, `{"sessionId":"fake-1","capabilities":{"browserName":"chrome"}}`)
		}
	})
	mux.HandleFunc("GET /session/fake-1/title", func(w http.ResponseWriter, r *http.Request) { reply(w, 200, `"fake"`) })
	mux.HandleFunc("DELETE /session/fake-1", func(w http.ResponseWriter, r *http.Request) {
		write("quit", "yes")
		if mode == "quitfail" {
			reply(w, 500, `{"error":"unknown error","message":"chrome not reachable"}`)
			return
		}
		reply(w, 200, `null`)
	})
	_ = http.Serve(l, mux)
	return 0
}

// fakeDriverScript writes an executable that runs the test binary as a fake
// chromedriver recording into dir.
func fakeDriverScript(t *testing.T, dir, mode string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("needs a POSIX shell")
	}
	exe, err := os.Executable()
	require.NoError(t, err)
	script := fmt.Sprintf("#!/bin/sh\nWEBDRIVER_FAKE_DIR=%s WEBDRIVER_FAKE_MODE=%s exec %s \"$@\"\n",
		shellQuote(dir), shellQuote(mode), shellQuote(exe))
	path := filepath.Join(t.TempDir(), "chromedriver")
	require.NoError(t, os.WriteFile(path, []byte(script), 0o700))
	return path
}

func readFile(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	require.NoError(t, err)
	return string(b)
}

// assertGone checks that the process whose pid the fake wrote has ended.
func assertGone(t *testing.T, dir string) {
	t.Helper()
	pid, err := strconv.Atoi(readFile(t, dir, "pid"))
	require.NoError(t, err)
	p, err := os.FindProcess(pid)
	if err != nil {
		return
	}
	assert.ErrorIs(t, p.Signal(syscall.Signal(0)), os.ErrProcessDone, "fake chromedriver %d still running", pid)
}

func TestStartWithFakeDriver(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	driver := fakeDriverScript(t, dir, "")
	t.Run("session", func(t *testing.T) {
		s := Start(t, WithDriver(driver), WithBrowser("/bin/true"), WithWindowSize(375, 667),
			WithArgs("--lang=zh-CN"), WithCommandTimeout(5*time.Second), nil)
		assert.Equal(t, "fake-1", s.ID())
		title, err := s.Title()
		require.NoError(t, err)
		assert.Equal(t, "fake", title)
	})
	// After the cleanup: the session was quit and the driver killed.
	assert.Equal(t, "yes", readFile(t, dir, "quit"))
	assertGone(t, dir)

	args := strings.Split(readFile(t, dir, "args"), "\n")
	require.Len(t, args, 2)
	assert.Regexp(t, `^--port=\d+$`, args[0])
	assert.Equal(t, "--allowed-ips=127.0.0.1", args[1])

	var req struct {
		Capabilities struct {
			AlwaysMatch struct {
				BrowserName string           `json:"browserName"`
				Timeouts    map[string]int64 `json:"timeouts"`
				Chrome      struct {
					Binary          string         `json:"binary"`
					Args            []string       `json:"args"`
					MobileEmulation map[string]any `json:"mobileEmulation"`
				} `json:"goog:chromeOptions"`
			} `json:"alwaysMatch"`
		} `json:"capabilities"`
	}
	require.NoError(t, json.Unmarshal([]byte(readFile(t, dir, "session")), &req))
	m := req.Capabilities.AlwaysMatch
	assert.Equal(t, "chrome", m.BrowserName)
	assert.Equal(t, map[string]int64{"implicit": 0, "pageLoad": 5000, "script": 5000}, m.Timeouts)
	for _, flag := range []string{"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
		"--disable-sync", "--window-size=375,667", "--lang=zh-CN"} {
		assert.Contains(t, m.Chrome.Args, flag)
	}
	assert.Equal(t, "--lang=zh-CN", m.Chrome.Args[len(m.Chrome.Args)-1], "extra flags come last")
	assert.Equal(t, map[string]any{"deviceMetrics": map[string]any{
		"width": 375.0, "height": 667.0, "pixelRatio": 1.0, "mobile": false, "touch": false}}, m.Chrome.MobileEmulation)

	// A fresh profile and XDG dirs under one temp dir, removed on cleanup.
	var profile string
	for _, a := range m.Chrome.Args {
		if p, ok := strings.CutPrefix(a, "--user-data-dir="); ok {
			profile = p
		}
	}
	require.NotEmpty(t, profile)
	tmp := filepath.Dir(profile)
	assert.Equal(t, "TMPDIR="+filepath.Join(tmp, "tmp")+"\nXDG_CONFIG_HOME="+filepath.Join(tmp, "config")+"\nXDG_CACHE_HOME="+filepath.Join(tmp, "cache"), readFile(t, dir, "env"))
	_, err := os.Stat(tmp)
	assert.True(t, errors.Is(err, os.ErrNotExist), "temp dir %s left behind", tmp)
	if runtime.GOOS == "linux" {
		if _, err := exec.LookPath("setpriv"); err == nil {
			assert.Equal(t, filepath.Join(tmp, "chromium-wrapper"), m.Chrome.Binary)
			return
		}
	}
	assert.Equal(t, "/bin/true", m.Chrome.Binary)
}

// fakeTB records Skip and Fatal instead of ending a real test.
type fakeTB struct {
	testing.TB
	mu       sync.Mutex
	skipped  string
	fatal    string
	logs     []string
	cleanups []func()
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Skip(args ...any) {
	f.mu.Lock()
	f.skipped = fmt.Sprint(args...)
	f.mu.Unlock()
	runtime.Goexit()
}
func (f *fakeTB) Fatal(args ...any) { f.Fatalf("%s", fmt.Sprint(args...)) }
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.mu.Lock()
	f.fatal = fmt.Sprintf(format, args...)
	f.mu.Unlock()
	runtime.Goexit()
}
func (f *fakeTB) Logf(format string, args ...any) {
	f.mu.Lock()
	f.logs = append(f.logs, fmt.Sprintf(format, args...))
	f.mu.Unlock()
}
func (f *fakeTB) Cleanup(fn func()) {
	f.mu.Lock()
	f.cleanups = append(f.cleanups, fn)
	f.mu.Unlock()
}

// run calls fn as a test body would run, then the cleanups, last first.
func (f *fakeTB) run(fn func(testing.TB)) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(f)
	}()
	<-done
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

func TestStartMissingBrowser(t *testing.T) {
	t.Parallel()
	cfg := defaultConfig()
	cfg.driver = filepath.Join(t.TempDir(), "no-chromedriver")
	cfg.browser = filepath.Join(t.TempDir(), "no-chromium")

	local := &fakeTB{TB: t}
	local.run(func(tb testing.TB) { start(tb, cfg, false) })
	assert.Empty(t, local.fatal)
	assert.Contains(t, local.skipped, "chromedriver not found at "+cfg.driver)
	assert.Contains(t, local.skipped, "chromium not found at "+cfg.browser)
	assert.Contains(t, local.skipped, "apt-get install -y chromium chromium-driver")

	ci := &fakeTB{TB: t}
	ci.run(func(tb testing.TB) { start(tb, cfg, true) })
	assert.Empty(t, ci.skipped)
	assert.Contains(t, ci.fatal, "chromedriver not found")
	assert.Contains(t, ci.fatal, "CI=true")
}

func TestStartSessionFails(t *testing.T) {
	t.Parallel()
	for mode, want := range map[string]string{
		"fail": "session not created: Chrome failed to start",
		"noid": "no session id",
	} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			cfg := defaultConfig()
			cfg.driver = fakeDriverScript(t, dir, mode)
			cfg.browser = "/bin/true"
			tb := &fakeTB{TB: t}
			tb.run(func(tb testing.TB) { start(tb, cfg, false) })
			assert.Contains(t, tb.fatal, want)
			if mode == "fail" {
				// The driver's log explains why.
				assert.Contains(t, tb.fatal, "fake chromedriver: Chrome failed to start: crashed.")
			}
			assertGone(t, dir)
		})
	}
}

func TestStartQuitFails(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := defaultConfig()
	cfg.driver = fakeDriverScript(t, dir, "quitfail")
	cfg.browser = "/bin/true"
	tb := &fakeTB{TB: t}
	tb.run(func(tb testing.TB) { start(tb, cfg, false) })
	assert.Empty(t, tb.fatal)
	require.Len(t, tb.logs, 1)
	assert.Contains(t, tb.logs[0], "quit session")
	assertGone(t, dir)
}

func TestStartDriverExits(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := defaultConfig()
	cfg.driver = fakeDriverScript(t, dir, "exit")
	cfg.browser = "/bin/true"
	tb := &fakeTB{TB: t}
	tb.run(func(tb testing.TB) { start(tb, cfg, false) })
	assert.Contains(t, tb.fatal, "chromedriver exited")
	assert.Contains(t, tb.fatal, "Address already in use")
}

func TestFindExecutable(t *testing.T) {
	t.Parallel()
	p, err := findExecutable("", "sh", "/nonexistent")
	require.NoError(t, err)
	assert.True(t, filepath.IsAbs(p))
	p, err = findExecutable("", "no-such-program-xyz", p)
	require.NoError(t, err, "falls back")
	assert.True(t, filepath.IsAbs(p))
	_, err = findExecutable("", "no-such-program-xyz", "/nonexistent/no-such-program-xyz")
	assert.EqualError(t, err, "no-such-program-xyz not installed (not in $PATH nor at /nonexistent/no-such-program-xyz)")
	_, err = findExecutable("/nonexistent/x", "chromium", "/usr/bin/chromium")
	assert.EqualError(t, err, "chromium not found at /nonexistent/x")
}

func TestOptions(t *testing.T) {
	t.Parallel()
	cfg := defaultConfig()
	for _, o := range []Option{WithWindowSize(0, 100), WithCommandTimeout(time.Microsecond), WithArgs("a"), WithArgs("b")} {
		o(&cfg)
	}
	assert.Equal(t, 420, cfg.width)
	assert.Equal(t, 860, cfg.height)
	assert.Equal(t, 30*time.Second, cfg.commandTimeout)
	assert.Equal(t, []string{"a", "b"}, cfg.args)
}

func TestShellQuote(t *testing.T) {
	t.Parallel()
	assert.Equal(t, `'/usr/bin/chromium'`, shellQuote("/usr/bin/chromium"))
	assert.Equal(t, `'it'\''s'`, shellQuote("it's"))
	if runtime.GOOS == "windows" {
		return
	}
	out, err := exec.Command("sh", "-c", "printf %s "+shellQuote(`a b'c"$HOME\`)).Output()
	require.NoError(t, err)
	assert.Equal(t, `a b'c"$HOME\`, string(out))
}

func TestBrowserWrapper(t *testing.T) {
	t.Parallel()
	echo, err := exec.LookPath("echo")
	if err != nil {
		t.Skip("no echo")
	}
	dir := t.TempDir()
	w := browserWrapper(dir, echo)
	if w == echo {
		t.Skip("no setpriv on this system: Chromium is started directly")
	}
	out, err := exec.Command(w, "--headless=new", "it's").Output()
	require.NoError(t, err)
	assert.Equal(t, "--headless=new it's\n", string(out))
	assert.Equal(t, echo, browserWrapper(filepath.Join(dir, "missing"), echo), "unwritable dir: no wrapper")
}
