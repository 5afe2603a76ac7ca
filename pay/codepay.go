package pay

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/wxkit/mp/internal/ctxtime"
)

// CodeUserPaying is the code of the 202 answer of 付款码支付 when the user
// must enter a password (需要用户输入支付密码): poll the order.
const CodeUserPaying = "USERPAYING"

// ErrCodepayNotPaid reports a code payment (付款码支付) that did not complete
// within CodepayAndWait's polls, or whose wait was cancelled, and that was
// therefore reversed (撤销).
var ErrCodepayNotPaid = errors.New("wechatpay: code payment not completed, order reversed")

// CodepayPayer carries the scanned payment code (付款码).
type CodepayPayer struct {
	// AuthCode is the 18-digit code starting with 10 to 15 read from the
	// user's 付款码 (授权码).
	AuthCode string `json:"auth_code"`
}

// CodepayStoreInfo is the store of a code payment (商户门店信息).
type CodepayStoreInfo struct {
	ID    string `json:"id,omitempty"`
	OutID string `json:"out_id,omitempty"`
}

// CodepaySceneInfo is the scene of a code payment (场景信息).
type CodepaySceneInfo struct {
	DeviceID  string            `json:"device_id,omitempty"`
	DeviceIP  string            `json:"device_ip,omitempty"`
	StoreInfo *CodepayStoreInfo `json:"store_info,omitempty"`
}

// CodepayGoodsDetail is one goods line of a code payment (单品列表).
type CodepayGoodsDetail struct {
	MerchantGoodsID string `json:"merchant_goods_id"`
	WxpayGoodsID    string `json:"wxpay_goods_id,omitempty"`
	GoodsName       string `json:"goods_name,omitempty"`
	Quantity        int64  `json:"quantity"`
	UnitPrice       int64  `json:"unit_price"`
}

// CodepayDetail is the optional discount detail of a code payment (优惠功能).
type CodepayDetail struct {
	CostPrice   int64                `json:"cost_price,omitempty"`
	InvoiceID   string               `json:"invoice_id,omitempty"`
	GoodsDetail []CodepayGoodsDetail `json:"goods_detail,omitempty"`
}

// CodepayRequest is the body of 付款码支付 (POST /v3/pay/transactions/codepay).
// MchID is filled from the client when empty.
type CodepayRequest struct {
	AppID         string           `json:"appid"`
	MchID         string           `json:"mchid"`
	Description   string           `json:"description"`
	OutTradeNo    string           `json:"out_trade_no"`
	Attach        string           `json:"attach,omitempty"`
	GoodsTag      string           `json:"goods_tag,omitempty"`
	SupportFapiao bool             `json:"support_fapiao,omitempty"`
	Payer         CodepayPayer     `json:"payer"`
	Amount        Amount           `json:"amount"`
	SceneInfo     CodepaySceneInfo `json:"scene_info"`
	Detail        *CodepayDetail   `json:"detail,omitempty"`
	SettleInfo    *SettleInfo      `json:"settle_info,omitempty"`
}

// ReverseResponse is the answer of 撤销订单.
type ReverseResponse struct {
	AppID      string `json:"appid,omitempty"`
	MchID      string `json:"mchid"`
	OutTradeNo string `json:"out_trade_no"`
}

