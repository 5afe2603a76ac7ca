package component

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/crypto"
	"github.com/wxkit/mp/message"
	"github.com/wxkit/mp/token"
)

// Config identifies the third-party platform (第三方平台): its AppID and
// AppSecret, and the message check Token (消息校验Token) and EncodingAESKey
// (消息加解密Key) of its pushes.
type Config struct {
	AppID          string // component_appid
	AppSecret      string // component_appsecret
	Token          string
	EncodingAESKey string
}

// String describes the platform without its secrets.
func (c Config) String() string {
	return fmt.Sprintf("component.Config{AppID: %q, AppSecret: %s, Token: %s, EncodingAESKey: %s}",
		c.AppID, redacted(c.AppSecret), redacted(c.Token), redacted(c.EncodingAESKey))
}

// GoString is String, so %#v hides the secrets too.
func (c Config) GoString() string { return c.String() }

// Format prints String for every verb.
func (c Config) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// LogValue is String for log/slog.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

func redacted(s string) string {
	if s == "" {
		return `""`
	}
	return "<redacted>"
}

// DefaultRefreshJitter is how much earlier than WeChat's expiry an
// authorizer_access_token may be refreshed, chosen at random per fetch, so
// that thousands of accounts authorized together do not refresh together.
const DefaultRefreshJitter = 10 * time.Minute

// Option configures a Platform.
type Option func(*settings) error

type settings struct {
	tickets    TicketStore
	refresh    RefreshTokenStore
	store      token.Store
	tokenOpts  []token.Option
	clientOpts []mp.Option
	logger     *slog.Logger
	onEvent    func(context.Context, *Push) error
	jitter     time.Duration
	window     time.Duration
	dedup      message.DedupStore
}

// WithTicketStore keeps the component_verify_ticket in st (default: memory).
// Share it (Redis) when several processes receive the push or call the API.
func WithTicketStore(st TicketStore) Option {
	return func(s *settings) error {
		if st == nil {
			return errors.New("component: WithTicketStore: nil store")
		}
		s.tickets = st
		return nil
	}
}

// WithRefreshTokenStore keeps the authorizer_refresh_token of every account
// in st (default: memory, which loses them on restart: use a durable store in
// production).
func WithRefreshTokenStore(st RefreshTokenStore) Option {
	return func(s *settings) error {
		if st == nil {
			return errors.New("component: WithRefreshTokenStore: nil store")
		}
		s.refresh = st
		return nil
	}
}

// WithTokenStore shares the component_access_token, the authorizer
// access_tokens and their jsapi tickets through st (for example
// token/redisstore), so several processes fetch each once per expiry.
func WithTokenStore(st token.Store) Option {
	return func(s *settings) error {
		if st == nil {
			return errors.New("component: WithTokenStore: nil store")
		}
		s.store = st
		return nil
	}
}

// WithTokenOptions passes options (clock, margins, lease) to every token
// Source the platform builds.
func WithTokenOptions(opts ...token.Option) Option {
	return func(s *settings) error { s.tokenOpts = append(s.tokenOpts, opts...); return nil }
}

// WithClientOptions passes options (hosts, HTTP client, retry policy, logger)
// to the platform's own API client and to every authorizer client.
func WithClientOptions(opts ...mp.Option) Option {
	return func(s *settings) error { s.clientOpts = append(s.clientOpts, opts...); return nil }
}

// WithLogger reports push failures and token refresh problems to l.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error {
		if l == nil {
			return errors.New("component: WithLogger: nil logger")
		}
		s.logger = l
		return nil
	}
}

// WithEventHandler delivers the authorization events (authorized,
// updateauthorized, unauthorized) and any other push except the ticket to f.
// An error from f answers the push with HTTP 500, so WeChat retries it.
func WithEventHandler(f func(ctx context.Context, p *Push) error) Option {
	return func(s *settings) error { s.onEvent = f; return nil }
}

// WithRefreshJitter sets the random early-refresh window of authorizer
// tokens (default [DefaultRefreshJitter]; 0 turns it off).
func WithRefreshJitter(d time.Duration) Option {
	return func(s *settings) error {
		if d < 0 {
			return errors.New("component: WithRefreshJitter: negative duration")
		}
		s.jitter = d
		return nil
	}
}

// WithPushTimestampWindow sets how far the timestamp query parameter of a
// push may be from the clock, either way (default
// message.DefaultTimestampWindow, the rule of message.Server); older or
// later pushes get 403, so a captured push cannot be replayed later.
// d <= 0 disables the check. The clock is the API client's (mp.WithClock
// through WithClientOptions).
func WithPushTimestampWindow(d time.Duration) Option {
	return func(s *settings) error { s.window = d; return nil }
}

