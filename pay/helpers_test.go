package pay_test

import (
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wxkit/mp/pay"
)

const (
	testMchID        = "1900000109"
	testMchSerial    = "3775B6A45ACD588826DA4E4C2B2DE5F5E1F2B3C4"
	testAPIv3Key     = "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb"
	testPlatSerial   = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
	testPlat2Serial  = "6B3A4F1E2D9C8B7A6F5E4D3C2B1A09F8E7D6C5B4"
	testPubKeyID     = "PUB_KEY_ID_0119000001092027030100111100000001"
	testAppID        = "wxd678efh567hg6787"
	testOpenID       = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
	testNotifyURL    = "https://www.weixin.qq.com/wxpay/pay.php"
	signTestResponse = "WECHATPAY/SIGNTEST/ZGViZWFkYmVlZg=="
)

// testNow is after the notBefore of the generated fixtures.
var testNow = time.Date(2027, 3, 1, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

func testClock() time.Time { return testNow }

type fixtureSet struct {
	merchantKey  *rsa.PrivateKey
	platKey      *rsa.PrivateKey
	platCert     *x509.Certificate
	platPEM      []byte
	plat2Key     *rsa.PrivateKey
	plat2Cert    *x509.Certificate
	plat2PEM     []byte
	pubKeyPriv   *rsa.PrivateKey
	pubKey       *rsa.PublicKey
	merchantCert *x509.Certificate
}

var loadFixtures = sync.OnceValue(func() *fixtureSet {
	read := func(name string) []byte {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			panic(err)
		}
		return b
	}
	must := func(k *rsa.PrivateKey, err error) *rsa.PrivateKey {
		if err != nil {
			panic(err)
		}
		return k
	}
	cert := func(b []byte) *x509.Certificate {
		c, err := pay.LoadCertificate(b)
		if err != nil {
			panic(err)
		}
		return c
	}
	f := &fixtureSet{
		merchantKey:  must(pay.LoadPrivateKey(read("merchant_key.pem"))),
		platKey:      must(pay.LoadPrivateKey(read("platform_key.pem"))),
		platPEM:      read("platform_cert.pem"),
		plat2Key:     must(pay.LoadPrivateKey(read("platform2_key.pem"))),
		plat2PEM:     read("platform2_cert.pem"),
		pubKeyPriv:   must(pay.LoadPrivateKey(read("wechatpay_pub_key.pem"))),
		merchantCert: cert(read("merchant_cert.pem")),
	}
	f.platCert = cert(f.platPEM)
	f.plat2Cert = cert(f.plat2PEM)
	pk, err := pay.LoadPublicKey(read("wechatpay_pub.pem"))
	if err != nil {
		panic(err)
	}
	f.pubKey = pk
	return f
})

func testConfig() pay.Config {
	return pay.Config{MchID: testMchID, CertSerial: testMchSerial, PrivateKey: loadFixtures().merchantKey, APIv3Key: testAPIv3Key}
}

// signWith signs "ts\nnonce\nbody\n" like WeChat Pay does.
func signWith(key *rsa.PrivateKey, ts, nonce string, body []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n", ts, nonce)
	h.Write(body)
	h.Write([]byte("\n"))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, h.Sum(nil))
	if err != nil {
		panic(err)
	}
	return base64.StdEncoding.EncodeToString(sig)
}

// signedHeader returns the four Wechatpay-* headers for body.
func signedHeader(key *rsa.PrivateKey, serial string, ts time.Time, body []byte) http.Header {
	h := http.Header{}
	sec := strconv.FormatInt(ts.Unix(), 10)
	nonce := "fdasfsdfwe8a7sfd6sfaf7dfs9dfsf8a"
	h.Set("Wechatpay-Timestamp", sec)
	h.Set("Wechatpay-Nonce", nonce)
	h.Set("Wechatpay-Serial", serial)
	h.Set("Wechatpay-Signature", signWith(key, sec, nonce, body))
	h.Set("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048")
	return h
}

// gcmSeal encrypts like WeChat Pay: base64(ciphertext||tag).
func gcmSeal(key, nonce, ad, plaintext string) string {
	block, err := aes.NewCipher([]byte(key))
	if err != nil {
		panic(err)
	}
	g, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return base64.StdEncoding.EncodeToString(g.Seal(nil, []byte(nonce), []byte(plaintext), []byte(ad)))
}

// certificatesBody builds a GET /v3/certificates answer in the documented format.
func certificatesBody(apiV3Key string, certs map[string][]byte) []byte {
	type enc struct {
		Algorithm      string `json:"algorithm"`
		Nonce          string `json:"nonce"`
		AssociatedData string `json:"associated_data"`
		Ciphertext     string `json:"ciphertext"`
	}
	type item struct {
		SerialNo           string `json:"serial_no"`
		EffectiveTime      string `json:"effective_time"`
		ExpireTime         string `json:"expire_time"`
		EncryptCertificate enc    `json:"encrypt_certificate"`
	}
	var data []item
	for serial, pemBytes := range certs {
		data = append(data, item{
			SerialNo:      serial,
			EffectiveTime: "2026-11-22T22:28:37+08:00",
			ExpireTime:    "2126-10-29T22:28:37+08:00",
			EncryptCertificate: enc{Algorithm: "AEAD_AES_256_GCM", Nonce: "61f9c719728a", AssociatedData: "certificate",
				Ciphertext: gcmSeal(apiV3Key, "61f9c719728a", "certificate", string(pemBytes))},
		})
	}
	b, _ := json.Marshal(map[string]any{"data": data})
	return b
}

