package sim

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPayFromPayCell(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := newSim(t, Options{Clock: clock.Now})
	dev := newDevServer(t, s, func(p pushed) string {
		if p.Msg["Event"] == "user_pay_from_pay_cell" {
			return textReply(p, "谢谢惠顾")
		}
		return ""
	})
	tok := token(t, s)
	body := couponBody("满20减5", 10)
	body["card"].(map[string]any)["cash"].(map[string]any)["base_info"].(map[string]any)["location_id_list"] = []int{291710000, 291710001}
	id := api(t, s, tok, "POST", "/card/create", body)["card_id"].(string)
	s.WaitIdle()
	alice, bob := s.NewUser("Alice"), s.NewUser("Bob")
	code, _, err := alice.ClaimCard(ctx(t), id, "")
	require.NoError(t, err)

	// The pay cell is closed until /card/paycell/set opens it.
	_, _, err = alice.PayFromPayCell(ctx(t), code, 1500, 2000)
	require.ErrorIs(t, err, ErrPayCellClosed)
	assert.False(t, alice.Wallet()[0].PayCell)
	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/card/paycell/set", map[string]any{"card_id": id, "is_open": true})))
	assert.True(t, alice.Wallet()[0].PayCell, "the wallet shows the 买单 button")

	// Not Bob's card; no such code; bad amounts.
	_, _, err = bob.PayFromPayCell(ctx(t), code, 1500, 2000)
	require.ErrorIs(t, err, ErrUnknownCardCode)
	_, _, err = alice.PayFromPayCell(ctx(t), "nope", 1500, 2000)
	require.ErrorIs(t, err, ErrUnknownCardCode)
	for _, fees := range [][2]int{{0, 100}, {-1, 100}, {200, 100}} {
		_, _, err = alice.PayFromPayCell(ctx(t), code, fees[0], fees[1])
		require.ErrorIs(t, err, ErrInvalidFollowerOp, fees)
	}

	trans, reply, err := alice.PayFromPayCell(ctx(t), code, 1500, 2000)
	require.NoError(t, err)
	require.NotNil(t, reply)
	assert.Equal(t, "谢谢惠顾", reply.Content)
	assert.Len(t, trans, 30)
	p := dev.waitPush(func(p pushed) bool { return p.Msg["Event"] == "user_pay_from_pay_cell" })
	assert.Equal(t, alice.OpenID(), p.Msg["FromUserName"])
	assert.Equal(t, s.Account().OriginalID, p.Msg["ToUserName"])
	assert.Equal(t, "event", p.Msg["MsgType"])
	assert.Equal(t, id, p.Msg["CardId"])
	assert.Equal(t, code, p.Msg["UserCardCode"])
	assert.Equal(t, trans, p.Msg["TransId"])
	assert.Equal(t, "291710000", p.Msg["LocationId"])
	assert.Equal(t, "1500", p.Msg["Fee"])
	assert.Equal(t, "2000", p.Msg["OriginalFee"])
	assert.Contains(t, string(p.Plain), "<LocationId>291710000</LocationId>")
	assert.Contains(t, string(p.Plain), "<Fee><![CDATA[1500]]></Fee>")
	trans2, _, err := alice.PayFromPayCell(ctx(t), code, 100, 100)
	require.NoError(t, err)
	assert.NotEqual(t, trans, trans2, "every payment is its own transaction")

	// The payments count in the card's detail statistics.
	day := clock.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
	clock.Advance(24 * time.Hour)
	tok = token(t, s)
	out := api(t, s, tok, "POST", "/datacube/getcardmembercarddetail", map[string]any{"begin_date": day, "end_date": day, "card_id": id})
	require.Equal(t, 0, errcode(out), out)
	row := out["list"].([]any)[0].(map[string]any)
	assert.Equal(t, float64(1600), row["fee"])
	assert.Equal(t, float64(2100), row["payOriginalFee"])

	// A consumed card pays no more; a closed cell neither.
	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/card/code/consume", map[string]any{"card_id": id, "code": code})))
	_, _, err = alice.PayFromPayCell(ctx(t), code, 100, 100)
	require.ErrorIs(t, err, ErrInvalidFollowerOp)
	code2, _, err := alice.ClaimCard(ctx(t), id, "")
	require.NoError(t, err)
	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/card/paycell/set", map[string]any{"card_id": id, "is_open": false})))
	_, _, err = alice.PayFromPayCell(ctx(t), code2, 100, 100)
	require.ErrorIs(t, err, ErrPayCellClosed)
}

