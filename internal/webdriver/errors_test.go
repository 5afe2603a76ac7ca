package webdriver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeResponse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		body   string
		value  string
		err    error
	}{
		{"null", 200, `{"value":null}`, `null`, nil},
		{"string", 200, `{"value":"x"}`, `"x"`, nil},
		{"object with error member is a value on 200", 200, `{"value":{"error":"x"}}`, `{"error":"x"}`, nil},
		{"extra members", 200, `{"sessionId":"s","status":0,"value":[1]}`, `[1]`, nil},
		{"webdriver error", 404, `{"value":{"error":"no such element","message":"m","stacktrace":"s"}}`, "",
			&Error{Code: "no such element", Message: "m", Status: 404, Command: "POST /element"}},
		{"error without code", 500, `{"value":{"message":"m"}}`, "",
			&ProtocolError{Status: 500, Command: "POST /element", Reason: "error status without error code", Body: `{"value":{"message":"m"}}`}},
		{"error with non-object value", 500, `{"value":"oops"}`, "",
			&ProtocolError{Status: 500, Command: "POST /element", Reason: "error status without error code", Body: `{"value":"oops"}`}},
		{"not JSON", 502, `<html>Bad Gateway</html>`, "",
			&ProtocolError{Status: 502, Command: "POST /element", Reason: "invalid JSON", Body: `<html>Bad Gateway</html>`}},
		{"no value", 200, `{"status":0}`, "",
			&ProtocolError{Status: 200, Command: "POST /element", Reason: `no "value"`, Body: `{"status":0}`}},
		{"empty", 200, ``, "",
			&ProtocolError{Status: 200, Command: "POST /element", Reason: "invalid JSON", Body: ``}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v, err := decodeResponse("POST /element", tc.status, []byte(tc.body))
			if tc.err != nil {
				assert.Equal(t, tc.err, err)
				assert.Nil(t, v)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.value, string(v))
		})
	}
}

func TestErrorStrings(t *testing.T) {
	t.Parallel()
	e := &Error{Code: CodeNoSuchElement, Message: "no such element: Unable to locate element\r\n  (Session info: chrome=156)", Status: 404}
	assert.Equal(t, "webdriver: no such element: no such element: Unable to locate element", e.Error())
	e.Command = "POST /element"
	assert.Equal(t, "webdriver: POST /element: no such element: no such element: Unable to locate element", e.Error())

	long := strings.Repeat("é", 300)
	pe := &ProtocolError{Status: 502, Command: "GET /title", Reason: "invalid JSON", Body: clip([]byte(long))}
	assert.True(t, strings.HasPrefix(pe.Error(), `webdriver: GET /title: bad response (HTTP 502): invalid JSON: "éé`))
	assert.Len(t, clip([]byte(long)), 200+len("…"))
}

func TestIsCode(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("step 3: %w", &Error{Code: CodeStaleElementReference})
	assert.True(t, IsCode(err, CodeStaleElementReference))
	assert.False(t, IsCode(err, CodeNoSuchElement))
	assert.False(t, IsCode(errors.New("x"), CodeNoSuchElement))
	assert.False(t, IsCode(nil, CodeNoSuchElement))
}

func TestClientTransportErrors(t *testing.T) {
	t.Parallel()
	f := newFakeDriver(t)
	f.srv.Close()
	_, err := f.session().Title()
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "webdriver: GET /title: "), err.Error())

	c := newClient("http://127.0.0.1:1\x7f", time.Second, nil)
	_, err = c.do(context.Background(), "GET", "/status", "GET /status", nil)
	assert.ErrorContains(t, err, "webdriver: GET /status")
}

func TestClientNotJSON(t *testing.T) {
	t.Parallel()
	f := newFakeDriver(t)
	f.on("GET "+sp+"/title", reply{http.StatusBadGateway, "<html>proxy</html>"})
	_, err := f.session().Title()
	var pe *ProtocolError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, &ProtocolError{Status: 502, Command: "GET /title", Reason: "invalid JSON", Body: "<html>proxy</html>"}, pe)
}

// recordHandler keeps the messages and attributes of the records it gets.
type recordHandler struct {
	slog.Handler
	lines *[]string
}

func (recordHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h recordHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Level.String() + " " + r.Message)
	r.Attrs(func(a slog.Attr) bool {
		if a.Key != "took" {
			b.WriteString(" " + a.String())
		}
		return true
	})
	*h.lines = append(*h.lines, b.String())
	return nil
}

func TestClientLogs(t *testing.T) {
	t.Parallel()
	f := newFakeDriver(t)
	f.on("GET "+sp+"/title", ok(`"t"`))
	var lines []string
	logger := slog.New(recordHandler{Handler: slog.DiscardHandler, lines: &lines})
	cfg := defaultConfig()
	WithLogger(logger)(&cfg)
	c := newClient(f.srv.URL, cfg.commandTimeout, cfg.logger)
	_, err := newSession(c, "sid-1").Title()
	require.NoError(t, err)
	assert.Equal(t, []string{"DEBUG webdriver command method=GET path=/session/sid-1/title status=200"}, lines)
}

func FuzzDecodeResponse(f *testing.F) {
	f.Add(200, []byte(`{"value":null}`))
	f.Add(200, []byte(`{"value":{"element-6066-11e4-a52e-4f735466cecf":"e1"}}`))
	f.Add(404, []byte(`{"value":{"error":"no such element","message":"m\n(Session info)","stacktrace":""}}`))
	f.Add(500, []byte(`{"value":{"error":"","message":"m"}}`))
	f.Add(502, []byte(`<html></html>`))
	f.Add(200, []byte(`{"value":"\ud800"}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		v, err := decodeResponse("GET /x", status, body)
		if err != nil {
			if v != nil {
				t.Fatalf("value %q with error %v", v, err)
			}
			_ = err.Error()
			var we *Error
			if errors.As(err, &we) && (we.Code == "" || status >= 200 && status <= 299) {
				t.Fatalf("bad *Error %+v", we)
			}
			return
		}
		if status < 200 || status > 299 {
			t.Fatalf("status %d accepted", status)
		}
		if !json.Valid(v) {
			t.Fatalf("invalid value %q", v)
		}
		// Callers decode strings from it; that must not panic either.
		s, _ := decodeString("GET /x", v)
		_ = utf8.ValidString(s)
	})
}

func BenchmarkDecodeResponse(b *testing.B) {
	ok := []byte(`{"value":{"element-6066-11e4-a52e-4f735466cecf":"f.D7673E8FC47940BEC1804CE82DAF4A3B.d.6181DFFF4307577DC4F2B5386B51AB24.e.1"}}`)
	bad := []byte(`{"value":{"error":"no such element","message":"no such element: Unable to locate element: {\"method\":\"css selector\",\"selector\":\"#nope\"}","stacktrace":"#0 0x55d2 <unknown>\n#1 0x55d3 <unknown>\n"}}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeResponse("POST /element", 200, ok); err != nil {
			b.Fatal(err)
		}
		if _, err := decodeResponse("POST /element", 404, bad); err == nil {
			b.Fatal("no error")
		}
	}
}

func BenchmarkFind(b *testing.B) {
	f := newFakeDriver(b)
	f.on("POST "+sp+"/element", ok(elRef))
	s := f.session()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Find("#msg"); err != nil {
			b.Fatal(err)
		}
	}
}
