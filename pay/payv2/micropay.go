package payv2

import (
	"context"
	"errors"
	"strconv"
	"strings"
)

// MicropayRequest is the input of 付款码支付 (POST /pay/micropay): the merchant
// scans the user's payment code (auth_code).
type MicropayRequest struct {
	DeviceInfo     string `xml:"device_info"`
	Body           string `xml:"body"` // 商品描述 (required)
	Detail         string `xml:"detail"`
	Attach         string `xml:"attach"`
	OutTradeNo     string `xml:"out_trade_no"` // 商户订单号 (required, ≤32)
	TotalFee       int64  `xml:"total_fee"`    // 订单金额, 单位为分 (required)
	FeeType        string `xml:"fee_type"`
	SpbillCreateIP string `xml:"spbill_create_ip"` // 终端IP (required)
	GoodsTag       string `xml:"goods_tag"`
	LimitPay       string `xml:"limit_pay"`
	TimeStart      string `xml:"time_start"`
	TimeExpire     string `xml:"time_expire"`
	Receipt        string `xml:"receipt"`
	AuthCode       string `xml:"auth_code"` // 付款码 (required, digits)
	ProfitSharing  string `xml:"profit_sharing"`
	SceneInfo      string `xml:"scene_info"`

	Extra map[string]string `xml:"-"`
}

// MicropayResponse is the result of a 付款码支付 that completed at once.
type MicropayResponse struct {
	Common
	DeviceInfo         string `xml:"device_info"`
	OpenID             string `xml:"openid"`
	IsSubscribe        string `xml:"is_subscribe"`
	TradeType          string `xml:"trade_type"` // MICROPAY
	BankType           string `xml:"bank_type"`
	FeeType            string `xml:"fee_type"`
	TotalFee           int64  `xml:"total_fee"`
	SettlementTotalFee int64  `xml:"settlement_total_fee"`
	CouponFee          int64  `xml:"coupon_fee"`
	CashFeeType        string `xml:"cash_fee_type"`
	CashFee            int64  `xml:"cash_fee"`
	TransactionID      string `xml:"transaction_id"`
	OutTradeNo         string `xml:"out_trade_no"`
	Attach             string `xml:"attach"`
	TimeEnd            string `xml:"time_end"`
	PromotionDetail    string `xml:"promotion_detail"` // JSON
}

// Micropay calls 付款码支付 (POST /pay/micropay) once. When the user must
// still confirm (err_code USERPAYING) or the result is unknown (SYSTEMERROR,
// BANKERROR) it returns *Error; MicropayAndWait handles those cases.
func (c *Client) Micropay(ctx context.Context, req *MicropayRequest) (*MicropayResponse, error) {
	const api = "micropay"
	if err := req.validate(); err != nil {
		return nil, err
	}
	params, err := toParams(api, req, req.Extra)
	if err != nil {
		return nil, err
	}
	m, err := c.call(ctx, api, "/pay/micropay", false, params)
	if err != nil {
		return nil, err
	}
	out := new(MicropayResponse)
	if err := decodeResponse(m, out); err != nil {
		return nil, err
	}
	return out, nil
}

func (r *MicropayRequest) validate() error {
	const api = "micropay"
	switch {
	case r == nil:
		return &ParamError{API: api, Field: "request", Reason: "nil"}
	case r.Body == "":
		return &ParamError{API: api, Field: "body", Reason: "required"}
	case r.OutTradeNo == "" || len(r.OutTradeNo) > 32:
		return &ParamError{API: api, Field: "out_trade_no", Reason: "required, at most 32 characters"}
	case r.TotalFee <= 0:
		return &ParamError{API: api, Field: "total_fee", Reason: "must be positive"}
	case r.SpbillCreateIP == "":
		return &ParamError{API: api, Field: "spbill_create_ip", Reason: "required"}
	case r.AuthCode == "" || !isDigits(r.AuthCode, len(r.AuthCode)):
		return &ParamError{API: api, Field: "auth_code", Reason: "required, digits only"}
	}
	return nil
}

// ReverseRequest identifies the order for 撤销订单. Give TransactionID or OutTradeNo.
type ReverseRequest struct {
	TransactionID string            `xml:"transaction_id"`
	OutTradeNo    string            `xml:"out_trade_no"`
	Extra         map[string]string `xml:"-"`
}

// ReverseResponse is the result of 撤销订单.
type ReverseResponse struct {
	Common
	// Recall is "Y" when the reverse must be called again, "N" when done.
	Recall string `xml:"recall"`
}

