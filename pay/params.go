package pay

import (
	"strconv"
)

// JSAPIPayParams are the parameters of WeixinJSBridge.invoke('getBrandWCPayRequest', ...)
// in an official account page and of wx.requestPayment in a mini program
// (JSAPI调起支付 / 小程序调起支付). Marshal it to JSON and pass it unchanged.
type JSAPIPayParams struct {
	AppID     string `json:"appId"`
	TimeStamp string `json:"timeStamp"`
	NonceStr  string `json:"nonceStr"`
	Package   string `json:"package"`  // "prepay_id=..."
	SignType  string `json:"signType"` // "RSA"
	PaySign   string `json:"paySign"`
}

// APPPayParams are the parameters of the App SDK payment request
// (APP调起支付, PayReq on Android/iOS).
type APPPayParams struct {
	AppID     string `json:"appid"`
	PartnerID string `json:"partnerid"` // mchid
	PrepayID  string `json:"prepayid"`
	Package   string `json:"package"` // "Sign=WXPay"
	NonceStr  string `json:"noncestr"`
	Timestamp string `json:"timestamp"`
	Sign      string `json:"sign"`
}

// JSAPIParams builds and signs the client-side parameters for a JSAPI or
// mini program prepay_id: paySign = RSA-SHA256 over
// "appId\ntimeStamp\nnonceStr\npackage\n" with the merchant private key.
func (c *Client) JSAPIParams(appID, prepayID string) (*JSAPIPayParams, error) {
	if appID == "" {
		return nil, &ArgumentError{Name: "appID", Reason: "required"}
	}
	if prepayID == "" {
		return nil, &ArgumentError{Name: "prepayID", Reason: "required"}
	}
	nonce, err := c.nonce()
	if err != nil {
		return nil, err
	}
	p := &JSAPIPayParams{
		AppID:     appID,
		TimeStamp: strconv.FormatInt(c.clock().Unix(), 10),
		NonceStr:  nonce,
		Package:   "prepay_id=" + prepayID,
		SignType:  "RSA",
	}
	if p.PaySign, err = c.signMessage(p.AppID, p.TimeStamp, p.NonceStr, p.Package); err != nil {
		return nil, err
	}
	return p, nil
}

// APPParams builds and signs the App payment parameters for prepayID:
// sign = RSA-SHA256 over "appid\ntimestamp\nnoncestr\nprepayid\n".
func (c *Client) APPParams(appID, prepayID string) (*APPPayParams, error) {
	if appID == "" {
		return nil, &ArgumentError{Name: "appID", Reason: "required"}
	}
	if prepayID == "" {
		return nil, &ArgumentError{Name: "prepayID", Reason: "required"}
	}
	nonce, err := c.nonce()
	if err != nil {
		return nil, err
	}
	p := &APPPayParams{
		AppID:     appID,
		PartnerID: c.mchID,
		PrepayID:  prepayID,
		Package:   "Sign=WXPay",
		NonceStr:  nonce,
		Timestamp: strconv.FormatInt(c.clock().Unix(), 10),
	}
	if p.Sign, err = c.signMessage(p.AppID, p.Timestamp, p.NonceStr, p.PrepayID); err != nil {
		return nil, err
	}
	return p, nil
}
