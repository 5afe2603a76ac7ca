package openapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
)

func TestCallbackIPs(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("GET", "/cgi-bin/getcallbackip", "getcallbackip.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		assert.Empty(t, body)
	})
	srv.Reply("GET", "/cgi-bin/get_api_domain_ip", "get_api_domain_ip.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
	})
	ips, err := svc.CallbackIPs(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"127.0.0.1", "127.0.0.2", "101.226.103.0/25"}, ips)
	ips, err = svc.APIDomainIPs(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"101.89.47.18", "101.91.34.103"}, ips)
}

func TestCallbackIPsErrors(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.ReplyError("GET", "/cgi-bin/getcallbackip", 40013, "invalid appid")
	srv.ReplyError("GET", "/cgi-bin/get_api_domain_ip", 40164, "invalid ip, not in whitelist")
	_, err := svc.CallbackIPs(ctx)
	mptest.RequireAPIError(t, err, mp.CodeInvalidAppID)
	_, err = svc.APIDomainIPs(ctx)
	mptest.RequireAPIError(t, err, mp.CodeIPNotWhitelisted)
}
