package openapi_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/openapi"
)

func TestRID(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("POST", "/cgi-bin/openapi/rid/get", "rid_get.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEqFixture(t, "rid_get_request.json", body)
	})
	want := &openapi.Request{InvokeTime: 1635156704, CostInMs: 30, RequestURL: "access_token=50_Im7xxxx",
		ResponseBody: `{"errcode":45009,"errmsg":"reach max api daily quota limit rid: 617682e0-09059ac5-34a8e2ea"}`, ClientIP: "113.xx.70.51"}
	got, err := svc.RID(ctx, "61725984-6126f6f9-040f19c4")
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.Equal(t, 30*time.Millisecond, got.Cost())
	assert.Equal(t, int64(1635156704), got.Invoked().Unix())

	// From an error, wrapped, without parsing strings.
	failed := fmt.Errorf("sending the welcome: %w", &mp.APIError{Code: 45009, RID: "61725984-6126f6f9-040f19c4"})
	got, err = svc.LookupError(ctx, failed)
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

func TestRIDErrors(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.ReplyError("POST", "/cgi-bin/openapi/rid/get", 76001, "rid not found")
	_, err := svc.RID(ctx, "0000")
	mptest.RequireAPIError(t, err, openapi.CodeRIDNotFound)

	v := noRequests(t)
	_, err = v.RID(ctx, "")
	mptest.RequireValidation(t, err, "rid")
	_, err = v.LookupError(ctx, errors.New("plain"))
	assert.ErrorIs(t, err, openapi.ErrNoRID)
	_, err = v.LookupError(ctx, &mp.APIError{Code: 40001})
	assert.ErrorIs(t, err, openapi.ErrNoRID)
	_, err = v.LookupError(ctx, nil)
	assert.ErrorIs(t, err, openapi.ErrNoRID)
}
