package oauth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/wxkit/mp"
)

// Defaults of [MiddlewareConfig].
const (
	DefaultStateTTL          = 10 * time.Minute
	DefaultSessionTTL        = 24 * time.Hour
	DefaultCookieName        = "wxkit_session"
	DefaultStateCookiePrefix = "wxkit_state_"
	// MinKeyLen is the least length of MiddlewareConfig.Key.
	MinKeyLen = 32
	// refreshMargin refreshes a user's token this long before it expires.
	refreshMargin = time.Minute
)

// MiddlewareConfig configures the web-authorization [Middleware].
type MiddlewareConfig struct {
	// RedirectURL is the absolute public URL of the callback, such as
	// "https://example.com/auth/wechat/callback" (its host must be the
	// account's 网页授权域名). The middleware serves the callback at its
	// path. Required.
	RedirectURL string
	// Scope is ScopeBase (the default) or ScopeUserInfo, which also fetches
	// the profile into [User.Profile].
	Scope Scope
	// Lang is the language of the profile's region names.
	Lang Lang
	// ForcePopup asks WeChat to show the consent pop-up every time.
	ForcePopup bool
	// Key signs the login states and the session cookies: at least 32
	// random bytes, the same in every process that serves the site. Required.
	Key []byte
	// Secure marks the cookies Secure (sent over HTTPS only). It is on
	// whenever RedirectURL is https: the site is served over HTTPS, so a
	// cookie that could leak over plain HTTP serves no one. Set it yourself
	// when TLS ends at a proxy and RedirectURL is written with http.
	Secure bool
	// StateTTL bounds the time between the redirect to WeChat and the
	// callback. Default 10 minutes.
	StateTTL time.Duration
	// SessionTTL is the lifetime of a login session. Default 24 hours. The
	// user's access token (2 hours) is refreshed with the refresh token (30
	// days) as needed within it.
	SessionTTL time.Duration
	// CookieName names the session cookie (default "wxkit_session").
	CookieName string
	// StateCookiePrefix prefixes the per-login state cookies (default
	// "wxkit_state_").
	StateCookiePrefix string
	// CookiePath is the session cookie's path (default "/").
	CookiePath string
	// CookieDomain is the session cookie's domain (default: host only).
	CookieDomain string
	// StateStore makes states single-use (default: in memory).
	StateStore StateStore
	// SessionStore keeps sessions and tokens server side (default: in
	// memory).
	SessionStore SessionStore
	// ErrorHandler writes the answer to a failed login. err is one of the
	// Err* values of this package or wraps the upstream failure; it never
	// holds a secret. The default writes the status text only.
	ErrorHandler func(w http.ResponseWriter, r *http.Request, status int, err error)
	// Now replaces time.Now (tests).
	Now func() time.Time
}

// String describes the configuration without the key.
func (c MiddlewareConfig) String() string {
	return fmt.Sprintf("oauth.MiddlewareConfig{RedirectURL: %q, Scope: %q, Key: <%d bytes redacted>, Secure: %t}",
		c.RedirectURL, c.Scope, len(c.Key), c.Secure)
}

// GoString is String, so %#v hides the key too.
func (c MiddlewareConfig) GoString() string { return c.String() }

// Middleware logs visitors in with WeChat web authorization and keeps them
// logged in:
//
//   - [Middleware.Require] redirects a visitor without a session to WeChat
//     with a state that is HMAC-signed, expiring, single-use and bound to
//     the browser by a cookie nonce;
//   - the callback (the path of RedirectURL, served by Require, Optional and
//     ServeHTTP) verifies the state, exchanges the code, fetches the
//     profile for snsapi_userinfo, stores the session server side, sets a
//     signed session cookie (HttpOnly, SameSite=Lax) that holds only the
//     session id, and redirects to the page first asked for (same-origin
//     paths only);
//   - later requests get the [User] in their context ([UserFromContext]);
//     the user's access token is refreshed with the refresh token when it
//     expires.
//
// The tokens never reach the browser.
type Middleware struct {
	s            *Service
	cfg          MiddlewareConfig
	keys         keys
	redirectURL  string
	callbackPath string
	now          func() time.Time
	refresh      singleflight.Group
}

