package payv2

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	testAppID = "wx2421b1c4370ec43b"
	testMchID = "10000100"
	testKey   = "192006250b4c09247ec02edce69f6a2d"
)

// seqReader is a deterministic, never-ending randomness source for nonces.
type seqReader struct{ n byte }

func (r *seqReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = r.n
		r.n++
	}
	return len(p), nil
}

// fakeClock is a manual clock whose sleep advances time instantly.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2024, 5, 20, 13, 14, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.sleeps = append(c.sleeps, d)
	return nil
}

func testConfig() Config {
	return Config{AppID: testAppID, MchID: testMchID, APIKey: testKey}
}

func newTestClient(t *testing.T, baseURL string, opts ...Option) *Client {
	t.Helper()
	all := append([]Option{WithBaseURL(baseURL), WithRandom(&seqReader{})}, opts...)
	c, err := NewClient(testConfig(), all...)
	require.NoError(t, err)
	return c
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// signFixture parses a doc-format fixture, signs it with key (MD5 or
// HMAC-SHA256) and inserts <sign> before </xml>, keeping the original
// layout so the parser sees the doc's exact format.
func signFixture(t testing.TB, raw []byte, signType SignType, key string) []byte {
	t.Helper()
	m, err := ParseXML(raw)
	require.NoError(t, err)
	sign, err := Sign(m, signType, key)
	require.NoError(t, err)
	i := bytes.LastIndex(raw, []byte("</xml>"))
	require.GreaterOrEqual(t, i, 0)
	out := append([]byte{}, raw[:i]...)
	out = append(out, "   <sign><![CDATA["+sign+"]]></sign>\n"...)
	return append(out, raw[i:]...)
}

// recorded is one request seen by the fake WeChat Pay server.
type recorded struct {
	Method      string
	Path        string
	RawQuery    string
	ContentType string
	Params      map[string]string
	SignErr     error
}

// fakeServer answers each path with a canned body and records requests. It
// verifies every request signature with key.
type fakeServer struct {
	*httptest.Server
	t   testing.TB
	key string

	mu       sync.Mutex
	reqs     []recorded
	handlers map[string]func(call int, req map[string]string) []byte
	calls    map[string]int
}

func newFakeServer(t testing.TB, key string) *fakeServer {
	fs := &fakeServer{t: t, key: key, handlers: map[string]func(int, map[string]string) []byte{}, calls: map[string]int{}}
	fs.Server = httptest.NewServer(http.HandlerFunc(fs.serve))
	t.Cleanup(fs.Close)
	return fs
}

func (fs *fakeServer) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	m, err := ParseXML(body)
	rec := recorded{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, ContentType: r.Header.Get("Content-Type"), Params: m}
	if err == nil {
		rec.SignErr = VerifySignature(m, fs.key)
	} else {
		rec.SignErr = err
	}
	fs.mu.Lock()
	fs.reqs = append(fs.reqs, rec)
	h := fs.handlers[r.URL.Path]
	n := fs.calls[r.URL.Path]
	fs.calls[r.URL.Path] = n + 1
	fs.mu.Unlock()
	if h == nil {
		http.NotFound(w, r)
		return
	}
	_, _ = w.Write(h(n, m))
}

// on answers path with the given bodies in turn (the last one repeats).
func (fs *fakeServer) on(path string, bodies ...[]byte) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.handlers[path] = func(call int, _ map[string]string) []byte {
		if call >= len(bodies) {
			call = len(bodies) - 1
		}
		return bodies[call]
	}
}

// onSigned answers path with signed fixtures, in turn.
func (fs *fakeServer) onSigned(path string, fixtures ...string) {
	bodies := make([][]byte, len(fixtures))
	for i, f := range fixtures {
		bodies[i] = signFixture(fs.t, readFixture(fs.t, f), SignTypeMD5, fs.key)
	}
	fs.on(path, bodies...)
}

func (fs *fakeServer) requests() []recorded {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]recorded(nil), fs.reqs...)
}

// assertRequest checks the common shape of a signed v2 request.
func assertRequest(t *testing.T, r recorded, path string) {
	t.Helper()
	require.Equal(t, http.MethodPost, r.Method)
	require.Equal(t, path, r.Path)
	require.Empty(t, r.RawQuery)
	require.True(t, strings.HasPrefix(r.ContentType, "text/xml"), r.ContentType)
	require.NoError(t, r.SignErr, "request signature")
	require.Equal(t, testAppID, r.Params["appid"])
	require.Equal(t, testMchID, r.Params["mch_id"])
	require.Len(t, r.Params["nonce_str"], 32)
}

// encryptReqInfo is the test-side inverse of DecryptReqInfo.
func encryptReqInfo(t testing.TB, plain []byte, apiKey string) string {
	t.Helper()
	sum := md5.Sum([]byte(apiKey))
	block, err := aes.NewCipher([]byte(hex.EncodeToString(sum[:])))
	require.NoError(t, err)
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	buf := append(append([]byte{}, plain...), bytes.Repeat([]byte{byte(pad)}, pad)...)
	for i := 0; i < len(buf); i += aes.BlockSize {
		block.Encrypt(buf[i:i+aes.BlockSize], buf[i:i+aes.BlockSize])
	}
	return base64.StdEncoding.EncodeToString(buf)
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func mustB64(t testing.TB, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	require.NoError(t, err)
	return b
}
