package openapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/simtest"
	"github.com/wxkit/mp/openapi"
	"github.com/wxkit/mp/sim"
)

// TestEndToEndOperations: the simulator's IPs, network check, quotas that
// count real calls (45009 at a configured limit, reset by clear_quota,
// quota/clear and clear_quota/v2, 48006 after 10 resets a month), and a
// failed call looked up by its rid in one step.
func TestEndToEndOperations(t *testing.T) {
	t.Parallel()
	s, client := simtest.New(t, sim.Options{DailyQuota: 3})
	ops := openapi.New(client)
	ctx := context.Background()

	ips, err := ops.CallbackIPs(ctx)
	require.NoError(t, err)
	assert.Contains(t, ips, "127.0.0.1")
	ips, err = ops.APIDomainIPs(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"127.0.0.1"}, ips)

	// 网络检测 needs a callback URL; then it resolves and reaches it.
	_, err = ops.CheckCallback(ctx, openapi.CheckAll, openapi.OperatorDefault)
	var ae *mp.APIError
	require.ErrorAs(t, err, &ae)
	assert.EqualValues(t, 40201, ae.Code)
	hs := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(hs.Close)
	s.SetCallbackURL(hs.URL)
	res, err := ops.CheckCallback(ctx, openapi.CheckAll, openapi.OperatorUnicom)
	require.NoError(t, err)
	require.Len(t, res.DNS, 1)
	assert.Equal(t, "127.0.0.1", res.DNS[0].IP)
	require.Len(t, res.Ping, 1)
	assert.False(t, res.Ping[0].Lost())
	assert.Equal(t, openapi.OperatorUnicom, res.Ping[0].FromOperator)
	dnsOnly, err := ops.CheckCallback(ctx, openapi.CheckDNS, openapi.OperatorCAP)
	require.NoError(t, err)
	assert.Empty(t, dnsOnly.Ping)

	// Quotas count real calls: getcallbackip was called once.
	q, err := ops.Quota(ctx, "/cgi-bin/getcallbackip")
	require.NoError(t, err)
	assert.Equal(t, &openapi.Quota{DailyLimit: 3, Used: 1, Remain: 2}, q)
	for i := 0; i < 2; i++ {
		_, err = ops.CallbackIPs(ctx)
		require.NoError(t, err)
	}
	_, err = ops.CallbackIPs(ctx)
	require.True(t, openapi.IsDailyLimit(err), "%v", err)

	// From the error to WeChat's record of the call, without parsing strings.
	rec, err := ops.LookupError(ctx, err)
	require.NoError(t, err)
	assert.Contains(t, rec.ResponseBody, `"errcode":45009`)
	assert.Contains(t, rec.RequestURL, "access_token=")
	assert.NotContains(t, rec.RequestURL, s.Account().AppSecret)
	assert.Equal(t, "127.0.0.1", rec.ClientIP)
	assert.Positive(t, rec.InvokeTime)

	// quota/clear resets one API.
	require.NoError(t, ops.ClearAPIQuota(ctx, "/cgi-bin/getcallbackip"))
	_, err = ops.CallbackIPs(ctx)
	require.NoError(t, err)
	_, err = ops.Quota(ctx, "/cgi-bin/no/such/api")
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, openapi.CodeCGIPathNotFound, ae.Code)
	err = ops.ClearAPIQuota(ctx, "/sns/userinfo")
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, openapi.CodeCGIPathNoPermission, ae.Code)
	_, err = ops.RID(ctx, "00000000-00000000-00000000")
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, openapi.CodeRIDNotFound, ae.Code)

	// clear_quota and clear_quota/v2 share 10 resets a month.
	for i := 0; i < openapi.MonthlyClearLimit; i++ {
		if i%2 == 0 {
			require.NoError(t, ops.ClearQuota(ctx), "reset %d", i+1)
		} else {
			require.NoError(t, ops.ClearQuotaByAppSecret(ctx), "reset %d", i+1)
		}
	}
	err = ops.ClearQuotaByAppSecret(ctx)
	assert.True(t, openapi.IsClearLimit(err), "%v", err)
	assert.NotContains(t, err.Error(), s.Account().AppSecret)
	assert.True(t, openapi.IsClearLimit(ops.ClearQuota(ctx)))

	// A wrong secret is refused, and stays out of the error.
	bad, err := mp.New(mp.Config{AppID: s.Account().AppID, AppSecret: "wrong-secret-0123456789"}, mp.WithHost(s.URL))
	require.NoError(t, err)
	err = openapi.New(bad).ClearQuotaByAppSecret(ctx)
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, mp.CodeInvalidAppSecret, ae.Code)
	assert.NotContains(t, err.Error(), "wrong-secret-0123456789")
}

// TestEndToEndClearQuotaV2WithoutToken: when /cgi-bin/token is itself out
// of quota, clear_quota/v2 still resets (it needs no token).
func TestEndToEndClearQuotaV2WithoutToken(t *testing.T) {
	t.Parallel()
	s, _ := simtest.New(t, sim.Options{DailyQuota: 1})
	acct := s.Account()
	// Classic tokens: each client fetches /cgi-bin/token itself.
	fresh := func() *mp.Client {
		c, err := mp.New(mp.Config{AppID: acct.AppID, AppSecret: acct.AppSecret}, mp.WithHost(s.URL), mp.WithClassicToken())
		require.NoError(t, err)
		return c
	}
	_, err := openapi.New(fresh()).CallbackIPs(context.Background())
	require.NoError(t, err)
	_, err = openapi.New(fresh()).CallbackIPs(context.Background())
	require.Error(t, err, "the token endpoint is out of quota")
	require.True(t, openapi.IsDailyLimit(err), "%v", err)
	require.NoError(t, openapi.New(fresh()).ClearQuotaByAppSecret(context.Background()))
	_, err = openapi.New(fresh()).CallbackIPs(context.Background())
	require.NoError(t, err)
}