// validAuthCode reports whether s is a WeChat payment code: 18 digits
// starting with 10 to 15.
func validAuthCode(s string) bool {
	if len(s) != 18 || s[0] != '1' || s[1] < '0' || s[1] > '5' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (c *Client) prepareCodepay(req *CodepayRequest) (*CodepayRequest, error) {
	if req == nil {
		return nil, &ArgumentError{Name: "req", Reason: "nil request"}
	}
	r := *req
	if r.MchID == "" {
		r.MchID = c.mchID
	}
	if err := checkLen("appid", r.AppID, true, 32); err != nil {
		return nil, err
	}
	if err := checkRunes("description", r.Description, true, 127); err != nil {
		return nil, err
	}
	if err := checkOutNo("out_trade_no", r.OutTradeNo, 32, "_-*"); err != nil {
		return nil, err
	}
	if len(r.OutTradeNo) < 6 {
		return nil, &ArgumentError{Name: "out_trade_no", Reason: "at least 6 characters"}
	}
	if err := checkRunes("attach", r.Attach, false, 128); err != nil {
		return nil, err
	}
	if err := checkLen("goods_tag", r.GoodsTag, false, 32); err != nil {
		return nil, err
	}
	if !validAuthCode(r.Payer.AuthCode) {
		return nil, &ArgumentError{Name: "payer.auth_code", Reason: "must be 18 digits starting with 10 to 15"}
	}
	if r.Amount.Total <= 0 {
		return nil, &ArgumentError{Name: "amount.total", Reason: "must be positive (fen)"}
	}
	if r.Amount.Currency != "" && r.Amount.Currency != "CNY" {
		return nil, &ArgumentError{Name: "amount.currency", Reason: "only CNY"}
	}
	if r.SceneInfo.StoreInfo == nil && r.SceneInfo.DeviceID == "" && r.SceneInfo.DeviceIP == "" {
		return nil, &ArgumentError{Name: "scene_info", Reason: "required (device_id, device_ip or store_info)"}
	}
	if err := checkLen("scene_info.device_id", r.SceneInfo.DeviceID, false, 32); err != nil {
		return nil, err
	}
	return &r, nil
}

// Codepay calls 付款码支付 (POST /v3/pay/transactions/codepay). The answer
// is the order: TradeState SUCCESS when paid at once, or USERPAYING when
// WeChat Pay answered 202 USERPAYING because the user must enter a password
// (then poll QueryOrderByOutTradeNo, or use CodepayAndWait). Other failures
// are *APIError, e.g. NOT_ENOUGH or AUTHCODE_EXPIRE; on a network error or a
// 5xx the outcome is unknown: query, then reverse.
func (c *Client) Codepay(ctx context.Context, req *CodepayRequest) (*Transaction, error) {
	r, err := c.prepareCodepay(req)
	if err != nil {
		return nil, err
	}
	var out Transaction
	resp, err := c.do(ctx, &apiRequest{method: http.MethodPost, path: "/v3/pay/transactions/codepay", body: r}, &out)
	var ae *APIError
	switch {
	case errors.As(err, &ae) && ae.Code == CodeUserPaying:
		// Also accept USERPAYING as an error status, whatever the HTTP code.
	case err != nil:
		return nil, err
	case resp.StatusCode != http.StatusAccepted && out.TradeState != "":
		return &out, nil
	}
	// 202 {"code":"USERPAYING","message":"..."}: the order exists, unpaid yet.
	return &Transaction{AppID: r.AppID, MchID: r.MchID, OutTradeNo: r.OutTradeNo,
		TradeType: TradeTypeMicroPay, TradeState: TradeStateUserPaying, TradeStateDesc: "需要用户输入支付密码"}, nil
}

// ReverseOrder calls 撤销订单 for a code payment
// (POST /v3/pay/transactions/out-trade-no/{out_trade_no}/reverse, body
// {"appid","mchid"}): an unpaid order is closed, a paid one is refunded to
// the user.
func (c *Client) ReverseOrder(ctx context.Context, appID, outTradeNo string) (*ReverseResponse, error) {
	if err := checkLen("appid", appID, true, 32); err != nil {
		return nil, err
	}
	if err := checkOutNo("out_trade_no", outTradeNo, 32, "_-*"); err != nil {
		return nil, err
	}
	var out ReverseResponse
	_, err := c.do(ctx, &apiRequest{method: http.MethodPost,
		path: "/v3/pay/transactions/out-trade-no/" + url.PathEscape(outTradeNo) + "/reverse",
		body: struct {
			AppID string `json:"appid"`
			MchID string `json:"mchid"`
		}{appID, c.mchID}}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// CodepayWait configures CodepayAndWait. The zero value polls every 5 s,
// 6 times (30 s), with a real, cancellable sleep.
type CodepayWait struct {
	Interval time.Duration // between two queries; 5 s when zero
	Polls    int           // queries before giving up; 6 when zero
	// Sleep waits d or until ctx ends (then returns ctx.Err()); tests
	// inject one that returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
}

// reverseTimeout bounds the reversal CodepayAndWait makes after ctx ended.
const reverseTimeout = 15 * time.Second

// CodepayAndWait runs a counter payment to its end (付款码支付 + 查询订单 +
// 撤销订单): it calls Codepay; when the user must enter a password
// (USERPAYING) or the outcome is unknown (network error, 5xx), it polls
// QueryOrderByOutTradeNo every w.Interval up to w.Polls times; when the
// order is still unpaid after that, failed (PAYERROR), or ctx ends, it
// reverses the order and returns an error wrapping ErrCodepayNotPaid (and
// ctx.Err() when cancelled). The reversal runs even after ctx ended, on a
// context without its cancellation, bounded to 15 s. A definite refusal
// (e.g. 403 NOT_ENOUGH) is returned as the *APIError, with nothing to
// reverse. w may be nil.
func (c *Client) CodepayAndWait(ctx context.Context, req *CodepayRequest, w *CodepayWait) (*Transaction, error) {
	var cfg CodepayWait
	if w != nil {
		cfg = *w
	}
	if cfg.Interval <= 0 {
		cfg.Interval = 5 * time.Second
	}
	if cfg.Polls <= 0 {
		cfg.Polls = 6
	}
	if cfg.Sleep == nil {
		cfg.Sleep = ctxtime.Sleep
	}
	r, err := c.prepareCodepay(req)
	if err != nil {
		return nil, err
	}
	tx, err := c.Codepay(ctx, r)
	switch {
	case err == nil && tx.TradeState == TradeStateSuccess:
		return tx, nil
	case err == nil:
	case !uncertain(err):
		return nil, err
	}
	firstErr := err
	for i := 0; i < cfg.Polls; i++ {
		if err := cfg.Sleep(ctx, cfg.Interval); err != nil {
			return nil, c.reverseAfter(ctx, r, err)
		}
		q, err := c.QueryOrderByOutTradeNo(ctx, r.OutTradeNo)
		if err != nil {
			var ae *APIError
			if errors.As(err, &ae) && ae.Code == "ORDER_NOT_EXIST" && firstErr != nil {
				return nil, firstErr // the order was never created
			}
			if ctx.Err() != nil {
				return nil, c.reverseAfter(ctx, r, ctx.Err())
			}
			continue // unknown: ask again
		}
		switch q.TradeState {
		case TradeStateSuccess:
			return q, nil
		case TradeStateUserPaying, TradeStateNotPay:
			continue
		case TradeStateRevoked, TradeStateClosed:
			return nil, fmt.Errorf("%w: order already %s", ErrCodepayNotPaid, q.TradeState)
		default: // PAYERROR
			return nil, c.reverseAfter(ctx, r, fmt.Errorf("trade_state %s", q.TradeState))
		}
	}
	return nil, c.reverseAfter(ctx, r, fmt.Errorf("still unpaid after %d queries", cfg.Polls))
}

// uncertain reports an error after which the payment may have happened.
func uncertain(err error) bool {
	var ae *APIError
	if !errors.As(err, &ae) {
		var arg *ArgumentError
		return !errors.As(err, &arg) // network failure, bad signature: unknown
	}
	return ae.StatusCode >= 500 || ae.Code == "SYSTEM_ERROR" || ae.Code == "BANK_ERROR"
}

// reverseAfter reverses the order and returns why it was not paid.
func (c *Client) reverseAfter(ctx context.Context, r *CodepayRequest, cause error) error {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), reverseTimeout)
	defer cancel()
	if _, err := c.ReverseOrder(rctx, r.AppID, r.OutTradeNo); err != nil {
		return fmt.Errorf("wechatpay: code payment %s not completed (%w) and reversal failed: %w", r.OutTradeNo, cause, err)
	}
	return fmt.Errorf("%w: %w", ErrCodepayNotPaid, cause)
}
