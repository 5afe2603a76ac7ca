package main

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/wxkit/mp/sim"
)

// simNotice is what the program says on stderr when it runs against the
// built-in simulator.
const simNotice = "no WECHAT_* environment: running against the built-in simulator"

// realMain serves the site against the account of cfg, or against an
// in-process simulator when the account is not configured at all or
// cfg.Smoke asks for the scripted login.
func realMain(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	configured := cfg.AppID != "" || cfg.AppSecret != ""
	if configured && !cfg.Smoke {
		return run(ctx, cfg, stdout)
	}
	if configured {
		fmt.Fprintln(stderr, "oauth: -smoke ignores the WECHAT_* environment: running against the built-in simulator")
	} else {
		fmt.Fprintln(stderr, simNotice)
	}
	s, err := sim.Start(sim.Options{})
	if err != nil {
		return fmt.Errorf("starting the simulator: %w", err)
	}
	defer s.Close()
	user := s.NewUser("Alice")
	acct := s.Account()
	cfg.AppID, cfg.AppSecret, cfg.BaseURL = acct.AppID, acct.AppSecret, s.URL
	if cfg.Smoke {
		return smoke(ctx, cfg, s, user, stdout)
	}
	fmt.Fprintf(stdout, "simulator: %s (its authorization page lets the browser pick the WeChat user %s and consent)\n", s.URL, user.Name())
	return run(ctx, cfg, stdout)
}

// smoke serves the site on a free port of 127.0.0.1 and logs user in
// through it once, printing each step to out.
func smoke(ctx context.Context, cfg config, s *sim.Sim, user *sim.Follower, out io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	cfg.Addr = ln.Addr().String()
	cfg.PublicURL = "http://" + cfg.Addr
	w := &lockedWriter{w: out} // the server and the script both print
	srvCtx, stopServer := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() { errc <- serve(srvCtx, ln, cfg, w) }()

	err = smokeLogin(ctx, cfg.PublicURL, s, user, w)
	stopServer()
	if serr := <-errc; err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("smoke test failed: %w", err)
	}
	fmt.Fprintln(w, "smoke test passed")
	return nil
}

// smokeLogin is a browser with a cookie jar that logs user in at site, the
// simulator standing in for WeChat's authorization page.
func smokeLogin(ctx context.Context, site string, s *sim.Sim, user *sim.Follower, out io.Writer) error {
	simURL, err := url.Parse(s.URL)
	if err != nil {
		return err
	}
	siteURL, err := url.Parse(site)
	if err != nil {
		return err
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		return err
	}
	browser := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if req.URL.Host != siteURL.Host {
				// WeChat's page (the simulator's): the user acts there.
				// Nothing else is followed.
				return http.ErrUseLastResponse
			}
			if len(via) >= 10 {
				return errors.New("too many redirects")
			}
			return nil
		}}
	get := func(u string) (*http.Response, string, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, "", err
		}
		resp, err := browser.Do(req)
		if err != nil {
			return nil, "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		return resp, string(b), err
	}

	resp, _, err := get(site + "/login?next=/hello")
	if err != nil {
		return err
	}
	authURL, err := resp.Location()
	if err != nil {
		return fmt.Errorf("GET /login answered %s without a redirect", resp.Status)
	}
	if authURL.Host != simURL.Host || authURL.Path != "/connect/oauth2/authorize" {
		return fmt.Errorf("GET /login redirected to %s, not to the simulator's authorization page", authURL.Redacted())
	}
	fmt.Fprintf(out, "1. GET /login?next=/hello: redirected to the authorization page %s%s (scope %s)\n",
		s.URL, authURL.Path, authURL.Query().Get("scope"))

	back, err := s.Authorize(user, authURL.String())
	if err != nil {
		return fmt.Errorf("authorizing as %s: %w", user.Name(), err)
	}
	backURL, err := url.Parse(back)
	if err != nil {
		return err
	}
	if backURL.Query().Get("code") == "" {
		return fmt.Errorf("the simulator redirected to %s%s without a code", backURL.Host, backURL.Path)
	}
	fmt.Fprintf(out, "2. %s (%s) consented on the simulator, which sends the browser back to %s with a code\n",
		user.Name(), user.OpenID(), backURL.Path)

	resp, body, err := get(back)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/hello" {
		return fmt.Errorf("the callback ended at %s with %s", resp.Request.URL.Path, resp.Status)
	}
	want := fmt.Sprintf("Hello, %s (%s)!", user.Name(), user.OpenID())
	greeting := html.UnescapeString(between(body, "<h1>", "</h1>"))
	if greeting != want {
		return fmt.Errorf("the greeting is %q, want %q", greeting, want)
	}
	fmt.Fprintf(out, "3. the callback logged the user in and redirected to /hello: %q\n", greeting)

	_, body, err = get(site + "/")
	if err != nil {
		return err
	}
	if !strings.Contains(body, "Logged in as "+user.OpenID()) {
		return errors.New("the home page does not show the session")
	}
	fmt.Fprintf(out, "4. GET /: the session cookie keeps %s logged in\n", user.OpenID())
	return nil
}

// between returns the text of s between the first start and the next end,
// or "".
func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i+len(start):]
	j := strings.Index(s, end)
	if j < 0 {
		return ""
	}
	return s[:j]
}

// lockedWriter serializes writes to w.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
