package paysim

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Error codes of 付款码支付 (v3).
const (
	CodeUserPaying     = "USERPAYING"      // 202 用户支付中，需要输入密码
	CodeAuthCodeExpire = "AUTHCODE_EXPIRE" // 400 二维码已过期
	CodeAuthCodeError  = "AUTH_CODE_ERROR" // 400 付款码无效
	CodeOrderPaid      = "ORDERPAID"       // 400 订单已支付
	CodeOrderReversed  = "ORDER_REVERSED"  // 400 订单已撤销
)

// CodepayOutcome is how a simulated 付款码支付 ends, chosen with
// [Platform.SetCodepayOutcome] instead of the auth_code's last digit.
type CodepayOutcome string

// Outcomes of a simulated code payment.
const (
	CodepayPayNow       CodepayOutcome = "pay"        // paid at once
	CodepayAfterQueries CodepayOutcome = "userpaying" // USERPAYING, paid after Options.MicropayUserPayingQueries queries
	CodepayNever        CodepayOutcome = "never"      // USERPAYING until reversed
)

// SetCodepayOutcome makes every later v3 code payment end as f says for its
// auth_code (a well-formed one, 18 digits starting with 10 to 15); f
// returning "" (or a nil f) falls back to the last digit.
func (p *Platform) SetCodepayOutcome(f func(authCode string) CodepayOutcome) {
	p.mu.Lock()
	p.ext().codepayOutcome = f
	p.mu.Unlock()
}

// codepayDigit maps the chosen outcome of code to the auth_code digit rule.
// p.mu is held.
func (p *Platform) codepayDigit(code string) byte {
	if f := p.ext().codepayOutcome; f != nil {
		switch f(code) {
		case CodepayPayNow:
			return '0'
		case CodepayAfterQueries:
			return '1'
		case CodepayNever:
			return '2'
		}
	}
	return code[17]
}

func (p *Platform) routesCodepay(mux *http.ServeMux) {
	mux.Handle("POST /v3/pay/transactions/codepay", p.api(p.codepay))
	mux.Handle("POST /v3/pay/transactions/out-trade-no/{out_trade_no}/reverse", p.api(p.reverseOrder))
}

type codepayRequest struct {
	AppID       string `json:"appid"`
	MchID       string `json:"mchid"`
	Description string `json:"description"`
	OutTradeNo  string `json:"out_trade_no"`
	Attach      string `json:"attach"`
	GoodsTag    string `json:"goods_tag"`
	Payer       *struct {
		AuthCode string `json:"auth_code"`
	} `json:"payer"`
	Amount *struct {
		Total    *int64 `json:"total"`
		Currency string `json:"currency"`
	} `json:"amount"`
	SceneInfo *struct {
		DeviceID string `json:"device_id"`
	} `json:"scene_info"`
}

func (req *codepayRequest) validate(caller string) *APIError {
	if e := checkOrderHead(req.AppID, 0, req.MchID, caller, req.Description); e != nil {
		return e
	}
	switch {
	case !validOutNo(req.OutTradeNo, 6, 32, "_-*"):
		return paramErr("/body/out_trade_no", "商户订单号", "格式校验失败，要求6-32个字符，只能是数字、大小写字母_-*")
	case req.Payer == nil || req.Payer.AuthCode == "":
		return missing("/body/payer/auth_code", "授权码")
	case req.Amount == nil || req.Amount.Total == nil:
		return missing("/body/amount/total", "总金额")
	case *req.Amount.Total <= 0:
		return paramErr("/body/amount/total", "总金额", "取值校验失败，必须大于0")
	case req.SceneInfo == nil:
		return missing("/body/scene_info", "场景信息")
	}
	return nil
}

