package qrcode_test

import (
	"testing"

	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/qrcode"
)

// newService starts a fake API and returns it with a qrcode Service on it.
func newService(t testing.TB) (*mptest.Server, *qrcode.Service) {
	t.Helper()
	srv, c := mptest.New(t)
	return srv, qrcode.New(c)
}

// noRequests returns a Service whose fake API fails the test on any call.
func noRequests(t testing.TB) *qrcode.Service {
	t.Helper()
	srv, svc := newService(t)
	srv.RefuseAll()
	return svc
}
