package pay_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/wxkit/mp/pay"
)

func TestNewClientValidation(t *testing.T) {
	t.Parallel()
	good := testConfig()
	cases := []struct {
		name  string
		mut   func(*pay.Config)
		opts  []pay.Option
		field string
	}{
		{"no mchid", func(c *pay.Config) { c.MchID = "" }, nil, "MchID"},
		{"no serial", func(c *pay.Config) { c.CertSerial = " " }, nil, "CertSerial"},
		{"no key", func(c *pay.Config) { c.PrivateKey = nil }, nil, "PrivateKey"},
		{"short v3 key", func(c *pay.Config) { c.APIv3Key = "short" }, nil, "APIv3Key"},
		{"long v3 key", func(c *pay.Config) { c.APIv3Key = testAPIv3Key + "x" }, nil, "APIv3Key"},
		{"bad base url", nil, []pay.Option{pay.WithBaseURL("ftp://x")}, "WithBaseURL"},
		{"nil http", nil, []pay.Option{pay.WithHTTPClient(nil)}, "WithHTTPClient"},
		{"nil clock", nil, []pay.Option{pay.WithClock(nil)}, "WithClock"},
		{"nil random", nil, []pay.Option{pay.WithRandom(nil)}, "WithRandom"},
		{"nil keystore", nil, []pay.Option{pay.WithKeyStore(nil)}, "WithKeyStore"},
		{"bad interval", nil, []pay.Option{pay.WithCertRefreshInterval(0)}, "WithCertRefreshInterval"},
		{"bad min interval", nil, []pay.Option{pay.WithCertMinInterval(-1)}, "WithCertMinInterval"},
		{"nil cert", nil, []pay.Option{pay.WithPlatformCertificate(nil)}, "PlatformCertificate"},
		{"empty pub id", nil, []pay.Option{pay.WithWechatPayPublicKey("", loadFixtures().pubKey)}, "PublicKeyID"},
		{"nil pub key", nil, []pay.Option{pay.WithWechatPayPublicKey(testPubKeyID, nil)}, "PublicKey"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := good
			if tc.mut != nil {
				tc.mut(&cfg)
			}
			_, err := pay.NewClient(cfg, tc.opts...)
			var ce *pay.ConfigError
			if !errors.As(err, &ce) || ce.Field != tc.field {
				t.Fatalf("err = %v, want ConfigError for %s", err, tc.field)
			}
			if strings.Contains(err.Error(), testAPIv3Key) {
				t.Fatal("error leaks the APIv3 key")
			}
		})
	}
	if _, err := pay.NewClient(good); err != nil {
		t.Fatal(err)
	}
}

func TestSecretsRedacted(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	c, err := pay.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	n := cfg.PrivateKey.N.String()[:20]
	for _, s := range []string{cfg.String(), fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg),
		c.String(), fmt.Sprintf("%#v", c), fmt.Sprintf("%v", c)} {
		if strings.Contains(s, testAPIv3Key) || strings.Contains(s, n) {
			t.Fatalf("secret leaked: %s", s)
		}
	}
	if !strings.Contains(cfg.String(), "[REDACTED]") || !strings.Contains(cfg.String(), testMchID) {
		t.Fatalf("unexpected String: %s", cfg)
	}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("cfg", "config", cfg)
	if strings.Contains(buf.String(), testAPIv3Key) || strings.Contains(buf.String(), n) {
		t.Fatalf("secret in slog output: %s", buf.String())
	}
}

