package pay

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
)

// AuthScheme is the APIv3 Authorization scheme (签名认证类型).
const AuthScheme = "WECHATPAY2-SHA256-RSA2048"

// signMessage returns base64(RSA-SHA256-PKCS1v15(message)) with the merchant
// private key. PKCS#1 v1.5 signatures are deterministic.
func (c *Client) signMessage(parts ...string) (string, error) {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{'\n'})
	}
	return c.signDigest(h.Sum(nil))
}

func (c *Client) signDigest(digest []byte) (string, error) {
	sig, err := rsa.SignPKCS1v15(nil, c.key, crypto.SHA256, digest)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// authorization builds the Authorization header value (签名生成) for a request:
// the signature covers "METHOD\nURL\ntimestamp\nnonce\nbody\n" where URL is
// the request path plus query exactly as sent and body the exact bytes sent
// (empty for GET).
func (c *Client) authorization(method, requestURI string, body []byte, timestamp int64, nonce string) (string, error) {
	ts := strconv.FormatInt(timestamp, 10)
	h := sha256.New()
	for _, p := range [...]string{method, requestURI, ts, nonce} {
		h.Write([]byte(p))
		h.Write([]byte{'\n'})
	}
	h.Write(body)
	h.Write([]byte{'\n'})
	sig, err := c.signDigest(h.Sum(nil))
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.Grow(len(AuthScheme) + len(sig) + 160)
	b.WriteString(AuthScheme)
	b.WriteString(` mchid="`)
	b.WriteString(c.mchID)
	b.WriteString(`",nonce_str="`)
	b.WriteString(nonce)
	b.WriteString(`",signature="`)
	b.WriteString(sig)
	b.WriteString(`",timestamp="`)
	b.WriteString(ts)
	b.WriteString(`",serial_no="`)
	b.WriteString(c.serial)
	b.WriteString(`"`)
	return b.String(), nil
}
