package paysim

import (
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// AlgorithmAEADAES256GCM is the algorithm name WeChat Pay uses for resources
// encrypted under the APIv3 key (AEAD_AES_256_GCM).
const AlgorithmAEADAES256GCM = "AEAD_AES_256_GCM"

// AuthScheme is the Authorization scheme of API v3 requests.
const AuthScheme = "WECHATPAY2-SHA256-RSA2048"

// SignTestPrefix starts the probe signatures WeChat Pay sends to check that a
// merchant really verifies signatures (签名探测流量).
const SignTestPrefix = "WECHATPAY/SIGNTEST/"

// cst is China Standard Time, the zone of every WeChat Pay timestamp.
var cst = time.FixedZone("CST", 8*3600)

const (
	digits   = "0123456789"
	alnum    = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	hexUpper = "0123456789ABCDEF"
)

// randString returns n characters drawn uniformly from set.
func randString(set string, n int) string {
	b := make([]byte, n)
	max := big.NewInt(int64(len(set)))
	for i := range b {
		v, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic("paysim: crypto/rand failed: " + err.Error()) // never happens on supported platforms
		}
		b[i] = set[v.Int64()]
	}
	return string(b)
}

// encryptAEAD seals plaintext with AES-256-GCM as WeChat Pay does for
// certificates, notifications and bills: the 12-byte nonce and the associated
// data are ASCII strings and the result is base64 of ciphertext||tag.
func encryptAEAD(key []byte, nonce, associatedData string, plaintext []byte) (string, error) {
	gcm, err := newGCM(key)
	if err != nil {
		return "", err
	}
	if len(nonce) != gcm.NonceSize() {
		return "", errors.New("paysim: AEAD nonce must be 12 bytes")
	}
	sealed := gcm.Seal(nil, []byte(nonce), plaintext, []byte(associatedData))
	return base64.StdEncoding.EncodeToString(sealed), nil
}

// DecryptResource opens a resource encrypted with AEAD_AES_256_GCM under an
// APIv3 key (解密回调报文 / 解密平台证书). It is the inverse of what the simulator
// sends and is exported for tests and demo programs.
func DecryptResource(apiV3Key, nonce, associatedData, ciphertext string) ([]byte, error) {
	gcm, err := newGCM([]byte(apiV3Key))
	if err != nil {
		return nil, err
	}
	raw, err := base64.StdEncoding.DecodeString(ciphertext)
	if err != nil {
		return nil, errors.New("paysim: ciphertext is not base64")
	}
	if len(nonce) != gcm.NonceSize() {
		return nil, errors.New("paysim: AEAD nonce must be 12 bytes")
	}
	out, err := gcm.Open(nil, []byte(nonce), raw, []byte(associatedData))
	if err != nil {
		return nil, errors.New("paysim: AEAD authentication failed")
	}
	return out, nil
}

func newGCM(key []byte) (cipher.AEAD, error) {
	if len(key) != 32 {
		return nil, errors.New("paysim: APIv3 key must be 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func signSHA256(key *rsa.PrivateKey, message string) (string, error) {
	sum := sha256.Sum256([]byte(message))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

func verifySHA256(key *rsa.PublicKey, message, signature string) error {
	sig, err := base64.StdEncoding.DecodeString(signature)
	if err != nil {
		return errors.New("signature is not base64")
	}
	sum := sha256.Sum256([]byte(message))
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig); err != nil {
		return errors.New("signature does not verify")
	}
	return nil
}

// VerifySignature checks a WeChat Pay response or notification signature: the
// RSA-SHA256 (PKCS #1 v1.5) signature over "timestamp\nnonce\nbody\n" (验签).
// It is exported for tests and demo programs.
func VerifySignature(key *rsa.PublicKey, timestamp, nonce string, body []byte, signature string) error {
	if key == nil {
		return errors.New("paysim: nil public key")
	}
	if err := verifySHA256(key, timestamp+"\n"+nonce+"\n"+string(body)+"\n", signature); err != nil {
		return errors.New("paysim: " + err.Error())
	}
	return nil
}

// ParsePrivateKeyPEM parses an RSA private key in PKCS #8 ("PRIVATE KEY", the
// format of apiclient_key.pem) or PKCS #1 ("RSA PRIVATE KEY") PEM.
func ParsePrivateKeyPEM(data []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("paysim: no PEM block in private key")
	}
	switch block.Type {
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New("paysim: malformed PKCS #8 private key")
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, errors.New("paysim: private key is not RSA")
		}
		return rk, nil
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New("paysim: malformed PKCS #1 private key")
		}
		return k, nil
	}
	return nil, fmt.Errorf("paysim: unexpected PEM block %q", block.Type)
}

