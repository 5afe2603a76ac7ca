package message

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wxkit/mp/crypto"
)

// Config is the server configuration of the official account (基本配置 /
// 服务器配置).
type Config struct {
	// AppID is the account's AppID; required with an EncodingAESKey (it is
	// checked inside every encrypted message).
	AppID string
	// Token is the callback Token (令牌); required.
	Token string
	// EncodingAESKey (消息加解密密钥, 43 characters) enables compatible and
	// safe mode (兼容模式 / 安全模式). Empty: plaintext mode only.
	EncodingAESKey string
}

// String describes c without the Token or EncodingAESKey.
func (c Config) String() string {
	return "message.Config{AppID: " + c.AppID + ", Token: <redacted>, EncodingAESKey: <redacted>}"
}

// GoString implements fmt.GoStringer without secrets.
func (c Config) GoString() string { return c.String() }

// Format prints the redacted description for every verb.
func (c Config) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// LogValue implements slog.LogValuer without secrets.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

// Defaults of the Server options.
const (
	DefaultMaxBodySize     = 1 << 20
	DefaultTimestampWindow = 5 * time.Minute
	DefaultReplyDeadline   = 4500 * time.Millisecond
	DefaultLateTimeout     = 30 * time.Second
	// DefaultReadTimeout bounds the reading of a push body: WeChat sends
	// a few kilobytes at once and gives up on the answer after 5 seconds.
	DefaultReadTimeout = 5 * time.Second
)

// Server is the callback endpoint of an official account (接收普通消息 /
// 接收事件推送 / 被动回复用户消息 / 消息加解密). It is an http.Handler to mount on
// the URL configured on the platform:
//
//   - GET verifies the server address (验证服务器地址的有效性) and echoes echostr;
//   - POST receives a push in plaintext, compatible or safe mode
//     (encrypt_type=aes), checks its signature before parsing it, drops
//     WeChat's retries of a push already handled, runs the Handler and
//     answers with its passive reply (encrypted and signed in safe mode),
//     or "success".
//
// If the handler has not answered by the reply deadline, the Server answers
// "success" at once and delivers the reply, when it comes, through the
// customer-service API (see WithLateReply). The handler runs on the
// request's goroutine: at the deadline a timer writes the complete
// "success" answer (with Content-Length and Connection: close, so that no
// request queues behind it) and flushes it, and ServeHTTP
// returns once the handler has finished and its reply was delivered, so
// that http.Server.Shutdown waits for late replies too.
//
// With an EncodingAESKey configured, plaintext pushes are refused (403,
// ErrEncryptionRequired) unless WithAllowPlaintext is given: the plaintext
// signature covers the Token, timestamp and nonce but not the body, so
// anyone who saw one push URL (access logs keep query strings) could post
// any body while its timestamp is fresh. In plaintext mode the Server
// remembers each signature with the hash of its body in the DedupStore
// and refuses the signature with another body (ErrSignatureReused); with
// deduplication disabled (WithDedupStore(nil)) that check is off too.
type Server struct {
	token       string
	env         *crypto.Envelope
	h           Handler
	logger      *slog.Logger
	maxBody     int64
	window      time.Duration
	dedup       DedupStore
	dedupTTL    time.Duration
	deadline    time.Duration
	lateTimeout time.Duration
	sender      CustomerSender
	now         func() time.Time
	allowPlain  bool
	readTimeout time.Duration
	retryOnErr  bool
	lateFailed  func(ctx context.Context, m Message, r Reply, err error)

	bufs  sync.Pool // *buffers
	calls sync.Pool // *call
}

// Option configures a Server.
type Option func(*Server)

// WithLogger sets the logger for rejected requests, handler errors, dedup
// failures and late replies. Default (and nil): slog.Default(), looked up
// at each record. Rejected callbacks (with the reason, never a secret, a
// signature or the body) and handler errors are logged at Warn; to silence
// the Server pass slog.New(slog.DiscardHandler).
func WithLogger(l *slog.Logger) Option { return func(s *Server) { s.logger = l } }

// WithReadTimeout bounds how long reading a push body may take (default
// DefaultReadTimeout), so that slow bodies do not hold a connection and a
// goroutine: a body not received in time gets 408. d <= 0 disables the
// bound (the http.Server's own timeouts still apply). It needs a
// ResponseWriter supporting read deadlines (http.ResponseController), as
// net/http's does.
func WithReadTimeout(d time.Duration) Option { return func(s *Server) { s.readTimeout = d } }

