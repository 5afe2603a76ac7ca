package payv2

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewClientValidation(t *testing.T) {
	t.Parallel()
	ok := testConfig()
	tests := []struct {
		name  string
		cfg   func(c *Config)
		opts  []Option
		field string
	}{
		{name: "no appid", cfg: func(c *Config) { c.AppID = " " }, field: "AppID"},
		{name: "no mchid", cfg: func(c *Config) { c.MchID = "" }, field: "MchID"},
		{name: "short key", cfg: func(c *Config) { c.APIKey = "short-secret-key" }, field: "APIKey"},
		{name: "bad sign type", cfg: func(c *Config) { c.SignType = "SHA1" }, field: "SignType"},
		{name: "empty cert", cfg: func(c *Config) { c.TLSCert = &tls.Certificate{} }, field: "TLSCert"},
		{name: "bad base url", opts: []Option{WithBaseURL("ftp://x")}, field: "BaseURL"},
		{name: "relative base url", opts: []Option{WithBaseURL("/pay")}, field: "BaseURL"},
		{name: "nil http client", opts: []Option{WithHTTPClient(nil)}, field: "WithHTTPClient"},
		{name: "nil secure client", opts: []Option{WithSecureHTTPClient(nil)}, field: "WithSecureHTTPClient"},
		{name: "nil clock", opts: []Option{WithClock(nil)}, field: "WithClock"},
		{name: "nil sleep", opts: []Option{WithSleep(nil)}, field: "WithSleep"},
		{name: "nil random", opts: []Option{WithRandom(nil)}, field: "WithRandom"},
		{name: "bad polling", opts: []Option{WithMicropayPolling(0, time.Second)}, field: "WithMicropayPolling"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := ok
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			c, err := NewClient(cfg, tt.opts...)
			require.Nil(t, c)
			require.ErrorIs(t, err, ErrInvalidConfig)
			var ce *ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tt.field, ce.Field)
			assert.NotContains(t, err.Error(), cfg.APIKey)
		})
	}

	c, err := NewClient(ok)
	require.NoError(t, err)
	assert.Equal(t, SignTypeMD5, c.SignType())
	assert.Equal(t, testAppID, c.AppID())
	assert.Equal(t, testMchID, c.MchID())
}

func TestSecretsNeverPrinted(t *testing.T) {
	t.Parallel()
	cert := newTestPKI(t).clientCert
	cfg := testConfig()
	cfg.TLSCert = &cert
	c, err := NewClient(cfg)
	require.NoError(t, err)

	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	logger.Info("cfg", "config", cfg, "client", c)
	for _, s := range []string{
		fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), fmt.Sprintf("%v", &cfg),
		fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), logs.String(),
	} {
		assert.NotContains(t, s, testKey)
		assert.NotContains(t, s, "PRIVATE")
	}
	assert.Contains(t, fmt.Sprint(cfg), "[REDACTED]")
	assert.Contains(t, fmt.Sprint(c), testMchID)
}

func TestLoggingIsQuietAndSecretFree(t *testing.T) {
	t.Parallel()
	fs := newFakeServer(t, testKey)
	fs.onSigned("/pay/closeorder", "closeorder.xml")
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newTestClient(t, fs.URL, WithLogger(logger))
	_, err := c.CloseOrder(context.Background(), "1415983244")
	require.NoError(t, err)
	out := logs.String()
	assert.Contains(t, out, `"path":"/pay/closeorder"`)
	assert.NotContains(t, out, testKey)
	assert.NotContains(t, out, fs.requests()[0].Params["sign"])
}

