package pay_test

import (
	"context"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"testing"

	"github.com/wxkit/mp/pay"
)

func refundRequest() *pay.RefundRequest {
	return &pay.RefundRequest{
		TransactionID: "1217752501201407033233368018",
		OutRefundNo:   "1217752501201407033233368018",
		Reason:        "商品已售完",
		NotifyURL:     "https://weixin.qq.com",
		FundsAccount:  "AVAILABLE",
		Amount:        pay.RefundAmountRequest{Refund: 888, Total: 888, From: []pay.RefundFrom{{Account: "AVAILABLE", Amount: 444}}},
		GoodsDetail:   []pay.RefundGoodsDetail{{MerchantGoodsID: "1217752501201407033233368018", WechatpayGoodsID: "1001", GoodsName: "iPhone6s 16G", UnitPrice: 528800, RefundAmount: 528800, RefundQuantity: 1}},
	}
}

const refundJSON = `{"refund_id":"50000000382019052709732678859","out_refund_no":"1217752501201407033233368018",
"transaction_id":"1217752501201407033233368018","out_trade_no":"1217752501201407033233368018","channel":"ORIGINAL",
"user_received_account":"招商银行信用卡0403","success_time":"2020-12-01T16:18:12+08:00","create_time":"2020-12-01T16:18:12+08:00",
"status":"SUCCESS","funds_account":"UNSETTLED","amount":{"total":100,"refund":100,"from":[{"account":"AVAILABLE","amount":444}],
"payer_total":90,"payer_refund":90,"settlement_refund":100,"settlement_total":100,"discount_refund":10,"currency":"CNY","refund_fee":100},
"promotion_detail":[{"promotion_id":"109519","scope":"SINGLE","type":"DISCOUNT","amount":5,"refund_amount":100,
"goods_detail":[{"merchant_goods_id":"1217752501201407033233368018","wechatpay_goods_id":"1001","goods_name":"iPhone6s 16G","unit_price":100,"refund_amount":100,"refund_quantity":1}]}]}`

func TestCreateAndQueryRefund(t *testing.T) {
	t.Parallel()
	f := newFakePay(t)
	f.handle("POST /v3/refund/domestic/refunds", 200, refundJSON)
	f.handle("GET /v3/refund/domestic/refunds/{no}", 200, refundJSON)
	c := f.client(t)
	ctx := context.Background()
	r, err := c.CreateRefund(ctx, refundRequest())
	if err != nil {
		t.Fatal(err)
	}
	if r.RefundID != "50000000382019052709732678859" || r.Status != pay.RefundStatusSuccess || r.Amount.DiscountRefund != 10 ||
		r.PromotionDetail[0].GoodsDetail[0].RefundQuantity != 1 || r.UserReceivedAccount != "招商银行信用卡0403" {
		t.Fatalf("decoded %+v", r)
	}
	if _, err := c.QueryRefund(ctx, "1217752501201407033233368018"); err != nil {
		t.Fatal(err)
	}
	rs := f.requests()
	if rs[0].Method != "POST" || rs[0].Path != "/v3/refund/domestic/refunds" {
		t.Fatalf("%+v", rs[0])
	}
	jsonEq(t, `{"transaction_id":"1217752501201407033233368018","out_refund_no":"1217752501201407033233368018","reason":"商品已售完",
	"notify_url":"https://weixin.qq.com","funds_account":"AVAILABLE","amount":{"refund":888,"from":[{"account":"AVAILABLE","amount":444}],"total":888,"currency":"CNY"},
	"goods_detail":[{"merchant_goods_id":"1217752501201407033233368018","wechatpay_goods_id":"1001","goods_name":"iPhone6s 16G","unit_price":528800,"refund_amount":528800,"refund_quantity":1}]}`, rs[0].Body)
	if rs[1].Method != "GET" || rs[1].Path != "/v3/refund/domestic/refunds/1217752501201407033233368018" || rs[1].Query != "" {
		t.Fatalf("%+v", rs[1])
	}

	var ae *pay.ArgumentError
	for _, mut := range []func(*pay.RefundRequest){
		func(r *pay.RefundRequest) { r.TransactionID = "" },
		func(r *pay.RefundRequest) { r.OutRefundNo = "" },
		func(r *pay.RefundRequest) { r.Amount.Refund = 889 },
	} {
		req := refundRequest()
		mut(req)
		if _, err := c.CreateRefund(ctx, req); !errors.As(err, &ae) {
			t.Fatalf("err = %v", err)
		}
	}
	if _, err := c.QueryRefund(ctx, ""); !errors.As(err, &ae) {
		t.Fatalf("err = %v", err)
	}
}

