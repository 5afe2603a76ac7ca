// Package mp is the shared client of the wxkit/mp SDK for WeChat Official
// Accounts (微信公众号) and the home of its documentation: start here.
//
// Install with
//
//	go get github.com/wxkit/mp
//	go install github.com/wxkit/mp/cmd/wxsim@latest   # the simulator and its chat page
//
// # A first bot
//
// A callback server (package message) with a router answering the keyword
// "hello", logging through log/slog; examples/firstbot is this program and
// runs it against the built-in simulator when WECHAT_TOKEN is unset:
//
//	func main() {
//		logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
//		router := message.NewRouter()
//		router.Keyword("hello", func(context.Context, message.Message) (message.Reply, error) {
//			return message.TextReply{Content: "Hello from wxkit!"}, nil
//		})
//		cfg := message.Config{AppID: os.Getenv("WECHAT_APPID"), Token: os.Getenv("WECHAT_TOKEN"), EncodingAESKey: os.Getenv("WECHAT_ENCODING_AES_KEY")}
//		bot, err := message.NewServer(cfg, router, message.WithLogger(logger))
//		if err != nil {
//			log.Fatal(err)
//		}
//		http.Handle("/wechat", bot)
//		log.Fatal(http.ListenAndServe("127.0.0.1:"+cmp.Or(os.Getenv("PORT"), "8080"), nil))
//	}
//
// Test it with package wxtest: wxtest.StartBot starts the simulator for one
// test and pushes to the bot's handler in memory.
//
// # Two configs, two constructors: on purpose
//
// A callback server needs the AppID, Token and EncodingAESKey
// (message.Config) and nothing else: package message stands on crypto
// alone, so a server that only answers pushes never holds the AppSecret and
// never imports the API client. The API client needs the AppSecret too
// ([Config]). A program with both repeats three fields; copy them from one
// place:
//
//	cfg := mp.Config{AppID: id, AppSecret: secret, Token: tok, EncodingAESKey: key}
//	client, err := mp.New(cfg)
//	srv, err := message.NewServer(message.Config{AppID: cfg.AppID, Token: cfg.Token, EncodingAESKey: cfg.EncodingAESKey}, router)
//
// [New] makes the Official Account client; WeChat Pay is another platform
// with other hosts and merchant credentials (商户号, API v3 key, certificate),
// so it has its own client, pay.NewClient(pay.Config{...}), which does not
// import this package.
//
// Web authorization (网页授权): WeChat sends the visitor back to the path of
// oauth.MiddlewareConfig.RedirectURL. oauth.Middleware answers that path,
// but only for requests that reach it: Require and Optional see only the
// paths they are mounted on, so with mux.Handle("/account", mw.Require(h))
// the callback /auth/callback is a 404. Always mount the callback
// explicitly, mux.Handle(mw.CallbackPath(), mw) (the middleware is an
// http.Handler for exactly that path), as Example_netHTTP does for net/http
// and examples/frameworks for chi, gin and echo.
//
// # The shared client
//
// A [Client] holds one account's configuration (AppID, AppSecret, Token,
// EncodingAESKey), its access_token [token.Source], the HTTP transport, the
// retry policy and the logger. The family packages (message, user, oauth,
// qrcode, customer, template, media, menu, mass, jssdk) are thin: each
// declares endpoint paths and request/response types and sends every call
// through the one request helper here ([Client.Do]), which
//
//   - puts access_token in the query (fetched from the Source),
//   - encodes JSON bodies without HTML escaping (WeChat wants raw <, >, &
//     and raw UTF-8),
//   - decodes errcode/errmsg into one typed [*APIError],
//   - on an invalid or expired token (40001, 40014, 42001) invalidates that
//     token and retries the call exactly once,
//   - retries transient failures (-1 system busy, HTTP 5xx, timeouts) with
//     capped, jittered, cancellable exponential backoff,
//   - streams binary downloads to an io.Writer and multipart uploads from an
//     io.Reader, and
//   - redacts access_token, secret and other credentials from every error
//     and log line.
//
// There is no package-level mutable state: several accounts live side by
// side in one process, and their store keys are namespaced by AppID
// ("wxkit:mp:<appid>:access_token"), so they can share one Redis.
//
// The API hosts are settable ([WithBaseURL], [WithHost]) so the same code
// runs against real WeChat, a regional domain, or the local simulator.
package mp
