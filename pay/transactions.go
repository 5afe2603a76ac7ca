package pay

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Trade states (交易状态, trade_state).
const (
	TradeStateSuccess    = "SUCCESS"    // 支付成功
	TradeStateRefund     = "REFUND"     // 转入退款
	TradeStateNotPay     = "NOTPAY"     // 未支付
	TradeStateClosed     = "CLOSED"     // 已关闭
	TradeStateRevoked    = "REVOKED"    // 已撤销(仅付款码支付)
	TradeStateUserPaying = "USERPAYING" // 用户支付中(仅付款码支付)
	TradeStatePayError   = "PAYERROR"   // 支付失败
)

// Trade types (交易类型, trade_type).
const (
	TradeTypeJSAPI    = "JSAPI"
	TradeTypeNative   = "NATIVE"
	TradeTypeApp      = "APP"
	TradeTypeMicroPay = "MICROPAY"
	TradeTypeMWEB     = "MWEB" // H5
	TradeTypeFacePay  = "FACEPAY"
)

// FormatTime formats t as WeChat Pay expects for time_expire
// (yyyy-MM-DDTHH:mm:ss+TIMEZONE), in China Standard Time, e.g.
// "2018-06-08T10:34:56+08:00".
func FormatTime(t time.Time) string { return t.In(time.FixedZone("CST", 8*3600)).Format(time.RFC3339) }

// Amount is the order amount (订单金额). Amounts are in fen (分).
type Amount struct {
	Total    int64  `json:"total"`
	Currency string `json:"currency,omitempty"` // "CNY" (default)
}

// Payer identifies the paying user (支付者).
type Payer struct {
	OpenID string `json:"openid"` // the user's openid under appid
}

// GoodsDetail is one line of OrderDetail.GoodsDetail (单品列表).
type GoodsDetail struct {
	MerchantGoodsID  string `json:"merchant_goods_id"`
	WechatpayGoodsID string `json:"wechatpay_goods_id,omitempty"`
	GoodsName        string `json:"goods_name,omitempty"`
	Quantity         int64  `json:"quantity"`
	UnitPrice        int64  `json:"unit_price"`
}

// OrderDetail is the optional discount detail (优惠功能, detail).
type OrderDetail struct {
	CostPrice   int64         `json:"cost_price,omitempty"`
	InvoiceID   string        `json:"invoice_id,omitempty"`
	GoodsDetail []GoodsDetail `json:"goods_detail,omitempty"`
}

// StoreInfo describes the merchant store (商户门店信息).
type StoreInfo struct {
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
	AreaCode string `json:"area_code,omitempty"`
	Address  string `json:"address,omitempty"`
}

// H5Info is required for H5 orders (H5场景信息).
type H5Info struct {
	Type        string `json:"type"` // "Wap", "iOS" or "Android"
	AppName     string `json:"app_name,omitempty"`
	AppURL      string `json:"app_url,omitempty"`
	BundleID    string `json:"bundle_id,omitempty"`
	PackageName string `json:"package_name,omitempty"`
}

// SceneInfo is the payment scene (场景信息).
type SceneInfo struct {
	PayerClientIP string     `json:"payer_client_ip"`
	DeviceID      string     `json:"device_id,omitempty"`
	StoreInfo     *StoreInfo `json:"store_info,omitempty"`
	H5Info        *H5Info    `json:"h5_info,omitempty"`
}

// SettleInfo is the settlement info (结算信息).
type SettleInfo struct {
	ProfitSharing bool `json:"profit_sharing"` // 是否指定分账
}

// OrderRequest is the body of JSAPI/APP/H5/Native ordering (下单). MchID is
// filled from the client when empty. Payer is required for JSAPI, SceneInfo
// with H5Info for H5.
type OrderRequest struct {
	AppID         string       `json:"appid"`
	MchID         string       `json:"mchid"`
	Description   string       `json:"description"`
	OutTradeNo    string       `json:"out_trade_no"`
	TimeExpire    string       `json:"time_expire,omitempty"` // RFC 3339, see FormatTime
	Attach        string       `json:"attach,omitempty"`
	NotifyURL     string       `json:"notify_url"`
	GoodsTag      string       `json:"goods_tag,omitempty"`
	SupportFapiao bool         `json:"support_fapiao,omitempty"`
	Amount        Amount       `json:"amount"`
	Payer         *Payer       `json:"payer,omitempty"`
	Detail        *OrderDetail `json:"detail,omitempty"`
	SceneInfo     *SceneInfo   `json:"scene_info,omitempty"`
	SettleInfo    *SettleInfo  `json:"settle_info,omitempty"`
}

