package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/wxkit/mp/pay"
	"github.com/wxkit/mp/sim"
	"github.com/wxkit/mp/sim/paysim"
)

// simNotice is what the program says on stderr when it runs against the
// built-in simulator.
const simNotice = "no WECHAT_* environment: running against the built-in simulator"

// simulation is the in-process platform: the Official Account simulator
// with the WeChat Pay simulator mounted on it, a generated test merchant
// bound to the account, a simulated payer and a pay client pointed at it all.
type simulation struct {
	wechat   *sim.Sim
	pay      *paysim.Platform
	merchant *paysim.TestMerchant
	payer    *sim.Follower
	client   *pay.Client
}

// startSimulation starts the simulators. The merchant key is generated, so
// it takes a moment.
func startSimulation(logger *slog.Logger) (*simulation, error) {
	m, err := paysim.NewTestMerchant()
	if err != nil {
		return nil, err
	}
	m.AppIDs = []string{sim.DefaultAppID}
	p, err := paysim.New(paysim.Options{Merchants: []paysim.Merchant{m.Merchant}, Mode: paysim.ModePublicKey})
	if err != nil {
		return nil, err
	}
	s, err := sim.Start(sim.Options{Pay: p.Handler()})
	if err != nil {
		_ = p.Close()
		return nil, err
	}
	x := &simulation{wechat: s, pay: p, merchant: m, payer: s.NewUser("Alice")}
	x.client, err = pay.NewClient(pay.Config{MchID: m.MchID, CertSerial: m.MerchantSerial, PrivateKey: m.PrivateKey, APIv3Key: m.APIv3Key},
		pay.WithBaseURL(s.URL), pay.WithWechatPayPublicKey(p.PublicKeyID(), p.PublicKey()), pay.WithoutCertificateDownload(),
		pay.WithLogger(logger))
	if err != nil {
		x.Close()
		return nil, err
	}
	return x, nil
}

// Close stops notifications and the simulators.
func (x *simulation) Close() {
	_ = x.pay.Close()
	x.wechat.Close()
}

// runSimulator serves the shop against the simulators on addr until ctx is
// done, or with smoke pays one order through it on a free port and returns.
// envSet says WECHAT* variables were set (and are ignored by -smoke).
func runSimulator(ctx context.Context, addr string, smoke, envSet bool, stdout, stderr io.Writer, logger *slog.Logger) error {
	if envSet {
		fmt.Fprintln(stderr, "pay: -smoke ignores the WECHAT* environment: running against the built-in simulator")
	} else {
		fmt.Fprintln(stderr, simNotice)
	}
	x, err := startSimulation(logger)
	if err != nil {
		return fmt.Errorf("starting the simulator: %w", err)
	}
	defer x.Close()
	if smoke {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	site := "http://" + ln.Addr().String()
	app := newShop(x.client, sim.DefaultAppID, site+"/pay/notify", logger)
	app.openID = x.payer.OpenID()
	app.simPayURL = x.wechat.URL + "/sim/pay"
	if smoke {
		return runSmoke(ctx, ln, app, x, stdout)
	}
	fmt.Fprintf(stdout, "checkout:  %s/ (the openid is the simulated payer %s's)\n", site, x.payer.Name())
	fmt.Fprintf(stdout, "simulator: %s (the pay page links to its checkout %s/sim/pay, which pays without WeChat)\n", x.wechat.URL, x.wechat.URL)
	fmt.Fprintf(stdout, "merchant:  %s, a test merchant generated for this run\n", x.merchant.MchID)
	return serve(ctx, ln, app.routes())
}

// runSmoke serves app on ln and pays one order through it.
func runSmoke(ctx context.Context, ln net.Listener, app *shop, x *simulation, out io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	paid := make(chan *pay.Transaction, 8)
	app.onPaid = func(tx *pay.Transaction) {
		select {
		case paid <- tx:
		default:
		}
	}
	srvCtx, stopServer := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() { errc <- serve(srvCtx, ln, app.routes()) }()

	err := smokePay(ctx, "http://"+ln.Addr().String(), app.notifyURL, x, paid, out)
	stopServer()
	if serr := <-errc; err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("smoke test failed: %w", err)
	}
	fmt.Fprintln(out, "smoke test passed")
	return nil
}

var (
	orderRE  = regexp.MustCompile(`<p>Order ([0-9A-Za-z_\-|*@]{6,32}): (\d+) fen</p>`)
	prepayRE = regexp.MustCompile(`prepay_id=([0-9A-Za-z_\-]+)`)
)

// smokePay checks out at site as the simulated payer, pays and waits for
// the shop's notify handler to process the notification.
func smokePay(ctx context.Context, site, notifyURL string, x *simulation, paid <-chan *pay.Transaction, out io.Writer) error {
	const amount = 1
	form := url.Values{"openid": {x.payer.OpenID()}, "description": {"Image形象店-深圳腾大-QQ公仔"}, "amount": {fmt.Sprint(amount)}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, site+"/checkout", strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return err
	}
	page := string(b)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST /checkout: %s: %s", resp.Status, strings.TrimSpace(page))
	}
	om, pm := orderRE.FindStringSubmatch(page), prepayRE.FindStringSubmatch(page)
	if om == nil || pm == nil || !strings.Contains(page, "getBrandWCPayRequest") || !strings.Contains(page, `"paySign"`) {
		return errors.New("POST /checkout: the pay page lacks the order or its JSAPI parameters")
	}
	outTradeNo, prepayID := om[1], pm[1]
	fmt.Fprintf(out, "1. POST /checkout as %s (%d fen): JSAPI order %s created, prepay_id %s; the page calls getBrandWCPayRequest\n",
		x.payer.Name(), amount, outTradeNo, prepayID)

	tx, err := x.pay.Pay(ctx, x.merchant.MchID, prepayID, x.payer.OpenID())
	if err != nil {
		return fmt.Errorf("paying as %s: %w", x.payer.Name(), err)
	}
	fmt.Fprintf(out, "2. %s paid on the simulator: transaction_id %s, trade_state %s\n", x.payer.Name(), tx.TransactionID, tx.TradeState)

	var got *pay.Transaction
	select {
	case got = <-paid:
	case <-ctx.Done():
		return fmt.Errorf("no verified payment notification reached the notify handler: %w", ctx.Err())
	}
	if got.OutTradeNo != outTradeNo || got.TransactionID != tx.TransactionID || got.TradeState != pay.TradeStateSuccess ||
		got.Amount == nil || got.Amount.Total != amount {
		return fmt.Errorf("the notify handler processed an unexpected payment: out_trade_no %s, transaction_id %s, trade_state %s",
			got.OutTradeNo, got.TransactionID, got.TradeState)
	}
	fmt.Fprintf(out, "3. POST /pay/notify: %s verified (signature, AES-256-GCM) and processed: order %s paid, %d fen\n",
		pay.EventTransactionSuccess, got.OutTradeNo, got.Amount.Total)

	if err := waitAcknowledged(ctx, x.pay, notifyURL); err != nil {
		return err
	}
	fmt.Fprintln(out, "4. WeChat Pay recorded the acknowledgement (HTTP 200)")

	q, err := x.client.QueryOrderByOutTradeNo(ctx, outTradeNo)
	if err != nil {
		return fmt.Errorf("querying the order: %w", err)
	}
	if q.TradeState != pay.TradeStateSuccess {
		return fmt.Errorf("querying the order: trade_state %s", q.TradeState)
	}
	fmt.Fprintf(out, "5. query order %s (查询订单): trade_state %s\n", outTradeNo, q.TradeState)
	return nil
}

// waitAcknowledged waits until p records an acknowledged notification to
// notifyURL.
func waitAcknowledged(ctx context.Context, p *paysim.Platform, notifyURL string) error {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		for _, n := range p.Notifications() {
			if n.URL == notifyURL && n.Acknowledged {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("WeChat Pay saw no acknowledgement from the notify handler: %w", ctx.Err())
		case <-t.C:
		}
	}
}
