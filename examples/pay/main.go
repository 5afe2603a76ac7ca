// Command pay is a minimal WeChat Pay APIv3 JSAPI checkout for an official
// account (公众号JSAPI支付) built on package github.com/wxkit/mp/pay.
//
// It serves:
//
//	GET  /               a checkout form (openid, amount, description)
//	POST /checkout       creates a JSAPI order (JSAPI下单) and renders a page that
//	                     calls WeixinJSBridge.invoke('getBrandWCPayRequest', params)
//	POST /pay/notify     the payment notification handler (支付结果通知), idempotent
//
// Configuration comes from the environment:
//
//	WECHATPAY_MCHID             merchant ID (商户号)
//	WECHATPAY_SERIAL            merchant API certificate serial (商户API证书序列号)
//	WECHATPAY_PRIVATE_KEY_FILE  path to apiclient_key.pem (商户API私钥)
//	WECHATPAY_APIV3_KEY         32-byte APIv3 key (APIv3密钥)
//	WECHAT_APPID                official account AppID bound to the merchant
//	WECHATPAY_PUBLIC_KEY_FILE   optional: WeChat Pay public key pub_key.pem (微信支付公钥)
//	WECHATPAY_PUBLIC_KEY_ID     optional: its ID, PUB_KEY_ID_... (both or neither)
//
// Without the public key the platform certificates (平台证书) are downloaded
// and refreshed in the background. In a real official account the openid
// comes from web authorization (网页授权); the form field stands in for it.
//
// When none of these variables is set it runs against the built-in
// simulators instead (packages github.com/wxkit/mp/sim and sim/paysim, in
// process, with a generated test merchant and a simulated payer) and says so
// on stderr; the pay page then also links to the simulator's checkout, which
// pays the order without WeChat. The flags -base-url and -notify-url apply to
// real WeChat Pay only.
//
// With -smoke it always runs against the simulators: it serves the shop on a
// free port, creates a JSAPI order through POST /checkout, has the simulated
// payer pay it, waits for its own notify handler to verify and process the
// payment notification, queries the order, prints each step and exits
// (status 1 on any failure).
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/wxkit/mp/pay"
)

type config struct {
	mchID, serial, keyFile, apiV3Key, appID, pubKeyFile, pubKeyID string
}

// empty reports that no variable of the configuration is set.
func (c config) empty() bool {
	return c == config{}
}

// configFromEnv reads the configuration with getenv and lists what is
// missing.
func configFromEnv(getenv func(string) string) (config, []string) {
	c := config{
		mchID:      getenv("WECHATPAY_MCHID"),
		serial:     getenv("WECHATPAY_SERIAL"),
		keyFile:    getenv("WECHATPAY_PRIVATE_KEY_FILE"),
		apiV3Key:   getenv("WECHATPAY_APIV3_KEY"),
		appID:      getenv("WECHAT_APPID"),
		pubKeyFile: getenv("WECHATPAY_PUBLIC_KEY_FILE"),
		pubKeyID:   getenv("WECHATPAY_PUBLIC_KEY_ID"),
	}
	var missing []string
	for _, v := range []struct{ name, val string }{
		{"WECHATPAY_MCHID", c.mchID}, {"WECHATPAY_SERIAL", c.serial}, {"WECHATPAY_PRIVATE_KEY_FILE", c.keyFile},
		{"WECHATPAY_APIV3_KEY", c.apiV3Key}, {"WECHAT_APPID", c.appID},
	} {
		if v.val == "" {
			missing = append(missing, v.name)
		}
	}
	if (c.pubKeyFile == "") != (c.pubKeyID == "") {
		missing = append(missing, "WECHATPAY_PUBLIC_KEY_FILE and WECHATPAY_PUBLIC_KEY_ID (set both or neither)")
	}
	return c, missing
}