// NewMiddleware validates cfg and returns the middleware.
func (s *Service) NewMiddleware(cfg MiddlewareConfig) (*Middleware, error) {
	const op = "oauth.NewMiddleware"
	if err := checkRedirectURI(op, cfg.RedirectURL); err != nil {
		return nil, err
	}
	u, _ := url.Parse(cfg.RedirectURL)
	path := u.Path // compared with r.URL.Path
	if path == "" || path == "/" {
		return nil, &mp.ValidationError{Op: op, Field: "RedirectURL", Reason: "needs a path of its own for the callback, such as /auth/wechat/callback"}
	}
	switch cfg.Scope {
	case "":
		cfg.Scope = ScopeBase
	case ScopeBase, ScopeUserInfo:
	default:
		return nil, &mp.ValidationError{Op: op, Field: "Scope", Reason: "must be snsapi_base or snsapi_userinfo"}
	}
	switch cfg.Lang {
	case LangDefault, LangZhCN, LangZhTW, LangEN:
	default:
		return nil, &mp.ValidationError{Op: op, Field: "Lang", Reason: "must be zh_CN, zh_TW or en"}
	}
	if len(cfg.Key) < MinKeyLen {
		return nil, &mp.ValidationError{Op: op, Field: "Key", Reason: fmt.Sprintf("must be at least %d bytes", MinKeyLen)}
	}
	if cfg.StateTTL < 0 || cfg.SessionTTL < 0 {
		return nil, &mp.ValidationError{Op: op, Field: "StateTTL/SessionTTL", Reason: "must not be negative"}
	}
	if u.Scheme == "https" { // url.Parse lower-cases the scheme
		cfg.Secure = true
	}
	if cfg.StateTTL == 0 {
		cfg.StateTTL = DefaultStateTTL
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = DefaultSessionTTL
	}
	if cfg.CookieName == "" {
		cfg.CookieName = DefaultCookieName
	}
	if cfg.StateCookiePrefix == "" {
		cfg.StateCookiePrefix = DefaultStateCookiePrefix
	}
	if cfg.CookiePath == "" {
		cfg.CookiePath = "/"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.StateStore == nil {
		cfg.StateStore = newMemoryStateStore(cfg.Now)
	}
	if cfg.SessionStore == nil {
		cfg.SessionStore = newMemorySessionStore(cfg.Now)
	}
	if cfg.ErrorHandler == nil {
		cfg.ErrorHandler = defaultErrorHandler
	}
	k := deriveKeys(cfg.Key)
	cfg.Key = nil // only the derived keys are kept
	return &Middleware{s: s, cfg: cfg, keys: k, redirectURL: cfg.RedirectURL, callbackPath: path, now: cfg.Now}, nil
}

// Middleware is the brief form of [Service.NewMiddleware]: it returns
// [Middleware.Require].
func (s *Service) Middleware(cfg MiddlewareConfig) (func(http.Handler) http.Handler, error) {
	m, err := s.NewMiddleware(cfg)
	if err != nil {
		return nil, err
	}
	return m.Require, nil
}

func defaultErrorHandler(w http.ResponseWriter, _ *http.Request, status int, _ error) {
	http.Error(w, http.StatusText(status), status)
}

// String describes the middleware without its keys.
func (m *Middleware) String() string {
	return fmt.Sprintf("oauth.Middleware{RedirectURL: %q, Scope: %q}", m.redirectURL, m.cfg.Scope)
}

// GoString is String, so %#v hides the keys too.
func (m *Middleware) GoString() string { return m.String() }

// CallbackPath returns the path of RedirectURL, where the callback is served.
func (m *Middleware) CallbackPath() string { return m.callbackPath }

// Require passes requests with a session to next, with the [User] in their
// context, and sends the others to WeChat (GET and HEAD) or answers 401.
// It also serves the callback path.
func (m *Middleware) Require(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == m.callbackPath {
			m.ServeHTTP(w, r)
			return
		}
		ctx, ok, err := m.authenticate(w, r)
		switch {
		case err != nil:
			m.fail(w, r, http.StatusInternalServerError, err)
		case ok:
			next.ServeHTTP(w, r.WithContext(ctx))
		case r.Method != http.MethodGet && r.Method != http.MethodHead:
			m.fail(w, r, http.StatusUnauthorized, ErrUnauthenticated)
		default:
			m.startLogin(w, r, r.URL.RequestURI())
		}
	})
}

