package paysim

import (
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"time"
	"unicode/utf8"
)

// Refund statuses (退款状态).
const (
	RefundStatusProcessing = "PROCESSING"
	RefundStatusSuccess    = "SUCCESS"
	RefundStatusAbnormal   = "ABNORMAL"
	RefundStatusClosed     = "CLOSED"
)

// Refund is a refund as POST/GET /v3/refund/domestic/refunds answer it
// (退款申请 / 查询单笔退款).
type Refund struct {
	RefundID            string            `json:"refund_id"`
	OutRefundNo         string            `json:"out_refund_no"`
	TransactionID       string            `json:"transaction_id"`
	OutTradeNo          string            `json:"out_trade_no"`
	Channel             string            `json:"channel"`
	UserReceivedAccount string            `json:"user_received_account"`
	SuccessTime         string            `json:"success_time,omitempty"`
	CreateTime          string            `json:"create_time"`
	Status              string            `json:"status"`
	FundsAccount        string            `json:"funds_account"`
	Amount              RefundAmount      `json:"amount"`
	PromotionDetail     []json.RawMessage `json:"promotion_detail"`
}

// RefundAmount is the amount block of a [Refund], in fen.
type RefundAmount struct {
	Total            int64        `json:"total"`
	Refund           int64        `json:"refund"`
	From             []RefundFrom `json:"from"`
	PayerTotal       int64        `json:"payer_total"`
	PayerRefund      int64        `json:"payer_refund"`
	SettlementRefund int64        `json:"settlement_refund"`
	SettlementTotal  int64        `json:"settlement_total"`
	DiscountRefund   int64        `json:"discount_refund"`
	Currency         string       `json:"currency"`
	RefundFee        int64        `json:"refund_fee"`
}

// RefundFrom is a funding source of a refund (退款出资账户及金额).
type RefundFrom struct {
	Account string `json:"account"`
	Amount  int64  `json:"amount"`
}

// RefundNotice is the decrypted resource of a REFUND.* notification (退款结果通知).
type RefundNotice struct {
	MchID               string             `json:"mchid"`
	OutTradeNo          string             `json:"out_trade_no"`
	TransactionID       string             `json:"transaction_id"`
	OutRefundNo         string             `json:"out_refund_no"`
	RefundID            string             `json:"refund_id"`
	RefundStatus        string             `json:"refund_status"`
	SuccessTime         string             `json:"success_time,omitempty"`
	UserReceivedAccount string             `json:"user_received_account"`
	Amount              RefundNoticeAmount `json:"amount"`
}

// RefundNoticeAmount is the amount block of a [RefundNotice], in fen.
type RefundNoticeAmount struct {
	Total       int64 `json:"total"`
	Refund      int64 `json:"refund"`
	PayerTotal  int64 `json:"payer_total"`
	PayerRefund int64 `json:"payer_refund"`
}

type refund struct {
	mchid, id, outRefundNo          string
	outTradeNo, transactionID       string
	reason, notifyURL, fundsAccount string
	account, status                 string
	amount, total                   int64
	createTime, successTime         time.Time
	pubKey                          bool

	// API v2 (legacy XML) refunds.
	v2            bool
	refundAccount string // REFUND_SOURCE_UNSETTLED_FUNDS or REFUND_SOURCE_RECHARGE_FUNDS
}

func (r *refund) view() Refund {
	v := Refund{
		RefundID:            r.id,
		OutRefundNo:         r.outRefundNo,
		TransactionID:       r.transactionID,
		OutTradeNo:          r.outTradeNo,
		Channel:             "ORIGINAL",
		UserReceivedAccount: r.account,
		CreateTime:          r.createTime.In(cst).Format(time.RFC3339),
		Status:              r.status,
		FundsAccount:        r.fundsAccount,
		Amount: RefundAmount{
			Total: r.total, Refund: r.amount, From: []RefundFrom{},
			PayerTotal: r.total, PayerRefund: r.amount,
			SettlementRefund: r.amount, SettlementTotal: r.total,
			Currency: "CNY",
		},
		PromotionDetail: []json.RawMessage{},
	}
	if !r.successTime.IsZero() {
		v.SuccessTime = r.successTime.In(cst).Format(time.RFC3339)
	}
	return v
}

