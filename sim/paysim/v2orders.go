package paysim

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// v2TimeLayout is the yyyyMMddHHmmss layout of time_start, time_expire and
// time_end (时间规则, Beijing time).
const v2TimeLayout = "20060102150405"

// v2TradeTypes are the trade_type values of 统一下单 and the v3 kind they map to.
var v2TradeTypes = map[string]string{
	"JSAPI":  "jsapi",
	"NATIVE": "native",
	"APP":    "app",
	"MWEB":   "h5",
}

// parseFee parses a fen amount such as total_fee: digits only, > 0.
func parseFee(s string) (int64, bool) {
	if !isDigits(s) || len(s) > 15 {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

// checkOrderFields validates the fields 统一下单 and 付款码支付 share.
func checkOrderFields(c *v2Call) (int64, *v2Error) {
	for _, f := range []string{"body", "out_trade_no", "total_fee", "spbill_create_ip"} {
		if c.get(f) == "" {
			return 0, v2Lack(f)
		}
	}
	switch {
	case utf8.RuneCountInString(c.get("body")) > 127:
		return 0, v2InvalidRequest("body参数长度有误，不能超过127个字符")
	case !validOutNo(c.get("out_trade_no"), 6, 32, "_-|*"):
		return 0, v2InvalidRequest("out_trade_no参数格式错误，要求6-32个字符，只能是数字、大小写字母_-|*")
	case utf8.RuneCountInString(c.get("attach")) > 127:
		return 0, v2InvalidRequest("attach参数长度有误，不能超过127个字符")
	case c.get("fee_type") != "" && c.get("fee_type") != "CNY":
		return 0, v2InvalidRequest("fee_type参数错误，目前只支持CNY")
	case len(c.get("device_info")) > 32:
		return 0, v2InvalidRequest("device_info参数长度有误")
	}
	total, ok := parseFee(c.get("total_fee"))
	if !ok {
		return 0, v2InvalidRequest("total_fee参数格式错误，须为大于0的整数（单位为分）")
	}
	return total, nil
}

// v2UnifiedOrder serves POST /pay/unifiedorder (统一下单).
func (p *Platform) v2UnifiedOrder(c *v2Call) (map[string]string, *v2Error) {
	total, e := checkOrderFields(c)
	if e != nil {
		return nil, e
	}
	tradeType := c.get("trade_type")
	kind, ok := v2TradeTypes[tradeType]
	switch {
	case c.get("notify_url") == "":
		return nil, v2Lack("notify_url")
	case !validNotifyURL(c.get("notify_url")):
		return nil, v2InvalidRequest("notify_url参数格式错误，须为http(s)绝对地址且不能携带参数")
	case tradeType == "":
		return nil, v2Lack("trade_type")
	case !ok:
		return nil, v2InvalidRequest("trade_type参数错误，须为JSAPI、NATIVE、APP或MWEB")
	case tradeType == "JSAPI" && c.get("openid") == "":
		return nil, v2Biz(V2ErrLackParams, "trade_type=JSAPI时（即JSAPI支付），openid为必传参数")
	case tradeType == "NATIVE" && c.get("product_id") == "":
		return nil, v2Biz(V2ErrLackParams, "trade_type=NATIVE时，product_id为必传参数")
	}
	now := p.now()
	var expire time.Time
	if te := c.get("time_expire"); te != "" {
		t, err := time.ParseInLocation(v2TimeLayout, te, cst)
		if err != nil {
			return nil, v2InvalidRequest("time_expire参数格式错误，格式为yyyyMMddHHmmss")
		}
		if t.Sub(now) < 5*time.Minute {
			return nil, v2InvalidRequest("time_expire时间过短，最短失效时间间隔必须大于5分钟")
		}
		expire = t
	}
	if ts := c.get("time_start"); ts != "" {
		if _, err := time.ParseInLocation(v2TimeLayout, ts, cst); err != nil {
			return nil, v2InvalidRequest("time_start参数格式错误，格式为yyyyMMddHHmmss")
		}
	}
	outTradeNo := c.get("out_trade_no")
	fp := strings.Join([]string{"v2", tradeType, c.get("appid"), c.get("body"), c.get("notify_url"), c.get("attach"), c.get("openid"), c.get("total_fee")}, "\x00")

	p.mu.Lock()
	defer p.mu.Unlock()
	if o := c.m.orders[outTradeNo]; o != nil {
		o.refresh(now)
		switch o.state {
		case TradeStateSuccess, TradeStateRefund:
			return nil, v2Biz(V2ErrOrderPaid, "该订单已支付")
		case TradeStateClosed, TradeStateRevoked:
			return nil, v2Biz(V2ErrOrderClosed, "该订单已关闭")
		}
		if o.fingerprint != fp {
			return nil, v2Biz(V2ErrOutTradeNoUsed, "商户订单号重复")
		}
		return v2PrepayFields(o), nil // 订单重入: the same prepay_id
	}
	o := &order{
		kind:        kind,
		tradeType:   tradeType,
		appid:       c.get("appid"),
		mchid:       c.m.MchID,
		description: c.get("body"),
		outTradeNo:  outTradeNo,
		notifyURL:   c.get("notify_url"),
		attach:      c.get("attach"),
		goodsTag:    c.get("goods_tag"),
		timeExpire:  expire,
		createTime:  now,
		total:       total,
		currency:    "CNY",
		openid:      c.get("openid"),
		state:       TradeStateNotPay,
		fingerprint: fp,
		prepayID:    "wx" + now.In(cst).Format("20060102150405") + randString("0123456789abcdef", 20),
		v2:          true,
		signType:    c.signType,
		deviceInfo:  c.get("device_info"),
	}
	ref := orderRef{mchid: o.mchid, outTradeNo: o.outTradeNo}
	switch kind {
	case "native":
		o.codeURL = "weixin://wxpay/bizpayurl?pr=" + randString(alnum, 7)
		p.prepay[o.codeURL] = ref
	case "h5":
		o.h5URL = p.base(c.r) + "/sim/pay?prepay_id=" + o.prepayID
	}
	p.prepay[o.prepayID] = ref
	c.m.orders[outTradeNo] = o
	p.log.Info("paysim v2 order created", "mchid", o.mchid, "out_trade_no", outTradeNo, "trade_type", tradeType, "total", total)
	return v2PrepayFields(o), nil
}

func v2PrepayFields(o *order) map[string]string {
	f := map[string]string{"trade_type": o.tradeType, "prepay_id": o.prepayID, "device_info": o.deviceInfo}
	switch o.kind {
	case "native":
		f["code_url"] = o.codeURL
	case "h5":
		f["mweb_url"] = o.h5URL
	}
	return f
}

// v2FindOrder resolves transaction_id (preferred) or out_trade_no. p.mu is held.
func v2FindOrder(c *v2Call) (*order, *v2Error) {
	if id := c.get("transaction_id"); id != "" {
		if o := c.m.byTxn[id]; o != nil {
			return o, nil
		}
		return nil, v2OrderNotExist()
	}
	no := c.get("out_trade_no")
	if no == "" {
		return nil, v2Lack("out_trade_no或transaction_id")
	}
	if o := c.m.orders[no]; o != nil {
		return o, nil
	}
	return nil, v2OrderNotExist()
}

// v2PaidFields are the fields describing a paid order in 查询订单, 付款码支付
// and 支付结果通知.
func v2PaidFields(o *order) map[string]string {
	f := map[string]string{
		"device_info":    o.deviceInfo,
		"openid":         o.openid,
		"is_subscribe":   "N",
		"trade_type":     o.tradeType,
		"bank_type":      o.bankType,
		"total_fee":      strconv.FormatInt(o.total, 10),
		"fee_type":       o.currency,
		"cash_fee":       strconv.FormatInt(o.total, 10),
		"cash_fee_type":  o.currency,
		"transaction_id": o.transactionID,
		"out_trade_no":   o.outTradeNo,
		"attach":         o.attach,
		"time_end":       o.successTime.In(cst).Format(v2TimeLayout),
	}
	return f
}

// v2OrderQuery serves POST /pay/orderquery (查询订单). A 付款码支付 that is
// USERPAYING because of an auth_code ending in "1" is paid once
// Options.MicropayUserPayingQueries queries have seen it unpaid.
func (p *Platform) v2OrderQuery(c *v2Call) (map[string]string, *v2Error) {
	p.mu.Lock()
	o, e := v2FindOrder(c)
	if e != nil {
		p.mu.Unlock()
		return nil, e
	}
	now := p.now()
	o.refresh(now)
	send := func() error { return nil }
	if o.state == TradeStateUserPaying && strings.HasSuffix(o.authCode, "1") {
		if o.queries >= p.userPaying {
			send = p.markPaid(c.m, o, "", now)
		}
		o.queries++
	}
	var f map[string]string
	switch o.state {
	case TradeStateSuccess, TradeStateRefund:
		f = v2PaidFields(o)
	default:
		f = map[string]string{"device_info": o.deviceInfo, "out_trade_no": o.outTradeNo, "attach": o.attach,
			"total_fee": strconv.FormatInt(o.total, 10), "fee_type": o.currency}
		if o.tradeType == "MICROPAY" {
			f["trade_type"] = o.tradeType
		}
	}
	f["trade_state"] = o.state
	f["trade_state_desc"] = tradeStateDesc[o.state]
	p.mu.Unlock()
	_ = send()
	return f, nil
}

// v2CloseOrder serves POST /pay/closeorder (关闭订单).
func (p *Platform) v2CloseOrder(c *v2Call) (map[string]string, *v2Error) {
	no := c.get("out_trade_no")
	if no == "" {
		return nil, v2Lack("out_trade_no")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	o := c.m.orders[no]
	if o == nil {
		return nil, v2OrderNotExist()
	}
	o.refresh(p.now())
	switch o.state {
	case TradeStateNotPay:
		o.state = TradeStateClosed
	case TradeStateSuccess, TradeStateRefund:
		return nil, v2Biz(V2ErrOrderPaid, "订单已支付，不能发起关单")
	case TradeStateClosed:
		return nil, v2Biz(V2ErrOrderClosed, "订单已关闭，无法重复关闭")
	case TradeStateRevoked:
		return nil, v2Biz(V2ErrOrderClosed, "订单已撤销")
	default: // USERPAYING: a 付款码支付 is ended with 撤销订单
		return nil, v2Biz(V2ErrTradeError, "付款码支付订单请调用撤销订单")
	}
	return map[string]string{"result_msg": "OK"}, nil
}

// validAuthCode reports whether s looks like a WeChat payment code: 18
// digits starting with 10 to 15 (以10/11/12/13/14/15为前缀的18位数字).
func validAuthCode(s string) bool {
	return len(s) == 18 && isDigits(s) && s[0] == '1' && s[1] >= '0' && s[1] <= '5'
}

// v2Micropay serves POST /pay/micropay (付款码支付). The outcome follows the
// last digit of a well-formed auth_code: "0" pays at once, "1" answers
// USERPAYING and is paid after Options.MicropayUserPayingQueries 查询订单
// calls, "2" stays USERPAYING until reversed (or paid with Platform.Pay),
// "3" fails with NOTENOUGH, "4" with AUTHCODEEXPIRE, others with
// AUTH_CODE_INVALID.
func (p *Platform) v2Micropay(c *v2Call) (map[string]string, *v2Error) {
	total, e := checkOrderFields(c)
	if e != nil {
		return nil, e
	}
	code := c.get("auth_code")
	if code == "" {
		return nil, v2Lack("auth_code")
	}
	if !validAuthCode(code) {
		return nil, v2Biz(V2ErrAuthCodeInvalid, "请扫描微信支付授权码(以10/11/12/13/14/15为前缀的18位数字)")
	}
	switch code[17] {
	case '3':
		return nil, v2Biz(V2ErrNotEnough, "用户的零钱余额不足，请用户换卡支付")
	case '4':
		return nil, v2Biz(V2ErrAuthCodeExpire, "二维码已过期，请用户在微信上刷新后再试")
	case '0', '1', '2':
	default:
		return nil, v2Biz(V2ErrAuthCodeInvalid, "101 付款码无效，请重新扫码")
	}
	outTradeNo := c.get("out_trade_no")
	fp := strings.Join([]string{"v2", "MICROPAY", c.get("appid"), c.get("body"), c.get("attach"), code, c.get("total_fee")}, "\x00")
	now := p.now()

	p.mu.Lock()
	defer p.mu.Unlock()
	if o := c.m.orders[outTradeNo]; o != nil { // the same order submitted again
		if o.fingerprint != fp {
			return nil, v2Biz(V2ErrOutTradeNoUsed, "商户订单号重复")
		}
		switch o.state {
		case TradeStateSuccess, TradeStateRefund:
			return nil, v2Biz(V2ErrOrderPaid, "订单已支付")
		case TradeStateRevoked:
			return nil, v2Biz(V2ErrOrderReversed, "当前订单已经被撤销")
		case TradeStateClosed:
			return nil, v2Biz(V2ErrOrderClosed, "当前订单已关闭，请重新下单")
		}
		return nil, v2Biz(V2ErrUserPaying, "需要用户输入支付密码")
	}
	o := &order{
		kind:        "micropay",
		tradeType:   "MICROPAY",
		appid:       c.get("appid"),
		mchid:       c.m.MchID,
		description: c.get("body"),
		outTradeNo:  outTradeNo,
		attach:      c.get("attach"),
		goodsTag:    c.get("goods_tag"),
		createTime:  now,
		total:       total,
		currency:    "CNY",
		state:       TradeStateUserPaying,
		fingerprint: fp,
		v2:          true,
		signType:    c.signType,
		deviceInfo:  c.get("device_info"),
		authCode:    code,
	}
	c.m.orders[outTradeNo] = o
	p.log.Info("paysim v2 micropay", "mchid", o.mchid, "out_trade_no", outTradeNo, "total", total)
	if code[17] != '0' {
		return nil, v2Biz(V2ErrUserPaying, "需要用户输入支付密码")
	}
	_ = p.markPaid(c.m, o, "", now) // no notify_url: nothing to send
	return v2PaidFields(o), nil
}

// v2Reverse serves POST /secapi/pay/reverse (撤销订单, 付款码支付 only): an
// unpaid order is closed as REVOKED, a paid one refunded and REVOKED. The
// answer's recall is always N (no need to call again).
func (p *Platform) v2Reverse(c *v2Call) (map[string]string, *v2Error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	o, e := v2FindOrder(c)
	if e != nil {
		if c.get("transaction_id") != "" {
			return nil, v2Biz(V2ErrInvalidTxnID, "无效transaction_id")
		}
		return nil, e
	}
	now := p.now()
	switch {
	case o.tradeType != "MICROPAY":
		return nil, v2Biz(V2ErrTradeError, "订单的支付场景不支持该请求")
	case now.Sub(o.createTime) > 7*24*time.Hour:
		return nil, v2Biz(V2ErrReverseExpire, "订单已超过7天，不能撤销，请使用申请退款")
	case o.state == TradeStateRefund:
		return nil, v2Biz(V2ErrTradeError, "订单已发生退款，不能撤销")
	}
	if o.state == TradeStateSuccess {
		o.refunded = o.total // 撤销已支付订单：资金原路退回
	}
	o.state = TradeStateRevoked
	p.log.Info("paysim v2 order reversed", "mchid", o.mchid, "out_trade_no", o.outTradeNo)
	return map[string]string{"recall": "N"}, nil
}

// v2PaymentNotification renders the signed 支付结果通知 of a paid v2 order,
// signed with the sign_type of its 统一下单 (named in sign_type when
// HMAC-SHA256). p.mu is held.
func (p *Platform) v2PaymentNotification(m *merchantState, o *order) []byte {
	f := v2PaidFields(o)
	for k, v := range f {
		if v == "" {
			delete(f, k)
		}
	}
	f["return_code"] = V2Success
	f["return_msg"] = "OK"
	f["result_code"] = V2Success
	f["appid"] = o.appid
	f["mch_id"] = m.MchID
	f["nonce_str"] = randString(alnum, 32)
	if o.signType == SignTypeHMACSHA256 {
		f["sign_type"] = SignTypeHMACSHA256
	}
	f["sign"], _ = SignV2(f, o.signType, m.APIKey)
	return encodeV2XML("xml", f)
}
