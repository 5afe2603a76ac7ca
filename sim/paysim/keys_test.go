package paysim

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGeneratedKeys covers the key generation paths: a generated merchant
// talking to a platform with generated keys, signing with the package helper.
func TestGeneratedKeys(t *testing.T) {
	t.Parallel()
	tm, err := NewTestMerchant()
	require.NoError(t, err)
	assert.Regexp(t, `^19\d{8}$`, tm.MchID)
	assert.Regexp(t, `^[0-9A-F]{40}$`, tm.MerchantSerial)
	assert.Len(t, tm.APIv3Key, 32)
	back, err := ParsePrivateKeyPEM(tm.PrivateKeyPEM)
	require.NoError(t, err)
	assert.True(t, back.Equal(tm.PrivateKey))

	p, err := New(Options{Merchants: []Merchant{tm.Merchant}})
	require.NoError(t, err)
	defer p.Close()
	assert.Regexp(t, `^PUB_KEY_ID_01\d{26}$`, p.PublicKeyID())
	assert.Equal(t, ModeBoth, p.Mode())
	srv := httptest.NewServer(p.Handler())
	defer srv.Close()

	req, _ := http.NewRequest("GET", srv.URL+"/v3/certificates", nil)
	require.NoError(t, tm.SignRequest(req, nil))
	assert.True(t, strings.HasPrefix(req.Header.Get("Authorization"), AuthScheme+" mchid=\""+tm.MchID+"\""))
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	var nilTM *TestMerchant
	_, err = nilTM.Authorization("GET", "/", nil, time.Now())
	assert.Error(t, err)
}

func TestSecretsNeverPrinted(t *testing.T) {
	t.Parallel()
	tm, err := NewTestMerchantFromPEM(mustRead(t, "testdata/merchant_key.pem"))
	require.NoError(t, err)
	f := newFixture(t)
	keyPEM := string(tm.PrivateKeyPEM)
	keyLine := strings.Split(keyPEM, "\n")[1]
	opts := Options{Merchants: []Merchant{tm.Merchant}, PlatformKey: tm.PrivateKey}
	for _, v := range []any{tm.Merchant, &tm.Merchant, tm, *tm, opts, f.p} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, tm.APIv3Key, verb)
			assert.NotContains(t, out, keyLine, verb)
			assert.NotContains(t, out, tm.PrivateKey.D.String(), verb)
			assert.NotContains(t, out, f.apiV3Key, verb)
		}
	}
	assert.Contains(t, tm.String(), tm.MchID)
	assert.Contains(t, tm.Merchant.String(), "[REDACTED]")
	var nilTM *TestMerchant
	assert.NotContains(t, fmt.Sprint(nilTM), "PRIVATE")
	assert.Contains(t, f.p.String(), f.p.PublicKeyID())

	// Errors do not carry keys either.
	_, err = DecryptResource(f.apiV3Key, "123456789012", "x", "AAAA")
	assert.NotContains(t, err.Error(), f.apiV3Key)
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	pk := loadKey(t, "merchant_key.pem")
	good := Merchant{MchID: "1900000001", APIv3Key: strings.Repeat("k", 32), MerchantPublicKey: &pk.PublicKey}
	keys := Options{PlatformKey: loadKey(t, "platform_key.pem"), PublicKeyKey: loadKey(t, "pubkey_key.pem")}
	cases := map[string]func(o *Options){
		"mode":        func(o *Options) { o.Mode = "x" },
		"pubkey id":   func(o *Options) { o.PublicKeyID = "KEY_1" },
		"no mchid":    func(o *Options) { m := good; m.MchID = ""; o.Merchants = []Merchant{m} },
		"short key":   func(o *Options) { m := good; m.APIv3Key = "short"; o.Merchants = []Merchant{m} },
		"nil pub key": func(o *Options) { m := good; m.MerchantPublicKey = nil; o.Merchants = []Merchant{m} },
		"duplicate":   func(o *Options) { o.Merchants = []Merchant{good, good} },
	}
	for name, tweak := range cases {
		o := keys
		tweak(&o)
		_, err := New(o)
		var ce *ConfigError
		require.ErrorAs(t, err, &ce, name)
		assert.NotContains(t, err.Error(), good.APIv3Key)
	}
	o := keys
	o.Merchants = []Merchant{good}
	p, err := New(o)
	require.NoError(t, err)
	require.NoError(t, p.Close())
}

func TestCryptoHelpers(t *testing.T) {
	t.Parallel()
	key := "0123456789abcdefghijABCDEFGHIJ01"
	ct, err := encryptAEAD([]byte(key), "abcdefghijkl", "transaction", []byte(`{"a":1}`))
	require.NoError(t, err)
	plain, err := DecryptResource(key, "abcdefghijkl", "transaction", ct)
	require.NoError(t, err)
	assert.Equal(t, `{"a":1}`, string(plain))
	_, err = DecryptResource(key, "abcdefghijkl", "refund", ct)
	assert.Error(t, err, "associated data is authenticated")
	_, err = DecryptResource("short", "abcdefghijkl", "x", ct)
	assert.Error(t, err)
	_, err = DecryptResource(key, "short", "x", ct)
	assert.Error(t, err)
	_, err = DecryptResource(key, "abcdefghijkl", "x", "%%%")
	assert.Error(t, err)
	_, err = encryptAEAD([]byte(key), "short", "x", nil)
	assert.Error(t, err)

	assert.Error(t, VerifySignature(nil, "1", "n", nil, "x"))
	pk := loadKey(t, "merchant_key.pem")
	assert.Error(t, VerifySignature(&pk.PublicKey, "1", "n", nil, "!!"))

	enc, err := EncryptSensitive(&pk.PublicKey, "张三")
	require.NoError(t, err)
	dec, err := decryptSensitive(pk, enc)
	require.NoError(t, err)
	assert.Equal(t, "张三", dec)
	_, err = decryptSensitive(pk, "%%")
	assert.Error(t, err)

	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(pk)})
	k1, err := ParsePrivateKeyPEM(pkcs1)
	require.NoError(t, err)
	assert.True(t, k1.Equal(pk))
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	for name, data := range map[string][]byte{
		"garbage":   []byte("nope"),
		"ec":        pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER}),
		"bad pkcs8": pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2}}),
		"bad pkcs1": pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: []byte{1, 2}}),
		"cert":      pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1}}),
	} {
		_, err := ParsePrivateKeyPEM(data)
		assert.Error(t, err, name)
	}
	_, err = NewTestMerchantFromPEM([]byte("x"))
	assert.Error(t, err)

	assert.Equal(t, "0.01", yuan(1))
	assert.Equal(t, "-12.30", yuan(-1230))
	assert.Equal(t, "paysim: 400 PARAM_ERROR: x", apiErr(400, CodeParamError, "x").Error())
	assert.False(t, apiErr(400, CodeParamError, "x").Is(fmt.Errorf("x")))
	assert.Contains(t, (&AuthError{Reason: "r"}).Error(), "r")
}

func TestLoggingHasNoSecrets(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	f := newFixture(t, func(o *Options) {
		o.Logger = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	rc := newReceiver(t)
	f.createJSAPI(t, "LOGGED001", rc.srv.URL+"/n", 1)
	_, err := f.p.Pay(context.Background(), f.mchid, "LOGGED001", "")
	require.NoError(t, err)
	rc.next(t)
	require.NoError(t, f.p.Close())
	out := buf.String()
	assert.Contains(t, out, "paysim order created")
	assert.Contains(t, out, "paysim notification")
	assert.NotContains(t, out, f.apiV3Key)
	assert.NotContains(t, out, "Authorization")
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