// recorded is a request seen by the fake server.
type recorded struct {
	Method, Path, Query string
	Body                []byte
	Header              http.Header
}

// signer is how the fake WeChat Pay signs its answers.
type signer struct {
	key    *rsa.PrivateKey
	serial string
}

// fakePay is a fake WeChat Pay APIv3 server on 127.0.0.1.
type fakePay struct {
	t   testing.TB
	srv *httptest.Server
	mux *http.ServeMux

	mu   sync.Mutex
	reqs []recorded
	sign signer
	now  time.Time
}

func newFakePay(t testing.TB) *fakePay {
	f := &fakePay{t: t, mux: http.NewServeMux(), now: testNow,
		sign: signer{key: loadFixtures().platKey, serial: testPlatSerial}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, recorded{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery, Body: body, Header: r.Header.Clone()})
		f.mu.Unlock()
		if err := checkAuthorization(r, body); err != nil {
			t.Errorf("bad Authorization on %s %s: %v", r.Method, r.URL.Path, err)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		f.mux.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakePay) setSigner(s signer) {
	f.mu.Lock()
	f.sign = s
	f.mu.Unlock()
}

func (f *fakePay) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

func (f *fakePay) count(path string) int {
	n := 0
	for _, r := range f.requests() {
		if r.Path == path {
			n++
		}
	}
	return n
}

// reply writes a signed answer; headers the handler already set win.
func (f *fakePay) reply(w http.ResponseWriter, status int, body string) {
	f.mu.Lock()
	s, now := f.sign, f.now
	f.mu.Unlock()
	for k, v := range signedHeader(s.key, s.serial, now, []byte(body)) {
		if _, set := w.Header()[k]; !set {
			w.Header()[k] = v
		}
	}
	w.Header().Set("Request-ID", "08F78BB5AF0610D302189F99DD5C20BA56F89845-0")
	if body != "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func (f *fakePay) handle(pattern string, status int, body string) {
	f.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) { f.reply(w, status, body) })
}

func (f *fakePay) handleFunc(pattern string, h http.HandlerFunc) { f.mux.HandleFunc(pattern, h) }

// client returns a client that trusts the platform certificate fixture.
func (f *fakePay) client(t testing.TB, opts ...pay.Option) *pay.Client {
	return f.newClient(t, true, opts...)
}

func (f *fakePay) newClient(t testing.TB, withCert bool, opts ...pay.Option) *pay.Client {
	base := []pay.Option{pay.WithBaseURL(f.srv.URL), pay.WithClock(testClock), pay.WithHTTPClient(f.srv.Client())}
	if withCert {
		base = append(base, pay.WithPlatformCertificate(loadFixtures().platCert))
	}
	c, err := pay.NewClient(testConfig(), append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkAuthorization parses the Authorization header and verifies it with the
// merchant public key over METHOD\nURI\nts\nnonce\nbody\n.
func checkAuthorization(r *http.Request, body []byte) error {
	auth := r.Header.Get("Authorization")
	const scheme = "WECHATPAY2-SHA256-RSA2048 "
	if !strings.HasPrefix(auth, scheme) {
		return fmt.Errorf("scheme: %q", auth)
	}
	parts := map[string]string{}
	for _, kv := range strings.Split(strings.TrimPrefix(auth, scheme), ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
			return fmt.Errorf("bad part %q", kv)
		}
		parts[k] = v[1 : len(v)-1]
	}
	if parts["mchid"] != testMchID && parts["mchid"] != "1900000222" {
		return fmt.Errorf("mchid %q", parts["mchid"])
	}
	if parts["serial_no"] == "" || parts["nonce_str"] == "" || parts["timestamp"] == "" {
		return fmt.Errorf("missing parts: %v", parts)
	}
	if r.Header.Get("Accept") != "application/json" || r.Header.Get("User-Agent") == "" {
		return fmt.Errorf("missing Accept/User-Agent")
	}
	msg := r.Method + "\n" + r.URL.RequestURI() + "\n" + parts["timestamp"] + "\n" + parts["nonce_str"] + "\n" + string(body) + "\n"
	sum := sha256.Sum256([]byte(msg))
	sig, err := base64.StdEncoding.DecodeString(parts["signature"])
	if err != nil {
		return err
	}
	key := loadFixtures().merchantKey
	if parts["mchid"] == "1900000222" {
		key = otherMerchantKey()
	}
	return rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, sum[:], sig)
}

// otherMerchantKey is a second merchant's key (the platform2 fixture key
// reused) for the side-by-side test.
func otherMerchantKey() *rsa.PrivateKey { return loadFixtures().plat2Key }

func jsonEq(t testing.TB, want string, got []byte) {
	t.Helper()
	var a, b any
	if err := json.Unmarshal([]byte(want), &a); err != nil {
		t.Fatalf("bad want JSON: %v", err)
	}
	if err := json.Unmarshal(got, &b); err != nil {
		t.Fatalf("bad got JSON %q: %v", got, err)
	}
	aj, _ := json.Marshal(a)
	bj, _ := json.Marshal(b)
	if !bytes.Equal(aj, bj) {
		t.Fatalf("JSON mismatch\nwant %s\n got %s", aj, bj)
	}
}