// PrepayResponse is the answer of JSAPI and APP ordering.
type PrepayResponse struct {
	PrepayID string `json:"prepay_id"` // 预支付交易会话标识, valid for 2 hours
}

// H5OrderResponse is the answer of H5 ordering.
type H5OrderResponse struct {
	H5URL string `json:"h5_url"` // 支付跳转链接
}

// NativeOrderResponse is the answer of Native ordering.
type NativeOrderResponse struct {
	CodeURL string `json:"code_url"` // 二维码链接, to render as a QR code
}

func (c *Client) prepareOrder(req *OrderRequest, kind string) (*OrderRequest, error) {
	if req == nil {
		return nil, &ArgumentError{Name: "req", Reason: "nil request"}
	}
	r := *req
	if r.MchID == "" {
		r.MchID = c.mchID
	}
	switch {
	case r.AppID == "":
		return nil, &ArgumentError{Name: "appid", Reason: "required"}
	case r.Description == "":
		return nil, &ArgumentError{Name: "description", Reason: "required"}
	case r.OutTradeNo == "":
		return nil, &ArgumentError{Name: "out_trade_no", Reason: "required"}
	case r.NotifyURL == "":
		return nil, &ArgumentError{Name: "notify_url", Reason: "required"}
	case r.Amount.Total <= 0:
		return nil, &ArgumentError{Name: "amount.total", Reason: "must be positive (fen)"}
	}
	if kind == TradeTypeJSAPI && (r.Payer == nil || r.Payer.OpenID == "") {
		return nil, &ArgumentError{Name: "payer.openid", Reason: "required for JSAPI"}
	}
	if kind == TradeTypeMWEB && (r.SceneInfo == nil || r.SceneInfo.PayerClientIP == "" || r.SceneInfo.H5Info == nil || r.SceneInfo.H5Info.Type == "") {
		return nil, &ArgumentError{Name: "scene_info", Reason: "payer_client_ip and h5_info.type are required for H5"}
	}
	return &r, nil
}

