package paysim

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseAuthorization(t *testing.T) {
	t.Parallel()
	good := `WECHATPAY2-SHA256-RSA2048 mchid="1900009191",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",signature="uOVRnA4qG/MNnYzdQxJanN+zU+lTgIcnU9BxGw5dKjK+VdEUz2FeIoC+D5sB/LN+nGzX3hfZg6r5wT1pl2ZobmIc6p0ldN7J6yDgUzbX8Uk3sD4a4eZVPTBvqNDoUqcYMlZ9uuDdCvNv4TM3c1WzsXUrExwVkI1XO5jCNbgDJ25nkT/c1gIFvqoogl7MdSFGc4W4xZsqCItnqbypR3RuGIlR9h9vlRsy7zJR9PBI83X8al7LDIfR1ukt1P7tMnmogZ0cuDY8cZsd8ZlCgLadmvej58SLsIkVxFJ8XyUgx9FmutKSYTmYtWBZ0+tNvfGmbXU7cob8H/84nLBiCwIUFluw==",timestamp="1554208460",serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"`
	a, err := ParseAuthorization(good)
	require.NoError(t, err)
	assert.Equal(t, "1900009191", a.MchID)
	assert.Equal(t, "593BEC0C930BF1AFEB40B4A08C8FB242", a.NonceStr)
	assert.Equal(t, "1554208460", a.Timestamp)
	assert.Equal(t, "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C", a.SerialNo)
	assert.True(t, strings.HasSuffix(a.Signature, "Fluw=="))

	ok := []string{
		`WECHATPAY2-SHA256-RSA2048 serial_no="S",timestamp="1",signature="x",nonce_str="n",mchid="m"`,
		`WECHATPAY2-SHA256-RSA2048  mchid="m", nonce_str="n" , signature="x",timestamp="1",serial_no="S"`,
	}
	for _, h := range ok {
		a, err := ParseAuthorization(h)
		require.NoError(t, err, h)
		assert.Equal(t, Authorization{MchID: "m", NonceStr: "n", Signature: "x", Timestamp: "1", SerialNo: "S"}, a)
	}
	bad := map[string]string{
		"empty":          ``,
		"scheme":         `WECHATPAY2-SHA256 mchid="m",nonce_str="n",signature="x",timestamp="1",serial_no="S"`,
		"no params":      `WECHATPAY2-SHA256-RSA2048`,
		"missing serial": `WECHATPAY2-SHA256-RSA2048 mchid="m",nonce_str="n",signature="x",timestamp="1"`,
		"empty value":    `WECHATPAY2-SHA256-RSA2048 mchid="",nonce_str="n",signature="x",timestamp="1",serial_no="S"`,
		"unquoted":       `WECHATPAY2-SHA256-RSA2048 mchid=m,nonce_str="n",signature="x",timestamp="1",serial_no="S"`,
		"unterminated":   `WECHATPAY2-SHA256-RSA2048 mchid="m`,
		"duplicate":      `WECHATPAY2-SHA256-RSA2048 mchid="m",mchid="m",nonce_str="n",signature="x",timestamp="1",serial_no="S"`,
		"unknown":        `WECHATPAY2-SHA256-RSA2048 mchid="m",foo="1",nonce_str="n",signature="x",timestamp="1",serial_no="S"`,
		"trailing comma": `WECHATPAY2-SHA256-RSA2048 mchid="m",nonce_str="n",signature="x",timestamp="1",serial_no="S",`,
		"no comma":       `WECHATPAY2-SHA256-RSA2048 mchid="m" nonce_str="n",signature="x",timestamp="1",serial_no="S"`,
		"no key":         `WECHATPAY2-SHA256-RSA2048 ="m"`,
	}
	for name, h := range bad {
		_, err := ParseAuthorization(h)
		var ae *AuthError
		assert.ErrorAs(t, err, &ae, name)
	}
}

func FuzzParseAuthorization(f *testing.F) {
	f.Add(`WECHATPAY2-SHA256-RSA2048 mchid="1900009191",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",signature="abc==",timestamp="1554208460",serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"`)
	f.Add(`WECHATPAY2-SHA256-RSA2048 mchid="m", nonce_str="n"`)
	f.Add(`WECHATPAY2-SHA256-RSA2048 a="`)
	f.Add(`WECHATPAY2-SHA256-RSA2048 ,,,=""`)
	f.Fuzz(func(t *testing.T, h string) {
		a, err := ParseAuthorization(h)
		if err != nil {
			if a != (Authorization{}) {
				t.Fatalf("partial result on error: %+v", a)
			}
			return
		}
		if a.MchID == "" || a.NonceStr == "" || a.Signature == "" || a.Timestamp == "" || a.SerialNo == "" {
			t.Fatalf("accepted header with an empty parameter: %q", h)
		}
		for _, v := range []string{a.MchID, a.NonceStr, a.Signature, a.Timestamp, a.SerialNo} {
			if strings.Contains(v, `"`) {
				t.Fatalf("value contains a quote: %q", v)
			}
		}
	})
}

