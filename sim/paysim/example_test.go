package paysim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/wxkit/mp/sim/paysim"
)

// Example runs a Native order end to end against the simulator: place it with
// a signed request, pay it as the simulated user, query it back.
func Example() {
	merchant, err := paysim.NewTestMerchant()
	if err != nil {
		panic(err)
	}
	platform, err := paysim.New(paysim.Options{Merchants: []paysim.Merchant{merchant.Merchant}})
	if err != nil {
		panic(err)
	}
	defer platform.Close()
	srv := httptest.NewServer(platform.Handler())
	defer srv.Close()

	call := func(method, uri string, body []byte) []byte {
		req, _ := http.NewRequest(method, srv.URL+uri, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if err := merchant.SignRequest(req, body); err != nil {
			panic(err)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return b
	}

	order, _ := json.Marshal(map[string]any{
		"appid": "wxd678efh567hg6787", "mchid": merchant.MchID, "description": "Image形象店-深圳腾大-QQ公仔",
		"out_trade_no": "1217752501201407033233368018", "notify_url": "https://www.weixin.qq.com/wxpay/pay.php",
		"amount": map[string]any{"total": 100, "currency": "CNY"},
	})
	var prepay paysim.PrepayResponse
	_ = json.Unmarshal(call("POST", "/v3/pay/transactions/native", order), &prepay)
	fmt.Println(prepay.CodeURL != "")

	query := "/v3/pay/transactions/out-trade-no/1217752501201407033233368018?mchid=" + merchant.MchID
	var tx paysim.Transaction
	_ = json.Unmarshal(call("GET", query, nil), &tx)
	fmt.Println(tx.TradeState, tx.TradeStateDesc)

	if _, err := platform.Pay(context.Background(), "", prepay.CodeURL, ""); err != nil {
		panic(err)
	}
	_ = json.Unmarshal(call("GET", query, nil), &tx)
	fmt.Println(tx.TradeState, tx.TradeStateDesc, len(tx.TransactionID))
	// Output:
	// true
	// NOTPAY 订单未支付
	// SUCCESS 支付成功 28
}

// ExampleParseAuthorization shows the header format every request carries.
func ExampleParseAuthorization() {
	a, err := paysim.ParseAuthorization(`WECHATPAY2-SHA256-RSA2048 mchid="1900009191",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",signature="c2ln",timestamp="1554208460",serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"`)
	fmt.Println(err, a.MchID, a.Timestamp, a.SerialNo)
	// Output: <nil> 1900009191 1554208460 1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C
}

// ExampleDecryptResource decrypts the resource of a notification received at
// a notify_url.
func ExampleDecryptResource() {
	var n paysim.Notification
	_ = json.Unmarshal([]byte(`{"resource":{"nonce":"abcdefghijkl","associated_data":"transaction","ciphertext":"bad"}}`), &n)
	_, err := paysim.DecryptResource("0123456789abcdefghijABCDEFGHIJ01", n.Resource.Nonce, n.Resource.AssociatedData, n.Resource.Ciphertext)
	fmt.Println(err)
	// Output: paysim: ciphertext is not base64
}
