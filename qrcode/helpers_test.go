package qrcode_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/qrcode"
)

func newService(t testing.TB) (*mptest.Server, *qrcode.Service) {
	t.Helper()
	srv, c := mptest.New(t)
	return srv, qrcode.New(c)
}

// noRequests returns a Service whose fake API fails the test on any call.
func noRequests(t testing.TB) *qrcode.Service {
	t.Helper()
	srv, svc := newService(t)
	srv.Mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
	})
	return svc
}

func replyError(srv *mptest.Server, method, path string, code int, msg string) {
	srv.Handle(method, path, func(w http.ResponseWriter, r *http.Request) {
		mptest.ErrorJSON(w, code, msg)
	})
}

func requireAPIError(t testing.TB, err error, code mp.ErrorCode) {
	t.Helper()
	var apiErr *mp.APIError
	require.True(t, errors.As(err, &apiErr), "want *mp.APIError, got %T: %v", err, err)
	assert.Equal(t, code, apiErr.Code)
	assert.NotContains(t, err.Error(), mptest.AccessToken)
}

func requireValidation(t testing.TB, err error, field string) {
	t.Helper()
	var ve *mp.ValidationError
	require.True(t, errors.As(err, &ve), "want *mp.ValidationError, got %T: %v", err, err)
	assert.Equal(t, field, ve.Field)
}
