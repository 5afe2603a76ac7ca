package payv2

// Common holds the fields shared by every successful v2 response. It is
// embedded in the typed responses; Raw keeps every received field (including
// ones this package does not model, e.g. sub_mch_id or new fields).
type Common struct {
	ReturnCode string `xml:"return_code"` // SUCCESS
	ReturnMsg  string `xml:"return_msg"`
	ResultCode string `xml:"result_code"` // SUCCESS (failures are returned as *Error)
	AppID      string `xml:"appid"`
	MchID      string `xml:"mch_id"`
	NonceStr   string `xml:"nonce_str"`
	Sign       string `xml:"sign"`

	// Raw is a copy of every field of the verified response.
	Raw map[string]string `xml:"-"`
}

// Trade types (交易类型).
const (
	TradeTypeJSAPI    = "JSAPI"    // 公众号/小程序支付
	TradeTypeNative   = "NATIVE"   // Native 扫码支付
	TradeTypeApp      = "APP"      // APP 支付
	TradeTypeMWeb     = "MWEB"     // H5 支付
	TradeTypeMicropay = "MICROPAY" // 付款码支付
)

// Trade states (交易状态, trade_state) returned by 查询订单.
const (
	TradeStateSuccess    = "SUCCESS"    // 支付成功
	TradeStateRefund     = "REFUND"     // 转入退款
	TradeStateNotPay     = "NOTPAY"     // 未支付
	TradeStateClosed     = "CLOSED"     // 已关闭
	TradeStateRevoked    = "REVOKED"    // 已撤销（付款码支付）
	TradeStateUserPaying = "USERPAYING" // 用户支付中（付款码支付）
	TradeStatePayError   = "PAYERROR"   // 支付失败
	TradeStateAccept     = "ACCEPT"     // 已接收，等待扣款
)

// decodeResponse fills dst (a pointer to a response struct embedding Common)
// from a verified message and stores a copy of the message in Raw.
func decodeResponse(m map[string]string, dst interface{ common() *Common }) error {
	if err := fromParams(m, dst); err != nil {
		return err
	}
	dst.common().Raw = cloneMap(m)
	return nil
}

func (c *Common) common() *Common { return c }
