package sim

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/wxkit/mp/crypto"
)

// The well-known development credentials of the simulated Official Account.
// They are public on purpose: programs fall back to them when no real
// credentials are configured, so that the examples run against the simulator
// out of the box.
const (
	DefaultAppID          = "wx51a0de0000000001"
	DefaultAppSecret      = "51a0de00000000000000000000000001"
	DefaultToken          = "wxkitsim"
	DefaultEncodingAESKey = "wxkitSimulatorEncodingAESKey0123456789abcde"
	// DefaultOriginalID is the account's original ID (原始ID), the
	// ToUserName of every callback and the FromUserName every passive reply
	// must carry.
	DefaultOriginalID = "gh_51a0de000001"
)

// Defaults of the platform's timing rules.
const (
	// DefaultTokenTTL is the lifetime of an access_token (7200 s).
	DefaultTokenTTL = 7200 * time.Second
	// DefaultTokenGrace is how long the previous access_token stays valid
	// after GET /cgi-bin/token issues a new one (the documented 5-minute
	// overlap of old and new tokens).
	DefaultTokenGrace = 5 * time.Minute
	// DefaultReplyTimeout is how long WeChat waits for a passive reply (5 s).
	DefaultReplyTimeout = 5 * time.Second
	// DefaultUserPageSize is the page size of user/get (10000 openids).
	DefaultUserPageSize = 10000
	// CustomerServiceWindow is the 48-hour window after the last interaction
	// of a follower during which customer-service messages (客服消息) may be
	// sent to them.
	CustomerServiceWindow = 48 * time.Hour
)

// Options configures a simulator. The zero value is a working simulator of
// the development account (the Default* credentials) on a random port of
// 127.0.0.1.
type Options struct {
	// Addr is the TCP address New listens on; default "127.0.0.1:0".
	Addr string
	// BaseURL is the public base URL of a simulator created with NewHandler
	// and served by the caller (used in QR code, OAuth and media URLs).
	// New sets it to the listener's URL.
	BaseURL string

	// The account's credentials; empty fields take the Default* values.
	AppID          string
	AppSecret      string
	Token          string
	EncodingAESKey string
	OriginalID     string

	// CallbackURL is the developer's server (服务器地址(URL)) that followers
	// push messages and events to. It can be set later with SetCallbackURL.
	CallbackURL string
	// SafeMode encrypts callbacks (安全模式, encrypt_type=aes) and requires
	// encrypted, signed passive replies.
	SafeMode bool

	// Clock returns the current time; default time.Now. Tests use it to
	// move past token, code, QR ticket and 48-hour expiries.
	Clock func() time.Time
	// TokenTTL is the access_token lifetime; default 7200 s.
	TokenTTL time.Duration
	// TokenGrace is how long the previous token of GET /cgi-bin/token stays
	// valid once a new one is issued; default 5 minutes. A negative value
	// invalidates it at once.
	TokenGrace time.Duration
	// DailyQuota, when positive, limits every API path to that many calls a
	// day (by the Clock's date); further calls answer 45009. Off by default.
	DailyQuota int

	// ReplyTimeout is how long a push waits for the developer's reply;
	// default 5 s.
	ReplyTimeout time.Duration
	// Retries is how many times a push that timed out or failed to connect is
	// retried with the same body (WeChat retries 3 times); default 0.
	Retries int
	// HTTPClient sends the pushes; default a private client. Its Timeout,
	// if any, applies on top of ReplyTimeout.
	HTTPClient *http.Client

	// Logger receives debug logs; default none. Secrets are never logged.
	Logger *slog.Logger
	// Pay, when set, is mounted under /v3/ (API v3), /pay/ and /secapi/
	// (API v2) and at /sim/pay (the WeChat Pay simulator:
	// paysim.Platform.Handler), so one address serves both platforms.
	Pay http.Handler
	// UserPageSize is the page size of user/get and the tag and blacklist
	// listings; default 10000 (tests lower it to exercise paging).
	UserPageSize int

	// AccountType is the kind of account (公众号类型): ServiceAccount (the
	// zero value) or SubscriptionAccount. Interfaces the type lacks answer
	// 48001, and mass sending follows the type's frequency limits.
	AccountType AccountType
	// Unverified simulates an account without 微信认证: the interfaces that
	// need verification (user management, customer service, template
	// messages, mass sending, OAuth, parametric QR codes ...) answer 48001.
	Unverified bool
	// LinkedMiniPrograms lists the appids of the mini programs linked
	// (关联小程序) to the account; a template message or subscription
	// notification opening another answers 40166.
	LinkedMiniPrograms []string
}

