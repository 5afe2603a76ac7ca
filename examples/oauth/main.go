// Command oauth is a small web site with "Log in with WeChat" (微信网页授权,
// snsapi_userinfo) through the oauth middleware of wxkit/mp: after the login
// it greets the user by OpenID and nickname.
//
// Configure it with the environment:
//
//	WECHAT_APPID       the Official Account's AppID (required)
//	WECHAT_APPSECRET   its AppSecret (required)
//	WECHAT_BASE_URL    optional: one host for the API and the authorization
//	                   page (a local simulator)
//	WECHAT_OAUTH_KEY   optional: 32+ characters signing states and session
//	                   cookies; random for each run when unset
//
// and the flags -addr (default 127.0.0.1:8082) and -public-url (the URL the
// browser reaches the site at, whose host is the account's 网页授权域名;
// default http://<addr>). The redirect URI is <public-url>/auth/wechat/callback.
//
// When neither WECHAT_APPID nor WECHAT_APPSECRET is set it starts the
// built-in platform simulator (package github.com/wxkit/mp/sim) in process
// with a simulated WeChat user, says so on stderr and serves the site against
// it: the simulator's authorization page lets the browser pick the user and
// consent.
//
// With -smoke it always runs against the built-in simulator: it starts the
// site on a free port, logs the simulated user in through the middleware
// once (consenting on the simulator), checks the greeting names the user's
// OpenID, prints each step and exits (status 1 on any failure).
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/oauth"
)

// callbackPath is where WeChat sends the browser back.
const callbackPath = "/auth/wechat/callback"

// config is everything the site needs.
type config struct {
	AppID     string
	AppSecret string
	BaseURL   string // optional API/open host override
	Addr      string // listen address
	PublicURL string // how browsers reach the site
	Key       []byte // optional signing key
	Smoke     bool   // run one scripted login against the built-in simulator and exit
}

// String describes the configuration without secrets.
func (c config) String() string {
	return fmt.Sprintf("config{AppID: %q, BaseURL: %q, Addr: %q, PublicURL: %q}", c.AppID, c.BaseURL, c.Addr, c.PublicURL)
}

// parseConfig reads the flags in args and the environment.
func parseConfig(args []string, getenv func(string) string) (config, error) {
	fs := flag.NewFlagSet("oauth", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	cfg := config{AppID: getenv("WECHAT_APPID"), AppSecret: getenv("WECHAT_APPSECRET"), BaseURL: getenv("WECHAT_BASE_URL")}
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:8082", "listen address")
	fs.StringVar(&cfg.PublicURL, "public-url", "", "public URL of the site (default http://<addr>)")
	fs.BoolVar(&cfg.Smoke, "smoke", false, "log a simulated user in once against the built-in simulator, then exit")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if k := getenv("WECHAT_OAUTH_KEY"); k != "" {
		cfg.Key = []byte(k)
	}
	return cfg, nil
}

const usage = `This example needs an Official Account. Set:
  WECHAT_APPID       the AppID
  WECHAT_APPSECRET   the AppSecret
optionally:
  WECHAT_BASE_URL    one host for the API and the authorization page (a local simulator)
  WECHAT_OAUTH_KEY   32+ characters that sign states and session cookies
and run with -public-url set to the URL browsers use (its host must be the account's 网页授权域名).
Set neither WECHAT_APPID nor WECHAT_APPSECRET to run against the built-in simulator.
`

// run serves the site until ctx is done.
func run(ctx context.Context, cfg config, out io.Writer) error {
	if cfg.AppID == "" || cfg.AppSecret == "" {
		_, err := io.WriteString(out, usage)
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	return serve(ctx, ln, cfg, out)
}

// serve serves the site on ln until ctx is done; it closes ln.
func serve(ctx context.Context, ln net.Listener, cfg config, out io.Writer) error {
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://" + ln.Addr().String()
	}
	h, err := newHandler(cfg)
	if err != nil {
		_ = ln.Close()
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	fmt.Fprintf(out, "listening on %s; open %s/\n", ln.Addr(), strings.TrimRight(cfg.PublicURL, "/"))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			return err
		}
		if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}

var pages = template.Must(template.New("home").Parse(`<!doctype html>
<meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>wxkit/mp OAuth example</title>
{{if .}}<p>Logged in as {{.OpenID}}. <a href="/hello">Greeting</a> · <a href="/logout">Log out</a></p>
{{else}}<p><a href="/login?next=/hello">Log in with WeChat</a></p>{{end}}
`))

var hello = template.Must(template.New("hello").Parse(`<!doctype html>
<meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Hello</title>
<h1>Hello, {{with .Profile}}{{if .Nickname}}{{.Nickname}} {{end}}{{end}}({{.OpenID}})!</h1>
{{with .UnionID}}<p>UnionID: {{.}}</p>{{end}}
<p><a href="/logout">Log out</a></p>
`))

// newHandler builds the site.
func newHandler(cfg config) (http.Handler, error) {
	var opts []mp.Option
	if cfg.BaseURL != "" {
		opts = append(opts, mp.WithHost(cfg.BaseURL))
	}
	client, err := mp.New(mp.Config{AppID: cfg.AppID, AppSecret: cfg.AppSecret}, opts...)
	if err != nil {
		return nil, err
	}
	key := cfg.Key
	if key == nil {
		key = make([]byte, 32)
		_, _ = rand.Read(key)
	}
	public := strings.TrimRight(cfg.PublicURL, "/")
	mw, err := oauth.New(client).NewMiddleware(oauth.MiddlewareConfig{
		RedirectURL: public + callbackPath,
		Scope:       oauth.ScopeUserInfo,
		Lang:        oauth.LangZhCN,
		Key:         key,
		Secure:      strings.HasPrefix(public, "https://"),
	})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle(callbackPath, mw)
	mux.HandleFunc("GET /login", mw.Login)
	mux.HandleFunc("GET /logout", func(w http.ResponseWriter, r *http.Request) {
		if err := mw.Logout(w, r); err != nil {
			http.Error(w, "logout failed", http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, "/", http.StatusFound)
	})
	mux.Handle("GET /hello", mw.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := oauth.UserFromContext(r.Context())
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = hello.Execute(w, u)
	})))
	mux.Handle("GET /{$}", mw.Optional(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := oauth.UserFromContext(r.Context())
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = pages.Execute(w, u)
	})))
	return mux, nil
}

func main() {
	cfg, err := parseConfig(os.Args[1:], os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := realMain(ctx, cfg, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