// WithRetryOnError makes a handler error (or panic) answer 500 instead of
// "success" and forget the push in the dedup store, so that WeChat retries
// it (up to three times) and the handler runs again. Use it only with
// idempotent handlers and a DedupStore implementing DedupForgetter (both
// built-in stores do). The default answers "success" to a failed push and
// lets no retry re-run it. Errors after the reply deadline cannot be
// retried: WeChat already had its answer.
func WithRetryOnError() Option { return func(s *Server) { s.retryOnErr = true } }

// WithLateReplyFailed sets a hook called when the reply of a handler that
// missed the reply deadline could not be delivered through the
// customer-service API (no CustomerSender, a reply that cannot be sent as a
// customer-service message, or the send failed — for instance because the
// user has not talked to the account for 48 hours). The default only logs.
// ctx carries the request's values and is not canceled.
func WithLateReplyFailed(f func(ctx context.Context, m Message, r Reply, err error)) Option {
	return func(s *Server) { s.lateFailed = f }
}

// WithMaxBodySize limits the request body (default DefaultMaxBodySize);
// larger bodies get 413.
func WithMaxBodySize(n int64) Option {
	return func(s *Server) {
		if n > 0 {
			s.maxBody = n
		}
	}
}

// WithTimestampWindow sets how far the timestamp query parameter may be
// from the server clock, either way (default DefaultTimestampWindow);
// requests outside get 403 (replay protection). d <= 0 disables the check.
func WithTimestampWindow(d time.Duration) Option { return func(s *Server) { s.window = d } }

// WithDedupStore sets the store that drops retried pushes (default: a
// MemoryDedupStore of DefaultDedupCapacity keys). nil disables
// deduplication.
func WithDedupStore(d DedupStore) Option { return func(s *Server) { s.dedup = d } }

// WithDedupTTL sets how long a push is remembered (default
// DefaultDedupTTL).
func WithDedupTTL(d time.Duration) Option {
	return func(s *Server) {
		if d > 0 {
			s.dedupTTL = d
		}
	}
}

// WithReplyDeadline sets how long the Server waits for the handler before
// answering "success" (default DefaultReplyDeadline, under WeChat's 5
// seconds). d <= 0 waits for the handler however long it takes.
func WithReplyDeadline(d time.Duration) Option { return func(s *Server) { s.deadline = d } }

// WithLateReply sets the CustomerSender (客服消息, e.g. *customer.Service)
// that delivers replies of handlers that missed the reply deadline.
// Without one such replies are logged as dropped.
func WithLateReply(cs CustomerSender) Option { return func(s *Server) { s.sender = cs } }

// WithLateTimeout bounds a handler's context, measured from the start of
// the request, and the late delivery (default DefaultLateTimeout).
func WithLateTimeout(d time.Duration) Option {
	return func(s *Server) {
		if d > 0 {
			s.lateTimeout = d
		}
	}
}

// WithAllowPlaintext makes a Server with an EncodingAESKey accept
// plaintext pushes as well as encrypted ones, for the migration from
// plaintext to compatible or safe mode (明文模式 → 兼容模式 / 安全模式): the key
// is configured here before it is switched on the platform. Remove it once
// the platform sends encrypted pushes: the plaintext signature does not
// cover the body, so a plaintext push is weaker (see Server).
func WithAllowPlaintext() Option { return func(s *Server) { s.allowPlain = true } }

// WithRequireEncryption refuses plaintext pushes (403,
// ErrEncryptionRequired) once an EncodingAESKey is configured.
//
// Deprecated: this is now the default; it only undoes WithAllowPlaintext.
func WithRequireEncryption() Option { return func(s *Server) { s.allowPlain = false } }

// WithClock sets the clock used for the timestamp window and the
// CreateTime of replies (tests).
func WithClock(now func() time.Time) Option {
	return func(s *Server) {
		if now != nil {
			s.now = now
		}
	}
}