const usage = `examples/pay: WeChat Pay JSAPI checkout demo.

Set these environment variables and run again:
  WECHATPAY_MCHID             merchant ID (商户号), e.g. 1900000109
  WECHATPAY_SERIAL            merchant API certificate serial (商户API证书序列号)
  WECHATPAY_PRIVATE_KEY_FILE  path to apiclient_key.pem (商户API私钥)
  WECHATPAY_APIV3_KEY         the 32-byte APIv3 key (APIv3密钥)
  WECHAT_APPID                official account AppID bound to the merchant
Optional (WeChat Pay public key mode, 微信支付公钥):
  WECHATPAY_PUBLIC_KEY_FILE   path to pub_key.pem
  WECHATPAY_PUBLIC_KEY_ID     PUB_KEY_ID_...
Set none of them to run against the built-in simulator.
`

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "listen address")
	baseURL := flag.String("base-url", pay.DefaultBaseURL, "WeChat Pay API base URL")
	notifyURL := flag.String("notify-url", "", "public notify_url (default http://<addr>/pay/notify)")
	smoke := flag.Bool("smoke", false, "pay one order against the built-in simulator, then exit")
	flag.Parse()

	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	cfg, missing := configFromEnv(os.Getenv)
	if *smoke || cfg.empty() {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err := runSimulator(ctx, *addr, *smoke, !cfg.empty(), os.Stdout, os.Stderr, logger)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, "pay:", err)
			os.Exit(1)
		}
		return
	}
	if len(missing) > 0 {
		fmt.Print(usage)
		fmt.Printf("\nMissing: %s\n", strings.Join(missing, ", "))
		os.Exit(0)
	}
	if *notifyURL == "" {
		*notifyURL = "http://" + *addr + "/pay/notify"
	}
	if err := run(cfg, *addr, *baseURL, *notifyURL, logger); err != nil {
		logger.Error("exiting", "error", err)
		os.Exit(1)
	}
}

// run serves the shop for the merchant of cfg until SIGINT or SIGTERM.
func run(cfg config, addr, baseURL, notifyURL string, logger *slog.Logger) error {
	keyPEM, err := os.ReadFile(cfg.keyFile)
	if err != nil {
		return fmt.Errorf("reading WECHATPAY_PRIVATE_KEY_FILE: %w", err)
	}
	key, err := pay.LoadPrivateKey(keyPEM)
	if err != nil {
		return err
	}
	opts := []pay.Option{pay.WithBaseURL(baseURL), pay.WithLogger(logger)}
	if cfg.pubKeyFile != "" {
		pubPEM, err := os.ReadFile(cfg.pubKeyFile)
		if err != nil {
			return fmt.Errorf("reading WECHATPAY_PUBLIC_KEY_FILE: %w", err)
		}
		pub, err := pay.LoadPublicKey(pubPEM)
		if err != nil {
			return err
		}
		opts = append(opts, pay.WithWechatPayPublicKey(cfg.pubKeyID, pub), pay.WithoutCertificateDownload())
	}
	client, err := pay.NewClient(pay.Config{MchID: cfg.mchID, CertSerial: cfg.serial, PrivateKey: key, APIv3Key: cfg.apiV3Key}, opts...)
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if cfg.pubKeyFile == "" {
		// Platform certificate mode: download now and every 12 hours.
		if err := client.Start(ctx); err != nil {
			return fmt.Errorf("downloading platform certificates: %w", err)
		}
		defer client.Stop()
	}

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	app := newShop(client, cfg.appID, notifyURL, logger)
	logger.Info("listening", "addr", "http://"+addr, "notify_url", notifyURL)
	return serve(ctx, ln, app.routes())
}

// serve serves h on ln until ctx is done, then shuts down gracefully.
func serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

type shop struct {
	client    *pay.Client
	appID     string
	notifyURL string
	log       *slog.Logger

	// Against the simulator: the openid the form suggests, the simulator's
	// checkout (/sim/pay) the pay page links to, and a hook told of each
	// payment processed.
	openID    string
	simPayURL string
	onPaid    func(*pay.Transaction)

	mu   sync.Mutex
	paid map[string]bool // transaction_id -> processed (use a database in production)
}

func newShop(client *pay.Client, appID, notifyURL string, logger *slog.Logger) *shop {
	return &shop{client: client, appID: appID, notifyURL: notifyURL, log: logger, paid: map[string]bool{}}
}

// routes returns the shop's handler.
func (s *shop) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.form)
	mux.HandleFunc("POST /checkout", s.checkout)
	mux.Handle("POST /pay/notify", pay.NewNotifyHandler(s.client, s.onNotify))
	return mux
}

