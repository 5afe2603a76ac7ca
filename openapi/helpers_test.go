package openapi_test

import (
	"context"
	"testing"

	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/openapi"
)

var ctx = context.Background()

func newService(t testing.TB) (*mptest.Server, *openapi.Service) {
	t.Helper()
	srv, c := mptest.New(t)
	return srv, openapi.New(c)
}

func noRequests(t testing.TB) *openapi.Service {
	t.Helper()
	srv, svc := newService(t)
	srv.RefuseAll()
	return svc
}
