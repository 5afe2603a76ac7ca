package payv2

import (
	"context"
	"strconv"
)

// RefundRequest is the input of 申请退款 (POST /secapi/pay/refund, requires
// the merchant certificate). Give TransactionID or OutTradeNo.
type RefundRequest struct {
	TransactionID string `xml:"transaction_id"`  // 微信订单号
	OutTradeNo    string `xml:"out_trade_no"`    // 商户订单号
	OutRefundNo   string `xml:"out_refund_no"`   // 商户退款单号 (required, ≤64)
	TotalFee      int64  `xml:"total_fee"`       // 订单金额, 单位为分 (required)
	RefundFee     int64  `xml:"refund_fee"`      // 退款金额, 单位为分 (required, ≤ TotalFee)
	RefundFeeType string `xml:"refund_fee_type"` // 退款货币种类, default CNY
	RefundDesc    string `xml:"refund_desc"`     // 退款原因
	RefundAccount string `xml:"refund_account"`  // REFUND_SOURCE_UNSETTLED_FUNDS / REFUND_SOURCE_RECHARGE_FUNDS
	NotifyURL     string `xml:"notify_url"`      // 退款结果通知url

	Extra map[string]string `xml:"-"`
}

// RefundResponse is the result of 申请退款 (the refund is accepted; its final
// state arrives by 退款结果通知 or 查询退款).
type RefundResponse struct {
	Common
	TransactionID       string `xml:"transaction_id"`
	OutTradeNo          string `xml:"out_trade_no"`
	OutRefundNo         string `xml:"out_refund_no"`
	RefundID            string `xml:"refund_id"` // 微信退款单号
	RefundFee           int64  `xml:"refund_fee"`
	SettlementRefundFee int64  `xml:"settlement_refund_fee"`
	TotalFee            int64  `xml:"total_fee"`
	SettlementTotalFee  int64  `xml:"settlement_total_fee"`
	FeeType             string `xml:"fee_type"`
	CashFee             int64  `xml:"cash_fee"`
	CashFeeType         string `xml:"cash_fee_type"`
	CashRefundFee       int64  `xml:"cash_refund_fee"`
	CouponRefundFee     int64  `xml:"coupon_refund_fee"`
	CouponRefundCount   int64  `xml:"coupon_refund_count"`

	Coupons []Coupon `xml:"-"` // coupon_type_$n, coupon_refund_id_$n, coupon_refund_fee_$n
}

