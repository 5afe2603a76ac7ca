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

	"github.com/wxkit/mp/internal/httpx"
	"github.com/wxkit/mp/token"
)

// Client is one Official Account's connection to the WeChat API. It is safe
// for concurrent use; create one per AppID and share it.
type Client struct {
	cfg    Config
	http   HTTPDoer
	base   string
	open   string
	mp     string
	logger *slog.Logger
	// tokLogger is WithLogger's logger, nil without it: token refresh
	// failures then go to slog.Default() at WARN.
	tokLogger *slog.Logger
	retry     RetryPolicy
	store     token.Store
	tokOpts   []token.Option
	tokens    TokenSource
	maxBody   int64
	now       func() time.Time
	// observer sees every attempt (WithObserver); unset, it costs one check.
	observer func(context.Context, Attempt)
}

// New returns a Client for the account cfg. AppID is required; AppSecret is
// required unless [WithTokenSource] supplies tokens.
func New(cfg Config, opts ...Option) (*Client, error) {
	if cfg.AppID == "" {
		return nil, errors.New("mp: Config.AppID is required")
	}
	s := settings{
		baseURL:     DefaultBaseURL,
		openBaseURL: DefaultOpenBaseURL,
		mpBaseURL:   DefaultMPBaseURL,
		retry:       DefaultRetryPolicy(),
		maxBody:     32 << 20,
	}
	for _, o := range opts {
		if err := o(&s); err != nil {
			return nil, err
		}
	}
	if s.http == nil {
		s.http = defaultHTTPClient
	}
	tokLogger := s.logger // nil: the token sources log through slog.Default()
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	} else {
		s.tokenOpts = append([]token.Option{token.WithClock(s.now)}, s.tokenOpts...)
	}
	if s.store == nil {
		s.store = token.NewMemoryStore()
	}
	c := &Client{
		cfg: cfg, http: s.http, base: s.baseURL, open: s.openBaseURL, mp: s.mpBaseURL,
		logger: s.logger, retry: s.retry, store: s.store, tokOpts: s.tokenOpts, now: s.now, maxBody: s.maxBody,
		tokLogger: tokLogger, observer: s.observer,
	}
	switch {
	case s.tokenSource != nil:
		c.tokens = s.tokenSource
	case cfg.AppSecret == "":
		c.tokens = noSecretSource{}
	default:
		c.tokens = c.CredentialSource("access_token", &accessTokenFetcher{c: c, classic: s.classicToken})
	}
	return c, nil
}

// defaultHTTPClient sends requests straight through a shared transport
// that bounds each stage of a call, instead of an http.Client whose Timeout
// costs about ten allocations per request: connecting and the TLS
// handshake take at most 10 s, the wait for an answer's headers 30 s; the
// call as a whole is bounded by the caller's context. WeChat's API hosts do
// not redirect, so the redirect machinery of http.Client is not needed
// (a 3xx answer is an *HTTPError).
var defaultHTTPClient HTTPDoer = transportDoer{httpx.NewTransport()}

// transportDoer sends a request with one round trip.
type transportDoer struct{ rt http.RoundTripper }

func (d transportDoer) Do(r *http.Request) (*http.Response, error) {
	resp, err := d.rt.RoundTrip(r)
	if err != nil {
		// As http.Client does: the URL in the error (redacted later).
		return nil, &url.Error{Op: r.Method[:1] + strings.ToLower(r.Method[1:]), URL: r.URL.String(), Err: err}
	}
	return resp, nil
}

// String describes the client without secrets.
func (c *Client) String() string {
	return fmt.Sprintf("mp.Client{AppID: %q, BaseURL: %q}", c.cfg.AppID, c.base)
}

// AppID returns the account's AppID.
func (c *Client) AppID() string { return c.cfg.AppID }

// Config returns the account configuration (its String method redacts the
// secrets).
func (c *Client) Config() Config { return c.cfg }

// Logger returns the client's logger (a discarding one unless WithLogger).
func (c *Client) Logger() *slog.Logger { return c.logger }

// Tokens returns the access_token source.
func (c *Client) Tokens() TokenSource { return c.tokens }

// AccessToken returns a valid access_token, for calls made outside this SDK.
func (c *Client) AccessToken(ctx context.Context) (string, error) { return c.tokens.Token(ctx) }

// CredentialSource returns a token.Source for another credential of this
// account with the access_token's lifecycle (the JS-SDK jsapi_ticket, the
// card api_ticket), sharing the client's store, logger and token options.
// Failed refreshes are logged at WARN through the client's logger, or
// slog.Default() without WithLogger.
// Its key is "wxkit:mp:<appid>:<kind>".
func (c *Client) CredentialSource(kind string, f token.Fetcher) *token.Source {
	opts := append([]token.Option{token.WithStore(c.store), token.WithLogger(c.tokLogger)}, c.tokOpts...)
	return token.NewSource("wxkit:mp:"+c.cfg.AppID+":"+kind, f, opts...)
}

// APIURL returns an absolute URL on the API host.
func (c *Client) APIURL(path string, q url.Values) string { return join(c.base, path, q) }

// OpenURL returns an absolute URL on the web-authorization host
// (open.weixin.qq.com), for pages the browser visits. Query keys come out
// sorted; WeChat's authorize page wants its own parameter order, so use
// oauth.Service.AuthCodeURL for that one.
func (c *Client) OpenURL(path string, q url.Values) string { return join(c.open, path, q) }

// MPURL returns an absolute URL on mp.weixin.qq.com (QR-code images).
func (c *Client) MPURL(path string, q url.Values) string { return join(c.mp, path, q) }

func join(base, path string, q url.Values) string {
	u := base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

type noSecretSource struct{}

func (noSecretSource) Token(context.Context) (string, error)    { return "", ErrNoAppSecret }
func (noSecretSource) Invalidate(context.Context, string) error { return nil }

// BaseURL returns the API host base URL (no trailing slash).
func (c *Client) BaseURL() string { return c.base }

// OpenBaseURL returns the web-authorization host base URL.
func (c *Client) OpenBaseURL() string { return c.open }

// MPBaseURL returns the QR-image host base URL.
func (c *Client) MPBaseURL() string { return c.mp }

// Now returns the client's current time (time.Now unless WithClock), so
// families judge expiries with the same clock as the token cache.
func (c *Client) Now() time.Time { return c.now() }
