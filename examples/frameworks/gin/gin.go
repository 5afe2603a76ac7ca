// Package gin mounts a wxkit/mp bot on a gin engine (github.com/gin-gonic/gin).
package gin

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/wxkit/mp/examples/frameworks/site"
	"github.com/wxkit/mp/oauth"
)

// Routes mounts the callback server, web authorization and WeChat Pay
// notifications of s on a gin engine.
func Routes(s *site.Site) *gin.Engine {
	r := gin.New()
	// The callback server: GET verifies the URL, POST carries the pushes.
	r.GET(site.CallbackPath, gin.WrapH(s.Callback))
	r.POST(site.CallbackPath, gin.WrapH(s.Callback))
	// Web authorization: the callback WeChat redirects to, mounted
	// explicitly, and pages behind the middleware.
	r.GET(s.Auth.CallbackPath(), gin.WrapH(s.Auth))
	r.GET(site.AccountPath, RequireLogin(s.Auth), func(c *gin.Context) {
		u, _ := oauth.UserFromContext(c.Request.Context())
		c.String(http.StatusOK, "logged in as %s", u.OpenID)
	})
	// WeChat Pay notifications.
	r.POST(site.NotifyPath, gin.WrapH(s.Notify))
	return r
}

// RequireLogin is oauth.Middleware.Require as gin middleware: visitors
// without a session are sent to WeChat; the handlers after it read the user
// with oauth.UserFromContext(c.Request.Context()).
func RequireLogin(mw *oauth.Middleware) gin.HandlerFunc {
	return func(c *gin.Context) {
		passed := false
		mw.Require(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			passed = true
			c.Request = r // carries the user
			c.Next()
		})).ServeHTTP(c.Writer, c.Request)
		if !passed {
			c.Abort()
		}
	}
}
