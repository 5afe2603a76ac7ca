package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wxkit/mp/sim"
	"github.com/wxkit/mp/sim/paysim"
)

// maxBody bounds the JSON bodies of the control API.
const maxBody = 64 << 10

// app is the running simulator program: the platform (sim) with the
// Official Accounts it hosts, the WeChat Pay simulator mounted on it, an
// event feed per account and the control API plus the chat page served next
// to the platform's own endpoints.
//
// Every control-API request acts on one account: the one its query
// parameter account=APPID names, the first one by default. Handlers reach
// it through a.sim(r), a.feed(r), a.lookup(r, user) and a.follower(w, r).
type app struct {
	mu       sync.Mutex
	root     *sim.Sim            // the first account: its handler serves the platform for all
	accounts []*account          // the hosted accounts, the first first
	byAppID  map[string]*account // appid -> account
	closed   bool

	pay   *paysim.Platform // nil when WeChat Pay is not simulated (one for all accounts)
	mchid string
	log   *slog.Logger
	// heartbeat is how often an idle event stream sends a comment line.
	heartbeat time.Duration
}

// account is one hosted Official Account as the control API sees it: its
// simulator and the feed of its events (its followers' conversations).
type account struct {
	sim   *sim.Sim
	feed  *feed
	unsub func()
}

// newApp wires the control API and the chat page around a simulator and
// every account it hosts (sim.Sim.AddAccount: add them before). The
// simulator must have been created with the pay platform's handler in
// sim.Options.Pay when pay is not nil.
func newApp(s *sim.Sim, pay *paysim.Platform, mchid string, log *slog.Logger) *app {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a := &app{root: s, byAppID: map[string]*account{}, pay: pay, mchid: mchid, log: log, heartbeat: 15 * time.Second}
	for _, acct := range s.Accounts() {
		a.add(acct)
	}
	return a
}

// add starts recording the events of a hosted account. a.mu must be held,
// or a not yet shared.
func (a *app) add(s *sim.Sim) *account {
	ch, unsub := s.Subscribe()
	acc := &account{sim: s, feed: newFeed(ch, 0), unsub: unsub}
	if a.closed {
		acc.feed.close()
	}
	a.accounts = append(a.accounts, acc)
	a.byAppID[s.Account().AppID] = acc
	return acc
}

// first returns the first account (the default of the control API).
func (a *app) first() *account {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.accounts[0]
}

// list returns the hosted accounts, the first first.
func (a *app) list() []*account {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.accounts) != len(a.root.Accounts()) {
		a.catchUp()
	}
	return append([]*account(nil), a.accounts...)
}

// catchUp records the accounts added to the simulator after newApp. a.mu
// must be held.
func (a *app) catchUp() {
	for _, s := range a.root.Accounts() {
		if a.byAppID[s.Account().AppID] == nil {
			a.add(s)
		}
	}
}

// account returns the hosted account with that appid ("" is the first),
// or nil.
func (a *app) account(appid string) *account {
	a.mu.Lock()
	defer a.mu.Unlock()
	if appid == "" {
		return a.accounts[0]
	}
	if acc := a.byAppID[appid]; acc != nil {
		return acc
	}
	if s := a.root.AccountByAppID(appid); s != nil { // added after newApp
		a.catchUp()
		return a.byAppID[appid]
	}
	return nil
}

// close ends the event streams and the feeds. The simulator is closed by
// its owner.
func (a *app) close() {
	a.mu.Lock()
	a.closed = true
	accs := append([]*account(nil), a.accounts...)
	a.mu.Unlock()
	for _, acc := range accs {
		acc.feed.close()
		acc.unsub()
	}
}

// accountKey is the context key of the account a control-API request acts
// on.
type accountKey struct{}

// selectAccount resolves the account=APPID query parameter of control-API
// requests (default: the first account), answering 404 unknown_account
// for an appid the simulator does not host.
func (a *app) selectAccount(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/sim/api/") {
			id := r.URL.Query().Get("account")
			acc := a.account(id)
			if acc == nil {
				writeError(w, http.StatusNotFound, "unknown_account",
					fmt.Sprintf("the simulator hosts no account with appid %q (GET /sim/api/info lists them; wxsim serve --accounts N hosts more)", id))
				return
			}
			r = r.WithContext(context.WithValue(r.Context(), accountKey{}, acc))
		}
		next.ServeHTTP(w, r)
	})
}

