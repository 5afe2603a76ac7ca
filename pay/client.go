package pay

import (
	"context"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/wxkit/mp/internal/httpx"
	"github.com/wxkit/mp/internal/version"
)

// DefaultBaseURL is the main WeChat Pay API domain (主域名). The backup domain
// (备域名) https://api2.mch.weixin.qq.com can be set with WithBaseURL.
const DefaultBaseURL = "https://api.mch.weixin.qq.com"

// Defaults of the platform certificate manager.
const (
	DefaultCertRefreshInterval = 12 * time.Hour
	DefaultCertMinInterval     = time.Minute
)

// userAgent is sent with every request: the SDK's version, then the
// platform, as WeChat Pay asks.
var userAgent = version.UserAgent + " " + runtime.GOOS + "/" + runtime.GOARCH + " " + runtime.Version()

// Config holds the credentials of one merchant (普通商户).
type Config struct {
	// MchID is the merchant ID (商户号), e.g. "1900000109".
	MchID string
	// CertSerial is the serial number of the merchant API certificate
	// (商户API证书序列号); see CertificateSerial.
	CertSerial string
	// PrivateKey is the merchant API private key (商户API私钥); see
	// LoadPrivateKey and LoadPKCS12.
	PrivateKey *rsa.PrivateKey
	// APIv3Key is the 32-byte APIv3 key (APIv3密钥) used to decrypt
	// notifications and platform certificates.
	APIv3Key string
}

// String redacts the private key and the APIv3 key.
func (c Config) String() string {
	return fmt.Sprintf("pay.Config{MchID:%q, CertSerial:%q, PrivateKey:%s, APIv3Key:%s}",
		c.MchID, c.CertSerial, redacted(c.PrivateKey != nil), redacted(c.APIv3Key != ""))
}

// GoString redacts secrets in %#v output too.
func (c Config) GoString() string { return c.String() }

// LogValue redacts secrets in log/slog output.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("mchid", c.MchID), slog.String("serial", c.CertSerial))
}

func redacted(set bool) string {
	if set {
		return "[REDACTED]"
	}
	return "<unset>"
}

// HTTPDoer sends HTTP requests; *http.Client satisfies it. The client passed
// to WithHTTPClient is used as is and never modified.
type HTTPDoer interface {
	Do(*http.Request) (*http.Response, error)
}

// Option configures a Client.
type Option func(*options)

type options struct {
	httpClient      HTTPDoer
	baseURL         string
	clock           func() time.Time
	random          io.Reader
	logger          *slog.Logger
	keys            *KeyStore
	certs           []*x509.Certificate
	pubKeyID        string
	pubKey          *rsa.PublicKey
	pubKeySet       bool
	noVerify        bool
	noCertDownload  bool
	certInterval    time.Duration
	certMinInterval time.Duration
	observer        func(context.Context, Attempt)
	errs            []error
}

// WithHTTPClient sets the HTTP client. The default sends through a shared
// transport that limits connecting and the TLS handshake to 10 s and the
// wait for an answer's headers to 30 s; bound a whole call with the
// context's deadline.
func WithHTTPClient(c HTTPDoer) Option {
	return func(o *options) {
		if c == nil {
			o.errs = append(o.errs, &ConfigError{Field: "WithHTTPClient", Reason: "nil client"})
			return
		}
		o.httpClient = c
	}
}

// WithBaseURL sets the API base URL (default DefaultBaseURL), e.g. the backup
// domain or a local simulator.
func WithBaseURL(u string) Option { return func(o *options) { o.baseURL = u } }

// WithClock sets the clock used for request timestamps and for checking
// response timestamps (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(o *options) {
		if now == nil {
			o.errs = append(o.errs, &ConfigError{Field: "WithClock", Reason: "nil clock"})
			return
		}
		o.clock = now
	}
}

// WithRandom sets the source of request nonces (default crypto/rand.Reader).
// Reads are serialised by the client.
func WithRandom(r io.Reader) Option {
	return func(o *options) {
		if r == nil {
			o.errs = append(o.errs, &ConfigError{Field: "WithRandom", Reason: "nil reader"})
			return
		}
		o.random = r
	}
}