// WithPushDedupStore records the pushes to the authorization-event URL
// (授权事件接收URL: component_verify_ticket and the authorization events) in
// st, so that each is handled once (default: a message.MemoryDedupStore of
// this Platform alone). Share it (message/redisstore.DedupStore) when the
// platform runs as several instances behind a load balancer: a push captured
// and replayed to another instance inside the timestamp window, or one that
// reaches two instances at once, is then handled once across all of them.
//
// PushHandler records the push's msg_signature under
// "wxkit:component:<component_appid>:push:<msg_signature>" with
// st.SeenBefore before handling it, for twice the timestamp window plus a
// minute (as long as the push can pass the window check); a push already
// recorded is answered "success" unhandled, also while its first delivery
// is still being handled elsewhere (message.Server's rule), so the event
// handler should answer quickly. When handling fails the record is dropped
// again if st is a message.DedupForgetter (both stores above are), so
// WeChat's retry handles it; otherwise the retries are dropped. When st
// fails, the push is handled anyway and the failure logged at warning
// level (message.Server's rule).
func WithPushDedupStore(st message.DedupStore) Option {
	return func(s *settings) error {
		if st == nil {
			return errors.New("component: WithPushDedupStore: nil store")
		}
		s.dedup = st
		return nil
	}
}

// Platform is one third-party platform. It is safe for concurrent use;
// create one per component AppID and share it.
type Platform struct {
	settings  // the options, defaults filled in
	cfg       Config
	api       *mp.Client
	env       *crypto.Envelope
	compToken *token.Source

	mu      sync.Mutex
	clients map[string]*mp.Client

	// lastTicketAt is the CreateTime of the newest ticket stored through a
	// TicketStore that is not a NewestTicketStore.
	pushMu       sync.Mutex
	lastTicketAt int64
}

// New returns a Platform for cfg. AppID and AppSecret are required; Token and
// EncodingAESKey are required for [Platform.PushHandler] and
// [NewCallbackServer].
func New(cfg Config, opts ...Option) (*Platform, error) {
	if cfg.AppID == "" || cfg.AppSecret == "" {
		return nil, errors.New("component: Config.AppID and Config.AppSecret are required")
	}
	s := settings{jitter: DefaultRefreshJitter, window: message.DefaultTimestampWindow}
	for _, o := range opts {
		if err := o(&s); err != nil {
			return nil, err
		}
	}
	if s.tickets == nil {
		s.tickets = NewMemoryTicketStore()
	}
	if s.refresh == nil {
		s.refresh = NewMemoryRefreshTokenStore()
	}
	if s.store == nil {
		s.store = token.NewMemoryStore()
	}
	if s.dedup == nil {
		s.dedup = message.NewMemoryDedupStore(0)
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	api, err := mp.New(mp.Config{AppID: cfg.AppID}, s.clientOpts...)
	if err != nil {
		return nil, err
	}
	p := &Platform{settings: s, cfg: cfg, api: api, clients: map[string]*mp.Client{}}
	if cfg.Token != "" && cfg.EncodingAESKey != "" {
		if p.env, err = crypto.NewEnvelope(cfg.Token, cfg.EncodingAESKey, cfg.AppID); err != nil {
			return nil, fmt.Errorf("component: %w", err)
		}
	}
	p.compToken = p.newSource("component_access_token", token.FetcherFunc(p.fetchComponentToken))
	return p, nil
}

// String describes the platform without secrets.
func (p *Platform) String() string { return fmt.Sprintf("component.Platform{AppID: %q}", p.cfg.AppID) }

// AppID returns the component_appid.
func (p *Platform) AppID() string { return p.cfg.AppID }

// Tokens returns the component_access_token source.
func (p *Platform) Tokens() *token.Source { return p.compToken }

// RefreshTokens returns the store of the authorizer_refresh_tokens.
func (p *Platform) RefreshTokens() RefreshTokenStore { return p.refresh }

func (p *Platform) newSource(kind string, f token.Fetcher) *token.Source {
	opts := append([]token.Option{token.WithStore(p.store), token.WithLogger(p.logger)}, p.tokenOpts...)
	return token.NewSource("wxkit:component:"+p.cfg.AppID+":"+kind, f, opts...)
}

// do calls a component API (POST, JSON body) with component_access_token in
// the query. A rejected token is replaced once and the call retried.
func (p *Platform) do(ctx context.Context, path string, body, out any) error {
	return p.call(ctx, "POST", path, nil, body, out)
}

// call sends a request with component_access_token added to q.
func (p *Platform) call(ctx context.Context, method, path string, q url.Values, body, out any) error {
	retried := false
	for {
		tok, err := p.compToken.Token(ctx)
		if err != nil {
			return fmt.Errorf("component: %s: getting component_access_token: %w", path, err)
		}
		query := url.Values{}
		for k, v := range q {
			query[k] = v
		}
		query.Set("component_access_token", tok)
		err = p.api.Do(ctx, &mp.Request{Method: method, Path: path, Body: body, NoToken: true, Query: query}, out)
		var apiErr *mp.APIError
		if err != nil && !retried && errors.As(err, &apiErr) && apiErr.Code.IsTokenError() {
			retried = true
			if ierr := p.compToken.Invalidate(ctx, tok); ierr != nil {
				return fmt.Errorf("%w (refreshing the component_access_token failed: %w)", err, ierr)
			}
			continue
		}
		return err
	}
}
