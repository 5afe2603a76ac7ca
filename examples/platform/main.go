// Command platform is a third-party platform (第三方平台) server: it receives
// the component_verify_ticket and authorization pushes, sends administrators
// to the authorization page, exchanges the auth_code on their way back, and
// answers the messages of every authorized account at /wechat/{appid}.
//
// It reads the platform from the environment:
//
//	WECHAT_COMPONENT_APPID       the platform's AppID (required)
//	WECHAT_COMPONENT_APPSECRET   its AppSecret (required)
//	WECHAT_COMPONENT_TOKEN       the message check Token (required)
//	WECHAT_COMPONENT_AESKEY      the EncodingAESKey (required)
//	WECHAT_PUBLIC_URL            the public URL of this server (required)
//	WECHAT_LISTEN                the listen address (default 127.0.0.1:8080)
//
// Configure the authorization-event URL as $WECHAT_PUBLIC_URL/ticket and the
// message URL as $WECHAT_PUBLIC_URL/wechat/$APPID$, then open
// $WECHAT_PUBLIC_URL/ to authorize an account.
//
// Every account that authorizes the platform gets the platform's menu, set on
// its behalf through an ordinary *mp.Client, and its followers' text messages
// are answered by one handler that knows which account they wrote to.
//
// With none of them set it runs the whole flow once against the built-in
// simulator (package github.com/wxkit/mp/sim), for two accounts at once: the
// ticket push, each account's administrator authorizing the platform on the
// simulator's authorization page, query_auth, each account's menu, and a
// follower of each account answered through the platform.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/component"
	"github.com/wxkit/mp/menu"
	"github.com/wxkit/mp/message"
	"github.com/wxkit/mp/sim"
)

const usage = "platform: set WECHAT_COMPONENT_APPID, WECHAT_COMPONENT_APPSECRET, WECHAT_COMPONENT_TOKEN, WECHAT_COMPONENT_AESKEY and WECHAT_PUBLIC_URL to serve a platform, or none of them to run against the built-in simulator"

const simNotice = "no WECHAT_COMPONENT_* environment: running against the built-in simulator"

var envNames = []string{"WECHAT_COMPONENT_APPID", "WECHAT_COMPONENT_APPSECRET", "WECHAT_COMPONENT_TOKEN", "WECHAT_COMPONENT_AESKEY", "WECHAT_PUBLIC_URL"}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	code := realMain(ctx, os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func realMain(ctx context.Context, getenv func(string) string, stdout, stderr io.Writer) int {
	set := 0
	for _, n := range envNames {
		if getenv(n) != "" {
			set++
		}
	}
	var err error
	switch set {
	case 0:
		fmt.Fprintln(stderr, simNotice)
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		err = runSim(ctx, stdout)
	case len(envNames):
		err = serve(ctx, getenv, stdout)
	default:
		fmt.Fprintln(stdout, usage)
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "platform:", err)
		return 1
	}
	return 0
}

// setMenu gives a newly authorized account the platform's menu, on its
// behalf: p.Client(appid) is an *mp.Client like any other.
func setMenu(ctx context.Context, p *component.Platform, appid string) error {
	c, err := p.Client(appid)
	if err != nil {
		return err
	}
	return menu.New(c).Create(ctx, menu.Click("今日特价", "TODAY"), menu.View("我的订单", "https://shop.example/orders"))
}

