package paysim

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Mode selects how the platform signs (验签方式): with a platform certificate
// (平台证书), with a WeChat Pay public key (微信支付公钥), or both during a
// switch-over.
type Mode string

const (
	// ModeBoth serves GET /v3/certificates and knows the public key. Responses
	// are signed with the public key when the request's Wechatpay-Serial header
	// names PublicKeyID, and with the platform certificate otherwise;
	// notifications follow the request that created the order or refund.
	// The zero Mode means ModeBoth.
	ModeBoth Mode = "both"
	// ModeCertificate signs everything with the platform certificate.
	ModeCertificate Mode = "certificate"
	// ModePublicKey signs everything with the WeChat Pay public key and answers
	// GET /v3/certificates with 404, as for merchants onboarded since 2024.
	ModePublicKey Mode = "publickey"
)

// DefaultNotifyRetryDelays is the documented schedule of notification retries
// after a failed delivery: 15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h.
func DefaultNotifyRetryDelays() []time.Duration {
	return []time.Duration{
		15 * time.Second, 15 * time.Second, 30 * time.Second, 3 * time.Minute,
		10 * time.Minute, 20 * time.Minute, 30 * time.Minute, 30 * time.Minute,
		30 * time.Minute, 60 * time.Minute, 3 * time.Hour, 3 * time.Hour,
		3 * time.Hour, 6 * time.Hour, 6 * time.Hour,
	}
}

// Merchant is a merchant account known to the simulator (商户).
type Merchant struct {
	// MchID is the merchant number (商户号).
	MchID string
	// APIv3Key is the 32-byte APIv3 key (APIv3密钥) that encrypts
	// certificates, notifications and bills. It is never printed.
	APIv3Key string
	// MerchantPublicKey verifies request signatures (商户API证书公钥).
	MerchantPublicKey *rsa.PublicKey
	// MerchantSerial is the merchant certificate serial (商户API证书序列号);
	// when set, requests must name it in serial_no.
	MerchantSerial string
	// AppIDs, when not empty, are the AppIDs bound to the merchant; orders for
	// other AppIDs fail with APPID_MCHID_NOT_MATCH.
	AppIDs []string
	// APIKey is the 32-character API v2 key (API密钥) that signs the legacy XML
	// API (/pay/..., /secapi/...). Empty means the merchant cannot use API v2.
	// It is never printed.
	APIKey string
}

// String implements fmt.Stringer without the APIv3 key.
func (m Merchant) String() string { return "paysim.Merchant{" + m.describe() + "}" }

// GoString implements fmt.GoStringer without the APIv3 key.
func (m Merchant) GoString() string { return m.String() }

func (m Merchant) describe() string {
	return fmt.Sprintf("MchID:%s MerchantSerial:%s APIv3Key:[REDACTED] APIKey:[REDACTED]", m.MchID, m.MerchantSerial)
}

func (m Merchant) validate() error {
	if m.MchID == "" {
		return &ConfigError{Field: "Merchant.MchID", Reason: "empty"}
	}
	if len(m.APIv3Key) != 32 {
		return &ConfigError{Field: "Merchant.APIv3Key", Reason: "must be 32 bytes"}
	}
	if m.MerchantPublicKey == nil {
		return &ConfigError{Field: "Merchant.MerchantPublicKey", Reason: "nil"}
	}
	if m.APIKey != "" && len(m.APIKey) != 32 {
		return &ConfigError{Field: "Merchant.APIKey", Reason: "must be 32 bytes"}
	}
	return nil
}

// Options configure a [Platform].
type Options struct {
	// Merchants are the merchants known from the start; more can be added with
	// [Platform.AddMerchant].
	Merchants []Merchant
	// Mode selects certificate, public key or both; zero means ModeBoth.
	Mode Mode
	// PlatformKey signs as the platform certificate; generated when nil.
	PlatformKey *rsa.PrivateKey
	// PublicKeyKey signs as the WeChat Pay public key; generated when nil.
	PublicKeyKey *rsa.PrivateKey
	// PublicKeyID is the public key's ID; generated (PUB_KEY_ID_01...) when empty.
	PublicKeyID string
	// Clock returns the current time; time.Now when nil.
	Clock func() time.Time
	// HTTPClient delivers notifications; a client with a 5 s timeout when nil.
	HTTPClient *http.Client
	// Logger receives debug and info records; nothing is logged when nil.
	Logger *slog.Logger
	// BaseURL is the simulator's external base URL, e.g. "http://127.0.0.1:8080",
	// used in bill download URLs and H5 checkout links. When empty it is taken
	// from each request's Host.
	BaseURL string
	// NotifyRetryDelays are the waits before each retry of an unacknowledged
	// notification. Nil means [DefaultNotifyRetryDelays]; an empty non-nil slice
	// means a single attempt.
	NotifyRetryDelays []time.Duration
	// RefundDelay is how long a refund stays PROCESSING; 2 s when zero.
	RefundDelay time.Duration
	// AbnormalRefund, when set and returning true, sends the refund to ABNORMAL
	// (退款异常) instead of SUCCESS, so that apply-abnormal-refund can be tested.
	AbnormalRefund func(mchid, outRefundNo string) bool

	// MicropayUserPayingQueries is how many 查询订单 (/pay/orderquery) calls
	// answer USERPAYING for a 付款码支付 whose auth_code ends in "1" before the
	// next one finds it paid; 1 when zero, negative means 0 (paid at the first
	// query).
	MicropayUserPayingQueries int

	// SignTestProbe signs responses and notifications with a
	// "WECHATPAY/SIGNTEST/" probe signature that must fail verification.
	SignTestProbe bool
	// StaleTimestamp signs with a timestamp ten minutes in the past.
	StaleTimestamp bool
	// UnknownSerial puts a serial the client cannot know in Wechatpay-Serial.
	UnknownSerial bool
}

