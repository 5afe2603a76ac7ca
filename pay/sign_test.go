package pay_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"net/http"
	"testing"
	"time"

	"github.com/wxkit/mp/pay"
)

// TestRequestSignatureKnownAnswer fixes clock and nonce and checks the whole
// Authorization header of a real request against an openssl-computed
// signature:
//
//	printf 'POST\n/v3/pay/transactions/out-trade-no/1217752501201407033233368018/close\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n{"mchid":"1900000109"}\n' |
//	  openssl dgst -sha256 -sign testdata/merchant_key.pem | base64 -w0
func TestRequestSignatureKnownAnswer(t *testing.T) {
	t.Parallel()
	f := newFakePay(t)
	f.handleFunc("POST /v3/pay/transactions/out-trade-no/{no}/close", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	nonce, _ := hex.DecodeString("593BEC0C930BF1AFEB40B4A08C8FB242")
	// The answer is not what is tested here (and its timestamp would be
	// years away from the fixed clock).
	c := f.client(t, pay.WithClock(func() time.Time { return time.Unix(1554208460, 0) }), pay.WithRandom(bytes.NewReader(nonce)),
		pay.WithoutResponseVerification())
	if err := c.CloseOrder(context.Background(), "1217752501201407033233368018"); err != nil {
		t.Fatal(err)
	}
	want := `WECHATPAY2-SHA256-RSA2048 mchid="1900000109",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",` +
		`signature="gs79FJtRYX3cjM2q36vg7NiEfuIta3ywi4BA1Ta5fXJ+eClAeR2ED3MwYnBAopGbmY6liRpWoq2y3iO2ZBaQxEMGD9EiokZAlKLhkWjy7d02z+C07WCBRdQ56z4j6nCEdUk+kqFGlamv7iMK0p3B6tM074wRwoGHKErxASLzwI8zEAAEm2vlYEzqTMKKv4XLidCa3Klt3Lyp+kaz2eGn6dRosg93t/ilcWovWCDP+270A4WaMHhQ7FHsCrzYRX/yh3dRAJap9677dCyaynMMA2IbkwcpgSEBz6lQV7/wSjvUOG2hdl7Xwz7+cHWAzuNsnUoIrv5AfKPe8C42Uopd8g==",` +
		`timestamp="1554208460",serial_no="3775B6A45ACD588826DA4E4C2B2DE5F5E1F2B3C4"`
	if got := f.requests()[0].Header.Get("Authorization"); got != want {
		t.Fatalf("Authorization\n got %s\nwant %s", got, want)
	}
	// The random source is exhausted: the next request fails cleanly.
	if err := c.CloseOrder(context.Background(), "1"); err == nil {
		t.Fatal("expected nonce error")
	}
}