// String describes the options without secrets (AppSecret, Token and
// EncodingAESKey are redacted).
func (o Options) String() string {
	return fmt.Sprintf("sim.Options{Addr: %q, AppID: %q, OriginalID: %q, CallbackURL: %q, SafeMode: %t, AppSecret: [redacted], Token: [redacted], EncodingAESKey: [redacted]}",
		o.Addr, o.AppID, o.OriginalID, o.CallbackURL, o.SafeMode)
}

// GoString is String.
func (o Options) GoString() string { return o.String() }

// Format prints the redacted description for every verb.
func (o Options) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, o.String()) }

// LogValue implements slog.LogValuer without secrets.
func (o Options) LogValue() slog.Value {
	return slog.GroupValue(slog.String("appid", o.AppID), slog.Bool("safe_mode", o.SafeMode))
}

// Account holds the credentials of the simulated Official Account. Its
// String, GoString and LogValue never reveal the AppSecret, Token or
// EncodingAESKey.
type Account struct {
	AppID          string
	AppSecret      string
	Token          string
	EncodingAESKey string
	OriginalID     string
}

// String describes the account without its secrets.
func (a Account) String() string {
	return fmt.Sprintf("sim.Account{AppID: %q, OriginalID: %q, AppSecret: [redacted], Token: [redacted], EncodingAESKey: [redacted]}", a.AppID, a.OriginalID)
}

// GoString is String, so %#v does not reveal secrets either.
func (a Account) GoString() string { return a.String() }

// Format prints the redacted description for every verb.
func (a Account) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, a.String()) }

// LogValue implements slog.LogValuer without secrets.
func (a Account) LogValue() slog.Value {
	return slog.GroupValue(slog.String("appid", a.AppID), slog.String("original_id", a.OriginalID))
}

// ErrClosed is returned by follower actions once the simulator is closed.
var ErrClosed = errors.New("sim: simulator closed")

// Sim is a simulated WeChat Official Account platform: the API the SDK calls
// (api.weixin.qq.com, open.weixin.qq.com and mp.weixin.qq.com all served at
// URL) and the followers that talk to the developer's callback server. All
// methods are safe for concurrent use.
type Sim struct {
	// URL is the base URL of the simulator, e.g. http://127.0.0.1:41234
	// (for New) or Options.BaseURL (for NewHandler).
	URL string

	acct   Account
	opts   Options
	env    *crypto.Envelope
	log    *slog.Logger
	client *http.Client
	ownTr  *http.Transport
	srv    *http.Server
	ln     net.Listener

	hub       *hub // the accounts served at the same address (accounts.go)
	tableOnce sync.Once
	table     map[string]route // built on first use: see routeTable
	pages     *template.Template

	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup // asynchronous pushes (job-finish events)
	state
}

// New starts a simulator on Options.Addr (default a random port of
// 127.0.0.1), like httptest.NewServer. It panics if the options are invalid
// or the address cannot be listened on; use Start for an error instead.
// Close it when done.
func New(opts Options) *Sim {
	s, err := Start(opts)
	if err != nil {
		panic(err)
	}
	return s
}

// Start is New returning an error instead of panicking.
func Start(opts Options) (*Sim, error) {
	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sim: listen: %w", err)
	}
	opts.BaseURL = "http://" + ln.Addr().String()
	s, err := NewHandler(opts)
	if err != nil {
		_ = ln.Close()
		return nil, err
	}
	s.ln = ln
	// Slow bodies are cut; two minutes leave room for any API call.
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// NewHandler creates a simulator without a listener, for callers that serve
// it themselves (s.Handler()). Options.BaseURL should be the URL it is served
// at. The only error is an invalid option (such as a malformed
// EncodingAESKey).
func NewHandler(opts Options) (*Sim, error) {
	s, err := newAccountSim(opts, nil)
	if err != nil {
		return nil, err
	}
	s.hub = newHub(s)
	return s, nil
}