// String implements fmt.Stringer without keys.
func (o Options) String() string {
	return fmt.Sprintf("paysim.Options{Merchants:%d Mode:%s PublicKeyID:%s BaseURL:%s}", len(o.Merchants), o.Mode, o.PublicKeyID, o.BaseURL)
}

// GoString implements fmt.GoStringer without keys.
func (o Options) GoString() string { return o.String() }

// Probes are the signature probes of [Options], switchable at run time with
// [Platform.SetProbes].
type Probes struct {
	SignTest       bool
	StaleTimestamp bool
	UnknownSerial  bool
}

// Platform is a simulated WeChat Pay platform. It is safe for concurrent use.
type Platform struct {
	mode        Mode
	certKey     *rsa.PrivateKey
	cert        *x509.Certificate
	certPEM     []byte
	certSerial  string
	pubKey      *rsa.PrivateKey
	pubKeyID    string
	clock       func() time.Time
	client      *http.Client
	log         *slog.Logger
	baseURL     string
	retryDelays []time.Duration
	refundDelay time.Duration
	abnormal    func(mchid, outRefundNo string) bool
	userPaying  int
	mux         *http.ServeMux

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu            sync.Mutex
	closed        bool
	probes        Probes
	merchants     map[string]*merchantState
	prepay        map[string]orderRef
	bills         map[string]*billFile
	notifications []NotificationAttempt
	extSt         *extState // part two, see ext.go
}

type merchantState struct {
	Merchant
	orders       map[string]*order // by out_trade_no
	byTxn        map[string]*order // by transaction_id
	refunds      map[string]*refund
	refundsByID  map[string]*refund
	refundsOrder []*refund
}

type orderRef struct{ mchid, outTradeNo string }

// New starts a platform. Keys not given are generated (RSA-2048), which takes
// a moment.
func New(opts Options) (*Platform, error) {
	mode := opts.Mode
	if mode == "" {
		mode = ModeBoth
	}
	if mode != ModeBoth && mode != ModeCertificate && mode != ModePublicKey {
		return nil, &ConfigError{Field: "Options.Mode", Reason: "must be certificate, publickey or both"}
	}
	p := &Platform{
		mode:        mode,
		clock:       opts.Clock,
		client:      opts.HTTPClient,
		log:         opts.Logger,
		baseURL:     strings.TrimRight(opts.BaseURL, "/"),
		retryDelays: opts.NotifyRetryDelays,
		refundDelay: opts.RefundDelay,
		abnormal:    opts.AbnormalRefund,
		userPaying:  opts.MicropayUserPayingQueries,
		probes:      Probes{SignTest: opts.SignTestProbe, StaleTimestamp: opts.StaleTimestamp, UnknownSerial: opts.UnknownSerial},
		merchants:   map[string]*merchantState{},
		prepay:      map[string]orderRef{},
		bills:       map[string]*billFile{},
	}
	if p.clock == nil {
		p.clock = time.Now
	}
	if p.client == nil {
		p.client = &http.Client{Timeout: 5 * time.Second}
	}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	if p.retryDelays == nil {
		p.retryDelays = DefaultNotifyRetryDelays()
	}
	if p.refundDelay <= 0 {
		p.refundDelay = 2 * time.Second
	}
	switch {
	case p.userPaying == 0:
		p.userPaying = 1
	case p.userPaying < 0:
		p.userPaying = 0
	}
	var err error
	p.certKey = opts.PlatformKey
	if p.certKey == nil {
		if p.certKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			return nil, err
		}
	}
	p.pubKey = opts.PublicKeyKey
	if p.pubKey == nil {
		if p.pubKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			return nil, err
		}
	}
	p.pubKeyID = opts.PublicKeyID
	if p.pubKeyID == "" {
		p.pubKeyID = "PUB_KEY_ID_01" + randString(digits, 26)
	}
	if !strings.HasPrefix(p.pubKeyID, "PUB_KEY_ID_") {
		return nil, &ConfigError{Field: "Options.PublicKeyID", Reason: `must start with "PUB_KEY_ID_"`}
	}
	if p.cert, p.certPEM, p.certSerial, err = newPlatformCertificate(p.certKey, p.now()); err != nil {
		return nil, err
	}
	for _, m := range opts.Merchants {
		if err := p.AddMerchant(m); err != nil {
			return nil, err
		}
	}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	p.mux = p.routes()
	return p, nil
}

