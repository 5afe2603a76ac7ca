package crypto

import (
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"slices"
)

// Fixed parts of a sealed reply (被动回复 加密后的XML).
const (
	sealPrefix = "<xml><Encrypt><![CDATA["
	sealSig    = "]]></Encrypt><MsgSignature><![CDATA["
	sealTS     = "]]></MsgSignature><TimeStamp>"
	sealNonce  = "</TimeStamp><Nonce><![CDATA["
	sealSuffix = "]]></Nonce></xml>"
	sealFixed  = len(sealPrefix) + len(sealSig) + sigHexLen + len(sealTS) + len(sealNonce) + len(sealSuffix)
)

// Envelope handles whole safe-mode / compatible-mode callback bodies
// (消息加解密 安全模式 / 兼容模式): it verifies msg_signature and decrypts incoming
// pushes ([Envelope.Open]) and encrypts and signs passive replies
// ([Envelope.Seal]). It holds the Token and a [Cipher], is immutable and
// safe for concurrent use, and never reveals the Token or key when printed
// or logged.
type Envelope struct {
	token  string
	cipher *Cipher
}

// NewEnvelope returns an Envelope for the Token, EncodingAESKey and AppID
// configured on the WeChat platform (服务器配置). The Token must not be empty
// ([ErrInvalidToken]); see [NewCipher] for the key and AppID rules.
func NewEnvelope(token, encodingAESKey, appID string, opts ...CipherOption) (*Envelope, error) {
	if token == "" {
		return nil, ErrInvalidToken
	}
	c, err := NewCipher(encodingAESKey, appID, opts...)
	if err != nil {
		return nil, err
	}
	return &Envelope{token: token, cipher: c}, nil
}

// Cipher returns the underlying Cipher.
func (e *Envelope) Cipher() *Cipher {
	if e == nil {
		return nil
	}
	return e.cipher
}

// AppID returns the AppID of the underlying Cipher.
func (e *Envelope) AppID() string {
	if e == nil {
		return ""
	}
	return e.cipher.AppID()
}

// String returns a description that never contains the Token or key.
func (e Envelope) String() string {
	appID := ""
	if e.cipher != nil {
		appID = e.cipher.appID
	}
	return "crypto.Envelope{appID: " + appID + ", token: <redacted>, key: <redacted>}"
}

// GoString implements fmt.GoStringer without revealing secrets.
func (e Envelope) GoString() string { return e.String() }

// Format implements fmt.Formatter so that every verb prints the redacted
// description.
func (e Envelope) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, e.String()) }

// LogValue implements slog.LogValuer without revealing secrets.
func (e Envelope) LogValue() slog.Value { return slog.StringValue(e.String()) }

// CheckSignature verifies the plain signature query parameter of the URL
// verification GET (验证服务器地址的有效性) and of every push:
// sha1(sort(Token, timestamp, nonce)). Constant time.
func (e *Envelope) CheckSignature(timestamp, nonce, signature string) bool {
	if e == nil || e.token == "" {
		return false
	}
	return CheckSignature(e.token, timestamp, nonce, signature)
}

// Open authenticates and decrypts an incoming callback body. It extracts the
// Encrypt element ([ExtractEncrypt]), verifies msgSignature (the
// msg_signature query parameter) over Token, timestamp, nonce and Encrypt in
// constant time BEFORE decrypting ([ErrInvalidSignature]), then decrypts and
// returns the inner plaintext XML. Replay protection (rejecting stale
// timestamps or reused nonces) is the caller's job.
func (e *Envelope) Open(msgSignature, timestamp, nonce string, body []byte) ([]byte, error) {
	out, err := e.AppendOpen(nil, msgSignature, timestamp, nonce, body)
	if err != nil {
		return nil, err
	}
	return out[:len(out):len(out)], nil
}

// AppendOpen is [Envelope.Open] appending the plaintext to dst (dst is
// returned with its original contents on error). With a reused dst of sufficient capacity it
// does not allocate. body must not overlap the spare capacity of dst.
func (e *Envelope) AppendOpen(dst []byte, msgSignature, timestamp, nonce string, body []byte) ([]byte, error) {
	if e == nil || !e.cipher.ready() {
		return dst, errZeroCipher
	}
	enc, err := ExtractEncrypt(body)
	if err != nil {
		return dst, err
	}
	if !checkMsgSignatureBytes(e.token, timestamp, nonce, enc, msgSignature) {
		return dst, ErrInvalidSignature
	}
	return e.cipher.AppendDecrypt(dst, enc)
}

// Seal encrypts a passive reply (被动回复用户消息, plaintext XML) and signs it,
// returning exactly
//
//	<xml><Encrypt><![CDATA[..]]></Encrypt><MsgSignature><![CDATA[..]]></MsgSignature><TimeStamp>1409304348</TimeStamp><Nonce><![CDATA[..]]></Nonce></xml>
//
// timestamp must be decimal digits ([ErrInvalidTimestamp]); nonce must be
// non-empty printable ASCII without "]]>" ([ErrInvalidNonce]). Both are
// usually the values of the incoming request.
func (e *Envelope) Seal(reply []byte, timestamp, nonce string) ([]byte, error) {
	return e.AppendSeal(nil, reply, timestamp, nonce)
}

// AppendSeal is [Envelope.Seal] appending the sealed XML to dst (dst is
// returned with its original contents on error). It grows dst at most once
// and uses its spare capacity as scratch space, so with a reused dst of
// sufficient capacity it does not allocate. reply must not overlap the spare
// capacity of dst.
func (e *Envelope) AppendSeal(dst, reply []byte, timestamp, nonce string) ([]byte, error) {
	if e == nil || !e.cipher.ready() {
		return dst, errZeroCipher
	}
	if !validTimestamp(timestamp) {
		return dst, ErrInvalidTimestamp
	}
	if !validNonce(nonce) {
		return dst, ErrInvalidNonce
	}
	rawLen, encLen, err := e.cipher.sealedLen(len(reply))
	if err != nil {
		return dst, err
	}
	start := len(dst)
	// Room for the prefix, the base64 and, past it, the raw ciphertext
	// scratch; or the whole document, whichever is longer.
	need := len(sealPrefix) + encLen + max(rawLen, sealFixed-len(sealPrefix)+len(timestamp)+len(nonce))
	dst = slices.Grow(dst, need)
	dst = append(dst, sealPrefix...)
	encStart := len(dst)
	dst, err = e.cipher.AppendEncrypt(dst, reply)
	if err != nil {
		return dst[:start], err
	}
	sum := sortedSum([]string{e.token, timestamp, nonce}, dst[encStart:], true)
	dst = append(dst, sealSig...)
	dst = hex.AppendEncode(dst, sum[:])
	dst = append(dst, sealTS...)
	dst = append(dst, timestamp...)
	dst = append(dst, sealNonce...)
	dst = append(dst, nonce...)
	dst = append(dst, sealSuffix...)
	return dst, nil
}

func validTimestamp(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func validNonce(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f {
			return false
		}
		if c == '>' && i >= 2 && s[i-1] == ']' && s[i-2] == ']' {
			return false
		}
	}
	return true
}