// acct returns the account a control-API request acts on.
func (a *app) acct(r *http.Request) *account {
	if acc, ok := r.Context().Value(accountKey{}).(*account); ok {
		return acc
	}
	if acc := a.account(r.URL.Query().Get("account")); acc != nil {
		return acc
	}
	return a.first()
}

// sim returns the simulator of the account the request acts on.
func (a *app) sim(r *http.Request) *sim.Sim { return a.acct(r).sim }

// feed returns the event feed of the account the request acts on.
func (a *app) feed(r *http.Request) *feed { return a.acct(r).feed }

// extraAPI lists control-API endpoints that live in files of their own (one
// file per simulated feature: cards, comments, complaints, …), added from
// init so that features do not edit handler.
var extraAPI []func(a *app, mux *http.ServeMux)

// handler returns the program's HTTP handler: the chat page at /, the
// control API under /sim/api/, and the simulated platform (and pay) for
// everything else.
func (a *app) handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", http.HandlerFunc(serveIndex))
	mux.Handle("GET /sim/ui/", http.StripPrefix("/sim/ui/", staticHandler()))
	mux.HandleFunc("GET /sim/api/info", a.handleInfo)
	mux.HandleFunc("GET /sim/api/followers", a.handleFollowers)
	mux.HandleFunc("POST /sim/api/followers", a.handleCreateFollower)
	mux.HandleFunc("GET /sim/api/followers/{user}", a.handleFollower)
	mux.HandleFunc("GET /sim/api/followers/{user}/inbox", a.handleInbox)
	mux.HandleFunc("POST /sim/api/followers/{user}/{action}", a.handleAction)
	mux.HandleFunc("GET /sim/api/menu", a.handleMenu)
	mux.HandleFunc("GET /sim/api/events", a.handleEvents)
	mux.HandleFunc("GET /sim/api/callback", a.handleGetCallback)
	mux.HandleFunc("PUT /sim/api/callback", a.handleSetCallback)
	mux.HandleFunc("POST /sim/api/pay", a.handlePay)
	for _, f := range extraAPI {
		f(a, mux)
	}
	mux.HandleFunc("/sim/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "no such endpoint or method: "+r.Method+" "+r.URL.Path)
	})
	mux.Handle("/", a.root)
	return sameOrigin(a.selectAccount(mux))
}

