package payv2

import (
	"context"
	"strconv"
)

// UnifiedOrderRequest is the input of 统一下单 (POST /pay/unifiedorder).
// appid, mch_id, nonce_str, sign_type and sign are filled in by the client.
type UnifiedOrderRequest struct {
	DeviceInfo     string `xml:"device_info"`      // 设备号, "WEB" for PC web / JSAPI
	Body           string `xml:"body"`             // 商品描述 (required)
	Detail         string `xml:"detail"`           // 商品详情 (JSON)
	Attach         string `xml:"attach"`           // 附加数据, echoed in query and notification
	OutTradeNo     string `xml:"out_trade_no"`     // 商户订单号 (required, ≤32)
	FeeType        string `xml:"fee_type"`         // 标价币种, default CNY
	TotalFee       int64  `xml:"total_fee"`        // 标价金额, 单位为分 (required, > 0)
	SpbillCreateIP string `xml:"spbill_create_ip"` // 终端IP (required)
	TimeStart      string `xml:"time_start"`       // 交易起始时间 yyyyMMddHHmmss
	TimeExpire     string `xml:"time_expire"`      // 交易结束时间 yyyyMMddHHmmss
	GoodsTag       string `xml:"goods_tag"`        // 订单优惠标记
	NotifyURL      string `xml:"notify_url"`       // 通知地址 (required)
	TradeType      string `xml:"trade_type"`       // JSAPI, NATIVE, APP or MWEB (required)
	ProductID      string `xml:"product_id"`       // 商品ID, required for NATIVE
	LimitPay       string `xml:"limit_pay"`        // no_credit 指定支付方式
	OpenID         string `xml:"openid"`           // 用户标识, required for JSAPI
	Receipt        string `xml:"receipt"`          // Y: 电子发票入口开放标识
	ProfitSharing  string `xml:"profit_sharing"`   // Y/N 是否需要分账
	SceneInfo      string `xml:"scene_info"`       // 场景信息 (JSON), e.g. for MWEB

	// Extra carries fields not modelled above (e.g. sub_appid, sub_mch_id,
	// sub_openid for 服务商模式). It may not set appid, mch_id, nonce_str,
	// sign or sign_type.
	Extra map[string]string `xml:"-"`
}

// UnifiedOrderResponse is the result of 统一下单.
type UnifiedOrderResponse struct {
	Common
	DeviceInfo string `xml:"device_info"`
	TradeType  string `xml:"trade_type"`
	PrepayID   string `xml:"prepay_id"` // 预支付交易会话标识, valid for 2 hours
	CodeURL    string `xml:"code_url"`  // 二维码链接 (NATIVE)
	MWebURL    string `xml:"mweb_url"`  // 支付跳转链接 (MWEB / H5)
}

// UnifiedOrder calls 统一下单 (POST /pay/unifiedorder) to create a prepaid
// order for JSAPI, NATIVE, APP or MWEB payment. Business failures (for
// example ORDERPAID, OUT_TRADE_NO_USED) are returned as *Error.
func (c *Client) UnifiedOrder(ctx context.Context, req *UnifiedOrderRequest) (*UnifiedOrderResponse, error) {
	const api = "unifiedorder"
	if req == nil {
		return nil, &ParamError{API: api, Field: "request", Reason: "nil"}
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	params, err := toParams(api, req, req.Extra)
	if err != nil {
		return nil, err
	}
	m, err := c.call(ctx, api, "/pay/unifiedorder", false, params)
	if err != nil {
		return nil, err
	}
	out := new(UnifiedOrderResponse)
	if err := decodeResponse(m, out); err != nil {
		return nil, err
	}
	return out, nil
}

func (r *UnifiedOrderRequest) validate() error {
	const api = "unifiedorder"
	switch {
	case r.Body == "":
		return &ParamError{API: api, Field: "body", Reason: "required"}
	case r.OutTradeNo == "":
		return &ParamError{API: api, Field: "out_trade_no", Reason: "required"}
	case len(r.OutTradeNo) > 32:
		return &ParamError{API: api, Field: "out_trade_no", Reason: "longer than 32 characters"}
	case r.TotalFee <= 0:
		return &ParamError{API: api, Field: "total_fee", Reason: "must be a positive number of fen, got " + strconv.FormatInt(r.TotalFee, 10)}
	case r.SpbillCreateIP == "":
		return &ParamError{API: api, Field: "spbill_create_ip", Reason: "required"}
	case r.NotifyURL == "":
		return &ParamError{API: api, Field: "notify_url", Reason: "required"}
	}
	switch r.TradeType {
	case TradeTypeJSAPI:
		if r.OpenID == "" && r.Extra["sub_openid"] == "" {
			return &ParamError{API: api, Field: "openid", Reason: "required when trade_type is JSAPI"}
		}
	case TradeTypeNative:
		if r.ProductID == "" {
			return &ParamError{API: api, Field: "product_id", Reason: "required when trade_type is NATIVE"}
		}
	case TradeTypeApp, TradeTypeMWeb:
	case "":
		return &ParamError{API: api, Field: "trade_type", Reason: "required"}
	default:
		return &ParamError{API: api, Field: "trade_type", Reason: "must be JSAPI, NATIVE, APP or MWEB"}
	}
	return nil
}
