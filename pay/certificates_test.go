package pay_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wxkit/mp/pay"
)

func bothCerts() map[string][]byte {
	fx := loadFixtures()
	return map[string][]byte{testPlatSerial: fx.platPEM, testPlat2Serial: fx.plat2PEM}
}

func TestRefreshCertificatesBootstrap(t *testing.T) {
	t.Parallel()
	fx := loadFixtures()
	f := newFakePay(t)
	f.handle("GET /v3/certificates", 200, string(certificatesBody(testAPIv3Key, bothCerts())))
	f.handle("POST /v3/pay/transactions/jsapi", 200, `{"prepay_id":"wx1"}`)
	c := f.newClient(t, false)
	certs, err := c.DownloadCertificates(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(certs) != 2 || certs[0].PublicKey == nil || !strings.Contains(certs[0].PEM, "BEGIN CERTIFICATE") ||
		certs[0].ExpireTime.Year() != 2126 {
		t.Fatalf("certs %+v", certs)
	}
	if len(c.KeyStore().Serials()) != 0 {
		t.Fatal("DownloadCertificates changed the key store")
	}
	if err := c.RefreshCertificates(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := c.KeyStore().Serials(); len(got) != 2 || got[0] != testPlatSerial || got[1] != testPlat2Serial {
		t.Fatalf("serials %v", got)
	}
	if c.PublicKeyMode() {
		t.Fatal("public key mode")
	}
	f.setSigner(signer{fx.plat2Key, testPlat2Serial})
	if _, err := c.CreateJSAPIOrder(context.Background(), jsapiOrder()); err != nil {
		t.Fatal(err)
	}
	r := f.requests()[0]
	if r.Method != "GET" || r.Path != "/v3/certificates" || r.Query != "" || len(r.Body) != 0 {
		t.Fatalf("%+v", r)
	}
	// Sensitive data can now be encrypted with a platform certificate.
	_, serial, err := c.EncryptSensitive("张三")
	if err != nil || (serial != testPlatSerial && serial != testPlat2Serial) {
		t.Fatalf("encrypt: %q %v", serial, err)
	}
}

func TestCertificateDownloadVerifiedByPublicKey(t *testing.T) {
	t.Parallel()
	fx := loadFixtures()
	f := newFakePay(t)
	f.setSigner(signer{fx.pubKeyPriv, testPubKeyID})
	f.handle("GET /v3/certificates", 200, string(certificatesBody(testAPIv3Key, bothCerts())))
	withPK := f.newClient(t, false, pay.WithWechatPayPublicKey(testPubKeyID, fx.pubKey))
	if err := withPK.RefreshCertificates(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(withPK.KeyStore().Serials()) != 2 {
		t.Fatal("certs not stored")
	}
	withoutPK := f.newClient(t, false)
	if err := withoutPK.RefreshCertificates(context.Background()); !errors.Is(err, pay.ErrUnknownSerial) {
		t.Fatalf("err = %v", err)
	}
	if len(withoutPK.KeyStore().Serials()) != 0 {
		t.Fatal("unverified certificates stored")
	}
}

func TestCertificates404FallsBackToPublicKey(t *testing.T) {
	t.Parallel()
	fx := loadFixtures()
	f := newFakePay(t)
	f.setSigner(signer{fx.pubKeyPriv, testPubKeyID})
	f.handle("GET /v3/certificates", 404, `{"code":"NOT_FOUND","message":"无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥"}`)
	f.handle("POST /v3/pay/transactions/jsapi", 200, `{"prepay_id":"wx1"}`)
	c := f.newClient(t, false, pay.WithWechatPayPublicKey(testPubKeyID, fx.pubKey))
	if err := c.RefreshCertificates(context.Background()); err != nil {
		t.Fatalf("404 must not be an error: %v", err)
	}
	if !c.PublicKeyMode() {
		t.Fatal("PublicKeyMode() = false")
	}
	if _, err := c.CreateJSAPIOrder(context.Background(), jsapiOrder()); err != nil {
		t.Fatal(err)
	}
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.Stop()
}

func TestCertificateDownloadRejectsBadData(t *testing.T) {
	t.Parallel()
	fx := loadFixtures()
	cases := map[string]struct {
		body string
		want error
	}{
		"wrong apiv3 key": {string(certificatesBody(strings.Repeat("x", 32), bothCerts())), pay.ErrDecrypt},
		"serial mismatch": {string(certificatesBody(testAPIv3Key, map[string][]byte{testPlat2Serial: fx.platPEM})), nil},
		"not json":        {`{"data":`, nil},
		"no cert":         {`{"data":[{"serial_no":"01"}]}`, nil},
		"not a pem":       {strings.Replace(string(certificatesBody(testAPIv3Key, nil)), "null", `[{"serial_no":"01","encrypt_certificate":{"algorithm":"AEAD_AES_256_GCM","nonce":"61f9c719728a","associated_data":"certificate","ciphertext":"`+gcmSeal(testAPIv3Key, "61f9c719728a", "certificate", "hello")+`"}}]`, 1), nil},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFakePay(t)
			f.handle("GET /v3/certificates", 200, tc.body)
			c := f.newClient(t, false)
			err := c.RefreshCertificates(context.Background())
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("err = %v", err)
			}
			if len(c.KeyStore().Serials()) != 0 {
				t.Fatal("bad certificates stored")
			}
		})
	}
	// A download signed by a certificate that is not in it and not known.
	f := newFakePay(t)
	f.setSigner(signer{fx.pubKeyPriv, testPlat2Serial})
	f.handle("GET /v3/certificates", 200, string(certificatesBody(testAPIv3Key, bothCerts())))
	if err := f.newClient(t, false).RefreshCertificates(context.Background()); !errors.Is(err, pay.ErrSignatureInvalid) {
		t.Fatalf("forged download: %v", err)
	}
}

