package paysim

import (
	"strconv"
	"unicode/utf8"
)

// v2RefundStatus maps a refund status to its API v2 name (退款状态):
// SUCCESS, REFUNDCLOSE, PROCESSING or CHANGE (退款异常).
func v2RefundStatus(s string) string {
	switch s {
	case RefundStatusAbnormal:
		return "CHANGE"
	case RefundStatusClosed:
		return "REFUNDCLOSE"
	}
	return s
}

const v2RefundRecvAccount = "支付用户的零钱"

// v2Refund serves POST /secapi/pay/refund (申请退款). The refund stays
// PROCESSING for Options.RefundDelay, then succeeds (or goes to CHANGE when
// Options.AbnormalRefund says so) and the 退款结果通知 is sent to the
// request's notify_url, if any.
func (p *Platform) v2Refund(c *v2Call) (map[string]string, *v2Error) {
	outRefundNo := c.get("out_refund_no")
	switch {
	case c.get("transaction_id") == "" && c.get("out_trade_no") == "":
		return nil, v2Lack("out_trade_no或transaction_id")
	case outRefundNo == "":
		return nil, v2Lack("out_refund_no")
	case !validOutNo(outRefundNo, 1, 64, "_-|*@"):
		return nil, v2Biz(V2ErrParamError, "out_refund_no参数格式错误，只能是数字、大小写字母_-|*@，不超过64个字符")
	case c.get("total_fee") == "":
		return nil, v2Lack("total_fee")
	case c.get("refund_fee") == "":
		return nil, v2Lack("refund_fee")
	case c.get("refund_fee_type") != "" && c.get("refund_fee_type") != "CNY":
		return nil, v2Biz(V2ErrParamError, "refund_fee_type参数错误，目前只支持CNY")
	case utf8.RuneCountInString(c.get("refund_desc")) > 80:
		return nil, v2Biz(V2ErrParamError, "refund_desc参数长度有误，不能超过80个字符")
	case c.get("notify_url") != "" && !validNotifyURL(c.get("notify_url")):
		return nil, v2Biz(V2ErrParamError, "notify_url参数格式错误，须为http(s)绝对地址且不能携带参数")
	}
	account := c.get("refund_account")
	switch account {
	case "":
		account = "REFUND_SOURCE_UNSETTLED_FUNDS"
	case "REFUND_SOURCE_UNSETTLED_FUNDS", "REFUND_SOURCE_RECHARGE_FUNDS":
	default:
		return nil, v2Biz(V2ErrParamError, "refund_account参数错误")
	}
	total, ok1 := parseFee(c.get("total_fee"))
	amount, ok2 := parseFee(c.get("refund_fee"))
	if !ok1 || !ok2 {
		return nil, v2Biz(V2ErrParamError, "total_fee和refund_fee须为大于0的整数（单位为分）")
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	o, e := v2FindOrder(c)
	if e != nil {
		if c.get("transaction_id") != "" {
			return nil, v2Biz(V2ErrInvalidTxnID, "无效transaction_id")
		}
		return nil, e
	}
	if r := c.m.refunds[outRefundNo]; r != nil { // 同一退款单号多次请求只退一笔
		if r.outTradeNo != o.outTradeNo || r.amount != amount || r.total != total {
			return nil, v2Biz(V2ErrRefundFeeMismatch, "订单金额或退款金额与之前请求不一致，请核实后再试")
		}
		return v2RefundFields(o, r), nil
	}
	o.refresh(p.now())
	switch {
	case o.state != TradeStateSuccess && o.state != TradeStateRefund:
		return nil, v2Biz(V2ErrError, "订单状态错误，未支付的订单不能退款")
	case total != o.total:
		return nil, v2Biz(V2ErrParamError, "订单金额total_fee与原订单金额不一致")
	case amount > o.total-o.refunded:
		return nil, v2Biz(V2ErrError, "累计退款金额大于支付金额")
	}
	r := &refund{
		mchid:         c.m.MchID,
		id:            "50" + randString(digits, 27),
		outRefundNo:   outRefundNo,
		outTradeNo:    o.outTradeNo,
		transactionID: o.transactionID,
		reason:        c.get("refund_desc"),
		notifyURL:     c.get("notify_url"),
		fundsAccount:  "AVAILABLE",
		account:       v2RefundRecvAccount,
		status:        RefundStatusProcessing,
		amount:        amount,
		total:         o.total,
		createTime:    p.now(),
		v2:            true,
		refundAccount: account,
	}
	o.refunded += amount
	o.state = TradeStateRefund
	c.m.refunds[outRefundNo] = r
	c.m.refundsByID[r.id] = r
	c.m.refundsOrder = append(c.m.refundsOrder, r)
	p.scheduleRefund(r.mchid, outRefundNo, true)
	p.log.Info("paysim v2 refund created", "mchid", r.mchid, "out_refund_no", outRefundNo, "refund", amount)
	return v2RefundFields(o, r), nil
}

func v2RefundFields(o *order, r *refund) map[string]string {
	return map[string]string{
		"transaction_id":        r.transactionID,
		"out_trade_no":          r.outTradeNo,
		"out_refund_no":         r.outRefundNo,
		"refund_id":             r.id,
		"refund_fee":            strconv.FormatInt(r.amount, 10),
		"settlement_refund_fee": strconv.FormatInt(r.amount, 10),
		"total_fee":             strconv.FormatInt(r.total, 10),
		"settlement_total_fee":  strconv.FormatInt(r.total, 10),
		"fee_type":              o.currency,
		"cash_fee":              strconv.FormatInt(r.total, 10),
		"cash_refund_fee":       strconv.FormatInt(r.amount, 10),
	}
}

// v2RefundQuery serves POST /pay/refundquery (查询退款). The refund is looked
// up by refund_id, out_refund_no, transaction_id or out_trade_no, in that
// order of priority; an order's refunds are listed ten at a time from offset.
func (p *Platform) v2RefundQuery(c *v2Call) (map[string]string, *v2Error) {
	offset := 0
	if s := c.get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return nil, v2Biz(V2ErrParamError, "offset参数格式错误")
		}
		offset = n
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var list []*refund
	switch {
	case c.get("refund_id") != "":
		if r := c.m.refundsByID[c.get("refund_id")]; r != nil {
			list = []*refund{r}
		}
	case c.get("out_refund_no") != "":
		if r := c.m.refunds[c.get("out_refund_no")]; r != nil {
			list = []*refund{r}
		}
	case c.get("transaction_id") != "" || c.get("out_trade_no") != "":
		o, e := v2FindOrder(c)
		if e != nil {
			return nil, e
		}
		for _, r := range c.m.refundsOrder {
			if r.outTradeNo == o.outTradeNo {
				list = append(list, r)
			}
		}
	default:
		return nil, v2Lack("refund_id、out_refund_no、transaction_id或out_trade_no")
	}
	if len(list) == 0 || offset >= len(list) {
		return nil, v2Biz(V2ErrRefundNotExist, "not exist")
	}
	o := c.m.orders[list[0].outTradeNo]
	f := map[string]string{
		"transaction_id":       o.transactionID,
		"out_trade_no":         o.outTradeNo,
		"total_fee":            strconv.FormatInt(o.total, 10),
		"settlement_total_fee": strconv.FormatInt(o.total, 10),
		"fee_type":             o.currency,
		"cash_fee":             strconv.FormatInt(o.total, 10),
	}
	if c.get("offset") != "" {
		f["total_refund_count"] = strconv.Itoa(len(list))
	}
	page := list[offset:]
	if len(page) > 10 {
		page = page[:10]
	}
	f["refund_count"] = strconv.Itoa(len(page))
	for i, r := range page {
		n := "_" + strconv.Itoa(i)
		f["out_refund_no"+n] = r.outRefundNo
		f["refund_id"+n] = r.id
		f["refund_channel"+n] = "ORIGINAL"
		f["refund_fee"+n] = strconv.FormatInt(r.amount, 10)
		f["settlement_refund_fee"+n] = strconv.FormatInt(r.amount, 10)
		f["refund_status"+n] = v2RefundStatus(r.status)
		f["refund_account"+n] = firstNonEmpty(r.refundAccount, "REFUND_SOURCE_UNSETTLED_FUNDS")
		f["refund_recv_accout"+n] = r.account
		if !r.successTime.IsZero() {
			f["refund_success_time"+n] = billTime(r.successTime)
		}
	}
	return f, nil
}

