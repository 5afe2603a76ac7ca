package payv2

import "context"

// OrderQueryRequest identifies an order for 查询订单 (POST /pay/orderquery).
// Give TransactionID (preferred) or OutTradeNo.
type OrderQueryRequest struct {
	TransactionID string            `xml:"transaction_id"` // 微信订单号
	OutTradeNo    string            `xml:"out_trade_no"`   // 商户订单号
	Extra         map[string]string `xml:"-"`
}

// OrderQueryResponse is the result of 查询订单. TradeState tells whether the
// order was paid (SUCCESS) or not (NOTPAY, USERPAYING, CLOSED, REVOKED,
// PAYERROR, REFUND, ACCEPT).
type OrderQueryResponse struct {
	Common
	DeviceInfo         string `xml:"device_info"`
	OpenID             string `xml:"openid"`
	IsSubscribe        string `xml:"is_subscribe"` // Y/N
	TradeType          string `xml:"trade_type"`
	TradeState         string `xml:"trade_state"`
	BankType           string `xml:"bank_type"`
	TotalFee           int64  `xml:"total_fee"`
	SettlementTotalFee int64  `xml:"settlement_total_fee"`
	FeeType            string `xml:"fee_type"`
	CashFee            int64  `xml:"cash_fee"`
	CashFeeType        string `xml:"cash_fee_type"`
	CouponFee          int64  `xml:"coupon_fee"`
	CouponCount        int64  `xml:"coupon_count"`
	TransactionID      string `xml:"transaction_id"`
	OutTradeNo         string `xml:"out_trade_no"`
	Attach             string `xml:"attach"`
	TimeEnd            string `xml:"time_end"` // yyyyMMddHHmmss, see ParseTime
	TradeStateDesc     string `xml:"trade_state_desc"`

	Coupons []Coupon `xml:"-"` // coupon_type_$n, coupon_id_$n, coupon_fee_$n
}

// Paid reports whether TradeState is SUCCESS.
func (r *OrderQueryResponse) Paid() bool { return r.TradeState == TradeStateSuccess }

// OrderQuery calls 查询订单 (POST /pay/orderquery).
func (c *Client) OrderQuery(ctx context.Context, req *OrderQueryRequest) (*OrderQueryResponse, error) {
	const api = "orderquery"
	if req == nil || (req.TransactionID == "" && req.OutTradeNo == "") {
		return nil, &ParamError{API: api, Field: "transaction_id/out_trade_no", Reason: "one is required"}
	}
	params, err := toParams(api, req, req.Extra)
	if err != nil {
		return nil, err
	}
	m, err := c.call(ctx, api, "/pay/orderquery", false, params)
	if err != nil {
		return nil, err
	}
	return decodeOrderQuery(m)
}

func decodeOrderQuery(m map[string]string) (*OrderQueryResponse, error) {
	out := new(OrderQueryResponse)
	if err := decodeResponse(m, out); err != nil {
		return nil, err
	}
	var err error
	out.Coupons, err = parseCoupons(m, "coupon_count", "coupon_type_", "coupon_id_", "coupon_fee_", "")
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CloseOrderResponse is the result of 关闭订单.
type CloseOrderResponse struct {
	Common
	ResultMsg string `xml:"result_msg"`
}

// CloseOrder calls 关闭订单 (POST /pay/closeorder) for an unpaid order.
// An already paid order fails with *Error{ErrCode: "ORDERPAID"}.
func (c *Client) CloseOrder(ctx context.Context, outTradeNo string) (*CloseOrderResponse, error) {
	const api = "closeorder"
	if outTradeNo == "" {
		return nil, &ParamError{API: api, Field: "out_trade_no", Reason: "required"}
	}
	m, err := c.call(ctx, api, "/pay/closeorder", false, map[string]string{"out_trade_no": outTradeNo})
	if err != nil {
		return nil, err
	}
	out := new(CloseOrderResponse)
	if err := decodeResponse(m, out); err != nil {
		return nil, err
	}
	return out, nil
}