func (r *refund) notice() RefundNotice {
	n := RefundNotice{
		MchID: r.mchid, OutTradeNo: r.outTradeNo, TransactionID: r.transactionID,
		OutRefundNo: r.outRefundNo, RefundID: r.id, RefundStatus: r.status,
		UserReceivedAccount: r.account,
		Amount:              RefundNoticeAmount{Total: r.total, Refund: r.amount, PayerTotal: r.total, PayerRefund: r.amount},
	}
	if !r.successTime.IsZero() {
		n.SuccessTime = r.successTime.In(cst).Format(time.RFC3339)
	}
	return n
}

type createRefundRequest struct {
	TransactionID string `json:"transaction_id"`
	OutTradeNo    string `json:"out_trade_no"`
	OutRefundNo   string `json:"out_refund_no"`
	Reason        string `json:"reason"`
	NotifyURL     string `json:"notify_url"`
	FundsAccount  string `json:"funds_account"`
	Amount        *struct {
		Refund   *int64 `json:"refund"`
		Total    *int64 `json:"total"`
		Currency string `json:"currency"`
	} `json:"amount"`
}

func (req *createRefundRequest) validate() *APIError {
	switch {
	case req.TransactionID == "" && req.OutTradeNo == "":
		return missing("/body/out_trade_no", "商户订单号")
	case req.OutRefundNo == "":
		return missing("/body/out_refund_no", "商户退款单号")
	case !validOutNo(req.OutRefundNo, 1, 64, "_-|*@"):
		return paramErr("/body/out_refund_no", "商户退款单号", "格式校验失败，只能是数字、大小写字母_-|*@，不超过64个字符")
	case utf8.RuneCountInString(req.Reason) > 80:
		return paramErr("/body/reason", "退款原因", "长度校验失败，不能超过80个字符")
	case req.NotifyURL != "" && !validNotifyURL(req.NotifyURL):
		return paramErr("/body/notify_url", "退款结果回调url", "格式校验失败，须为http(s)绝对地址且不能携带参数")
	case req.FundsAccount != "" && req.FundsAccount != "AVAILABLE" && req.FundsAccount != "UNSETTLED":
		return invalid("/body/funds_account", "退款资金来源")
	case req.Amount == nil:
		return missing("/body/amount", "金额信息")
	case req.Amount.Refund == nil:
		return missing("/body/amount/refund", "退款金额")
	case *req.Amount.Refund <= 0:
		return paramErr("/body/amount/refund", "退款金额", "取值校验失败，必须大于0")
	case req.Amount.Total == nil:
		return missing("/body/amount/total", "原订单金额")
	case *req.Amount.Total <= 0:
		return paramErr("/body/amount/total", "原订单金额", "取值校验失败，必须大于0")
	case req.Amount.Currency == "":
		return missing("/body/amount/currency", "退款币种")
	case req.Amount.Currency != "CNY":
		return paramErr("/body/amount/currency", "退款币种", "取值校验失败，目前只支持CNY")
	}
	return nil
}

func refundNotExist() *APIError {
	return apiErr(http.StatusNotFound, CodeResourceNotExists, "退款单不存在")
}

