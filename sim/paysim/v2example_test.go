package paysim_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/wxkit/mp/sim/paysim"
)

// ExampleSignV2 signs the example of the API v2 签名算法 documentation.
func ExampleSignV2() {
	params := map[string]string{
		"appid": "wxd930ea5d5a258f4f", "mch_id": "10000100", "device_info": "1000",
		"body": "test", "nonce_str": "ibuaiVcKdpRxkhJA",
	}
	sign, _ := paysim.SignV2(params, paysim.SignTypeMD5, "192006250b4c09247ec02edce69f6a2d")
	fmt.Println(sign)
	// Output: 9A0A8659F005D6984697E2CA0A9CF3B7
}

// Example_apiV2 places an API v2 order (统一下单) with a raw signed XML
// request, the way any v2 client does.
func Example_apiV2() {
	merchant, err := paysim.NewTestMerchant()
	if err != nil {
		panic(err)
	}
	p, err := paysim.New(paysim.Options{Merchants: []paysim.Merchant{merchant.Merchant}})
	if err != nil {
		panic(err)
	}
	defer p.Close()
	srv := httptest.NewServer(p.Handler())
	defer srv.Close()

	params := map[string]string{
		"appid": "wx2421b1c4370ec43b", "mch_id": merchant.MchID, "nonce_str": "1add1a30ac87aa2db72f57a2375d8fec",
		"body": "JSAPI支付测试", "out_trade_no": "1415659990", "total_fee": "1",
		"spbill_create_ip": "14.23.150.211", "notify_url": "https://example.com/notify",
		"trade_type": "NATIVE", "product_id": "12235413214070356458058",
	}
	params["sign"], _ = paysim.SignV2(params, paysim.SignTypeMD5, merchant.APIKey)
	var b strings.Builder
	b.WriteString("<xml>")
	for k, v := range params {
		b.WriteString("<" + k + "><![CDATA[" + v + "]]></" + k + ">")
	}
	b.WriteString("</xml>")
	resp, err := http.Post(srv.URL+"/pay/unifiedorder", "text/xml", strings.NewReader(b.String()))
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(strings.Contains(string(body), "<result_code><![CDATA[SUCCESS]]></result_code>"))
	fmt.Println(strings.Contains(string(body), "<code_url><![CDATA[weixin://wxpay/bizpayurl?pr="))
	// Output:
	// true
	// true
}