// NewServer returns a Server for cfg dispatching to h. It validates cfg:
// the Token is required and, when EncodingAESKey is set, it must be a valid
// 43-character key and AppID must be set (errors wrap ErrInvalidConfig and
// never contain the secrets).
func NewServer(cfg Config, h Handler, opts ...Option) (*Server, error) {
	if cfg.Token == "" {
		return nil, fmt.Errorf("%w: Token is required", ErrInvalidConfig)
	}
	if h == nil {
		return nil, fmt.Errorf("%w: Handler is required", ErrInvalidConfig)
	}
	s := &Server{
		token:       cfg.Token,
		h:           h,
		maxBody:     DefaultMaxBodySize,
		readTimeout: DefaultReadTimeout,
		window:      DefaultTimestampWindow,
		dedup:       NewMemoryDedupStore(0),
		dedupTTL:    DefaultDedupTTL,
		deadline:    DefaultReplyDeadline,
		lateTimeout: DefaultLateTimeout,
		now:         time.Now,
	}
	if cfg.EncodingAESKey != "" {
		if cfg.AppID == "" {
			return nil, fmt.Errorf("%w: AppID is required with an EncodingAESKey", ErrInvalidConfig)
		}
		env, err := crypto.NewEnvelope(cfg.Token, cfg.EncodingAESKey, cfg.AppID)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
		}
		s.env = env
	}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	return s, nil
}

// Encrypted reports whether the Server accepts encrypted pushes (an
// EncodingAESKey is configured).
func (s *Server) Encrypted() bool { return s.env != nil }

// buffers are the per-request scratch buffers, pooled.
type buffers struct {
	body, plain, out, sealed []byte
}

const maxPooledBuf = 64 << 10

func (s *Server) getBuffers() *buffers {
	if b, ok := s.bufs.Get().(*buffers); ok {
		return b
	}
	return &buffers{
		body:   make([]byte, 0, 2048),
		plain:  make([]byte, 0, 2048),
		out:    make([]byte, 0, 1024),
		sealed: make([]byte, 0, 2048),
	}
}

func (s *Server) putBuffers(b *buffers) {
	if cap(b.body) > maxPooledBuf || cap(b.plain) > maxPooledBuf ||
		cap(b.out) > maxPooledBuf || cap(b.sealed) > maxPooledBuf {
		return
	}
	s.bufs.Put(b)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodPost:
		s.serveMessage(w, r)
	case http.MethodGet:
		s.serveVerify(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		s.reject(w, r, http.StatusMethodNotAllowed, ErrMethodNotAllowed)
	}
}

// log returns the logger: the configured one or slog.Default().
func (s *Server) log() *slog.Logger {
	if s.logger != nil {
		return s.logger
	}
	return slog.Default()
}

// reject logs err and answers with status.
func (s *Server) reject(w http.ResponseWriter, r *http.Request, status int, err error) {
	if l := s.log(); l.Enabled(r.Context(), slog.LevelWarn) {
		l.LogAttrs(r.Context(), slog.LevelWarn, "message: request rejected",
			slog.Int("status", status), slog.String("method", r.Method),
			slog.String("remote_addr", r.RemoteAddr), slog.String("reason", err.Error()))
	}
	http.Error(w, http.StatusText(status), status)
}

func (s *Server) checkTimestamp(ts string) error {
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: missing or not a number", ErrStaleTimestamp)
	}
	if s.window <= 0 {
		return nil
	}
	d := s.now().Unix() - n
	if d < 0 {
		d = -d
	}
	if d > int64(s.window/time.Second) {
		return ErrStaleTimestamp
	}
	return nil
}

// serveVerify answers the URL verification GET (验证服务器地址的有效性).
func (s *Server) serveVerify(w http.ResponseWriter, r *http.Request) {
	q := parseCallbackQuery(r.URL.RawQuery)
	if err := s.checkTimestamp(q.timestamp); err != nil {
		s.reject(w, r, http.StatusForbidden, err)
		return
	}
	if !crypto.CheckSignature(s.token, q.timestamp, q.nonce, q.signature) {
		s.reject(w, r, http.StatusForbidden, ErrInvalidSignature)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, q.echostr)
}

var successBody = []byte("success")

// Header values shared by every response (net/http never modifies them;
// Header.Add copies since len == cap).
var (
	textPlainType = []string{"text/plain; charset=utf-8"}
	xmlType       = []string{"application/xml; charset=utf-8"}
)

func writeSuccess(w http.ResponseWriter) {
	w.Header()["Content-Type"] = textPlainType
	_, _ = w.Write(successBody)
}

// readBody reads the whole body into buf, failing with ErrBodyTooLarge past
// limit.
func readBody(r *http.Request, buf []byte, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return buf, ErrBodyTooLarge
	}
	if r.Body == nil {
		return buf, nil
	}
	if r.ContentLength > 0 && int64(cap(buf)) < r.ContentLength+1 {
		buf = make([]byte, 0, r.ContentLength+1)
	}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return buf, ErrBodyTooLarge
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, fmt.Errorf("%w: reading body: %w", ErrMalformedMessage, err)
		}
	}
}

