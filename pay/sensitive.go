package pay

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
)

// EncryptSensitive encrypts a sensitive request field (敏感信息加密, e.g. a
// name or bank account) with RSA-OAEP (SHA-1, MGF1-SHA1) under the WeChat Pay
// public key, or the newest platform certificate when no public key is
// configured. It returns the base64 ciphertext and the serial (public key ID
// or certificate serial) that must be sent as the Wechatpay-Serial header;
// API methods of this package that carry encrypted fields set that header
// themselves. It fails with ErrNoEncryptionKey when no key is known: call
// RefreshCertificates or configure WithWechatPayPublicKey first.
func (c *Client) EncryptSensitive(plaintext string) (ciphertext, serial string, err error) {
	serial, key, err := c.keys.EncryptionKey(c.clock())
	if err != nil {
		return "", "", err
	}
	ct, err := encryptOAEP(key, plaintext)
	if err != nil {
		return "", "", err
	}
	return ct, serial, nil
}

func encryptOAEP(key *rsa.PublicKey, plaintext string) (string, error) {
	out, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, key, []byte(plaintext), nil)
	if err != nil {
		// The message is too long for the key: do not echo it.
		return "", &ArgumentError{Name: "plaintext", Reason: fmt.Sprintf("cannot encrypt %d bytes with RSA-OAEP", len(plaintext))}
	}
	return base64.StdEncoding.EncodeToString(out), nil
}

// DecryptSensitive decrypts a sensitive field that WeChat Pay encrypted with
// the merchant certificate (敏感信息解密), using the merchant private key and
// RSA-OAEP (SHA-1).
func (c *Client) DecryptSensitive(ciphertext string) (string, error) {
	raw, err := base64.StdEncoding.DecodeString(ciphertext)
	if err != nil {
		return "", fmt.Errorf("%w: ciphertext is not base64", ErrDecrypt)
	}
	pt, err := rsa.DecryptOAEP(sha1.New(), nil, c.key, raw, nil)
	if err != nil {
		return "", fmt.Errorf("%w: RSA-OAEP", ErrDecrypt)
	}
	return string(pt), nil
}

// sensitiveEncrypter encrypts several fields of one request with the same
// key, so that they all match a single Wechatpay-Serial header.
type sensitiveEncrypter struct {
	serial string
	key    *rsa.PublicKey
}

func (c *Client) newSensitiveEncrypter() (*sensitiveEncrypter, error) {
	serial, key, err := c.keys.EncryptionKey(c.clock())
	if err != nil {
		return nil, err
	}
	return &sensitiveEncrypter{serial: serial, key: key}, nil
}

// encrypt replaces *field with its ciphertext; empty fields stay empty.
func (e *sensitiveEncrypter) encrypt(field *string) error {
	if *field == "" {
		return nil
	}
	ct, err := encryptOAEP(e.key, *field)
	if err != nil {
		return err
	}
	*field = ct
	return nil
}
