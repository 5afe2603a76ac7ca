package pay_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/wxkit/mp/pay"
)

func TestLoadPrivateKey(t *testing.T) {
	t.Parallel()
	pkcs1, _ := os.ReadFile("testdata/merchant_key.pem")
	pkcs8, _ := os.ReadFile("testdata/merchant_key_pkcs8.pem")
	k1, err := pay.LoadPrivateKey(pkcs1)
	if err != nil {
		t.Fatal(err)
	}
	k8, err := pay.LoadPrivateKey(pkcs8)
	if err != nil {
		t.Fatal(err)
	}
	if !k1.Equal(k8) {
		t.Fatal("PKCS#1 and PKCS#8 keys differ")
	}
	cert, _ := os.ReadFile("testdata/merchant_cert.pem")
	for name, in := range map[string][]byte{
		"empty":         nil,
		"certificate":   cert,
		"garbage pkcs1": []byte("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"),
		"garbage pkcs8": []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
	} {
		var ce *pay.ConfigError
		if _, err := pay.LoadPrivateKey(in); !errors.As(err, &ce) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	// A key after another PEM block is found.
	if _, err := pay.LoadPrivateKey(append(append([]byte{}, cert...), pkcs1...)); err != nil {
		t.Fatal(err)
	}
}

func TestLoadPKCS12(t *testing.T) {
	t.Parallel()
	p12, err := os.ReadFile("testdata/apiclient_cert.p12")
	if err != nil {
		t.Fatal(err)
	}
	key, cert, err := pay.LoadPKCS12(p12, testMchID)
	if err != nil {
		t.Fatal(err)
	}
	if !key.Equal(loadFixtures().merchantKey) {
		t.Fatal("wrong key")
	}
	if got := pay.CertificateSerial(cert); got != testMchSerial {
		t.Fatalf("serial %s", got)
	}
	var ce *pay.ConfigError
	_, _, err = pay.LoadPKCS12(p12, "wrong")
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "password") || strings.Contains(err.Error(), "wrong") {
		t.Fatalf("err = %v", err)
	}
	if _, _, err := pay.LoadPKCS12(nil, "x"); !errors.As(err, &ce) {
		t.Fatalf("err = %v", err)
	}
	if _, _, err := pay.LoadPKCS12([]byte("not a p12"), "x"); !errors.As(err, &ce) {
		t.Fatalf("err = %v", err)
	}
}

func TestLoadPublicKeyAndCertificate(t *testing.T) {
	t.Parallel()
	pub, _ := os.ReadFile("testdata/wechatpay_pub.pem")
	k, err := pay.LoadPublicKey(pub)
	if err != nil || !k.Equal(&loadFixtures().pubKeyPriv.PublicKey) {
		t.Fatalf("public key: %v", err)
	}
	certPEM, _ := os.ReadFile("testdata/platform_cert.pem")
	c, err := pay.LoadCertificate(certPEM)
	if err != nil || pay.CertificateSerial(c) != testPlatSerial {
		t.Fatalf("cert: %v", err)
	}
	var ce *pay.ConfigError
	for _, in := range [][]byte{nil, certPEM, []byte("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
		[]byte("-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----\n")} {
		if _, err := pay.LoadPublicKey(in); !errors.As(err, &ce) {
			t.Errorf("LoadPublicKey err = %v", err)
		}
	}
	for _, in := range [][]byte{nil, pub, []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")} {
		if _, err := pay.LoadCertificate(in); !errors.As(err, &ce) {
			t.Errorf("LoadCertificate err = %v", err)
		}
	}
	if pay.CertificateSerial(nil) != "" {
		t.Fatal("nil serial")
	}
}
