package message_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/crypto"
	"github.com/wxkit/mp/message"
)

func newTestServer(t *testing.T, cfg message.Config, h message.Handler, opts ...message.Option) (*httptest.Server, *logSink) {
	t.Helper()
	sink := &logSink{}
	opts = append([]message.Option{message.WithClock(fixedClock), message.WithLogger(slog.New(sink))}, opts...)
	s, err := message.NewServer(cfg, h, opts...)
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/wechat", s)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, sink
}

func okReply(m message.Message) message.Reply {
	return message.TextReply{Content: "got " + m.MessageHeader().MsgType}
}

func TestURLVerification(t *testing.T) {
	t.Parallel()
	srv, sink := newTestServer(t, safeConfig(), &recorder{})
	q := url.Values{"signature": {crypto.Signature(testToken, testTS, testNonce)}, "timestamp": {testTS},
		"nonce": {testNonce}, "echostr": {"4375120948345356249"}}
	code, body, hdr := do(t, srv, http.MethodGet, q.Encode(), nil)
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "4375120948345356249", string(body))
	assert.Contains(t, hdr.Get("Content-Type"), "text/plain")

	q.Set("signature", strings.Repeat("0", 40))
	code, body, _ = do(t, srv, http.MethodGet, q.Encode(), nil)
	assert.Equal(t, http.StatusForbidden, code)
	assert.NotContains(t, string(body), "4375120948345356249")

	old := strconv.FormatInt(testTime.Add(-6*time.Minute).Unix(), 10)
	q = url.Values{"signature": {crypto.Signature(testToken, old, testNonce)}, "timestamp": {old},
		"nonce": {testNonce}, "echostr": {"x"}}
	code, _, _ = do(t, srv, http.MethodGet, q.Encode(), nil)
	assert.Equal(t, http.StatusForbidden, code)
	assert.NotEmpty(t, sink.lines())
}

// TestAllTypesAllModes posts every official sample in plaintext,
// compatible and safe mode over HTTP and checks the decoded message and
// the reply.
func TestAllTypesAllModes(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"plaintext", "compatible", "safe"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			rec := &recorder{reply: okReply}
			// The samples share MsgIds: deduplication would drop them.
			srv, _ := newTestServer(t, safeConfig(), rec, message.WithDedupStore(nil), message.WithAllowPlaintext())
			for name, want := range fixtures() {
				plain := readFixture(t, name)
				var q string
				var body []byte
				if mode == "plaintext" {
					q, body = plainQuery(testTS, nextNonce()), plain
				} else {
					q, body = encryptPush(t, plain, testTS, testNonce, mode == "compatible")
				}
				code, resp, hdr := do(t, srv, http.MethodPost, q, body)
				require.Equal(t, http.StatusOK, code, "%s: %s", name, resp)
				assert.Contains(t, hdr.Get("Content-Type"), "xml")
				if mode != "plaintext" {
					resp = openReply(t, resp)
				}
				d := decodeReply(t, resp)
				wh := want.MessageHeader()
				assert.Equal(t, wh.FromUserName, d.ToUserName, name)
				assert.Equal(t, wh.ToUserName, d.FromUserName, name)
				assert.Equal(t, testTime.Unix(), d.CreateTime, name)
				assert.Equal(t, "text", d.MsgType, name)
				assert.Equal(t, "got "+wh.MsgType, d.Content, name)
				got := rec.got()
				require.NotEmpty(t, got)
				assert.Equal(t, want, got[len(got)-1], name)
			}
			assert.Len(t, rec.got(), len(fixtures()))
		})
	}
}

func TestSafeModeReplyUsesRequestTimestampAndNonce(t *testing.T) {
	t.Parallel()
	srv, _ := newTestServer(t, safeConfig(), &recorder{reply: okReply})
	q, body := encryptPush(t, textPush(1, "hi"), testTS, testNonce, false)
	code, resp, _ := do(t, srv, http.MethodPost, q, body)
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, string(resp), "<TimeStamp>"+testTS+"</TimeStamp>")
	assert.Contains(t, string(resp), "<Nonce><![CDATA["+testNonce+"]]></Nonce>")
	assert.Equal(t, "got text", decodeReply(t, openReply(t, resp)).Content)
}