// createRefund serves POST /v3/refund/domestic/refunds (退款申请).
func (p *Platform) createRefund(c *call) (int, any, *APIError) {
	var req createRefundRequest
	if e := decodeBody(c.body, &req); e != nil {
		return 0, nil, e
	}
	if e := req.validate(); e != nil {
		return 0, nil, e
	}
	refundAmt, total := *req.Amount.Refund, *req.Amount.Total
	p.mu.Lock()
	defer p.mu.Unlock()
	var o *order
	if req.TransactionID != "" {
		o = c.m.byTxn[req.TransactionID]
	} else {
		o = c.m.orders[req.OutTradeNo]
	}
	if o == nil {
		return 0, nil, apiErr(http.StatusNotFound, CodeResourceNotExists, "订单不存在")
	}
	if r := c.m.refunds[req.OutRefundNo]; r != nil {
		if r.outTradeNo == o.outTradeNo && r.amount == refundAmt && r.total == total {
			return http.StatusOK, r.view(), nil // 同一退款单号多次请求只退一笔
		}
		return 0, nil, apiErr(http.StatusBadRequest, CodeInvalidRequest, "商户退款单号已存在，且退款参数与原请求不一致")
	}
	o.refresh(p.now())
	switch {
	case o.state != TradeStateSuccess && o.state != TradeStateRefund:
		return 0, nil, apiErr(http.StatusBadRequest, CodeInvalidRequest, "订单状态不正确，未支付的订单不能退款")
	case total != o.total:
		return 0, nil, apiErr(http.StatusBadRequest, CodeInvalidRequest, "订单金额与原订单金额不一致")
	case refundAmt > o.total-o.refunded:
		return 0, nil, apiErr(http.StatusBadRequest, CodeInvalidRequest, "申请退款金额超过订单可退金额")
	}
	funds := req.FundsAccount
	if funds == "" {
		funds = "AVAILABLE"
	}
	r := &refund{
		mchid:         c.m.MchID,
		id:            "50" + randString(digits, 27),
		outRefundNo:   req.OutRefundNo,
		outTradeNo:    o.outTradeNo,
		transactionID: o.transactionID,
		reason:        req.Reason,
		notifyURL:     req.NotifyURL,
		fundsAccount:  funds,
		account:       "支付用户零钱",
		status:        RefundStatusProcessing,
		amount:        refundAmt,
		total:         o.total,
		createTime:    p.now(),
		pubKey:        c.sig.pubKey,
	}
	o.refunded += refundAmt
	o.state = TradeStateRefund
	c.m.refunds[r.outRefundNo] = r
	c.m.refundsByID[r.id] = r
	c.m.refundsOrder = append(c.m.refundsOrder, r)
	p.scheduleRefund(r.mchid, r.outRefundNo, true)
	p.log.Info("paysim refund created", "mchid", r.mchid, "out_refund_no", r.outRefundNo, "refund", r.amount)
	return http.StatusOK, r.view(), nil
}

// scheduleRefund moves a PROCESSING refund on after the refund delay, in a
// tracked goroutine. p.mu must be held, which orders it against Close.
func (p *Platform) scheduleRefund(mchid, outRefundNo string, mayFail bool) {
	if p.closed {
		return
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTimer(p.refundDelay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-p.ctx.Done():
			return
		}
		p.finishRefund(mchid, outRefundNo, mayFail)
	}()
}

func (p *Platform) finishRefund(mchid, outRefundNo string, mayFail bool) {
	abnormal := mayFail && p.abnormal != nil && p.abnormal(mchid, outRefundNo)
	p.mu.Lock()
	m := p.merchants[mchid]
	r := m.refunds[outRefundNo]
	if r == nil || r.status != RefundStatusProcessing {
		p.mu.Unlock()
		return
	}
	event, summary := EventRefundSuccess, "退款成功"
	if abnormal {
		r.status = RefundStatusAbnormal
		event, summary = EventRefundAbnormal, "退款异常"
	} else {
		r.status = RefundStatusSuccess
		r.successTime = p.now()
	}
	notice, key, url, s := r.notice(), m.APIv3Key, r.notifyURL, p.notifySigner(r.pubKey)
	var v2Body []byte
	if r.v2 && url != "" {
		var err error
		if v2Body, err = p.v2RefundNotification(m, r); err != nil {
			p.log.Error("paysim: v2 refund notification", "err", err)
			url = ""
		}
	}
	p.mu.Unlock()
	p.log.Info("paysim refund finished", "mchid", mchid, "out_refund_no", outRefundNo, "status", notice.RefundStatus)
	if v2Body != nil {
		p.notifyV2(EventV2Refund, url, v2Body)
		return
	}
	if url != "" {
		if err := p.notify(key, url, event, summary, "refund", notice, s); err != nil {
			p.log.Error("paysim: refund notification", "err", err)
		}
	}
}

// queryRefund serves GET /v3/refund/domestic/refunds/{out_refund_no} (查询单笔退款).
func (p *Platform) queryRefund(c *call) (int, any, *APIError) {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := c.m.refunds[c.r.PathValue("out_refund_no")]
	if r == nil {
		return 0, nil, refundNotExist()
	}
	return http.StatusOK, r.view(), nil
}