// codepay serves POST /v3/pay/transactions/codepay (付款码支付). The outcome
// follows the last digit of a well-formed auth_code, as for API v2's
// /pay/micropay: "0" pays at once (200 with the order), "1" answers
// 202 USERPAYING and is paid once Options.MicropayUserPayingQueries 查询订单
// calls saw it unpaid, "2" stays USERPAYING until reversed (or paid with
// Platform.Pay), "3" fails with 403 NOT_ENOUGH, "4" with AUTHCODE_EXPIRE,
// others with AUTH_CODE_ERROR.
func (p *Platform) codepay(c *call) (int, any, *APIError) {
	var req codepayRequest
	if e := decodeBody(c.body, &req); e != nil {
		return 0, nil, e
	}
	if e := req.validate(c.m.MchID); e != nil {
		return 0, nil, e
	}
	if len(c.m.AppIDs) > 0 && !slices.Contains(c.m.AppIDs, req.AppID) {
		return 0, nil, apiErr(http.StatusBadRequest, CodeAppIDMchIDMismatch, "AppID和mch_id不匹配")
	}
	code := req.Payer.AuthCode
	if !validAuthCode(code) {
		return 0, nil, apiErr(http.StatusBadRequest, CodeAuthCodeError, "请扫描微信支付授权码(以10/11/12/13/14/15为前缀的18位数字)")
	}
	p.mu.Lock()
	digit := p.codepayDigit(code)
	p.mu.Unlock()
	switch digit {
	case '3':
		return 0, nil, apiErr(http.StatusForbidden, CodeNotEnough, "用户的零钱余额不足，请用户换卡支付")
	case '4':
		return 0, nil, apiErr(http.StatusBadRequest, CodeAuthCodeExpire, "二维码已过期，请用户在微信上刷新后再试")
	case '0', '1', '2':
	default:
		return 0, nil, apiErr(http.StatusBadRequest, CodeAuthCodeError, "101 付款码无效，请重新扫码")
	}
	fp := strings.Join([]string{"codepay", req.AppID, req.Description, req.Attach, code, strconv.FormatInt(*req.Amount.Total, 10)}, "\x00")
	now := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if o := c.m.orders[req.OutTradeNo]; o != nil {
		if o.fingerprint != fp {
			return 0, nil, apiErr(http.StatusForbidden, CodeOutTradeNoUsed, "商户订单号重复")
		}
		switch o.state {
		case TradeStateSuccess, TradeStateRefund:
			return http.StatusOK, o.view(), nil
		case TradeStateRevoked:
			return 0, nil, apiErr(http.StatusBadRequest, CodeOrderReversed, "当前订单已经被撤销")
		}
		return http.StatusAccepted, userPaying(), nil
	}
	o := &order{
		kind: "codepay", tradeType: "MICROPAY", appid: req.AppID, mchid: c.m.MchID,
		description: req.Description, outTradeNo: req.OutTradeNo, attach: req.Attach, goodsTag: req.GoodsTag,
		createTime: now, total: *req.Amount.Total, currency: "CNY", state: TradeStateUserPaying,
		// authCode keeps the chosen outcome in its last digit for advanceCodepay.
		fingerprint: fp, pubKey: c.sig.pubKey, authCode: code[:17] + string(digit),
	}
	c.m.orders[o.outTradeNo] = o
	p.log.Info("paysim codepay", "mchid", o.mchid, "out_trade_no", o.outTradeNo, "total", o.total)
	if digit != '0' {
		return http.StatusAccepted, userPaying(), nil
	}
	_ = p.markPaid(c.m, o, "", now) // no notify_url: nothing to send
	return http.StatusOK, o.view(), nil
}

func userPaying() *APIError {
	return &APIError{Status: http.StatusAccepted, Code: CodeUserPaying, Message: "需要用户输入支付密码"}
}

// advanceCodepay pays a v3 code payment waiting for the password (auth_code
// ending in "1") once enough queries saw it unpaid. p.mu is held.
func (p *Platform) advanceCodepay(m *merchantState, o *order) {
	if o.kind != "codepay" || o.state != TradeStateUserPaying || !strings.HasSuffix(o.authCode, "1") {
		return
	}
	if o.queries >= p.userPaying {
		_ = p.markPaid(m, o, "", p.now())
	}
	o.queries++
}

// reverseOrder serves POST /v3/pay/transactions/out-trade-no/{out_trade_no}/reverse
// (撤销订单, 付款码支付 only): an unpaid order is closed as REVOKED, a paid
// one refunded and REVOKED.
func (p *Platform) reverseOrder(c *call) (int, any, *APIError) {
	var req struct {
		AppID string `json:"appid"`
		MchID string `json:"mchid"`
	}
	if e := decodeBody(c.body, &req); e != nil {
		return 0, nil, e
	}
	if req.AppID == "" {
		return 0, nil, missing("/body/appid", "应用ID")
	}
	if e := checkMchID(req.MchID, c.m.MchID); e != nil {
		return 0, nil, e
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	o := c.m.orders[c.r.PathValue("out_trade_no")]
	if o == nil {
		return 0, nil, orderNotExist()
	}
	if o.kind != "codepay" && o.kind != "micropay" {
		return 0, nil, apiErr(http.StatusBadRequest, CodeInvalidRequest, "非付款码支付订单不能撤销，请调用关闭订单或退款")
	}
	if o.appid != req.AppID {
		return 0, nil, apiErr(http.StatusBadRequest, CodeInvalidRequest, "appid与下单时不一致")
	}
	switch o.state {
	case TradeStateUserPaying, TradeStateNotPay, TradeStateSuccess:
		o.state = TradeStateRevoked
	case TradeStateRevoked:
	default:
		return 0, nil, apiErr(http.StatusBadRequest, CodeInvalidRequest, "订单状态不允许撤销")
	}
	p.log.Info("paysim codepay reversed", "mchid", o.mchid, "out_trade_no", o.outTradeNo)
	return http.StatusOK, map[string]string{"appid": o.appid, "mchid": o.mchid, "out_trade_no": o.outTradeNo}, nil
}
