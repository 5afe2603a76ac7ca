package openapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/openapi"
)

func TestCheckCallback(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("POST", "/cgi-bin/callback/check", "callback_check.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEqFixture(t, "callback_check_request.json", body)
	})
	res, err := svc.CheckCallback(ctx, openapi.CheckAll, openapi.OperatorDefault)
	require.NoError(t, err)
	assert.Equal(t, []openapi.DNSResult{{IP: "111.161.64.40", RealOperator: openapi.OperatorUnicom}, {IP: "111.161.64.48", RealOperator: openapi.OperatorUnicom}}, res.DNS)
	require.Len(t, res.Ping, 2)
	assert.Equal(t, openapi.PingResult{IP: "111.161.64.40", FromOperator: openapi.OperatorUnicom, PackageLoss: "0%", Time: "23.079ms"}, res.Ping[0])
	assert.False(t, res.Ping[0].Lost())
	assert.Equal(t, 23079*time.Microsecond, res.Ping[0].Duration())
	assert.True(t, openapi.PingResult{PackageLoss: "100%"}.Lost())
	assert.Zero(t, openapi.PingResult{Time: "n/a"}.Duration())
}

func TestCheckCallbackErrors(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.ReplyError("POST", "/cgi-bin/callback/check", 40201, "invalid url")
	_, err := svc.CheckCallback(ctx, openapi.CheckPing, openapi.OperatorCAP)
	mptest.RequireAPIError(t, err, 40201)

	v := noRequests(t)
	_, err = v.CheckCallback(ctx, "traceroute", openapi.OperatorDefault)
	mptest.RequireValidation(t, err, "action")
	_, err = v.CheckCallback(ctx, openapi.CheckDNS, "MOBILE")
	mptest.RequireValidation(t, err, "check_operator")
}