// Reverse calls 撤销订单 (POST /secapi/pay/reverse, mutual TLS): an unpaid
// order is closed, a paid one refunded. Only orders younger than 7 days can
// be reversed.
func (c *Client) Reverse(ctx context.Context, req *ReverseRequest) (*ReverseResponse, error) {
	const api = "reverse"
	if req == nil || (req.TransactionID == "" && req.OutTradeNo == "") {
		return nil, &ParamError{API: api, Field: "transaction_id/out_trade_no", Reason: "one is required"}
	}
	params, err := toParams(api, req, req.Extra)
	if err != nil {
		return nil, err
	}
	m, err := c.call(ctx, api, "/secapi/pay/reverse", true, params)
	if err != nil {
		return nil, err
	}
	out := new(ReverseResponse)
	if err := decodeResponse(m, out); err != nil {
		return nil, err
	}
	return out, nil
}

// MicropayResult describes a 付款码支付 that ended paid.
type MicropayResult struct {
	TransactionID string
	OutTradeNo    string
	OpenID        string
	TradeType     string
	BankType      string
	FeeType       string
	TotalFee      int64
	CashFee       int64
	Attach        string
	TimeEnd       string

	Polls    int                 // how many 查询订单 calls were needed (0: paid at once)
	Micropay *MicropayResponse   // set when the micropay call itself succeeded
	Order    *OrderQueryResponse // set when payment was confirmed by polling
}

// MicropayError reports a 付款码支付 that did not end paid. It matches
// ErrPaymentNotCompleted and unwraps to Cause and ReverseErr.
type MicropayError struct {
	OutTradeNo string
	TradeState string // last trade_state seen by 查询订单 ("" if none)
	Polls      int    // 查询订单 calls made
	// Reversed is true when 撤销订单 succeeded (recall=N): the user is not
	// charged, or is refunded.
	Reversed   bool
	ReverseErr error // why 撤销订单 failed, if it was tried and failed
	Cause      error // the undecided micropay error, last query error, or ctx error
}

func (e *MicropayError) Error() string {
	var b strings.Builder
	b.WriteString("payv2: micropay ")
	b.WriteString(strconv.Quote(e.OutTradeNo))
	b.WriteString(" not completed")
	if e.TradeState != "" {
		b.WriteString(", trade_state=" + e.TradeState)
	}
	b.WriteString(", polls=" + strconv.Itoa(e.Polls))
	switch {
	case e.Reversed:
		b.WriteString(", order reversed")
	case e.ReverseErr != nil:
		b.WriteString(", reverse failed: " + e.ReverseErr.Error())
	default:
		b.WriteString(", not reversed")
	}
	if e.Cause != nil {
		b.WriteString(": " + e.Cause.Error())
	}
	return b.String()
}

// Unwrap exposes ErrPaymentNotCompleted, Cause and ReverseErr to errors.Is/As.
func (e *MicropayError) Unwrap() []error {
	errs := []error{ErrPaymentNotCompleted}
	if e.Cause != nil {
		errs = append(errs, e.Cause)
	}
	if e.ReverseErr != nil {
		errs = append(errs, e.ReverseErr)
	}
	return errs
}

// maxReverseAttempts bounds 撤销订单 retries on recall=Y or unknown errors.
const maxReverseAttempts = 3

