package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"time"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/menu"
	"github.com/wxkit/mp/oauth"
)

// apiConfig is what the bot needs to call the API: its menu and /profile.
type apiConfig struct {
	AppSecret string
	BaseURL   string // empty for real WeChat
	PublicURL string // where browsers reach the bot
}

// loadAPIConfig reports whether the bot can call the API. With the
// development credentials it targets the simulator's default address.
func loadAPIConfig(getenv func(string) string, dev bool, publicURL string) (apiConfig, bool) {
	c := apiConfig{AppSecret: getenv("WECHAT_APPSECRET"), BaseURL: getenv("WECHAT_BASE_URL"), PublicURL: publicURL}
	if dev {
		if c.AppSecret == "" {
			c.AppSecret = devAppSecret
		}
		if c.BaseURL == "" {
			c.BaseURL = devBaseURL
		}
	}
	return c, c.AppSecret != ""
}

var profilePage = template.Must(template.New("profile").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Profile</title></head>
<body><h1 id="greeting">Hello, {{.OpenID}}</h1>{{with .Profile}}<p id="nickname">{{.Nickname}}</p>{{end}}</body></html>`))

// addWeb mounts /profile behind web authorization on mux and returns the
// function that creates the bot's menu.
func addWeb(mux *http.ServeMux, appID string, api apiConfig, log io.Writer) (func(context.Context), error) {
	opts := []mp.Option{}
	if api.BaseURL != "" {
		opts = append(opts, mp.WithHost(api.BaseURL))
	}
	client, err := mp.New(mp.Config{AppID: appID, AppSecret: api.AppSecret}, opts...)
	if err != nil {
		return nil, err
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	mw, err := oauth.New(client).NewMiddleware(oauth.MiddlewareConfig{
		RedirectURL: api.PublicURL + "/auth/callback", Scope: oauth.ScopeUserInfo, Key: key,
	})
	if err != nil {
		return nil, err
	}
	mux.Handle("/profile", mw.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := oauth.UserFromContext(r.Context())
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = profilePage.Execute(w, u)
	})))
	mux.Handle(mw.CallbackPath(), mw)

	menus := menu.New(client)
	buttons := []menu.Button{menu.Click("Hello", HelloKey), menu.View("Profile", api.PublicURL+"/profile")}
	return func(ctx context.Context) {
		// The simulator may start after the bot: try for a while.
		for i := 0; i < 60; i++ {
			err := menus.Create(ctx, buttons...)
			if err == nil {
				fmt.Fprintln(log, "echo: menu created (Hello, Profile)")
				return
			}
			if i == 0 {
				fmt.Fprintf(log, "echo: creating the menu failed, retrying for a minute: %v\n", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
			}
		}
		fmt.Fprintln(log, "echo: gave up creating the menu")
	}, nil
}