func TestTwoMerchantsSideBySide(t *testing.T) {
	t.Parallel()
	keyA, keyB := testKey, strings.Repeat("b", 32)
	var mu sync.Mutex
	seen := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := new(bytes.Buffer)
		_, _ = body.ReadFrom(r.Body)
		m, err := ParseXML(body.Bytes())
		require.NoError(t, err)
		key := map[string]string{"10000100": keyA, "20000200": keyB}[m["mch_id"]]
		if VerifySignature(m, key) != nil {
			_, _ = w.Write(readFixture(t, "return_fail.xml"))
			return
		}
		mu.Lock()
		seen[m["mch_id"]+"/"+m["sign_type"]]++
		mu.Unlock()
		resp := map[string]string{"return_code": "SUCCESS", "result_code": "SUCCESS", "appid": m["appid"],
			"mch_id": m["mch_id"], "nonce_str": "n", "out_trade_no": m["out_trade_no"], "trade_state": "NOTPAY"}
		st := SignTypeMD5
		if m["sign_type"] != "" {
			st = SignType(m["sign_type"])
		}
		resp["sign"], _ = Sign(resp, st, key)
		_, _ = w.Write(encodeXML(resp))
	}))
	t.Cleanup(srv.Close)

	a, err := NewClient(Config{AppID: "wxaaaaaaaaaaaaaaaa", MchID: "10000100", APIKey: keyA}, WithBaseURL(srv.URL))
	require.NoError(t, err)
	b, err := NewClient(Config{AppID: "wxbbbbbbbbbbbbbbbb", MchID: "20000200", APIKey: keyB, SignType: SignTypeHMACSHA256}, WithBaseURL(srv.URL))
	require.NoError(t, err)

	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		for _, c := range []*Client{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				no := fmt.Sprintf("%s-%d", c.MchID(), i)
				q, err := c.OrderQuery(context.Background(), &OrderQueryRequest{OutTradeNo: no})
				assert.NoError(t, err)
				if err == nil {
					assert.Equal(t, no, q.OutTradeNo)
					assert.Equal(t, c.MchID(), q.MchID)
				}
			}()
		}
	}
	wg.Wait()
	assert.Equal(t, map[string]int{"10000100/": 20, "20000200/HMAC-SHA256": 20}, seen)

	// A notification signed for merchant A is rejected by B and vice versa.
	notif := signFixture(t, readFixture(t, "payment_notify.xml"), SignTypeMD5, keyA)
	_, err = b.ParsePaymentNotification(notif)
	require.Error(t, err)
	cA, err := NewClient(Config{AppID: testAppID, MchID: testMchID, APIKey: keyA})
	require.NoError(t, err)
	_, err = cA.ParsePaymentNotification(notif)
	require.NoError(t, err)
}

func TestCallErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	req := &OrderQueryRequest{OutTradeNo: "1415757673"}

	t.Run("return_code FAIL", func(t *testing.T) {
		t.Parallel()
		fs := newFakeServer(t, testKey)
		fs.on("/pay/orderquery", readFixture(t, "return_fail.xml"))
		_, err := newTestClient(t, fs.URL).OrderQuery(ctx, req)
		var e *Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, "FAIL", e.ReturnCode)
		assert.Equal(t, "签名错误", e.ReturnMsg)
		assert.True(t, e.Communication())
		assert.Contains(t, err.Error(), "return_code=FAIL")
	})
	t.Run("result_code FAIL", func(t *testing.T) {
		t.Parallel()
		fs := newFakeServer(t, testKey)
		fs.onSigned("/pay/orderquery", "result_fail_orderpaid.xml")
		_, err := newTestClient(t, fs.URL).OrderQuery(ctx, req)
		var e *Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, &Error{ReturnCode: "SUCCESS", ReturnMsg: "OK", ResultCode: "FAIL", ErrCode: "ORDERPAID", ErrCodeDes: "该订单已支付"}, e)
		assert.False(t, e.Communication())
		assert.Equal(t, "ORDERPAID", ErrCodeOf(err))
		assert.Equal(t, `payv2: result_code=FAIL err_code=ORDERPAID err_code_des="该订单已支付"`, e.Error())
	})
	t.Run("bad response signature", func(t *testing.T) {
		t.Parallel()
		fs := newFakeServer(t, testKey)
		body := signFixture(t, readFixture(t, "orderquery_success.xml"), SignTypeMD5, testKey)
		body = bytes.Replace(body, []byte("<total_fee>100</total_fee>"), []byte("<total_fee>1</total_fee>"), 1)
		fs.on("/pay/orderquery", body)
		_, err := newTestClient(t, fs.URL).OrderQuery(ctx, req)
		require.ErrorIs(t, err, ErrSignatureInvalid)
		assert.NotContains(t, err.Error(), testKey)
	})
	t.Run("unsigned success", func(t *testing.T) {
		t.Parallel()
		fs := newFakeServer(t, testKey)
		fs.on("/pay/orderquery", readFixture(t, "orderquery_success.xml"))
		_, err := newTestClient(t, fs.URL).OrderQuery(ctx, req)
		require.ErrorIs(t, err, ErrSignatureMissing)
	})
	t.Run("signed by another key", func(t *testing.T) {
		t.Parallel()
		fs := newFakeServer(t, testKey)
		fs.on("/pay/orderquery", signFixture(t, readFixture(t, "orderquery_success.xml"), SignTypeMD5, strings.Repeat("x", 32)))
		_, err := newTestClient(t, fs.URL).OrderQuery(ctx, req)
		require.ErrorIs(t, err, ErrSignatureInvalid)
	})
	t.Run("other merchant", func(t *testing.T) {
		t.Parallel()
		fs := newFakeServer(t, testKey)
		raw := bytes.Replace(readFixture(t, "orderquery_success.xml"), []byte("[10000100]"), []byte("[99999999]"), 1)
		fs.on("/pay/orderquery", signFixture(t, raw, SignTypeMD5, testKey))
		_, err := newTestClient(t, fs.URL).OrderQuery(ctx, req)
		require.ErrorIs(t, err, ErrMerchantMismatch)
	})
	t.Run("malformed body", func(t *testing.T) {
		t.Parallel()
		fs := newFakeServer(t, testKey)
		fs.on("/pay/orderquery", []byte("<html>502 Bad Gateway</html"))
		_, err := newTestClient(t, fs.URL).OrderQuery(ctx, req)
		require.ErrorIs(t, err, ErrMalformedXML)
	})
	t.Run("malformed field", func(t *testing.T) {
		t.Parallel()
		fs := newFakeServer(t, testKey)
		raw := bytes.Replace(readFixture(t, "orderquery_success.xml"), []byte("<total_fee>100<"), []byte("<total_fee>abc<"), 1)
		fs.on("/pay/orderquery", signFixture(t, raw, SignTypeMD5, testKey))
		_, err := newTestClient(t, fs.URL).OrderQuery(ctx, req)
		require.ErrorIs(t, err, ErrMalformedResponse)
	})
	t.Run("http status", func(t *testing.T) {
		t.Parallel()
		fs := newFakeServer(t, testKey) // no handler: 404
		_, err := newTestClient(t, fs.URL).OrderQuery(ctx, req)
		var he *HTTPError
		require.ErrorAs(t, err, &he)
		assert.Equal(t, http.StatusNotFound, he.StatusCode)
	})
	t.Run("body too large", func(t *testing.T) {
		t.Parallel()
		fs := newFakeServer(t, testKey)
		fs.on("/pay/orderquery", bytes.Repeat([]byte(" "), maxResponseBytes+1))
		_, err := newTestClient(t, fs.URL).OrderQuery(ctx, req)
		require.ErrorIs(t, err, ErrBodyTooLarge)
	})
	t.Run("transport error", func(t *testing.T) {
		t.Parallel()
		c := newTestClient(t, "http://127.0.0.1:1")
		_, err := c.OrderQuery(ctx, req)
		require.Error(t, err)
		assert.NotContains(t, err.Error(), testKey)
	})
	t.Run("cancelled context", func(t *testing.T) {
		t.Parallel()
		fs := newFakeServer(t, testKey)
		fs.onSigned("/pay/orderquery", "orderquery_success.xml")
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := newTestClient(t, fs.URL).OrderQuery(cctx, req)
		require.ErrorIs(t, err, context.Canceled)
	})
	t.Run("nil context", func(t *testing.T) {
		t.Parallel()
		var nilCtx context.Context
		_, err := newTestClient(t, "http://127.0.0.1:1").OrderQuery(nilCtx, req)
		require.ErrorIs(t, err, ErrInvalidParam)
	})
	t.Run("bad extra", func(t *testing.T) {
		t.Parallel()
		c := newTestClient(t, "http://127.0.0.1:1")
		for _, extra := range []map[string]string{{"sign": "x"}, {"mch_id": "1"}, {"out_trade_no": "2"}, {"bad key": "v"}, {"k": "\x00"}} {
			_, err := c.OrderQuery(ctx, &OrderQueryRequest{OutTradeNo: "1", Extra: extra})
			require.ErrorIs(t, err, ErrInvalidParam, "%v", extra)
		}
	})
	t.Run("random failure", func(t *testing.T) {
		t.Parallel()
		c := newTestClient(t, "http://127.0.0.1:1", WithRandom(bytes.NewReader(nil)))
		_, err := c.OrderQuery(ctx, req)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "nonce_str")
	})
}

func TestHMACClientSignsRequests(t *testing.T) {
	t.Parallel()
	fs := newFakeServer(t, testKey)
	body := signFixture(t, readFixture(t, "closeorder.xml"), SignTypeHMACSHA256, testKey)
	fs.on("/pay/closeorder", body)
	cfg := testConfig()
	cfg.SignType = SignTypeHMACSHA256
	c, err := NewClient(cfg, WithBaseURL(fs.URL))
	require.NoError(t, err)
	_, err = c.CloseOrder(context.Background(), "1415983244")
	require.NoError(t, err)
	r := fs.requests()[0]
	assertRequest(t, r, "/pay/closeorder")
	assert.Equal(t, "HMAC-SHA256", r.Params["sign_type"])
	assert.Len(t, r.Params["sign"], 64)
}

