package pay

import (
	"context"
	"net/http"
	"net/url"
)

// Refund statuses (退款状态, status / refund_status).
const (
	RefundStatusSuccess    = "SUCCESS"    // 退款成功
	RefundStatusClosed     = "CLOSED"     // 退款关闭
	RefundStatusProcessing = "PROCESSING" // 退款处理中
	RefundStatusAbnormal   = "ABNORMAL"   // 退款异常
)

// Abnormal refund handling types (异常退款处理方式).
const (
	AbnormalRefundUserBankCard     = "USER_BANK_CARD"     // 退款到用户银行卡
	AbnormalRefundMerchantBankCard = "MERCHANT_BANK_CARD" // 退款至交易商户银行账户
)

// RefundFrom is one funding account of a refund (退款出资账户及金额).
type RefundFrom struct {
	Account string `json:"account"` // AVAILABLE or UNAVAILABLE
	Amount  int64  `json:"amount"`
}

// RefundAmountRequest is the amount part of a refund request (金额信息).
type RefundAmountRequest struct {
	Refund   int64        `json:"refund"`
	From     []RefundFrom `json:"from,omitempty"`
	Total    int64        `json:"total"`
	Currency string       `json:"currency"` // "CNY"
}

// RefundGoodsDetail is a goods line of a refund (退款商品).
type RefundGoodsDetail struct {
	MerchantGoodsID  string `json:"merchant_goods_id"`
	WechatpayGoodsID string `json:"wechatpay_goods_id,omitempty"`
	GoodsName        string `json:"goods_name,omitempty"`
	UnitPrice        int64  `json:"unit_price"`
	RefundAmount     int64  `json:"refund_amount"`
	RefundQuantity   int64  `json:"refund_quantity"`
}

// RefundRequest is the body of 退款申请 (POST /v3/refund/domestic/refunds).
// Exactly one of TransactionID and OutTradeNo identifies the order.
type RefundRequest struct {
	TransactionID string              `json:"transaction_id,omitempty"`
	OutTradeNo    string              `json:"out_trade_no,omitempty"`
	OutRefundNo   string              `json:"out_refund_no"`
	Reason        string              `json:"reason,omitempty"`
	NotifyURL     string              `json:"notify_url,omitempty"`
	FundsAccount  string              `json:"funds_account,omitempty"` // AVAILABLE
	Amount        RefundAmountRequest `json:"amount"`
	GoodsDetail   []RefundGoodsDetail `json:"goods_detail,omitempty"`
}

// RefundAmount is the amount part of a Refund.
type RefundAmount struct {
	Total            int64        `json:"total"`
	Refund           int64        `json:"refund"`
	From             []RefundFrom `json:"from,omitempty"`
	PayerTotal       int64        `json:"payer_total"`
	PayerRefund      int64        `json:"payer_refund"`
	SettlementRefund int64        `json:"settlement_refund"`
	SettlementTotal  int64        `json:"settlement_total"`
	DiscountRefund   int64        `json:"discount_refund"`
	Currency         string       `json:"currency"`
	RefundFee        int64        `json:"refund_fee,omitempty"`
}

// RefundPromotionDetail is a coupon part of a refund (优惠退款信息).
type RefundPromotionDetail struct {
	PromotionID  string              `json:"promotion_id"`
	Scope        string              `json:"scope"`
	Type         string              `json:"type"`
	Amount       int64               `json:"amount"`
	RefundAmount int64               `json:"refund_amount"`
	GoodsDetail  []RefundGoodsDetail `json:"goods_detail,omitempty"`
}

// Refund is a refund order (退款单) as returned by 退款申请, 查询单笔退款 and
// 发起异常退款.
type Refund struct {
	RefundID            string                  `json:"refund_id"`
	OutRefundNo         string                  `json:"out_refund_no"`
	TransactionID       string                  `json:"transaction_id"`
	OutTradeNo          string                  `json:"out_trade_no"`
	Channel             string                  `json:"channel"` // ORIGINAL, BALANCE, OTHER_BALANCE, OTHER_BANKCARD
	UserReceivedAccount string                  `json:"user_received_account"`
	SuccessTime         string                  `json:"success_time,omitempty"`
	CreateTime          string                  `json:"create_time"`
	Status              string                  `json:"status"`
	FundsAccount        string                  `json:"funds_account,omitempty"`
	Amount              RefundAmount            `json:"amount"`
	PromotionDetail     []RefundPromotionDetail `json:"promotion_detail,omitempty"`
}