// applyAbnormalRefund serves POST
// /v3/refund/domestic/refunds/{refund_id}/apply-abnormal-refund (发起异常退款).
// bank_account and real_name must be encrypted (RSA-OAEP) with the platform
// key that the Wechatpay-Serial request header names.
func (p *Platform) applyAbnormalRefund(c *call) (int, any, *APIError) {
	var req struct {
		OutRefundNo string `json:"out_refund_no"`
		Type        string `json:"type"`
		BankType    string `json:"bank_type"`
		BankAccount string `json:"bank_account"`
		RealName    string `json:"real_name"`
	}
	if e := decodeBody(c.body, &req); e != nil {
		return 0, nil, e
	}
	switch {
	case req.OutRefundNo == "":
		return 0, nil, missing("/body/out_refund_no", "商户退款单号")
	case req.Type == "":
		return 0, nil, missing("/body/type", "异常退款处理方式")
	case req.Type != "USER_BANK_CARD" && req.Type != "MERCHANT_BANK_CARD":
		return 0, nil, invalid("/body/type", "异常退款处理方式")
	}
	account := "商户基本账户"
	if req.Type == "USER_BANK_CARD" {
		switch {
		case req.BankType == "":
			return 0, nil, missing("/body/bank_type", "开户银行")
		case req.BankAccount == "":
			return 0, nil, missing("/body/bank_account", "收款银行卡号")
		case req.RealName == "":
			return 0, nil, missing("/body/real_name", "收款用户姓名")
		}
		key, e := p.sensitiveKey(c.r.Header.Get("Wechatpay-Serial"))
		if e != nil {
			return 0, nil, e
		}
		card, err1 := decryptSensitive(key, req.BankAccount)
		_, err2 := decryptSensitive(key, req.RealName)
		if err1 != nil || err2 != nil {
			return 0, nil, apiErr(http.StatusBadRequest, CodeParamError, "敏感信息解密失败，请检查加密使用的公钥与Wechatpay-Serial是否一致")
		}
		last4 := card
		if len(last4) > 4 {
			last4 = last4[len(last4)-4:]
		}
		account = req.BankType + last4
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	r := c.m.refundsByID[c.r.PathValue("refund_id")]
	if r == nil {
		return 0, nil, refundNotExist()
	}
	if r.outRefundNo != req.OutRefundNo {
		return 0, nil, paramErr("/body/out_refund_no", "商户退款单号", "与微信支付退款单号不对应")
	}
	if r.status != RefundStatusAbnormal {
		return 0, nil, apiErr(http.StatusBadRequest, CodeInvalidRequest, "退款单状态不是退款异常，不能发起异常退款")
	}
	r.status = RefundStatusProcessing
	r.account = account
	p.scheduleRefund(r.mchid, r.outRefundNo, false)
	return http.StatusOK, r.view(), nil
}

// sensitiveKey returns the private key matching the serial a client encrypted
// sensitive fields for.
func (p *Platform) sensitiveKey(serial string) (*rsa.PrivateKey, *APIError) {
	switch {
	case serial == "":
		return nil, apiErr(http.StatusBadRequest, CodeParamError, "请求头缺少Wechatpay-Serial，加密敏感信息时必须提供")
	case serial == p.certSerial && p.mode != ModePublicKey:
		return p.certKey, nil
	case serial == p.pubKeyID && p.mode != ModeCertificate:
		return p.pubKey, nil
	}
	return nil, apiErr(http.StatusBadRequest, CodeParamError, "Wechatpay-Serial不是有效的平台证书序列号或微信支付公钥ID")
}

// RefundByOutRefundNo returns a snapshot of a refund, for tests and dashboards.
func (p *Platform) RefundByOutRefundNo(mchid, outRefundNo string) (Refund, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := p.merchants[mchid]
	if m == nil {
		return Refund{}, apiErr(http.StatusBadRequest, CodeMchNotExists, "商户号不存在")
	}
	r := m.refunds[outRefundNo]
	if r == nil {
		return Refund{}, refundNotExist()
	}
	return r.view(), nil
}