func TestApplyAbnormalRefund(t *testing.T) {
	t.Parallel()
	fx := loadFixtures()
	for _, mode := range []string{"certificate", "public key"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			f := newFakePay(t)
			f.handle("POST /v3/refund/domestic/refunds/{id}/apply-abnormal-refund", 200, refundJSON)
			c := f.client(t)
			decKey, wantSerial := fx.platKey, testPlatSerial
			if mode == "public key" {
				f.setSigner(signer{fx.pubKeyPriv, testPubKeyID})
				c = f.newClient(t, false, pay.WithWechatPayPublicKey(testPubKeyID, fx.pubKey))
				decKey, wantSerial = fx.pubKeyPriv, testPubKeyID
			}
			req := &pay.AbnormalRefundRequest{OutRefundNo: "1217752501201407033233368018", Type: pay.AbnormalRefundUserBankCard,
				BankType: "ICBC_DEBIT", BankAccount: "6212261234567890123", RealName: "张三"}
			if _, err := c.ApplyAbnormalRefund(context.Background(), "50000000382019052709732678859", req); err != nil {
				t.Fatal(err)
			}
			if req.BankAccount != "6212261234567890123" {
				t.Fatal("caller's request modified")
			}
			r := f.requests()[0]
			if r.Path != "/v3/refund/domestic/refunds/50000000382019052709732678859/apply-abnormal-refund" {
				t.Fatalf("path %s", r.Path)
			}
			if got := r.Header.Get("Wechatpay-Serial"); got != wantSerial {
				t.Fatalf("Wechatpay-Serial = %q, want %q", got, wantSerial)
			}
			var body map[string]string
			if err := json.Unmarshal(r.Body, &body); err != nil {
				t.Fatal(err)
			}
			if body["type"] != "USER_BANK_CARD" || body["bank_type"] != "ICBC_DEBIT" || body["out_refund_no"] != req.OutRefundNo {
				t.Fatalf("body %s", r.Body)
			}
			for field, want := range map[string]string{"bank_account": "6212261234567890123", "real_name": "张三"} {
				if got := oaepDecrypt(t, decKey, body[field]); got != want {
					t.Fatalf("%s decrypts to %q", field, got)
				}
			}
		})
	}
	c, _ := pay.NewClient(testConfig(), pay.WithHTTPClient(failDoer{t}))
	var ae *pay.ArgumentError
	for _, req := range []*pay.AbnormalRefundRequest{
		nil, {Type: pay.AbnormalRefundMerchantBankCard}, {OutRefundNo: "1", Type: "X"}, {OutRefundNo: "1", Type: pay.AbnormalRefundUserBankCard},
	} {
		if _, err := c.ApplyAbnormalRefund(context.Background(), "5", req); !errors.As(err, &ae) {
			t.Fatalf("err = %v", err)
		}
	}
	if _, err := c.ApplyAbnormalRefund(context.Background(), "", &pay.AbnormalRefundRequest{}); !errors.As(err, &ae) {
		t.Fatalf("err = %v", err)
	}
	// No platform certificate or public key: cannot encrypt.
	_, err := c.ApplyAbnormalRefund(context.Background(), "5", &pay.AbnormalRefundRequest{OutRefundNo: "1", Type: pay.AbnormalRefundUserBankCard, BankType: "ICBC_DEBIT", BankAccount: "1", RealName: "x"})
	if !errors.Is(err, pay.ErrNoEncryptionKey) {
		t.Fatalf("err = %v", err)
	}
}

func oaepDecrypt(t *testing.T, key *rsa.PrivateKey, b64 string) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	pt, err := rsa.DecryptOAEP(sha1.New(), nil, key, raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	return string(pt)
}
