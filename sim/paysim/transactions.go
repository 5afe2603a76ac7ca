package paysim

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Trade states (交易状态) reported by the query endpoints and notifications.
const (
	TradeStateNotPay     = "NOTPAY"
	TradeStateSuccess    = "SUCCESS"
	TradeStateRefund     = "REFUND"
	TradeStateClosed     = "CLOSED"
	TradeStateUserPaying = "USERPAYING" // 用户支付中（付款码支付）
	TradeStateRevoked    = "REVOKED"    // 已撤销（付款码支付）
)

var tradeStateDesc = map[string]string{
	TradeStateNotPay:     "订单未支付",
	TradeStateSuccess:    "支付成功",
	TradeStateRefund:     "转入退款",
	TradeStateClosed:     "订单已关闭",
	TradeStateUserPaying: "需要用户输入支付密码",
	TradeStateRevoked:    "已撤销（付款码支付）",
}

// tradeTypes maps the path segment of the ordering endpoint to trade_type.
var tradeTypes = map[string]string{
	"jsapi":  "JSAPI",
	"app":    "APP",
	"h5":     "MWEB",
	"native": "NATIVE",
}

// Transaction is the order as the query endpoints (查询订单) answer it and as
// the TRANSACTION.SUCCESS notification carries it.
type Transaction struct {
	AppID          string            `json:"appid"`
	MchID          string            `json:"mchid"`
	OutTradeNo     string            `json:"out_trade_no"`
	TransactionID  string            `json:"transaction_id,omitempty"`
	TradeType      string            `json:"trade_type,omitempty"`
	TradeState     string            `json:"trade_state"`
	TradeStateDesc string            `json:"trade_state_desc"`
	BankType       string            `json:"bank_type,omitempty"`
	Attach         string            `json:"attach"`
	SuccessTime    string            `json:"success_time,omitempty"`
	Payer          *Payer            `json:"payer,omitempty"`
	Amount         TransactionAmount `json:"amount"`
}

// Payer is the paying user (支付者).
type Payer struct {
	OpenID string `json:"openid"`
}

// TransactionAmount is the amount of an order, in fen (分).
type TransactionAmount struct {
	Total         int64  `json:"total"`
	PayerTotal    *int64 `json:"payer_total,omitempty"`
	Currency      string `json:"currency"`
	PayerCurrency string `json:"payer_currency"`
}

// PrepayResponse is the answer of the ordering endpoints (下单): prepay_id for
// JSAPI and APP, code_url for Native, h5_url for H5.
type PrepayResponse struct {
	PrepayID string `json:"prepay_id,omitempty"`
	CodeURL  string `json:"code_url,omitempty"`
	H5URL    string `json:"h5_url,omitempty"`
}

type order struct {
	kind, tradeType                string
	appid, mchid, description      string
	outTradeNo, notifyURL, attach  string
	goodsTag                       string
	timeExpire, createTime         time.Time
	total                          int64
	currency, openid               string
	prepayID, codeURL, h5URL       string
	state, transactionID, bankType string
	successTime                    time.Time
	refunded                       int64
	fingerprint                    string
	pubKey                         bool

	// API v2 (legacy XML) orders.
	v2         bool   // created by /pay/unifiedorder or /pay/micropay
	signType   string // MD5 or HMAC-SHA256, of the creating request
	deviceInfo string
	authCode   string // 付款码支付: the scanned auth_code
	queries    int    // 查询订单 calls seen while USERPAYING
}

func (o *order) refresh(now time.Time) {
	if o.state == TradeStateNotPay && !o.timeExpire.IsZero() && now.After(o.timeExpire) {
		o.state = TradeStateClosed
	}
}

