package user_test

import (
	"testing"

	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/user"
)

// newService starts a fake API and returns it with a user Service on it.
func newService(t testing.TB) (*mptest.Server, *user.Service) {
	t.Helper()
	srv, c := mptest.New(t)
	return srv, user.New(c)
}

// noRequests returns a Service whose fake API fails the test on any call.
func noRequests(t testing.TB) *user.Service {
	t.Helper()
	srv, svc := newService(t)
	srv.RefuseAll()
	return svc
}