func (s *Server) serveMessage(w http.ResponseWriter, r *http.Request) {
	q := parseCallbackQuery(r.URL.RawQuery)
	if err := s.checkTimestamp(q.timestamp); err != nil {
		s.reject(w, r, http.StatusForbidden, err)
		return
	}
	encrypted := q.encryptType == "aes"
	switch {
	case encrypted && s.env == nil:
		s.reject(w, r, http.StatusBadRequest, ErrEncryptionNotConfigured)
		return
	case !encrypted && s.env != nil && !s.allowPlain:
		s.reject(w, r, http.StatusForbidden, ErrEncryptionRequired)
		return
	case encrypted && q.msgSignature == "":
		s.reject(w, r, http.StatusForbidden, fmt.Errorf("%w: no msg_signature", ErrInvalidSignature))
		return
	case !encrypted || q.signature != "":
		// Plaintext mode: the signature authenticates the request. Encrypted
		// modes also carry it: checking it first keeps unauthenticated
		// bodies from being read at all.
		if !crypto.CheckSignature(s.token, q.timestamp, q.nonce, q.signature) {
			s.reject(w, r, http.StatusForbidden, ErrInvalidSignature)
			return
		}
	}

	b := s.getBuffers()
	defer s.putBuffers(b)
	body, err := s.readBody(w, r, b.body[:0])
	b.body = body[:0]
	if err != nil {
		status := http.StatusBadRequest
		switch {
		case errors.Is(err, ErrBodyTooLarge):
			status = http.StatusRequestEntityTooLarge
		case errors.Is(err, os.ErrDeadlineExceeded):
			status = http.StatusRequestTimeout
		}
		s.reject(w, r, status, err)
		return
	}
	plain := body
	if encrypted {
		plain, err = s.env.AppendOpen(b.plain[:0], q.msgSignature, q.timestamp, q.nonce, body)
		if err != nil {
			if errors.Is(err, crypto.ErrInvalidSignature) {
				s.reject(w, r, http.StatusForbidden, fmt.Errorf("%w: msg_signature", ErrInvalidSignature))
			} else {
				s.reject(w, r, http.StatusBadRequest, fmt.Errorf("%w: %w", ErrMalformedMessage, err))
			}
			return
		}
		b.plain = plain[:0]
	}
	msg, err := parseString(string(plain))
	if err != nil {
		s.reject(w, r, http.StatusBadRequest, err)
		return
	}
	h := msg.MessageHeader()
	ctx := r.Context()

	if !encrypted && s.dedup != nil && !s.plainBodyFits(ctx, q.signature, body) {
		s.reject(w, r, http.StatusForbidden, ErrSignatureReused)
		return
	}
	var key string
	if s.dedup != nil {
		key = dedupKeyOf(msg)
		seen, err := s.dedup.SeenBefore(ctx, key, s.dedupTTL)
		if err != nil {
			s.log().LogAttrs(ctx, slog.LevelError, "message: dedup store failed; processing the message anyway",
				slog.String("msg_type", h.MsgType), slog.Int64("msg_id", h.MsgID), slog.Any("err", err))
		} else if seen {
			if l := s.log(); l.Enabled(ctx, slog.LevelDebug) {
				l.LogAttrs(ctx, slog.LevelDebug, "message: duplicate push answered with success",
					slog.String("msg_type", h.MsgType), slog.Int64("msg_id", h.MsgID))
			}
			writeSuccess(w)
			return
		}
	}

	reply, err, late := s.run(ctx, w, msg)
	if late {
		return // answered "success" at the deadline; the reply went to deliverLate
	}
	if err != nil {
		if s.retryOnErr {
			s.forget(ctx, key)
			s.log().LogAttrs(ctx, slog.LevelWarn, "message: handler failed; answered 500 so that WeChat retries",
				slog.String("msg_type", h.MsgType), slog.String("event", h.Event), slog.Any("err", err))
			http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			return
		}
		s.log().LogAttrs(ctx, slog.LevelWarn, "message: handler failed; answered success",
			slog.String("msg_type", h.MsgType), slog.String("event", h.Event), slog.Any("err", err))
		writeSuccess(w)
		return
	}
	if isNilReply(reply) {
		writeSuccess(w)
		return
	}
	out, err := reply.appendXML(b.out[:0], h.FromUserName, h.ToUserName, s.now().Unix(), h.MsgType == MsgTypeEvent)
	b.out = out[:0]
	if err != nil {
		s.log().LogAttrs(ctx, slog.LevelWarn, "message: invalid reply; answered success",
			slog.String("msg_type", h.MsgType), slog.Any("err", err))
		writeSuccess(w)
		return
	}
	if encrypted {
		sealed, err := s.env.AppendSeal(b.sealed[:0], out, q.timestamp, q.nonce)
		if err != nil {
			// The request's nonce is not usable in the reply: use fresh ones.
			sealed, err = s.env.AppendSeal(b.sealed[:0], out, strconv.FormatInt(s.now().Unix(), 10), freshNonce())
		}
		if err != nil {
			s.log().LogAttrs(ctx, slog.LevelError, "message: sealing the reply failed; answered success", slog.Any("err", err))
			writeSuccess(w)
			return
		}
		b.sealed = sealed[:0]
		out = sealed
	}
	w.Header()["Content-Type"] = xmlType
	_, _ = w.Write(out)
}