// sameOrigin refuses control API calls that change something when a
// browser says they come from another site's page (the Origin header), so
// that a web page the developer visits cannot drive the simulator.
func sameOrigin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead && strings.HasPrefix(r.URL.Path, "/sim/api/") {
			if o := r.Header.Get("Origin"); o != "" {
				u, err := url.Parse(o)
				if err != nil || u.Host != r.Host {
					writeError(w, http.StatusForbidden, "cross_origin", "the control API only accepts requests from its own pages")
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// apiError is the body of every error of the control API.
type apiError struct {
	Error string `json:"error"`
	Code  string `json:"code"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, apiError{Error: msg, Code: code})
}

// decodeBody reads a JSON object into v; an empty body leaves v as is.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "reading the body: "+err.Error())
		return false
	}
	if len(body) > maxBody {
		writeError(w, http.StatusRequestEntityTooLarge, "too_large", "the body is larger than 64 KiB")
		return false
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return true
	}
	if err := json.Unmarshal(body, v); err != nil {
		writeError(w, http.StatusBadRequest, "bad_json", "the body is not the expected JSON object: "+err.Error())
		return false
	}
	return true
}

// info is what GET /sim/api/info answers: public facts only, no secrets.
// AppID, OriginalID, SafeMode and CallbackURL are the selected account's
// (?account=, the first by default); Accounts lists every hosted account.
type info struct {
	BaseURL     string        `json:"base_url"`
	ChatURL     string        `json:"chat_url"`
	AppID       string        `json:"appid"`
	OriginalID  string        `json:"original_id"`
	SafeMode    bool          `json:"safe_mode"`
	CallbackURL string        `json:"callback_url"`
	MchID       string        `json:"mchid,omitempty"`
	Selected    string        `json:"selected"` // the appid of the selected account
	Accounts    []accountInfo `json:"accounts"`
}

// accountInfo describes a hosted account in GET /sim/api/info.
type accountInfo struct {
	AppID               string `json:"appid"`
	OriginalID          string `json:"original_id"`
	CallbackURL         string `json:"callback_url"`
	ComponentAuthorized bool   `json:"component_authorized"`
	Selected            bool   `json:"selected,omitempty"`
}

func (a *app) handleInfo(w http.ResponseWriter, r *http.Request) {
	s := a.sim(r)
	acct := s.Account()
	out := info{
		BaseURL: s.URL, ChatURL: s.URL + "/", AppID: acct.AppID, OriginalID: acct.OriginalID,
		SafeMode: s.SafeMode(), CallbackURL: s.CallbackURL(), MchID: a.mchid, Selected: acct.AppID,
	}
	for _, acc := range a.list() {
		ac := acc.sim.Account()
		out.Accounts = append(out.Accounts, accountInfo{AppID: ac.AppID, OriginalID: ac.OriginalID,
			CallbackURL: acc.sim.CallbackURL(), ComponentAuthorized: acc.sim.ComponentAuthorized(), Selected: acc.sim == s})
	}
	writeJSON(w, http.StatusOK, out)
}

// followerJSON describes a simulated user.
type followerJSON struct {
	OpenID    string `json:"openid"`
	UnionID   string `json:"unionid"`
	Name      string `json:"name"`
	Following bool   `json:"following"`
}

func describe(f *sim.Follower) followerJSON {
	return followerJSON{OpenID: f.OpenID(), UnionID: f.UnionID(), Name: f.Name(), Following: f.Following()}
}

func (a *app) handleFollowers(w http.ResponseWriter, r *http.Request) {
	out := []followerJSON{}
	for _, f := range a.sim(r).Users() {
		out = append(out, describe(f))
	}
	writeJSON(w, http.StatusOK, out)
}

// maxNameLen bounds follower names (WeChat nicknames are short).
const maxNameLen = 64

func validName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return errors.New("the follower's name is empty")
	case len([]rune(name)) > maxNameLen:
		return fmt.Errorf("the follower's name is longer than %d characters", maxNameLen)
	case strings.ContainsAny(name, "/\r\n\t"):
		return errors.New("the follower's name contains '/' or a control character")
	}
	return nil
}

// handleCreateFollower serves POST /sim/api/followers {"name"}: it returns
// the user of that name, creating them (201) when there is none.
func (a *app) handleCreateFollower(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name string `json:"name"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	if err := validName(req.Name); err != nil {
		writeError(w, http.StatusBadRequest, "bad_name", err.Error())
		return
	}
	f, created := a.getOrCreate(r, req.Name)
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	setFollowerCookie(w, f)
	writeJSON(w, status, describe(f))
}

// getOrCreate returns the selected account's first user named name,
// creating one if needed.
func (a *app) getOrCreate(r *http.Request, name string) (*sim.Follower, bool) {
	if f := a.lookup(r, name); f != nil {
		return f, false
	}
	return a.sim(r).NewUser(name), true
}

// lookup finds a user of the account the request acts on by openid or by
// name (the first created wins).
func (a *app) lookup(r *http.Request, user string) *sim.Follower {
	return a.acct(r).lookup(user)
}

// lookup finds a user of the account by openid or by name (the first
// created wins).
func (acc *account) lookup(user string) *sim.Follower {
	if f, ok := acc.sim.User(user); ok {
		return f
	}
	for _, f := range acc.sim.Users() {
		if f.Name() == user {
			return f
		}
	}
	return nil
}

// follower resolves the {user} of a path or writes a 404.
func (a *app) follower(w http.ResponseWriter, r *http.Request) *sim.Follower {
	user := r.PathValue("user")
	if f := a.lookup(r, user); f != nil {
		return f
	}
	writeError(w, http.StatusNotFound, "unknown_user", fmt.Sprintf("no simulated user %q: create one by following (wxsim follow --user %s)", user, user))
	return nil
}

// setFollowerCookie remembers the follower as the WeChat user "in this
// browser", so that the simulator's authorization pages (网页授权) opened
// from the chat act as them.
func setFollowerCookie(w http.ResponseWriter, f *sim.Follower) {
	http.SetCookie(w, &http.Cookie{Name: sim.FollowerCookie, Value: f.OpenID(), Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

func (a *app) handleFollower(w http.ResponseWriter, r *http.Request) {
	if f := a.follower(w, r); f != nil {
		writeJSON(w, http.StatusOK, describe(f))
	}
}

// handleInbox serves GET /sim/api/followers/{user}/inbox: the conversation
// (what the follower sent and received, and events), oldest first;
// ?since=SEQ returns only newer items.
func (a *app) handleInbox(w http.ResponseWriter, r *http.Request) {
	f := a.follower(w, r)
	if f == nil {
		return
	}
	since, ok := parseSince(w, r.URL.Query().Get("since"))
	if !ok {
		return
	}
	fd := a.feed(r)
	fd.sync()
	items, _ := fd.since(since, f.OpenID())
	if items == nil {
		items = []chatItem{}
	}
	writeJSON(w, http.StatusOK, items)
}

func parseSince(w http.ResponseWriter, v string) (int64, bool) {
	if v == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		writeError(w, http.StatusBadRequest, "bad_since", "since must be a sequence number (a non-negative integer)")
		return 0, false
	}
	return n, true
}

// actionRequest is the body of POST /sim/api/followers/{user}/{action};
// each action reads its own fields.
type actionRequest struct {
	Content     string   `json:"content"`     // text
	PicURL      string   `json:"pic_url"`     // image (optional)
	Recognition string   `json:"recognition"` // voice
	Lat         *float64 `json:"lat"`         // location
	Lng         *float64 `json:"lng"`
	Scale       int      `json:"scale"`
	Label       string   `json:"label"`
	Title       string   `json:"title"` // link
	Description string   `json:"description"`
	URL         string   `json:"url"`    // link, view
	Key         string   `json:"key"`    // click
	Scene       string   `json:"scene"`  // follow, scan: a QR scene (created when missing)
	Ticket      string   `json:"ticket"` // follow, scan: a QR ticket
}

// actionResponse is the answer of a follower action.
type actionResponse struct {
	followerJSON
	// Pushed is false when no callback URL is set (nothing was pushed).
	Pushed bool       `json:"pushed"`
	Reply  *replyJSON `json:"reply"`
	// ReplyError says why the simulator rejected the bot's answer; the
	// follower then sees Notice.
	ReplyError *replyErrorJSON `json:"reply_error,omitempty"`
	Notice     string          `json:"notice,omitempty"`
	Warning    string          `json:"warning,omitempty"`
}

type replyJSON struct {
	MsgType     string        `json:"msg_type"`
	Content     string        `json:"content,omitempty"`
	MediaID     string        `json:"media_id,omitempty"`
	Title       string        `json:"title,omitempty"`
	Description string        `json:"description,omitempty"`
	Articles    []chatArticle `json:"articles,omitempty"`
	KfAccount   string        `json:"kf_account,omitempty"`
	XML         string        `json:"xml"`
}

type replyErrorJSON struct {
	Reason     string `json:"reason"`
	StatusCode int    `json:"status_code,omitempty"`
	Timeout    bool   `json:"timeout,omitempty"`
	Body       string `json:"body,omitempty"`
}

func replyToJSON(r *sim.Reply) *replyJSON {
	if r == nil {
		return nil
	}
	out := &replyJSON{MsgType: r.MsgType, Content: r.Content, MediaID: r.MediaID, Title: r.Title,
		Description: r.Description, KfAccount: r.KfAccount, XML: string(r.Raw)}
	if r.Music != nil {
		out.Title, out.Description, out.MediaID = r.Music.Title, r.Music.Description, r.Music.ThumbMediaID
	}
	for _, a := range r.Articles {
		out.Articles = append(out.Articles, chatArticle{Title: a.Title, Description: a.Description, PicURL: a.PicURL, URL: a.URL})
	}
	return out
}

// handleAction serves the follower actions: follow, unfollow, text, image,
// voice, location, link, click, view and scan.
func (a *app) handleAction(w http.ResponseWriter, r *http.Request) {
	action := r.PathValue("action")
	if _, ok := actions[action]; !ok {
		writeError(w, http.StatusNotFound, "unknown_action", fmt.Sprintf("unknown action %q (want one of %s)", action, actionNames))
		return
	}
	var req actionRequest
	if !decodeBody(w, r, &req) {
		return
	}
	var f *sim.Follower
	if action == "follow" {
		user := r.PathValue("user")
		if f = a.lookup(r, user); f == nil {
			if err := validName(user); err != nil {
				writeError(w, http.StatusBadRequest, "bad_name", err.Error())
				return
			}
			f = a.sim(r).NewUser(user)
		}
	} else if f = a.follower(w, r); f == nil {
		return
	}
	if err := actions[action].check(&req); err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", err.Error())
		return
	}
	ctx := r.Context()
	reply, err := actions[action].run(ctx, f, &req)
	if errors.Is(err, sim.ErrUnknownQRCode) && req.Scene != "" && req.Ticket == "" {
		// A scene nobody created yet: create its QR code, as the account's
		// operator would in the admin console, then scan it.
		if cerr := a.createQRCode(a.sim(r), req.Scene); cerr != nil {
			writeError(w, http.StatusInternalServerError, "qrcode", "creating a QR code for scene "+req.Scene+": "+cerr.Error())
			return
		}
		reply, err = actions[action].run(ctx, f, &req)
	}
	setFollowerCookie(w, f)
	resp := actionResponse{followerJSON: describe(f), Pushed: true, Reply: replyToJSON(reply)}
	var re *sim.ReplyError
	switch {
	case err == nil:
		writeJSON(w, http.StatusOK, resp)
	case errors.Is(err, sim.ErrNoCallbackURL):
		resp.Pushed = false
		resp.Warning = "no callback URL is set, nothing was pushed: start wxsim with --forward-to URL or PUT /sim/api/callback"
		writeJSON(w, http.StatusOK, resp)
	case errors.Is(err, sim.ErrURLVerification):
		resp.Pushed = false
		resp.Warning = "the bot fails WeChat's URL verification, nothing was pushed: " + err.Error() +
			" (it must answer GET ?signature=&timestamp=&nonce=&echostr= with HTTP 200 and the echostr)"
		writeJSON(w, http.StatusBadGateway, resp)
	case errors.As(err, &re):
		resp.ReplyError = &replyErrorJSON{Reason: re.Reason, StatusCode: re.StatusCode, Timeout: re.Timeout, Body: string(re.Body)}
		if action != "unfollow" {
			resp.Notice = sim.ServiceUnavailableNotice
		}
		writeJSON(w, http.StatusBadGateway, resp)
	default:
		status, code := actionErrorStatus(err)
		if ctx.Err() != nil {
			status, code = 499, "canceled"
		}
		writeError(w, status, code, strings.TrimPrefix(err.Error(), "sim: "))
	}
}

// actionErrorStatus maps the simulator's errors to HTTP statuses and codes.
func actionErrorStatus(err error) (int, string) {
	switch {
	case errors.Is(err, sim.ErrNotFollowing):
		return http.StatusConflict, "not_following"
	case errors.Is(err, sim.ErrAlreadyFollowing):
		return http.StatusConflict, "already_following"
	case errors.Is(err, sim.ErrBlacklisted):
		return http.StatusConflict, "blacklisted"
	case errors.Is(err, sim.ErrNoSuchMenuButton):
		return http.StatusUnprocessableEntity, "no_such_button"
	case errors.Is(err, sim.ErrUnknownQRCode):
		return http.StatusUnprocessableEntity, "unknown_qrcode"
	case errors.Is(err, sim.ErrQRCodeExpired):
		return http.StatusUnprocessableEntity, "qrcode_expired"
	case errors.Is(err, sim.ErrUnknownUser):
		return http.StatusNotFound, "unknown_user"
	case errors.Is(err, sim.ErrInvalidFollowerOp):
		return http.StatusBadRequest, "bad_request"
	case errors.Is(err, sim.ErrClosed):
		return http.StatusServiceUnavailable, "closed"
	}
	return http.StatusInternalServerError, "internal"
}

// followerAction is one action of the control API.
type followerAction struct {
	check func(*actionRequest) error
	run   func(context.Context, *sim.Follower, *actionRequest) (*sim.Reply, error)
}

func noCheck(*actionRequest) error { return nil }

func need(v, what string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New(what + " is required")
	}
	return nil
}

var actionNames = "follow, unfollow, text, image, voice, location, link, click, view, scan"

var actions = map[string]followerAction{
	"follow": {noCheck, func(ctx context.Context, f *sim.Follower, q *actionRequest) (*sim.Reply, error) {
		if qr := q.qr(); qr != "" {
			return f.FollowViaQR(ctx, qr)
		}
		return f.Follow(ctx)
	}},
	"unfollow": {noCheck, func(ctx context.Context, f *sim.Follower, _ *actionRequest) (*sim.Reply, error) {
		return nil, f.Unfollow(ctx)
	}},
	"text": {func(q *actionRequest) error {
		if q.Content == "" {
			return errors.New("content is required")
		}
		return nil
	}, func(ctx context.Context, f *sim.Follower, q *actionRequest) (*sim.Reply, error) {
		return f.SendText(ctx, q.Content)
	}},
	"image": {func(q *actionRequest) error {
		if q.PicURL != "" && !isHTTPURL(q.PicURL) {
			return errors.New("pic_url must be an http(s) URL")
		}
		return nil
	}, func(ctx context.Context, f *sim.Follower, q *actionRequest) (*sim.Reply, error) {
		return f.SendImage(ctx, q.PicURL)
	}},
	"voice": {noCheck, func(ctx context.Context, f *sim.Follower, q *actionRequest) (*sim.Reply, error) {
		return f.SendVoice(ctx, q.Recognition)
	}},
	"location": {func(q *actionRequest) error {
		switch {
		case q.Lat == nil || q.Lng == nil:
			return errors.New("lat and lng are required")
		case *q.Lat < -90 || *q.Lat > 90 || *q.Lng < -180 || *q.Lng > 180:
			return errors.New("lat must be within ±90 and lng within ±180")
		case q.Scale < 0:
			return errors.New("scale must not be negative")
		}
		return nil
	}, func(ctx context.Context, f *sim.Follower, q *actionRequest) (*sim.Reply, error) {
		scale := q.Scale
		if scale == 0 {
			scale = 15
		}
		return f.SendLocation(ctx, *q.Lat, *q.Lng, scale, q.Label)
	}},
	"link": {func(q *actionRequest) error {
		if !isHTTPURL(q.URL) {
			return errors.New("url must be an http(s) URL")
		}
		return need(q.Title, "title")
	}, func(ctx context.Context, f *sim.Follower, q *actionRequest) (*sim.Reply, error) {
		return f.SendLink(ctx, q.Title, q.Description, q.URL)
	}},
	"click": {func(q *actionRequest) error { return need(q.Key, "key") },
		func(ctx context.Context, f *sim.Follower, q *actionRequest) (*sim.Reply, error) {
			return f.ClickMenu(ctx, q.Key)
		}},
	"view": {func(q *actionRequest) error { return need(q.URL, "url") },
		func(ctx context.Context, f *sim.Follower, q *actionRequest) (*sim.Reply, error) {
			return f.ViewMenu(ctx, q.URL)
		}},
	"scan": {func(q *actionRequest) error {
		if q.qr() == "" {
			return errors.New("scene or ticket is required")
		}
		return nil
	}, func(ctx context.Context, f *sim.Follower, q *actionRequest) (*sim.Reply, error) {
		// A person scanning a parametric QR code follows when not yet
		// following (subscribe with qrscene_), else sends SCAN.
		if !f.Following() {
			return f.FollowViaQR(ctx, q.qr())
		}
		return f.Scan(ctx, q.qr())
	}},
}

// qr returns the ticket, else the scene.
func (q *actionRequest) qr() string {
	if q.Ticket != "" {
		return q.Ticket
	}
	return strings.TrimSpace(q.Scene)
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// createQRCode creates a 30-day temporary QR code (生成带参数的二维码) of
// the account s for scene through the simulated API, in process. It
// fetches the stable access_token without force_refresh, which leaves the
// bot's tokens valid.
func (a *app) createQRCode(s *sim.Sim, scene string) error {
	if len(scene) > 64 {
		return errors.New("a scene is at most 64 characters")
	}
	acct := s.Account()
	var tok struct {
		AccessToken string `json:"access_token"`
		ErrCode     int    `json:"errcode"`
		ErrMsg      string `json:"errmsg"`
	}
	body, _ := json.Marshal(map[string]any{"grant_type": "client_credential", "appid": acct.AppID, "secret": acct.AppSecret})
	if err := a.internalCall("/cgi-bin/stable_token", body, &tok); err != nil {
		return err
	}
	if tok.AccessToken == "" {
		return fmt.Errorf("stable_token: errcode %d %s", tok.ErrCode, tok.ErrMsg)
	}
	req := map[string]any{"expire_seconds": 2592000}
	if id, err := strconv.ParseUint(scene, 10, 32); err == nil && id > 0 {
		req["action_name"] = "QR_SCENE"
		req["action_info"] = map[string]any{"scene": map[string]any{"scene_id": id}}
	} else {
		req["action_name"] = "QR_STR_SCENE"
		req["action_info"] = map[string]any{"scene": map[string]any{"scene_str": scene}}
	}
	body, _ = json.Marshal(req)
	var out struct {
		Ticket  string `json:"ticket"`
		ErrCode int    `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if err := a.internalCall("/cgi-bin/qrcode/create?access_token="+url.QueryEscape(tok.AccessToken), body, &out); err != nil {
		return err
	}
	if out.Ticket == "" {
		return fmt.Errorf("qrcode/create: errcode %d %s", out.ErrCode, out.ErrMsg)
	}
	a.log.Info("wxsim: created a QR code", "scene", scene, "appid", acct.AppID)
	return nil
}

// internalCall POSTs JSON to the simulated platform in process (which
// routes it to the account its appid or access_token names).
func (a *app) internalCall(path string, body []byte, out any) error {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	a.root.ServeHTTP(rec, req)
	if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
		return fmt.Errorf("%s answered HTTP %d with an unreadable body", strings.SplitN(path, "?", 2)[0], rec.Code)
	}
	return nil
}

// handleMenu serves GET /sim/api/menu[?user=]: the default menu, or the
// menu that user sees (conditional menus, 个性化菜单), as menu/create takes
// it: {"button":[...]}; an empty list when there is none.
func (a *app) handleMenu(w http.ResponseWriter, r *http.Request) {
	var buttons []sim.Button
	if user := r.URL.Query().Get("user"); user != "" {
		f := a.lookup(r, user)
		if f == nil {
			writeError(w, http.StatusNotFound, "unknown_user", fmt.Sprintf("no simulated user %q", user))
			return
		}
		buttons = f.Menu()
	} else {
		buttons = a.sim(r).Menu()
	}
	if buttons == nil {
		buttons = []sim.Button{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"button": buttons})
}

// handleEvents serves GET /sim/api/events[?user=&since=]: the chat items
// after since (for everyone, or for one follower). With Accept:
// text/event-stream it is a Server-Sent Events stream that replays them and
// then sends new ones as they happen (event "item", id = seq, honouring
// Last-Event-ID on reconnection); otherwise a JSON array (polling).
func (a *app) handleEvents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	openid := ""
	if user := q.Get("user"); user != "" {
		f := a.lookup(r, user)
		if f == nil {
			writeError(w, http.StatusNotFound, "unknown_user", fmt.Sprintf("no simulated user %q", user))
			return
		}
		openid = f.OpenID()
	}
	sinceV := q.Get("since")
	if id := r.Header.Get("Last-Event-ID"); id != "" {
		sinceV = id
	}
	since, ok := parseSince(w, sinceV)
	if !ok {
		return
	}
	fd := a.feed(r)
	fd.sync()
	if !strings.Contains(r.Header.Get("Accept"), "text/event-stream") {
		items, _ := fd.since(since, openid)
		if items == nil {
			items = []chatItem{}
		}
		writeJSON(w, http.StatusOK, items)
		return
	}
	a.stream(w, r, fd, since, openid)
}

// stream writes Server-Sent Events until the client leaves or the program
// shuts down.
func (a *app) stream(w http.ResponseWriter, r *http.Request, fd *feed, since int64, openid string) {
	rc := http.NewResponseController(w)
	// The server's read and write timeouts would cut the stream: lift
	// them for this request, and bound each write instead, so a client
	// that stops reading is still dropped.
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := io.WriteString(w, "retry: 1000\n\n"); err != nil {
		return
	}
	_ = rc.Flush()
	tick := time.NewTicker(a.heartbeat)
	defer tick.Stop()
	for {
		items, changed := fd.since(since, openid)
		_ = rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
		for _, it := range items {
			b, _ := json.Marshal(it)
			if _, err := fmt.Fprintf(w, "id: %d\nevent: item\ndata: %s\n\n", it.Seq, b); err != nil {
				return
			}
			since = it.Seq
		}
		if len(items) > 0 {
			if err := rc.Flush(); err != nil {
				return
			}
		}
		select {
		case <-r.Context().Done():
			return
		case <-fd.done:
			return
		case <-changed:
		case <-tick.C:
			_ = rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
			if _, err := io.WriteString(w, ": keep-alive\n\n"); err != nil {
				return
			}
			if err := rc.Flush(); err != nil {
				return
			}
		}
	}
}

func (a *app) handleGetCallback(w http.ResponseWriter, r *http.Request) {
	s := a.sim(r)
	writeJSON(w, http.StatusOK, map[string]any{"url": s.CallbackURL(), "safe_mode": s.SafeMode(), "appid": s.Account().AppID})
}

// handleSetCallback serves PUT /sim/api/callback {"url"}: the developer's
// server URL (服务器地址) the selected account's followers push to; ""
// stops pushing.
func (a *app) handleSetCallback(w http.ResponseWriter, r *http.Request) {
	var req struct {
		URL *string `json:"url"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	if req.URL == nil {
		writeError(w, http.StatusBadRequest, "bad_request", `url is required ("" stops pushing)`)
		return
	}
	if *req.URL != "" && !isHTTPURL(*req.URL) {
		writeError(w, http.StatusBadRequest, "bad_url", "url must be an http(s) URL")
		return
	}
	a.sim(r).SetCallbackURL(*req.URL)
	a.handleGetCallback(w, r)
}

// payRequest is the body of POST /sim/api/pay.
type payRequest struct {
	PrepayID   string `json:"prepay_id"`
	OutTradeNo string `json:"out_trade_no"`
	CodeURL    string `json:"code_url"`
	OpenID     string `json:"openid"`
}

// handlePay serves POST /sim/api/pay: the simulated payer pays an order
// (模拟用户支付) named by prepay_id, code_url or out_trade_no, and the signed
// TRANSACTION.SUCCESS notification goes to its notify_url in the background.
// It answers the paid order (查询订单 format).
func (a *app) handlePay(w http.ResponseWriter, r *http.Request) {
	if a.pay == nil {
		writeError(w, http.StatusNotImplemented, "no_pay", "WeChat Pay is not simulated (wxsim was started with --pay=false)")
		return
	}
	var req payRequest
	if !decodeBody(w, r, &req) {
		return
	}
	n := 0
	ref, mchid := "", ""
	for _, v := range []string{req.PrepayID, req.CodeURL, req.OutTradeNo} {
		if v != "" {
			n++
			ref = v
		}
	}
	if n != 1 {
		writeError(w, http.StatusBadRequest, "bad_request", "exactly one of prepay_id, code_url and out_trade_no is required")
		return
	}
	if req.OutTradeNo != "" {
		mchid = a.mchid
	}
	if req.OpenID != "" {
		if f := a.lookup(r, req.OpenID); f != nil {
			req.OpenID = f.OpenID()
		}
	}
	tx, err := a.pay.Pay(r.Context(), mchid, ref, req.OpenID)
	var pe *paysim.APIError
	switch {
	case err == nil:
		writeJSON(w, http.StatusOK, tx)
	case errors.As(err, &pe):
		status := pe.Status
		if status < 400 {
			status = http.StatusBadRequest
		}
		writeError(w, status, pe.Code, pe.Message)
	default:
		writeError(w, http.StatusInternalServerError, "internal", err.Error())
	}
}
