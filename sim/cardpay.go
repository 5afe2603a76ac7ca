package sim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// 卡券 payments: 买单 through a card's pay cell (user_pay_from_pay_cell,
// 买单事件推送) and the merchant's 券点 account (card_pay_order, 券点流水详情事件).

// Errors of card payments.
var (
	// ErrPayCellClosed: the card's 买单 cell is not open (/card/paycell/set
	// with is_open true was never called, or it was closed), so the card
	// shows no 买单 button.
	ErrPayCellClosed = errors.New("sim: the card's pay cell (买单) is not open (open it with /card/paycell/set)")
	// ErrNotEnoughCoins: a 券点 deduction larger than the balance.
	ErrNotEnoughCoins = errors.New("sim: not enough 券点 (coins)")
)

// PayFromPayCell pays fee (fen) for a purchase whose price before the
// card's discount was originalFee, through the 买单 cell of the card code
// in the follower's wallet, and pushes user_pay_from_pay_cell (CardId,
// UserCardCode, TransId, LocationId, Fee, OriginalFee). The card must be
// in the wallet and usable (NORMAL, not expired, card not deleted), and
// its pay cell open (/card/paycell/set), else ErrUnknownCardCode,
// ErrInvalidFollowerOp or ErrPayCellClosed and nothing is pushed. The
// payment counts in the card's 会员卡详情 statistics
// (datacube/getcardmembercarddetail fee and payOriginalFee). LocationId is
// the card's first location_id_list entry, else 0. It returns the WeChat
// Pay transaction id with the developer's reply, if any.
func (f *Follower) PayFromPayCell(ctx context.Context, code string, fee, originalFee int) (string, *Reply, error) {
	if fee <= 0 || originalFee < fee {
		return "", nil, fmt.Errorf("%w: want 0 < fee <= original fee, got fee %d, original fee %d", ErrInvalidFollowerOp, fee, originalFee)
	}
	s := f.s
	var transID string
	reply, err := f.cardAction(ctx, code, func(u *userState, sc *simCode, now time.Time) ([]byte, error) {
		card := s.cardsLocked().cards[sc.cardID]
		if ok, _ := s.consumableLocked(card, sc, now); !ok {
			return nil, fmt.Errorf("%w: the card is %s", ErrInvalidFollowerOp, cardCodeState(card, sc))
		}
		if !card.payCell {
			return nil, ErrPayCellClosed
		}
		transID = fmt.Sprintf("4200%s%018d", now.In(cstZone).Format("20060102"), s.nextSeq())
		s.countLocked(sc.cardID, func(n *cardCounters) { n.fee += fee; n.originalFee += originalFee })
		x := s.codeEvent(u.openid, "user_pay_from_pay_cell", sc, now)
		x.cdata("TransId", transID)
		x.num("LocationId", itoa(firstLocation(card)))
		x.cdata("Fee", itoa(int64(fee)))
		x.cdata("OriginalFee", itoa(int64(originalFee)))
		return x.done(), nil
	})
	if err != nil && transID == "" {
		return "", nil, err
	}
	return transID, reply, err
}

var cstZone = time.FixedZone("CST", 8*3600)

// cardCodeState names why a code cannot be used.
func cardCodeState(card *simCard, sc *simCode) string {
	if card.status == "CARD_STATUS_DELETE" {
		return "deleted"
	}
	if sc.status == "NORMAL" {
		return "expired or not yet valid"
	}
	return sc.status
}

// firstLocation is the first of the card's location_id_list, else 0.
func firstLocation(card *simCard) int64 {
	var ids []int64
	if json.Unmarshal(card.base["location_id_list"], &ids) != nil || len(ids) == 0 {
		return 0
	}
	return ids[0]
}

// The 券点 order types (OrderType of card_pay_order).
const (
	CoinOrderSysAdd    = "ORDER_TYPE_SYS_ADD"    // 平台赠送券点
	CoinOrderWxPay     = "ORDER_TYPE_WXPAY"      // 充值券点
	CoinOrderRefund    = "ORDER_TYPE_REFUND"     // 库存未使用回退券点
	CoinOrderReduce    = "ORDER_TYPE_REDUCE"     // 券点兑换库存
	CoinOrderSysReduce = "ORDER_TYPE_SYS_REDUCE" // 平台扣减
)

// CoinOrder is a change of the merchant's 券点 (card coins) balance:
// Sim.CardPayOrder.
type CoinOrder struct {
	// Type is one of the CoinOrder* order types; the REDUCE types take
	// coins away, the others add them.
	Type string
	// FreeCoins and PayCoins are how many free (赠送) and paid (付费) coins
	// change, both >= 0.
	FreeCoins, PayCoins int
	// Memo is the system's note (e.g. 开通账户奖励); empty takes a default
	// per type.
	Memo string
}

