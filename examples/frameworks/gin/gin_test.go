package gin_test

import (
	"net/http"
	"testing"

	ginmount "github.com/wxkit/mp/examples/frameworks/gin"
	"github.com/wxkit/mp/examples/frameworks/site"
)

func TestRoutes(t *testing.T) {
	site.Check(t, func(s *site.Site) http.Handler { return ginmount.Routes(s) })
}
