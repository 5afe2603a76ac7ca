package wxtest_test

import (
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/wxkit/mp/oauth"
	"github.com/wxkit/mp/sim"
	"github.com/wxkit/mp/wxtest"
)

// newSite is a web page behind web authorization, served in memory.
func newSite(t *testing.T, svc *oauth.Service, scope oauth.Scope) http.Handler {
	t.Helper()
	mw, err := svc.NewMiddleware(oauth.MiddlewareConfig{RedirectURL: "http://site.invalid/auth/callback", Scope: scope, Key: []byte(rand.Text() + rand.Text())})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(mw.CallbackPath(), mw) // the callback WeChat redirects to
	mux.Handle("/me", mw.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := oauth.UserFromContext(r.Context())
		name := ""
		if u.Profile != nil {
			name = u.Profile.Nickname
		}
		fmt.Fprintf(w, "openid=%s name=%s", u.OpenID, name)
	})))
	return mux
}

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestBrowserConsentsAndComesBack(t *testing.T) {
	t.Parallel()
	s, client := wxtest.Start(t, sim.Options{})
	alice := s.NewUser("Alice")
	web := newSite(t, oauth.New(client), oauth.ScopeUserInfo)
	b := wxtest.Browser(s, alice, web)
	status, body := get(t, b, "http://site.invalid/me")
	if status != http.StatusOK || body != "openid="+alice.OpenID()+" name=Alice" {
		t.Fatalf("GET /me: %d %q", status, body)
	}
	// The session cookie is kept: the second visit needs no authorization.
	if status, body2 := get(t, b, "http://site.invalid/me"); status != http.StatusOK || body2 != body {
		t.Fatalf("second GET /me: %d %q", status, body2)
	}
}

func TestBrowserBaseScopeAndTwoVisitors(t *testing.T) {
	t.Parallel()
	s, client := wxtest.Start(t, sim.Options{})
	alice, bob := s.NewUser("Alice"), s.NewUser("Bob")
	web := newSite(t, oauth.New(client), oauth.ScopeBase)
	for _, f := range []*sim.Follower{alice, bob} {
		status, body := get(t, wxtest.Browser(s, f, web), "http://site.invalid/me")
		if status != http.StatusOK || !strings.HasPrefix(body, "openid="+f.OpenID()+" ") {
			t.Fatalf("%s: GET /me: %d %q", f.Name(), status, body)
		}
	}
}

func TestBrowserWithoutFollowerSeesThePicker(t *testing.T) {
	t.Parallel()
	s, client := wxtest.Start(t, sim.Options{})
	s.NewUser("Alice")
	web := newSite(t, oauth.New(client), oauth.ScopeUserInfo)
	status, body := get(t, wxtest.Browser(s, nil, web), "http://site.invalid/me")
	if status != http.StatusOK || !strings.Contains(body, "Alice") || strings.Contains(body, "name=Alice") {
		t.Fatalf("GET /me without a follower: %d %q", status, body)
	}
}