// CoinOrderResult is what card_pay_order reported.
type CoinOrderResult struct {
	OrderID   string
	Status    string // ORDER_STATUS_FINANCE_SUCC, or ORDER_STATUS_QUANTITY_SUCC for ORDER_TYPE_REDUCE
	FreeCoins int    // balance after the order (FreeCoinCount)
	PayCoins  int    // balance after the order (PayCoinCount)
}

// coinState is the merchant's 券点 account.
type coinState struct{ free, pay int }

var coinMemos = map[string]string{CoinOrderSysAdd: "开通账户奖励", CoinOrderWxPay: "充值", CoinOrderRefund: "库存未使用回退券点",
	CoinOrderReduce: "券点兑换库存", CoinOrderSysReduce: "平台扣减"}

// CardPayOrder changes the merchant's 券点 balance as order o describes and
// pushes card_pay_order (券点流水详情事件) from the platform (FromUserName
// is the account's original id, like the other platform pushes): OrderId,
// Status, CreateOrderTime, PayFinishTime (set for ORDER_TYPE_WXPAY, else
// 0), Desc (微信支付充值 for ORDER_TYPE_WXPAY), FreeCoinCount and
// PayCoinCount (the balances after the order), RefundFreeCoinCount and
// RefundPayCoinCount (the coins this order moved), OrderType, Memo and an
// empty ReceiptInfo. A deduction larger than the balance is
// ErrNotEnoughCoins; a bad type or count ErrInvalidFollowerOp. The
// simulator serves no 券点 endpoint (/card/pay/*): the SDK calls none.
// The push is synchronous; without a callback URL the balance still
// changes and ErrNoCallbackURL is returned with the result.
func (s *Sim) CardPayOrder(ctx context.Context, o CoinOrder) (CoinOrderResult, error) {
	memo, known := coinMemos[o.Type]
	if !known {
		return CoinOrderResult{}, fmt.Errorf("%w: unknown 券点 order type %q", ErrInvalidFollowerOp, o.Type)
	}
	if o.FreeCoins < 0 || o.PayCoins < 0 || o.FreeCoins+o.PayCoins == 0 {
		return CoinOrderResult{}, fmt.Errorf("%w: want coin counts >= 0 and not both 0", ErrInvalidFollowerOp)
	}
	if o.Memo != "" {
		memo = o.Memo
	}
	now := s.now()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return CoinOrderResult{}, ErrClosed
	}
	st := s.cardsLocked()
	reduce := o.Type == CoinOrderReduce || o.Type == CoinOrderSysReduce
	if reduce && (o.FreeCoins > st.coins.free || o.PayCoins > st.coins.pay) {
		s.mu.Unlock()
		return CoinOrderResult{}, fmt.Errorf("%w: balance %d free, %d paid", ErrNotEnoughCoins, st.coins.free, st.coins.pay)
	}
	if reduce {
		st.coins.free -= o.FreeCoins
		st.coins.pay -= o.PayCoins
	} else {
		st.coins.free += o.FreeCoins
		st.coins.pay += o.PayCoins
	}
	res := CoinOrderResult{OrderID: itoa(404000000 + s.nextSeq()), Status: "ORDER_STATUS_FINANCE_SUCC",
		FreeCoins: st.coins.free, PayCoins: st.coins.pay}
	if o.Type == CoinOrderReduce {
		res.Status = "ORDER_STATUS_QUANTITY_SUCC"
	}
	payFinish, desc := int64(0), ""
	if o.Type == CoinOrderWxPay {
		payFinish, desc = now.Unix(), "微信支付充值"
	}
	x := s.header(s.acct.OriginalID, "event", now)
	x.cdata("Event", "card_pay_order")
	x.cdata("OrderId", res.OrderID)
	x.cdata("Status", res.Status)
	x.num("CreateOrderTime", itoa(now.Unix()))
	x.num("PayFinishTime", itoa(payFinish))
	x.cdata("Desc", desc)
	x.cdata("FreeCoinCount", itoa(int64(res.FreeCoins)))
	x.cdata("PayCoinCount", itoa(int64(res.PayCoins)))
	x.cdata("RefundFreeCoinCount", itoa(int64(o.FreeCoins)))
	x.cdata("RefundPayCoinCount", itoa(int64(o.PayCoins)))
	x.cdata("OrderType", o.Type)
	x.cdata("Memo", memo)
	x.cdata("ReceiptInfo", "")
	xml := x.done()
	s.mu.Unlock()
	_, err := s.push(ctx, s.acct.OriginalID, xml, false)
	return res, err
}

// CardCoins returns the merchant's 券点 balance: free (赠送) and paid coins.
func (s *Sim) CardCoins() (free, pay int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cardsLocked().coins
	return c.free, c.pay
}