// readBody reads the body within the read timeout, resetting the
// connection's read deadline afterwards.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, buf []byte) ([]byte, error) {
	if s.readTimeout <= 0 {
		return readBody(r, buf, s.maxBody)
	}
	rc := readDeadliner(w)
	if rc == nil || rc.SetReadDeadline(time.Now().Add(s.readTimeout)) != nil {
		return readBody(r, buf, s.maxBody) // not supported (e.g. a recorder)
	}
	buf, err := readBody(r, buf, s.maxBody)
	if err != nil {
		// Leave the deadline: net/http would otherwise wait for the rest of
		// the body to keep the connection. Close it instead.
		w.Header().Set("Connection", "close")
		return buf, err
	}
	_ = rc.SetReadDeadline(time.Time{})
	return buf, nil
}

// readDeadliner finds the SetReadDeadline of w or of the ResponseWriters it
// wraps, like http.ResponseController but without allocating an error when
// there is none.
func readDeadliner(w http.ResponseWriter) interface{ SetReadDeadline(time.Time) error } {
	for {
		switch t := w.(type) {
		case interface{ SetReadDeadline(time.Time) error }:
			return t
		case interface{ Unwrap() http.ResponseWriter }:
			w = t.Unwrap()
		default:
			return nil
		}
	}
}

// plainBodyFits reports whether body may be processed under the plaintext
// signature sig: the signature (which covers the token, timestamp and
// nonce but not the body) is remembered with the body's hash for as long
// as it can pass the timestamp check, so that it is accepted again only
// with the same body (WeChat's retry). A failing store is logged and the
// push accepted.
func (s *Server) plainBodyFits(ctx context.Context, sig string, body []byte) bool {
	ttl := s.dedupTTL
	if w := 2*s.window + time.Minute; s.window > 0 && w > ttl {
		ttl = w
	}
	sum := sha256.Sum256(body)
	var arr [4 + 40 + 1 + 32]byte
	k := append(arr[:0], "sig:"...)
	k = append(k, sig...)
	n := len(k)
	k = append(k, ':')
	k = hex.AppendEncode(k, sum[:16])
	seen, err := s.dedup.SeenBefore(ctx, string(k), ttl)
	if err == nil && !seen {
		// First time with this body: is the signature already taken?
		seen, err = s.dedup.SeenBefore(ctx, string(k[:n]), ttl)
		if err == nil && seen {
			return false
		}
	}
	if err != nil {
		s.log().LogAttrs(ctx, slog.LevelError, "message: dedup store failed; plaintext signature reuse not checked", slog.Any("err", err))
	}
	return true
}

// forget drops the dedup mark of a push (WithRetryOnError).
func (s *Server) forget(ctx context.Context, key string) {
	f, ok := s.dedup.(DedupForgetter)
	if key == "" || !ok {
		return
	}
	if err := f.Forget(context.WithoutCancel(ctx), key); err != nil {
		s.log().LogAttrs(ctx, slog.LevelError, "message: dedup store failed to forget a failed push; WeChat's retries will be dropped", slog.Any("err", err))
	}
}

func freshNonce() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	n := uint64(0)
	for _, c := range b {
		n = n<<8 | uint64(c)
	}
	return strconv.FormatUint(n%1e10, 10)
}

