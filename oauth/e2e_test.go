package oauth_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/simtest"
	"github.com/wxkit/mp/oauth"
	"github.com/wxkit/mp/sim"
)

// e2eBrowser is an http.Client with a cookie jar that records every URL it
// visits.
type e2eBrowser struct {
	*http.Client
	mu      sync.Mutex
	visited []*url.URL
}

func newE2EBrowser(t *testing.T) *e2eBrowser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	b := &e2eBrowser{}
	b.Client = &http.Client{Jar: jar, CheckRedirect: func(r *http.Request, via []*http.Request) error {
		b.mu.Lock()
		b.visited = append(b.visited, r.URL)
		b.mu.Unlock()
		if len(via) > 10 {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	return b
}

// redirectedTo returns the visited URLs whose path is p.
func (b *e2eBrowser) redirectedTo(p string) []*url.URL {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []*url.URL
	for _, u := range b.visited {
		if u.Path == p {
			out = append(out, u)
		}
	}
	return out
}

func (b *e2eBrowser) get(t *testing.T, u string) (int, string, *url.URL) {
	t.Helper()
	resp, err := b.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body), resp.Request.URL
}

var (
	consentForm = regexp.MustCompile(`(?s)<form id="consent-form" method="post" action="([^"]+)">(.*?)</form>`)
	hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// consent submits the simulator's consent form (#allow) as a browser would.
func (b *e2eBrowser) consent(t *testing.T, page *url.URL, body string) (int, string, *url.URL) {
	t.Helper()
	m := consentForm.FindStringSubmatch(body)
	require.NotNil(t, m, "a consent page: %s", body)
	form := url.Values{"action": {"allow"}}
	for _, in := range hiddenInput.FindAllStringSubmatch(m[2], -1) {
		form.Set(html.UnescapeString(in[1]), html.UnescapeString(in[2]))
	}
	action, err := page.Parse(html.UnescapeString(m[1]))
	require.NoError(t, err)
	resp, err := b.PostForm(action.String(), form)
	require.NoError(t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(out), resp.Request.URL
}

// TestEndToEndMiddleware logs a simulated follower into a site protected
// by the oauth Middleware: the browser is sent to the simulator's
// authorization page as that follower, consents to snsapi_userinfo, comes
// back to our callback and lands on the page it asked for, which sees the
// openid and nickname. The code cannot be exchanged twice (40163).
func TestEndToEndMiddleware(t *testing.T) {
	t.Parallel()
	s, client := simtest.New(t, sim.Options{})
	acct := s.Account()
	auth := oauth.New(client)

	site := httptest.NewUnstartedServer(nil)
	siteURL := "http://" + site.Listener.Addr().String()
	mw, err := auth.NewMiddleware(oauth.MiddlewareConfig{
		RedirectURL: siteURL + "/auth/wechat/callback",
		Scope:       oauth.ScopeUserInfo,
		Lang:        oauth.LangZhCN,
		Key:         []byte("e2e-test-key-0123456789abcdefghijklmnop"),
	})
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/", mw.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, ok := oauth.UserFromContext(r.Context())
		if !ok || u.Profile == nil {
			http.Error(w, "no user", http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, "page=%s openid=%s nickname=%s scope=%s", r.URL.RequestURI(), u.OpenID, u.Profile.Nickname, u.Scope)
	})))
	site.Config.Handler = mux
	site.Start()
	t.Cleanup(site.Close)

	alice := s.NewUser("爱丽丝")
	_, err = alice.Follow(context.Background())
	require.ErrorIs(t, err, sim.ErrNoCallbackURL)
	s.NewUser("Bob") // another user the page could pick

	b := newE2EBrowser(t)
	// The simulated WeChat client in this browser is Alice's.
	simURL, err := url.Parse(s.URL)
	require.NoError(t, err)
	b.Jar.SetCookies(simURL, []*http.Cookie{{Name: sim.FollowerCookie, Value: alice.OpenID(), Path: "/"}})

	status, body, at := b.get(t, siteURL+"/orders?id=42")
	require.Equal(t, http.StatusOK, status, body)
	assert.Equal(t, "/connect/oauth2/authorize", at.Path, "the e2eBrowser is on WeChat's authorization page")
	assert.Equal(t, acct.AppID, at.Query().Get("appid"))
	assert.Equal(t, "snsapi_userinfo", at.Query().Get("scope"))
	assert.Contains(t, body, "爱丽丝")

	status, body, at = b.consent(t, at, body)
	require.Equal(t, http.StatusOK, status, body)
	assert.Equal(t, siteURL+"/orders?id=42", at.String(), "back on the page first asked for")
	assert.Equal(t, "page=/orders?id=42 openid="+alice.OpenID()+" nickname=爱丽丝 scope=snsapi_userinfo", body)

	// The session cookie keeps Alice logged in: no new authorization.
	before := len(b.redirectedTo("/connect/oauth2/authorize"))
	status, body, _ = b.get(t, siteURL+"/profile")
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, "page=/profile openid="+alice.OpenID()+" nickname=爱丽丝 scope=snsapi_userinfo", body)
	assert.Len(t, b.redirectedTo("/connect/oauth2/authorize"), before)

	// The code went through our callback once; it cannot be used again,
	// neither by the site (replayed callback) nor through the API.
	callbacks := b.redirectedTo("/auth/wechat/callback")
	require.Len(t, callbacks, 1)
	code := callbacks[0].Query().Get("code")
	require.NotEmpty(t, code)
	_, err = auth.Exchange(context.Background(), code)
	assert.True(t, mp.IsCode(err, mp.CodeCodeUsed), "%v", err)
	assert.NotContains(t, err.Error(), code, "the code is redacted")
	status, _, _ = b.get(t, callbacks[0].String())
	assert.GreaterOrEqual(t, status, 400, "a replayed callback is refused")

	// Another e2eBrowser, no cookie: the simulator asks which user is in it.
	other := newE2EBrowser(t)
	status, body, _ = other.get(t, siteURL+"/")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `id="user-`+alice.OpenID()+`"`)
}

