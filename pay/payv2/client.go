package payv2

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/wxkit/mp/internal/ctxtime"
)

// DefaultBaseURL is the WeChat Pay v2 API host.
const DefaultBaseURL = "https://api.mch.weixin.qq.com"

// maxResponseBytes caps every XML response body read by the client.
const maxResponseBytes = 1 << 20

// Doer sends HTTP requests; *http.Client satisfies it.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Config holds one merchant's WeChat Pay v2 credentials.
//
// Config implements fmt.Stringer, fmt.GoStringer and slog.LogValuer so that
// printing or logging it never reveals APIKey or the certificate's private key.
type Config struct {
	AppID    string   // 公众账号ID / 小程序ID / 应用ID (appid)
	MchID    string   // 商户号 (mch_id)
	APIKey   string   // API密钥 (32 characters), set in 商户平台 → API安全
	SignType SignType // MD5 (default when empty) or HMAC-SHA256
	// TLSCert is the merchant API certificate (apiclient_cert.pem +
	// apiclient_key.pem, e.g. from tls.LoadX509KeyPair). It is required only
	// for /secapi endpoints (申请退款 refund, 撤销订单 reverse).
	TLSCert *tls.Certificate
}

// String describes the config without secrets.
func (c Config) String() string {
	return fmt.Sprintf("payv2.Config{AppID:%q, MchID:%q, APIKey:%s, SignType:%q, TLSCert:%s}",
		c.AppID, c.MchID, redacted(c.APIKey), string(c.SignType), certState(c.TLSCert))
}

// GoString is like String, for %#v.
func (c Config) GoString() string { return c.String() }

// LogValue implements slog.LogValuer without secrets.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("appid", c.AppID),
		slog.String("mch_id", c.MchID),
		slog.String("sign_type", string(c.SignType)),
	)
}

func redacted(s string) string {
	if s == "" {
		return `""`
	}
	return "[REDACTED]"
}

func certState(c *tls.Certificate) string {
	if c == nil {
		return "<nil>"
	}
	return "[set]"
}

// Option customises a Client.
type Option func(*options)

type options struct {
	httpClient   Doer
	secureClient Doer
	baseURL      string
	rootCAs      *x509.CertPool
	now          func() time.Time
	sleep        func(context.Context, time.Duration) error
	random       io.Reader
	logger       *slog.Logger
	pollInterval time.Duration
	pollBudget   time.Duration
	errs         []error
}

// WithHTTPClient sets the client used for ordinary (non-certificate) calls.
// The default is an *http.Client with a 30s timeout.
func WithHTTPClient(d Doer) Option {
	return func(o *options) {
		if d == nil {
			o.errs = append(o.errs, &ConfigError{Field: "WithHTTPClient", Reason: "nil Doer"})
			return
		}
		o.httpClient = d
	}
}

// WithSecureHTTPClient sets the client used for /secapi endpoints, replacing
// the one built from Config.TLSCert. It must present the merchant certificate
// itself.
func WithSecureHTTPClient(d Doer) Option {
	return func(o *options) {
		if d == nil {
			o.errs = append(o.errs, &ConfigError{Field: "WithSecureHTTPClient", Reason: "nil Doer"})
			return
		}
		o.secureClient = d
	}
}

// WithRootCAs sets the pool used to verify the server certificate on the
// mutual-TLS client built from Config.TLSCert (default: system roots). The
// server certificate is always verified.
func WithRootCAs(pool *x509.CertPool) Option {
	return func(o *options) { o.rootCAs = pool }
}

// WithBaseURL overrides DefaultBaseURL, e.g. for the disaster-recovery host
// https://api2.mch.weixin.qq.com or a test server.
func WithBaseURL(u string) Option {
	return func(o *options) { o.baseURL = u }
}

// WithClock sets the time source (timestamps, MicropayAndWait budget).
func WithClock(now func() time.Time) Option {
	return func(o *options) {
		if now == nil {
			o.errs = append(o.errs, &ConfigError{Field: "WithClock", Reason: "nil func"})
			return
		}
		o.now = now
	}
}

// WithSleep sets the context-aware wait used between MicropayAndWait polls.
// It must return ctx.Err() if ctx ends first.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(o *options) {
		if sleep == nil {
			o.errs = append(o.errs, &ConfigError{Field: "WithSleep", Reason: "nil func"})
			return
		}
		o.sleep = sleep
	}
}

// WithRandom sets the randomness source for nonce_str (default crypto/rand).
func WithRandom(r io.Reader) Option {
	return func(o *options) {
		if r == nil {
			o.errs = append(o.errs, &ConfigError{Field: "WithRandom", Reason: "nil reader"})
			return
		}
		o.random = r
	}
}

// WithLogger enables debug logging of calls (path, status, duration; never
// keys, signatures or bodies). Logging is off by default.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.logger = l }
}

// WithMicropayPolling sets how MicropayAndWait polls 查询订单 after an
// undecided 付款码支付: every interval, for at most budget in total, before
// falling back to 撤销订单. Defaults: 5s and 30s.
func WithMicropayPolling(interval, budget time.Duration) Option {
	return func(o *options) {
		if interval <= 0 || budget <= 0 {
			o.errs = append(o.errs, &ConfigError{Field: "WithMicropayPolling", Reason: "interval and budget must be positive"})
			return
		}
		o.pollInterval, o.pollBudget = interval, budget
	}
}

