package message_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
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

// TestPlaintextRefusedOnceAKeyIsConfigured: the plain signature does not
// cover the body, so with an EncodingAESKey a plaintext push is refused
// unless WithAllowPlaintext is given (migration, 兼容模式).
func TestPlaintextRefusedOnceAKeyIsConfigured(t *testing.T) {
	t.Parallel()
	rec := &recorder{reply: okReply}
	srv, sink := newTestServer(t, safeConfig(), rec)
	code, _, _ := do(t, srv, http.MethodPost, plainQuery(testTS, testNonce), textPush(1, "forged"))
	assert.Equal(t, http.StatusForbidden, code, "a correctly signed plaintext push is refused by default")
	assert.Empty(t, rec.got())
	assert.Contains(t, strings.Join(sink.lines(), "\n"), "encryption required")

	q, body := encryptPush(t, textPush(2, "secret"), testTS, testNonce, false)
	code, _, _ = do(t, srv, http.MethodPost, q, body)
	assert.Equal(t, http.StatusOK, code)
	require.Len(t, rec.got(), 1)
}

// TestPlaintextSignatureCoversOneBody: a signature seen once may come back
// with the same body (WeChat's retry, deduplicated) but not with another.
func TestPlaintextSignatureCoversOneBody(t *testing.T) {
	t.Parallel()
	rec := &recorder{reply: okReply}
	srv, sink := newTestServer(t, message.Config{Token: testToken}, rec)
	q := plainQuery(testTS, "777000111")
	code, resp, _ := do(t, srv, http.MethodPost, q, textPush(1, "hi"))
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "got text", decodeReply(t, resp).Content)
	code, resp, _ = do(t, srv, http.MethodPost, q, textPush(1, "hi"))
	assert.Equal(t, http.StatusOK, code, "WeChat's retry")
	assert.Equal(t, "success", string(resp))

	forged := bytes.Replace(textPush(2, "transfer all my money"), []byte("oyORnuP8q7ou2gfYjqLzSIWZf0rs"), []byte("victim"), 1)
	code, _, _ = do(t, srv, http.MethodPost, q, forged)
	assert.Equal(t, http.StatusForbidden, code, "another body under a used signature")
	assert.Len(t, rec.got(), 1)
	assert.Contains(t, strings.Join(sink.lines(), "\n"), "signature already used")

	code, _, _ = do(t, srv, http.MethodPost, plainQuery(testTS, "777000112"), forged)
	assert.Equal(t, http.StatusOK, code, "a fresh signature is fine")
	assert.Len(t, rec.got(), 2)
}

// TestJobResultsWithDistinctMsgIDsAreNotDuplicates: two template sends to
// one user finishing in the same second are two results.
func TestJobResultsWithDistinctMsgIDsAreNotDuplicates(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	srv, _ := newTestServer(t, message.Config{Token: testToken}, rec)
	ev := func(id string) []byte {
		return []byte("<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[u1]]></FromUserName><CreateTime>1409304348</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>" + id + "</MsgID><Status><![CDATA[success]]></Status></xml>")
	}
	for _, id := range []string{"200163836", "200163837", "200163836"} {
		code, _, _ := do(t, srv, http.MethodPost, plainQuery(testTS, nextNonce()), ev(id))
		require.Equal(t, http.StatusOK, code)
	}
	got := rec.got()
	require.Len(t, got, 2, "the second result is not a duplicate; the retry of the first is")
	assert.EqualValues(t, 200163836, got[0].MessageHeader().MsgID)
	assert.EqualValues(t, 200163837, got[1].MessageHeader().MsgID)
}

// TestHandlerErrorLoggedOnceByDefault: without WithLogger the Server logs
// through slog.Default at WARN, once, without secrets.
func TestHandlerErrorLoggedOnceByDefault(t *testing.T) { //nolint:paralleltest // swaps slog.Default
	sink := &logSink{}
	old := slog.Default()
	slog.SetDefault(slog.New(sink))
	t.Cleanup(func() { slog.SetDefault(old) })

	h := message.HandlerFunc(func(context.Context, message.Message) (message.Reply, error) {
		return nil, errors.New("db down")
	})
	s, err := message.NewServer(safeConfig(), h, message.WithClock(fixedClock))
	require.NoError(t, err)
	q, body := encryptPush(t, textPush(1, "my secret words"), testTS, testNonce, false)
	code, resp := serve(t, s, q, body)
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "success", resp)

	lines := sink.lines()
	require.Len(t, lines, 1, "%q", lines)
	assert.True(t, strings.HasPrefix(lines[0], "WARN "), lines[0])
	assert.Contains(t, lines[0], "db down")
	for _, secret := range []string{testToken, testKey, "my secret words", crypto.Signature(testToken, testTS, testNonce)} {
		assert.NotContains(t, lines[0], secret)
	}

	// A rejected callback is a warning too, with its reason.
	code, _ = serve(t, s, plainQuery(testTS, testNonce), textPush(2, "x"))
	assert.Equal(t, http.StatusForbidden, code)
	lines = sink.lines()
	require.Len(t, lines, 2)
	assert.True(t, strings.HasPrefix(lines[1], "WARN "), lines[1])
	assert.Contains(t, lines[1], "encryption required")
}