// CreateJSAPIOrder calls JSAPI下单 (POST /v3/pay/transactions/jsapi), used by
// official accounts and mini programs. Pass the prepay_id to JSAPIParams.
func (c *Client) CreateJSAPIOrder(ctx context.Context, req *OrderRequest) (*PrepayResponse, error) {
	r, err := c.prepareOrder(req, TradeTypeJSAPI)
	if err != nil {
		return nil, err
	}
	var out PrepayResponse
	if _, err := c.do(ctx, &apiRequest{method: http.MethodPost, path: "/v3/pay/transactions/jsapi", body: r}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateAppOrder calls APP下单 (POST /v3/pay/transactions/app). Pass the
// prepay_id to APPParams.
func (c *Client) CreateAppOrder(ctx context.Context, req *OrderRequest) (*PrepayResponse, error) {
	r, err := c.prepareOrder(req, TradeTypeApp)
	if err != nil {
		return nil, err
	}
	var out PrepayResponse
	if _, err := c.do(ctx, &apiRequest{method: http.MethodPost, path: "/v3/pay/transactions/app", body: r}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateH5Order calls H5下单 (POST /v3/pay/transactions/h5) and returns the
// h5_url to redirect the mobile browser to.
func (c *Client) CreateH5Order(ctx context.Context, req *OrderRequest) (*H5OrderResponse, error) {
	r, err := c.prepareOrder(req, TradeTypeMWEB)
	if err != nil {
		return nil, err
	}
	var out H5OrderResponse
	if _, err := c.do(ctx, &apiRequest{method: http.MethodPost, path: "/v3/pay/transactions/h5", body: r}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateNativeOrder calls Native下单 (POST /v3/pay/transactions/native) and
// returns the code_url to show as a QR code.
func (c *Client) CreateNativeOrder(ctx context.Context, req *OrderRequest) (*NativeOrderResponse, error) {
	r, err := c.prepareOrder(req, TradeTypeNative)
	if err != nil {
		return nil, err
	}
	var out NativeOrderResponse
	if _, err := c.do(ctx, &apiRequest{method: http.MethodPost, path: "/v3/pay/transactions/native", body: r}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// TransactionAmount is the amount part of a Transaction.
type TransactionAmount struct {
	Total         int64  `json:"total"`
	PayerTotal    int64  `json:"payer_total"`
	Currency      string `json:"currency"`
	PayerCurrency string `json:"payer_currency"`
}

// PromotionGoodsDetail is a goods line of a PromotionDetail.
type PromotionGoodsDetail struct {
	GoodsID        string `json:"goods_id"`
	Quantity       int64  `json:"quantity"`
	UnitPrice      int64  `json:"unit_price"`
	DiscountAmount int64  `json:"discount_amount"`
	GoodsRemark    string `json:"goods_remark,omitempty"`
}

// PromotionDetail is a coupon used in a payment (优惠功能).
type PromotionDetail struct {
	CouponID            string                 `json:"coupon_id"`
	Name                string                 `json:"name,omitempty"`
	Scope               string                 `json:"scope,omitempty"` // GLOBAL, SINGLE
	Type                string                 `json:"type,omitempty"`  // CASH, NOCASH
	Amount              int64                  `json:"amount"`
	StockID             string                 `json:"stock_id,omitempty"`
	WechatpayContribute int64                  `json:"wechatpay_contribute,omitempty"`
	MerchantContribute  int64                  `json:"merchant_contribute,omitempty"`
	OtherContribute     int64                  `json:"other_contribute,omitempty"`
	Currency            string                 `json:"currency,omitempty"`
	GoodsDetail         []PromotionGoodsDetail `json:"goods_detail,omitempty"`
}

// TransactionSceneInfo is the scene part of a Transaction.
type TransactionSceneInfo struct {
	DeviceID string `json:"device_id,omitempty"`
}

// Transaction is a payment order as returned by 查询订单 and carried by the
// TRANSACTION.SUCCESS notification (支付成功通知).
type Transaction struct {
	AppID           string                `json:"appid"`
	MchID           string                `json:"mchid"`
	OutTradeNo      string                `json:"out_trade_no"`
	TransactionID   string                `json:"transaction_id,omitempty"`
	TradeType       string                `json:"trade_type,omitempty"`
	TradeState      string                `json:"trade_state"`
	TradeStateDesc  string                `json:"trade_state_desc"`
	BankType        string                `json:"bank_type,omitempty"`
	Attach          string                `json:"attach,omitempty"`
	SuccessTime     string                `json:"success_time,omitempty"`
	Payer           *Payer                `json:"payer,omitempty"`
	Amount          *TransactionAmount    `json:"amount,omitempty"`
	SceneInfo       *TransactionSceneInfo `json:"scene_info,omitempty"`
	PromotionDetail []PromotionDetail     `json:"promotion_detail,omitempty"`
}

func mchQuery(mchID string) url.Values { return url.Values{"mchid": {mchID}} }

func requireSegment(name, v string) error {
	if strings.TrimSpace(v) == "" {
		return &ArgumentError{Name: name, Reason: "required"}
	}
	return nil
}

// QueryOrderByID calls 微信支付订单号查询订单
// (GET /v3/pay/transactions/id/{transaction_id}?mchid=).
func (c *Client) QueryOrderByID(ctx context.Context, transactionID string) (*Transaction, error) {
	if err := requireSegment("transaction_id", transactionID); err != nil {
		return nil, err
	}
	var out Transaction
	_, err := c.do(ctx, &apiRequest{method: http.MethodGet,
		path:  "/v3/pay/transactions/id/" + url.PathEscape(transactionID),
		query: mchQuery(c.mchID)}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// QueryOrderByOutTradeNo calls 商户订单号查询订单
// (GET /v3/pay/transactions/out-trade-no/{out_trade_no}?mchid=).
func (c *Client) QueryOrderByOutTradeNo(ctx context.Context, outTradeNo string) (*Transaction, error) {
	if err := requireSegment("out_trade_no", outTradeNo); err != nil {
		return nil, err
	}
	var out Transaction
	_, err := c.do(ctx, &apiRequest{method: http.MethodGet,
		path:  "/v3/pay/transactions/out-trade-no/" + url.PathEscape(outTradeNo),
		query: mchQuery(c.mchID)}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// CloseOrder calls 关闭订单
// (POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close, body
// {"mchid"}); WeChat Pay answers 204 No Content.
func (c *Client) CloseOrder(ctx context.Context, outTradeNo string) error {
	if err := requireSegment("out_trade_no", outTradeNo); err != nil {
		return err
	}
	_, err := c.do(ctx, &apiRequest{method: http.MethodPost,
		path: "/v3/pay/transactions/out-trade-no/" + url.PathEscape(outTradeNo) + "/close",
		body: struct {
			MchID string `json:"mchid"`
		}{c.mchID}}, nil)
	return err
}
