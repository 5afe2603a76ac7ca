package pay_test

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/wxkit/mp/pay"
)

func verifyMerchantSig(t *testing.T, msg, sig string) {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(msg))
	if err := rsa.VerifyPKCS1v15(&loadFixtures().merchantKey.PublicKey, crypto.SHA256, sum[:], raw); err != nil {
		t.Fatalf("signature does not verify: %v", err)
	}
}

func TestJSAPIParams(t *testing.T) {
	t.Parallel()
	nonce, _ := hex.DecodeString("593BEC0C930BF1AFEB40B4A08C8FB242")
	c, err := pay.NewClient(testConfig(), pay.WithClock(func() time.Time { return time.Unix(1554208460, 0) }), pay.WithRandom(bytes.NewReader(nonce)))
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.JSAPIParams(testAppID, "wx201410272009395522657a690389285100")
	if err != nil {
		t.Fatal(err)
	}
	// Known answer, computed with:
	// printf 'wxd678efh567hg6787\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\nprepay_id=wx201410272009395522657a690389285100\n' |
	//   openssl dgst -sha256 -sign testdata/merchant_key.pem | base64 -w0
	const wantSign = "R1OpgblEkwkCps43iT+OJ6vU/FWwz+sW05Y/rp0OVW6PkCwMKnWhYI5UglCSXJA9A1VHMEpOMh7r/ZfEdTqI4BYxHEFPJPVqx+bk/21wduxfYfUFWoDc6k5dyYMsyTmVDWnTV8oFsrKN0zCFBBgZHmLppHdl/tFRRqvJlWI5OY1rW0Dxc2PDG7O86xr5oljX9qkqRc3gw/IfVJE0YpTZEx9MJb3jT+Ldm6nL6fYVmtFNAmTW5zAmmoUX5zjcjJ5qfmbNITBo1hKuhPXjE07C+30pVJIRekWCEurwvmSyvygutZ1SA52UO/8YpkqF53OgoTX/R9/O4Pc3EYMNzkHzlw=="
	if p.PaySign != wantSign {
		t.Fatalf("paySign = %s", p.PaySign)
	}
	b, _ := json.Marshal(p)
	jsonEq(t, `{"appId":"wxd678efh567hg6787","timeStamp":"1554208460","nonceStr":"593BEC0C930BF1AFEB40B4A08C8FB242",
		"package":"prepay_id=wx201410272009395522657a690389285100","signType":"RSA","paySign":"`+wantSign+`"}`, b)

	var ae *pay.ArgumentError
	if _, err := c.JSAPIParams("", "x"); !errors.As(err, &ae) {
		t.Fatalf("err = %v", err)
	}
	if _, err := c.JSAPIParams("x", ""); !errors.As(err, &ae) {
		t.Fatalf("err = %v", err)
	}
}

func TestAPPParams(t *testing.T) {
	t.Parallel()
	c, err := pay.NewClient(testConfig(), pay.WithClock(testClock))
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.APPParams("wx8888888888888888", "WX1217752501201407033233368018")
	if err != nil {
		t.Fatal(err)
	}
	if p.PartnerID != testMchID || p.Package != "Sign=WXPay" || len(p.NonceStr) != 32 || p.Timestamp != "1803866400" {
		t.Fatalf("%+v", p)
	}
	verifyMerchantSig(t, p.AppID+"\n"+p.Timestamp+"\n"+p.NonceStr+"\n"+p.PrepayID+"\n", p.Sign)
	var m map[string]string
	b, _ := json.Marshal(p)
	_ = json.Unmarshal(b, &m)
	for _, k := range []string{"appid", "partnerid", "prepayid", "package", "noncestr", "timestamp", "sign"} {
		if m[k] == "" {
			t.Fatalf("missing %s in %s", k, b)
		}
	}
	p2, _ := c.APPParams("wx8888888888888888", "WX1")
	if p2.NonceStr == p.NonceStr {
		t.Fatal("nonce reused")
	}
	var ae *pay.ArgumentError
	if _, err := c.APPParams("", "x"); !errors.As(err, &ae) {
		t.Fatalf("err = %v", err)
	}
	if _, err := c.APPParams("x", ""); !errors.As(err, &ae) {
		t.Fatalf("err = %v", err)
	}
}