func TestPayFromPayCellNoCallback(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	tok := token(t, s)
	id := api(t, s, tok, "POST", "/card/create", couponBody("满20减5", 10))["card_id"].(string)
	s.WaitIdle()
	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/card/paycell/set", map[string]any{"card_id": id, "is_open": true})))
	u := s.NewUser("Carol")
	code, _, err := u.ClaimCard(ctx(t), id, "")
	require.ErrorIs(t, err, ErrNoCallbackURL)
	trans, _, err := u.PayFromPayCell(ctx(t), code, 100, 100)
	require.ErrorIs(t, err, ErrNoCallbackURL)
	assert.NotEmpty(t, trans, "the payment happened; only the push had nowhere to go")
}

func TestCardPayOrder(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	dev := newDevServer(t, s, nil)

	res, err := s.CardPayOrder(ctx(t), CoinOrder{Type: CoinOrderSysAdd, FreeCoins: 200})
	require.NoError(t, err)
	assert.Equal(t, CoinOrderResult{OrderID: res.OrderID, Status: "ORDER_STATUS_FINANCE_SUCC", FreeCoins: 200}, res)
	p := dev.waitPush(func(p pushed) bool { return p.Msg["Event"] == "card_pay_order" })
	assert.Equal(t, s.Account().OriginalID, p.Msg["FromUserName"])
	assert.Equal(t, res.OrderID, p.Msg["OrderId"])
	assert.Equal(t, "ORDER_STATUS_FINANCE_SUCC", p.Msg["Status"])
	assert.Equal(t, "ORDER_TYPE_SYS_ADD", p.Msg["OrderType"])
	assert.Equal(t, "200", p.Msg["FreeCoinCount"])
	assert.Equal(t, "0", p.Msg["PayCoinCount"])
	assert.Equal(t, "200", p.Msg["RefundFreeCoinCount"])
	assert.Equal(t, "0", p.Msg["RefundPayCoinCount"])
	assert.Equal(t, "开通账户奖励", p.Msg["Memo"])
	assert.Equal(t, "0", p.Msg["PayFinishTime"])
	assert.Equal(t, p.Msg["CreateTime"], p.Msg["CreateOrderTime"])
	for _, k := range []string{"Desc", "ReceiptInfo"} {
		v, ok := p.Msg[k]
		assert.True(t, ok, k)
		assert.Empty(t, v, k)
	}

	res, err = s.CardPayOrder(ctx(t), CoinOrder{Type: CoinOrderWxPay, PayCoins: 1000, Memo: "充值1000券点"})
	require.NoError(t, err)
	assert.Equal(t, 1000, res.PayCoins)
	p = dev.waitPush(func(p pushed) bool { return p.Msg["OrderId"] == res.OrderID })
	assert.Equal(t, "微信支付充值", p.Msg["Desc"])
	assert.Equal(t, "充值1000券点", p.Msg["Memo"])
	finish, _ := strconv.ParseInt(p.Msg["PayFinishTime"], 10, 64)
	assert.Positive(t, finish)

	res, err = s.CardPayOrder(ctx(t), CoinOrder{Type: CoinOrderReduce, FreeCoins: 50, PayCoins: 100})
	require.NoError(t, err)
	assert.Equal(t, "ORDER_STATUS_QUANTITY_SUCC", res.Status)
	p = dev.waitPush(func(p pushed) bool { return p.Msg["OrderId"] == res.OrderID })
	assert.Equal(t, "150", p.Msg["FreeCoinCount"])
	assert.Equal(t, "900", p.Msg["PayCoinCount"])
	assert.Equal(t, "50", p.Msg["RefundFreeCoinCount"])
	assert.Equal(t, "100", p.Msg["RefundPayCoinCount"])
	free, pay := s.CardCoins()
	assert.Equal(t, [2]int{150, 900}, [2]int{free, pay})

	n := len(dev.pushes())
	_, err = s.CardPayOrder(ctx(t), CoinOrder{Type: CoinOrderSysReduce, FreeCoins: 151})
	require.ErrorIs(t, err, ErrNotEnoughCoins)
	_, err = s.CardPayOrder(ctx(t), CoinOrder{Type: "ORDER_TYPE_GIFT", FreeCoins: 1})
	require.ErrorIs(t, err, ErrInvalidFollowerOp)
	_, err = s.CardPayOrder(ctx(t), CoinOrder{Type: CoinOrderSysAdd})
	require.ErrorIs(t, err, ErrInvalidFollowerOp)
	_, err = s.CardPayOrder(ctx(t), CoinOrder{Type: CoinOrderSysAdd, FreeCoins: -1, PayCoins: 2})
	require.ErrorIs(t, err, ErrInvalidFollowerOp)
	assert.Len(t, dev.pushes(), n, "a refused order pushes nothing")
	free, pay = s.CardCoins()
	assert.Equal(t, [2]int{150, 900}, [2]int{free, pay})
}
