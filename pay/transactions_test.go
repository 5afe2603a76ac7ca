package pay_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/wxkit/mp/pay"
)

func jsapiOrder() *pay.OrderRequest {
	return &pay.OrderRequest{
		AppID:       testAppID,
		Description: "Image形象店-深圳腾大-QQ公仔",
		OutTradeNo:  "1217752501201407033233368018",
		TimeExpire:  "2018-06-08T10:34:56+08:00",
		Attach:      "自定义数据说明 <a&b>",
		NotifyURL:   testNotifyURL,
		GoodsTag:    "WXG",
		Amount:      pay.Amount{Total: 100, Currency: "CNY"},
		Payer:       &pay.Payer{OpenID: testOpenID},
	}
}

func jsapiOrderJSON(mchid string) string {
	return `{"appid":"wxd678efh567hg6787","mchid":"` + mchid + `","description":"Image形象店-深圳腾大-QQ公仔",
	"out_trade_no":"1217752501201407033233368018","time_expire":"2018-06-08T10:34:56+08:00","attach":"自定义数据说明 <a&b>",
	"notify_url":"https://www.weixin.qq.com/wxpay/pay.php","goods_tag":"WXG","amount":{"total":100,"currency":"CNY"},
	"payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}}`
}

func TestCreateJSAPIOrder(t *testing.T) {
	t.Parallel()
	f := newFakePay(t)
	f.handle("POST /v3/pay/transactions/jsapi", 200, `{"prepay_id":"wx201410272009395522657a690389285100"}`)
	c := f.client(t)
	req := jsapiOrder()
	resp, err := c.CreateJSAPIOrder(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.PrepayID != "wx201410272009395522657a690389285100" {
		t.Fatalf("prepay_id = %q", resp.PrepayID)
	}
	if req.MchID != "" {
		t.Fatal("caller's request was modified")
	}
	rs := f.requests()
	if len(rs) != 1 || rs[0].Method != "POST" || rs[0].Path != "/v3/pay/transactions/jsapi" || rs[0].Query != "" {
		t.Fatalf("requests: %+v", rs)
	}
	if rs[0].Header.Get("Content-Type") != "application/json" {
		t.Fatalf("content type %q", rs[0].Header.Get("Content-Type"))
	}
	jsonEq(t, jsapiOrderJSON(testMchID), rs[0].Body)
	if !bytes.Contains(rs[0].Body, []byte(`<a&b>`)) || bytes.HasSuffix(rs[0].Body, []byte("\n")) {
		t.Fatalf("body not sent verbatim: %s", rs[0].Body)
	}
}

func TestCreateOtherOrders(t *testing.T) {
	t.Parallel()
	f := newFakePay(t)
	f.handle("POST /v3/pay/transactions/app", 200, `{"prepay_id":"wx2014app"}`)
	f.handle("POST /v3/pay/transactions/h5", 200, `{"h5_url":"https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx2016121516420242444321ca0631331346&package=1405458241"}`)
	f.handle("POST /v3/pay/transactions/native", 200, `{"code_url":"weixin://wxpay/bizpayurl?pr=p4lpSuKzz"}`)
	c := f.client(t)
	ctx := context.Background()

	app := jsapiOrder()
	app.Payer = nil
	a, err := c.CreateAppOrder(ctx, app)
	if err != nil || a.PrepayID != "wx2014app" {
		t.Fatalf("app: %v %+v", err, a)
	}
	h5 := jsapiOrder()
	h5.Payer = nil
	h5.SceneInfo = &pay.SceneInfo{PayerClientIP: "14.23.150.211", H5Info: &pay.H5Info{Type: "Wap"}}
	h, err := c.CreateH5Order(ctx, h5)
	if err != nil || h.H5URL == "" {
		t.Fatalf("h5: %v %+v", err, h)
	}
	nat := jsapiOrder()
	nat.Payer = nil
	nat.SettleInfo = &pay.SettleInfo{ProfitSharing: false}
	nat.Detail = &pay.OrderDetail{CostPrice: 608800, GoodsDetail: []pay.GoodsDetail{{MerchantGoodsID: "1246464644", Quantity: 1, UnitPrice: 528800}}}
	n, err := c.CreateNativeOrder(ctx, nat)
	if err != nil || n.CodeURL != "weixin://wxpay/bizpayurl?pr=p4lpSuKzz" {
		t.Fatalf("native: %v %+v", err, n)
	}
	rs := f.requests()
	if len(rs) != 3 {
		t.Fatalf("%d requests", len(rs))
	}
	var body map[string]any
	_ = json.Unmarshal(rs[1].Body, &body)
	if si := body["scene_info"].(map[string]any); si["payer_client_ip"] != "14.23.150.211" || si["h5_info"].(map[string]any)["type"] != "Wap" {
		t.Fatalf("h5 body %s", rs[1].Body)
	}
	_ = json.Unmarshal(rs[2].Body, &body)
	if body["settle_info"].(map[string]any)["profit_sharing"] != false || body["detail"].(map[string]any)["cost_price"] != 608800.0 {
		t.Fatalf("native body %s", rs[2].Body)
	}
}

func TestOrderValidation(t *testing.T) {
	t.Parallel()
	c, err := pay.NewClient(testConfig(), pay.WithHTTPClient(failDoer{t}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	mut := func(f func(*pay.OrderRequest)) *pay.OrderRequest { r := jsapiOrder(); f(r); return r }
	for name, req := range map[string]*pay.OrderRequest{
		"appid":        mut(func(r *pay.OrderRequest) { r.AppID = "" }),
		"description":  mut(func(r *pay.OrderRequest) { r.Description = "" }),
		"out_trade_no": mut(func(r *pay.OrderRequest) { r.OutTradeNo = "" }),
		"notify_url":   mut(func(r *pay.OrderRequest) { r.NotifyURL = "" }),
		"amount.total": mut(func(r *pay.OrderRequest) { r.Amount.Total = 0 }),
		"payer.openid": mut(func(r *pay.OrderRequest) { r.Payer = nil }),
		"req":          nil,
	} {
		_, err := c.CreateJSAPIOrder(ctx, req)
		var ae *pay.ArgumentError
		if !errors.As(err, &ae) || ae.Name != name {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	_, err = c.CreateH5Order(ctx, jsapiOrder())
	var ae *pay.ArgumentError
	if !errors.As(err, &ae) || ae.Name != "scene_info" {
		t.Errorf("h5: %v", err)
	}
	if _, err := c.QueryOrderByID(ctx, ""); !errors.As(err, &ae) {
		t.Errorf("query: %v", err)
	}
	if _, err := c.QueryOrderByOutTradeNo(ctx, " "); !errors.As(err, &ae) {
		t.Errorf("query: %v", err)
	}
	if err := c.CloseOrder(ctx, ""); !errors.As(err, &ae) {
		t.Errorf("close: %v", err)
	}
	if _, err := c.QueryOrderByID(nilCtx(), "1"); !errors.As(err, &ae) || ae.Name != "ctx" {
		t.Errorf("nil ctx: %v", err)
	}
}

func nilCtx() context.Context { return nil }

// failDoer fails the test if a request is sent.
type failDoer struct{ t *testing.T }

func (d failDoer) Do(r *http.Request) (*http.Response, error) {
	d.t.Errorf("unexpected request %s %s", r.Method, r.URL)
	return nil, errors.New("unexpected")
}

const transactionJSON = `{"appid":"wxd678efh567hg6787","mchid":"1900000109","out_trade_no":"1217752501201407033233368018",
"transaction_id":"1217752501201407033233368018","trade_type":"JSAPI","trade_state":"SUCCESS","trade_state_desc":"支付成功",
"bank_type":"CMC","attach":"自定义数据","success_time":"2018-06-08T10:34:56+08:00","payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
"amount":{"total":100,"payer_total":90,"currency":"CNY","payer_currency":"CNY"},"scene_info":{"device_id":"013467007045764"},
"promotion_detail":[{"coupon_id":"109519","name":"单品惠-6","scope":"SINGLE","type":"CASH","stock_id":"931386","amount":10,
"wechatpay_contribute":0,"merchant_contribute":10,"other_contribute":0,"currency":"CNY",
"goods_detail":[{"goods_id":"M1006","quantity":1,"unit_price":100,"discount_amount":10,"goods_remark":"商品备注信息"}]}]}`

func TestQueryOrders(t *testing.T) {
	t.Parallel()
	f := newFakePay(t)
	f.handle("GET /v3/pay/transactions/id/{id}", 200, transactionJSON)
	f.handle("GET /v3/pay/transactions/out-trade-no/{no}", 200, transactionJSON)
	c := f.client(t)
	ctx := context.Background()
	tx, err := c.QueryOrderByID(ctx, "1217752501201407033233368018")
	if err != nil {
		t.Fatal(err)
	}
	if tx.TradeState != pay.TradeStateSuccess || tx.Amount.PayerTotal != 90 || tx.Payer.OpenID != testOpenID ||
		tx.PromotionDetail[0].GoodsDetail[0].DiscountAmount != 10 || tx.SceneInfo.DeviceID != "013467007045764" {
		t.Fatalf("decoded %+v", tx)
	}
	if _, err := c.QueryOrderByOutTradeNo(ctx, "a/b c?d"); err != nil {
		t.Fatal(err)
	}
	rs := f.requests()
	if rs[0].Method != "GET" || rs[0].Path != "/v3/pay/transactions/id/1217752501201407033233368018" || rs[0].Query != "mchid=1900000109" || len(rs[0].Body) != 0 {
		t.Fatalf("by id: %+v", rs[0])
	}
	if rs[1].Path != "/v3/pay/transactions/out-trade-no/a%2Fb%20c%3Fd" || rs[1].Query != "mchid=1900000109" {
		t.Fatalf("escaped path: %q %q", rs[1].Path, rs[1].Query)
	}
}

func TestCloseOrder204(t *testing.T) {
	t.Parallel()
	f := newFakePay(t)
	// An unsigned 204 (no body) is not WeChat Pay's: refused, unless
	// verification is turned off. A signed one signs "ts\nnonce\n\n".
	f.handleFunc("POST /v3/pay/transactions/out-trade-no/{no}/close", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("no") == "SIGNED" {
			f.reply(w, http.StatusNoContent, "")
			return
		}
		if r.PathValue("no") == "FORGED" {
			w.Header().Set("Wechatpay-Timestamp", "1")
			w.Header().Set("Wechatpay-Nonce", "n")
			w.Header().Set("Wechatpay-Serial", testPlatSerial)
			w.Header().Set("Wechatpay-Signature", "AAAA")
		}
		w.WriteHeader(http.StatusNoContent)
	})
	c := f.client(t)
	ctx := context.Background()
	if err := c.CloseOrder(ctx, "1217752501201407033233368018"); !errors.Is(err, pay.ErrMissingSignatureHeaders) {
		t.Fatalf("unsigned 204: %v", err)
	}
	if err := f.client(t, pay.WithoutResponseVerification()).CloseOrder(ctx, "UNSIGNED"); err != nil {
		t.Fatalf("unsigned 204 without verification: %v", err)
	}
	if err := c.CloseOrder(ctx, "SIGNED"); err != nil {
		t.Fatal(err)
	}
	if err := c.CloseOrder(ctx, "FORGED"); !errors.Is(err, pay.ErrTimestampSkew) {
		t.Fatalf("forged 204: %v", err)
	}
	r := f.requests()[0]
	if r.Method != "POST" || r.Path != "/v3/pay/transactions/out-trade-no/1217752501201407033233368018/close" || r.Query != "" {
		t.Fatalf("%+v", r)
	}
	jsonEq(t, `{"mchid":"1900000109"}`, r.Body)
}

func TestAPIError(t *testing.T) {
	t.Parallel()
	f := newFakePay(t)
	f.handle("GET /v3/pay/transactions/id/{id}", 404, `{"code":"ORDER_NOT_EXIST","message":"订单不存在"}`)
	f.handle("POST /v3/pay/transactions/jsapi", 400, `{"code":"PARAM_ERROR","message":"参数错误","detail":{"field":"/amount/total","value":0,"issue":"must be greater than 0","location":"body"}}`)
	f.handleFunc("GET /v3/pay/transactions/out-trade-no/{no}", func(w http.ResponseWriter, r *http.Request) {
		// Unsigned error answers (e.g. 401 SIGN_ERROR) are still decoded.
		w.Header().Set("Request-ID", "REQ-401")
		w.WriteHeader(401)
		_, _ = w.Write([]byte(`{"code":"SIGN_ERROR","message":"签名错误"}`))
	})
	f.handleFunc("POST /v3/refund/domestic/refunds", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(502)
		_, _ = w.Write([]byte(`<html>bad gateway</html>`))
	})
	c := f.client(t)
	ctx := context.Background()
	_, err := c.QueryOrderByID(ctx, "1")
	var ae *pay.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 404 || ae.Code != "ORDER_NOT_EXIST" || ae.Message != "订单不存在" ||
		ae.RequestID != "08F78BB5AF0610D302189F99DD5C20BA56F89845-0" || ae.Detail != nil {
		t.Fatalf("err = %#v", err)
	}
	if got := ae.Error(); got != "wechatpay: HTTP 404 ORDER_NOT_EXIST: 订单不存在 (request id 08F78BB5AF0610D302189F99DD5C20BA56F89845-0)" {
		t.Fatalf("Error() = %q", got)
	}
	_, err = c.CreateJSAPIOrder(ctx, jsapiOrder())
	if !errors.As(err, &ae) || ae.Code != "PARAM_ERROR" || ae.StatusCode != 400 {
		t.Fatalf("err = %v", err)
	}
	jsonEq(t, `{"field":"/amount/total","value":0,"issue":"must be greater than 0","location":"body"}`, ae.Detail)
	_, err = c.QueryOrderByOutTradeNo(ctx, "x")
	if !errors.As(err, &ae) || ae.Code != "SIGN_ERROR" || ae.RequestID != "REQ-401" {
		t.Fatalf("err = %v", err)
	}
	_, err = c.CreateRefund(ctx, refundRequest())
	if !errors.As(err, &ae) || ae.StatusCode != 502 || ae.Code != "" || ae.Message != "<html>bad gateway</html>" {
		t.Fatalf("err = %v", err)
	}
}

// TestSignedErrorForged checks that a signed error answer with a bad
// signature is reported as a verification error, not as an APIError.
func TestSignedErrorForged(t *testing.T) {
	t.Parallel()
	f := newFakePay(t)
	f.handleFunc("GET /v3/pay/transactions/id/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Wechatpay-Signature", "Zm9yZ2Vk")
		f.reply(w, 400, `{"code":"PARAM_ERROR","message":"x"}`)
	})
	c := f.client(t)
	if _, err := c.QueryOrderByID(context.Background(), "1"); !errors.Is(err, pay.ErrSignatureInvalid) {
		t.Fatalf("err = %v", err)
	}
}

func TestTransportError(t *testing.T) {
	t.Parallel()
	c, err := pay.NewClient(testConfig(), pay.WithHTTPClient(errDoer{}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.QueryOrderByID(context.Background(), "1")
	if !errors.Is(err, errBoom) {
		t.Fatalf("err = %v", err)
	}
}

var errBoom = errors.New("boom")

type errDoer struct{}

func (errDoer) Do(*http.Request) (*http.Response, error) { return nil, errBoom }
