package mp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/wxkit/mp/token"
)

// Default hosts of the WeChat Official Account platform.
const (
	DefaultBaseURL     = "https://api.weixin.qq.com"
	DefaultOpenBaseURL = "https://open.weixin.qq.com"
	DefaultMPBaseURL   = "https://mp.weixin.qq.com"
)

// Config identifies one Official Account. AppSecret is needed for API calls
// (access_token), Token and EncodingAESKey for the callback server.
type Config struct {
	AppID          string
	AppSecret      string
	Token          string // the callback URL verification token (令牌)
	EncodingAESKey string // 43 characters; empty for plaintext mode
}

// String describes the account without its secrets.
func (c Config) String() string {
	return fmt.Sprintf("mp.Config{AppID: %q, AppSecret: %s, Token: %s, EncodingAESKey: %s}",
		c.AppID, redacted(c.AppSecret), redacted(c.Token), redacted(c.EncodingAESKey))
}

// GoString is String, so %#v hides the secrets too.
func (c Config) GoString() string { return c.String() }

func redacted(s string) string {
	if s == "" {
		return `""`
	}
	return "<redacted>"
}

// HTTPDoer sends HTTP requests; *http.Client satisfies it.
type HTTPDoer interface {
	Do(*http.Request) (*http.Response, error)
}

// Option configures a Client. Options validate their arguments; New returns
// the first error.
type Option func(*settings) error

type settings struct {
	http         HTTPDoer
	baseURL      string
	openBaseURL  string
	mpBaseURL    string
	logger       *slog.Logger
	retry        RetryPolicy
	store        token.Store
	classicToken bool
	tokenOpts    []token.Option
	tokenSource  TokenSource
	now          func() time.Time
	maxBody      int64
	observer     func(context.Context, Attempt)
}

// TokenSource hands out access tokens. *token.Source satisfies it; supply
// your own with [WithTokenSource] when tokens are managed elsewhere (a
// central token service).
type TokenSource interface {
	Token(ctx context.Context) (string, error)
	Invalidate(ctx context.Context, rejected string) error
}

// WithHTTPClient sends requests through c. The client is used as given and
// never modified. The default client limits connecting and the TLS
// handshake to 10 s and the wait for an answer's headers to 30 s; bound a
// whole call with the context's deadline.
func WithHTTPClient(c HTTPDoer) Option {
	return func(s *settings) error {
		if c == nil {
			return errors.New("mp: WithHTTPClient: nil client")
		}
		s.http = c
		return nil
	}
}

func checkBase(opt, u string) (string, error) {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return "", fmt.Errorf("mp: %s: %q is not an absolute http(s) URL", opt, u)
	}
	return strings.TrimRight(u, "/"), nil
}

// WithBaseURL sets the API host (default https://api.weixin.qq.com), for a
// regional domain (api2.weixin.qq.com, sh.api.weixin.qq.com...) or a proxy.
func WithBaseURL(u string) Option {
	return func(s *settings) (err error) { s.baseURL, err = checkBase("WithBaseURL", u); return }
}

// WithOpenBaseURL sets the host of the web-authorization pages (default
// https://open.weixin.qq.com).
func WithOpenBaseURL(u string) Option {
	return func(s *settings) (err error) { s.openBaseURL, err = checkBase("WithOpenBaseURL", u); return }
}

// WithMPBaseURL sets the host that serves QR-code images (default
// https://mp.weixin.qq.com).
func WithMPBaseURL(u string) Option {
	return func(s *settings) (err error) { s.mpBaseURL, err = checkBase("WithMPBaseURL", u); return }
}

// WithHost routes the API, web-authorization and QR-image hosts to one base
// URL: the local simulator, or a gateway in front of all three.
func WithHost(u string) Option {
	return func(s *settings) error {
		b, err := checkBase("WithHost", u)
		s.baseURL, s.openBaseURL, s.mpBaseURL = b, b, b
		return err
	}
}

// WithLogger logs requests (redacted) at debug level and failures at warn
// level. Without it the client logs nothing but failed token refreshes,
// which go to slog.Default() at WARN (never with a secret);
// WithLogger(slog.New(slog.DiscardHandler)) silences those too.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error {
		if l == nil {
			return errors.New("mp: WithLogger: nil logger")
		}
		s.logger = l
		return nil
	}
}

// WithRetryPolicy replaces the default retry policy.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(s *settings) error {
		if p.MaxAttempts < 1 {
			return errors.New("mp: WithRetryPolicy: MaxAttempts must be at least 1")
		}
		s.retry = p
		return nil
	}
}

// WithTokenStore shares the access_token through st (for example
// redisstore.New(rdb)), so several processes fetch it once per expiry.
func WithTokenStore(st token.Store) Option {
	return func(s *settings) error {
		if st == nil {
			return errors.New("mp: WithTokenStore: nil store")
		}
		s.store = st
		return nil
	}
}

// WithTokenOptions passes options (clock, margins, lease) to the access_token
// Source the client builds.
func WithTokenOptions(opts ...token.Option) Option {
	return func(s *settings) error { s.tokenOpts = append(s.tokenOpts, opts...); return nil }
}

// WithClassicToken fetches the access_token with the classic
// GET /cgi-bin/token (获取Access token) instead of the default stable token
// API POST /cgi-bin/stable_token (获取稳定版接口调用凭据). Each classic fetch
// invalidates the previous token for every other user of the AppID.
func WithClassicToken() Option {
	return func(s *settings) error { s.classicToken = true; return nil }
}

// WithTokenSource uses ts for access tokens instead of fetching them with the
// AppSecret.
func WithTokenSource(ts TokenSource) Option {
	return func(s *settings) error {
		if ts == nil {
			return errors.New("mp: WithTokenSource: nil source")
		}
		s.tokenSource = ts
		return nil
	}
}

// WithMaxResponseBytes caps a JSON response body (default 32 MiB). Streamed
// downloads are not capped.
func WithMaxResponseBytes(n int64) Option {
	return func(s *settings) error {
		if n <= 0 {
			return errors.New("mp: WithMaxResponseBytes: must be positive")
		}
		s.maxBody = n
		return nil
	}
}

// WithClock replaces time.Now for token expiry (tests and simulations).
func WithClock(now func() time.Time) Option {
	return func(s *settings) error {
		if now == nil {
			return errors.New("mp: WithClock: nil clock")
		}
		s.now = now
		return nil
	}
}