// Client calls the WeChat Pay v2 API for one merchant. It is safe for
// concurrent use; clients for different merchants share nothing.
type Client struct {
	appID    string
	mchID    string
	apiKey   string
	signType SignType

	baseURL      string
	httpClient   Doer
	secureClient Doer // nil when no certificate is configured
	now          func() time.Time
	sleep        func(context.Context, time.Duration) error
	random       io.Reader
	logger       *slog.Logger
	pollInterval time.Duration
	pollBudget   time.Duration
}

// NewClient validates cfg and builds a Client. Errors are *ConfigError
// (errors.Is(err, ErrInvalidConfig)).
func NewClient(cfg Config, opts ...Option) (*Client, error) {
	o := options{
		baseURL:      DefaultBaseURL,
		now:          time.Now,
		sleep:        ctxtime.Sleep,
		random:       rand.Reader,
		pollInterval: 5 * time.Second,
		pollBudget:   30 * time.Second,
	}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if len(o.errs) > 0 {
		return nil, o.errs[0]
	}
	if strings.TrimSpace(cfg.AppID) == "" {
		return nil, &ConfigError{Field: "AppID", Reason: "required"}
	}
	if strings.TrimSpace(cfg.MchID) == "" {
		return nil, &ConfigError{Field: "MchID", Reason: "required"}
	}
	if !validValue(cfg.AppID) || !validValue(cfg.MchID) {
		return nil, &ConfigError{Field: "AppID/MchID", Reason: "contains invalid characters"}
	}
	if len(cfg.APIKey) != 32 {
		return nil, &ConfigError{Field: "APIKey", Reason: "must be exactly 32 characters"}
	}
	st := cfg.SignType
	if st == "" {
		st = SignTypeMD5
	}
	if !st.valid() {
		return nil, &ConfigError{Field: "SignType", Reason: "must be MD5 or HMAC-SHA256"}
	}
	base, err := url.Parse(o.baseURL)
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return nil, &ConfigError{Field: "BaseURL", Reason: "must be an absolute http(s) URL"}
	}
	c := &Client{
		appID:        cfg.AppID,
		mchID:        cfg.MchID,
		apiKey:       cfg.APIKey,
		signType:     st,
		baseURL:      strings.TrimRight(o.baseURL, "/"),
		httpClient:   o.httpClient,
		secureClient: o.secureClient,
		now:          o.now,
		sleep:        o.sleep,
		random:       o.random,
		logger:       o.logger,
		pollInterval: o.pollInterval,
		pollBudget:   o.pollBudget,
	}
	if c.httpClient == nil {
		c.httpClient = &http.Client{Timeout: 30 * time.Second}
	}
	if c.secureClient == nil && cfg.TLSCert != nil {
		tr, err := newMutualTLSTransport(cfg.TLSCert, o.rootCAs)
		if err != nil {
			return nil, err
		}
		c.secureClient = &http.Client{Transport: tr, Timeout: 30 * time.Second}
	}
	return c, nil
}

// String describes the client without secrets.
func (c *Client) String() string {
	return fmt.Sprintf("payv2.Client{AppID:%q, MchID:%q, SignType:%q, BaseURL:%q, APIKey:[REDACTED]}",
		c.appID, c.mchID, string(c.signType), c.baseURL)
}

// GoString is like String, for %#v.
func (c *Client) GoString() string { return c.String() }

// LogValue implements slog.LogValuer without secrets.
func (c *Client) LogValue() slog.Value {
	return slog.GroupValue(slog.String("appid", c.appID), slog.String("mch_id", c.mchID))
}

// AppID returns the configured appid.
func (c *Client) AppID() string { return c.appID }

// MchID returns the configured mch_id.
func (c *Client) MchID() string { return c.mchID }

// SignType returns the configured signature algorithm.
func (c *Client) SignType() SignType { return c.signType }

// Sign signs params with this merchant's API key and configured SignType.
func (c *Client) Sign(params map[string]string) (string, error) {
	return Sign(params, c.signType, c.apiKey)
}

// Verify checks the sign of a received message with this merchant's API key
// (see VerifySignature).
func (c *Client) Verify(params map[string]string) error {
	return VerifySignature(params, c.apiKey)
}

const nonceAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// nonce returns a 32-character random string (随机字符串).
func (c *Client) nonce() (string, error) {
	const n = 32
	out := make([]byte, 0, n)
	buf := make([]byte, 48)
	for len(out) < n {
		if _, err := io.ReadFull(c.random, buf); err != nil {
			return "", fmt.Errorf("payv2: reading randomness for nonce_str: %w", err)
		}
		for _, b := range buf {
			// Rejection sampling keeps the alphabet uniform: 248 = 4*62.
			if b < 248 && len(out) < n {
				out = append(out, nonceAlphabet[int(b)%len(nonceAlphabet)])
			}
		}
	}
	return string(out), nil
}