// routes mounts the platform's pages: the pushes, the authorization start
// and return, and the accounts' callback.
func routes(p *component.Platform, publicURL string, authorized func(*component.Authorization), stdout io.Writer) (*http.ServeMux, error) {
	mux := http.NewServeMux()
	mux.Handle("/ticket", p.PushHandler())
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		pre, err := p.PreAuthCode(r.Context())
		if err != nil {
			http.Error(w, "no pre_auth_code: "+err.Error(), http.StatusBadGateway)
			return
		}
		u, err := p.AuthURL(component.AuthURLOptions{PreAuthCode: pre.Code, RedirectURI: publicURL + "/authorized"})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, u, http.StatusFound)
	})
	mux.HandleFunc("/authorized", func(w http.ResponseWriter, r *http.Request) {
		a, err := p.QueryAuth(r.Context(), r.URL.Query().Get("auth_code"))
		if err != nil {
			http.Error(w, "authorization failed", http.StatusBadGateway)
			fmt.Fprintln(stdout, "query_auth failed:", err)
			return
		}
		fmt.Fprintf(stdout, "authorized by %s (permission sets %v)\n", a.AuthorizerAppID, a.FuncScopes())
		if err := setMenu(r.Context(), p, a.AuthorizerAppID); err != nil {
			http.Error(w, "setting the account's menu failed", http.StatusBadGateway)
			fmt.Fprintf(stdout, "menu of %s: %v\n", a.AuthorizerAppID, err)
			return
		}
		if authorized != nil {
			authorized(a)
		}
		fmt.Fprintf(w, "authorized by %s\n", a.AuthorizerAppID)
	})
	cb, err := component.NewCallbackServer(p, message.HandlerFunc(func(ctx context.Context, m message.Message) (message.Reply, error) {
		if t, ok := m.(*message.Text); ok {
			return message.TextReply{Content: component.AuthorizerAppID(ctx) + " heard: " + t.Content}, nil
		}
		return nil, nil
	}))
	if err != nil {
		return nil, err
	}
	mux.Handle("/wechat/", cb)
	return mux, nil
}

func serve(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	p, err := component.New(component.Config{AppID: getenv("WECHAT_COMPONENT_APPID"), AppSecret: getenv("WECHAT_COMPONENT_APPSECRET"),
		Token: getenv("WECHAT_COMPONENT_TOKEN"), EncodingAESKey: getenv("WECHAT_COMPONENT_AESKEY")})
	if err != nil {
		return err
	}
	mux, err := routes(p, getenv("WECHAT_PUBLIC_URL"), nil, stdout)
	if err != nil {
		return err
	}
	addr := getenv("WECHAT_LISTEN")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Shutdown(context.WithoutCancel(ctx))
	}()
	fmt.Fprintln(stdout, "platform listening on", addr)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// runSim plays the whole flow against an in-process simulator hosting two
// accounts.
func runSim(ctx context.Context, stdout io.Writer) error {
	s, err := sim.Start(sim.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := s.AddAccount(sim.Options{}); err != nil { // a second shop
		return err
	}
	co := s.Component()
	p, err := component.New(component.Config{AppID: co.AppID, AppSecret: co.AppSecret, Token: co.Token, EncodingAESKey: co.EncodingAESKey},
		component.WithClientOptions(mp.WithHost(s.URL)))
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	public := "http://" + ln.Addr().String()
	done := make(chan *component.Authorization, 1)
	mux, err := routes(p, public, func(a *component.Authorization) { done <- a }, stdout)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	if err := s.ConfigureComponent(sim.ComponentOptions{CallbackURL: public + "/ticket", MessageURL: public + "/wechat/$APPID$"}); err != nil {
		return err
	}
	if err := s.PushComponentTicket(ctx); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "component_verify_ticket received")

	for _, acct := range s.Accounts() {
		appid := acct.Account().AppID
		// The account's administrator opens the platform's page, lands on
		// WeChat's authorization page, picks the account and confirms
		// (confirm=1&account= is the simulator's button).
		noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := noFollow.Get(public + "/")
		if err != nil {
			return err
		}
		resp.Body.Close()
		authPage := resp.Header.Get("Location")
		fmt.Fprintln(stdout, "authorization page:", authPage)
		resp, err = http.Get(authPage + "&confirm=1&account=" + appid)
		if err != nil {
			return err
		}
		resp.Body.Close()
		select {
		case a := <-done:
			if a.AuthorizerAppID != appid {
				return fmt.Errorf("authorized %s, want %s", a.AuthorizerAppID, appid)
			}
		case <-ctx.Done():
			return ctx.Err()
		}
		c, err := p.Client(appid)
		if err != nil {
			return err
		}
		got, err := menu.New(c).Get(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "menu of %s created on its behalf: %s\n", appid, got.Menu.Buttons[0].Name)
	}

	// A follower of each account writes; the platform answers for that account.
	for _, acct := range s.Accounts() {
		f := acct.NewUser("fan of " + acct.Account().OriginalID)
		if _, err := f.Follow(ctx); err != nil {
			return err
		}
		r, err := f.SendText(ctx, "hello")
		if err != nil {
			return err
		}
		if r == nil {
			return fmt.Errorf("no reply from the platform for %s", acct.Account().AppID)
		}
		fmt.Fprintf(stdout, "%s's follower got: %s\n", acct.Account().OriginalID, r.Content)
	}
	return nil
}