// TestLogsHaveNoSecrets drives successful and failing calls with a debug
// logger and checks that neither keys nor signatures are logged.
func TestLogsHaveNoSecrets(t *testing.T) {
	t.Parallel()
	f := newFakePay(t)
	f.handle("GET /v3/pay/transactions/out-trade-no/{no}", 200, `{"trade_state":"SUCCESS"}`)
	f.handleFunc("GET /v3/pay/transactions/id/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Wechatpay-Signature", "bad")
		f.reply(w, 200, `{}`)
	})
	var buf bytes.Buffer
	c := f.client(t, pay.WithLogger(slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if _, err := c.QueryOrderByOutTradeNo(context.Background(), "T1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.QueryOrderByID(context.Background(), "42"); !errors.Is(err, pay.ErrSignatureInvalid) {
		t.Fatalf("err = %v", err)
	}
	out := buf.String()
	if !strings.Contains(out, "wechatpay request") {
		t.Fatalf("expected debug logs, got %q", out)
	}
	auth := f.requests()[0].Header.Get("Authorization")
	sig := auth[strings.Index(auth, `signature="`)+11:]
	for _, secret := range []string{testAPIv3Key, sig[:40], "PRIVATE KEY", loadFixtures().merchantKey.D.String()[:20]} {
		if strings.Contains(out, secret) {
			t.Fatalf("log leaks %q: %s", secret, out)
		}
	}
}

// TestTwoMerchantsSideBySide checks that clients of different merchants do
// not share credentials, key stores or state.
func TestTwoMerchantsSideBySide(t *testing.T) {
	t.Parallel()
	f1, f2 := newFakePay(t), newFakePay(t)
	f2.setSigner(signer{key: loadFixtures().pubKeyPriv, serial: testPubKeyID})
	body := `{"prepay_id":"wx201410272009395522657a690389285100"}`
	f1.handle("POST /v3/pay/transactions/jsapi", 200, body)
	f2.handle("POST /v3/pay/transactions/jsapi", 200, body)
	c1 := f1.client(t)
	cfg2 := pay.Config{MchID: "1900000222", CertSerial: "ABCDEF", PrivateKey: otherMerchantKey(), APIv3Key: strings.Repeat("k", 32)}
	c2, err := pay.NewClient(cfg2, pay.WithBaseURL(f2.srv.URL), pay.WithClock(testClock),
		pay.WithWechatPayPublicKey(testPubKeyID, loadFixtures().pubKey), pay.WithoutCertificateDownload())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 20)
	for i := 0; i < 10; i++ {
		go func() {
			_, err := c1.CreateJSAPIOrder(context.Background(), jsapiOrder())
			done <- err
		}()
		go func() {
			_, err := c2.CreateJSAPIOrder(context.Background(), jsapiOrder())
			done <- err
		}()
	}
	for i := 0; i < 20; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range f1.requests() {
		if !strings.Contains(r.Header.Get("Authorization"), `mchid="1900000109"`) || r.Header.Get("Wechatpay-Serial") != "" {
			t.Fatalf("merchant 1 request: %v", r.Header)
		}
		jsonEq(t, jsapiOrderJSON("1900000109"), r.Body)
	}
	for _, r := range f2.requests() {
		if !strings.Contains(r.Header.Get("Authorization"), `mchid="1900000222"`) || r.Header.Get("Wechatpay-Serial") != testPubKeyID {
			t.Fatalf("merchant 2 request: %v", r.Header)
		}
		jsonEq(t, jsapiOrderJSON("1900000222"), r.Body)
	}
	if c1.KeyStore() == c2.KeyStore() || c1.KeyStore().PublicKeyID() != "" {
		t.Fatal("key stores are shared")
	}
	// c1 does not trust c2's public key and vice versa.
	if _, ok := c1.KeyStore().Lookup(testPubKeyID); ok {
		t.Fatal("c1 knows c2's public key")
	}
	if _, ok := c2.KeyStore().Lookup(testPlatSerial); ok {
		t.Fatal("c2 knows c1's platform cert")
	}
	if c1.MchID() != testMchID || c2.MchID() != "1900000222" {
		t.Fatal("MchID")
	}
}

// The observer sees each call with its path (no query), status and WeChat
// Pay's error code; every request carries the SDK's User-Agent.
func TestObserverAndUserAgent(t *testing.T) {
	t.Parallel()
	f := newFakePay(t)
	f.handle("GET /v3/pay/transactions/id/{id}", 404, `{"code":"ORDER_NOT_EXIST","message":"订单不存在"}`)
	var seen []pay.Attempt
	c := f.client(t, pay.WithObserver(func(_ context.Context, a pay.Attempt) { seen = append(seen, a) }))
	_, err := c.QueryOrderByID(context.Background(), "4200000000000000")
	if err == nil {
		t.Fatal("expected an error")
	}
	if len(seen) != 1 {
		t.Fatalf("%d attempts", len(seen))
	}
	a := seen[0]
	if a.Method != "GET" || a.Path != "/v3/pay/transactions/id/4200000000000000" || a.StatusCode != 404 ||
		a.Code != "ORDER_NOT_EXIST" || a.Attempt != 1 || a.Err == nil || a.ResponseBytes == 0 || a.RequestID == "" {
		t.Fatalf("%+v", a)
	}
	if strings.Contains(a.Path, "?") {
		t.Fatalf("query in path: %q", a.Path)
	}
	ua := f.requests()[0].Header.Get("User-Agent")
	if !strings.HasPrefix(ua, "wxkit-mp/") || !strings.Contains(ua, "(+https://github.com/wxkit/mp)") {
		t.Fatalf("User-Agent %q", ua)
	}
	if _, err := pay.NewClient(testConfig(), pay.WithObserver(nil)); err == nil {
		t.Fatal("nil observer accepted")
	}
}