// Refund calls 申请退款 (POST /secapi/pay/refund) over mutual TLS. Without
// Config.TLSCert (or WithSecureHTTPClient) it fails with ErrCertificateRequired
// before sending anything.
func (c *Client) Refund(ctx context.Context, req *RefundRequest) (*RefundResponse, error) {
	const api = "refund"
	if req == nil {
		return nil, &ParamError{API: api, Field: "request", Reason: "nil"}
	}
	switch {
	case req.TransactionID == "" && req.OutTradeNo == "":
		return nil, &ParamError{API: api, Field: "transaction_id/out_trade_no", Reason: "one is required"}
	case req.OutRefundNo == "":
		return nil, &ParamError{API: api, Field: "out_refund_no", Reason: "required"}
	case req.TotalFee <= 0:
		return nil, &ParamError{API: api, Field: "total_fee", Reason: "must be positive"}
	case req.RefundFee <= 0 || req.RefundFee > req.TotalFee:
		return nil, &ParamError{API: api, Field: "refund_fee", Reason: "must be positive and not exceed total_fee (" + strconv.FormatInt(req.TotalFee, 10) + ")"}
	}
	params, err := toParams(api, req, req.Extra)
	if err != nil {
		return nil, err
	}
	m, err := c.call(ctx, api, "/secapi/pay/refund", true, params)
	if err != nil {
		return nil, err
	}
	out := new(RefundResponse)
	if err := decodeResponse(m, out); err != nil {
		return nil, err
	}
	out.Coupons, err = parseCoupons(m, "coupon_refund_count", "coupon_type_", "coupon_refund_id_", "coupon_refund_fee_", "")
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RefundQueryRequest is the input of 查询退款 (POST /pay/refundquery). Give
// one of RefundID, OutRefundNo, TransactionID, OutTradeNo (checked by
// WeChat in that order of priority).
type RefundQueryRequest struct {
	TransactionID string `xml:"transaction_id"`
	OutTradeNo    string `xml:"out_trade_no"`
	OutRefundNo   string `xml:"out_refund_no"`
	RefundID      string `xml:"refund_id"`
	Offset        int64  `xml:"offset"` // 偏移量, for orders with more than 10 refunds

	Extra map[string]string `xml:"-"`
}

// RefundRecord is one refund of an order (the _$n fields of 查询退款).
type RefundRecord struct {
	OutRefundNo         string // out_refund_no_$n
	RefundID            string // refund_id_$n
	RefundChannel       string // refund_channel_$n (ORIGINAL, BALANCE, …)
	RefundFee           int64  // refund_fee_$n
	SettlementRefundFee int64  // settlement_refund_fee_$n
	CouponRefundFee     int64  // coupon_refund_fee_$n
	RefundStatus        string // refund_status_$n: SUCCESS, REFUNDCLOSE, PROCESSING, CHANGE
	RefundAccount       string // refund_account_$n
	RefundRecvAccout    string // refund_recv_accout_$n (sic, 退款入账账户)
	RefundSuccessTime   string // refund_success_time_$n, "2006-01-02 15:04:05"
	Coupons             []Coupon
}

// RefundQueryResponse is the result of 查询退款.
type RefundQueryResponse struct {
	Common
	TotalRefundCount   int64  `xml:"total_refund_count"`
	TransactionID      string `xml:"transaction_id"`
	OutTradeNo         string `xml:"out_trade_no"`
	TotalFee           int64  `xml:"total_fee"`
	SettlementTotalFee int64  `xml:"settlement_total_fee"`
	FeeType            string `xml:"fee_type"`
	CashFee            int64  `xml:"cash_fee"`
	RefundCount        int64  `xml:"refund_count"`

	Refunds []RefundRecord `xml:"-"`
}

// RefundQuery calls 查询退款 (POST /pay/refundquery). An unknown refund fails
// with *Error{ErrCode: "REFUNDNOTEXIST"}.
func (c *Client) RefundQuery(ctx context.Context, req *RefundQueryRequest) (*RefundQueryResponse, error) {
	const api = "refundquery"
	if req == nil || (req.TransactionID == "" && req.OutTradeNo == "" && req.OutRefundNo == "" && req.RefundID == "") {
		return nil, &ParamError{API: api, Field: "refund_id/out_refund_no/transaction_id/out_trade_no", Reason: "one is required"}
	}
	params, err := toParams(api, req, req.Extra)
	if err != nil {
		return nil, err
	}
	m, err := c.call(ctx, api, "/pay/refundquery", false, params)
	if err != nil {
		return nil, err
	}
	out := new(RefundQueryResponse)
	if err := decodeResponse(m, out); err != nil {
		return nil, err
	}
	n, err := indexedCount(m, "refund_count")
	if err != nil {
		return nil, err
	}
	for i := 0; i < n; i++ {
		s := strconv.Itoa(i)
		r := RefundRecord{
			OutRefundNo:       m["out_refund_no_"+s],
			RefundID:          m["refund_id_"+s],
			RefundChannel:     m["refund_channel_"+s],
			RefundStatus:      m["refund_status_"+s],
			RefundAccount:     m["refund_account_"+s],
			RefundRecvAccout:  m["refund_recv_accout_"+s],
			RefundSuccessTime: m["refund_success_time_"+s],
		}
		for key, dst := range map[string]*int64{
			"refund_fee_":            &r.RefundFee,
			"settlement_refund_fee_": &r.SettlementRefundFee,
			"coupon_refund_fee_":     &r.CouponRefundFee,
		} {
			if *dst, err = getInt(m, key+s); err != nil {
				return nil, err
			}
		}
		if r.Coupons, err = parseCoupons(m, "coupon_refund_count_"+s, "coupon_type_", "coupon_refund_id_", "coupon_refund_fee_", s+"_"); err != nil {
			return nil, err
		}
		out.Refunds = append(out.Refunds, r)
	}
	return out, nil
}