// v2RefundNotification renders the 退款结果通知 of a v2 refund: the outer
// fields and req_info, the <root> document of the refund encrypted with
// AES-256-ECB (PKCS#7) under the lower-case hex MD5 of the API key, base64.
// It carries no sign. p.mu is held.
func (p *Platform) v2RefundNotification(m *merchantState, r *refund) ([]byte, error) {
	o := m.orders[r.outTradeNo]
	inner := map[string]string{
		"transaction_id":        r.transactionID,
		"out_trade_no":          r.outTradeNo,
		"refund_id":             r.id,
		"out_refund_no":         r.outRefundNo,
		"total_fee":             strconv.FormatInt(r.total, 10),
		"settlement_total_fee":  strconv.FormatInt(r.total, 10),
		"refund_fee":            strconv.FormatInt(r.amount, 10),
		"settlement_refund_fee": strconv.FormatInt(r.amount, 10),
		"refund_status":         v2RefundStatus(r.status),
		"refund_recv_accout":    r.account,
		"refund_account":        firstNonEmpty(r.refundAccount, "REFUND_SOURCE_UNSETTLED_FUNDS"),
		"refund_request_source": "API",
	}
	if !r.successTime.IsZero() {
		inner["success_time"] = billTime(r.successTime)
	}
	reqInfo, err := EncryptV2ReqInfo(m.APIKey, encodeV2XML("root", inner))
	if err != nil {
		return nil, err
	}
	appid := ""
	if o != nil {
		appid = o.appid
	}
	return encodeV2XML("xml", map[string]string{
		"return_code": V2Success,
		"appid":       appid,
		"mch_id":      m.MchID,
		"nonce_str":   randString(alnum, 32),
		"req_info":    reqInfo,
	}), nil
}
