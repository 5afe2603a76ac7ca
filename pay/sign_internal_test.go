package pay

import (
	"os"
	"testing"
)

// Known answers computed independently with
//
//	printf 'POST\n/v3/pay/transactions/jsapi\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n{"appid":"wxd678efh567hg6787","mchid":"1230000109"}\n' |
//	  openssl dgst -sha256 -sign testdata/merchant_key.pem | base64 -w0
const katJSAPISignature = "DRTGWOgsY1rTj31Lqf+gZLWFMhauTX/qJJxi4X8a0ytrrdOT+vPIGRuTLbKhnv4Rmip/V0N5d+I9sdZbknjxrn7fFwKXS3sGx7qN/a6xRdzXQX3cPa+/Rzkvq3TWQskB8J+ellGi0DeOiy6zaNGvobq3Pe2LssqgJQImo2AxyO+uxsdqBktVgGbavnHYUiGLl3Bt/Hl1NbiYtI34VSytA8w3WH5ZC7Y0R+n6ZaqeeevFpQzA9LfZNDDSjOuuT9sMYgaaGhmoWe7oH+szuPQE8dv7hkSrLacVcag+bFx+24Ak7BEtbwa8D2dQacUp7PHWScBX/ZMpzEa6O2OO4z0Eow=="

func katClient(t testing.TB) *Client {
	pemBytes, err := os.ReadFile("testdata/merchant_key.pem")
	if err != nil {
		t.Fatal(err)
	}
	key, err := LoadPrivateKey(pemBytes)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(Config{MchID: "1230000109", CertSerial: "3775B6A45ACD588826DA4E4C2B2DE5F5E1F2B3C4", PrivateKey: key,
		APIv3Key: "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAuthorizationKnownAnswer(t *testing.T) {
	t.Parallel()
	c := katClient(t)
	got, err := c.authorization("POST", "/v3/pay/transactions/jsapi", []byte(`{"appid":"wxd678efh567hg6787","mchid":"1230000109"}`),
		1554208460, "593BEC0C930BF1AFEB40B4A08C8FB242")
	if err != nil {
		t.Fatal(err)
	}
	want := `WECHATPAY2-SHA256-RSA2048 mchid="1230000109",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",signature="` +
		katJSAPISignature + `",timestamp="1554208460",serial_no="3775B6A45ACD588826DA4E4C2B2DE5F5E1F2B3C4"`
	if got != want {
		t.Fatalf("Authorization\n got %s\nwant %s", got, want)
	}
}

func BenchmarkSignRequest(b *testing.B) {
	c := katClient(b)
	body := []byte(`{"appid":"wxd678efh567hg6787","mchid":"1230000109","description":"Image形象店-深圳腾大-QQ公仔","out_trade_no":"1217752501201407033233368018","notify_url":"https://www.weixin.qq.com/wxpay/pay.php","amount":{"total":100,"currency":"CNY"},"payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.authorization("POST", "/v3/pay/transactions/jsapi", body, 1554208460, "593BEC0C930BF1AFEB40B4A08C8FB242"); err != nil {
			b.Fatal(err)
		}
	}
}
