package paysim

import (
	"context"
	"crypto/rsa"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProbes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *Options) { o.SignTestProbe = true })
	uri := "/v3/pay/transactions/out-trade-no/PROBE0001?mchid=" + f.mchid
	certKey := f.p.Certificate().PublicKey.(*rsa.PublicKey)

	r := f.do("GET", uri, nil)
	assert.True(t, strings.HasPrefix(r.header.Get("Wechatpay-Signature"), SignTestPrefix), r.header.Get("Wechatpay-Signature"))
	assert.Error(t, f.verify(t, r.header, r.body), "a probe signature must not verify")

	f.p.SetProbes(Probes{StaleTimestamp: true})
	r = f.do("GET", uri, nil)
	ts, err := strconv.ParseInt(r.header.Get("Wechatpay-Timestamp"), 10, 64)
	require.NoError(t, err)
	assert.InDelta(t, time.Now().Add(-10*time.Minute).Unix(), ts, 5)
	require.NoError(t, VerifySignature(certKey, r.header.Get("Wechatpay-Timestamp"), r.header.Get("Wechatpay-Nonce"), r.body, r.header.Get("Wechatpay-Signature")),
		"the signature itself is valid")
	assert.ErrorContains(t, f.verify(t, r.header, r.body), "stale")

	f.p.SetProbes(Probes{UnknownSerial: true})
	r = f.do("GET", uri, nil)
	assert.NotEqual(t, f.p.CertificateSerial(), r.header.Get("Wechatpay-Serial"))
	assert.Regexp(t, `^[0-9A-F]{40}$`, r.header.Get("Wechatpay-Serial"))
	assert.ErrorContains(t, f.verify(t, r.header, r.body), "unknown serial")
	require.NoError(t, VerifySignature(certKey, r.header.Get("Wechatpay-Timestamp"), r.header.Get("Wechatpay-Nonce"), r.body, r.header.Get("Wechatpay-Signature")))

	r = f.do("GET", uri, nil, "Wechatpay-Serial", f.p.PublicKeyID())
	assert.True(t, strings.HasPrefix(r.header.Get("Wechatpay-Serial"), "PUB_KEY_ID_"))
	assert.NotEqual(t, f.p.PublicKeyID(), r.header.Get("Wechatpay-Serial"))

	// Probes apply to notifications too.
	f.p.SetProbes(Probes{SignTest: true})
	rc := newReceiver(t)
	f.createJSAPI(t, "PROBE0002", rc.srv.URL+"/n", 1)
	_, err = f.p.Pay(context.Background(), f.mchid, "PROBE0002", "")
	require.NoError(t, err)
	got := rc.next(t)
	assert.True(t, strings.HasPrefix(got.header.Get("Wechatpay-Signature"), SignTestPrefix))

	f.p.SetProbes(Probes{})
	r = f.do("GET", uri, nil)
	f.requireSigned(t, r)
}
