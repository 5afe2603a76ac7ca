package wxtest

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/message"
	"github.com/wxkit/mp/sim"
)

// BotURL is the callback URL (服务器地址) [StartBot] gives the simulator when
// the options name none. Its host never resolves: pushes to it are
// delivered in memory.
const BotURL = "http://bot.wxtest.invalid/wechat"

// Start starts a simulator with opts for the test (closed by t.Cleanup) and
// returns it with a client of its account pointed at it (mp.WithHost), made
// with clientOpts. It fails the test if either cannot be made.
func Start(t testing.TB, opts sim.Options, clientOpts ...mp.Option) (*sim.Sim, *mp.Client) {
	t.Helper()
	s, err := sim.Start(opts)
	if err != nil {
		t.Fatalf("wxtest: starting the simulator: %v", err)
	}
	t.Cleanup(s.Close)
	if opts.CallbackURL != "" {
		// As saving 服务器配置 on WeChat does: a bot whose GET handling is
		// broken fails here, with the reason, not later in a push.
		if err := s.VerifyCallbackURL(t.Context()); err != nil {
			t.Fatalf("wxtest: the bot at %s fails WeChat's URL verification: %v", opts.CallbackURL, err)
		}
	}
	acct := s.Account()
	c, err := mp.New(mp.Config{AppID: acct.AppID, AppSecret: acct.AppSecret, Token: acct.Token, EncodingAESKey: acct.EncodingAESKey},
		append([]mp.Option{mp.WithHost(s.URL)}, clientOpts...)...)
	if err != nil {
		t.Fatalf("wxtest: client of the simulator: %v", err)
	}
	return s, c
}

// StartBot is [Start] with the followers pushing to bot in memory: the
// simulator's HTTPClient becomes [HandlerClient](bot) and its CallbackURL
// [BotURL] unless opts names one (its host is then ignored; its path and
// query reach bot). bot is typically a *message.Server, or the mux the
// program mounts it on.
func StartBot(t testing.TB, bot http.Handler, opts sim.Options, clientOpts ...mp.Option) (*sim.Sim, *mp.Client) {
	t.Helper()
	if bot == nil {
		t.Fatalf("wxtest: StartBot needs the bot's handler")
	}
	if opts.CallbackURL == "" {
		opts.CallbackURL = BotURL
	}
	opts.HTTPClient = HandlerClient(bot)
	return Start(t, opts, clientOpts...)
}

// MessageConfig returns the callback configuration (message.Config) of a
// simulator whose Options leave the credentials empty: the simulator's
// public development account (sim.Default*).
func MessageConfig() message.Config {
	return message.Config{AppID: sim.DefaultAppID, Token: sim.DefaultToken, EncodingAESKey: sim.DefaultEncodingAESKey}
}

// ClientConfig returns the mp.Config of the simulator's development account
// (sim.Default*); point the client at the simulator with mp.WithHost(s.URL).
func ClientConfig() mp.Config {
	return mp.Config{AppID: sim.DefaultAppID, AppSecret: sim.DefaultAppSecret, Token: sim.DefaultToken, EncodingAESKey: sim.DefaultEncodingAESKey}
}

// Follow creates the simulated user name on s and has them follow the
// account (the subscribe event reaches the bot, its reply is dropped), so
// that they can send messages; it fails the test if the bot refuses the
// subscription.
func Follow(t testing.TB, s *sim.Sim, name string) *sim.Follower {
	t.Helper()
	f := s.NewUser(name)
	if _, err := f.Follow(context.Background()); err != nil && !errors.Is(err, sim.ErrNoCallbackURL) {
		t.Fatalf("wxtest: %s follows: %v", name, err)
	}
	return f
}