// AddMerchant registers a merchant, replacing none: a second merchant with the
// same MchID is an error.
func (p *Platform) AddMerchant(m Merchant) error {
	if err := m.validate(); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, dup := p.merchants[m.MchID]; dup {
		return &ConfigError{Field: "Merchant.MchID", Reason: "duplicate " + m.MchID}
	}
	m.AppIDs = append([]string(nil), m.AppIDs...)
	p.merchants[m.MchID] = &merchantState{
		Merchant:    m,
		orders:      map[string]*order{},
		byTxn:       map[string]*order{},
		refunds:     map[string]*refund{},
		refundsByID: map[string]*refund{},
	}
	return nil
}

// String implements fmt.Stringer without keys.
func (p *Platform) String() string {
	p.mu.Lock()
	n := len(p.merchants)
	p.mu.Unlock()
	return fmt.Sprintf("paysim.Platform{Mode:%s CertificateSerial:%s PublicKeyID:%s Merchants:%d}", p.mode, p.certSerial, p.pubKeyID, n)
}

// GoString implements fmt.GoStringer without keys.
func (p *Platform) GoString() string { return p.String() }

// Mode returns the signing mode.
func (p *Platform) Mode() Mode { return p.mode }

// Certificate returns the self-signed platform certificate (平台证书).
func (p *Platform) Certificate() *x509.Certificate { return p.cert }

// CertificatePEM returns the platform certificate in PEM.
func (p *Platform) CertificatePEM() []byte { return bytes.Clone(p.certPEM) }

// CertificateSerial returns the platform certificate serial in upper-case hex.
func (p *Platform) CertificateSerial() string { return p.certSerial }

// PublicKey returns the WeChat Pay public key (微信支付公钥).
func (p *Platform) PublicKey() *rsa.PublicKey { return &p.pubKey.PublicKey }

// PublicKeyPEM returns the WeChat Pay public key as PKIX "PUBLIC KEY" PEM, the
// format of pub_key.pem downloaded from the merchant platform.
func (p *Platform) PublicKeyPEM() []byte { return publicKeyPEM(&p.pubKey.PublicKey) }

// PublicKeyID returns the WeChat Pay public key ID (微信支付公钥ID), PUB_KEY_ID_...
func (p *Platform) PublicKeyID() string { return p.pubKeyID }

// SetProbes switches the signature probes at run time.
func (p *Platform) SetProbes(pr Probes) {
	p.mu.Lock()
	p.probes = pr
	p.mu.Unlock()
}

// Close stops notification retries and pending refund transitions and waits
// for deliveries in flight. The handler keeps answering and Pay keeps paying,
// but no notification is sent and no refund moves on after Close.
func (p *Platform) Close() error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.cancel()
	p.wg.Wait()
	return nil
}

// Handler returns the HTTP handler of the /v3/... endpoints, the API v2
// endpoints (/pay/..., /secapi/pay/...) and the /sim/pay checkout.
func (p *Platform) Handler() http.Handler { return p.mux }

func (p *Platform) now() time.Time { return p.clock() }

// goAsync runs f in a tracked goroutine unless the platform is closed.
func (p *Platform) goAsync(f func()) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		f()
	}()
	return true
}

func (p *Platform) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("POST /v3/pay/transactions/{kind}", p.api(p.createOrder))
	mux.Handle("GET /v3/pay/transactions/id/{transaction_id}", p.api(p.queryByTransactionID))
	mux.Handle("GET /v3/pay/transactions/out-trade-no/{out_trade_no}", p.api(p.queryByOutTradeNo))
	mux.Handle("POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close", p.api(p.closeOrder))
	mux.Handle("POST /v3/refund/domestic/refunds", p.api(p.createRefund))
	mux.Handle("GET /v3/refund/domestic/refunds/{out_refund_no}", p.api(p.queryRefund))
	mux.Handle("POST /v3/refund/domestic/refunds/{refund_id}/apply-abnormal-refund", p.api(p.applyAbnormalRefund))
	mux.Handle("GET /v3/certificates", p.api(p.certificates))
	mux.Handle("GET /v3/bill/tradebill", p.api(p.tradeBill))
	mux.Handle("GET /v3/bill/fundflowbill", p.api(p.fundFlowBill))
	mux.HandleFunc("GET /v3/billdownload/file", p.downloadBill)
	mux.HandleFunc("GET /sim/pay", p.checkoutPage)
	mux.HandleFunc("POST /sim/pay", p.simPay)
	p.routesV2(mux)
	p.routesExt(mux)
	mux.Handle("/v3/", p.api(func(*call) (int, any, *APIError) {
		return 0, nil, apiErr(http.StatusNotFound, CodeNotFound, "接口不存在，请检查请求方法和URL")
	}))
	return mux
}

