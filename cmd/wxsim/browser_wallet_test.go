package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/browsertest"
)

// TestBrowserCardWallet: in the chat page, Alice follows, opens her card
// wallet (卡包), claims the shop's member card from its QR code, activates
// it through the form, pays ¥18.00 and sees 18 points on the card. The
// screenshot is kept as wxsim-card-wallet.png under $ARTIFACTS_DIR.
func TestBrowserCardWallet(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a browser")
	}
	browsertest.Require(t)
	e := newTestEnv(t, envOptions{})
	id, ticket := e.createCardQR(t)
	ctx := browsertest.Start(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	browsertest.Run(t, ctx, 90*time.Second,
		chromedp.Navigate(e.URL+"/"),
		chromedp.SendKeys(css("#follower-name"), "Alice"),
		chromedp.Click(css("#follow")),
		browsertest.WaitText(".bubble.from-bot", "welcome"),
		chromedp.Click(css("#wallet-toggle")),
		chromedp.SendKeys(css("#card-ticket"), ticket),
		chromedp.Click(css("#card-claim")),
		browsertest.WaitText(".wallet-card.member", "会员卡"),
		browsertest.WaitJS("the activation prompt stubbed", `(window.prompt = function () { return "13800000000"; }, true)`),
		chromedp.Click(css(".wallet-card.member .wallet-activate")),
		browsertest.WaitText(".wallet-card.member .wallet-points", "积分 0"),
	)

	alice := e.sim.Users()[0]
	code := alice.Wallet()[0].Code
	notify := e.pointsOnPayment(t, id, code, 1800)
	prepay := e.payOrder(t, "LATTE-18", alice.OpenID(), notify.URL+"/notify", 1800)
	var tx map[string]any
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/pay", map[string]string{"prepay_id": prepay}, &tx))
	browsertest.Run(t, ctx, 60*time.Second,
		browsertest.WaitText(".wallet-card.member .wallet-points", "积分 18"),
		browsertest.WaitText(".wallet-card.member .wallet-number", "No. "+code),
		browsertest.Screenshot(t, "wxsim-card-wallet.png"),
	)
}

// TestBrowserCardPayCell: a card shows its 买单 button only once the shop
// opens the pay cell; Alice pays ¥18.00 through it and the page says so.
func TestBrowserCardPayCell(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a browser")
	}
	browsertest.Require(t)
	e := newTestEnv(t, envOptions{noPay: true})
	id, ticket := e.createCardQR(t)
	ctx := browsertest.Start(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	browsertest.Run(t, ctx, 90*time.Second,
		chromedp.Navigate(e.URL+"/"),
		chromedp.SendKeys(css("#follower-name"), "Alice"),
		chromedp.Click(css("#follow")),
		browsertest.WaitText(".bubble.from-bot", "welcome"),
		chromedp.Click(css("#wallet-toggle")),
		chromedp.SendKeys(css("#card-ticket"), ticket),
		chromedp.Click(css("#card-claim")),
		browsertest.WaitText(".wallet-card.member", "会员卡"),
		// The wallet is drawn: no 买单 button while the pay cell is closed.
		browsertest.WaitJS("no 买单 button", `document.querySelectorAll(".wallet-pay").length === 0`),
	)
	e.platform(t, "/card/paycell/set", `{"card_id":"`+id+`","is_open":true}`)
	browsertest.Run(t, ctx, 60*time.Second,
		browsertest.WaitJS("the amount prompt stubbed", `(window.prompt = function () { return "18.00"; }, true)`),
		browsertest.WaitJS("the 买单 button", `document.querySelectorAll(".wallet-card.member .wallet-pay").length === 1`),
		chromedp.Click(css(".wallet-card.member .wallet-pay")),
		browsertest.WaitText("#wallet-status", "已支付 paid ¥18.00"),
	)
}