// WithLogger enables debug/warn logging through log/slog. Without it the
// client logs nothing but the notifications a NotifyHandler rejects, which
// go to slog.Default() at WARN; WithLogger(slog.New(slog.DiscardHandler))
// silences those too. Secrets are never logged.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// Attempt describes one API call of a Client, for metrics, tracing and
// logs (the client does not retry: one call, one attempt).
type Attempt struct {
	Method string // "GET", "POST"...
	// Path is the path of the request without its query
	// ("/v3/pay/transactions/out-trade-no/{out_trade_no}/close").
	Path string
	// Attempt is 1 (kept for symmetry with mp.Attempt).
	Attempt int
	// StatusCode is the HTTP status, 0 when no answer arrived.
	StatusCode int
	// Code is WeChat Pay's error code ("ORDER_NOT_EXIST") of an error
	// answer, else "".
	Code string
	// RequestID is the Request-ID header of the answer.
	RequestID string
	// Err is the call's failure (a verification failure included), nil
	// on success.
	Err           error
	Duration      time.Duration
	RequestBytes  int64
	ResponseBytes int64
}

// WithObserver calls f after every API call, in the calling goroutine:
// keep it fast and do not block. It costs nothing when unset. See
// mp.WithObserver for an OpenTelemetry recipe; the same shape applies.
func WithObserver(f func(ctx context.Context, a Attempt)) Option {
	return func(o *options) {
		if f == nil {
			o.errs = append(o.errs, &ConfigError{Field: "WithObserver", Reason: "nil function"})
			return
		}
		o.observer = f
	}
}

// WithKeyStore makes the client use (and update) ks instead of a private
// KeyStore, e.g. to share downloaded platform certificates between clients
// of the same merchant.
func WithKeyStore(ks *KeyStore) Option {
	return func(o *options) {
		if ks == nil {
			o.errs = append(o.errs, &ConfigError{Field: "WithKeyStore", Reason: "nil key store"})
			return
		}
		o.keys = ks
	}
}

// WithPlatformCertificate adds a platform certificate (平台证书) to the key
// store, e.g. one saved from an earlier download.
func WithPlatformCertificate(cert *x509.Certificate) Option {
	return func(o *options) { o.certs = append(o.certs, cert) }
}

// WithWechatPayPublicKey configures the WeChat Pay public key (微信支付公钥)
// and its ID ("PUB_KEY_ID_..."). In this mode every request carries the header
// Wechatpay-Serial: <id>. It can be combined with platform certificates while
// migrating.
func WithWechatPayPublicKey(id string, pub *rsa.PublicKey) Option {
	return func(o *options) { o.pubKeyID, o.pubKey, o.pubKeySet = id, pub, true }
}

// WithoutResponseVerification disables verification of API response
// signatures. Only for tests against simulators: it removes the protection
// against forged responses. Notifications are always verified. With
// verification on (the default) every 2xx answer must be signed, a 204 with
// an empty body included; a missing Wechatpay-* header is
// ErrMissingSignatureHeaders.
func WithoutResponseVerification() Option { return func(o *options) { o.noVerify = true } }

// WithoutCertificateDownload stops the client from downloading platform
// certificates (GET /v3/certificates) when it meets an unknown serial; use it
// for merchants that only have the WeChat Pay public key.
func WithoutCertificateDownload() Option { return func(o *options) { o.noCertDownload = true } }

// WithCertRefreshInterval sets how often Start refreshes platform
// certificates (default DefaultCertRefreshInterval, 12 h).
func WithCertRefreshInterval(d time.Duration) Option {
	return func(o *options) {
		if d <= 0 {
			o.errs = append(o.errs, &ConfigError{Field: "WithCertRefreshInterval", Reason: "must be positive"})
			return
		}
		o.certInterval = d
	}
}

// WithCertMinInterval sets the minimum time between two certificate
// downloads triggered by unknown serials, and the retry delay after a failed
// background refresh (default DefaultCertMinInterval, 1 min).
func WithCertMinInterval(d time.Duration) Option {
	return func(o *options) {
		if d < 0 {
			o.errs = append(o.errs, &ConfigError{Field: "WithCertMinInterval", Reason: "must not be negative"})
			return
		}
		o.certMinInterval = d
	}
}

// defaultHTTPClient sends straight through a transport that bounds each
// stage, instead of an http.Client whose Timeout costs about ten
// allocations per request. WeChat Pay does not redirect.
var defaultHTTPClient HTTPDoer = transportDoer{httpx.NewTransport()}

// transportDoer sends a request with one round trip.
type transportDoer struct{ rt http.RoundTripper }

func (d transportDoer) Do(r *http.Request) (*http.Response, error) {
	resp, err := d.rt.RoundTrip(r)
	if err != nil {
		return nil, &url.Error{Op: r.Method, URL: r.URL.String(), Err: err}
	}
	return resp, nil
}

