package crypto

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"math"
	"slices"
)

const (
	// EncodingAESKeyLen is the length of an EncodingAESKey (消息加解密密钥).
	EncodingAESKeyLen = 43

	aesKeyLen  = 32 // AES-256
	randomLen  = 16 // random prefix
	lenFieldSz = 4  // big-endian message length
	headerLen  = randomLen + lenFieldSz
	padBlock   = 32 // PKCS#7 block of the WeChat scheme
)

// CipherOption configures a [Cipher].
type CipherOption func(*cipherConfig)

type cipherConfig struct {
	random io.Reader
}

// WithRandom sets the source of the 16 random bytes that prefix every
// encrypted message. The default is crypto/rand. It exists for deterministic
// tests and known-answer vectors; a reader shared by a Cipher used from
// several goroutines must be safe for concurrent use. A nil reader selects
// the default.
func WithRandom(r io.Reader) CipherOption {
	return func(c *cipherConfig) { c.random = r }
}

// Cipher implements the AES envelope of WeChat message encryption
// (消息加解密, the WXBizMsgCrypt scheme):
//
//	AESKey     = base64_decode(EncodingAESKey + "=")          // 32 bytes, AES-256
//	IV         = AESKey[:16]
//	plaintext  = random(16) | msg_len (4 bytes, big endian) | msg | AppID
//	Encrypt    = base64(AES-CBC(PKCS#7_pad_32(plaintext)))
//
// A Cipher is immutable and safe for concurrent use. Its String, GoString,
// Format and LogValue methods never reveal the key.
type Cipher struct {
	block  cipher.Block
	iv     [aes.BlockSize]byte
	appID  string
	random io.Reader // nil: crypto/rand
	b64    *base64.Encoding
}

// NewCipher returns a Cipher for the EncodingAESKey and AppID configured on
// the WeChat platform (公众号 基本配置 / 服务器配置). The key must be exactly 43
// base64 characters that decode, with "=" appended, to 32 bytes; otherwise the
// error is [ErrInvalidAESKey]. The AppID is required ([ErrInvalidAppID]):
// it is appended to every encrypted message and checked on decryption.
func NewCipher(encodingAESKey, appID string, opts ...CipherOption) (*Cipher, error) {
	if len(encodingAESKey) != EncodingAESKeyLen {
		return nil, ErrInvalidAESKey
	}
	if appID == "" {
		return nil, ErrInvalidAppID
	}
	var cfg cipherConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}

	var in [EncodingAESKeyLen + 1]byte
	copy(in[:], encodingAESKey)
	in[EncodingAESKeyLen] = '='
	var key [aesKeyLen + 1]byte
	// Not Strict: real EncodingAESKeys (and the official sample key) have
	// non-zero trailing bits in their last character.
	n, err := base64.StdEncoding.Decode(key[:], in[:])
	clear(in[:])
	if err != nil || n != aesKeyLen {
		clear(key[:])
		return nil, ErrInvalidAESKey
	}
	block, err := aes.NewCipher(key[:aesKeyLen])
	if err != nil {
		clear(key[:])
		return nil, ErrInvalidAESKey
	}
	c := &Cipher{
		block:  block,
		appID:  appID,
		random: cfg.random,
		b64:    base64.StdEncoding.Strict(),
	}
	copy(c.iv[:], key[:aes.BlockSize])
	clear(key[:])
	return c, nil
}

// AppID returns the AppID the Cipher appends and checks.
func (c *Cipher) AppID() string {
	if c == nil {
		return ""
	}
	return c.appID
}

// String returns a description that never contains the key.
func (c Cipher) String() string {
	return "crypto.Cipher{appID: " + c.appID + ", key: <redacted>}"
}

// GoString implements fmt.GoStringer without revealing the key.
func (c Cipher) GoString() string { return c.String() }

