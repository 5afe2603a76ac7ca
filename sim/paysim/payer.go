package paysim

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"strings"
	"time"
)

// Pay is the simulated payer (模拟用户支付): it pays the order named by ref —
// a prepay_id, a Native code_url or an out_trade_no of merchant mchid (mchid
// may be empty for the first two) — as the user openid, then delivers the
// TRANSACTION.SUCCESS notification to the order's notify_url in the
// background, retrying until it is acknowledged.
//
// For JSAPI orders openid may be empty (the order's payer pays) but must
// otherwise match payer.openid; for other orders an empty openid gets a
// generated one. The paid order gets a 28-digit transaction_id. Paying a
// closed order fails with ORDER_CLOSED, an unknown one with ORDER_NOT_EXIST.
func (p *Platform) Pay(ctx context.Context, mchid, ref, openid string) (Transaction, error) {
	if err := ctx.Err(); err != nil {
		return Transaction{}, err
	}
	if ref == "" {
		return Transaction{}, apiErr(http.StatusBadRequest, CodeParamError, "缺少prepay_id或out_trade_no")
	}
	p.mu.Lock()
	m, o := p.resolveOrder(mchid, ref)
	if o == nil {
		p.mu.Unlock()
		return Transaction{}, orderNotExist()
	}
	now := p.now()
	o.refresh(now)
	switch o.state {
	case TradeStateClosed, TradeStateRevoked:
		p.mu.Unlock()
		return Transaction{}, apiErr(http.StatusBadRequest, CodeOrderClosed, "订单已关闭")
	case TradeStateSuccess, TradeStateRefund:
		p.mu.Unlock()
		return Transaction{}, apiErr(http.StatusBadRequest, CodeInvalidRequest, "订单已支付")
	}
	if o.openid != "" && openid != "" && openid != o.openid {
		p.mu.Unlock()
		return Transaction{}, apiErr(http.StatusBadRequest, CodeInvalidRequest, "支付用户与下单时的payer.openid不一致")
	}
	send := p.markPaid(m, o, openid, now)
	view := o.view()
	p.mu.Unlock()

	p.log.Info("paysim order paid", "mchid", view.MchID, "out_trade_no", view.OutTradeNo, "transaction_id", view.TransactionID)
	if err := send(); err != nil {
		return view, err
	}
	return view, nil
}

// markPaid marks o paid by openid (generated when both it and the order's
// payer are empty) and returns the function that sends its payment
// notification, v2 or v3 as the order was created; call it after releasing
// p.mu. p.mu is held.
func (p *Platform) markPaid(m *merchantState, o *order, openid string, now time.Time) func() error {
	switch {
	case o.openid == "" && openid == "":
		o.openid = "o" + randString(alnum+"-_", 27)
	case o.openid == "":
		o.openid = openid
	}
	o.state = TradeStateSuccess
	o.transactionID = "42000" + randString(digits, 5) + now.In(cst).Format("20060102") + randString(digits, 10)
	o.successTime = now
	o.bankType = "OTHERS"
	m.byTxn[o.transactionID] = o
	if o.v2 {
		if o.notifyURL == "" { // 付款码支付 has no notify_url
			return func() error { return nil }
		}
		body, url := p.v2PaymentNotification(m, o), o.notifyURL
		return func() error { p.notifyV2(EventV2Payment, url, body); return nil }
	}
	if o.notifyURL == "" { // v3 付款码支付 has no notify_url either
		return func() error { return nil }
	}
	view := o.view()
	key, notifyURL, s := m.APIv3Key, o.notifyURL, p.notifySigner(o.pubKey)
	return func() error {
		return p.notify(key, notifyURL, EventTransactionSuccess, "支付成功", "transaction", view, s)
	}
}

