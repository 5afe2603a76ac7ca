package pay_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/wxkit/mp/pay"
)

func TestEncryptSensitive(t *testing.T) {
	t.Parallel()
	fx := loadFixtures()
	c, err := pay.NewClient(testConfig(), pay.WithClock(testClock), pay.WithPlatformCertificate(fx.platCert))
	if err != nil {
		t.Fatal(err)
	}
	ct, serial, err := c.EncryptSensitive("张三")
	if err != nil || serial != testPlatSerial {
		t.Fatalf("%q %v", serial, err)
	}
	if got := oaepDecrypt(t, fx.platKey, ct); got != "张三" {
		t.Fatalf("decrypted %q", got)
	}
	if _, _, err := c.EncryptSensitive(strings.Repeat("x", 300)); err == nil || strings.Contains(err.Error(), "xxxx") {
		t.Fatalf("too long: %v", err)
	}
	empty, _ := pay.NewClient(testConfig())
	if _, _, err := empty.EncryptSensitive("x"); !errors.Is(err, pay.ErrNoEncryptionKey) {
		t.Fatalf("err = %v", err)
	}
}

func TestDecryptSensitive(t *testing.T) {
	t.Parallel()
	fx := loadFixtures()
	c, _ := pay.NewClient(testConfig())
	raw, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, &fx.merchantKey.PublicKey, []byte("13800138000"), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.DecryptSensitive(base64.StdEncoding.EncodeToString(raw))
	if err != nil || got != "13800138000" {
		t.Fatalf("%q %v", got, err)
	}
	if _, err := c.DecryptSensitive("!!"); !errors.Is(err, pay.ErrDecrypt) {
		t.Fatalf("err = %v", err)
	}
	if _, err := c.DecryptSensitive("AAAA"); !errors.Is(err, pay.ErrDecrypt) {
		t.Fatalf("err = %v", err)
	}
}