func (o *order) view() Transaction {
	t := Transaction{
		AppID:          o.appid,
		MchID:          o.mchid,
		OutTradeNo:     o.outTradeNo,
		TransactionID:  o.transactionID,
		TradeType:      o.tradeType,
		TradeState:     o.state,
		TradeStateDesc: tradeStateDesc[o.state],
		BankType:       o.bankType,
		Attach:         o.attach,
		Amount:         TransactionAmount{Total: o.total, Currency: o.currency, PayerCurrency: o.currency},
	}
	if o.openid != "" {
		t.Payer = &Payer{OpenID: o.openid}
	}
	if !o.successTime.IsZero() {
		t.SuccessTime = o.successTime.In(cst).Format(time.RFC3339)
		paid := o.total
		t.Amount.PayerTotal = &paid
	}
	return t
}

func (o *order) prepayResponse() PrepayResponse {
	switch o.kind {
	case "native":
		return PrepayResponse{CodeURL: o.codeURL}
	case "h5":
		return PrepayResponse{H5URL: o.h5URL}
	}
	return PrepayResponse{PrepayID: o.prepayID}
}

type createOrderRequest struct {
	AppID       string `json:"appid"`
	MchID       string `json:"mchid"`
	Description string `json:"description"`
	OutTradeNo  string `json:"out_trade_no"`
	TimeExpire  string `json:"time_expire"`
	Attach      string `json:"attach"`
	NotifyURL   string `json:"notify_url"`
	GoodsTag    string `json:"goods_tag"`
	Amount      *struct {
		Total    *int64 `json:"total"`
		Currency string `json:"currency"`
	} `json:"amount"`
	Payer *struct {
		OpenID string `json:"openid"`
	} `json:"payer"`
	SceneInfo *struct {
		PayerClientIP string `json:"payer_client_ip"`
		H5Info        *struct {
			Type string `json:"type"`
		} `json:"h5_info"`
	} `json:"scene_info"`
}

// decodeBody decodes a JSON request body, mapping type errors to PARAM_ERROR
// on the offending field as WeChat Pay does.
func decodeBody(body []byte, v any) *APIError {
	if len(bytes.TrimSpace(body)) == 0 {
		return apiErr(http.StatusBadRequest, CodeParamError, "请求体为空，请检查请求参数")
	}
	if err := json.Unmarshal(body, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			f := "/body/" + strings.ReplaceAll(te.Field, ".", "/")
			return paramErr(f, te.Field, "类型校验失败，应为"+te.Type.String())
		}
		return apiErr(http.StatusBadRequest, CodeParamError, "请求体不是合法的JSON")
	}
	return nil
}

func validOutNo(s string, min, max int, extra string) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || strings.IndexByte(extra, c) >= 0 {
			continue
		}
		return false
	}
	return true
}

func validNotifyURL(s string) bool {
	if len(s) > 255 {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return false
	}
	return u.RawQuery == "" && !strings.Contains(s, "?") // 不能携带参数
}

// checkMchID checks the body's mchid: present, and the caller's.
func checkMchID(mchid, caller string) *APIError {
	switch {
	case mchid == "":
		return missing("/body/mchid", "直连商户号")
	case mchid != caller:
		return paramErr("/body/mchid", "直连商户号", "与Authorization中的商户号不一致")
	}
	return nil
}

// checkOrderHead checks the fields an order request starts with: appid
// (at most appIDMax bytes when appIDMax > 0), mchid, and description (at
// most 127 characters).
func checkOrderHead(appID string, appIDMax int, mchid, caller, description string) *APIError {
	switch {
	case appID == "":
		return missing("/body/appid", "应用ID")
	case appIDMax > 0 && len(appID) > appIDMax:
		return invalid("/body/appid", "应用ID")
	}
	if e := checkMchID(mchid, caller); e != nil {
		return e
	}
	switch {
	case description == "":
		return missing("/body/description", "商品描述")
	case utf8.RuneCountInString(description) > 127:
		return paramErr("/body/description", "商品描述", "长度校验失败，不能超过127个字符")
	}
	return nil
}

