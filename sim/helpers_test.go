package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/wxkit/mp/crypto"
)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *testClock {
	return &testClock{t: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newSim(t testing.TB, opts Options) *Sim {
	t.Helper()
	s, err := Start(opts)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

// do performs a raw HTTP call and decodes the JSON answer.
func do(t testing.TB, s *Sim, method, path string, q url.Values, body any) map[string]any {
	t.Helper()
	status, raw, _ := doRaw(t, s, method, path, q, body)
	require.Equal(t, http.StatusOK, status, string(raw))
	var out map[string]any
	require.NoError(t, json.Unmarshal(raw, &out), string(raw))
	// Failed calls carry "rid: …" in errmsg, like WeChat; the tests
	// compare the message without it (and check it is there).
	if msg, ok := out["errmsg"].(string); ok && errcode(out) != 0 {
		i := strings.LastIndex(msg, " rid: ")
		require.Positive(t, i, "errmsg %q carries a rid", msg)
		out["errmsg"] = msg[:i]
		out["rid"] = msg[i+len(" rid: "):]
	}
	return out
}

func doRaw(t testing.TB, s *Sim, method, path string, q url.Values, body any) (int, []byte, http.Header) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		require.NoError(t, err)
		rd = bytes.NewReader(j)
	}
	u := s.URL + path
	if q != nil {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequest(method, u, rd)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, raw, resp.Header
}

func token(t testing.TB, s *Sim) string {
	t.Helper()
	out := do(t, s, "GET", "/cgi-bin/token", url.Values{"grant_type": {"client_credential"}, "appid": {DefaultAppID}, "secret": {DefaultAppSecret}}, nil)
	require.NotEmpty(t, out["access_token"])
	return out["access_token"].(string)
}

// api calls an authenticated endpoint.
func api(t testing.TB, s *Sim, tok, method, path string, body any, extra ...string) map[string]any {
	t.Helper()
	q := url.Values{"access_token": {tok}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return do(t, s, method, path, q, body)
}

func errcode(m map[string]any) int {
	if v, ok := m["errcode"].(float64); ok {
		return int(v)
	}
	return 0
}

// pushed is one callback the test developer server received.
type pushed struct {
	Query url.Values
	Body  []byte // as received
	Plain []byte // decrypted
	Msg   map[string]string
}

// devServer is a developer's callback server written with crypto only.
type devServer struct {
	t     testing.TB
	env   *crypto.Envelope
	srv   *httptest.Server
	mu    sync.Mutex
	got   []pushed
	reply func(p pushed) string // plaintext reply XML ("" = none)
	raw   func(w http.ResponseWriter, p pushed) bool
}

func newDevServer(t testing.TB, s *Sim, reply func(p pushed) string) *devServer {
	t.Helper()
	a := s.Account()
	env, err := crypto.NewEnvelope(a.Token, a.EncodingAESKey, a.AppID)
	require.NoError(t, err)
	d := &devServer{t: t, env: env, reply: reply}
	d.srv = httptest.NewServer(http.HandlerFunc(d.serve))
	t.Cleanup(d.srv.Close)
	s.SetCallbackURL(d.srv.URL + "/wx")
	return d
}

func (d *devServer) serve(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if r.Method == http.MethodGet && d.env.CheckSignature(q.Get("timestamp"), q.Get("nonce"), q.Get("signature")) {
		_, _ = io.WriteString(w, q.Get("echostr")) // URL verification (服务器配置)
		return
	}
	body, _ := io.ReadAll(r.Body)
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "text/xml" ||
		!d.env.CheckSignature(q.Get("timestamp"), q.Get("nonce"), q.Get("signature")) {
		http.Error(w, "bad request", http.StatusForbidden)
		return
	}
	p := pushed{Query: q, Body: body, Plain: body}
	if q.Get("encrypt_type") == "aes" {
		plain, err := d.env.Open(q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce"), body)
		if err != nil {
			http.Error(w, "bad msg_signature", http.StatusForbidden)
			return
		}
		p.Plain = plain
	}
	p.Msg = flatXML(p.Plain)
	d.mu.Lock()
	d.got = append(d.got, p)
	d.mu.Unlock()
	d.mu.Lock()
	raw := d.raw
	d.mu.Unlock()
	if raw != nil && raw(w, p) {
		return
	}
	out := ""
	if d.reply != nil {
		out = d.reply(p)
	}
	if out == "" {
		_, _ = io.WriteString(w, "success")
		return
	}
	if q.Get("encrypt_type") == "aes" {
		sealed, err := d.env.Seal([]byte(out), q.Get("timestamp"), q.Get("nonce"))
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		_, _ = w.Write(sealed)
		return
	}
	_, _ = io.WriteString(w, out)
}

func (d *devServer) setRaw(f func(w http.ResponseWriter, p pushed) bool) {
	d.mu.Lock()
	d.raw = f
	d.mu.Unlock()
}

func (d *devServer) pushes() []pushed {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]pushed(nil), d.got...)
}

// waitPush waits for a push matching pred.
func (d *devServer) waitPush(pred func(pushed) bool) pushed {
	d.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		for _, p := range d.pushes() {
			if pred(p) {
				return p
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	d.t.Fatalf("no matching push")
	return pushed{}
}

// flatXML maps the top-level (and nested leaf) element names to text.
func flatXML(b []byte) map[string]string {
	out := map[string]string{}
	dec := xml.NewDecoder(bytes.NewReader(b))
	var stack []string
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		switch v := tok.(type) {
		case xml.StartElement:
			stack = append(stack, v.Name.Local)
			text.Reset()
		case xml.CharData:
			text.Write(v)
		case xml.EndElement:
			if len(stack) > 0 {
				if _, ok := out[v.Name.Local]; !ok {
					out[v.Name.Local] = text.String()
				}
				stack = stack[:len(stack)-1]
			}
			text.Reset()
		}
	}
}

// textReply builds a passive text reply to the push.
func textReply(p pushed, content string) string {
	return "<xml><ToUserName><![CDATA[" + p.Msg["FromUserName"] + "]]></ToUserName><FromUserName><![CDATA[" +
		p.Msg["ToUserName"] + "]]></FromUserName><CreateTime>" + p.Msg["CreateTime"] +
		"</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[" + strings.ReplaceAll(content, "]]>", "]]]]><![CDATA[>") + "]]></Content></xml>"
}

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func sprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }
