package payv2

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJSAPIParams(t *testing.T) {
	t.Parallel()
	for _, st := range []SignType{SignTypeMD5, SignTypeHMACSHA256} {
		cfg := testConfig()
		cfg.SignType = st
		c, err := NewClient(cfg, WithClock(func() time.Time { return time.Unix(1414561699, 0) }), WithRandom(&seqReader{}))
		require.NoError(t, err)
		p, err := c.JSAPIParams("wx201411101639507cbf6ffd8b0779950874")
		require.NoError(t, err)
		assert.Equal(t, "1414561699", p.TimeStamp)
		assert.Equal(t, "prepay_id=wx201411101639507cbf6ffd8b0779950874", p.Package)
		assert.Equal(t, string(st), p.SignType)
		assert.Len(t, p.NonceStr, 32)

		var m map[string]string
		b, err := json.Marshal(p)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, &m))
		assert.ElementsMatch(t, []string{"appId", "timeStamp", "nonceStr", "package", "signType", "paySign"}, keys(m))
		// paySign covers every other field, computed by the same map signer.
		m["sign"] = m["paySign"]
		delete(m, "paySign")
		want, err := Sign(m, st, testKey)
		require.NoError(t, err)
		assert.Equal(t, want, p.PaySign)
	}
	_, err := newTestClient(t, "http://127.0.0.1:1").JSAPIParams("")
	require.ErrorIs(t, err, ErrInvalidParam)
}

func TestJSAPIParamsKnownAnswer(t *testing.T) {
	t.Parallel()
	// Expected values computed independently with coreutils / openssl:
	//   printf %s 'appId=…&nonceStr=…&package=prepay_id=…&signType=MD5&timeStamp=1414561699&key=…' | md5sum
	//   … | openssl dgst -sha256 -hmac KEY
	for st, want := range map[SignType]string{
		SignTypeMD5:        "A62A01211E36F5D2173A9EE93EBAC56C",
		SignTypeHMACSHA256: "311C3B8F50AAA11ACBCC756E871203F9F00606B4BCCA1BDCFAFD005BCF7646DE",
	} {
		nonce := "e61463f8efa94090b1f366cccfbbb444"
		cfg := testConfig()
		cfg.SignType = st
		// The fixed nonce is fed through WithRandom: byte values map onto the alphabet.
		c, err := NewClient(cfg, WithClock(func() time.Time { return time.Unix(1414561699, 0) }), WithRandom(alphabetReader(nonce)))
		require.NoError(t, err)
		p, err := c.JSAPIParams("u802345jgfjsdfgsdg888")
		require.NoError(t, err)
		require.Equal(t, nonce, p.NonceStr)
		assert.Equal(t, want, p.PaySign, st)
	}
}

// alphabetReader yields bytes that the nonce generator maps to s.
func alphabetReader(s string) *bytesReader {
	b := make([]byte, 48)
	for i := range s {
		b[i] = byte(strings.IndexByte(nonceAlphabet, s[i]))
	}
	return &bytesReader{b: b}
}

type bytesReader struct{ b []byte }

func (r *bytesReader) Read(p []byte) (int, error) { return copy(p, r.b), nil }

func TestAppParams(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, "http://127.0.0.1:1", WithClock(func() time.Time { return time.Unix(1412000000, 0) }))
	p, err := c.AppParams("WX1217752501201407033233368018")
	require.NoError(t, err)
	b, err := json.Marshal(p)
	require.NoError(t, err)
	var m map[string]string
	require.NoError(t, json.Unmarshal(b, &m))
	assert.ElementsMatch(t, []string{"appid", "partnerid", "prepayid", "package", "noncestr", "timestamp", "sign"}, keys(m))
	assert.Equal(t, "Sign=WXPay", m["package"])
	assert.Equal(t, testMchID, m["partnerid"])
	assert.Equal(t, "1412000000", m["timestamp"])
	assert.NoError(t, VerifySignature(m, testKey))

	_, err = c.AppParams("")
	require.ErrorIs(t, err, ErrInvalidParam)
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
