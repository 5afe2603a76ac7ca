package payv2

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// docExample is the worked example of 安全规范 / 签名算法.
func docExample() map[string]string {
	return map[string]string{
		"appid":       "wxd930ea5d5a258f4f",
		"mch_id":      "10000100",
		"device_info": "1000",
		"body":        "test",
		"nonce_str":   "ibuaiVcKdpRxkhJA",
	}
}

func TestSignKnownAnswer(t *testing.T) {
	t.Parallel()
	const key = "192006250b4c09247ec02edce69f6a2d"
	md5Sign, err := Sign(docExample(), SignTypeMD5, key)
	require.NoError(t, err)
	assert.Equal(t, "9A0A8659F005D6984697E2CA0A9CF3B7", md5Sign)

	hmacSign, err := Sign(docExample(), SignTypeHMACSHA256, key)
	require.NoError(t, err)
	assert.Equal(t, "6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6", hmacSign)
}

func TestSignIgnoresEmptyAndSign(t *testing.T) {
	t.Parallel()
	m := docExample()
	want, err := Sign(m, SignTypeMD5, testKey)
	require.NoError(t, err)
	m["attach"] = ""
	m["sign"] = "whatever"
	got, err := Sign(m, SignTypeMD5, testKey)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.Equal(t, "whatever", m["sign"], "input map must not be modified")
}

func TestSignUnsupportedType(t *testing.T) {
	t.Parallel()
	_, err := Sign(docExample(), "SHA1", testKey)
	require.ErrorIs(t, err, ErrUnsupportedSignType)
	assert.NotContains(t, err.Error(), testKey)
}

func TestVerifySignature(t *testing.T) {
	t.Parallel()
	signed := func(st SignType, extra map[string]string) map[string]string {
		m := docExample()
		for k, v := range extra {
			m[k] = v
		}
		s, err := Sign(m, st, testKey)
		require.NoError(t, err)
		m["sign"] = s
		return m
	}
	tests := []struct {
		name   string
		msg    map[string]string
		mutate func(map[string]string)
		want   error
	}{
		{name: "md5 by length", msg: signed(SignTypeMD5, nil)},
		{name: "hmac by length", msg: signed(SignTypeHMACSHA256, nil)},
		{name: "hmac by sign_type", msg: signed(SignTypeHMACSHA256, map[string]string{"sign_type": "HMAC-SHA256"})},
		{name: "md5 by sign_type", msg: signed(SignTypeMD5, map[string]string{"sign_type": "MD5"})},
		{name: "lowercase sign accepted", msg: signed(SignTypeMD5, nil), mutate: func(m map[string]string) { m["sign"] = strings.ToLower(m["sign"]) }},
		{name: "unknown field covered", msg: signed(SignTypeMD5, map[string]string{"new_field": "x"}), mutate: func(m map[string]string) { m["new_field"] = "y" }, want: ErrSignatureInvalid},
		{name: "added field detected", msg: signed(SignTypeMD5, nil), mutate: func(m map[string]string) { m["total_fee"] = "1" }, want: ErrSignatureInvalid},
		{name: "missing", msg: docExample(), want: ErrSignatureMissing},
		{name: "odd length", msg: signed(SignTypeMD5, nil), mutate: func(m map[string]string) { m["sign"] = "ABC" }, want: ErrSignatureInvalid},
		{name: "wrong type declared", msg: signed(SignTypeMD5, map[string]string{"sign_type": "HMAC-SHA256"}), want: ErrSignatureInvalid},
		{name: "unsupported type", msg: signed(SignTypeMD5, nil), mutate: func(m map[string]string) { m["sign_type"] = "RSA" }, want: ErrUnsupportedSignType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := cloneMap(tt.msg)
			if tt.mutate != nil {
				tt.mutate(m)
			}
			err := VerifySignature(m, testKey)
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
			assert.NotContains(t, err.Error(), testKey)
		})
	}
	// A message signed with another merchant's key fails.
	m := signed(SignTypeMD5, nil)
	require.True(t, errors.Is(VerifySignature(m, strings.Repeat("k", 32)), ErrSignatureInvalid))
}

// typicalUnifiedOrder is a realistic 统一下单 response map.
func typicalUnifiedOrder() map[string]string {
	return map[string]string{
		"appid": testAppID, "mch_id": testMchID, "nonce_str": "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
		"body": "腾讯充值中心-QQ会员充值", "attach": "深圳分店", "out_trade_no": "20150806125346",
		"fee_type": "CNY", "total_fee": "88", "spbill_create_ip": "123.12.12.123",
		"time_start": "20091225091010", "time_expire": "20091227091010", "goods_tag": "WXG",
		"notify_url": "http://www.weixin.qq.com/wxpay/pay.php", "trade_type": "JSAPI",
		"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "device_info": "013467007045764",
		"detail": `{"goods_detail":[{"goods_id":"iphone6s_16G","wxpay_goods_id":"1001","goods_name":"iPhone6s 16G","quantity":1,"price":528800}]}`,
	}
}

func BenchmarkSignVerify(b *testing.B) {
	for _, st := range []SignType{SignTypeMD5, SignTypeHMACSHA256} {
		b.Run(string(st), func(b *testing.B) {
			m := typicalUnifiedOrder()
			b.ReportAllocs()
			for b.Loop() {
				s, err := Sign(m, st, testKey)
				if err != nil {
					b.Fatal(err)
				}
				m["sign"] = s
				if err := VerifySignature(m, testKey); err != nil {
					b.Fatal(err)
				}
				delete(m, "sign")
			}
		})
	}
}
