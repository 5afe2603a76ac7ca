package pay_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/wxkit/mp/pay"
)

func TestProfitSharingReceivers(t *testing.T) {
	t.Parallel()
	f := newFakePay(t)
	f.handle("POST /v3/profitsharing/receivers/add", 200, `{"type":"MERCHANT_ID","account":"86693852","name":"hu89ohu89ohu89o","relation_type":"STORE_OWNER"}`)
	f.handle("POST /v3/profitsharing/receivers/delete", 200, `{"type":"MERCHANT_ID","account":"86693852"}`)
	c := f.client(t, pay.WithoutCertificateDownload())
	ctx := context.Background()
	r, err := c.AddProfitSharingReceiver(ctx, &pay.ProfitSharingReceiver{AppID: "wx8888888888888888", Type: pay.ReceiverTypeMerchant,
		Account: "86693852", Name: "示例商户全称", RelationType: pay.RelationCustom, CustomRelation: "代理商"})
	if err != nil || r.Account != "86693852" {
		t.Fatal(err, r)
	}
	if _, err := c.DeleteProfitSharingReceiver(ctx, "wx8888888888888888", pay.ReceiverTypeMerchant, "86693852"); err != nil {
		t.Fatal(err)
	}
	rs := f.requests()
	if rs[0].Header.Get("Wechatpay-Serial") != testPlatSerial {
		t.Fatal("serial of the encrypting key not sent")
	}
	var body map[string]any
	_ = json.Unmarshal(rs[0].Body, &body)
	if oaepDecrypt(t, loadFixtures().platKey, body["name"].(string)) != "示例商户全称" {
		t.Fatal("name not encrypted for the platform")
	}
	var want map[string]any
	_ = json.Unmarshal([]byte(fixture(t, "ps_receiver_add_request.json")), &want)
	want["name"], body["name"], want["relation_type"] = "", "", "CUSTOM"
	wb, _ := json.Marshal(want)
	gb, _ := json.Marshal(body)
	jsonEq(t, string(wb), gb)
	jsonEq(t, `{"appid":"wx8888888888888888","type":"MERCHANT_ID","account":"86693852"}`, rs[1].Body)
}