var formPage = template.Must(template.New("form").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Checkout</title></head>
<body>
<h1>Checkout</h1>
<form method="post" action="/checkout">
  <p><label>openid <input name="openid" value="{{.}}" required></label></p>
  <p><label>Description <input name="description" value="Image形象店-深圳腾大-QQ公仔" required></label></p>
  <p><label>Amount (fen) <input name="amount" type="number" min="1" value="1" required></label></p>
  <p><button type="submit">Pay with WeChat</button></p>
</form>
</body></html>`))

var payPage = template.Must(template.New("pay").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Pay</title></head>
<body>
<p>Order {{.OutTradeNo}}: {{.Amount}} fen</p>
<p id="status">Opening WeChat Pay…</p>
{{with .SimPayURL}}<p>Not in WeChat? <a id="sim-pay" href="{{.}}">Pay on the simulator's checkout</a></p>{{end}}
<script>
var params = {{.Params}};
function pay() {
  WeixinJSBridge.invoke('getBrandWCPayRequest', params, function (res) {
    // The result here is only a hint; trust the server-side notification
    // or an order query (查询订单) before shipping.
    var s = document.getElementById('status');
    if (res.err_msg === 'get_brand_wcpay_request:ok') { s.textContent = 'Paid, confirming…'; }
    else if (res.err_msg === 'get_brand_wcpay_request:cancel') { s.textContent = 'Cancelled.'; }
    else { s.textContent = 'Payment failed: ' + res.err_msg; }
  });
}
if (typeof WeixinJSBridge === 'undefined') {
  document.addEventListener('WeixinJSBridgeReady', pay, false);
} else {
  pay();
}
</script>
</body></html>`))

func (s *shop) form(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = formPage.Execute(w, s.openID)
}

func (s *shop) checkout(w http.ResponseWriter, r *http.Request) {
	openID := strings.TrimSpace(r.FormValue("openid"))
	desc := strings.TrimSpace(r.FormValue("description"))
	amount, err := strconv.ParseInt(r.FormValue("amount"), 10, 64)
	if openID == "" || desc == "" || err != nil || amount <= 0 {
		http.Error(w, "openid, description and a positive amount are required", http.StatusBadRequest)
		return
	}
	outTradeNo := newOutTradeNo()
	order, err := s.client.CreateJSAPIOrder(r.Context(), &pay.OrderRequest{
		AppID:       s.appID,
		Description: desc,
		OutTradeNo:  outTradeNo,
		TimeExpire:  pay.FormatTime(time.Now().Add(30 * time.Minute)),
		NotifyURL:   s.notifyURL,
		Amount:      pay.Amount{Total: amount, Currency: "CNY"},
		Payer:       &pay.Payer{OpenID: openID},
	})
	if err != nil {
		s.log.Warn("JSAPI order failed", "out_trade_no", outTradeNo, "error", err)
		http.Error(w, "could not create the order", http.StatusBadGateway)
		return
	}
	params, err := s.client.JSAPIParams(s.appID, order.PrepayID)
	if err != nil {
		http.Error(w, "could not sign the payment", http.StatusInternalServerError)
		return
	}
	var simPay string
	if s.simPayURL != "" {
		simPay = s.simPayURL + "?" + url.Values{"prepay_id": {order.PrepayID}}.Encode()
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = payPage.Execute(w, struct {
		OutTradeNo string
		Amount     int64
		Params     *pay.JSAPIPayParams
		SimPayURL  string
	}{outTradeNo, amount, params, simPay})
}

// onNotify is idempotent: WeChat Pay may deliver a notification several
// times; each transaction is processed once and duplicates are acknowledged.
func (s *shop) onNotify(ctx context.Context, n *pay.Notification) error {
	if n.EventType != pay.EventTransactionSuccess {
		s.log.Info("notification ignored", "id", n.ID, "event_type", n.EventType)
		return nil
	}
	tx, err := n.Transaction()
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.paid[tx.TransactionID] {
		s.log.Info("duplicate notification", "transaction_id", tx.TransactionID)
		return nil
	}
	// Here: check tx.MchID, tx.AppID and tx.Amount.Total against the stored
	// order, then mark it paid in the same transaction as the dedup record.
	var total int64
	if tx.Amount != nil {
		total = tx.Amount.Total
	}
	s.paid[tx.TransactionID] = true
	s.log.Info("order paid", "out_trade_no", tx.OutTradeNo, "transaction_id", tx.TransactionID,
		"trade_state", tx.TradeState, "total", total)
	if s.onPaid != nil {
		s.onPaid(tx)
	}
	return nil
}

// newOutTradeNo returns a 6-32 character merchant order number.
func newOutTradeNo() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return time.Now().Format("20060102150405") + strings.ToUpper(hex.EncodeToString(b[:]))
}
