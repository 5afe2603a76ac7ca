package payv2_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/wxkit/mp/pay/payv2"
)

const apiKey = "192006250b4c09247ec02edce69f6a2d" // 32-character API密钥 (example only)

// fakeWeChatPay stands in for api.mch.weixin.qq.com: it answers 统一下单
// with a signed prepay_id.
func fakeWeChatPay() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req, err := payv2.ParseXML(body)
		if err != nil || payv2.VerifySignature(req, apiKey) != nil {
			_, _ = io.WriteString(w, `<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[签名错误]]></return_msg></xml>`)
			return
		}
		resp := map[string]string{
			"return_code": "SUCCESS", "return_msg": "OK", "result_code": "SUCCESS",
			"appid": req["appid"], "mch_id": req["mch_id"], "nonce_str": "IITRi8Iabbblz1Jc",
			"trade_type": req["trade_type"], "prepay_id": "wx201411101639507cbf6ffd8b0779950874",
		}
		resp["sign"], _ = payv2.Sign(resp, payv2.SignTypeMD5, apiKey)
		var b strings.Builder
		b.WriteString("<xml>")
		for k, v := range resp {
			fmt.Fprintf(&b, "<%s><![CDATA[%s]]></%s>", k, v, k)
		}
		b.WriteString("</xml>")
		_, _ = io.WriteString(w, b.String())
	}))
}

// Create a JSAPI order with 统一下单 and hand the signed parameters to
// WeixinJSBridge.invoke('getBrandWCPayRequest', params, cb) in the page.
func ExampleClient_UnifiedOrder() {
	srv := fakeWeChatPay()
	defer srv.Close()

	client, err := payv2.NewClient(payv2.Config{
		AppID:  "wx2421b1c4370ec43b",
		MchID:  "10000100",
		APIKey: apiKey,
	},
		payv2.WithBaseURL(srv.URL), // omit in production
		// Fixed clock and randomness only to make this example's output stable.
		payv2.WithClock(func() time.Time { return time.Unix(1414561699, 0) }),
		payv2.WithRandom(bytes.NewReader(bytes.Repeat([]byte("0123456789"), 20))),
	)
	if err != nil {
		log.Fatal(err)
	}
	order, err := client.UnifiedOrder(context.Background(), &payv2.UnifiedOrderRequest{
		Body:           "腾讯充值中心-QQ会员充值",
		OutTradeNo:     "1415659990",
		TotalFee:       1, // 分
		SpbillCreateIP: "14.23.150.211",
		NotifyURL:      "https://example.com/wxpay/notify",
		TradeType:      payv2.TradeTypeJSAPI,
		OpenID:         "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
	})
	if err != nil {
		log.Fatal(err) // *payv2.Error for WeChat-reported failures
	}
	fmt.Println("prepay_id:", order.PrepayID)

	params, err := client.JSAPIParams(order.PrepayID)
	if err != nil {
		log.Fatal(err)
	}
	js, _ := json.MarshalIndent(params, "", "  ")
	fmt.Println(string(js))
	// Output:
	// prepay_id: wx201411101639507cbf6ffd8b0779950874
	// {
	//   "appId": "wx2421b1c4370ec43b",
	//   "timeStamp": "1414561699",
	//   "nonceStr": "45wxyz012345wxyz012345wxyz012345",
	//   "package": "prepay_id=wx201411101639507cbf6ffd8b0779950874",
	//   "signType": "MD5",
	//   "paySign": "BB3E95B3B7BBD9DB638F609EA1627099"
	// }
}

// Serve the notify_url of 统一下单: the handler verifies the signature over
// all fields and replies SUCCESS only when the callback returns nil.
func ExampleClient_PaymentNotificationHandler() {
	client, err := payv2.NewClient(payv2.Config{AppID: "wx2421b1c4370ec43b", MchID: "10000100", APIKey: apiKey})
	if err != nil {
		log.Fatal(err)
	}
	handler := client.PaymentNotificationHandler(func(ctx context.Context, n *payv2.PaymentNotification) error {
		// Check the amount against your order and make this idempotent:
		// WeChat may deliver the same notification several times.
		fmt.Println("paid:", n.Paid(), n.OutTradeNo, n.TotalFee, n.TransactionID)
		return nil
	})
	// http.Handle("/wxpay/notify", handler) in a real server.

	// Simulate WeChat Pay posting a signed 支付结果通知.
	fields := map[string]string{
		"return_code": "SUCCESS", "result_code": "SUCCESS", "appid": "wx2421b1c4370ec43b", "mch_id": "10000100",
		"nonce_str": "5d2b6c2a8db53831f7eda20af46e531c", "openid": "oUpF8uMEb4qRXf22hE3X68TekukE",
		"out_trade_no": "1409811653", "total_fee": "1", "cash_fee": "1", "trade_type": "JSAPI",
		"transaction_id": "1004400740201409030005092168", "time_end": "20140903131540", "bank_type": "CFT",
	}
	fields["sign"], _ = payv2.Sign(fields, payv2.SignTypeMD5, apiKey)
	var body strings.Builder
	body.WriteString("<xml>")
	for k, v := range fields {
		fmt.Fprintf(&body, "<%s><![CDATA[%s]]></%s>", k, v, k)
	}
	body.WriteString("</xml>")

	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/wxpay/notify", strings.NewReader(body.String())))
	fmt.Println(rec.Code, rec.Body.String())
	// Output:
	// paid: true 1409811653 1 1004400740201409030005092168
	// 200 <xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>
}

// The worked example of 安全规范 / 签名算法.
func ExampleSign() {
	params := map[string]string{
		"appid":       "wxd930ea5d5a258f4f",
		"mch_id":      "10000100",
		"device_info": "1000",
		"body":        "test",
		"nonce_str":   "ibuaiVcKdpRxkhJA",
	}
	md5Sign, _ := payv2.Sign(params, payv2.SignTypeMD5, "192006250b4c09247ec02edce69f6a2d")
	hmacSign, _ := payv2.Sign(params, payv2.SignTypeHMACSHA256, "192006250b4c09247ec02edce69f6a2d")
	fmt.Println(md5Sign)
	fmt.Println(hmacSign)
	// Output:
	// 9A0A8659F005D6984697E2CA0A9CF3B7
	// 6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6
}
