// Package echo mounts a wxkit/mp bot on an echo server (github.com/labstack/echo/v4).
package echo

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/wxkit/mp/examples/frameworks/site"
	"github.com/wxkit/mp/oauth"
)

// Routes mounts the callback server, web authorization and WeChat Pay
// notifications of s on an echo server.
func Routes(s *site.Site) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	// The callback server: GET verifies the URL, POST carries the pushes.
	e.GET(site.CallbackPath, echo.WrapHandler(s.Callback))
	e.POST(site.CallbackPath, echo.WrapHandler(s.Callback))
	// Web authorization: the callback WeChat redirects to, mounted
	// explicitly, and pages behind the middleware.
	e.GET(s.Auth.CallbackPath(), echo.WrapHandler(s.Auth))
	e.GET(site.AccountPath, func(c echo.Context) error {
		u, _ := oauth.UserFromContext(c.Request().Context())
		return c.String(http.StatusOK, "logged in as "+u.OpenID)
	}, echo.WrapMiddleware(s.Auth.Require))
	// WeChat Pay notifications.
	e.POST(site.NotifyPath, echo.WrapHandler(s.Notify))
	return e
}
