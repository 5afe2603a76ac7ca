package mp_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log"
	"net/http"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/message"
	"github.com/wxkit/mp/oauth"
	"github.com/wxkit/mp/pay"
	"github.com/wxkit/mp/sim"
	"github.com/wxkit/mp/sim/paysim"
	"github.com/wxkit/mp/wxtest"
)

// mountNetHTTP is the net/http mounting of a bot's site: the callback server
// (服务器地址), a page behind web authorization (网页授权) with its callback
// mounted explicitly, and WeChat Pay notifications. examples/frameworks has
// the same for chi, gin and echo.
func mountNetHTTP(client *mp.Client, payClient *pay.Client, cfg message.Config, publicURL string, key []byte) (*http.ServeMux, error) {
	router := message.NewRouter()
	router.Keyword("hello", func(context.Context, message.Message) (message.Reply, error) {
		return message.TextReply{Content: "Hello from wxkit!"}, nil
	})
	callback, err := message.NewServer(cfg, router)
	if err != nil {
		return nil, err
	}
	auth, err := oauth.New(client).NewMiddleware(oauth.MiddlewareConfig{
		RedirectURL: publicURL + "/auth/wechat", Scope: oauth.ScopeUserInfo, Key: key,
	})
	if err != nil {
		return nil, err
	}
	notify := pay.NewNotifyHandler(payClient, func(ctx context.Context, n *pay.Notification) error {
		tx, err := n.Transaction()
		if err != nil {
			return err
		}
		log.Printf("paid: %s", tx.OutTradeNo)
		return nil
	})

	mux := http.NewServeMux()
	mux.Handle("/wechat", callback)              // GET: URL verification, POST: pushes
	mux.Handle("GET "+auth.CallbackPath(), auth) // where WeChat sends the visitor back: always mount it
	mux.Handle("GET /account", auth.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := oauth.UserFromContext(r.Context())
		fmt.Fprintf(w, "logged in as %s", u.Profile.Nickname)
	})))
	mux.Handle("POST /pay/notify", notify) // the notify_url of your orders
	return mux, nil
}

// Mounting a bot on net/http: the callback server, web authorization and
// WeChat Pay notifications on one ServeMux, driven here by the simulator in
// memory (package wxtest).
func Example_netHTTP() {
	const public = "http://bot.invalid"
	var mux *http.ServeMux
	s := sim.New(sim.Options{SafeMode: true, CallbackURL: public + "/wechat",
		HTTPClient: wxtest.HandlerClient(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { mux.ServeHTTP(w, r) }))})
	defer s.Close()
	client, _ := mp.New(wxtest.ClientConfig(), mp.WithHost(s.URL))
	merchant, _ := paysim.NewTestMerchant()
	payClient, _ := pay.NewClient(pay.Config{MchID: merchant.MchID, CertSerial: merchant.MerchantSerial,
		PrivateKey: merchant.PrivateKey, APIv3Key: merchant.APIv3Key})
	mux, err := mountNetHTTP(client, payClient, wxtest.MessageConfig(), public, []byte(rand.Text()+rand.Text()))
	if err != nil {
		fmt.Println(err)
		return
	}

	alice := s.NewUser("Alice")
	_, _ = alice.Follow(context.Background())
	reply, err := alice.SendText(context.Background(), "hello")
	fmt.Println("reply:", reply.Content, err)

	resp, err := wxtest.Browser(s, alice, mux).Get(public + "/account")
	if err != nil {
		fmt.Println(err)
		return
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println("page:", string(page))
	// Output:
	// reply: Hello from wxkit! <nil>
	// page: logged in as Alice
}