// mutableClock is a test clock that can be advanced.
type mutableClock struct{ ns atomic.Int64 }

func newMutableClock() *mutableClock {
	c := &mutableClock{}
	c.ns.Store(testNow.UnixNano())
	return c
}
func (c *mutableClock) now() time.Time      { return time.Unix(0, c.ns.Load()) }
func (c *mutableClock) add(d time.Duration) { c.ns.Add(int64(d)) }

func TestUnknownSerialTriggersOneRefresh(t *testing.T) {
	t.Parallel()
	fx := loadFixtures()
	f := newFakePay(t)
	var certs atomic.Value
	certs.Store(certificatesBody(testAPIv3Key, map[string][]byte{testPlatSerial: fx.platPEM}))
	f.handleFunc("GET /v3/certificates", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.sign = signer{fx.platKey, testPlatSerial}
		f.mu.Unlock()
		f.reply(w, 200, string(certs.Load().([]byte)))
		f.setSigner(signer{fx.plat2Key, testPlat2Serial})
	})
	f.handle("GET /v3/pay/transactions/id/{id}", 200, transactionJSON)
	f.setSigner(signer{fx.plat2Key, testPlat2Serial})
	clk := newMutableClock()
	c := f.client(t, pay.WithClock(clk.now))
	ctx := context.Background()

	// plat2 is not in the download: one refresh, then still unknown.
	if _, err := c.QueryOrderByID(ctx, "1"); !errors.Is(err, pay.ErrUnknownSerial) {
		t.Fatalf("err = %v", err)
	}
	if n := f.count("/v3/certificates"); n != 1 {
		t.Fatalf("%d certificate downloads, want 1", n)
	}
	// Within the rate limit: no new download.
	clk.add(30 * time.Second)
	f.mu.Lock()
	f.now = clk.now()
	f.mu.Unlock()
	if _, err := c.QueryOrderByID(ctx, "1"); !errors.Is(err, pay.ErrUnknownSerial) {
		t.Fatalf("err = %v", err)
	}
	if n := f.count("/v3/certificates"); n != 1 {
		t.Fatalf("%d certificate downloads, want 1 (rate limited)", n)
	}
	// After the minimum interval WeChat Pay has rotated: the refresh finds
	// the new certificate and the call succeeds.
	certs.Store(certificatesBody(testAPIv3Key, bothCerts()))
	clk.add(31 * time.Second)
	f.mu.Lock()
	f.now = clk.now()
	f.mu.Unlock()
	if _, err := c.QueryOrderByID(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	if n := f.count("/v3/certificates"); n != 2 {
		t.Fatalf("%d certificate downloads, want 2", n)
	}
	// Known now: no more downloads.
	if _, err := c.QueryOrderByID(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	if n := f.count("/v3/certificates"); n != 2 {
		t.Fatalf("%d certificate downloads, want 2", n)
	}
}

func TestRefreshSingleFlight(t *testing.T) {
	t.Parallel()
	f := newFakePay(t)
	body := string(certificatesBody(testAPIv3Key, bothCerts()))
	f.handleFunc("GET /v3/certificates", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(200 * time.Millisecond)
		f.reply(w, 200, body)
	})
	c := f.newClient(t, false)
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- c.RefreshCertificates(context.Background())
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := f.count("/v3/certificates"); n != 1 {
		t.Fatalf("%d downloads, want 1", n)
	}
	// A cancelled waiter returns its own context error.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.RefreshCertificates(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

// TestStartStopNoLeak is not parallel: it compares goroutine counts.
func TestStartStopNoLeak(t *testing.T) {
	f := newFakePay(t)
	body := string(certificatesBody(testAPIv3Key, bothCerts()))
	f.handle("GET /v3/certificates", 200, body)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := f.newClient(t, false, pay.WithHTTPClient(&http.Client{Transport: tr}), pay.WithCertRefreshInterval(5*time.Millisecond))

	settle := func() int {
		tr.CloseIdleConnections()
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
		return runtime.NumGoroutine()
	}
	base := settle()
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := c.Start(context.Background()); err == nil {
		t.Fatal("second Start succeeded")
	}
	deadline := time.Now().Add(5 * time.Second)
	for f.count("/v3/certificates") < 4 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if f.count("/v3/certificates") < 4 {
		t.Fatal("background refresh did not run")
	}
	c.Stop()
	c.Stop() // idempotent
	var n int
	for time.Now().Before(deadline) {
		if n = settle(); n <= base {
			break
		}
	}
	if n > base {
		buf := make([]byte, 1<<16)
		t.Fatalf("goroutines: %d after Stop, baseline %d\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
	if len(c.KeyStore().Serials()) != 2 {
		t.Fatal("certificates not loaded")
	}

	// Start fails (and starts nothing) when the first refresh fails.
	f2 := newFakePay(t)
	f2.handle("GET /v3/certificates", 500, `{"code":"SYSTEM_ERROR","message":"系统错误"}`)
	c2 := f2.newClient(t, false)
	var ae *pay.APIError
	if err := c2.Start(context.Background()); !errors.As(err, &ae) || ae.Code != "SYSTEM_ERROR" {
		t.Fatalf("err = %v", err)
	}
	c2.Stop()
}

// doerFunc adapts a function to pay.HTTPDoer.
type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

func staticDoer(status int, header http.Header, body []byte) doerFunc {
	return func(r *http.Request) (*http.Response, error) {
		h := header.Clone()
		if h == nil {
			h = http.Header{}
		}
		return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(bytes.NewReader(body)), Request: r}, nil
	}
}

// FuzzParseCertificates feeds arbitrary /v3/certificates bodies (validly
// signed, so that parsing and decryption are reached) to the client.
func FuzzParseCertificates(f *testing.F) {
	f.Add(certificatesBody(testAPIv3Key, bothCerts()))
	f.Add([]byte(`{"data":[{"serial_no":"01","encrypt_certificate":{"algorithm":"AEAD_AES_256_GCM","nonce":"","associated_data":"","ciphertext":"AAAA"}}]}`))
	f.Add([]byte(`{"data":null}`))
	f.Add([]byte(`[]`))
	fx := loadFixtures()
	f.Fuzz(func(t *testing.T, body []byte) {
		h := signedHeader(fx.platKey, testPlatSerial, testNow, body)
		c, err := pay.NewClient(testConfig(), pay.WithClock(testClock), pay.WithHTTPClient(staticDoer(200, h, body)))
		if err != nil {
			t.Fatal(err)
		}
		certs, err := c.DownloadCertificates(context.Background())
		if err == nil {
			for _, pc := range certs {
				if pc.PublicKey == nil {
					t.Fatal("certificate without key")
				}
			}
		}
	})
}