func TestProfitSharingOrders(t *testing.T) {
	t.Parallel()
	f := newFakePay(t)
	f.handle("POST /v3/profitsharing/orders", 200, fixture(t, "ps_order_response.json"))
	f.handle("GET /v3/profitsharing/orders/{no}", 200, fixture(t, "ps_order_response.json"))
	f.handle("POST /v3/profitsharing/orders/unfreeze", 200, fixture(t, "ps_order_response.json"))
	f.handle("POST /v3/profitsharing/return-orders", 200, fixture(t, "ps_return_response.json"))
	f.handle("GET /v3/profitsharing/return-orders/{no}", 200, fixture(t, "ps_return_response.json"))
	f.handle("GET /v3/profitsharing/transactions/{id}/amounts", 200, `{"transaction_id":"4208450740201411110007820472","unsplit_amount":1000}`)
	f.handle("GET /v3/profitsharing/bills", 200, `{"hash_type":"SHA1","hash_value":"79bb0f45fc4c42234a918000b2668d689e2bde04","download_url":"https://api.mch.weixin.qq.com/v3/billdownload/file?token=xxx"}`)
	c := f.client(t, pay.WithoutCertificateDownload())
	ctx := context.Background()
	o, err := c.CreateProfitSharingOrder(ctx, &pay.ProfitSharingOrderRequest{AppID: "wx8888888888888888", TransactionID: "4208450740201411110007820472",
		OutOrderNo: "P20150806125346", UnfreezeUnsplit: true,
		Receivers: []pay.ProfitSharingOrderReceiver{{Type: pay.ReceiverTypeMerchant, Account: "86693852", Name: "示例商户全称", Amount: 888, Description: "分给商户A"}}})
	if err != nil || o.State != pay.ProfitSharingStateFinished || o.Receivers[0].Result != pay.ProfitSharingResultSuccess {
		t.Fatal(err, o)
	}
	if _, err := c.QueryProfitSharingOrder(ctx, "P20150806125346", "4208450740201411110007820472"); err != nil {
		t.Fatal(err)
	}
	ret, err := c.CreateProfitSharingReturn(ctx, &pay.ProfitSharingReturnRequest{OutOrderNo: "P20150806125346", OutReturnNo: "R20190516001",
		ReturnMchID: "86693852", Amount: 10, Description: "用户退款"})
	if err != nil || ret.Result != pay.ProfitSharingReturnSuccess {
		t.Fatal(err, ret)
	}
	if _, err := c.QueryProfitSharingReturn(ctx, "R20190516001", "P20150806125346"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UnfreezeProfitSharing(ctx, &pay.UnfreezeProfitSharingRequest{TransactionID: "4208450740201411110007820472", OutOrderNo: "P20150806125347", Description: "解冻全部剩余资金"}); err != nil {
		t.Fatal(err)
	}
	a, err := c.ProfitSharingUnsplitAmount(ctx, "4208450740201411110007820472")
	if err != nil || a.UnsplitAmount != 1000 {
		t.Fatal(err, a)
	}
	b, err := c.ProfitSharingBill(ctx, &pay.ProfitSharingBillRequest{BillDate: "2019-06-11", TarType: pay.TarTypeGZIP})
	if err != nil || b.TarType != "GZIP" || b.HashType != "SHA1" {
		t.Fatal(err, b)
	}
	rs := f.requests()
	var body map[string]any
	_ = json.Unmarshal(rs[0].Body, &body)
	recv := body["receivers"].([]any)[0].(map[string]any)
	if oaepDecrypt(t, loadFixtures().platKey, recv["name"].(string)) != "示例商户全称" || rs[0].Header.Get("Wechatpay-Serial") != testPlatSerial {
		t.Fatal("receiver name not encrypted")
	}
	recv["name"] = "hu89ohu89ohu89o"
	gb, _ := json.Marshal(body)
	jsonEq(t, fixture(t, "ps_order_request.json"), gb)
	for i, want := range []string{
		"POST /v3/profitsharing/orders?",
		"GET /v3/profitsharing/orders/P20150806125346?transaction_id=4208450740201411110007820472",
		"POST /v3/profitsharing/return-orders?",
		"GET /v3/profitsharing/return-orders/R20190516001?out_order_no=P20150806125346",
		"POST /v3/profitsharing/orders/unfreeze?",
		"GET /v3/profitsharing/transactions/4208450740201411110007820472/amounts?",
		"GET /v3/profitsharing/bills?bill_date=2019-06-11&tar_type=GZIP",
	} {
		if got := rs[i].Method + " " + rs[i].Path + "?" + rs[i].Query; got != want {
			t.Fatalf("request %d = %s, want %s", i, got, want)
		}
	}
	jsonEq(t, `{"out_order_no":"P20150806125346","out_return_no":"R20190516001","return_mchid":"86693852","amount":10,"description":"用户退款"}`, rs[2].Body)
	jsonEq(t, `{"transaction_id":"4208450740201411110007820472","out_order_no":"P20150806125347","description":"解冻全部剩余资金"}`, rs[4].Body)
}

func TestProfitSharingErrorsAndValidation(t *testing.T) {
	t.Parallel()
	f := newFakePay(t)
	f.handle("POST /v3/profitsharing/orders", 403, `{"code":"NOT_ENOUGH","message":"分账金额不足"}`)
	c := f.client(t)
	ctx := context.Background()
	good := func() *pay.ProfitSharingOrderRequest {
		return &pay.ProfitSharingOrderRequest{AppID: "wx1", TransactionID: "4208450740201411110007820472", OutOrderNo: "P1",
			Receivers: []pay.ProfitSharingOrderReceiver{{Type: pay.ReceiverTypeOpenID, Account: "oX", Amount: 1, Description: "d"}}}
	}
	_, err := c.CreateProfitSharingOrder(ctx, good())
	requireAPIError(t, err, 403, "NOT_ENOUGH")

	o := offlineClient(t)
	mut := func(f func(*pay.ProfitSharingOrderRequest)) *pay.ProfitSharingOrderRequest {
		r := good()
		f(r)
		return r
	}
	for field, req := range map[string]*pay.ProfitSharingOrderRequest{
		"appid":                    mut(func(r *pay.ProfitSharingOrderRequest) { r.AppID = "" }),
		"transaction_id":           mut(func(r *pay.ProfitSharingOrderRequest) { r.TransactionID = "x/y" }),
		"out_order_no":             mut(func(r *pay.ProfitSharingOrderRequest) { r.OutOrderNo = strings.Repeat("a", 65) }),
		"receivers":                mut(func(r *pay.ProfitSharingOrderRequest) { r.Receivers = nil }),
		"receivers[0].amount":      mut(func(r *pay.ProfitSharingOrderRequest) { r.Receivers[0].Amount = 0 }),
		"receivers[0].type":        mut(func(r *pay.ProfitSharingOrderRequest) { r.Receivers[0].Type = "BANK" }),
		"receivers[0].description": mut(func(r *pay.ProfitSharingOrderRequest) { r.Receivers[0].Description = strings.Repeat("字", 81) }),
	} {
		_, err := o.CreateProfitSharingOrder(ctx, req)
		requireArgument(t, err, field)
	}
	_, err = o.AddProfitSharingReceiver(ctx, &pay.ProfitSharingReceiver{AppID: "wx1", Type: pay.ReceiverTypeMerchant, Account: "1", RelationType: pay.RelationBrand})
	requireArgument(t, err, "name")
	_, err = o.AddProfitSharingReceiver(ctx, &pay.ProfitSharingReceiver{AppID: "wx1", Type: pay.ReceiverTypeOpenID, Account: "o", RelationType: "FRIEND"})
	requireArgument(t, err, "relation_type")
	_, err = o.AddProfitSharingReceiver(ctx, &pay.ProfitSharingReceiver{AppID: "wx1", Type: pay.ReceiverTypeOpenID, Account: "o", RelationType: pay.RelationCustom})
	requireArgument(t, err, "custom_relation")
	_, err = o.DeleteProfitSharingReceiver(ctx, "wx1", "X", "o")
	requireArgument(t, err, "type")
	_, err = o.CreateProfitSharingReturn(ctx, &pay.ProfitSharingReturnRequest{OrderID: "1", OutOrderNo: "2", OutReturnNo: "R", ReturnMchID: "1", Amount: 1, Description: "d"})
	requireArgument(t, err, "order_id")
	_, err = o.CreateProfitSharingReturn(ctx, &pay.ProfitSharingReturnRequest{OutOrderNo: "2", OutReturnNo: "R", ReturnMchID: "1", Amount: -1, Description: "d"})
	requireArgument(t, err, "amount")
	_, err = o.UnfreezeProfitSharing(ctx, &pay.UnfreezeProfitSharingRequest{TransactionID: "1", OutOrderNo: "2"})
	requireArgument(t, err, "description")
	_, err = o.ProfitSharingBill(ctx, &pay.ProfitSharingBillRequest{BillDate: "20190611"})
	requireArgument(t, err, "bill_date")
	_, err = o.QueryProfitSharingOrder(ctx, "P1", "")
	requireArgument(t, err, "transaction_id")
	// The encrypting key is missing: typed error, nothing sent.
	bare, _ := pay.NewClient(testConfig(), pay.WithHTTPClient(failDoer{t}), pay.WithoutCertificateDownload())
	_, err = bare.AddProfitSharingReceiver(ctx, &pay.ProfitSharingReceiver{AppID: "wx1", Type: pay.ReceiverTypeMerchant, Account: "1", Name: "n", RelationType: pay.RelationBrand})
	if !errors.Is(err, pay.ErrNoEncryptionKey) {
		t.Fatal(err)
	}
}

func TestProfitSharingNotification(t *testing.T) {
	t.Parallel()
	body := notificationBody("EV-1", pay.EventProfitSharingSuccess, "profitsharing", fixture(t, "ps_notify_resource.json"))
	n, err := notifyClient(t).ParseNotification(context.Background(), signedHeader(loadFixtures().platKey, testPlatSerial, testNow, body), body)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := n.ProfitSharing()
	if err != nil || ps.Receiver.Amount != 888 || ps.OutOrderNo != "P20150806125346" || ps.MchID != "1900000100" {
		t.Fatal(err, ps)
	}
	if _, err := n.Complaint(); !errors.Is(err, pay.ErrEventType) {
		t.Fatal(err)
	}
}
