package pay_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/wxkit/mp/pay"
)

func TestKeyStoreVerify(t *testing.T) {
	t.Parallel()
	fx := loadFixtures()
	ks := pay.NewKeyStore()
	if err := ks.AddCertificate(fx.platCert); err != nil {
		t.Fatal(err)
	}
	if err := ks.SetPublicKey(testPubKeyID, fx.pubKey); err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"prepay_id":"wx1"}`)
	ok := func(h http.Header) http.Header { return h }
	cases := []struct {
		name string
		h    http.Header
		body []byte
		now  time.Time
		want error
	}{
		{"cert", signedHeader(fx.platKey, testPlatSerial, testNow, body), body, testNow, nil},
		{"cert lower-case serial", signedHeader(fx.platKey, "5157f09efdc096de15ebe81a47057a7232f1b8e1", testNow, body), body, testNow, nil},
		{"public key", signedHeader(fx.pubKeyPriv, testPubKeyID, testNow, body), body, testNow, nil},
		{"tampered body", signedHeader(fx.platKey, testPlatSerial, testNow, body), []byte(`{"prepay_id":"wx2"}`), testNow, pay.ErrSignatureInvalid},
		{"wrong key for serial", signedHeader(fx.pubKeyPriv, testPlatSerial, testNow, body), body, testNow, pay.ErrSignatureInvalid},
		{"unknown serial", signedHeader(fx.plat2Key, testPlat2Serial, testNow, body), body, testNow, pay.ErrUnknownSerial},
		{"skew past", signedHeader(fx.platKey, testPlatSerial, testNow.Add(-5*time.Minute), body), body, testNow, pay.ErrTimestampSkew},
		{"skew future", signedHeader(fx.platKey, testPlatSerial, testNow.Add(5*time.Minute), body), body, testNow, pay.ErrTimestampSkew},
		{"within window", signedHeader(fx.platKey, testPlatSerial, testNow.Add(-4*time.Minute-59*time.Second), body), body, testNow, nil},
		{"missing", http.Header{}, body, testNow, pay.ErrMissingSignatureHeaders},
		{"signtest", func() http.Header {
			h := signedHeader(fx.platKey, testPlatSerial, testNow, body)
			h.Set("Wechatpay-Signature", signTestResponse)
			return h
		}(), body, testNow, pay.ErrSignTestProbe},
		{"bad base64", func() http.Header {
			h := signedHeader(fx.platKey, testPlatSerial, testNow, body)
			h.Set("Wechatpay-Signature", "!!!")
			return h
		}(), body, testNow, pay.ErrSignatureInvalid},
		{"bad timestamp", func() http.Header {
			h := signedHeader(fx.platKey, testPlatSerial, testNow, body)
			h.Set("Wechatpay-Timestamp", "12a")
			return h
		}(), body, testNow, pay.ErrSignatureInvalid},
		{"huge timestamp", func() http.Header {
			h := signedHeader(fx.platKey, testPlatSerial, testNow, body)
			h.Set("Wechatpay-Timestamp", strconv.FormatInt(-1<<63, 10))
			return h
		}(), body, testNow, pay.ErrTimestampSkew},
		{"noop", ok(signedHeader(fx.platKey, testPlatSerial, testNow, nil)), nil, testNow, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := ks.Verify(tc.h, tc.body, tc.now)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestKeyStoreEncryptionKeyChoice(t *testing.T) {
	t.Parallel()
	fx := loadFixtures()
	ks := pay.NewKeyStore()
	if _, _, err := ks.EncryptionKey(testNow); !errors.Is(err, pay.ErrNoEncryptionKey) {
		t.Fatalf("empty: %v", err)
	}
	_ = ks.AddCertificate(fx.platCert)
	_ = ks.AddCertificate(fx.plat2Cert)
	serial, _, err := ks.EncryptionKey(testNow)
	if err != nil || (serial != testPlatSerial && serial != testPlat2Serial) {
		t.Fatalf("cert: %q %v", serial, err)
	}
	// Both expired -> none.
	if _, _, err := ks.EncryptionKey(testNow.AddDate(200, 0, 0)); !errors.Is(err, pay.ErrNoEncryptionKey) {
		t.Fatalf("expired: %v", err)
	}
	_ = ks.SetPublicKey(testPubKeyID, fx.pubKey)
	if serial, _, _ := ks.EncryptionKey(testNow); serial != testPubKeyID {
		t.Fatalf("public key not preferred: %q", serial)
	}
	if got := ks.Serials(); len(got) != 2 || got[0] != testPlatSerial {
		t.Fatalf("serials %v", got)
	}
	if err := ks.AddCertificate(nil); err == nil {
		t.Fatal("nil cert accepted")
	}
}

// TestResponseVerificationModes runs real calls against the fake server in
// certificate, public-key and mixed (migration) mode.
func TestResponseVerificationModes(t *testing.T) {
	t.Parallel()
	fx := loadFixtures()
	body := `{"prepay_id":"wx201410272009395522657a690389285100"}`
	cases := []struct {
		name      string
		withCert  bool
		opts      []pay.Option
		signers   []signer
		wantSer   string // Wechatpay-Serial request header
		wantError error
	}{
		{"certificate", true, nil, []signer{{fx.platKey, testPlatSerial}}, "", nil},
		{"public key", false, []pay.Option{pay.WithWechatPayPublicKey(testPubKeyID, fx.pubKey), pay.WithoutCertificateDownload()},
			[]signer{{fx.pubKeyPriv, testPubKeyID}}, testPubKeyID, nil},
		{"mixed", true, []pay.Option{pay.WithWechatPayPublicKey(testPubKeyID, fx.pubKey)},
			[]signer{{fx.platKey, testPlatSerial}, {fx.pubKeyPriv, testPubKeyID}}, testPubKeyID, nil},
		{"public key only rejects cert signature", false, []pay.Option{pay.WithWechatPayPublicKey(testPubKeyID, fx.pubKey), pay.WithoutCertificateDownload()},
			[]signer{{fx.platKey, testPlatSerial}}, testPubKeyID, pay.ErrUnknownSerial},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFakePay(t)
			f.handle("POST /v3/pay/transactions/jsapi", 200, body)
			c := f.newClient(t, tc.withCert, tc.opts...)
			for _, s := range tc.signers {
				f.setSigner(s)
				resp, err := c.CreateJSAPIOrder(context.Background(), jsapiOrder())
				if tc.wantError != nil {
					if !errors.Is(err, tc.wantError) {
						t.Fatalf("err = %v, want %v", err, tc.wantError)
					}
					continue
				}
				if err != nil || resp.PrepayID == "" {
					t.Fatalf("signer %s: %v", s.serial, err)
				}
			}
			for _, r := range f.requests() {
				if got := r.Header.Get("Wechatpay-Serial"); got != tc.wantSer {
					t.Fatalf("Wechatpay-Serial = %q, want %q", got, tc.wantSer)
				}
			}
		})
	}
}

func TestResponseRejections(t *testing.T) {
	t.Parallel()
	f := newFakePay(t)
	f.handleFunc("GET /v3/pay/transactions/id/{id}", func(w http.ResponseWriter, r *http.Request) {
		switch r.PathValue("id") {
		case "signtest":
			w.Header().Set("Wechatpay-Signature", signTestResponse)
			f.reply(w, 200, transactionJSON)
		case "expired":
			f.mu.Lock()
			f.now = testNow.Add(-10 * time.Minute)
			f.mu.Unlock()
			f.reply(w, 200, transactionJSON)
			f.mu.Lock()
			f.now = testNow
			f.mu.Unlock()
		case "unsigned":
			w.WriteHeader(200)
			_, _ = w.Write([]byte(transactionJSON))
		}
	})
	c := f.client(t, pay.WithoutCertificateDownload())
	ctx := context.Background()
	if _, err := c.QueryOrderByID(ctx, "signtest"); !errors.Is(err, pay.ErrSignTestProbe) {
		t.Fatalf("signtest: %v", err)
	}
	if _, err := c.QueryOrderByID(ctx, "expired"); !errors.Is(err, pay.ErrTimestampSkew) {
		t.Fatalf("expired: %v", err)
	}
	if _, err := c.QueryOrderByID(ctx, "unsigned"); !errors.Is(err, pay.ErrMissingSignatureHeaders) {
		t.Fatalf("unsigned: %v", err)
	}
	// Verification can be turned off (simulators only).
	c2 := f.client(t, pay.WithoutResponseVerification())
	if _, err := c2.QueryOrderByID(ctx, "unsigned"); err != nil {
		t.Fatalf("unverified: %v", err)
	}
}