// Optional passes every request to next, with the [User] in the context
// when the visitor has a session. It also serves the callback path.
func (m *Middleware) Optional(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == m.callbackPath {
			m.ServeHTTP(w, r)
			return
		}
		ctx, ok, err := m.authenticate(w, r)
		if err != nil {
			m.fail(w, r, http.StatusInternalServerError, err)
			return
		}
		if ok {
			r = r.WithContext(ctx)
		}
		next.ServeHTTP(w, r)
	})
}

// Login starts a login and comes back to the same-origin path in the
// "next" query parameter (default "/"), for a "Log in with WeChat" link:
// /login?next=/orders. Any other next (another host, "//host", "/\host", a
// scheme) is replaced by "/". A visitor who already has a session is
// redirected to next at once.
func (m *Middleware) Login(w http.ResponseWriter, r *http.Request) {
	next, ok := safeReturnPath(r.URL.Query().Get("next"))
	if !ok {
		next = "/"
	}
	_, loggedIn, err := m.authenticate(w, r)
	if err != nil {
		m.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	if loggedIn {
		http.Redirect(w, r, next, http.StatusFound)
		return
	}
	m.startLogin(w, r, next)
}

// Logout ends the visitor's session: it deletes it from the store and
// clears the cookie. It writes no body; the caller answers afterwards.
func (m *Middleware) Logout(w http.ResponseWriter, r *http.Request) error {
	m.clearSessionCookie(w)
	c, err := r.Cookie(m.cfg.CookieName)
	if err != nil {
		return nil
	}
	sid, ok := parseSessionCookie(m.keys, c.Value)
	if !ok {
		return nil
	}
	return m.cfg.SessionStore.Delete(r.Context(), sid)
}

// startLogin redirects the browser to WeChat with a fresh state.
func (m *Middleware) startLogin(w http.ResponseWriter, r *http.Request, returnPath string) {
	rp, ok := safeReturnPath(returnPath)
	if !ok {
		rp = "/"
	}
	st, err := newState(m.keys, m.cfg.StateCookiePrefix, m.now().Add(m.cfg.StateTTL), rp)
	if err != nil {
		m.fail(w, r, http.StatusInternalServerError, fmt.Errorf("oauth: issuing a state: %w", err))
		return
	}
	var opts []AuthOption
	if m.cfg.ForcePopup {
		opts = append(opts, ForcePopup())
	}
	target, err := m.s.AuthCodeURL(m.redirectURL, m.cfg.Scope, st.state, opts...)
	if err != nil {
		m.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name:     st.cookieName,
		Value:    st.cookieValue,
		Path:     m.callbackPath,
		MaxAge:   int((m.cfg.StateTTL + time.Minute) / time.Second),
		HttpOnly: true,
		Secure:   m.cfg.Secure,
		SameSite: http.SameSiteLaxMode,
	})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusFound)
}