var nonceSeq atomic.Int64

// nextNonce returns a nonce no other request of the test binary uses.
func nextNonce() string { return "9" + strings.Repeat("0", 3) + itoa(nonceSeq.Add(1)) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// serve runs one POST through s with a recorder.
func serve(t testing.TB, s http.Handler, query string, body []byte) (int, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/wechat?"+query, bytes.NewReader(body))
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	return w.Code, w.Body.String()
}

// TestSlowBodyIsCut: a client dribbling its body is cut off after the read
// timeout with 408, without reaching the handler.
func TestSlowBodyIsCut(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	srv, sink := newTestServer(t, message.Config{Token: testToken}, rec, message.WithReadTimeout(100*time.Millisecond))
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(20*time.Second))) // the test fails rather than hangs
	_, err = io.WriteString(conn, "POST /wechat?"+plainQuery(testTS, nextNonce())+" HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: 1000\r\n\r\n<xml><ToUser")
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err, "the server answers without the rest of the body")
	resp.Body.Close()
	assert.Equal(t, http.StatusRequestTimeout, resp.StatusCode)
	assert.Empty(t, rec.got())
	assert.Contains(t, strings.Join(sink.lines(), "\n"), "status=408")
}

// TestRetryOnError: with WithRetryOnError a failed push is answered 500
// and forgotten, so that WeChat's retry runs the handler again.
func TestRetryOnError(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	h := message.HandlerFunc(func(context.Context, message.Message) (message.Reply, error) {
		if calls.Add(1) == 1 {
			return nil, errors.New("db down")
		}
		return message.TextReply{Content: "done"}, nil
	})
	for _, retry := range []bool{false, true} {
		calls.Store(0)
		var opts []message.Option
		if retry {
			opts = append(opts, message.WithRetryOnError())
		}
		srv, _ := newTestServer(t, message.Config{Token: testToken}, h, opts...)
		q := plainQuery(testTS, nextNonce())
		code, resp, _ := do(t, srv, http.MethodPost, q, textPush(1, "x"))
		code2, resp2, _ := do(t, srv, http.MethodPost, q, textPush(1, "x")) // WeChat's retry
		if !retry {
			assert.Equal(t, http.StatusOK, code)
			assert.Equal(t, "success", string(resp))
			assert.Equal(t, "success", string(resp2), "the default drops the retry")
			assert.EqualValues(t, 1, calls.Load())
			continue
		}
		assert.Equal(t, http.StatusInternalServerError, code)
		assert.Equal(t, http.StatusOK, code2)
		assert.Equal(t, "done", decodeReply(t, resp2).Content)
		assert.EqualValues(t, 2, calls.Load())
	}
}

// TestLateReplyFailedHook: a late reply whose delivery fails reaches the
// hook with the message, the reply and the error.
func TestLateReplyFailedHook(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	h := message.HandlerFunc(func(context.Context, message.Message) (message.Reply, error) {
		<-release
		return message.TextReply{Content: "late"}, nil
	})
	sender := newFakeSender()
	sender.err = errors.New("45015: response out of time limit")
	type failure struct {
		m   message.Message
		r   message.Reply
		err error
	}
	got := make(chan failure, 1)
	srv, _ := newTestServer(t, message.Config{Token: testToken}, h,
		message.WithReplyDeadline(50*time.Millisecond), message.WithLateReply(sender),
		message.WithLateReplyFailed(func(_ context.Context, m message.Message, r message.Reply, err error) {
			got <- failure{m, r, err}
		}))
	_, resp, _ := do(t, srv, http.MethodPost, plainQuery(testTS, nextNonce()), textPush(7, "slow"))
	assert.Equal(t, "success", string(resp))
	close(release)
	select {
	case f := <-got:
		assert.EqualValues(t, 7, f.m.MessageHeader().MsgID)
		assert.Equal(t, message.TextReply{Content: "late"}, f.r)
		assert.ErrorContains(t, f.err, "45015")
	case <-time.After(10 * time.Second):
		t.Fatal("hook not called")
	}
}