func TestCompatibleModeUsesEncryptedPart(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	srv, _ := newTestServer(t, safeConfig(), rec)
	q, body := encryptPush(t, textPush(7, "secret part"), testTS, testNonce, true)
	body = bytes.Replace(body, []byte("secret part"), []byte("forged part"), 1)
	code, _, _ := do(t, srv, http.MethodPost, q, body)
	require.Equal(t, http.StatusOK, code)
	require.Len(t, rec.got(), 1)
	assert.Equal(t, "secret part", rec.got()[0].(*message.Text).Content)
}

// readSpy records whether the body was read.
type readSpy struct {
	r    io.Reader
	read atomic.Bool
}

func (s *readSpy) Read(p []byte) (int, error) { s.read.Store(true); return s.r.Read(p) }

func TestBadInput(t *testing.T) {
	t.Parallel()
	rec := &recorder{reply: okReply}
	srv, sink := newTestServer(t, safeConfig(), rec, message.WithMaxBodySize(4096), message.WithAllowPlaintext())
	goodQ, goodBody := encryptPush(t, textPush(99, "hi"), testTS, testNonce, false)
	stale := func(d time.Duration) string {
		ts := strconv.FormatInt(testTime.Add(d).Unix(), 10)
		return plainQuery(ts, testNonce)
	}
	garbageEnc := "not*base64"
	garbageQ := url.Values{"timestamp": {testTS}, "nonce": {testNonce}, "encrypt_type": {"aes"},
		"signature":     {crypto.Signature(testToken, testTS, testNonce)},
		"msg_signature": {crypto.MsgSignature(testToken, testTS, testNonce, garbageEnc)}}.Encode()
	otherApp, err := crypto.NewEnvelope(testToken, testKey, "wxotherapp")
	require.NoError(t, err)
	otherEnc, err := otherApp.Cipher().Encrypt(textPush(5, "x"))
	require.NoError(t, err)
	otherQ := url.Values{"timestamp": {testTS}, "nonce": {testNonce}, "encrypt_type": {"aes"},
		"msg_signature": {crypto.MsgSignature(testToken, testTS, testNonce, otherEnc)}}.Encode()

	cases := []struct {
		name, method, query string
		body                []byte
		status              int
		reason              string
	}{
		{"wrong method", http.MethodPut, plainQuery(testTS, nextNonce()), textPush(1, "x"), 405, "method not allowed"},
		{"wrong signature", http.MethodPost, strings.Replace(plainQuery(testTS, nextNonce()), "signature=", "signature=0", 1), textPush(1, "x"), 403, "invalid signature"},
		{"no signature", http.MethodPost, "timestamp=" + testTS + "&nonce=1", textPush(1, "x"), 403, "invalid signature"},
		{"wrong msg_signature", http.MethodPost, strings.Replace(goodQ, "msg_signature=", "msg_signature=0", 1), goodBody, 403, "invalid signature"},
		{"aes without msg_signature", http.MethodPost, "timestamp=" + testTS + "&nonce=" + testNonce + "&encrypt_type=aes", goodBody, 403, "invalid signature"},
		{"stale timestamp", http.MethodPost, stale(-6 * time.Minute), textPush(1, "x"), 403, "timestamp"},
		{"future timestamp", http.MethodPost, stale(6 * time.Minute), textPush(1, "x"), 403, "timestamp"},
		{"no timestamp", http.MethodPost, "signature=x", textPush(1, "x"), 403, "timestamp"},
		{"body too large", http.MethodPost, plainQuery(testTS, nextNonce()), bytes.Repeat([]byte("x"), 5000), 413, "too large"},
		{"malformed xml", http.MethodPost, plainQuery(testTS, nextNonce()), []byte("<xml><MsgType>text</xml>"), 400, "malformed"},
		{"empty body", http.MethodPost, plainQuery(testTS, nextNonce()), nil, 400, "malformed"},
		{"malformed ciphertext", http.MethodPost, garbageQ, []byte("<xml><Encrypt><![CDATA[" + garbageEnc + "]]></Encrypt></xml>"), 400, "malformed"},
		{"no Encrypt element", http.MethodPost, garbageQ, []byte("<xml><ToUserName>x</ToUserName></xml>"), 400, "malformed"},
		{"AppID mismatch", http.MethodPost, otherQ, []byte("<xml><Encrypt><![CDATA[" + otherEnc + "]]></Encrypt></xml>"), 400, "AppID"},
	}
	for _, c := range cases {
		code, body, hdr := do(t, srv, c.method, c.query, c.body)
		assert.Equal(t, c.status, code, c.name)
		assert.NotContains(t, string(body), "success", c.name)
		if c.status == 405 {
			assert.Equal(t, "GET, POST", hdr.Get("Allow"))
		}
		found := false
		for _, l := range sink.lines() {
			if strings.Contains(l, "status="+strconv.Itoa(c.status)) && strings.Contains(l, c.reason) {
				found = true
			}
		}
		assert.True(t, found, "%s: no log line with %q in %q", c.name, c.reason, sink.lines())
	}
	assert.Empty(t, rec.got(), "no bad request may reach the handler")
	for _, l := range sink.lines() {
		assert.NotContains(t, l, testKey)
		assert.NotContains(t, l, testToken)
	}
}

