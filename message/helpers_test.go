package message_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/wxkit/mp/crypto"
	"github.com/wxkit/mp/message"
)

// The simulator's development credentials.
const (
	testAppID = "wx51a0de0000000001"
	testToken = "wxkitsim"
	testKey   = "wxkitSimulatorEncodingAESKey0123456789abcde"
	testTS    = "1409304348"
	testNonce = "1320562132"
)

var testTime = time.Unix(1409304348, 0)

func fixedClock() time.Time { return testTime }

func safeConfig() message.Config {
	return message.Config{AppID: testAppID, Token: testToken, EncodingAESKey: testKey}
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// plainQuery returns the query of a plaintext-mode push.
func plainQuery(ts, nonce string) string {
	v := url.Values{}
	v.Set("signature", crypto.Signature(testToken, ts, nonce))
	v.Set("timestamp", ts)
	v.Set("nonce", nonce)
	v.Set("openid", "fromUser")
	return v.Encode()
}

// encryptPush returns the body and query of a safe-mode (or, with
// compatible, compatible-mode) push of plain.
func encryptPush(t testing.TB, plain []byte, ts, nonce string, compatible bool) (string, []byte) {
	t.Helper()
	env, err := crypto.NewEnvelope(testToken, testKey, testAppID)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := env.Cipher().Encrypt(plain)
	if err != nil {
		t.Fatal(err)
	}
	var body []byte
	if compatible {
		// 兼容模式: the plaintext fields and the Encrypt element together.
		body = bytes.Replace(plain, []byte("</xml>"), []byte("<Encrypt><![CDATA["+enc+"]]></Encrypt></xml>"), 1)
	} else {
		body = []byte("<xml><ToUserName><![CDATA[toUser]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>")
	}
	v := url.Values{}
	v.Set("signature", crypto.Signature(testToken, ts, nonce))
	v.Set("timestamp", ts)
	v.Set("nonce", nonce)
	v.Set("openid", "fromUser")
	v.Set("encrypt_type", "aes")
	v.Set("msg_signature", crypto.MsgSignature(testToken, ts, nonce, enc))
	return v.Encode(), body
}

// sealedReply is the body of an encrypted passive reply.
type sealedReply struct {
	Encrypt      string
	MsgSignature string
	TimeStamp    string
	Nonce        string
}

// openReply verifies and decrypts an encrypted reply body.
func openReply(t testing.TB, body []byte) []byte {
	t.Helper()
	var sr sealedReply
	if err := xml.Unmarshal(body, &sr); err != nil {
		t.Fatalf("reply is not XML: %v: %s", err, body)
	}
	if !crypto.CheckMsgSignature(testToken, sr.TimeStamp, sr.Nonce, sr.Encrypt, sr.MsgSignature) {
		t.Fatalf("reply MsgSignature does not verify: %s", body)
	}
	env, err := crypto.NewEnvelope(testToken, testKey, testAppID)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := env.Cipher().Decrypt(sr.Encrypt)
	if err != nil {
		t.Fatal(err)
	}
	return plain
}

// replyDoc decodes a plaintext passive reply with encoding/xml.
type replyDoc struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   string
	FromUserName string
	CreateTime   int64
	MsgType      string
	Content      string
	Image        struct{ MediaId string }
	Voice        struct{ MediaId string }
	Video        struct{ MediaId, Title, Description string }
	Music        struct{ Title, Description, MusicUrl, HQMusicUrl, ThumbMediaId string }
	ArticleCount int
	Articles     struct {
		Item []struct{ Title, Description, PicUrl, Url string } `xml:"item"`
	}
	TransInfo struct{ KfAccount string }
}

func decodeReply(t testing.TB, b []byte) replyDoc {
	t.Helper()
	var d replyDoc
	if err := xml.Unmarshal(b, &d); err != nil {
		t.Fatalf("reply is not valid XML: %v: %q", err, b)
	}
	return d
}

// do sends a request to h over a real HTTP server.
func do(t testing.TB, srv *httptest.Server, method, query string, body []byte) (int, []byte, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+"/wechat?"+query, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/xml")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b, resp.Header
}

// recorder is a Handler that records the messages it receives.
type recorder struct {
	mu    sync.Mutex
	msgs  []message.Message
	reply func(message.Message) message.Reply
}

func (r *recorder) ServeMessage(_ context.Context, m message.Message) (message.Reply, error) {
	r.mu.Lock()
	r.msgs = append(r.msgs, m)
	r.mu.Unlock()
	if r.reply != nil {
		return r.reply(m), nil
	}
	return nil, nil
}

func (r *recorder) got() []message.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]message.Message(nil), r.msgs...)
}

// logSink captures slog records.
type logSink struct {
	mu   sync.Mutex
	recs []string
}

func (s *logSink) Enabled(context.Context, slog.Level) bool { return true }
func (s *logSink) Handle(_ context.Context, r slog.Record) error {
	var b bytes.Buffer
	b.WriteString(r.Level.String() + " " + r.Message)
	r.Attrs(func(a slog.Attr) bool {
		b.WriteString(" " + a.Key + "=" + a.Value.String())
		return true
	})
	s.mu.Lock()
	s.recs = append(s.recs, b.String())
	s.mu.Unlock()
	return nil
}
func (s *logSink) WithAttrs([]slog.Attr) slog.Handler { return s }
func (s *logSink) WithGroup(string) slog.Handler      { return s }
func (s *logSink) lines() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.recs...)
}

// fakeSender is a CustomerSender recording the bodies it is given.
type fakeSender struct {
	mu     sync.Mutex
	bodies []string
	sent   chan struct{}
	err    error
}

func newFakeSender() *fakeSender { return &fakeSender{sent: make(chan struct{}, 16)} }

func (f *fakeSender) SendRaw(ctx context.Context, body json.RawMessage) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	f.mu.Lock()
	f.bodies = append(f.bodies, string(body))
	f.mu.Unlock()
	f.sent <- struct{}{}
	return f.err
}

func textPush(msgID int64, content string) []byte {
	return []byte("<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409304348</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[" +
		content + "]]></Content><MsgId>" + strconv.FormatInt(msgID, 10) + "</MsgId></xml>")
}
