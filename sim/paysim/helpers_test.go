package paysim

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// loadKey reads an RSA key from testdata (pre-generated so that tests do not
// spend seconds generating keys under -race).
func loadKey(t testing.TB, name string) *rsa.PrivateKey {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	block, _ := pem.Decode(data)
	require.NotNil(t, block)
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	require.NoError(t, err)
	return k.(*rsa.PrivateKey)
}

// fixture is a platform served by httptest with one merchant whose private
// key the test holds.
type fixture struct {
	t        testing.TB
	p        *Platform
	srv      *httptest.Server
	mchid    string
	serial   string
	apiV3Key string
	key      *rsa.PrivateKey
}

func newFixture(t testing.TB, tweak ...func(*Options)) *fixture {
	t.Helper()
	mk := loadKey(t, "merchant_key.pem")
	f := &fixture{
		t:        t,
		mchid:    "1900009191",
		serial:   "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C",
		apiV3Key: "0123456789abcdefghijABCDEFGHIJ01",
		key:      mk,
	}
	opts := Options{
		Merchants: []Merchant{{
			MchID:             f.mchid,
			APIv3Key:          f.apiV3Key,
			MerchantPublicKey: &mk.PublicKey,
			MerchantSerial:    f.serial,
		}},
		PlatformKey:       loadKey(t, "platform_key.pem"),
		PublicKeyKey:      loadKey(t, "pubkey_key.pem"),
		NotifyRetryDelays: []time.Duration{},
		RefundDelay:       20 * time.Millisecond,
	}
	for _, tw := range tweak {
		tw(&opts)
	}
	p, err := New(opts)
	require.NoError(t, err)
	f.p = p
	f.srv = httptest.NewServer(p.Handler())
	t.Cleanup(func() {
		f.srv.Close()
		_ = p.Close()
	})
	return f
}

// authHeader signs a request the way the WeChat Pay docs describe (签名生成),
// independently of the package's own helpers.
func (f *fixture) authHeader(method, uri string, body []byte, ts time.Time, key *rsa.PrivateKey) string {
	nonce := fmt.Sprintf("%X", randBytes(16))
	tsS := strconv.FormatInt(ts.Unix(), 10)
	msg := method + "\n" + uri + "\n" + tsS + "\n" + nonce + "\n" + string(body) + "\n"
	sum := sha256.Sum256([]byte(msg))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	require.NoError(f.t, err)
	return fmt.Sprintf(`WECHATPAY2-SHA256-RSA2048 mchid="%s",nonce_str="%s",signature="%s",timestamp="%s",serial_no="%s"`,
		f.mchid, nonce, base64.StdEncoding.EncodeToString(sig), tsS, f.serial)
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r *response) json(t testing.TB, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.body, v), string(r.body))
}

func (r *response) apiError(t testing.TB) APIError {
	t.Helper()
	var e APIError
	r.json(t, &e)
	return e
}

// do sends a signed request; body may be nil, []byte, string or a value to
// marshal. extra headers are set after signing.
func (f *fixture) do(method, uri string, body any, extra ...string) *response {
	f.t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case []byte:
		raw = b
	case string:
		raw = []byte(b)
	default:
		var err error
		raw, err = json.Marshal(b)
		require.NoError(f.t, err)
	}
	return f.send(method, uri, raw, f.authHeader(method, uri, raw, time.Now(), f.key), extra...)
}

func (f *fixture) send(method, uri string, raw []byte, auth string, extra ...string) *response {
	f.t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+uri, bytes.NewReader(raw))
	require.NoError(f.t, err)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Accept", "application/json")
	if raw != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(extra); i += 2 {
		req.Header.Set(extra[i], extra[i+1])
	}
	resp, err := f.srv.Client().Do(req)
	require.NoError(f.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(f.t, err)
	return &response{status: resp.StatusCode, header: resp.Header, body: b}
}

