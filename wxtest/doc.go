// Package wxtest is the test kit for bots built on wxkit/mp: the local
// WeChat platform simulator (package sim) started for one test, a push to
// the bot's http.Handler in memory, and a WeChat browser for web
// authorization (网页授权) pages. It is to wxkit/mp what net/http/httptest is
// to net/http.
//
//   - [Start] starts a simulator for the test (closed by t.Cleanup) and
//     returns it with an *mp.Client of its account.
//   - [StartBot] does the same with the followers pushing to the bot's
//     http.Handler in memory: no listener, no port, no callback URL to
//     configure.
//   - [HandlerClient] is the in-memory transport on its own: an *http.Client
//     that delivers every request to a handler (sim.Options.HTTPClient).
//   - [Browser] is a follower's browser inside WeChat: it keeps cookies,
//     tells the simulator's authorization page who is in the browser,
//     answers its consent page (允许) and follows the redirect back to the
//     site.
//   - [MessageConfig] and [ClientConfig] are the simulator's development
//     credentials for the bot under test.
//
// A complete test of a bot:
//
//	func TestBot(t *testing.T) {
//		r := message.NewRouter()
//		r.Keyword("hello", func(context.Context, message.Message) (message.Reply, error) {
//			return message.TextReply{Content: "Hello from wxkit!"}, nil
//		})
//		bot, err := message.NewServer(wxtest.MessageConfig(), r)
//		if err != nil {
//			t.Fatal(err)
//		}
//		s, _ := wxtest.StartBot(t, bot, sim.Options{SafeMode: true})
//		reply, err := wxtest.Follow(t, s, "Alice").SendText(t.Context(), "hello")
//		if err != nil || reply.Content != "Hello from wxkit!" {
//			t.Fatalf("reply %+v, err %v", reply, err)
//		}
//	}
//
// The simulator imports only crypto and the standard library: it is written
// from WeChat's documentation, so a bot that passes against it has been
// checked by something other than the SDK it is built on.
package wxtest
