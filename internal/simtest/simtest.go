// Package simtest starts the local platform simulator for the SDK's own
// end-to-end tests. It is a thin wrapper of the public test kit
// (github.com/wxkit/mp/wxtest), kept so the family e2e tests read the same.
package simtest

import (
	"testing"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/sim"
	"github.com/wxkit/mp/wxtest"
)

// New is wxtest.Start: a simulator with opts (closed when the test ends)
// and a client of its account routed to it, made with clientOpts.
func New(t testing.TB, opts sim.Options, clientOpts ...mp.Option) (*sim.Sim, *mp.Client) {
	t.Helper()
	return wxtest.Start(t, opts, clientOpts...)
}

// Callback points the simulator's pushes at url (服务器地址) and performs
// WeChat's URL verification (the GET with echostr) at once, failing the test
// with the reason when the bot under test does not pass it: a bot whose GET
// handling is broken cannot pass a simulated test.
func Callback(t testing.TB, s *sim.Sim, url string) {
	t.Helper()
	s.SetCallbackURL(url)
	if err := s.VerifyCallbackURL(t.Context()); err != nil {
		t.Fatalf("simtest: the bot at %s fails WeChat's URL verification: %v", url, err)
	}
}