func TestRejectedBodyIsNeverRead(t *testing.T) {
	t.Parallel()
	s, err := message.NewServer(safeConfig(), &recorder{}, message.WithClock(fixedClock))
	require.NoError(t, err)
	for _, target := range []string{
		"/wechat?" + strings.Replace(plainQuery(testTS, nextNonce()), "signature=", "signature=f", 1),
		"/wechat?timestamp=1&nonce=1&signature=x",
	} {
		spy := &readSpy{r: bytes.NewReader(textPush(1, "x"))}
		req := httptest.NewRequest(http.MethodPost, target, spy)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		assert.Equal(t, http.StatusForbidden, w.Code)
		assert.False(t, spy.read.Load(), "body read before the signature was checked")
	}
	// Chunked body over the limit.
	s, err = message.NewServer(message.Config{Token: testToken}, &recorder{}, message.WithClock(fixedClock), message.WithMaxBodySize(10))
	require.NoError(t, err)
	req := httptest.NewRequest(http.MethodPost, "/wechat?"+plainQuery(testTS, nextNonce()), io.MultiReader(strings.NewReader("0123456789"), strings.NewReader("abc")))
	req.ContentLength = -1
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	assert.Equal(t, http.StatusRequestEntityTooLarge, w.Code)
}

func TestEncryptedPushWithoutKey(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	srv, _ := newTestServer(t, message.Config{Token: testToken}, rec)
	q, body := encryptPush(t, textPush(3, "x"), testTS, testNonce, false)
	code, _, _ := do(t, srv, http.MethodPost, q, body)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Empty(t, rec.got())
	// Plaintext works.
	code, _, _ = do(t, srv, http.MethodPost, plainQuery(testTS, nextNonce()), textPush(3, "x"))
	assert.Equal(t, http.StatusOK, code)
	assert.Len(t, rec.got(), 1)
}

func TestTimestampWindowDisabled(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	srv, _ := newTestServer(t, message.Config{Token: testToken}, rec, message.WithTimestampWindow(0))
	ts := strconv.FormatInt(testTime.Add(-48*time.Hour).Unix(), 10)
	code, _, _ := do(t, srv, http.MethodPost, plainQuery(ts, testNonce), textPush(3, "x"))
	assert.Equal(t, http.StatusOK, code)
}