func TestRequestAuthentication(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	uri := "/v3/pay/transactions/out-trade-no/nosuchorder?mchid=" + f.mchid

	t.Run("good signature reaches the endpoint", func(t *testing.T) {
		r := f.do("GET", uri, nil)
		assert.Equal(t, http.StatusNotFound, r.status)
		assert.Equal(t, CodeOrderNotExist, r.apiError(t).Code)
		f.requireSigned(t, r)
	})
	cases := []struct {
		name   string
		auth   func() string
		status int
		code   string
	}{
		{"missing header", func() string { return "" }, 401, CodeSignError},
		{"garbage header", func() string { return "Bearer x" }, 401, CodeSignError},
		{"wrong key", func() string {
			return f.authHeader("GET", uri, nil, time.Now(), loadKey(t, "platform_key.pem"))
		}, 401, CodeSignError},
		{"signed another path", func() string {
			return f.authHeader("GET", "/v3/certificates", nil, time.Now(), f.key)
		}, 401, CodeSignError},
		{"signed another method", func() string {
			return f.authHeader("POST", uri, nil, time.Now(), f.key)
		}, 401, CodeSignError},
		{"five minutes old", func() string {
			return f.authHeader("GET", uri, nil, time.Now().Add(-MaxClockSkew), f.key)
		}, 401, CodeSignError},
		{"six minutes ahead", func() string {
			return f.authHeader("GET", uri, nil, time.Now().Add(6*time.Minute), f.key)
		}, 401, CodeSignError},
		{"wrong serial", func() string {
			return strings.Replace(f.authHeader("GET", uri, nil, time.Now(), f.key), f.serial, "ABCDEF", 1)
		}, 401, CodeSignError},
		{"unknown merchant", func() string {
			return strings.Replace(f.authHeader("GET", uri, nil, time.Now(), f.key), f.mchid, "1234567890", 1)
		}, 400, CodeMchNotExists},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := f.send("GET", uri, nil, c.auth())
			assert.Equal(t, c.status, r.status)
			assert.Equal(t, c.code, r.apiError(t).Code)
			f.requireSigned(t, r) // error answers are signed too
		})
	}
	t.Run("skew just under five minutes passes", func(t *testing.T) {
		r := f.send("GET", uri, nil, f.authHeader("GET", uri, nil, time.Now().Add(-MaxClockSkew+5*time.Second), f.key))
		assert.Equal(t, http.StatusNotFound, r.status)
	})
	t.Run("tampered body", func(t *testing.T) {
		body := []byte(`{"mchid":"` + f.mchid + `"}`)
		path := "/v3/pay/transactions/out-trade-no/abcdef/close"
		auth := f.authHeader("POST", path, body, time.Now(), f.key)
		r := f.send("POST", path, []byte(`{"mchid":"`+f.mchid+`" }`), auth)
		assert.Equal(t, http.StatusUnauthorized, r.status)
		assert.Equal(t, CodeSignError, r.apiError(t).Code)
	})
}

func TestClockOption(t *testing.T) {
	t.Parallel()
	past := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	f := newFixture(t, func(o *Options) { o.Clock = func() time.Time { return past } })
	uri := "/v3/pay/transactions/out-trade-no/nosuchorder?mchid=" + f.mchid
	r := f.send("GET", uri, nil, f.authHeader("GET", uri, nil, time.Now(), f.key))
	assert.Equal(t, http.StatusUnauthorized, r.status, "now is far from the simulator's clock")
	r = f.send("GET", uri, nil, f.authHeader("GET", uri, nil, past, f.key))
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Equal(t, "1704164645", r.header.Get("Wechatpay-Timestamp"))
}

func TestUnknownEndpoint(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := f.do("GET", "/v3/nothing/here", nil)
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Equal(t, CodeNotFound, r.apiError(t).Code)
	r = f.do("DELETE", "/v3/certificates", nil)
	assert.Equal(t, http.StatusNotFound, r.status)
}
