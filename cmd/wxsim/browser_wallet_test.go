package main

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/webdriver"
)

// TestBrowserCardWallet: in the chat page, Alice follows, opens her card
// wallet (卡包), claims the shop's member card from its QR code, activates
// it through the form, pays ¥18.00 and sees 18 points on the card. The
// screenshot is kept as wxsim-card-wallet.png under $ARTIFACTS_DIR.
func TestBrowserCardWallet(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a browser")
	}
	e := newTestEnv(t, envOptions{})
	id, ticket := e.createCardQR(t)
	sess := webdriver.Start(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			src, _ := sess.PageSource()
			t.Fatalf("%v\npage source: %s", err, src)
		}
	}
	click := func(css string) {
		t.Helper()
		el, err := sess.WaitFor(css, 15*time.Second)
		must(err)
		must(el.Click())
	}
	must(sess.Navigate(e.URL + "/"))
	name, err := sess.WaitFor("#follower-name", 15*time.Second)
	must(err)
	must(name.SendKeys("Alice"))
	click("#follow")
	_, err = sess.WaitForText(".bubble.from-bot", "welcome", 20*time.Second)
	must(err)

	click("#wallet-toggle")
	input, err := sess.WaitFor("#card-ticket", 15*time.Second)
	must(err)
	must(input.SendKeys(ticket))
	click("#card-claim")
	_, err = sess.WaitForText(".wallet-card.member", "会员卡", 20*time.Second)
	must(err)
	_, err = sess.ExecuteScript(`window.prompt = function () { return "13800000000"; };`)
	must(err)
	click(".wallet-card.member .wallet-activate")
	_, err = sess.WaitForText(".wallet-card.member .wallet-points", "积分 0", 20*time.Second)
	must(err)

	alice := e.sim.Users()[0]
	code := alice.Wallet()[0].Code
	notify := e.pointsOnPayment(t, id, code, 1800)
	prepay := e.payOrder(t, "LATTE-18", alice.OpenID(), notify.URL+"/notify", 1800)
	var tx map[string]any
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/pay", map[string]string{"prepay_id": prepay}, &tx))
	_, err = sess.WaitForText(".wallet-card.member .wallet-points", "积分 18", 20*time.Second)
	must(err)
	_, err = sess.WaitForText(".wallet-card.member .wallet-number", "No. "+code, 15*time.Second)
	must(err)

	art := os.Getenv("ARTIFACTS_DIR")
	if art == "" {
		art = filepath.Join("..", "..", "artifacts")
	}
	must(os.MkdirAll(art, 0o755))
	shot := filepath.Join(art, "wxsim-card-wallet.png")
	must(sess.Screenshot(shot))
	t.Logf("screenshot: %s", shot)
}