// TestEndToEndAPI runs the web-authorization API itself against the
// simulator: a silent snsapi_base authorization, the exchange, validation,
// refresh, and the profile of snsapi_userinfo.
func TestEndToEndAPI(t *testing.T) {
	t.Parallel()
	s, client := simtest.New(t, sim.Options{})
	auth := oauth.New(client)
	ctx := context.Background()
	carol := s.NewUser("Carol")

	link, err := auth.AuthCodeURL("https://example.com/cb?x=1", oauth.ScopeBase, "st1")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(link, s.URL+"/connect/oauth2/authorize?"), link)
	assert.True(t, strings.HasSuffix(link, "#wechat_redirect"), link)
	back, err := s.Authorize(carol, link)
	require.NoError(t, err)
	bu, err := url.Parse(back)
	require.NoError(t, err)
	assert.Equal(t, "st1", bu.Query().Get("state"))
	assert.Equal(t, "1", bu.Query().Get("x"))

	tok, err := auth.Exchange(ctx, bu.Query().Get("code"))
	require.NoError(t, err)
	assert.Equal(t, carol.OpenID(), tok.OpenID)
	assert.True(t, tok.HasScope(oauth.ScopeBase), tok.Scope)
	assert.NotContains(t, tok.String(), tok.AccessToken, "String hides the token")
	ok, err := auth.ValidateToken(ctx, tok.AccessToken, tok.OpenID)
	require.NoError(t, err)
	assert.True(t, ok)
	_, err = auth.UserInfo(ctx, tok.AccessToken, tok.OpenID, oauth.LangZhCN)
	assert.True(t, mp.IsCode(err, mp.CodeAPIUnauthorized), "snsapi_base has no profile: %v", err)

	fresh, err := auth.Refresh(ctx, tok.RefreshToken)
	require.NoError(t, err)
	assert.NotEqual(t, tok.AccessToken, fresh.AccessToken)
	assert.Equal(t, tok.OpenID, fresh.OpenID)
	ok, err = auth.ValidateToken(ctx, fresh.AccessToken, fresh.OpenID)
	require.NoError(t, err)
	assert.True(t, ok)
	ok, err = auth.ValidateToken(ctx, fresh.AccessToken, "o_someone_else_000000000000")
	require.NoError(t, err)
	assert.False(t, ok, "a token is only valid for its user")

	link, err = auth.AuthCodeURL("https://example.com/cb", oauth.ScopeUserInfo, "st2")
	require.NoError(t, err)
	back, err = s.Authorize(carol, link)
	require.NoError(t, err)
	bu, _ = url.Parse(back)
	tok, err = auth.Exchange(ctx, bu.Query().Get("code"))
	require.NoError(t, err)
	assert.Equal(t, carol.UnionID(), tok.UnionID)
	info, err := auth.UserInfo(ctx, tok.AccessToken, tok.OpenID, oauth.LangZhCN)
	require.NoError(t, err)
	assert.Equal(t, "Carol", info.Nickname)
	assert.Equal(t, carol.OpenID(), info.OpenID)
	assert.Equal(t, carol.UnionID(), info.UnionID)
	assert.NotEmpty(t, info.HeadImgURL)

	_, err = auth.Exchange(ctx, "not-a-code")
	assert.True(t, mp.IsCode(err, mp.CodeInvalidCode), "%v", err)
}