// newAccountSim creates one account's simulator; pages, when not nil, are the
// parsed pages of the first account (they are the same for all).
func newAccountSim(opts Options, pages *template.Template) (*Sim, error) {
	acct := Account{
		AppID: opts.AppID, AppSecret: opts.AppSecret, Token: opts.Token,
		EncodingAESKey: opts.EncodingAESKey, OriginalID: opts.OriginalID,
	}
	acct.AppID = cmp.Or(acct.AppID, DefaultAppID)
	acct.AppSecret = cmp.Or(acct.AppSecret, DefaultAppSecret)
	acct.Token = cmp.Or(acct.Token, DefaultToken)
	acct.EncodingAESKey = cmp.Or(acct.EncodingAESKey, DefaultEncodingAESKey)
	acct.OriginalID = cmp.Or(acct.OriginalID, DefaultOriginalID)
	env, err := crypto.NewEnvelope(acct.Token, acct.EncodingAESKey, acct.AppID)
	if err != nil {
		return nil, fmt.Errorf("sim: invalid account options: %w", err)
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = DefaultTokenTTL
	}
	if opts.TokenGrace == 0 {
		opts.TokenGrace = DefaultTokenGrace
	}
	if opts.ReplyTimeout <= 0 {
		opts.ReplyTimeout = DefaultReplyTimeout
	}
	if opts.Retries < 0 {
		opts.Retries = 0
	}
	if opts.UserPageSize <= 0 {
		opts.UserPageSize = DefaultUserPageSize
	}
	opts.BaseURL = strings.TrimRight(opts.BaseURL, "/")
	s := &Sim{URL: opts.BaseURL, acct: acct, opts: opts, env: env, log: opts.Logger}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.client = opts.HTTPClient
	if s.client == nil {
		s.ownTr = &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 16, IdleConnTimeout: 30 * time.Second}
		s.client = &http.Client{Transport: s.ownTr}
	}
	s.initState()
	s.pages = pages
	if s.pages == nil {
		s.pages = template.Must(template.New("page").Parse(pageHTML))
	}
	return s, nil
}

// String describes the simulator without secrets.
func (s *Sim) String() string {
	return fmt.Sprintf("sim.Sim{URL: %q, AppID: %q, OriginalID: %q}", s.URL, s.acct.AppID, s.acct.OriginalID)
}

// GoString is String.
func (s *Sim) GoString() string { return s.String() }

// Format prints the redacted description for every verb.
func (s *Sim) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }

// Handler returns the simulator as an http.Handler (the Sim itself).
func (s *Sim) Handler() http.Handler { return s }

// Account returns the simulated account's credentials.
func (s *Sim) Account() Account { return s.acct }

// SafeMode reports whether callbacks are encrypted.
func (s *Sim) SafeMode() bool { return s.opts.SafeMode }

// SetCallbackURL sets the developer's server URL (服务器地址) that followers
// push to; "" disables pushes. Like saving 服务器配置, it makes the URL pass
// WeChat's URL verification again (a GET with echostr) before the next
// push; VerifyCallbackURL performs it at once.
func (s *Sim) SetCallbackURL(u string) {
	s.mu.Lock()
	s.callbackURL = u
	s.callbackVerified = ""
	s.mu.Unlock()
}

// CallbackURL returns the current callback URL.
func (s *Sim) CallbackURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callbackURL
}

// WaitIdle blocks until every asynchronous push (the TEMPLATESENDJOBFINISH,
// MASSSENDJOBFINISH and PUBLISHJOBFINISH events) started so far is done.
func (s *Sim) WaitIdle() { s.wg.Wait() }

// Close stops the server (if New started one), waits for asynchronous pushes
// and ends every subscription. It is safe to call more than once.
func (s *Sim) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.mu.Unlock()
	if s.hub.first == s { // the first account closes the accounts added to it
		for _, a := range s.Accounts()[1:] {
			a.Close()
		}
	}
	if s.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = s.srv.Shutdown(ctx)
		cancel()
		_ = s.srv.Close()
	}
	s.wg.Wait()
	if s.ownTr != nil {
		s.ownTr.CloseIdleConnections()
	}
	s.mu.Lock()
	for id, ch := range s.subs {
		close(ch)
		delete(s.subs, id)
	}
	s.mu.Unlock()
}

func (s *Sim) now() time.Time {
	if s.opts.Clock != nil {
		return s.opts.Clock()
	}
	return time.Now()
}

// goAsync runs f in a goroutine tracked by WaitIdle and Close.
func (s *Sim) goAsync(f func()) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		f()
	}()
}

// randText returns n random characters of [A-Za-z0-9_-].
func randText(n int) string {
	b := make([]byte, (n*3+3)/4)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)[:n]
}

// randInt63n returns a uniform random number in [0, n).
func randInt63n(n int64) int64 {
	v, err := rand.Int(rand.Reader, big.NewInt(n))
	if err != nil {
		return 0
	}
	return v.Int64()
}

// randDigits returns n random decimal digits, the first non-zero.
func randDigits(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = '0' + b[i]%10
	}
	if b[0] == '0' {
		b[0] = '1'
	}
	return string(b)
}

// hashID derives a deterministic identifier of n characters from parts.
func hashID(n int, parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		var l [4]byte
		binary.BigEndian.PutUint32(l[:], uint32(len(p)))
		h.Write(l[:])
		h.Write([]byte(p))
	}
	s := base64.RawURLEncoding.EncodeToString(h.Sum(nil))
	for len(s) < n {
		s += s
	}
	return s[:n]
}
