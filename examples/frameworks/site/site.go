// Package site builds the handlers that the framework snippets mount: the
// same three for every router, so the snippets show only the mounting.
package site

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/message"
	"github.com/wxkit/mp/oauth"
	"github.com/wxkit/mp/pay"
)

// Paths of the site.
const (
	CallbackPath = "/wechat"      // 服务器地址(URL) of the account
	AccountPath  = "/account"     // a page behind web authorization
	NotifyPath   = "/pay/notify"  // notify_url of the orders
	OAuthPath    = "/auth/wechat" // the path of RedirectURL
)

// Site holds the handlers of a bot's web site.
type Site struct {
	// Callback is the callback server: mount it for GET and POST.
	Callback *message.Server
	// Auth is the web authorization middleware. Mount Auth itself at
	// Auth.CallbackPath() (= OAuthPath): WeChat redirects there, and only
	// requests that reach the middleware are answered.
	Auth *oauth.Middleware
	// Account is the page behind Auth (wrap it with Auth.Require).
	Account http.Handler
	// Notify receives WeChat Pay notifications (POST).
	Notify http.Handler
}

// Config is what New needs.
type Config struct {
	Client    *mp.Client     // the Official Account client (mp.New)
	Pay       *pay.Client    // the WeChat Pay client (pay.NewClient)
	Message   message.Config // the callback credentials
	PublicURL string         // where browsers reach the site, e.g. https://example.com
	Key       []byte         // 32+ random bytes signing login states and sessions
	Logger    *slog.Logger
}

// New builds the handlers.
func New(cfg Config) (*Site, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	r := message.NewRouter()
	r.Keyword("hello", func(context.Context, message.Message) (message.Reply, error) {
		return message.TextReply{Content: "Hello from wxkit!"}, nil
	})
	callback, err := message.NewServer(cfg.Message, r, message.WithLogger(cfg.Logger))
	if err != nil {
		return nil, err
	}
	auth, err := oauth.New(cfg.Client).NewMiddleware(oauth.MiddlewareConfig{
		RedirectURL: cfg.PublicURL + OAuthPath,
		Scope:       oauth.ScopeUserInfo,
		Key:         cfg.Key,
	})
	if err != nil {
		return nil, err
	}
	account := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := oauth.UserFromContext(r.Context())
		fmt.Fprintf(w, "logged in as %s", u.OpenID)
	})
	notify := pay.NewNotifyHandler(cfg.Pay, func(ctx context.Context, n *pay.Notification) error {
		tx, err := n.Transaction()
		if err != nil {
			return err
		}
		cfg.Logger.InfoContext(ctx, "paid", "out_trade_no", tx.OutTradeNo)
		return nil
	})
	return &Site{Callback: callback, Auth: auth, Account: account, Notify: notify}, nil
}
