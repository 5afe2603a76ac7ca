package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/wxkit/mp/sim"
)

// Several Official Accounts (公众号) at one address: "wxsim serve
// --accounts N" and "--account APPID[:SECRET]" host them (sim.Sim.AddAccount),
// the control API acts on the one its query parameter account=APPID names
// (app.selectAccount, api.go), the subcommands pass their --account, and the
// chat page switches between them (web/accounts.js).

// maxAccounts bounds --accounts: each hosted account keeps an event feed
// (and a subscription buffer) for the chat page.
const maxAccounts = 100

// accountSpec is the value of --account: APPID[:SECRET].
type accountSpec struct {
	AppID     string
	AppSecret string // "" takes the numbered default
}

// accountList is the repeatable --account flag of serve.
type accountList []accountSpec

// credential is what an AppID or AppSecret given on the command line may
// hold: letters, digits, '_' and '-' (real ones are wx + 16 hex digits and
// 32 hex digits).
var credential = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func (l *accountList) String() string {
	if l == nil {
		return ""
	}
	ids := make([]string, len(*l))
	for i, a := range *l {
		ids[i] = a.AppID // never the secret
	}
	return strings.Join(ids, ",")
}

func (l *accountList) Set(v string) error {
	id, secret, hasSecret := strings.Cut(strings.TrimSpace(v), ":")
	if !credential.MatchString(id) {
		return errors.New("want APPID[:SECRET], the AppID made of letters, digits, '_' or '-'")
	}
	if hasSecret && !credential.MatchString(secret) {
		return errors.New("want APPID[:SECRET], the AppSecret made of letters, digits, '_' or '-'")
	}
	*l = append(*l, accountSpec{AppID: id, AppSecret: secret})
	return nil
}

// addAccounts makes s host the accounts after the first: cfg.MoreAccounts
// first, then numbered defaults up to cfg.Accounts. They follow the same
// rules as the first (safe mode, reply timeout, retries, account type,
// verification, linked mini programs); their callback URL is set later
// (PUT /sim/api/callback?account=APPID, wxsim callback --account APPID URL).
func addAccounts(s *sim.Sim, cfg serveConfig, first sim.Options) error {
	for i := 1; i < cfg.Accounts; i++ {
		o := sim.Options{SafeMode: first.SafeMode, ReplyTimeout: first.ReplyTimeout, Retries: first.Retries,
			Logger: first.Logger, AccountType: first.AccountType, Unverified: first.Unverified,
			LinkedMiniPrograms: first.LinkedMiniPrograms}
		if i-1 < len(cfg.MoreAccounts) {
			o.AppID, o.AppSecret = cfg.MoreAccounts[i-1].AppID, cfg.MoreAccounts[i-1].AppSecret
		}
		if _, err := s.AddAccount(o); err != nil {
			if errors.Is(err, sim.ErrDuplicateAccount) {
				return fmt.Errorf("--account %s: %w", o.AppID, err)
			}
			return err
		}
	}
	return nil
}

// printMoreAccounts lists, in the banner, the credentials of the accounts
// after the first, as environment lines a second bot copies.
func printMoreAccounts(w io.Writer, s *sim.Sim) {
	accts := s.Accounts()
	if len(accts) < 2 {
		return
	}
	fmt.Fprintf(w, "\n%d more Official Accounts at the same address, with the same WECHAT_TOKEN, WECHAT_ENCODING_AES_KEY\n", len(accts)-1)
	fmt.Fprintf(w, "and WECHAT_BASE_URL. Select one with ?account=APPID (control API), --account APPID (wxsim send ...)\n")
	fmt.Fprintf(w, "or the chat page's account list:\n")
	for i, a := range accts[1:] {
		acct := a.Account()
		cb := a.CallbackURL()
		if cb == "" {
			cb = "none yet: wxsim callback --account " + acct.AppID + " URL"
		}
		fmt.Fprintf(w, "\n# account %d, original ID %s (原始ID), callback %s\n", i+2, acct.OriginalID, cb)
		fmt.Fprintf(w, "WECHAT_APPID=%s\n", acct.AppID)
		fmt.Fprintf(w, "WECHAT_APPSECRET=%s\n", acct.AppSecret)
	}
}

// logAllActivity is logActivity for every hosted account; with more than
// one, each line names the account of the follower (its original ID).
func logAllActivity(s *sim.Sim, w io.Writer) (stop func()) {
	accts := s.Accounts()
	if len(accts) == 1 {
		return logActivity(s, w)
	}
	lw := &lockedWriter{w: w}
	stops := make([]func(), 0, len(accts))
	for _, a := range accts {
		stops = append(stops, logActivityAs(a, lw, a.Account().OriginalID))
	}
	return func() {
		for _, stop := range stops {
			stop()
		}
	}
}

// lockedWriter serializes the lines of several loggers.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// The "callback" subcommand shows or sets an account's callback URL
// (服务器地址): with several accounts, the way to point the second one at
// its bot.
func init() {
	commands["callback"] = command{
		summary: "callback [URL | none] [--account APPID]: print the account's callback URL (服务器地址), or set it (none: stop pushing)",
		setup:   func(*flag.FlagSet, *cmdOptions) {},
		run:     cmdCallback,
	}
}

// callbackJSON is the answer of GET and PUT /sim/api/callback.
type callbackJSON struct {
	URL      string `json:"url"`
	SafeMode bool   `json:"safe_mode"`
	AppID    string `json:"appid"`
}

func cmdCallback(ctx context.Context, c *apiClient, o *cmdOptions, args []string, w io.Writer) error {
	var out callbackJSON
	switch {
	case len(args) > 1:
		return usagef("want at most one URL")
	case len(args) == 0:
		if err := c.do(ctx, http.MethodGet, "/sim/api/callback", nil, &out); err != nil {
			return err
		}
	default:
		u := args[0]
		if u == "none" || u == "off" {
			u = ""
		} else if !isHTTPURL(u) {
			return usagef("the callback URL must be an http(s) URL (or none), got %q", u)
		}
		if err := c.do(ctx, http.MethodPut, "/sim/api/callback", map[string]string{"url": u}, &out); err != nil {
			return err
		}
	}
	if o.JSON {
		return printJSON(w, out)
	}
	if out.URL == "" {
		_, err := fmt.Fprintf(w, "%s: no callback URL (nothing is pushed)\n", out.AppID)
		return err
	}
	mode := "safe mode (安全模式)"
	if !out.SafeMode {
		mode = "plaintext (明文模式)"
	}
	_, err := fmt.Fprintf(w, "%s: pushing to %s, %s\n", out.AppID, out.URL, mode)
	return err
}