func (req *createOrderRequest) validate(kind, caller string) *APIError {
	if e := checkOrderHead(req.AppID, 32, req.MchID, caller, req.Description); e != nil {
		return e
	}
	switch {
	case req.OutTradeNo == "":
		return missing("/body/out_trade_no", "商户订单号")
	case !validOutNo(req.OutTradeNo, 6, 32, "_-|*"):
		return paramErr("/body/out_trade_no", "商户订单号", "格式校验失败，要求6-32个字符，只能是数字、大小写字母_-|*")
	case req.NotifyURL == "":
		return missing("/body/notify_url", "通知地址")
	case !validNotifyURL(req.NotifyURL):
		return paramErr("/body/notify_url", "通知地址", "格式校验失败，须为http(s)绝对地址且不能携带参数")
	case utf8.RuneCountInString(req.Attach) > 128:
		return paramErr("/body/attach", "附加数据", "长度校验失败，不能超过128个字符")
	case req.Amount == nil:
		return missing("/body/amount", "订单金额")
	case req.Amount.Total == nil:
		return missing("/body/amount/total", "总金额")
	case *req.Amount.Total <= 0:
		return paramErr("/body/amount/total", "总金额", "取值校验失败，必须大于0")
	case req.Amount.Currency != "" && req.Amount.Currency != "CNY":
		return paramErr("/body/amount/currency", "货币类型", "取值校验失败，目前只支持CNY")
	}
	if req.TimeExpire != "" {
		if _, err := time.Parse(time.RFC3339, req.TimeExpire); err != nil {
			return paramErr("/body/time_expire", "支付结束时间", "格式校验失败，须遵循rfc3339标准格式")
		}
	}
	switch kind {
	case "jsapi":
		if req.Payer == nil || req.Payer.OpenID == "" {
			return missing("/body/payer/openid", "用户标识")
		}
		if len(req.Payer.OpenID) > 128 {
			return invalid("/body/payer/openid", "用户标识")
		}
	case "h5":
		switch {
		case req.SceneInfo == nil:
			return missing("/body/scene_info", "场景信息")
		case req.SceneInfo.PayerClientIP == "":
			return missing("/body/scene_info/payer_client_ip", "用户终端IP")
		case req.SceneInfo.H5Info == nil || req.SceneInfo.H5Info.Type == "":
			return missing("/body/scene_info/h5_info/type", "场景类型")
		}
	}
	return nil
}

