package pay_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"testing"
	"time"

	"github.com/wxkit/mp/pay"
)

// examplePay2 starts a stand-in for api.mch.weixin.qq.com answering the
// documented examples, and returns a client for it.
func examplePay2() (*pay.Client, func()) {
	t := &testing.T{}
	f := newFakePay(t)
	read := func(name string) string { b, _ := os.ReadFile("testdata/pay2/" + name); return string(b) }
	f.handle("POST /v3/fund-app/mch-transfer/transfer-bills", 200, read("transfer_create_response.json"))
	f.handle("POST /v3/pay/transactions/codepay", 200, read("codepay_response.json"))
	f.handle("GET /v3/merchant-service/complaints-v2", 200,
		`{"data":[{"complaint_id":"200201820200101080076610000","complaint_state":"PENDING","complaint_detail":"反馈一个重复扣费的问题"}],"limit":50,"offset":0,"total_count":1}`)
	fx := loadFixtures()
	client, err := pay.NewClient(pay.Config{MchID: "1900000109", CertSerial: testMchSerial, PrivateKey: fx.merchantKey, APIv3Key: testAPIv3Key},
		pay.WithBaseURL(f.srv.URL), pay.WithClock(testClock), pay.WithPlatformCertificate(fx.platCert), pay.WithoutCertificateDownload())
	if err != nil {
		log.Fatal(err)
	}
	return client, f.srv.Close
}

// Send money to a user (商家转账): the bill waits for the user's
// confirmation, which the page asks for with wx.requestMerchantTransfer.
func ExampleClient_CreateTransferBill() {
	client, stop := examplePay2()
	defer stop()
	bill, err := client.CreateTransferBill(context.Background(), &pay.TransferBillRequest{
		AppID: "wxf636efh567hg4356", OutBillNo: "plfk2020042013", TransferSceneID: "1000",
		OpenID: "o-MYE42l80oelYMDE34nYD456Xoy", TransferAmount: 100, TransferRemark: "新会员开通有礼",
		NotifyURL:                "https://www.example.com/transfer/notify",
		TransferSceneReportInfos: []pay.TransferSceneReportInfo{{InfoType: "活动名称", InfoContent: "新会员有礼"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	params, _ := client.MerchantTransferParams("wxf636efh567hg4356", bill.PackageInfo, "")
	js, _ := json.Marshal(params) // pass to wx.requestMerchantTransfer in the page
	fmt.Println(bill.State)
	fmt.Println(string(js))
	// Output:
	// WAIT_USER_CONFIRM
	// {"mchId":"1900000109","appId":"wxf636efh567hg4356","package":"affffddafdfafddffda=="}
}

// Take a payment at the counter (付款码支付): poll while the user enters a
// password, reverse when it does not complete.
func ExampleClient_CodepayAndWait() {
	client, stop := examplePay2()
	defer stop()
	tx, err := client.CodepayAndWait(context.Background(), &pay.CodepayRequest{
		AppID: "wxd678efh567hg6787", Description: "Image形象店-深圳腾大-QQ公仔", OutTradeNo: "1217752501201407033233368018",
		Payer:     pay.CodepayPayer{AuthCode: "130061098828009406"},
		Amount:    pay.Amount{Total: 100, Currency: "CNY"},
		SceneInfo: pay.CodepaySceneInfo{DeviceID: "POS-01"},
	}, nil) // every 5 s, 6 times
	if err != nil {
		log.Fatal(err) // errors.Is(err, pay.ErrCodepayNotPaid): reversed
	}
	fmt.Println(tx.TradeState, tx.TransactionID)
	// Output: SUCCESS 1217752501201407033233368018
}

// Walk every complaint of a quarter (消费者投诉2.0): the iterator splits the
// span into 30-day windows and pages.
func ExampleClient_Complaints() {
	client, stop := examplePay2()
	defer stop()
	end := time.Date(2024, 3, 31, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
	n := 0
	for c, err := range client.Complaints(context.Background(), end.AddDate(0, -3, 0), end, 50) {
		if err != nil {
			log.Fatal(err)
		}
		if n == 0 {
			fmt.Println(c.ComplaintID, c.ComplaintState)
		}
		n++
	}
	fmt.Println(n, "complaints") // the stand-in answers the same page for each of the 3 windows
	// Output:
	// 200201820200101080076610000 PENDING
	// 3 complaints
}