// reservedKey reports whether k is set by the client itself and so may not
// come from a request's Extra map.
func reservedKey(k string) bool {
	switch k {
	case "appid", "mch_id", "nonce_str", "sign", "sign_type":
		return true
	}
	return false
}

// prepare adds appid, mch_id, nonce_str, sign_type and sign to params after
// checking every key and value.
func (c *Client) prepare(api string, params map[string]string) error {
	for k, v := range params {
		if !validKey(k) {
			return &ParamError{API: api, Field: k, Reason: "not a valid field name"}
		}
		if !validValue(v) {
			return &ParamError{API: api, Field: k, Reason: "value is not valid UTF-8 XML text"}
		}
	}
	nonce, err := c.nonce()
	if err != nil {
		return err
	}
	params["appid"] = c.appID
	params["mch_id"] = c.mchID
	params["nonce_str"] = nonce
	if c.signType == SignTypeHMACSHA256 {
		params["sign_type"] = string(SignTypeHMACSHA256)
	} else {
		delete(params, "sign_type")
	}
	sign, err := c.Sign(params)
	if err != nil {
		return err
	}
	params["sign"] = sign
	return nil
}

// post sends params (already prepared) to path and returns the raw response.
func (c *Client) post(ctx context.Context, path string, secure bool, body []byte) (*http.Response, error) {
	doer := c.httpClient
	if secure {
		if c.secureClient == nil {
			return nil, ErrCertificateRequired
		}
		doer = c.secureClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+path, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("payv2: %s: building request: %w", path, err)
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("Accept", "text/xml, text/plain, application/octet-stream")
	start := time.Now()
	resp, err := doer.Do(req)
	if c.logger != nil {
		attrs := []any{slog.String("path", path), slog.String("mch_id", c.mchID), slog.Duration("elapsed", time.Since(start))}
		if err != nil {
			c.logger.DebugContext(ctx, "payv2 request failed", append(attrs, slog.String("error", err.Error()))...)
		} else {
			c.logger.DebugContext(ctx, "payv2 request", append(attrs, slog.Int("status", resp.StatusCode))...)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("payv2: %s: %w", path, err)
	}
	return resp, nil
}

// call performs a complete signed request/response exchange: it prepares
// params, posts them, reads the capped response, parses it, turns
// return_code/result_code failures into *Error and verifies the response
// signature over all fields. The verified map is returned.
func (c *Client) call(ctx context.Context, api, path string, secure bool, params map[string]string) (map[string]string, error) {
	if ctx == nil {
		return nil, &ParamError{API: api, Field: "ctx", Reason: "nil context"}
	}
	if err := c.prepare(api, params); err != nil {
		return nil, err
	}
	resp, err := c.post(ctx, path, secure, encodeXML(params))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		return nil, &HTTPError{StatusCode: resp.StatusCode, Path: path}
	}
	data, err := readCapped(resp.Body, maxResponseBytes)
	if err != nil {
		return nil, fmt.Errorf("payv2: %s: reading response: %w", path, err)
	}
	m, err := ParseXML(data)
	if err != nil {
		return nil, fmt.Errorf("payv2: %s: %w", path, err)
	}
	if err := c.checkMessage(m); err != nil {
		return nil, fmt.Errorf("payv2: %s: %w", path, err)
	}
	if m["result_code"] != "SUCCESS" {
		return m, resultError(m)
	}
	return m, nil
}

// checkMessage turns return_code FAIL into *Error, then verifies the
// signature and the merchant id of a signed message.
func (c *Client) checkMessage(m map[string]string) error {
	if m["return_code"] != "SUCCESS" {
		return &Error{ReturnCode: m["return_code"], ReturnMsg: m["return_msg"], ErrCode: m["error_code"]}
	}
	if err := c.Verify(m); err != nil {
		return err
	}
	if id, ok := m["mch_id"]; ok && id != c.mchID {
		return ErrMerchantMismatch
	}
	return nil
}

func resultError(m map[string]string) error {
	return &Error{
		ReturnCode: m["return_code"],
		ReturnMsg:  m["return_msg"],
		ResultCode: m["result_code"],
		ErrCode:    m["err_code"],
		ErrCodeDes: m["err_code_des"],
	}
}

// readCapped reads all of r, failing with ErrBodyTooLarge beyond limit bytes.
func readCapped(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, ErrBodyTooLarge
	}
	return data, nil
}

// newMutualTLSTransport clones http.DefaultTransport and makes it present
// the merchant certificate. The server certificate is still verified against
// roots (nil = system pool); InsecureSkipVerify is never set.
func newMutualTLSTransport(cert *tls.Certificate, roots *x509.CertPool) (*http.Transport, error) {
	if len(cert.Certificate) == 0 || cert.PrivateKey == nil {
		return nil, &ConfigError{Field: "TLSCert", Reason: "certificate chain and private key are required"}
	}
	base, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return nil, errors.New("payv2: http.DefaultTransport is not an *http.Transport")
	}
	tr := base.Clone()
	tr.TLSClientConfig = &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{*cert},
		RootCAs:      roots,
	}
	return tr, nil
}
