package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// hub is what the accounts of one simulator share: one address, the
// third-party platform, and the index that sends each API request to the
// account it is for (by appid, or by the access_token the account issued).
// Every Sim has one; AddAccount puts more accounts in it.
type hub struct {
	first    *Sim // the account New returned; never changes
	addMu    sync.Mutex
	mu       sync.RWMutex
	list     []*Sim          // the first account (the one New returned) first
	byAppID  map[string]*Sim // appid -> account
	byOrigID map[string]*Sim // original ID (原始ID) -> account
	tokens   map[string]*Sim // access_token (API or web) -> account that issued it

	cmu       sync.Mutex
	component *componentState // the platform (component.go), created lazily
}

func newHub(first *Sim) *hub {
	return &hub{first: first, list: []*Sim{first}, byAppID: map[string]*Sim{first.acct.AppID: first},
		byOrigID: map[string]*Sim{first.acct.OriginalID: first}, tokens: map[string]*Sim{}}
}

// ErrDuplicateAccount is returned by AddAccount for an AppID or original ID
// the simulator already hosts.
var ErrDuplicateAccount = errors.New("sim: the simulator already hosts an account with this AppID or original ID")

// AddAccount makes the simulator host one more Official Account (公众号),
// served at the same address: API calls reach it by its appid (token
// requests, web authorization) or by the access_tokens it issued, its
// followers push to its own callback (or to the third-party platform it
// has authorized), and it can authorize the simulator's third-party platform
// as any account can. It is a *Sim of its own: use its Follow, SetCallbackURL,
// AuthorizeComponent ... exactly as those of the first account.
//
// Empty credentials are numbered after the first account's defaults: the
// n-th account (the first is 1) gets AppID "wx51a0de" followed by n on 10
// digits, OriginalID "gh_51a0de" followed by n on 6 digits, and AppSecret
// "51a0de" followed by n on 26 digits; Token and EncodingAESKey default to
// DefaultToken and DefaultEncodingAESKey. Options left zero take the first
// account's Clock, TokenTTL, TokenGrace, ReplyTimeout, Retries, HTTPClient
// and Logger. Addr, BaseURL and Pay are the first account's: one address
// serves every account, and WeChat Pay is one for all.
//
// An added account is cheap (about 3 KB until its API is first called), so
// tests and benchmarks can host thousands. Close the first account to
// close them all.
func (s *Sim) AddAccount(opts Options) (*Sim, error) {
	h := s.hub
	h.addMu.Lock() // one addition at a time, so default numbers do not collide
	defer h.addMu.Unlock()
	first := h.first
	h.mu.Lock()
	n := len(h.list) + 1
	h.mu.Unlock()
	if opts.AppID == "" {
		opts.AppID = fmt.Sprintf("wx51a0de%010d", n)
	}
	if opts.OriginalID == "" {
		opts.OriginalID = fmt.Sprintf("gh_51a0de%06d", n)
	}
	if opts.AppSecret == "" {
		opts.AppSecret = fmt.Sprintf("51a0de%026d", n)
	}
	fo := first.opts
	opts.Addr, opts.BaseURL, opts.Pay = "", first.URL, nil
	if opts.Clock == nil {
		opts.Clock = fo.Clock
	}
	if opts.TokenTTL == 0 {
		opts.TokenTTL = fo.TokenTTL
	}
	if opts.TokenGrace == 0 {
		opts.TokenGrace = fo.TokenGrace
	}
	if opts.ReplyTimeout == 0 {
		opts.ReplyTimeout = fo.ReplyTimeout
	}
	if opts.Retries == 0 {
		opts.Retries = fo.Retries
	}
	if opts.Logger == nil {
		opts.Logger = first.log
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = first.client // one transport for every account's pushes
	}
	a, err := newAccountSim(opts, first.pages)
	if err != nil {
		return nil, err
	}
	a.hub = h
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.byAppID[a.acct.AppID] != nil || h.byOrigID[a.acct.OriginalID] != nil {
		return nil, ErrDuplicateAccount
	}
	h.list = append(h.list, a)
	h.byAppID[a.acct.AppID] = a
	h.byOrigID[a.acct.OriginalID] = a
	return a, nil
}

// Accounts returns the accounts the simulator hosts, the first one (the
// one New returned) first, then in the order they were added.
func (s *Sim) Accounts() []*Sim {
	s.hub.mu.RLock()
	defer s.hub.mu.RUnlock()
	return append([]*Sim(nil), s.hub.list...)
}

// AccountByAppID returns the hosted account with that AppID, or nil.
func (s *Sim) AccountByAppID(appid string) *Sim {
	s.hub.mu.RLock()
	defer s.hub.mu.RUnlock()
	return s.hub.byAppID[appid]
}

// claim records that account a issued the token v, so that requests
// carrying it are served by a. Called with a.mu held (hub.mu comes after).
func (h *hub) claim(v string, a *Sim) {
	if a == h.first { // the first account is the fallback: nothing to record
		return
	}
	h.mu.Lock()
	h.tokens[v] = a
	h.mu.Unlock()
}

// owner returns the account an API request is for: the one named by its
// appid (query, form or JSON body), or the one that issued its
// access_token, or the one holding the QR ticket or media file it names;
// the first account otherwise (the platform's own calls, unknown values,
// which that account then refuses as WeChat would).
func (h *hub) owner(r *http.Request) *Sim {
	first := h.first
	h.mu.RLock()
	single := len(h.list) == 1
	h.mu.RUnlock()
	if single {
		return first
	}
	q := r.URL.Query()
	if id := q.Get("appid"); id != "" {
		return h.orFirst(h.byApp(id), first)
	}
	if tok := q.Get("access_token"); tok != "" {
		h.mu.RLock()
		a := h.tokens[tok]
		h.mu.RUnlock()
		return h.orFirst(a, first)
	}
	switch {
	case r.URL.Path == "/cgi-bin/showqrcode":
		t := q.Get("ticket")
		return h.find(first, func(a *Sim) bool { _, ok := a.qrs[t]; return ok })
	case strings.HasPrefix(r.URL.Path, "/sim/media/"):
		id := strings.TrimPrefix(r.URL.Path, "/sim/media/")
		return h.find(first, func(a *Sim) bool { _, ok := a.media[id]; return ok })
	case r.Method == http.MethodPost && !strings.HasPrefix(r.URL.Path, "/cgi-bin/component/"):
		if id := bodyAppID(r); id != "" {
			return h.orFirst(h.byApp(id), first)
		}
	}
	return first
}

func (h *hub) byApp(appid string) *Sim {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.byAppID[appid]
}

func (h *hub) orFirst(a, first *Sim) *Sim {
	if a == nil {
		return first
	}
	return a
}

// find returns the first account for which has (called with its mu held)
// is true, or first.
func (h *hub) find(first *Sim, has func(*Sim) bool) *Sim {
	for _, a := range first.Accounts() {
		a.mu.Lock()
		ok := has(a)
		a.mu.Unlock()
		if ok {
			return a
		}
	}
	return first
}

// bodyAppID reads the appid of a JSON or form body (stable_token,
// clear_quota/v2, the simulated consent pages), leaving the body readable
// again. A body it cannot read gives "".
func bodyAppID(r *http.Request) string {
	if r.Body == nil {
		return ""
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(b), r.Body))
	if err != nil {
		return ""
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/x-www-form-urlencoded" {
		v, _ := url.ParseQuery(string(b))
		return v.Get("appid")
	}
	var v struct {
		AppID string `json:"appid"`
	}
	if json.Unmarshal(b, &v) != nil {
		return ""
	}
	return v.AppID
}
