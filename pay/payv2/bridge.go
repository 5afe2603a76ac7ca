package payv2

import (
	"fmt"
	"strconv"
	"time"
)

// JSAPIParams are the arguments of WeixinJSBridge.invoke('getBrandWCPayRequest', …)
// in a 公众号 page (JSAPI 网页端调起支付). The JSON field names are exactly
// the ones the bridge expects; marshal the struct and pass it through.
// Mini programs (wx.requestPayment) take the same timeStamp, nonceStr,
// package, signType and paySign.
type JSAPIParams struct {
	AppID     string `json:"appId"`
	TimeStamp string `json:"timeStamp"` // seconds since epoch, as a string
	NonceStr  string `json:"nonceStr"`
	Package   string `json:"package"` // "prepay_id=…"
	SignType  string `json:"signType"`
	PaySign   string `json:"paySign"`
}

// JSAPIParams builds the signed 网页端调起支付 parameters for a prepay_id
// returned by UnifiedOrder with trade_type JSAPI. The signature covers
// appId, timeStamp, nonceStr, package and signType with the client's
// SignType, as the unified order was signed.
func (c *Client) JSAPIParams(prepayID string) (*JSAPIParams, error) {
	if prepayID == "" {
		return nil, &ParamError{API: "getBrandWCPayRequest", Field: "prepay_id", Reason: "required"}
	}
	nonce, err := c.nonce()
	if err != nil {
		return nil, err
	}
	p := &JSAPIParams{
		AppID:     c.appID,
		TimeStamp: strconv.FormatInt(c.now().Unix(), 10),
		NonceStr:  nonce,
		Package:   "prepay_id=" + prepayID,
		SignType:  string(c.signType),
	}
	p.PaySign, err = c.Sign(map[string]string{
		"appId":     p.AppID,
		"timeStamp": p.TimeStamp,
		"nonceStr":  p.NonceStr,
		"package":   p.Package,
		"signType":  p.SignType,
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// AppParams are the fields of the Open SDK PayReq for APP支付 (APP端调起支付).
// The JSON names are the lowercase ones of the 调起支付接口 table.
type AppParams struct {
	AppID     string `json:"appid"`
	PartnerID string `json:"partnerid"` // 商户号
	PrepayID  string `json:"prepayid"`
	Package   string `json:"package"` // always "Sign=WXPay"
	NonceStr  string `json:"noncestr"`
	Timestamp string `json:"timestamp"`
	Sign      string `json:"sign"`
}

// AppParams builds the signed APP 调起支付 parameters for a prepay_id
// returned by UnifiedOrder with trade_type APP. The sign uses the client's
// SignType (it must match the one of 统一下单).
func (c *Client) AppParams(prepayID string) (*AppParams, error) {
	if prepayID == "" {
		return nil, &ParamError{API: "app pay", Field: "prepayid", Reason: "required"}
	}
	nonce, err := c.nonce()
	if err != nil {
		return nil, err
	}
	p := &AppParams{
		AppID:     c.appID,
		PartnerID: c.mchID,
		PrepayID:  prepayID,
		Package:   "Sign=WXPay",
		NonceStr:  nonce,
		Timestamp: strconv.FormatInt(c.now().Unix(), 10),
	}
	p.Sign, err = c.Sign(map[string]string{
		"appid":     p.AppID,
		"partnerid": p.PartnerID,
		"prepayid":  p.PrepayID,
		"package":   p.Package,
		"noncestr":  p.NonceStr,
		"timestamp": p.Timestamp,
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// ParseTime parses a v2 time field such as time_end ("20141030133525",
// yyyyMMddHHmmss) or success_time ("2017-12-15 09:46:01") as Beijing time
// (UTC+8, the zone of every WeChat Pay v2 timestamp).
func ParseTime(s string) (time.Time, error) {
	loc := time.FixedZone("CST", 8*3600)
	layout := "20060102150405"
	if len(s) == len("2006-01-02 15:04:05") {
		layout = "2006-01-02 15:04:05"
	}
	t, err := time.ParseInLocation(layout, s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: time %q", ErrMalformedResponse, s)
	}
	return t, nil
}