func publicKeyPEM(key *rsa.PublicKey) []byte {
	der, _ := x509.MarshalPKIXPublicKey(key) // cannot fail for RSA keys
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// newPlatformCertificate makes the self-signed platform certificate (平台证书)
// and returns it with its serial in upper-case hex, as WeChat Pay prints it.
func newPlatformCertificate(key *rsa.PrivateKey, now time.Time) (*x509.Certificate, []byte, string, error) {
	serialBytes := make([]byte, 20)
	if _, err := io.ReadFull(rand.Reader, serialBytes); err != nil {
		return nil, nil, "", err
	}
	serialBytes[0] &= 0x7f
	serialBytes[0] |= 0x10 // keep 40 hex digits
	serial := new(big.Int).SetBytes(serialBytes)
	name := pkix.Name{
		CommonName:         "Tenpay.com Simulator",
		OrganizationalUnit: []string{"Tenpay.com CA Center"},
		Organization:       []string{"Tenpay.com"},
		Locality:           []string{"Shenzhen"},
		Province:           []string{"Guangdong"},
		Country:            []string{"CN"},
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               name,
		Issuer:                name,
		NotBefore:             now.Add(-time.Hour).Truncate(time.Second),
		NotAfter:              now.AddDate(5, 0, 0).Truncate(time.Second),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment | x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, "", err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, "", err
	}
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return cert, pemBytes, strings.ToUpper(hex.EncodeToString(serial.Bytes())), nil
}

// TestMerchant is a merchant made by [NewTestMerchant] together with its
// private key, for tests and demo programs. String and GoString never print the
// key or the APIv3 key.
type TestMerchant struct {
	Merchant
	// PrivateKey signs requests (商户API私钥).
	PrivateKey *rsa.PrivateKey
	// PrivateKeyPEM is PrivateKey in PKCS #8 PEM, like apiclient_key.pem.
	PrivateKeyPEM []byte
}

// NewTestMerchant generates a merchant: a 10-digit MchID, an RSA-2048 key pair,
// a 40-hex-digit certificate serial (商户API证书序列号) and a 32-character
// APIv3 key.
func NewTestMerchant() (*TestMerchant, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	return newTestMerchantWithKey(key)
}

// NewTestMerchantFromPEM is [NewTestMerchant] with a given private key, so that
// tests can skip key generation.
func NewTestMerchantFromPEM(privateKeyPEM []byte) (*TestMerchant, error) {
	key, err := ParsePrivateKeyPEM(privateKeyPEM)
	if err != nil {
		return nil, err
	}
	return newTestMerchantWithKey(key)
}

func newTestMerchantWithKey(key *rsa.PrivateKey) (*TestMerchant, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return &TestMerchant{
		Merchant: Merchant{
			MchID:             "19" + randString(digits, 8),
			APIv3Key:          randString(alnum, 32),
			MerchantPublicKey: &key.PublicKey,
			MerchantSerial:    randString(hexUpper, 40),
			APIKey:            randString(alnum, 32),
		},
		PrivateKey:    key,
		PrivateKeyPEM: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}),
	}, nil
}

// String implements fmt.Stringer without secrets.
func (t TestMerchant) String() string {
	return "paysim.TestMerchant{" + t.Merchant.describe() + "}"
}

// GoString implements fmt.GoStringer without secrets.
func (t TestMerchant) GoString() string { return t.String() }

// Authorization returns the Authorization header value for a request (签名生成):
// the signature covers "METHOD\nURI\ntimestamp\nnonce\nbody\n" where uri is the
// path and query as sent, e.g. "/v3/pay/transactions/out-trade-no/1217?mchid=1900".
func (t *TestMerchant) Authorization(method, uri string, body []byte, timestamp time.Time) (string, error) {
	if t == nil || t.PrivateKey == nil {
		return "", errors.New("paysim: test merchant has no private key")
	}
	nonce := randString(hexUpper, 32)
	ts := strconv.FormatInt(timestamp.Unix(), 10)
	sig, err := signSHA256(t.PrivateKey, method+"\n"+uri+"\n"+ts+"\n"+nonce+"\n"+string(body)+"\n")
	if err != nil {
		return "", err
	}
	return fmt.Sprintf(`%s mchid="%s",nonce_str="%s",signature="%s",timestamp="%s",serial_no="%s"`,
		AuthScheme, t.MchID, nonce, sig, ts, t.MerchantSerial), nil
}

// SignRequest sets the Authorization header of req, whose body is body (nil for
// GET), signed now.
func (t *TestMerchant) SignRequest(req *http.Request, body []byte) error {
	auth, err := t.Authorization(req.Method, req.URL.RequestURI(), body, time.Now())
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", auth)
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	return nil
}

// EncryptSensitive encrypts a sensitive field (敏感信息加密) such as the
// bank_account of an abnormal refund with RSA-OAEP (SHA-1), as WeChat Pay
// requires, under a platform public key.
func EncryptSensitive(key *rsa.PublicKey, plaintext string) (string, error) {
	out, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, key, []byte(plaintext), nil)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(out), nil
}

func decryptSensitive(key *rsa.PrivateKey, ciphertext string) (string, error) {
	raw, err := base64.StdEncoding.DecodeString(ciphertext)
	if err != nil {
		return "", err
	}
	out, err := rsa.DecryptOAEP(sha1.New(), nil, key, raw, nil)
	if err != nil {
		return "", err
	}
	return string(bytes.TrimSpace(out)), nil
}