// MicropayAndWait performs 付款码支付 following the official flow:
//
//   - paid at once: the result is returned;
//   - err_code USERPAYING (user entering password), SYSTEMERROR, BANKERROR,
//     or a transport / unreadable response: the outcome is unknown, so
//     查询订单 is polled every interval (WithMicropayPolling, default 5s) for
//     at most the budget (default 30s), each wait ending early if ctx ends;
//   - trade_state SUCCESS: the result is returned with Polls set;
//   - still unpaid when the budget runs out, or PAYERROR: 撤销订单
//     (/secapi/pay/reverse, needs the merchant certificate) is called,
//     repeated while it answers recall=Y, and a *MicropayError with
//     Reversed=true (or ReverseErr) is returned;
//   - any other definite failure (e.g. AUTH_CODE_INVALID, NOTENOUGH) is
//     returned as the *Error itself; CLOSED/REVOKED orders as *MicropayError
//     without reversing.
//
// If ctx ends while waiting, a *MicropayError wrapping ctx.Err() with
// Reversed=false is returned: the order state is then unknown and the
// caller should query or Reverse it with a fresh context.
func (c *Client) MicropayAndWait(ctx context.Context, req *MicropayRequest) (*MicropayResult, error) {
	resp, err := c.Micropay(ctx, req)
	if err == nil {
		return &MicropayResult{
			TransactionID: resp.TransactionID, OutTradeNo: resp.OutTradeNo, OpenID: resp.OpenID,
			TradeType: resp.TradeType, BankType: resp.BankType, FeeType: resp.FeeType,
			TotalFee: resp.TotalFee, CashFee: resp.CashFee, Attach: resp.Attach, TimeEnd: resp.TimeEnd,
			Micropay: resp,
		}, nil
	}
	if !micropayUndecided(err) {
		return nil, err
	}
	merr := &MicropayError{OutTradeNo: req.OutTradeNo, Cause: err}
	if ctx.Err() != nil {
		merr.Cause = errors.Join(err, ctx.Err())
		return nil, merr
	}

	deadline := c.now().Add(c.pollBudget)
poll:
	for {
		now := c.now()
		if !now.Before(deadline) {
			break
		}
		if err := c.sleep(ctx, min(c.pollInterval, deadline.Sub(now))); err != nil {
			merr.Cause = err
			return nil, merr
		}
		q, qerr := c.OrderQuery(ctx, &OrderQueryRequest{OutTradeNo: req.OutTradeNo, Extra: subMerchant(req.Extra)})
		merr.Polls++
		if qerr != nil {
			if ctx.Err() != nil {
				merr.Cause = ctx.Err()
				return nil, merr
			}
			merr.Cause = qerr // e.g. SYSTEMERROR or ORDERNOTEXIST while WeChat catches up
			continue
		}
		merr.TradeState = q.TradeState
		switch q.TradeState {
		case TradeStateSuccess:
			return &MicropayResult{
				TransactionID: q.TransactionID, OutTradeNo: q.OutTradeNo, OpenID: q.OpenID,
				TradeType: q.TradeType, BankType: q.BankType, FeeType: q.FeeType,
				TotalFee: q.TotalFee, CashFee: q.CashFee, Attach: q.Attach, TimeEnd: q.TimeEnd,
				Polls: merr.Polls, Order: q,
			}, nil
		case TradeStateUserPaying, TradeStateNotPay, TradeStateAccept:
			continue
		case TradeStatePayError:
			break poll
		default: // CLOSED, REVOKED, REFUND: already final, nothing to reverse
			return nil, merr
		}
	}

	merr.ReverseErr = c.reverseUntilDone(ctx, req.OutTradeNo, req.Extra)
	merr.Reversed = merr.ReverseErr == nil
	return nil, merr
}

// reverseUntilDone calls 撤销订单 until it answers recall=N, at most
// maxReverseAttempts times, waiting pollInterval between attempts.
func (c *Client) reverseUntilDone(ctx context.Context, outTradeNo string, extra map[string]string) error {
	var last error
	for attempt := 0; attempt < maxReverseAttempts; attempt++ {
		if attempt > 0 {
			if err := c.sleep(ctx, c.pollInterval); err != nil {
				return errors.Join(last, err)
			}
		}
		r, err := c.Reverse(ctx, &ReverseRequest{OutTradeNo: outTradeNo, Extra: subMerchant(extra)})
		switch {
		case err == nil && r.Recall != "Y":
			return nil
		case err == nil:
			last = errors.New("payv2: reverse answered recall=Y")
		case errors.Is(err, ErrCertificateRequired) || errors.Is(err, ErrInvalidParam) || ctx.Err() != nil:
			return err
		default:
			var e *Error
			if errors.As(err, &e) && e.ErrCode != "SYSTEMERROR" {
				return err // definite refusal, e.g. REVERSE_EXPIRE, TRADE_ERROR
			}
			last = err
		}
	}
	return last
}

// micropayUndecided reports whether a micropay error leaves the payment
// outcome unknown (so the order must be queried).
func micropayUndecided(err error) bool {
	var e *Error
	if errors.As(err, &e) {
		if e.Communication() {
			return false // request refused as a whole (e.g. bad sign): nothing happened
		}
		switch e.ErrCode {
		case "USERPAYING", "SYSTEMERROR", "BANKERROR":
			return true
		}
		return false
	}
	if errors.Is(err, ErrInvalidParam) || errors.Is(err, ErrCertificateRequired) {
		return false // never sent
	}
	return true // transport failure, bad status or unreadable/unsigned answer
}

// subMerchant carries the 服务商 sub-merchant routing fields of a micropay
// request over to its follow-up query and reverse calls.
func subMerchant(extra map[string]string) map[string]string {
	var out map[string]string
	for _, k := range []string{"sub_appid", "sub_mch_id"} {
		if v := extra[k]; v != "" {
			if out == nil {
				out = make(map[string]string, 2)
			}
			out[k] = v
		}
	}
	return out
}
