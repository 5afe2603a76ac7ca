package pay

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"strings"

	"golang.org/x/crypto/pkcs12"
)

// LoadPrivateKey parses the merchant API private key (商户API私钥,
// apiclient_key.pem). Both PKCS#1 ("RSA PRIVATE KEY") and PKCS#8
// ("PRIVATE KEY") PEM blocks are accepted; the key must be RSA. Errors are
// *ConfigError and never contain key material.
func LoadPrivateKey(pemData []byte) (*rsa.PrivateKey, error) {
	block := firstPEM(pemData, "RSA PRIVATE KEY", "PRIVATE KEY")
	if block == nil {
		return nil, &ConfigError{Field: "PrivateKey", Reason: "no RSA PRIVATE KEY or PRIVATE KEY PEM block found"}
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, &ConfigError{Field: "PrivateKey", Reason: "malformed PKCS#1 key"}
		}
		return k, nil
	default:
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, &ConfigError{Field: "PrivateKey", Reason: "malformed PKCS#8 key"}
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, &ConfigError{Field: "PrivateKey", Reason: "PKCS#8 key is not RSA"}
		}
		return rk, nil
	}
}

// LoadPKCS12 decodes the merchant certificate bundle apiclient_cert.p12 that
// the merchant platform (商户平台) lets you download; by convention its password
// is the merchant ID (mchid). It returns the private key and the merchant
// certificate; CertificateSerial(cert) gives Config.CertSerial.
func LoadPKCS12(data []byte, password string) (*rsa.PrivateKey, *x509.Certificate, error) {
	if len(data) == 0 {
		return nil, nil, &ConfigError{Field: "PKCS12", Reason: "empty data"}
	}
	key, cert, err := pkcs12.Decode(data, password)
	if err != nil {
		if errors.Is(err, pkcs12.ErrIncorrectPassword) {
			return nil, nil, &ConfigError{Field: "PKCS12", Reason: "incorrect password"}
		}
		return nil, nil, &ConfigError{Field: "PKCS12", Reason: "cannot decode .p12 data"}
	}
	rk, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, nil, &ConfigError{Field: "PKCS12", Reason: "key is not RSA"}
	}
	return rk, cert, nil
}

// LoadPublicKey parses a PEM RSA public key, typically the WeChat Pay public
// key (微信支付公钥, pub_key.pem) downloaded from the merchant platform. Both
// "PUBLIC KEY" (PKIX) and "RSA PUBLIC KEY" (PKCS#1) blocks are accepted.
func LoadPublicKey(pemData []byte) (*rsa.PublicKey, error) {
	block := firstPEM(pemData, "PUBLIC KEY", "RSA PUBLIC KEY")
	if block == nil {
		return nil, &ConfigError{Field: "PublicKey", Reason: "no PUBLIC KEY PEM block found"}
	}
	if block.Type == "RSA PUBLIC KEY" {
		k, err := x509.ParsePKCS1PublicKey(block.Bytes)
		if err != nil {
			return nil, &ConfigError{Field: "PublicKey", Reason: "malformed PKCS#1 public key"}
		}
		return k, nil
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, &ConfigError{Field: "PublicKey", Reason: "malformed PKIX public key"}
	}
	rk, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, &ConfigError{Field: "PublicKey", Reason: "public key is not RSA"}
	}
	return rk, nil
}

// LoadCertificate parses a PEM X.509 certificate, such as a platform
// certificate (平台证书) saved earlier, or the merchant certificate
// apiclient_cert.pem.
func LoadCertificate(pemData []byte) (*x509.Certificate, error) {
	block := firstPEM(pemData, "CERTIFICATE")
	if block == nil {
		return nil, &ConfigError{Field: "Certificate", Reason: "no CERTIFICATE PEM block found"}
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, &ConfigError{Field: "Certificate", Reason: "malformed certificate"}
	}
	return c, nil
}

// CertificateSerial returns a certificate serial number in the form WeChat
// Pay uses (upper-case hex, e.g. "5157F09EFDC096DE15EBE81A47057A7232F1B8E1").
func CertificateSerial(cert *x509.Certificate) string {
	if cert == nil || cert.SerialNumber == nil {
		return ""
	}
	return strings.ToUpper(hex.EncodeToString(cert.SerialNumber.Bytes()))
}

func firstPEM(data []byte, types ...string) *pem.Block {
	for len(data) > 0 {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return nil
		}
		for _, t := range types {
			if block.Type == t {
				return block
			}
		}
	}
	return nil
}