// CreateRefund calls 退款申请 (POST /v3/refund/domestic/refunds).
func (c *Client) CreateRefund(ctx context.Context, req *RefundRequest) (*Refund, error) {
	if req == nil {
		return nil, &ArgumentError{Name: "req", Reason: "nil request"}
	}
	switch {
	case req.TransactionID == "" && req.OutTradeNo == "":
		return nil, &ArgumentError{Name: "transaction_id", Reason: "transaction_id or out_trade_no is required"}
	case req.OutRefundNo == "":
		return nil, &ArgumentError{Name: "out_refund_no", Reason: "required"}
	case req.Amount.Refund <= 0 || req.Amount.Total <= 0 || req.Amount.Refund > req.Amount.Total:
		return nil, &ArgumentError{Name: "amount", Reason: "need 0 < refund <= total (fen)"}
	}
	r := *req
	if r.Amount.Currency == "" {
		r.Amount.Currency = "CNY"
	}
	var out Refund
	if _, err := c.do(ctx, &apiRequest{method: http.MethodPost, path: "/v3/refund/domestic/refunds", body: &r}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// QueryRefund calls 查询单笔退款（通过商户退款单号）
// (GET /v3/refund/domestic/refunds/{out_refund_no}).
func (c *Client) QueryRefund(ctx context.Context, outRefundNo string) (*Refund, error) {
	if err := requireSegment("out_refund_no", outRefundNo); err != nil {
		return nil, err
	}
	var out Refund
	if _, err := c.do(ctx, &apiRequest{method: http.MethodGet,
		path: "/v3/refund/domestic/refunds/" + url.PathEscape(outRefundNo)}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// AbnormalRefundRequest is the body of 发起异常退款. BankAccount and RealName
// are given in plain text: ApplyAbnormalRefund encrypts them (敏感信息加密)
// and sets the matching Wechatpay-Serial header.
type AbnormalRefundRequest struct {
	OutRefundNo string `json:"out_refund_no"`
	Type        string `json:"type"`                   // AbnormalRefundUserBankCard or AbnormalRefundMerchantBankCard
	BankType    string `json:"bank_type,omitempty"`    // e.g. "ICBC_DEBIT"; required for USER_BANK_CARD
	BankAccount string `json:"bank_account,omitempty"` // plain text; encrypted before sending
	RealName    string `json:"real_name,omitempty"`    // plain text; encrypted before sending
}

// ApplyAbnormalRefund calls 发起异常退款
// (POST /v3/refund/domestic/refunds/{refund_id}/apply-abnormal-refund) for a
// refund whose status is ABNORMAL. The caller's request is not modified.
func (c *Client) ApplyAbnormalRefund(ctx context.Context, refundID string, req *AbnormalRefundRequest) (*Refund, error) {
	if err := requireSegment("refund_id", refundID); err != nil {
		return nil, err
	}
	if req == nil {
		return nil, &ArgumentError{Name: "req", Reason: "nil request"}
	}
	if req.OutRefundNo == "" {
		return nil, &ArgumentError{Name: "out_refund_no", Reason: "required"}
	}
	if req.Type != AbnormalRefundUserBankCard && req.Type != AbnormalRefundMerchantBankCard {
		return nil, &ArgumentError{Name: "type", Reason: "must be USER_BANK_CARD or MERCHANT_BANK_CARD"}
	}
	if req.Type == AbnormalRefundUserBankCard && (req.BankType == "" || req.BankAccount == "" || req.RealName == "") {
		return nil, &ArgumentError{Name: "bank_account", Reason: "bank_type, bank_account and real_name are required for USER_BANK_CARD"}
	}
	r := *req
	var serial string
	if r.BankAccount != "" || r.RealName != "" {
		enc, err := c.newSensitiveEncrypter()
		if err != nil {
			return nil, err
		}
		if err := enc.encrypt(&r.BankAccount); err != nil {
			return nil, err
		}
		if err := enc.encrypt(&r.RealName); err != nil {
			return nil, err
		}
		serial = enc.serial
	}
	var out Refund
	if _, err := c.do(ctx, &apiRequest{method: http.MethodPost,
		path:   "/v3/refund/domestic/refunds/" + url.PathEscape(refundID) + "/apply-abnormal-refund",
		body:   &r,
		serial: serial}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
