package simtest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wxkit/mp/sim"
)

// fatalTB records Fatalf instead of stopping the test.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}
func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
}

func TestCallbackRefusesBrokenGET(t *testing.T) {
	t.Parallel()
	s, _ := New(t, sim.Options{})
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "success") // answers POST well, GET wrong
	}))
	t.Cleanup(broken.Close)
	ft := &fatalTB{TB: t}
	Callback(ft, s, broken.URL)
	if !strings.Contains(ft.msg, "fails WeChat's URL verification") {
		t.Fatalf("Callback accepted a bot that does not echo echostr: %q", ft.msg)
	}

	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.URL.Query().Get("echostr"))
	}))
	t.Cleanup(good.Close)
	ft = &fatalTB{TB: t}
	Callback(ft, s, good.URL)
	if ft.msg != "" {
		t.Fatalf("Callback refused a good bot: %s", ft.msg)
	}
	ft = &fatalTB{TB: t}
	New(ft, sim.Options{CallbackURL: broken.URL})
	if ft.msg == "" {
		t.Fatal("New accepted a CallbackURL whose bot fails URL verification")
	}
}