func TestDedupAcrossRetries(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"plaintext", "safe"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			rec := &recorder{reply: okReply}
			srv, _ := newTestServer(t, safeConfig(), rec, message.WithAllowPlaintext())
			send := func(plain []byte) []byte {
				q, body := plainQuery(testTS, nextNonce()), plain
				if mode == "safe" {
					q, body = encryptPush(t, plain, testTS, testNonce, false)
				}
				code, resp, _ := do(t, srv, http.MethodPost, q, body)
				require.Equal(t, http.StatusOK, code)
				return resp
			}
			first := send(textPush(42, "hi"))
			assert.NotEqual(t, "success", string(first))
			for range 3 { // WeChat retries three times
				assert.Equal(t, "success", string(send(textPush(42, "hi"))))
			}
			send(textPush(43, "hi")) // a new MsgId is new
			ev := readFixture(t, "event_click.xml")
			send(ev)
			assert.Equal(t, "success", string(send(ev)))
			assert.Len(t, rec.got(), 3)
		})
	}
}

type failingDedup struct{ calls atomic.Int32 }

func (f *failingDedup) SeenBefore(context.Context, string, time.Duration) (bool, error) {
	f.calls.Add(1)
	return false, errors.New("store down")
}

func TestDedupStoreFailureStillProcesses(t *testing.T) {
	t.Parallel()
	rec := &recorder{reply: okReply}
	store := &failingDedup{}
	srv, sink := newTestServer(t, message.Config{Token: testToken}, rec, message.WithDedupStore(store))
	for range 2 {
		code, resp, _ := do(t, srv, http.MethodPost, plainQuery(testTS, nextNonce()), textPush(1, "x"))
		assert.Equal(t, http.StatusOK, code)
		assert.Equal(t, "got text", decodeReply(t, resp).Content)
	}
	assert.Len(t, rec.got(), 2)
	assert.EqualValues(t, 4, store.calls.Load(), "plaintext signature reuse check, then dedup")
	assert.Contains(t, strings.Join(sink.lines(), "\n"), "dedup store failed")
}

func TestDedupDisabled(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	srv, _ := newTestServer(t, message.Config{Token: testToken}, rec, message.WithDedupStore(nil))
	for range 2 {
		do(t, srv, http.MethodPost, plainQuery(testTS, nextNonce()), textPush(1, "x"))
	}
	assert.Len(t, rec.got(), 2)
}

func TestHandlerErrorAndPanic(t *testing.T) {
	t.Parallel()
	h := message.HandlerFunc(func(_ context.Context, m message.Message) (message.Reply, error) {
		switch m.(*message.Text).Content {
		case "panic":
			panic("boom")
		case "error":
			return message.TextReply{Content: "ignored"}, errors.New("handler failed")
		case "nilptr":
			var r *message.TextReply
			return r, nil
		case "news":
			return message.NewsReply{Articles: make([]message.Article, 2)}, nil
		}
		return message.TextReply{Content: "fine"}, nil
	})
	for _, deadline := range []time.Duration{0, time.Second} {
		srv, sink := newTestServer(t, message.Config{Token: testToken}, h, message.WithReplyDeadline(deadline))
		for i, c := range []string{"panic", "error", "nilptr", "news"} {
			code, resp, _ := do(t, srv, http.MethodPost, plainQuery(testTS, nextNonce()), textPush(int64(i+1), c))
			assert.Equal(t, http.StatusOK, code, c)
			assert.Equal(t, "success", string(resp), c)
		}
		code, resp, _ := do(t, srv, http.MethodPost, plainQuery(testTS, nextNonce()), textPush(100, "ok"))
		assert.Equal(t, http.StatusOK, code, "server survives a panic")
		assert.Equal(t, "fine", decodeReply(t, resp).Content)
		logs := strings.Join(sink.lines(), "\n")
		assert.Contains(t, logs, "boom")
		assert.Contains(t, logs, "handler failed")
		assert.Contains(t, logs, "invalid reply")
	}
}

