package wxtest

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"

	"github.com/wxkit/mp/sim"
)

// Browser returns follower f's browser inside WeChat on simulator s, for
// testing pages behind web authorization (网页授权, such as oauth.Middleware):
// an *http.Client that keeps cookies and follows redirects, and that
//
//   - sends requests for s's host to s in memory, telling its authorization
//     page that f is in the browser (the sim.FollowerCookie cookie),
//   - answers the simulator's consent page (snsapi_userinfo) with 允许
//     (Allow), so the redirect back to the site carries a code, and
//   - sends every other request to site in memory when site is not nil
//     (the site under test: no listener needed), else over the network.
//
// The first GET of a protected page thus returns the page itself, logged in
// as f. Use several Browsers for several visitors.
func Browser(s *sim.Sim, f *sim.Follower, site http.Handler) *http.Client {
	jar, _ := cookiejar.New(nil) // never fails without options
	simURL, err := url.Parse(s.URL)
	if err == nil && f != nil {
		jar.SetCookies(simURL, []*http.Cookie{{Name: sim.FollowerCookie, Value: f.OpenID(), Path: "/"}})
	}
	var other http.RoundTripper = http.DefaultTransport
	if site != nil {
		other = HandlerTransport(site)
	}
	var simHost string
	if simURL != nil {
		simHost = simURL.Host
	}
	return &http.Client{Jar: jar, Transport: &browserTransport{simHost: simHost, sim: HandlerTransport(s.Handler()), other: other}}
}

type browserTransport struct {
	simHost string
	sim     http.RoundTripper
	other   http.RoundTripper
}

// consentForm finds the consent form of the simulator's authorization page
// and its hidden fields.
var (
	consentForm = regexp.MustCompile(`(?s)<form[^>]*id="consent-form"[^>]*action="([^"]+)"[^>]*>(.*?)</form>`)
	hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

func (b *browserTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != b.simHost {
		return b.other.RoundTrip(req)
	}
	resp, err := b.sim.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	m := consentForm.FindSubmatch(body)
	if m == nil {
		resp.Body = io.NopCloser(bytes.NewReader(body))
		return resp, nil
	}
	form := url.Values{"action": {"allow"}}
	for _, in := range hiddenInput.FindAllSubmatch(m[2], -1) {
		form.Set(html.UnescapeString(string(in[1])), html.UnescapeString(string(in[2])))
	}
	action, err := req.URL.Parse(html.UnescapeString(string(m[1])))
	if err != nil {
		return nil, fmt.Errorf("wxtest: the consent form's action: %w", err)
	}
	post, err := http.NewRequestWithContext(req.Context(), http.MethodPost, action.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range req.Cookies() {
		post.AddCookie(c)
	}
	return b.sim.RoundTrip(post)
}
