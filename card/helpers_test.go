package card_test

import (
	"testing"
	"time"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/card"
	"github.com/wxkit/mp/internal/mptest"
)

// statsNow is the clock of the tests: 2015-06-30 in UTC+8, after the
// documented sample dates.
var statsNow = time.Date(2015, 6, 30, 12, 0, 0, 0, time.UTC)

func newService(t testing.TB, opts ...mp.Option) (*mptest.Server, *card.Service) {
	t.Helper()
	srv, c := mptest.New(t, opts...)
	return srv, card.New(c, card.WithClock(func() time.Time { return statsNow }))
}

func noRequests(t testing.TB) *card.Service {
	t.Helper()
	srv, svc := newService(t)
	srv.RefuseAll()
	return svc
}
