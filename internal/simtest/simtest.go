// Package simtest starts the local platform simulator for a test and gives a
// client of the SDK pointed at it: the common start of every end-to-end test.
package simtest

import (
	"testing"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/sim"
)

// New starts a simulator with opts (closed when the test ends) and returns
// it with a client of its account routed to it (mp.WithHost), plus opts for
// the client.
func New(t testing.TB, opts sim.Options, clientOpts ...mp.Option) (*sim.Sim, *mp.Client) {
	t.Helper()
	s, err := sim.Start(opts)
	if err != nil {
		t.Fatalf("simtest: starting the simulator: %v", err)
	}
	t.Cleanup(s.Close)
	acct := s.Account()
	c, err := mp.New(mp.Config{AppID: acct.AppID, AppSecret: acct.AppSecret, Token: acct.Token, EncodingAESKey: acct.EncodingAESKey},
		append([]mp.Option{mp.WithHost(s.URL)}, clientOpts...)...)
	if err != nil {
		t.Fatalf("simtest: client: %v", err)
	}
	return s, c
}
