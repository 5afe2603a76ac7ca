package gin_test

import (
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"

	ginmount "github.com/wxkit/mp/examples/frameworks/gin"
	"github.com/wxkit/mp/examples/frameworks/site"
)

func TestRoutes(t *testing.T) {
	gin.SetMode(gin.TestMode) // no debug banner in test output
	site.Check(t, func(s *site.Site) http.Handler { return ginmount.Routes(s) })
}