// Client is a WeChat Pay APIv3 client (微信支付APIv3) for one merchant. It is
// safe for concurrent use; several clients for different merchants can live
// in one process without sharing state.
type Client struct {
	mchID      string
	serial     string
	key        *rsa.PrivateKey
	apiV3Key   []byte
	gcm        cipher.AEAD // of apiV3Key, built once
	httpClient HTTPDoer
	baseURL    string
	clock      func() time.Time
	randMu     sync.Mutex
	random     io.Reader
	log        *slog.Logger
	userLog    *slog.Logger // WithLogger's, nil without it
	observer   func(context.Context, Attempt)
	keys       *KeyStore
	verify     bool
	certAuto   bool

	certInterval    time.Duration
	certMinInterval time.Duration
	certGroup       singleflight.Group

	mu           sync.Mutex
	lastTrigger  time.Time // last unknown-serial refresh
	noPlatform   bool      // /v3/certificates answered 404
	stopRefresh  context.CancelFunc
	refreshDone  chan struct{}
	userAgentStr string
}

// NewClient validates cfg and returns a client. Errors are *ConfigError.
func NewClient(cfg Config, opts ...Option) (*Client, error) {
	if strings.TrimSpace(cfg.MchID) == "" {
		return nil, &ConfigError{Field: "MchID", Reason: "required"}
	}
	if strings.TrimSpace(cfg.CertSerial) == "" {
		return nil, &ConfigError{Field: "CertSerial", Reason: "required"}
	}
	if cfg.PrivateKey == nil {
		return nil, &ConfigError{Field: "PrivateKey", Reason: "required"}
	}
	if err := cfg.PrivateKey.Validate(); err != nil {
		return nil, &ConfigError{Field: "PrivateKey", Reason: "invalid RSA key"}
	}
	if len(cfg.APIv3Key) != gcmKeySize {
		return nil, &ConfigError{Field: "APIv3Key", Reason: fmt.Sprintf("must be exactly %d bytes, got %d", gcmKeySize, len(cfg.APIv3Key))}
	}
	o := options{}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if len(o.errs) > 0 {
		return nil, o.errs[0]
	}
	c := &Client{
		mchID:           cfg.MchID,
		serial:          cfg.CertSerial,
		key:             cfg.PrivateKey,
		apiV3Key:        []byte(cfg.APIv3Key),
		httpClient:      o.httpClient,
		baseURL:         DefaultBaseURL,
		clock:           o.clock,
		random:          o.random,
		log:             o.logger,
		keys:            o.keys,
		verify:          !o.noVerify,
		certAuto:        !o.noCertDownload,
		certInterval:    o.certInterval,
		certMinInterval: DefaultCertMinInterval,
		userAgentStr:    userAgent,
		userLog:         o.logger,
		observer:        o.observer,
	}
	gcm, err := newGCM(c.apiV3Key)
	if err != nil {
		return nil, &ConfigError{Field: "APIv3Key", Reason: "cannot build AES-256-GCM"}
	}
	c.gcm = gcm
	if o.baseURL != "" {
		u, err := url.Parse(o.baseURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" {
			return nil, &ConfigError{Field: "WithBaseURL", Reason: "must be an absolute http(s) URL without query"}
		}
		c.baseURL = strings.TrimRight(o.baseURL, "/")
	}
	if c.httpClient == nil {
		c.httpClient = defaultHTTPClient
	}
	if c.clock == nil {
		c.clock = time.Now
	}
	if c.random == nil {
		c.random = rand.Reader
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.keys == nil {
		c.keys = NewKeyStore()
	}
	if c.certInterval == 0 {
		c.certInterval = DefaultCertRefreshInterval
	}
	if o.certMinInterval > 0 {
		c.certMinInterval = o.certMinInterval
	}
	for _, cert := range o.certs {
		if err := c.keys.AddCertificate(cert); err != nil {
			return nil, err
		}
	}
	if o.pubKeySet {
		if err := c.keys.SetPublicKey(o.pubKeyID, o.pubKey); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// MchID returns the merchant ID.
func (c *Client) MchID() string { return c.mchID }

// KeyStore returns the verification key store of the client.
func (c *Client) KeyStore() *KeyStore { return c.keys }

// String identifies the client without secrets.
func (c *Client) String() string {
	return fmt.Sprintf("pay.Client{MchID:%q, CertSerial:%q, BaseURL:%q}", c.mchID, c.serial, c.baseURL)
}

// GoString redacts secrets in %#v output.
func (c *Client) GoString() string { return c.String() }

// nonce returns 32 upper-case hex characters from the client's random source.
func (c *Client) nonce() (string, error) {
	var b [16]byte
	c.randMu.Lock()
	_, err := io.ReadFull(c.random, b[:])
	c.randMu.Unlock()
	if err != nil {
		return "", fmt.Errorf("wechatpay: reading nonce: %w", err)
	}
	return strings.ToUpper(hex.EncodeToString(b[:])), nil
}
