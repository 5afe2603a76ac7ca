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
// the client. When opts.CallbackURL is set, the bot there must pass WeChat's
// URL verification (the simulator also checks before its first push).
func New(t testing.TB, opts sim.Options, clientOpts ...mp.Option) (*sim.Sim, *mp.Client) {
	t.Helper()
	s, err := sim.Start(opts)
	if err != nil {
		t.Fatalf("simtest: starting the simulator: %v", err)
	}
	t.Cleanup(s.Close)
	if opts.CallbackURL != "" {
		if err := s.VerifyCallbackURL(t.Context()); err != nil {
			t.Fatalf("simtest: the bot at %s fails WeChat's URL verification: %v", opts.CallbackURL, err)
		}
	}
	acct := s.Account()
	c, err := mp.New(mp.Config{AppID: acct.AppID, AppSecret: acct.AppSecret, Token: acct.Token, EncodingAESKey: acct.EncodingAESKey},
		append([]mp.Option{mp.WithHost(s.URL)}, clientOpts...)...)
	if err != nil {
		t.Fatalf("simtest: client: %v", err)
	}
	return s, c
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
