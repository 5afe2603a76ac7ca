package payv2

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func jsapiOrder() *UnifiedOrderRequest {
	return &UnifiedOrderRequest{
		Body:           "腾讯充值中心-QQ会员充值",
		Attach:         "支付测试",
		OutTradeNo:     "1415659990",
		TotalFee:       1,
		SpbillCreateIP: "14.23.150.211",
		NotifyURL:      "https://example.com/wxpay/notify",
		TradeType:      TradeTypeJSAPI,
		OpenID:         "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
	}
}

func TestUnifiedOrder(t *testing.T) {
	t.Parallel()
	fs := newFakeServer(t, testKey)
	fs.onSigned("/pay/unifiedorder", "unifiedorder_jsapi.xml", "unifiedorder_native.xml", "unifiedorder_mweb.xml")
	c := newTestClient(t, fs.URL)
	ctx := context.Background()

	req := jsapiOrder()
	req.Extra = map[string]string{"sub_mch_id": "1900000109"}
	resp, err := c.UnifiedOrder(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, "wx201411101639507cbf6ffd8b0779950874", resp.PrepayID)
	assert.Equal(t, TradeTypeJSAPI, resp.TradeType)
	assert.Equal(t, "SUCCESS", resp.ResultCode)
	assert.Equal(t, testAppID, resp.AppID)
	assert.Equal(t, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", resp.Raw["openid"], "unmodelled field kept in Raw")

	r := fs.requests()[0]
	assertRequest(t, r, "/pay/unifiedorder")
	want := map[string]string{
		"appid": testAppID, "mch_id": testMchID, "nonce_str": r.Params["nonce_str"], "sign": r.Params["sign"],
		"body": "腾讯充值中心-QQ会员充值", "attach": "支付测试", "out_trade_no": "1415659990", "total_fee": "1",
		"spbill_create_ip": "14.23.150.211", "notify_url": "https://example.com/wxpay/notify",
		"trade_type": "JSAPI", "openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "sub_mch_id": "1900000109",
	}
	assert.Equal(t, want, r.Params)
	assert.Len(t, r.Params["sign"], 32)

	native := &UnifiedOrderRequest{Body: "b", OutTradeNo: "n1", TotalFee: 100, SpbillCreateIP: "1.2.3.4",
		NotifyURL: "https://e/n", TradeType: TradeTypeNative, ProductID: "12235413214070356458058"}
	resp, err = c.UnifiedOrder(ctx, native)
	require.NoError(t, err)
	assert.Equal(t, "weixin://wxpay/bizpayurl/up?pr=NwY5Mz9&groupid=00", resp.CodeURL)
	assert.Equal(t, "12235413214070356458058", fs.requests()[1].Params["product_id"])

	mweb := &UnifiedOrderRequest{Body: "h", OutTradeNo: "_20150806125357", TotalFee: 1, SpbillCreateIP: "14.23.150.211",
		NotifyURL: "https://e/n", TradeType: TradeTypeMWeb, SceneInfo: `{"h5_info":{"type":"Wap","wap_url":"https://pay.qq.com","wap_name":"腾讯充值"}}`}
	resp, err = c.UnifiedOrder(ctx, mweb)
	require.NoError(t, err)
	assert.Equal(t, "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx171435522823625daa0b70fe1547072800&package=638899314", resp.MWebURL)
	assert.Equal(t, mweb.SceneInfo, fs.requests()[2].Params["scene_info"])
}

func TestUnifiedOrderErrors(t *testing.T) {
	t.Parallel()
	fs := newFakeServer(t, testKey)
	fs.onSigned("/pay/unifiedorder", "result_fail_orderpaid.xml")
	c := newTestClient(t, fs.URL)
	_, err := c.UnifiedOrder(context.Background(), jsapiOrder())
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "ORDERPAID", e.ErrCode)

	fs2 := newFakeServer(t, testKey)
	fs2.on("/pay/unifiedorder", readFixture(t, "return_fail.xml"))
	_, err = newTestClient(t, fs2.URL).UnifiedOrder(context.Background(), jsapiOrder())
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "FAIL", e.ReturnCode)
}

func TestUnifiedOrderValidation(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, "http://127.0.0.1:1")
	tests := map[string]struct {
		mut   func(r *UnifiedOrderRequest)
		field string
	}{
		"body":          {func(r *UnifiedOrderRequest) { r.Body = "" }, "body"},
		"out_trade_no":  {func(r *UnifiedOrderRequest) { r.OutTradeNo = "" }, "out_trade_no"},
		"long trade no": {func(r *UnifiedOrderRequest) { r.OutTradeNo = "123456789012345678901234567890123" }, "out_trade_no"},
		"fee":           {func(r *UnifiedOrderRequest) { r.TotalFee = 0 }, "total_fee"},
		"ip":            {func(r *UnifiedOrderRequest) { r.SpbillCreateIP = "" }, "spbill_create_ip"},
		"notify":        {func(r *UnifiedOrderRequest) { r.NotifyURL = "" }, "notify_url"},
		"no type":       {func(r *UnifiedOrderRequest) { r.TradeType = "" }, "trade_type"},
		"bad type":      {func(r *UnifiedOrderRequest) { r.TradeType = "MICROPAY" }, "trade_type"},
		"openid":        {func(r *UnifiedOrderRequest) { r.OpenID = "" }, "openid"},
		"product_id":    {func(r *UnifiedOrderRequest) { r.TradeType = TradeTypeNative }, "product_id"},
		"extra sign":    {func(r *UnifiedOrderRequest) { r.Extra = map[string]string{"sign": "x"} }, "sign"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := jsapiOrder()
			tt.mut(r)
			_, err := c.UnifiedOrder(context.Background(), r)
			var pe *ParamError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.field, pe.Field)
			assert.ErrorIs(t, err, ErrInvalidParam)
		})
	}
	_, err := c.UnifiedOrder(context.Background(), nil)
	require.ErrorIs(t, err, ErrInvalidParam)
	// sub_openid satisfies JSAPI in 服务商模式.
	r := jsapiOrder()
	r.OpenID = ""
	r.Extra = map[string]string{"sub_openid": "o1"}
	require.NoError(t, r.validate())
}