func TestNonce(t *testing.T) {
	t.Parallel()
	c, err := NewClient(testConfig())
	require.NoError(t, err)
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		n, err := c.nonce()
		require.NoError(t, err)
		require.Len(t, n, 32)
		for _, r := range n {
			require.Contains(t, nonceAlphabet, string(r))
		}
		require.False(t, seen[n])
		seen[n] = true
	}
}

// testPKI is a throwaway CA with a server certificate for 127.0.0.1 and a
// merchant client certificate.
type testPKI struct {
	caPool     *x509.CertPool
	serverCert tls.Certificate
	clientCert tls.Certificate
}

func newTestPKI(t testing.TB) *testPKI {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "payv2 test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	ca, err := x509.ParseCertificate(caDER)
	require.NoError(t, err)
	issue := func(serial int64, cn string, usage x509.ExtKeyUsage, ips []net.IP) tls.Certificate {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		require.NoError(t, err)
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage}, IPAddresses: ips,
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		require.NoError(t, err)
		return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return &testPKI{
		caPool:     pool,
		serverCert: issue(2, "127.0.0.1", x509.ExtKeyUsageServerAuth, []net.IP{net.ParseIP("127.0.0.1")}),
		clientCert: issue(3, testMchID, x509.ExtKeyUsageClientAuth, nil),
	}
}

// newMTLSServer starts a TLS server that requires a client certificate from
// the test CA and records the client certificate's CN.
func newMTLSServer(t *testing.T, pki *testPKI, h func(w http.ResponseWriter, r *http.Request)) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(h))
	srv.TLS = &tls.Config{
		Certificates: []tls.Certificate{pki.serverCert},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    pki.caPool,
		MinVersion:   tls.VersionTLS12,
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func TestMutualTLS(t *testing.T) {
	t.Parallel()
	pki := newTestPKI(t)
	var mu sync.Mutex
	var peers []string
	srv := newMTLSServer(t, pki, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		peers = append(peers, r.URL.Path+" "+r.TLS.PeerCertificates[0].Subject.CommonName)
		mu.Unlock()
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(r.Body)
		m, err := ParseXML(buf.Bytes())
		if err != nil || VerifySignature(m, testKey) != nil {
			_, _ = w.Write(readFixture(t, "return_fail.xml"))
			return
		}
		name := map[string]string{"/secapi/pay/refund": "refund.xml", "/secapi/pay/reverse": "reverse.xml"}[r.URL.Path]
		_, _ = w.Write(signFixture(t, readFixture(t, name), SignTypeMD5, testKey))
	})
	cfg := testConfig()
	cfg.TLSCert = &pki.clientCert
	ctx := context.Background()

	c, err := NewClient(cfg, WithBaseURL(srv.URL), WithRootCAs(pki.caPool))
	require.NoError(t, err)
	tr := c.secureClient.(*http.Client).Transport.(*http.Transport)
	assert.False(t, tr.TLSClientConfig.InsecureSkipVerify)
	assert.NotNil(t, tr.Proxy, "cloned from http.DefaultTransport")

	rr, err := c.Refund(ctx, &RefundRequest{OutTradeNo: "1415757673", OutRefundNo: "1415701182", TotalFee: 100, RefundFee: 1})
	require.NoError(t, err)
	assert.Equal(t, "2008450740201411110000174436", rr.RefundID)
	rv, err := c.Reverse(ctx, &ReverseRequest{OutTradeNo: "1415757673"})
	require.NoError(t, err)
	assert.Equal(t, "N", rv.Recall)
	assert.Equal(t, []string{"/secapi/pay/refund " + testMchID, "/secapi/pay/reverse " + testMchID}, peers)

	// The server certificate is verified: without the test CA the call fails.
	untrusting, err := NewClient(cfg, WithBaseURL(srv.URL))
	require.NoError(t, err)
	_, err = untrusting.Reverse(ctx, &ReverseRequest{OutTradeNo: "1415757673"})
	var uae x509.UnknownAuthorityError
	require.ErrorAs(t, err, &uae)

	// The plain client presents no certificate: the server refuses it.
	plain, err := NewClient(testConfig(), WithBaseURL(srv.URL),
		WithSecureHTTPClient(&http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pki.caPool}}}))
	require.NoError(t, err)
	_, err = plain.Reverse(ctx, &ReverseRequest{OutTradeNo: "1415757673"})
	require.Error(t, err)

	// No certificate at all: refused before anything is sent.
	none, err := NewClient(testConfig(), WithBaseURL(srv.URL))
	require.NoError(t, err)
	_, err = none.Refund(ctx, &RefundRequest{OutTradeNo: "1", OutRefundNo: "2", TotalFee: 1, RefundFee: 1})
	require.ErrorIs(t, err, ErrCertificateRequired)
	require.True(t, errors.Is(err, ErrCertificateRequired))
	assert.Len(t, peers, 2)
}