func TestLateReplyDeliveredThroughCustomerService(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var handlerCtx atomic.Value
	h := message.HandlerFunc(func(ctx context.Context, m message.Message) (message.Reply, error) {
		<-release
		handlerCtx.Store(ctx.Err() == nil)
		return message.TextReply{Content: "late <b>&</b>"}, nil
	})
	sender := newFakeSender()
	srv, sink := newTestServer(t, message.Config{Token: testToken}, h,
		message.WithReplyDeadline(50*time.Millisecond), message.WithLateReply(sender))
	start := time.Now()
	httpResp, err := srv.Client().Post(srv.URL+"/wechat?"+plainQuery(testTS, nextNonce()), "text/xml", bytes.NewReader(textPush(1, "slow")))
	require.NoError(t, err)
	resp, err := io.ReadAll(httpResp.Body)
	require.NoError(t, err)
	httpResp.Body.Close()
	elapsed := time.Since(start)
	assert.Equal(t, http.StatusOK, httpResp.StatusCode)
	assert.Equal(t, "success", string(resp))
	assert.True(t, httpResp.Close, "Connection: close: no request may queue behind the running handler")
	assert.Less(t, elapsed, 2*time.Second)
	close(release) // the request is over; the handler finishes now
	select {
	case <-sender.sent:
	case <-time.After(5 * time.Second):
		t.Fatal("late reply not delivered")
	}
	assert.Equal(t, true, handlerCtx.Load(), "the handler context outlives the request")
	sender.mu.Lock()
	assert.Equal(t, []string{`{"touser":"oyORnuP8q7ou2gfYjqLzSIWZf0rs","msgtype":"text","text":{"content":"late <b>&</b>"}}`}, sender.bodies)
	sender.mu.Unlock()
	assert.Eventually(t, func() bool {
		return strings.Contains(strings.Join(sink.lines(), "\n"), "late reply delivered")
	}, 5*time.Second, 10*time.Millisecond)
}

func TestLateReplyWithoutSenderIsLoggedAsDropped(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		reply message.Reply
		opts  []message.Option
		log   string
	}{
		{"no sender", message.TextReply{Content: "x"}, nil, "late reply dropped: no CustomerSender"},
		{"transfer", message.TransferCustomerService{}, []message.Option{message.WithLateReply(newFakeSender())}, "cannot be sent as a customer-service message"},
	} {
		release := make(chan struct{})
		h := message.HandlerFunc(func(context.Context, message.Message) (message.Reply, error) {
			<-release
			return tc.reply, nil
		})
		opts := append([]message.Option{message.WithReplyDeadline(50 * time.Millisecond)}, tc.opts...)
		srv, sink := newTestServer(t, message.Config{Token: testToken}, h, opts...)
		_, resp, _ := do(t, srv, http.MethodPost, plainQuery(testTS, nextNonce()), textPush(1, "slow"))
		assert.Equal(t, "success", string(resp))
		close(release)
		assert.Eventually(t, func() bool {
			return strings.Contains(strings.Join(sink.lines(), "\n"), tc.log)
		}, 5*time.Second, 10*time.Millisecond, tc.name)
	}
}

func TestLateHandlerContextHasDeadline(t *testing.T) {
	t.Parallel()
	got := make(chan error, 1)
	h := message.HandlerFunc(func(ctx context.Context, m message.Message) (message.Reply, error) {
		_, ok := ctx.Deadline()
		if !ok {
			got <- errors.New("no deadline")
			return nil, nil
		}
		<-ctx.Done()
		got <- ctx.Err()
		return nil, nil
	})
	srv, _ := newTestServer(t, message.Config{Token: testToken}, h,
		message.WithReplyDeadline(20*time.Millisecond), message.WithLateTimeout(100*time.Millisecond))
	_, resp, _ := do(t, srv, http.MethodPost, plainQuery(testTS, nextNonce()), textPush(1, "x"))
	assert.Equal(t, "success", string(resp))
	select {
	case err := <-got:
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	case <-time.After(5 * time.Second):
		t.Fatal("handler context never expired")
	}
}