// resolveOrder finds an order by prepay_id, code_url or out_trade_no. p.mu is held.
func (p *Platform) resolveOrder(mchid, ref string) (*merchantState, *order) {
	if r, ok := p.prepay[ref]; ok && (mchid == "" || mchid == r.mchid) {
		m := p.merchants[r.mchid]
		return m, m.orders[r.outTradeNo]
	}
	if m := p.merchants[mchid]; m != nil {
		return m, m.orders[ref]
	}
	return nil, nil
}

// simPay serves POST /sim/pay, the browser's and programs' way to pay:
// parameters prepay_id (or code_url, or mchid with out_trade_no) and openid,
// in the query or a form. It answers the paid transaction as JSON, or a small
// HTML page when the form of GET /sim/pay posted it.
func (p *Platform) simPay(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	ref := firstNonEmpty(r.Form.Get("prepay_id"), r.Form.Get("code_url"), r.Form.Get("out_trade_no"))
	t, err := p.Pay(r.Context(), r.Form.Get("mchid"), ref, r.Form.Get("openid"))
	if r.Form.Get("html") != "" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err != nil {
			w.WriteHeader(statusOf(err))
			fmt.Fprintf(w, "<!doctype html><title>支付失败</title><h1>支付失败</h1><p>%s</p>", html.EscapeString(err.Error()))
			return
		}
		fmt.Fprintf(w, "<!doctype html><title>支付成功</title><h1>支付成功</h1><p>商户订单号 %s<br>微信支付订单号 %s<br>金额 %s 元</p>",
			html.EscapeString(t.OutTradeNo), html.EscapeString(t.TransactionID), yuan(t.Amount.Total))
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if err != nil {
		w.WriteHeader(statusOf(err))
		if ae, ok := err.(*APIError); ok {
			_, _ = w.Write(ae.body())
			return
		}
		_, _ = w.Write(apiErr(0, CodeSystemError, "系统异常").body())
		return
	}
	_, _ = w.Write(marshal(t))
}

// checkoutPage serves GET /sim/pay?prepay_id=..., a minimal checkout (收银台)
// with a button that pays through POST /sim/pay.
func (p *Platform) checkoutPage(w http.ResponseWriter, r *http.Request) {
	ref := firstNonEmpty(r.URL.Query().Get("prepay_id"), r.URL.Query().Get("code_url"))
	p.mu.Lock()
	_, o := p.resolveOrder(r.URL.Query().Get("mchid"), firstNonEmpty(ref, r.URL.Query().Get("out_trade_no")))
	var desc, amount, openid, state string
	if o != nil {
		o.refresh(p.now())
		desc, amount, openid, state = o.description, yuan(o.total), o.openid, o.state
	}
	p.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if o == nil {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, "<!doctype html><title>订单不存在</title><h1>订单不存在</h1>")
		return
	}
	var b strings.Builder
	b.WriteString(`<!doctype html><meta charset="utf-8"><title>微信支付（模拟）</title><h1>微信支付（模拟）</h1>`)
	fmt.Fprintf(&b, "<p>%s</p><p>￥%s</p><p>状态 %s</p>", html.EscapeString(desc), amount, html.EscapeString(state))
	b.WriteString(`<form method="post" action="pay"><input type="hidden" name="html" value="1">`)
	for _, k := range []string{"prepay_id", "code_url", "mchid", "out_trade_no"} {
		if v := r.URL.Query().Get(k); v != "" {
			fmt.Fprintf(&b, `<input type="hidden" name="%s" value="%s">`, k, html.EscapeString(v))
		}
	}
	fmt.Fprintf(&b, `<label>openid <input name="openid" value="%s"></label> <button type="submit">确认支付</button></form>`, html.EscapeString(openid))
	_, _ = w.Write([]byte(b.String()))
}

func statusOf(err error) int {
	if ae, ok := err.(*APIError); ok && ae.Status != 0 {
		return ae.Status
	}
	return http.StatusInternalServerError
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// yuan formats fen as yuan with two decimals, e.g. 1 → "0.01".
func yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}