// verify checks a signed answer or notification with the platform key that
// its Wechatpay-Serial names, as a merchant must (验证应答签名).
func (f *fixture) verify(t testing.TB, h http.Header, body []byte) error {
	t.Helper()
	var key *rsa.PublicKey
	switch h.Get("Wechatpay-Serial") {
	case f.p.CertificateSerial():
		key = f.p.Certificate().PublicKey.(*rsa.PublicKey)
	case f.p.PublicKeyID():
		block, _ := pem.Decode(f.p.PublicKeyPEM())
		pk, err := x509.ParsePKIXPublicKey(block.Bytes)
		require.NoError(t, err)
		key = pk.(*rsa.PublicKey)
	default:
		return fmt.Errorf("unknown serial %q", h.Get("Wechatpay-Serial"))
	}
	ts, err := strconv.ParseInt(h.Get("Wechatpay-Timestamp"), 10, 64)
	if err != nil {
		return err
	}
	if d := time.Since(time.Unix(ts, 0)); d > MaxClockSkew || d < -MaxClockSkew {
		return fmt.Errorf("stale timestamp")
	}
	sig, err := base64.StdEncoding.DecodeString(h.Get("Wechatpay-Signature"))
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(h.Get("Wechatpay-Timestamp") + "\n" + h.Get("Wechatpay-Nonce") + "\n" + string(body) + "\n"))
	return rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig)
}

func (f *fixture) requireSigned(t testing.TB, r *response) {
	t.Helper()
	require.NoError(t, f.verify(t, r.header, r.body), "response must be signed")
	require.NotEmpty(t, r.header.Get("Request-ID"))
}

// receiver is a merchant notify_url endpoint recording what it gets.
type receiver struct {
	srv   *httptest.Server
	got   chan received
	mu    sync.Mutex
	codes []int // statuses to answer, in order; 200 when exhausted
	hits  int
}

type received struct {
	header http.Header
	body   []byte
	method string
	path   string
}

func newReceiver(t testing.TB, codes ...int) *receiver {
	rc := &receiver{got: make(chan received, 32), codes: codes}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		code := http.StatusOK
		if rc.hits < len(rc.codes) {
			code = rc.codes[rc.hits]
		}
		rc.hits++
		rc.mu.Unlock()
		rc.got <- received{header: r.Header.Clone(), body: b, method: r.Method, path: r.URL.Path}
		if code == http.StatusOK || code == http.StatusNoContent {
			w.WriteHeader(code)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_, _ = w.Write([]byte(`{"code":"FAIL","message":"失败"}`))
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) next(t testing.TB) received {
	t.Helper()
	select {
	case r := <-rc.got:
		return r
	case <-time.After(5 * time.Second):
		t.Fatal("no notification arrived")
		return received{}
	}
}

// decode parses a notification and decrypts its resource into v.
func (f *fixture) decode(t testing.TB, r received, v any) Notification {
	t.Helper()
	var n Notification
	require.NoError(t, json.Unmarshal(r.body, &n))
	plain, err := DecryptResource(f.apiV3Key, n.Resource.Nonce, n.Resource.AssociatedData, n.Resource.Ciphertext)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(plain, v))
	return n
}

func jsapiOrder(f *fixture, outTradeNo, notifyURL string, total int64) map[string]any {
	return map[string]any{
		"appid":        "wxd678efh567hg6787",
		"mchid":        f.mchid,
		"description":  "Image形象店-深圳腾大-QQ公仔",
		"out_trade_no": outTradeNo,
		"notify_url":   notifyURL,
		"attach":       "自定义数据",
		"amount":       map[string]any{"total": total, "currency": "CNY"},
		"payer":        map[string]any{"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
	}
}

// createJSAPI places a JSAPI order and returns its prepay_id.
func (f *fixture) createJSAPI(t testing.TB, outTradeNo, notifyURL string, total int64) string {
	t.Helper()
	r := f.do("POST", "/v3/pay/transactions/jsapi", jsapiOrder(f, outTradeNo, notifyURL, total))
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	var pr PrepayResponse
	r.json(t, &pr)
	require.NotEmpty(t, pr.PrepayID)
	return pr.PrepayID
}