type ctxKey struct{}

func TestHandlerContextCarriesRequestValues(t *testing.T) {
	t.Parallel()
	var got atomic.Value
	h := message.HandlerFunc(func(ctx context.Context, _ message.Message) (message.Reply, error) {
		got.Store(ctx.Value(ctxKey{}))
		return nil, nil
	})
	s, err := message.NewServer(message.Config{Token: testToken}, h, message.WithClock(fixedClock))
	require.NoError(t, err)
	req := httptest.NewRequest(http.MethodPost, "/wechat?"+plainQuery(testTS, nextNonce()), bytes.NewReader(textPush(1, "x")))
	req = req.WithContext(context.WithValue(req.Context(), ctxKey{}, "trace-1"))
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	assert.Equal(t, "success", w.Body.String())
	assert.Equal(t, "trace-1", got.Load())
}

func TestNewServerValidation(t *testing.T) {
	t.Parallel()
	h := &recorder{}
	for _, c := range []message.Config{
		{},
		{Token: testToken, EncodingAESKey: testKey},                   // no AppID
		{Token: testToken, AppID: testAppID, EncodingAESKey: "short"}, // bad key
		{AppID: testAppID, EncodingAESKey: testKey},                   // no token
	} {
		_, err := message.NewServer(c, h)
		assert.ErrorIs(t, err, message.ErrInvalidConfig)
		if err != nil {
			assert.NotContains(t, err.Error(), testKey)
		}
	}
	_, err := message.NewServer(safeConfig(), nil)
	assert.ErrorIs(t, err, message.ErrInvalidConfig)
	s, err := message.NewServer(safeConfig(), h)
	require.NoError(t, err)
	assert.True(t, s.Encrypted())
	s, err = message.NewServer(message.Config{Token: testToken}, h)
	require.NoError(t, err)
	assert.False(t, s.Encrypted())
}

func TestConfigRedacted(t *testing.T) {
	t.Parallel()
	cfg := safeConfig()
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("cfg", "config", cfg)
	for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v %#v %s %q", cfg, cfg, cfg, cfg), cfg.String(), buf.String()} {
		assert.NotContains(t, s, testKey)
		assert.NotContains(t, s, testToken)
		assert.Contains(t, s, testAppID)
	}
}

func TestSafeModeReplyWithUnusableNonce(t *testing.T) {
	t.Parallel()
	srv, _ := newTestServer(t, safeConfig(), &recorder{reply: okReply})
	q, body := encryptPush(t, textPush(1, "hi"), testTS, "a]]>b", false)
	code, resp, _ := do(t, srv, http.MethodPost, q, body)
	require.Equal(t, http.StatusOK, code)
	assert.NotContains(t, string(resp), "a]]>b")
	assert.Equal(t, "got text", decodeReply(t, openReply(t, resp)).Content)
}

func TestRequireEncryption(t *testing.T) {
	t.Parallel()
	rec := &recorder{reply: okReply}
	srv, sink := newTestServer(t, safeConfig(), rec, message.WithRequireEncryption())
	code, _, _ := do(t, srv, http.MethodPost, plainQuery(testTS, nextNonce()), textPush(1, "plain"))
	assert.Equal(t, http.StatusForbidden, code, "a correctly signed plaintext push is refused")
	assert.Empty(t, rec.got())
	assert.Contains(t, strings.Join(sink.lines(), "\n"), "encryption required")
	q, body := encryptPush(t, textPush(2, "secret"), testTS, testNonce, false)
	code, _, _ = do(t, srv, http.MethodPost, q, body)
	assert.Equal(t, http.StatusOK, code)
	require.Len(t, rec.got(), 1)
}
