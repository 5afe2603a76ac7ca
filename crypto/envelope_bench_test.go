package crypto

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"io"
	"sort"
	"strings"
	"testing"
)

// The *300 benchmarks process a ~300-byte plaintext message: the typical
// size of a text message or event push.
const (
	benchTS    = "1409304348"
	benchNonce = "1320562132"
)

func benchMessage() []byte {
	msg := []byte("<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content><MsgId>6054768590064713728</MsgId></xml>")
	msg = append(msg, strings.Repeat(" ", 300-len(msg))...)
	return msg
}

type benchFixture struct {
	e      *Envelope
	msg    []byte
	body   []byte // incoming safe-mode body
	msgSig string
	block  cipher.Block
	iv     []byte
}

func newBenchFixture(b *testing.B) *benchFixture {
	b.Helper()
	e := newTestEnvelope(b)
	msg := benchMessage()
	enc, err := e.Cipher().Encrypt(msg)
	if err != nil {
		b.Fatal(err)
	}
	body := []byte("<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>")
	key, _ := base64.StdEncoding.DecodeString(testKey + "=")
	block, err := aes.NewCipher(key)
	if err != nil {
		b.Fatal(err)
	}
	return &benchFixture{
		e: e, msg: msg, body: body,
		msgSig: MsgSignature(testToken, benchTS, benchNonce, enc),
		block:  block, iv: key[:16],
	}
}

func BenchmarkOpen300(b *testing.B) {
	f := newBenchFixture(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(f.msg)))
	for b.Loop() {
		if _, err := f.e.Open(f.msgSig, benchTS, benchNonce, f.body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendOpen300(b *testing.B) {
	f := newBenchFixture(b)
	dst := make([]byte, 0, 1024)
	b.ReportAllocs()
	b.SetBytes(int64(len(f.msg)))
	for b.Loop() {
		var err error
		if dst, err = f.e.AppendOpen(dst[:0], f.msgSig, benchTS, benchNonce, f.body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSeal300(b *testing.B) {
	f := newBenchFixture(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(f.msg)))
	for b.Loop() {
		if _, err := f.e.Seal(f.msg, benchTS, benchNonce); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendSeal300(b *testing.B) {
	f := newBenchFixture(b)
	dst := make([]byte, 0, 2048)
	b.ReportAllocs()
	b.SetBytes(int64(len(f.msg)))
	for b.Loop() {
		var err error
		if dst, err = f.e.AppendSeal(dst[:0], f.msg, benchTS, benchNonce); err != nil {
			b.Fatal(err)
		}
	}
}

// floorSign is the direct stdlib signature: sort, hash, hex.
func floorSign(parts ...string) string {
	sort.Strings(parts)
	h := sha1.New()
	for _, p := range parts {
		_, _ = io.WriteString(h, p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// BenchmarkFloorOpen300 is the stdlib-only floor for Open: locate the
// Encrypt CDATA with bytes.Index, sha1 over the sorted parts, constant-time
// compare, base64 decode, AES-CBC decrypt with a precreated block, unpad,
// read the length field and compare the AppID.
func BenchmarkFloorOpen300(b *testing.B) {
	f := newBenchFixture(b)
	open, close := []byte("<Encrypt><![CDATA["), []byte("]]></Encrypt>")
	b.ReportAllocs()
	b.SetBytes(int64(len(f.msg)))
	for b.Loop() {
		i := bytes.Index(f.body, open) + len(open)
		j := i + bytes.Index(f.body[i:], close)
		enc := f.body[i:j]
		sig := floorSign(testToken, benchTS, benchNonce, string(enc))
		if subtle.ConstantTimeCompare([]byte(sig), []byte(f.msgSig)) != 1 {
			b.Fatal("signature")
		}
		raw := make([]byte, base64.StdEncoding.DecodedLen(len(enc)))
		n, err := base64.StdEncoding.Decode(raw, enc)
		if err != nil {
			b.Fatal(err)
		}
		raw = raw[:n]
		cipher.NewCBCDecrypter(f.block, f.iv).CryptBlocks(raw, raw)
		raw = raw[:n-int(raw[n-1])]
		l := binary.BigEndian.Uint32(raw[16:20])
		msg := raw[20 : 20+l]
		if string(raw[20+l:]) != testAppID || len(msg) != len(f.msg) {
			b.Fatal("appid")
		}
	}
}

// BenchmarkFloorSeal300 is the stdlib-only floor for Seal: random prefix,
// length, message, AppID, PKCS#7 pad, AES-CBC encrypt with a precreated
// block, base64 encode, sha1 over the sorted parts, build the XML.
func BenchmarkFloorSeal300(b *testing.B) {
	f := newBenchFixture(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(f.msg)))
	for b.Loop() {
		n := 20 + len(f.msg) + len(testAppID)
		pad := 32 - n%32
		plain := make([]byte, n+pad)
		_, _ = rand.Read(plain[:16])
		binary.BigEndian.PutUint32(plain[16:20], uint32(len(f.msg)))
		copy(plain[20:], f.msg)
		copy(plain[20+len(f.msg):], testAppID)
		for k := n; k < len(plain); k++ {
			plain[k] = byte(pad)
		}
		cipher.NewCBCEncrypter(f.block, f.iv).CryptBlocks(plain, plain)
		enc := base64.StdEncoding.EncodeToString(plain)
		sig := floorSign(testToken, benchTS, benchNonce, enc)
		var sb strings.Builder
		sb.Grow(len(enc) + 200)
		sb.WriteString("<xml><Encrypt><![CDATA[")
		sb.WriteString(enc)
		sb.WriteString("]]></Encrypt><MsgSignature><![CDATA[")
		sb.WriteString(sig)
		sb.WriteString("]]></MsgSignature><TimeStamp>")
		sb.WriteString(benchTS)
		sb.WriteString("</TimeStamp><Nonce><![CDATA[")
		sb.WriteString(benchNonce)
		sb.WriteString("]]></Nonce></xml>")
		_ = sb.String()
	}
}
