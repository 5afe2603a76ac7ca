package pay_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/wxkit/mp/pay"
)

// exampleWechatPay starts a stand-in for api.mch.weixin.qq.com that answers
// JSAPI ordering with a signed response, and returns its URL.
func exampleWechatPay() (url string, closeFn func()) {
	f := newFakePay(&testing.T{})
	f.handle("POST /v3/pay/transactions/jsapi", 200, `{"prepay_id":"wx201410272009395522657a690389285100"}`)
	return f.srv.URL, f.srv.Close
}

// Create a JSAPI order (JSAPI下单) for an official account user and build the
// parameters for WeixinJSBridge.invoke('getBrandWCPayRequest', params).
func ExampleClient_CreateJSAPIOrder() {
	baseURL, stop := exampleWechatPay()
	defer stop()
	fx := loadFixtures()

	client, err := pay.NewClient(pay.Config{
		MchID:      "1900000109",
		CertSerial: "3775B6A45ACD588826DA4E4C2B2DE5F5E1F2B3C4",
		PrivateKey: fx.merchantKey, // pay.LoadPrivateKey(apiclient_key.pem)
		APIv3Key:   testAPIv3Key,
	},
		pay.WithBaseURL(baseURL), // omit in production
		pay.WithClock(testClock), // omit in production
		pay.WithPlatformCertificate(fx.platCert),
	)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	order, err := client.CreateJSAPIOrder(ctx, &pay.OrderRequest{
		AppID:       "wxd678efh567hg6787",
		Description: "Image形象店-深圳腾大-QQ公仔",
		OutTradeNo:  "1217752501201407033233368018",
		NotifyURL:   "https://www.example.com/pay/notify",
		Amount:      pay.Amount{Total: 100, Currency: "CNY"},
		Payer:       &pay.Payer{OpenID: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
	})
	if err != nil {
		log.Fatal(err)
	}
	params, err := client.JSAPIParams("wxd678efh567hg6787", order.PrepayID)
	if err != nil {
		log.Fatal(err)
	}
	// Render params as JSON into the page that calls WeixinJSBridge.
	b, _ := json.Marshal(params)
	var m map[string]string
	_ = json.Unmarshal(b, &m)
	fmt.Println(order.PrepayID)
	fmt.Println(m["appId"], m["package"], m["signType"], m["timeStamp"])
	// Output:
	// wx201410272009395522657a690389285100
	// wxd678efh567hg6787 prepay_id=wx201410272009395522657a690389285100 RSA 1803866400
}

// An idempotent notification handler (支付结果通知): WeChat Pay may deliver
// the same notification several times, so record what was processed and
// acknowledge duplicates without repeating the work.
func ExampleNewNotifyHandler() {
	fx := loadFixtures()
	client, err := pay.NewClient(pay.Config{
		MchID: "1900000109", CertSerial: "3775B6A45ACD588826DA4E4C2B2DE5F5E1F2B3C4",
		PrivateKey: fx.merchantKey, APIv3Key: testAPIv3Key,
	}, pay.WithPlatformCertificate(fx.platCert), pay.WithClock(testClock))
	if err != nil {
		log.Fatal(err)
	}

	var (
		mu        sync.Mutex
		processed = map[string]bool{} // use a table with a unique key in production
	)
	handler := pay.NewNotifyHandler(client, func(ctx context.Context, n *pay.Notification) error {
		if n.EventType != pay.EventTransactionSuccess {
			return nil
		}
		tx, err := n.Transaction()
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		if processed[tx.TransactionID] {
			fmt.Println("duplicate", tx.TransactionID, "acknowledged")
			return nil
		}
		// Check tx.Amount.Total against the order before shipping.
		processed[tx.TransactionID] = true
		fmt.Println("paid", tx.OutTradeNo, tx.Amount.Total)
		return nil
	})
	// http.Handle("/pay/notify", handler)

	// Simulate two deliveries of the same notification.
	body := notificationBody("EV-2018022511223320873", pay.EventTransactionSuccess, "transaction", transactionJSON)
	for i := 0; i < 2; i++ {
		req := httptest.NewRequest(http.MethodPost, "/pay/notify", bytes.NewReader(body))
		for k, v := range signedHeader(fx.platKey, testPlatSerial, testNow, body) {
			req.Header[k] = v
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		fmt.Println("status", rec.Code)
	}
	// Output:
	// paid 1217752501201407033233368018 100
	// status 200
	// duplicate 1217752501201407033233368018 acknowledged
	// status 200
}
