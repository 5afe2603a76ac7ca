package webdriver

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// request is a command as the fake remote end received it.
type request struct {
	Method string
	Path   string
	Body   string
}

// reply is a canned answer of the fake remote end.
type reply struct {
	status int
	body   string
}

func ok(value string) reply { return reply{http.StatusOK, `{"value":` + value + `}`} }

func wdErr(status int, code, msg string) reply {
	b, _ := json.Marshal(map[string]any{"value": map[string]string{"error": code, "message": msg, "stacktrace": "#0 0x0\n#1 0x1"}})
	return reply{status, string(b)}
}

// fakeDriver is a scripted WebDriver remote end: each "METHOD /path" has a
// queue of replies, the last of which repeats.
type fakeDriver struct {
	t   testing.TB
	srv *httptest.Server

	mu      sync.Mutex
	replies map[string][]reply
	got     []request
}

func newFakeDriver(t testing.TB) *fakeDriver {
	f := &fakeDriver{t: t, replies: map[string][]reply{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeDriver) on(methodPath string, rs ...reply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.replies[methodPath] = rs
}

func (f *fakeDriver) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	key := r.Method + " " + r.URL.EscapedPath()
	f.mu.Lock()
	f.got = append(f.got, request{Method: r.Method, Path: r.URL.EscapedPath(), Body: string(body)})
	rs := f.replies[key]
	var rp reply
	switch len(rs) {
	case 0:
		rp = wdErr(http.StatusNotFound, CodeUnknownCommand, "no reply scripted for "+key)
	case 1:
		rp = rs[0]
	default:
		rp, f.replies[key] = rs[0], rs[1:]
	}
	f.mu.Unlock()
	if r.Method == http.MethodPost && r.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		rp = wdErr(http.StatusBadRequest, CodeInvalidArgument, "bad content type")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(rp.status)
	_, _ = io.WriteString(w, rp.body)
}

// requests returns what was received so far.
func (f *fakeDriver) requests() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.got...)
}

// session returns a Session talking to the fake as session "sid-1".
func (f *fakeDriver) session() *Session {
	c := newClient(f.srv.URL, 2*time.Second, nil)
	f.t.Cleanup(c.close)
	return newSession(c, "sid-1")
}

const (
	sp    = "/session/sid-1"
	elRef = `{"element-6066-11e4-a52e-4f735466cecf":"e1"}`
)
