package openapi_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/internal/syncbuf"
	"github.com/wxkit/mp/openapi"
)

func TestQuota(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("POST", "/cgi-bin/openapi/quota/get", "quota_get.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEqFixture(t, "quota_get_request.json", body)
	})
	q, err := svc.Quota(ctx, "/wxa/gettemplatedraftlist")
	require.NoError(t, err)
	assert.Equal(t, &openapi.Quota{}, q)

	srv2, svc2 := newService(t)
	srv2.Reply("POST", "/cgi-bin/openapi/quota/get", "quota_get_busy.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.JSONEq(t, `{"cgi_path":"/cgi-bin/message/template/send"}`, body)
	})
	q, err = svc2.Quota(ctx, "/cgi-bin/message/template/send")
	require.NoError(t, err)
	assert.Equal(t, &openapi.Quota{DailyLimit: 1000000, Used: 227761, Remain: 772239}, q)
}

func TestClearAPIQuota(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("POST", "/cgi-bin/openapi/quota/clear", "ok.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEq(t, `{"cgi_path":"/cgi-bin/message/custom/send"}`, body)
	})
	require.NoError(t, svc.ClearAPIQuota(ctx, "/cgi-bin/message/custom/send"))
}

func TestClearQuota(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("POST", "/cgi-bin/clear_quota", "ok.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEqFixture(t, "clear_quota_request.json", body)
	})
	require.NoError(t, svc.ClearQuota(ctx))
}

func TestClearQuotaByAppSecret(t *testing.T) {
	t.Parallel()
	var logs syncbuf.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, c := mptest.New(t, mp.WithLogger(logger))
	svc := openapi.New(c)
	srv.Handle("POST", "/cgi-bin/clear_quota/v2", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, map[string][]string{"appid": {mptest.AppID}, "appsecret": {"APPSECRET"}}, map[string][]string(r.URL.Query()),
			"appid and appsecret in the query, no access_token")
		var body bytes.Buffer
		_, _ = body.ReadFrom(r.Body)
		assert.Empty(t, body.String())
		mptest.ErrorJSON(w, 48006, "forbid to clear quota because of reaching the limit")
	})
	err := svc.ClearQuotaByAppSecret(ctx)
	mptest.RequireAPIError(t, err, mp.CodeClearQuotaLimit)
	assert.True(t, openapi.IsClearLimit(err))
	assert.False(t, openapi.IsDailyLimit(err))
	assert.NotContains(t, err.Error(), "APPSECRET")
	assert.NotContains(t, logs.String(), "APPSECRET", "the secret stays out of the logs")
	assert.Contains(t, logs.String(), "clear_quota/v2")

	noSecret, err := mp.New(mp.Config{AppID: mptest.AppID}, mp.WithHost(srv.URL))
	require.NoError(t, err)
	assert.ErrorIs(t, openapi.New(noSecret).ClearQuotaByAppSecret(ctx), openapi.ErrNoAppSecret)
}

func TestQuotaErrors(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.ReplyError("POST", "/cgi-bin/openapi/quota/get", 76021, "cgi_path not found, please check")
	srv.ReplyError("POST", "/cgi-bin/openapi/quota/clear", 76022, "could not use this cgi_path,no permission")
	srv.ReplyError("POST", "/cgi-bin/clear_quota", 48006, "forbid to clear quota because of reaching the limit")
	_, err := svc.Quota(ctx, "/cgi-bin/nope")
	mptest.RequireAPIError(t, err, openapi.CodeCGIPathNotFound)
	mptest.RequireAPIError(t, svc.ClearAPIQuota(ctx, "/sns/userinfo"), openapi.CodeCGIPathNoPermission)
	err = svc.ClearQuota(ctx)
	mptest.RequireAPIError(t, err, mp.CodeClearQuotaLimit)
	assert.True(t, openapi.IsClearLimit(err))
	assert.True(t, openapi.IsDailyLimit(&mp.APIError{Code: 45009}))

	v := noRequests(t)
	for _, p := range []string{"", "cgi-bin/token", "https://api.weixin.qq.com/cgi-bin/token", "/cgi-bin/token?x=1"} {
		_, err := v.Quota(ctx, p)
		mptest.RequireValidation(t, err, "cgi_path")
		mptest.RequireValidation(t, v.ClearAPIQuota(ctx, p), "cgi_path")
	}
}
