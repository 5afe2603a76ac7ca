package pay_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/wxkit/mp/pay"
)

func transferRequest() *pay.TransferBillRequest {
	return &pay.TransferBillRequest{
		AppID: "wxf636efh567hg4356", OutBillNo: "plfk2020042013", TransferSceneID: "1000",
		OpenID: "o-MYE42l80oelYMDE34nYD456Xoy", UserName: "张三", TransferAmount: 400000,
		TransferRemark: "新会员开通有礼", NotifyURL: "https://www.weixin.qq.com/wxpay/pay.php", UserRecvPerception: "现金奖励",
		TransferSceneReportInfos: []pay.TransferSceneReportInfo{
			{InfoType: "活动名称", InfoContent: "新会员有礼"}, {InfoType: "奖励说明", InfoContent: "注册会员抽奖一等奖"},
		},
	}
}

func TestCreateTransferBill(t *testing.T) {
	t.Parallel()
	f := newFakePay(t)
	f.handle("POST /v3/fund-app/mch-transfer/transfer-bills", 200, fixture(t, "transfer_create_response.json"))
	c := f.client(t, pay.WithoutCertificateDownload())
	req := transferRequest()
	resp, err := c.CreateTransferBill(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.State != pay.TransferStateWaitUserConfirm || resp.PackageInfo != "affffddafdfafddffda==" ||
		resp.TransferBillNo != "1330000071100999991182020050700019480001" || resp.OutBillNo != "plfk2020042013" {
		t.Fatalf("%+v", resp)
	}
	if req.UserName != "张三" {
		t.Fatal("the caller's request was modified")
	}
	rs := f.requests()
	if len(rs) != 1 || rs[0].Path != "/v3/fund-app/mch-transfer/transfer-bills" {
		t.Fatalf("%+v", rs)
	}
	if got := rs[0].Header.Get("Wechatpay-Serial"); got != testPlatSerial {
		t.Fatalf("Wechatpay-Serial %q, want the certificate that encrypted user_name", got)
	}
	var body map[string]any
	if err := json.Unmarshal(rs[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	if name := oaepDecrypt(t, loadFixtures().platKey, body["user_name"].(string)); name != "张三" {
		t.Fatalf("user_name decrypts to %q", name)
	}
	// Apart from the ciphertext, the body is the documented example.
	var want map[string]any
	_ = json.Unmarshal([]byte(fixture(t, "transfer_create_request.json")), &want)
	body["user_name"], want["user_name"] = "", ""
	wb, _ := json.Marshal(want)
	gb, _ := json.Marshal(body)
	jsonEq(t, string(wb), gb)

	p, err := c.MerchantTransferParams("wxf636efh567hg4356", resp.PackageInfo, "")
	if err != nil {
		t.Fatal(err)
	}
	pj, _ := json.Marshal(p)
	jsonEq(t, `{"mchId":"1900000109","appId":"wxf636efh567hg4356","package":"affffddafdfafddffda=="}`, pj)
}

func TestCreateTransferBillWithPublicKey(t *testing.T) {
	t.Parallel()
	f := newFakePay(t)
	f.setSigner(signer{key: loadFixtures().pubKeyPriv, serial: testPubKeyID})
	f.handle("POST /v3/fund-app/mch-transfer/transfer-bills", 200, fixture(t, "transfer_create_response.json"))
	c := f.newClient(t, false, pay.WithWechatPayPublicKey(testPubKeyID, loadFixtures().pubKey), pay.WithoutCertificateDownload())
	if _, err := c.CreateTransferBill(context.Background(), transferRequest()); err != nil {
		t.Fatal(err)
	}
	r := f.requests()[0]
	if r.Header.Get("Wechatpay-Serial") != testPubKeyID {
		t.Fatalf("serial %q", r.Header.Get("Wechatpay-Serial"))
	}
	var body struct {
		UserName string `json:"user_name"`
	}
	_ = json.Unmarshal(r.Body, &body)
	if oaepDecrypt(t, loadFixtures().pubKeyPriv, body.UserName) != "张三" {
		t.Fatal("user_name not encrypted with the public key")
	}
}

func TestQueryAndCancelTransferBill(t *testing.T) {
	t.Parallel()
	f := newFakePay(t)
	f.handle("GET /v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{no}", 200, fixture(t, "transfer_query_response.json"))
	f.handle("GET /v3/fund-app/mch-transfer/transfer-bills/transfer-bill-no/{no}", 200, fixture(t, "transfer_query_response.json"))
	f.handle("POST /v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{no}/cancel", 200, fixture(t, "transfer_cancel_response.json"))
	c := f.client(t)
	ctx := context.Background()
	b, err := c.QueryTransferBill(ctx, "plfk2020042013")
	if err != nil {
		t.Fatal(err)
	}
	if b.State != pay.TransferStateSuccess || b.TransferAmount != 400000 || b.MchID != "1900001109" || b.UserName == "" || b.UpdateTime == "" {
		t.Fatalf("%+v", b)
	}
	if _, err := c.QueryTransferBillByNo(ctx, "1330000071100999991182020050700019480001"); err != nil {
		t.Fatal(err)
	}
	cr, err := c.CancelTransferBill(ctx, "plfk2020042013")
	if err != nil {
		t.Fatal(err)
	}
	if cr.State != pay.TransferStateCanceling {
		t.Fatalf("%+v", cr)
	}
	rs := f.requests()
	want := []string{
		"GET /v3/fund-app/mch-transfer/transfer-bills/out-bill-no/plfk2020042013",
		"GET /v3/fund-app/mch-transfer/transfer-bills/transfer-bill-no/1330000071100999991182020050700019480001",
		"POST /v3/fund-app/mch-transfer/transfer-bills/out-bill-no/plfk2020042013/cancel",
	}
	for i, w := range want {
		if got := rs[i].Method + " " + rs[i].Path; got != w || rs[i].Query != "" {
			t.Fatalf("request %d: %s?%s, want %s", i, got, rs[i].Query, w)
		}
	}
	if len(rs[2].Body) != 0 {
		t.Fatalf("cancel has no body, sent %q", rs[2].Body)
	}
}

func TestTransferBillErrors(t *testing.T) {
	t.Parallel()
	f := newFakePay(t)
	f.handle("GET /v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{no}", 404, `{"code":"NOT_FOUND","message":"记录不存在"}`)
	f.handle("POST /v3/fund-app/mch-transfer/transfer-bills", 400, `{"code":"NOT_ENOUGH","message":"资金不足"}`)
	c := f.client(t)
	_, err := c.QueryTransferBill(context.Background(), "nosuchbill1")
	requireAPIError(t, err, 404, "NOT_FOUND")
	_, err = c.CreateTransferBill(context.Background(), transferRequest())
	requireAPIError(t, err, 400, "NOT_ENOUGH")

	// An answer that is not signed by WeChat Pay is refused.
	f2 := newFakePay(t)
	f2.handle("GET /v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{no}", 200, fixture(t, "transfer_query_response.json"))
	f2.setSigner(signer{key: loadFixtures().plat2Key, serial: testPlatSerial})
	_, err = f2.client(t, pay.WithoutCertificateDownload()).QueryTransferBill(context.Background(), "plfk2020042013")
	if !errors.Is(err, pay.ErrSignatureInvalid) {
		t.Fatalf("err = %v", err)
	}
}

func TestTransferBillValidation(t *testing.T) {
	t.Parallel()
	c := offlineClient(t)
	ctx := context.Background()
	mut := func(f func(*pay.TransferBillRequest)) *pay.TransferBillRequest {
		r := transferRequest()
		f(r)
		return r
	}
	for field, req := range map[string]*pay.TransferBillRequest{
		"appid":                       mut(func(r *pay.TransferBillRequest) { r.AppID = "" }),
		"out_bill_no":                 mut(func(r *pay.TransferBillRequest) { r.OutBillNo = "has-dash" }),
		"transfer_scene_id":           mut(func(r *pay.TransferBillRequest) { r.TransferSceneID = strings.Repeat("1", 37) }),
		"openid":                      mut(func(r *pay.TransferBillRequest) { r.OpenID = "" }),
		"transfer_amount":             mut(func(r *pay.TransferBillRequest) { r.TransferAmount = 0 }),
		"user_name":                   mut(func(r *pay.TransferBillRequest) { r.UserName = "" }),
		"transfer_remark":             mut(func(r *pay.TransferBillRequest) { r.TransferRemark = strings.Repeat("备", 33) }),
		"notify_url":                  mut(func(r *pay.TransferBillRequest) { r.NotifyURL = "https://a.example/n?x=1" }),
		"transfer_scene_report_infos": mut(func(r *pay.TransferBillRequest) { r.TransferSceneReportInfos = nil }),
		"transfer_scene_report_infos[1].info_content": mut(func(r *pay.TransferBillRequest) { r.TransferSceneReportInfos[1].InfoContent = "" }),
	} {
		_, err := c.CreateTransferBill(ctx, req)
		requireArgument(t, err, field)
	}
	_, err := c.CreateTransferBill(ctx, nil)
	requireArgument(t, err, "req")
	_, err = c.QueryTransferBill(ctx, "")
	requireArgument(t, err, "out_bill_no")
	_, err = c.QueryTransferBillByNo(ctx, "a/b")
	requireArgument(t, err, "transfer_bill_no")
	_, err = c.CancelTransferBill(ctx, strings.Repeat("a", 33))
	requireArgument(t, err, "out_bill_no")
	_, err = c.MerchantTransferParams("wx1", "", "")
	requireArgument(t, err, "package")

	// No key to encrypt user_name with: typed error, nothing sent.
	bare, _ := pay.NewClient(testConfig(), pay.WithHTTPClient(failDoer{t}), pay.WithoutCertificateDownload())
	if _, err := bare.CreateTransferBill(ctx, transferRequest()); !errors.Is(err, pay.ErrNoEncryptionKey) {
		t.Fatalf("err = %v", err)
	}
}

func TestTransferBillNotification(t *testing.T) {
	t.Parallel()
	plain := fixture(t, "transfer_notify_resource.json")
	body := notificationBody("EV-2018022511223320873", pay.EventTransferBillFinished, "mch_payment", plain)
	h := signedHeader(loadFixtures().platKey, testPlatSerial, testNow, body)
	n, err := notifyClient(t).ParseNotification(context.Background(), h, body)
	if err != nil {
		t.Fatal(err)
	}
	tb, err := n.TransferBill()
	if err != nil {
		t.Fatal(err)
	}
	if tb.State != pay.TransferStateSuccess || tb.TransferAmount != 2000 || tb.OutBillNo != "plfk2020042013" || tb.MchID != "1900001109" {
		t.Fatalf("%+v", tb)
	}
	if _, err := n.Transaction(); !errors.Is(err, pay.ErrEventType) {
		t.Fatalf("err = %v", err)
	}
	other := notificationBody("EV-1", pay.EventTransactionSuccess, "transaction", transactionJSON)
	n2, err := notifyClient(t).ParseNotification(context.Background(), signedHeader(loadFixtures().platKey, testPlatSerial, testNow, other), other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n2.TransferBill(); !errors.Is(err, pay.ErrEventType) {
		t.Fatalf("err = %v", err)
	}
}