// call tracks one handler run against the reply deadline. The handler
// runs on the request's goroutine; a timer (pooled with the call) answers
// "success" if the deadline passes first. Whoever moves state away from
// callRunning owns the ResponseWriter.
type call struct {
	state   atomic.Int32 // callRunning, callDone, callAbandoned
	timer   *time.Timer  // runs expire
	w       http.ResponseWriter
	written chan struct{} // expire has answered "success"
}

const (
	callRunning = iota
	callDone
	callAbandoned
)

func (s *Server) getCall(w http.ResponseWriter) *call {
	c, ok := s.calls.Get().(*call)
	if !ok {
		c = &call{written: make(chan struct{}, 1)}
		c.timer = time.AfterFunc(time.Hour, c.expire)
		c.timer.Stop()
	}
	c.w = w
	c.state.Store(callRunning) // publishes c.w to expire
	return c
}

// expire answers "success" at the reply deadline if the handler is still
// running: complete (Content-Length) and flushed, so that WeChat has its
// answer while the handler goes on.
func (c *call) expire() {
	if !c.state.CompareAndSwap(callRunning, callAbandoned) {
		return
	}
	h := c.w.Header()
	// ServeHTTP goes on until the handler returns: the next request must
	// not queue behind it on this connection.
	h.Set("Connection", "close")
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(successBody)))
	_, _ = c.w.Write(successBody)
	_ = http.NewResponseController(c.w).Flush()
	c.written <- struct{}{} // last use of c
}

// run runs the handler with a context detached from the request's
// cancellation and bounded by the late timeout. late reports that the reply
// deadline passed: "success" was answered and the reply (or error) was
// handed to deliverLate.
func (s *Server) run(reqCtx context.Context, w http.ResponseWriter, msg Message) (Reply, error, bool) {
	ctx := newHandlerCtx(reqCtx, time.Now().Add(s.lateTimeout))
	if s.deadline <= 0 {
		r, err := callSafely(ctx, s.h, msg)
		ctx.finish(context.Canceled)
		return r, err, false
	}
	c := s.getCall(w)
	c.timer.Reset(s.deadline)
	r, err := callSafely(ctx, s.h, msg)
	ctx.finish(context.Canceled)
	if c.state.CompareAndSwap(callRunning, callDone) {
		if c.timer.Stop() { // else expire is running and will see callDone: drop c
			c.w = nil
			s.calls.Put(c)
		}
		return r, err, false
	}
	<-c.written // expire is done with w and c
	c.w = nil
	s.calls.Put(c)
	s.deliverLate(reqCtx, msg, r, err)
	return nil, nil, true
}

// deliverLate sends the reply of a handler that missed the reply deadline
// through the customer-service API.
func (s *Server) deliverLate(ctx context.Context, msg Message, r Reply, err error) {
	ctx = context.WithoutCancel(ctx) // WeChat has its answer and may hang up
	h := msg.MessageHeader()
	attrs := []slog.Attr{slog.String("msg_type", h.MsgType), slog.String("event", h.Event), slog.Int64("msg_id", h.MsgID)}
	log := func(level slog.Level, text string, extra ...slog.Attr) {
		s.log().LogAttrs(ctx, level, text, append(attrs, extra...)...)
	}
	failed := func(err error) {
		if s.lateFailed != nil {
			s.lateFailed(ctx, msg, r, err)
		}
	}
	switch {
	case err != nil:
		log(slog.LevelWarn, "message: handler failed after the reply deadline", slog.Any("err", err))
		return
	case isNilReply(r):
		log(slog.LevelInfo, "message: handler finished after the reply deadline with no reply")
		return
	case s.sender == nil:
		log(slog.LevelWarn, "message: late reply dropped: no CustomerSender configured (WithLateReply)")
		failed(ErrNoCustomerSender)
		return
	}
	body, err := CustomerMessageJSON(h.FromUserName, r)
	if err != nil {
		log(slog.LevelWarn, "message: late reply dropped: cannot be sent as a customer-service message", slog.Any("err", err))
		failed(err)
		return
	}
	sendCtx, cancel := context.WithTimeout(ctx, s.lateTimeout)
	defer cancel()
	if err := s.sender.SendRaw(sendCtx, body); err != nil {
		log(slog.LevelError, "message: late reply delivery failed", slog.Any("err", err))
		failed(err)
		return
	}
	log(slog.LevelInfo, "message: late reply delivered through the customer-service API")
}