// Format implements fmt.Formatter so that every verb (%v, %+v, %#v, %x, %d,
// ...) prints the redacted description.
func (c Cipher) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// LogValue implements slog.LogValuer without revealing the key.
func (c Cipher) LogValue() slog.Value { return slog.StringValue(c.String()) }

// errZeroCipher is returned by the methods of a Cipher or Envelope that was
// not created with its constructor (a zero value or nil pointer).
var errZeroCipher = fmt.Errorf("crypto: Cipher not created with NewCipher: %w", ErrInvalidAESKey)

// ready reports whether c was created by NewCipher.
func (c *Cipher) ready() bool { return c != nil && c.block != nil }

// sealedLen returns the decoded ciphertext length and its base64 length for
// a message of n bytes.
func (c *Cipher) sealedLen(n int) (rawLen, encLen int, err error) {
	if uint64(n) > math.MaxUint32 || n > math.MaxInt/2-len(c.appID)-2*padBlock-headerLen {
		return 0, 0, ErrInvalidLength
	}
	plain := headerLen + n + len(c.appID)
	rawLen = plain + padBlock - plain%padBlock
	return rawLen, base64.StdEncoding.EncodedLen(rawLen), nil
}

// Encrypt encrypts msg and returns the base64 ciphertext (the Encrypt field).
func (c *Cipher) Encrypt(msg []byte) (string, error) {
	out, err := c.AppendEncrypt(nil, msg)
	if err != nil {
		return "", err
	}
	return string(out), nil
}

// AppendEncrypt encrypts msg and appends the base64 ciphertext to dst,
// returning the extended slice. It uses the spare capacity of dst beyond the
// result as scratch space, so with a reused dst of sufficient capacity it
// does not allocate. msg must not overlap the spare capacity of dst.
func (c *Cipher) AppendEncrypt(dst, msg []byte) ([]byte, error) {
	if !c.ready() {
		return dst, errZeroCipher
	}
	rawLen, encLen, err := c.sealedLen(len(msg))
	if err != nil {
		return dst, err
	}
	start := len(dst)
	dst = slices.Grow(dst, encLen+rawLen)
	out := dst[start : start+encLen]
	raw := dst[start+encLen : start+encLen+rawLen]

	if err := c.readRandom(raw[:randomLen]); err != nil {
		return dst[:start], err
	}
	binary.BigEndian.PutUint32(raw[randomLen:headerLen], uint32(len(msg)))
	p := headerLen + copy(raw[headerLen:], msg)
	p += copy(raw[p:], c.appID)
	pad := byte(rawLen - p)
	for i := p; i < rawLen; i++ {
		raw[i] = pad
	}
	c.cbcEncrypt(raw)
	base64.StdEncoding.Encode(out, raw)
	return dst[:start+encLen], nil
}

func (c *Cipher) readRandom(b []byte) error {
	if c.random == nil {
		_, _ = rand.Read(b) // never fails (crypto/rand crashes the program instead)
		return nil
	}
	if _, err := io.ReadFull(c.random, b); err != nil {
		return fmt.Errorf("crypto: reading random bytes: %w", err)
	}
	return nil
}

// Decrypt decodes and decrypts a base64 ciphertext (the Encrypt field) and
// returns the message. It checks, in order: base64 ([ErrInvalidBase64]),
// length ([ErrInvalidBlockSize]: a multiple of 16 bytes, at least 32, as the
// official samples accept), PKCS#7 padding 1..32 with equal pad bytes
// ([ErrInvalidPadding]), the length field ([ErrInvalidLength]) and the AppID
// ([ErrAppIDMismatch]).
//
// Decrypt does not authenticate: verify the msg_signature first (as
// [Envelope.Open] does) so that unauthenticated ciphertexts never reach it.
func (c *Cipher) Decrypt(ciphertext string) ([]byte, error) {
	out, err := c.AppendDecrypt(nil, []byte(ciphertext))
	if err != nil {
		return nil, err
	}
	return out[:len(out):len(out)], nil
}

