package echo_test

import (
	"net/http"
	"testing"

	echomount "github.com/wxkit/mp/examples/frameworks/echo"
	"github.com/wxkit/mp/examples/frameworks/site"
)

func TestRoutes(t *testing.T) {
	site.Check(t, func(s *site.Site) http.Handler { return echomount.Routes(s) })
}
