// Package chi mounts a wxkit/mp bot on a chi router (github.com/go-chi/chi/v5).
package chi

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/wxkit/mp/examples/frameworks/site"
)

// Routes mounts the callback server, web authorization and WeChat Pay
// notifications of s on a chi router.
func Routes(s *site.Site) http.Handler {
	r := chi.NewRouter()
	// The callback server: GET verifies the URL, POST carries the pushes.
	r.Method(http.MethodGet, site.CallbackPath, s.Callback)
	r.Method(http.MethodPost, site.CallbackPath, s.Callback)
	// Web authorization: the callback WeChat redirects to, mounted
	// explicitly, and pages behind the middleware.
	r.Method(http.MethodGet, s.Auth.CallbackPath(), s.Auth)
	r.With(s.Auth.Require).Method(http.MethodGet, site.AccountPath, s.Account)
	// WeChat Pay notifications.
	r.Method(http.MethodPost, site.NotifyPath, s.Notify)
	return r
}
