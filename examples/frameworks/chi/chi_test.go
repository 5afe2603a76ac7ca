package chi_test

import (
	"net/http"
	"testing"

	chimount "github.com/wxkit/mp/examples/frameworks/chi"
	"github.com/wxkit/mp/examples/frameworks/site"
)

func TestRoutes(t *testing.T) {
	site.Check(t, func(s *site.Site) http.Handler { return chimount.Routes(s) })
}