// createOrder serves POST /v3/pay/transactions/{jsapi|app|h5|native}
// (JSAPI下单, APP下单, H5下单, Native下单).
func (p *Platform) createOrder(c *call) (int, any, *APIError) {
	kind := c.r.PathValue("kind")
	tradeType, ok := tradeTypes[kind]
	if !ok {
		return 0, nil, apiErr(http.StatusNotFound, CodeNotFound, "接口不存在，请检查请求方法和URL")
	}
	var req createOrderRequest
	if e := decodeBody(c.body, &req); e != nil {
		return 0, nil, e
	}
	if e := req.validate(kind, c.m.MchID); e != nil {
		return 0, nil, e
	}
	if len(c.m.AppIDs) > 0 && !slices.Contains(c.m.AppIDs, req.AppID) {
		return 0, nil, apiErr(http.StatusBadRequest, CodeAppIDMchIDMismatch, "AppID和mch_id不匹配")
	}
	currency := "CNY"
	openid := ""
	if req.Payer != nil {
		openid = req.Payer.OpenID
	}
	fp := strings.Join([]string{kind, req.AppID, req.Description, req.NotifyURL, req.Attach, openid, strconv.FormatInt(*req.Amount.Total, 10)}, "\x00")
	now := p.now()

	p.mu.Lock()
	defer p.mu.Unlock()
	if o := c.m.orders[req.OutTradeNo]; o != nil {
		o.refresh(now)
		if o.state == TradeStateNotPay && o.fingerprint == fp {
			return http.StatusOK, o.prepayResponse(), nil // same order placed again: same prepay_id
		}
		return 0, nil, apiErr(http.StatusForbidden, CodeOutTradeNoUsed, "商户订单号重复")
	}
	o := &order{
		kind:        kind,
		tradeType:   tradeType,
		appid:       req.AppID,
		mchid:       req.MchID,
		description: req.Description,
		outTradeNo:  req.OutTradeNo,
		notifyURL:   req.NotifyURL,
		attach:      req.Attach,
		goodsTag:    req.GoodsTag,
		createTime:  now,
		total:       *req.Amount.Total,
		currency:    currency,
		openid:      openid,
		state:       TradeStateNotPay,
		fingerprint: fp,
		pubKey:      c.sig.pubKey,
		prepayID:    "wx" + now.In(cst).Format("20060102150405") + randString("0123456789abcdef", 20),
	}
	if req.TimeExpire != "" {
		o.timeExpire, _ = time.Parse(time.RFC3339, req.TimeExpire)
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
	c.m.orders[o.outTradeNo] = o
	p.log.Info("paysim order created", "mchid", o.mchid, "out_trade_no", o.outTradeNo, "trade_type", tradeType, "total", o.total)
	return http.StatusOK, o.prepayResponse(), nil
}

func checkMchIDQuery(c *call) *APIError {
	q := c.r.URL.Query().Get("mchid")
	if q == "" {
		return missing("/query/mchid", "直连商户号")
	}
	if q != c.m.MchID {
		return paramErr("/query/mchid", "直连商户号", "与Authorization中的商户号不一致")
	}
	return nil
}

var errOrderNotExist = apiErr(http.StatusNotFound, CodeOrderNotExist, "订单不存在")

func orderNotExist() *APIError { e := *errOrderNotExist; return &e }

// queryByOutTradeNo serves GET /v3/pay/transactions/out-trade-no/{out_trade_no}
// (商户订单号查询订单).
func (p *Platform) queryByOutTradeNo(c *call) (int, any, *APIError) {
	if e := checkMchIDQuery(c); e != nil {
		return 0, nil, e
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	o := c.m.orders[c.r.PathValue("out_trade_no")]
	if o == nil {
		return 0, nil, orderNotExist()
	}
	o.refresh(p.now())
	p.advanceCodepay(c.m, o) // see codepay.go
	return http.StatusOK, o.view(), nil
}

// queryByTransactionID serves GET /v3/pay/transactions/id/{transaction_id}
// (微信支付订单号查询订单).
func (p *Platform) queryByTransactionID(c *call) (int, any, *APIError) {
	if e := checkMchIDQuery(c); e != nil {
		return 0, nil, e
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	o := c.m.byTxn[c.r.PathValue("transaction_id")]
	if o == nil {
		return 0, nil, orderNotExist()
	}
	return http.StatusOK, o.view(), nil
}

// closeOrder serves POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close
// (关闭订单): 204 No Content, empty but signed.
func (p *Platform) closeOrder(c *call) (int, any, *APIError) {
	var req struct {
		MchID string `json:"mchid"`
	}
	if e := decodeBody(c.body, &req); e != nil {
		return 0, nil, e
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
	o.refresh(p.now())
	switch o.state {
	case TradeStateNotPay:
		o.state = TradeStateClosed
	case TradeStateClosed:
	default:
		return 0, nil, apiErr(http.StatusBadRequest, CodeInvalidRequest, "订单已支付，不能关闭")
	}
	return http.StatusNoContent, nil, nil
}

// Transaction returns a snapshot of an order, for tests and dashboards.
func (p *Platform) Transaction(mchid, outTradeNo string) (Transaction, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := p.merchants[mchid]
	if m == nil {
		return Transaction{}, apiErr(http.StatusBadRequest, CodeMchNotExists, "商户号不存在")
	}
	o := m.orders[outTradeNo]
	if o == nil {
		return Transaction{}, orderNotExist()
	}
	o.refresh(p.now())
	return o.view(), nil
}