// ServeHTTP serves the callback WeChat redirects to:
// RedirectURL?code=CODE&state=STATE.
func (m *Middleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		m.fail(w, r, http.StatusMethodNotAllowed, errors.New("oauth: callback needs GET"))
		return
	}
	q := r.URL.Query()
	st, err := parseState(q.Get("state"))
	if err != nil {
		m.fail(w, r, http.StatusBadRequest, err)
		return
	}
	cookieName := stateCookieName(m.cfg.StateCookiePrefix, st.id)
	c, err := r.Cookie(cookieName)
	if err != nil {
		m.fail(w, r, http.StatusForbidden, ErrStateNotBound)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Path: m.callbackPath, MaxAge: -1, HttpOnly: true,
		Secure: m.cfg.Secure, SameSite: http.SameSiteLaxMode})
	nonce, returnPath, err := parseStateCookie(c.Value)
	if err != nil {
		m.fail(w, r, http.StatusBadRequest, err)
		return
	}
	if !verifyState(m.keys, st, nonce, returnPath) {
		m.fail(w, r, http.StatusForbidden, ErrStateInvalid)
		return
	}
	exp := time.Unix(int64(st.exp), 0)
	if m.now().After(exp) {
		m.fail(w, r, http.StatusForbidden, ErrStateExpired)
		return
	}
	first, err := m.cfg.StateStore.Consume(r.Context(), fmt.Sprintf("%x", st.id), exp)
	if err != nil {
		m.fail(w, r, http.StatusInternalServerError, fmt.Errorf("oauth: state store: %w", err))
		return
	}
	if !first {
		m.fail(w, r, http.StatusForbidden, ErrStateReplayed)
		return
	}
	code := q.Get("code")
	if code == "" {
		m.fail(w, r, http.StatusForbidden, ErrAccessDenied)
		return
	}
	sess, status, err := m.login(r.Context(), code)
	if err != nil {
		m.fail(w, r, status, err)
		return
	}
	sid, cookie, err := newSessionID(m.keys)
	if err != nil {
		m.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	if err := m.cfg.SessionStore.Save(r.Context(), sid, sess); err != nil {
		m.fail(w, r, http.StatusInternalServerError, fmt.Errorf("oauth: session store: %w", err))
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name:     m.cfg.CookieName,
		Value:    cookie,
		Path:     m.cfg.CookiePath,
		Domain:   m.cfg.CookieDomain,
		MaxAge:   int(m.cfg.SessionTTL / time.Second),
		HttpOnly: true,
		Secure:   m.cfg.Secure,
		SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, returnPath, http.StatusFound)
}

// login exchanges the code and builds the session.
func (m *Middleware) login(ctx context.Context, code string) (*Session, int, error) {
	start := m.now()
	tok, err := m.s.Exchange(ctx, code)
	if err != nil {
		if mp.IsCode(err, mp.CodeInvalidCode, mp.CodeCodeUsed, mp.CodeOAuthCodeExpired) {
			return nil, http.StatusBadRequest, fmt.Errorf("oauth: exchanging the code: %w", err)
		}
		return nil, http.StatusBadGateway, fmt.Errorf("oauth: exchanging the code: %w", err)
	}
	tok.Expiry = start.Add(time.Duration(tok.ExpiresIn) * time.Second)
	u := User{OpenID: tok.OpenID, UnionID: tok.UnionID, Scope: Scope(tok.Scope), IsSnapshotUser: tok.IsSnapshotUser == 1}
	if m.cfg.Scope == ScopeUserInfo && tok.HasScope(ScopeUserInfo) {
		info, err := m.s.UserInfo(ctx, tok.AccessToken, tok.OpenID, m.cfg.Lang)
		if err != nil {
			return nil, http.StatusBadGateway, fmt.Errorf("oauth: fetching the profile: %w", err)
		}
		u.Profile = info
		if u.UnionID == "" {
			u.UnionID = info.UnionID
		}
	}
	return &Session{User: u, Token: *tok, Expiry: m.now().Add(m.cfg.SessionTTL)}, 0, nil
}

