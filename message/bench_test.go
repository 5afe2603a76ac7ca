package message_test

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wxkit/mp/message"
)

// The benchmarks run a full request through an http.Handler with
// httptest.NewRequest + httptest.NewRecorder, cycling through benchPushes
// distinct text messages (so deduplication does real work; its TTL is 1ns
// so that a cycled message is new again).
const benchPushes = 256

type benchCase struct {
	target string
	body   []byte
}

func benchCases(b *testing.B, encrypted bool) []benchCase {
	cs := make([]benchCase, benchPushes)
	for i := range cs {
		plain := textPush(6054768590064713728+int64(i), "hello")
		if encrypted {
			q, body := encryptPush(b, plain, testTS, testNonce, false)
			cs[i] = benchCase{"/wechat?" + q, body}
		} else {
			cs[i] = benchCase{"/wechat?" + plainQuery(testTS, testNonce), plain}
		}
	}
	return cs
}

func runBench(b *testing.B, h http.Handler, cs []benchCase, wantPrefix string) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c := &cs[i%len(cs)]
		i++
		req := httptest.NewRequest(http.MethodPost, c.target, bytes.NewReader(c.body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || !bytes.HasPrefix(rec.Body.Bytes(), []byte(wantPrefix)) {
			b.Fatalf("status %d body %q", rec.Code, rec.Body.Bytes())
		}
	}
}

func echoHandler() message.Handler {
	return message.HandlerFunc(func(_ context.Context, m message.Message) (message.Reply, error) {
		if t, ok := m.(*message.Text); ok {
			return message.TextReply{Content: t.Content}, nil
		}
		return nil, nil
	})
}

func newBenchServer(b *testing.B, cfg message.Config) *message.Server {
	s, err := message.NewServer(cfg, echoHandler(), message.WithClock(fixedClock), message.WithDedupTTL(time.Nanosecond))
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkHarness is the reference: request + recorder + a fixed reply.
func BenchmarkHarness(b *testing.B) {
	reply := []byte("<xml><Encrypt><![CDATA[x]]></Encrypt></xml>")
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		_, _ = w.Write(reply)
	})
	runBench(b, h, benchCases(b, true), "<xml>")
}

func BenchmarkPlaintextText(b *testing.B) {
	runBench(b, newBenchServer(b, message.Config{Token: testToken}), benchCases(b, false), "<xml><ToUserName>")
}

func BenchmarkSafeModeText(b *testing.B) {
	runBench(b, newBenchServer(b, safeConfig()), benchCases(b, true), "<xml><Encrypt>")
}

// BenchmarkFloorSafeMode is the stdlib-only floor of a safe-mode text
// echo: query parsing, SHA1 signature check, base64 + AES-CBC decrypt,
// extraction of FromUserName/ToUserName/Content with bytes.Index, the reply,
// AES encrypt, sign.
func BenchmarkFloorSafeMode(b *testing.B) {
	key, err := base64.StdEncoding.DecodeString(testKey + "=")
	if err != nil {
		b.Fatal(err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		b.Fatal(err)
	}
	iv := key[:16]
	sign := func(parts ...string) string {
		sort.Strings(parts)
		sum := sha1.Sum([]byte(strings.Join(parts, "")))
		return hex.EncodeToString(sum[:])
	}
	field := func(doc []byte, name string) []byte {
		open := []byte("<" + name + "><![CDATA[")
		i := bytes.Index(doc, open)
		if i < 0 {
			return nil
		}
		rest := doc[i+len(open):]
		j := bytes.Index(rest, []byte("]]>"))
		if j < 0 {
			return nil
		}
		return rest[:j]
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			http.Error(w, "bad query", 400)
			return
		}
		ts, nonce := q.Get("timestamp"), q.Get("nonce")
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "bad body", 400)
			return
		}
		enc := field(body, "Encrypt")
		want := sign(testToken, ts, nonce, string(enc))
		if subtle.ConstantTimeCompare([]byte(want), []byte(q.Get("msg_signature"))) != 1 {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		raw := make([]byte, base64.StdEncoding.DecodedLen(len(enc)))
		n, err := base64.StdEncoding.Decode(raw, enc)
		if err != nil || n%aes.BlockSize != 0 || n == 0 {
			http.Error(w, "bad", 400)
			return
		}
		raw = raw[:n]
		cipher.NewCBCDecrypter(block, iv).CryptBlocks(raw, raw)
		raw = raw[:n-int(raw[n-1])]
		l := int(binary.BigEndian.Uint32(raw[16:20]))
		msg := raw[20 : 20+l]
		from, to, content := field(msg, "FromUserName"), field(msg, "ToUserName"), field(msg, "Content")

		reply := []byte("<xml><ToUserName><![CDATA[" + string(from) + "]]></ToUserName><FromUserName><![CDATA[" +
			string(to) + "]]></FromUserName><CreateTime>" + strconv.FormatInt(time.Now().Unix(), 10) +
			"</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[" + string(content) + "]]></Content></xml>")
		plain := make([]byte, 20, 20+len(reply)+len(testAppID)+32)
		_, _ = rand.Read(plain[:16])
		binary.BigEndian.PutUint32(plain[16:20], uint32(len(reply)))
		plain = append(plain, reply...)
		plain = append(plain, testAppID...)
		pad := 32 - len(plain)%32
		plain = append(plain, bytes.Repeat([]byte{byte(pad)}, pad)...)
		cipher.NewCBCEncrypter(block, iv).CryptBlocks(plain, plain)
		out := base64.StdEncoding.EncodeToString(plain)
		sig := sign(testToken, ts, nonce, out)
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		_, _ = io.WriteString(w, "<xml><Encrypt><![CDATA["+out+"]]></Encrypt><MsgSignature><![CDATA["+sig+
			"]]></MsgSignature><TimeStamp>"+ts+"</TimeStamp><Nonce><![CDATA["+nonce+"]]></Nonce></xml>")
	})
	runBench(b, h, benchCases(b, true), "<xml><Encrypt>")
}