// AppendDecrypt is [Cipher.Decrypt] for a ciphertext in bytes: it appends the
// message to dst and returns the extended slice (dst[:len(dst)] on error). It
// decodes and decrypts in the spare capacity of dst, so with a reused dst of
// sufficient capacity it does not allocate. ciphertext must not overlap the
// spare capacity of dst.
func (c *Cipher) AppendDecrypt(dst, ciphertext []byte) ([]byte, error) {
	if !c.ready() {
		return dst, errZeroCipher
	}
	// encoding/base64 skips \r and \n even in strict mode; WeChat's
	// ciphertext is canonical base64, so they are refused here.
	if bytes.IndexByte(ciphertext, '\n') >= 0 || bytes.IndexByte(ciphertext, '\r') >= 0 {
		return dst, ErrInvalidBase64
	}
	maxRaw := base64.StdEncoding.DecodedLen(len(ciphertext))
	start := len(dst)
	dst = slices.Grow(dst, maxRaw)
	buf := dst[start : start+maxRaw]
	n, err := c.b64.Decode(buf, ciphertext)
	if err != nil {
		clear(buf)
		return dst[:start], ErrInvalidBase64
	}
	raw := buf[:n]
	msgLen, err := c.open(raw)
	if err != nil {
		clear(buf)
		return dst[:start], err
	}
	copy(buf, raw[headerLen:headerLen+msgLen])
	clear(buf[msgLen:n])
	return dst[:start+msgLen], nil
}

// open decrypts raw in place, validates the padding, length field and AppID
// and returns the message length (the message is raw[headerLen:][:msgLen]).
func (c *Cipher) open(raw []byte) (int, error) {
	n := len(raw)
	if n < padBlock || n%aes.BlockSize != 0 {
		return 0, ErrInvalidBlockSize
	}
	c.cbcDecrypt(raw)

	pad := int(raw[n-1])
	// Check the last 32 bytes without data-dependent branches.
	var bad byte
	for i := 1; i <= padBlock; i++ {
		mask := -byte(subtle.ConstantTimeLessOrEq(i, pad))
		bad |= (raw[n-i] ^ byte(pad)) & mask
	}
	bad |= byte(subtle.ConstantTimeEq(int32(pad), 0))
	bad |= -byte(1 - subtle.ConstantTimeLessOrEq(pad, padBlock))
	if bad != 0 {
		return 0, ErrInvalidPadding
	}
	content := raw[:n-pad]
	if len(content) < headerLen {
		return 0, ErrInvalidLength
	}
	msgLen := binary.BigEndian.Uint32(content[randomLen:headerLen])
	if uint64(msgLen) > uint64(len(content)-headerLen) {
		return 0, ErrInvalidLength
	}
	if string(content[headerLen+int(msgLen):]) != c.appID {
		return 0, ErrAppIDMismatch
	}
	return int(msgLen), nil
}

// cbcEncrypt encrypts b (a multiple of the block size) in place with AES-CBC.
func (c *Cipher) cbcEncrypt(b []byte) {
	prev := c.iv[:]
	for i := 0; i < len(b); i += aes.BlockSize {
		blk := b[i : i+aes.BlockSize]
		subtle.XORBytes(blk, blk, prev)
		c.block.Encrypt(blk, blk)
		prev = blk
	}
}

// cbcDecrypt decrypts b (a multiple of the block size) in place with AES-CBC,
// walking backwards so each previous ciphertext block is still intact.
func (c *Cipher) cbcDecrypt(b []byte) {
	for i := len(b) - aes.BlockSize; i >= 0; i -= aes.BlockSize {
		blk := b[i : i+aes.BlockSize]
		c.block.Decrypt(blk, blk)
		if i > 0 {
			subtle.XORBytes(blk, blk, b[i-aes.BlockSize:i])
		} else {
			subtle.XORBytes(blk, blk, c.iv[:])
		}
	}
}