// authenticate loads the visitor's session, refreshing the user's token if
// it expired. ok is false when there is no valid session.
func (m *Middleware) authenticate(w http.ResponseWriter, r *http.Request) (context.Context, bool, error) {
	c, err := r.Cookie(m.cfg.CookieName)
	if err != nil {
		return nil, false, nil
	}
	sid, valid := parseSessionCookie(m.keys, c.Value)
	if !valid {
		m.clearSessionCookie(w)
		return nil, false, nil
	}
	ctx := r.Context()
	sess, err := m.cfg.SessionStore.Load(ctx, sid)
	if err != nil {
		return nil, false, fmt.Errorf("oauth: session store: %w", err)
	}
	if sess == nil || !m.now().Before(sess.Expiry) {
		m.clearSessionCookie(w)
		return nil, false, nil
	}
	if sess.Token.Expired(m.now(), refreshMargin) {
		refreshed, alive := m.refreshSession(ctx, sid, sess)
		if !alive {
			m.clearSessionCookie(w)
			return nil, false, nil
		}
		sess = refreshed
	}
	user := sess.User
	tok := sess.Token
	ctx = context.WithValue(ctx, userKey{}, &user)
	ctx = context.WithValue(ctx, tokenKey{}, &tok)
	return ctx, true, nil
}

// refreshSession renews the user's access token once for all concurrent
// requests of the session. alive is false when the refresh token is dead
// (the session is deleted and the visitor must log in again). Other
// failures keep the session with the stale token; the next request tries
// again.
func (m *Middleware) refreshSession(ctx context.Context, sid string, sess *Session) (*Session, bool) {
	v, err, _ := m.refresh.Do(sid, func() (any, error) {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		start := m.now()
		tok, err := m.s.Refresh(rctx, sess.Token.RefreshToken)
		if err != nil {
			return nil, err
		}
		tok.Expiry = start.Add(time.Duration(tok.ExpiresIn) * time.Second)
		if tok.UnionID == "" {
			tok.UnionID = sess.Token.UnionID
		}
		ns := *sess
		ns.Token = *tok
		if err := m.cfg.SessionStore.Save(rctx, sid, &ns); err != nil {
			m.s.c.Logger().LogAttrs(rctx, slog.LevelWarn, "oauth: saving the refreshed session failed",
				slog.String("error", err.Error()))
		}
		return &ns, nil
	})
	if err == nil {
		return v.(*Session), true
	}
	if mp.IsCode(err, mp.CodeRefreshTokenExpired, mp.CodeInvalidRefreshToken, mp.CodeInvalidCredential) {
		_ = m.cfg.SessionStore.Delete(ctx, sid)
		return nil, false
	}
	m.s.c.Logger().LogAttrs(ctx, slog.LevelWarn, "oauth: refreshing a user token failed; keeping the session",
		slog.String("error", err.Error()))
	return sess, true
}

func (m *Middleware) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: m.cfg.CookieName, Path: m.cfg.CookiePath, Domain: m.cfg.CookieDomain,
		MaxAge: -1, HttpOnly: true, Secure: m.cfg.Secure, SameSite: http.SameSiteLaxMode})
}

func (m *Middleware) fail(w http.ResponseWriter, r *http.Request, status int, err error) {
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelWarn
	}
	m.s.c.Logger().LogAttrs(r.Context(), level, "oauth: request refused", slog.Int("status", status),
		slog.String("path", r.URL.Path), slog.String("error", err.Error()))
	m.cfg.ErrorHandler(w, r, status, err)
}

// User is the visitor logged in by the [Middleware].
type User struct {
	OpenID  string `json:"openid"`
	UnionID string `json:"unionid,omitempty"`
	// Scope is what the user granted (snsapi_base or snsapi_userinfo).
	Scope Scope `json:"scope"`
	// IsSnapshotUser marks the virtual account of the snapshot-page mode
	// (快照页模式): the user did not really authorize.
	IsSnapshotUser bool `json:"is_snapshotuser,omitempty"`
	// Profile is set for snsapi_userinfo.
	Profile *UserInfo `json:"profile,omitempty"`
}

type userKey struct{}
type tokenKey struct{}

// UserFromContext returns the user the [Middleware] put into a request's
// context.
func UserFromContext(ctx context.Context) (*User, bool) {
	u, ok := ctx.Value(userKey{}).(*User)
	return u, ok
}

// TokenFromContext returns the logged-in user's token, for server-side
// calls made on the user's behalf ([Service.UserInfo]). Never send it to
// the browser.
func TokenFromContext(ctx context.Context) (*Token, bool) {
	t, ok := ctx.Value(tokenKey{}).(*Token)
	return t, ok
}
