package sim_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/wxkit/mp/sim"
)

// The platform grants the merchant 200 free 券点 and the bot receives
// card_pay_order; a later 券点兑换库存 spends some of them.
func ExampleSim_CardPayOrder() {
	s := sim.New(sim.Options{})
	defer s.Close()
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			_, _ = io.WriteString(w, r.URL.Query().Get("echostr"))
			return
		}
		body, _ := io.ReadAll(r.Body)
		if strings.Contains(string(body), "card_pay_order") {
			fmt.Println("bot: card_pay_order received")
		}
		_, _ = io.WriteString(w, "success")
	}))
	defer bot.Close()
	s.SetCallbackURL(bot.URL)

	ctx := context.Background()
	res, err := s.CardPayOrder(ctx, sim.CoinOrder{Type: sim.CoinOrderSysAdd, FreeCoins: 200})
	fmt.Println(res.Status, res.FreeCoins, err)
	_, err = s.CardPayOrder(ctx, sim.CoinOrder{Type: sim.CoinOrderReduce, FreeCoins: 300})
	fmt.Println(err)
	// Output:
	// bot: card_pay_order received
	// ORDER_STATUS_FINANCE_SUCC 200 <nil>
	// sim: not enough 券点 (coins): balance 200 free, 0 paid
}