// call is one authenticated API request.
type call struct {
	r    *http.Request
	m    *merchantState
	body []byte
	sig  signer
}

const maxBody = 1 << 20

// api wraps an endpoint: read the body, authenticate, run h, write a signed
// JSON answer (or 204 with an empty, still signed, body when v is nil).
func (p *Platform) api(h func(c *call) (int, any, *APIError)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sig := p.responseSigner(r.Header.Get("Wechatpay-Serial"))
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil || len(body) > maxBody {
			p.writeJSON(w, r, sig, http.StatusBadRequest, apiErr(http.StatusBadRequest, CodeInvalidRequest, "请求体过大或读取失败").body())
			return
		}
		m, aerr := p.authenticate(r, body)
		if aerr != nil {
			p.writeJSON(w, r, sig, aerr.Status, aerr.body())
			return
		}
		status, v, aerr := h(&call{r: r, m: m, body: body, sig: sig})
		if aerr != nil {
			p.writeJSON(w, r, sig, aerr.Status, aerr.body())
			return
		}
		if v == nil {
			p.writeJSON(w, r, sig, status, nil)
			return
		}
		p.writeJSON(w, r, sig, status, marshal(v))
	})
}

func marshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // our own types always encode
	return bytes.TrimRight(buf.Bytes(), "\n")
}

func (p *Platform) writeJSON(w http.ResponseWriter, r *http.Request, s signer, status int, body []byte) {
	h := w.Header()
	if body != nil {
		h.Set("Content-Type", "application/json; charset=utf-8")
	}
	h.Set("Request-ID", newRequestID())
	p.signHeaders(h, s, body)
	w.WriteHeader(status)
	_, _ = w.Write(body)
	p.log.Debug("paysim request", "method", r.Method, "path", r.URL.Path, "status", status)
}

func newRequestID() string {
	return randString(hexUpper, 32) + "-0"
}

// signer is the key and serial a message is signed with.
type signer struct {
	key    *rsa.PrivateKey
	serial string
	pubKey bool
}

func (p *Platform) certSigner() signer { return signer{key: p.certKey, serial: p.certSerial} }
func (p *Platform) pubSigner() signer {
	return signer{key: p.pubKey, serial: p.pubKeyID, pubKey: true}
}

// responseSigner picks the signing key for an answer to a request whose
// Wechatpay-Serial header is requestSerial.
func (p *Platform) responseSigner(requestSerial string) signer {
	switch p.mode {
	case ModeCertificate:
		return p.certSigner()
	case ModePublicKey:
		return p.pubSigner()
	}
	if requestSerial == p.pubKeyID {
		return p.pubSigner()
	}
	return p.certSigner()
}

// signHeaders adds Wechatpay-Timestamp, -Nonce, -Signature, -Serial and
// -Signature-Type, applying the probes.
func (p *Platform) signHeaders(h http.Header, s signer, body []byte) {
	p.mu.Lock()
	pr := p.probes
	p.mu.Unlock()
	now := p.now()
	if pr.StaleTimestamp {
		now = now.Add(-10 * time.Minute)
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	nonce := randString(hexUpper, 32)
	sig, err := signSHA256(s.key, ts+"\n"+nonce+"\n"+string(body)+"\n")
	if err != nil {
		p.log.Error("paysim: signing failed", "err", err)
	}
	if pr.SignTest {
		sig = SignTestPrefix + randString(alnum, 64)
	}
	serial := s.serial
	if pr.UnknownSerial {
		if s.pubKey {
			serial = "PUB_KEY_ID_01" + randString(digits, 26)
		} else {
			serial = randString(hexUpper, 40)
		}
	}
	h.Set("Wechatpay-Timestamp", ts)
	h.Set("Wechatpay-Nonce", nonce)
	h.Set("Wechatpay-Signature", sig)
	h.Set("Wechatpay-Serial", serial)
	h.Set("Wechatpay-Signature-Type", AuthScheme)
}

// base returns the external base URL for links handed out in answers.
func (p *Platform) base(r *http.Request) string {
	if p.baseURL != "" {
		return p.baseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
