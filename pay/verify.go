package pay

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Response and notification signature headers (应答签名 / 回调签名).
const (
	HeaderTimestamp = "Wechatpay-Timestamp"
	HeaderNonce     = "Wechatpay-Nonce"
	HeaderSignature = "Wechatpay-Signature"
	HeaderSerial    = "Wechatpay-Serial"
)

// MaxClockSkew is the largest accepted distance between Wechatpay-Timestamp
// and the local clock; messages 5 minutes or more away are rejected.
const MaxClockSkew = 5 * time.Minute

const signTestPrefix = "WECHATPAY/SIGNTEST/"

// KeyStore holds the WeChat Pay verification keys of one merchant: platform
// certificates (平台证书, keyed by certificate serial), the WeChat Pay public
// key (微信支付公钥, keyed by its ID such as "PUB_KEY_ID_0112..."), or both at
// once while a merchant migrates from certificates to the public key.
//
// It verifies response and notification signatures and chooses the key used
// for sensitive-field encryption. A KeyStore is safe for concurrent use. Each
// Client creates its own unless WithKeyStore shares one between clients of the
// same merchant.
type KeyStore struct {
	mu       sync.RWMutex
	certs    map[string]platformCert // normalised serial -> cert
	pubKeyID string
	pubKey   *rsa.PublicKey
}

type platformCert struct {
	serial    string // as WeChat Pay spells it
	key       *rsa.PublicKey
	notBefore time.Time
	notAfter  time.Time
}

// NewKeyStore returns an empty KeyStore.
func NewKeyStore() *KeyStore {
	return &KeyStore{certs: make(map[string]platformCert)}
}

// normSerial makes certificate serials comparable: upper case, no leading
// zeros. Public key IDs are compared verbatim.
func normSerial(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if strings.HasPrefix(s, "PUB_KEY_ID_") {
		return s
	}
	t := strings.TrimLeft(s, "0")
	if t == "" && s != "" {
		return "0"
	}
	return t
}

// AddCertificate adds (or replaces) a platform certificate. The certificate
// must carry an RSA public key.
func (s *KeyStore) AddCertificate(cert *x509.Certificate) error {
	if cert == nil {
		return &ConfigError{Field: "PlatformCertificate", Reason: "nil certificate"}
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return &ConfigError{Field: "PlatformCertificate", Reason: "certificate key is not RSA"}
	}
	s.addCert(platformCert{serial: CertificateSerial(cert), key: pub, notBefore: cert.NotBefore, notAfter: cert.NotAfter})
	return nil
}

func (s *KeyStore) addCert(pc platformCert) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.certs == nil {
		s.certs = make(map[string]platformCert)
	}
	s.certs[normSerial(pc.serial)] = pc
}

// removeExpired drops platform certificates that expired before now.
func (s *KeyStore) removeExpired(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, c := range s.certs {
		if !c.notAfter.IsZero() && now.After(c.notAfter) {
			delete(s.certs, k)
		}
	}
}

// SetPublicKey sets the WeChat Pay public key and its ID (微信支付公钥ID, e.g.
// "PUB_KEY_ID_0112..."). Once set, requests carry Wechatpay-Serial: <id> and
// sensitive fields are encrypted with this key.
func (s *KeyStore) SetPublicKey(id string, pub *rsa.PublicKey) error {
	if strings.TrimSpace(id) == "" {
		return &ConfigError{Field: "PublicKeyID", Reason: "empty"}
	}
	if pub == nil {
		return &ConfigError{Field: "PublicKey", Reason: "nil key"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pubKeyID, s.pubKey = strings.TrimSpace(id), pub
	return nil
}

// PublicKeyID returns the configured WeChat Pay public key ID, or "".
func (s *KeyStore) PublicKeyID() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.pubKeyID
}

// Serials lists the known platform certificate serials, sorted.
func (s *KeyStore) Serials() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, 0, len(s.certs))
	for _, c := range s.certs {
		out = append(out, c.serial)
	}
	sort.Strings(out)
	return out
}

// Lookup returns the verification key for a Wechatpay-Serial value: the
// public key when serial equals the public key ID, else the platform
// certificate with that serial.
func (s *KeyStore) Lookup(serial string) (*rsa.PublicKey, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.pubKey != nil && serial == s.pubKeyID {
		return s.pubKey, true
	}
	c, ok := s.certs[normSerial(serial)]
	if !ok {
		return nil, false
	}
	return c.key, true
}

// EncryptionKey returns the key (and the serial to send as Wechatpay-Serial)
// for sensitive-field encryption. The WeChat Pay public key is preferred;
// otherwise the newest platform certificate that is already effective at now.
func (s *KeyStore) EncryptionKey(now time.Time) (serial string, key *rsa.PublicKey, err error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.pubKey != nil {
		return s.pubKeyID, s.pubKey, nil
	}
	var best *platformCert
	for _, c := range s.certs {
		c := c
		if !c.notAfter.IsZero() && now.After(c.notAfter) {
			continue
		}
		if best == nil {
			best = &c
			continue
		}
		bestActive, cActive := !now.Before(best.notBefore), !now.Before(c.notBefore)
		switch {
		case cActive && !bestActive:
			best = &c
		case cActive == bestActive && (c.notBefore.After(best.notBefore) ||
			(c.notBefore.Equal(best.notBefore) && c.serial > best.serial)):
			best = &c
		}
	}
	if best == nil {
		return "", nil, ErrNoEncryptionKey
	}
	return best.serial, best.key, nil
}

// Verify checks the WeChat Pay signature of a response or notification:
// the four Wechatpay-* headers must be present, the signature must not be a
// WECHATPAY/SIGNTEST/ probe, the timestamp must be within MaxClockSkew of now,
// the serial must be known and the RSA-SHA256 signature over
// "timestamp\nnonce\nbody\n" must verify. Errors wrap ErrMissingSignatureHeaders,
// ErrSignTestProbe, ErrTimestampSkew, ErrUnknownSerial or ErrSignatureInvalid.
func (s *KeyStore) Verify(header http.Header, body []byte, now time.Time) error {
	return verifySignature(header, body, now, s.Lookup)
}

func verifySignature(header http.Header, body []byte, now time.Time, lookup func(string) (*rsa.PublicKey, bool)) error {
	ts := header.Get(HeaderTimestamp)
	nonce := header.Get(HeaderNonce)
	sig := header.Get(HeaderSignature)
	serial := header.Get(HeaderSerial)
	if ts == "" || nonce == "" || sig == "" || serial == "" {
		return ErrMissingSignatureHeaders
	}
	if strings.HasPrefix(sig, signTestPrefix) {
		return ErrSignTestProbe
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: malformed %s", ErrSignatureInvalid, HeaderTimestamp)
	}
	// Compare in seconds to avoid time.Duration overflow on absurd values.
	d := now.Unix() - sec
	if d < 0 {
		d = -d
	}
	if d < 0 || d >= int64(MaxClockSkew/time.Second) {
		return ErrTimestampSkew
	}
	key, ok := lookup(serial)
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownSerial, truncate(serial, 64))
	}
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return fmt.Errorf("%w: signature is not base64", ErrSignatureInvalid)
	}
	h := sha256.New()
	h.Write([]byte(ts))
	h.Write([]byte{'\n'})
	h.Write([]byte(nonce))
	h.Write([]byte{'\n'})
	h.Write(body)
	h.Write([]byte{'\n'})
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, h.Sum(nil), raw); err != nil {
		return ErrSignatureInvalid
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
