package sim

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// OAuth lifetimes (网页授权).
const (
	OAuthCodeTTL         = 5 * time.Minute
	OAuthTokenTTL        = 7200 * time.Second
	OAuthRefreshTokenTTL = 30 * 24 * time.Hour
)

// FollowerCookie is the cookie that remembers which simulated user is "in
// the browser" on the authorization pages; the sim_openid query parameter
// sets it.
const FollowerCookie = "wxsim_openid"

type oauthCode struct {
	openid  string
	scope   string
	expires time.Time
	used    bool
}

type snsToken struct {
	token          string
	refresh        string
	openid         string
	scope          string
	expires        time.Time
	refreshExpires time.Time
}

// AuthorizeError reports an invalid authorization request, with the code
// WeChat shows on its error page (e.g. 10003 for a bad redirect_uri).
type AuthorizeError struct {
	Code   int
	Reason string
}

func (e *AuthorizeError) Error() string {
	return fmt.Sprintf("sim: authorize: %d %s", e.Code, e.Reason)
}

type authParams struct {
	appid, redirect, scope, state string
}

// checkAuthorize validates the query of /connect/oauth2/authorize (login:
// /connect/qrconnect).
func (s *Sim) checkAuthorize(q url.Values, login bool) (authParams, *AuthorizeError) {
	p := authParams{appid: q.Get("appid"), redirect: q.Get("redirect_uri"), scope: q.Get("scope"), state: q.Get("state")}
	switch {
	case p.appid == "":
		return p, &AuthorizeError{10012, "appid不能为空"}
	case p.appid != s.acct.AppID:
		return p, &AuthorizeError{10016, "appid 参数错误"}
	case p.redirect == "":
		return p, &AuthorizeError{10011, "redirect_uri不能为空"}
	case !validURL(p.redirect):
		return p, &AuthorizeError{10003, "redirect_uri 参数错误"}
	case q.Get("response_type") != "code":
		return p, &AuthorizeError{10017, "response_type 参数错误"}
	case p.scope == "":
		return p, &AuthorizeError{10010, "scope不能为空"}
	}
	if login {
		if p.scope != "snsapi_login" {
			return p, &AuthorizeError{10005, "Scope 参数错误或没有 Scope 权限"}
		}
	} else if p.scope != "snsapi_base" && p.scope != "snsapi_userinfo" {
		return p, &AuthorizeError{10005, "Scope 参数错误或没有 Scope 权限"}
	}
	return p, nil
}

// issueCodeLocked creates an authorization code and returns the redirect
// URL carrying it. s.mu held.
func (s *Sim) issueCodeLocked(p authParams, openid string, now time.Time) string {
	code := randText(32)
	s.oauthCodes[code] = &oauthCode{openid: openid, scope: p.scope, expires: now.Add(OAuthCodeTTL)}
	u, _ := url.Parse(p.redirect)
	q := u.Query()
	q.Set("code", code)
	q.Set("state", p.state)
	u.RawQuery = q.Encode()
	return u.String()
}

// Authorize performs web authorization (网页授权) as follower f for an
// authorize or qrconnect URL built by the developer (any host; only the
// query matters), consenting when the scope asks for it, and returns the
// redirect URL with code and state. Errors are *AuthorizeError.
func (s *Sim) Authorize(f *Follower, authorizeURL string) (string, error) {
	u, err := url.Parse(authorizeURL)
	if err != nil {
		return "", &AuthorizeError{10003, "malformed authorize URL"}
	}
	login := strings.HasSuffix(u.Path, "/qrconnect")
	p, aerr := s.checkAuthorize(u.Query(), login)
	if aerr != nil {
		return "", aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[f.openid]; !ok {
		return "", ErrUnknownUser
	}
	return s.issueCodeLocked(p, f.openid, s.now()), nil
}

// pageHTML is the authorization page (网页授权): the user picker, the
// consent page and the error and denied pages, styled like the wxsim chat
// page (a phone, WeChat's colors), each with a way back to the chat.
const pageHTML = `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{.Title}}</title>
<style>
*{box-sizing:border-box}
html,body{margin:0;height:100%;background:#d9d9d9;font-family:-apple-system,"PingFang SC","Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei",sans-serif;font-size:15px}
.phone{display:flex;flex-direction:column;max-width:420px;min-height:100vh;margin:0 auto;background:#ededed;box-shadow:0 0 12px rgba(0,0,0,.15)}
.topbar{display:flex;align-items:center;justify-content:center;position:relative;height:44px;border-bottom:1px solid #d6d6d6;font-weight:600}
.topbar a{position:absolute;left:10px;top:12px;font-size:13px;font-weight:400;color:#576b95;text-decoration:none}
main{flex:1;padding:24px 18px;overflow-wrap:anywhere}
.card{background:#fff;border-radius:8px;padding:18px 16px;margin-bottom:14px}
.account{display:flex;align-items:center;gap:10px;font-weight:600}
.logo{width:40px;height:40px;border-radius:6px;background:#07c160;color:#fff;display:flex;align-items:center;justify-content:center;font-weight:700}
#consent{color:#333;line-height:1.5;margin:14px 0 6px}
.who{color:#888;font-size:13px;margin:0}
button,a.user,a.back{display:block;width:100%;margin:10px 0;padding:11px;font:inherit;font-size:16px;text-align:center;border-radius:6px;border:0;cursor:pointer;text-decoration:none}
#allow{background:#07c160;color:#fff}
#deny{background:#f2f2f2;color:#333}
a.user{background:#fff;color:#333;border:1px solid #e0e0e0}
a.back{background:#fff;color:#576b95;border:1px solid #e0e0e0;font-size:14px}
#error,#denied{color:#b94a48;background:#fff3f3;border-radius:6px;padding:10px 12px}
.hint{color:#888;font-size:13px}
</style>
</head><body><div class="phone">
<header class="topbar"><a id="back-to-chat" href="/">‹ 聊天 Chat</a>{{.Title}}</header>
<main>
{{if .Error}}<p id="error" data-code="{{.Code}}">{{.Error}}{{if .Code}} ({{.Code}}){{end}}</p>{{end}}
{{if .Users}}<p class="hint">选择在浏览器中的微信用户 / pick the WeChat user in this browser:</p>
{{range .Users}}<a class="user" id="user-{{.OpenID}}" href="{{.Link}}">{{.Name}}</a>
{{end}}{{end}}
{{if .Consent}}<div class="card"><div class="account"><span class="logo">公</span>{{.Account}}</div>
<p id="consent">{{.Account}} 申请获得你的昵称、头像 / requests your nickname and avatar</p>
<p class="who">微信用户 WeChat user: {{.Name}}</p></div>
<form id="consent-form" method="post" action="/connect/oauth2/sim_consent">
<input type="hidden" name="appid" value="{{.AppID}}">
<input type="hidden" name="redirect_uri" value="{{.Redirect}}">
<input type="hidden" name="scope" value="{{.Scope}}">
<input type="hidden" name="state" value="{{.State}}">
<input type="hidden" name="openid" value="{{.OpenID}}">
<input type="hidden" name="login" value="{{.Login}}">
<button type="submit" id="allow" name="action" value="allow">允许 Allow</button>
<button type="submit" id="deny" name="action" value="deny">拒绝 Deny</button>
</form>{{end}}
{{if .Denied}}<p id="denied">已拒绝授权 / authorization denied</p>{{end}}
{{if not .Consent}}<a class="back" href="/">返回聊天 Back to the chat</a>{{end}}
</main></div></body></html>`

type pageUser struct{ OpenID, Name, Link string }

type pageData struct {
	Title                          string
	Error                          string
	Code                           int
	Users                          []pageUser
	Consent                        bool
	Denied                         bool
	Account                        string
	Name                           string
	AppID                          string
	Redirect, Scope, State, OpenID string
	Login                          bool
}

func (c *call) page(status int, d pageData) {
	c.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	c.w.Header().Set("Cache-Control", "no-store")
	c.w.WriteHeader(status)
	_ = c.s.pages.Execute(c.w, d)
}

// handleAuthorize serves GET /connect/oauth2/authorize (网页授权) and
// /connect/qrconnect (网站应用微信登录). The simulated user in the browser is
// the sim_openid query parameter or the wxsim_openid cookie; without one a
// page lists the users to pick. snsapi_base redirects at once;
// snsapi_userinfo and snsapi_login show a consent page (#allow / #deny).
func (s *Sim) handleAuthorize(c *call) {
	login := strings.HasSuffix(c.r.URL.Path, "/qrconnect")
	q := c.r.URL.Query()
	p, aerr := s.checkAuthorize(q, login)
	if aerr != nil {
		c.page(http.StatusBadRequest, pageData{Title: "微信授权 / WeChat authorization", Error: aerr.Reason, Code: aerr.Code})
		return
	}
	openid := c.pageFollower(q)
	s.mu.Lock()
	u, ok := s.users[openid]
	if !ok {
		users := s.pageUsersLocked(c, q)
		s.mu.Unlock()
		d := pageData{Title: "选择用户 / Pick a user", Users: users}
		if len(users) == 0 {
			d.Error = "no simulated users yet: create one with NewUser"
		}
		c.page(http.StatusOK, d)
		return
	}
	name := u.name
	if p.scope == "snsapi_base" {
		target := s.issueCodeLocked(p, openid, c.now)
		s.mu.Unlock()
		http.Redirect(c.w, c.r, target, http.StatusFound)
		return
	}
	s.mu.Unlock()
	c.page(http.StatusOK, pageData{Title: "微信授权 / WeChat authorization", Consent: true, Account: s.acct.OriginalID, Name: name,
		AppID: p.appid, Redirect: p.redirect, Scope: p.scope, State: p.state, OpenID: openid, Login: login})
}

// pageFollower is the follower a simulated WeChat page acts for:
// ?sim_openid= (remembered in FollowerCookie), else the cookie.
func (c *call) pageFollower(q url.Values) string {
	openid := q.Get("sim_openid")
	if openid != "" {
		http.SetCookie(c.w, &http.Cookie{Name: FollowerCookie, Value: openid, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	} else if ck, err := c.r.Cookie(FollowerCookie); err == nil {
		openid = ck.Value
	}
	return openid
}

// pageUsersLocked lists the simulated users, each with a link to this page
// (query q) as that user, for the user picker. s.mu held.
func (s *Sim) pageUsersLocked(c *call, q url.Values) []pageUser {
	var users []pageUser
	for _, id := range s.order {
		qq := url.Values{}
		for k, v := range q {
			qq[k] = v
		}
		qq.Set("sim_openid", id)
		users = append(users, pageUser{OpenID: id, Name: s.users[id].name, Link: c.r.URL.Path + "?" + qq.Encode()})
	}
	return users
}

// handleConsent serves the consent form of the authorization page.
func (s *Sim) handleConsent(c *call) {
	if err := c.r.ParseForm(); err != nil {
		c.page(http.StatusBadRequest, pageData{Title: "微信授权", Error: "bad form"})
		return
	}
	f := c.r.PostForm
	q := url.Values{"appid": {f.Get("appid")}, "redirect_uri": {f.Get("redirect_uri")}, "scope": {f.Get("scope")},
		"state": {f.Get("state")}, "response_type": {"code"}}
	p, aerr := s.checkAuthorize(q, f.Get("login") == "true")
	if aerr != nil {
		c.page(http.StatusBadRequest, pageData{Title: "微信授权", Error: aerr.Reason, Code: aerr.Code})
		return
	}
	if f.Get("action") != "allow" {
		c.page(http.StatusOK, pageData{Title: "微信授权", Denied: true})
		return
	}
	s.mu.Lock()
	if _, ok := s.users[f.Get("openid")]; !ok {
		s.mu.Unlock()
		c.page(http.StatusBadRequest, pageData{Title: "微信授权", Error: "unknown user"})
		return
	}
	target := s.issueCodeLocked(p, f.Get("openid"), c.now)
	s.mu.Unlock()
	http.Redirect(c.w, c.r, target, http.StatusFound)
}

func (s *Sim) snsTokenJSON(t *snsToken, unionid string) map[string]any {
	out := map[string]any{"access_token": t.token, "expires_in": int64(OAuthTokenTTL / time.Second),
		"refresh_token": t.refresh, "openid": t.openid, "scope": t.scope}
	if unionid != "" {
		out["unionid"] = unionid
	}
	return out
}

// handleSnsAccessToken serves GET /sns/oauth2/access_token (通过code换取网页授权access_token):
// codes are single-use (40163 on reuse) and expire after 5 minutes (40029).
func (s *Sim) handleSnsAccessToken(c *call) {
	if code := s.checkCredentials(c.query("appid"), c.query("secret")); code != 0 {
		c.fail(code)
		return
	}
	if c.query("grant_type") != "authorization_code" {
		c.fail(40002)
		return
	}
	code := c.query("code")
	if code == "" {
		c.fail(41008)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	oc, ok := s.oauthCodes[code]
	switch {
	case !ok:
		c.fail(40029)
		return
	case oc.used:
		c.fail(40163)
		return
	case !c.now.Before(oc.expires):
		c.fail(40029)
		return
	}
	t := s.redeemOAuthCodeLocked(c, oc)
	unionid := ""
	if oc.scope != "snsapi_base" {
		unionid = s.users[oc.openid].unionid
	}
	c.json(s.snsTokenJSON(t, unionid))
}

// handleSnsRefresh serves GET /sns/oauth2/refresh_token (刷新access_token):
// a new access_token; the refresh_token stays valid for 30 days (40030
// unknown, 42002 expired).
func (s *Sim) handleSnsRefresh(c *call) {
	switch {
	case c.query("appid") == "":
		c.fail(41002)
		return
	case c.query("appid") != s.acct.AppID:
		c.fail(40013)
		return
	case c.query("grant_type") != "refresh_token":
		c.fail(40002)
		return
	}
	s.refreshSnsToken(c)
}

// refreshSnsToken answers a refresh_token grant (plain or 代公众号) whose
// caller is already checked: a new access_token, the refresh_token kept
// (40030 unknown, 42002 expired).
func (s *Sim) refreshSnsToken(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.snsRefresh[c.query("refresh_token")]
	if !ok {
		c.fail(40030)
		return
	}
	if !c.now.Before(old.refreshExpires) {
		c.fail(42002)
		return
	}
	delete(s.snsTokens, old.token)
	old.token = randText(96)
	old.expires = c.now.Add(OAuthTokenTTL)
	s.snsTokens[old.token] = old
	s.hub.claim(old.token, s)
	c.json(s.snsTokenJSON(old, ""))
}

// redeemOAuthCodeLocked spends the checked code oc and mints the web
// access_token and refresh_token it grants. s.mu held.
func (s *Sim) redeemOAuthCodeLocked(c *call, oc *oauthCode) *snsToken {
	oc.used = true
	t := &snsToken{token: randText(96), refresh: randText(96), openid: oc.openid, scope: oc.scope,
		expires: c.now.Add(OAuthTokenTTL), refreshExpires: c.now.Add(OAuthRefreshTokenTTL)}
	s.snsTokens[t.token] = t
	s.snsRefresh[t.refresh] = t
	s.hub.claim(t.token, s)
	return t
}

// snsCheckLocked validates a web access_token for openid. s.mu held.
func (s *Sim) snsCheckLocked(token, openid string, now time.Time) (*snsToken, int) {
	if token == "" {
		return nil, 41001
	}
	t, ok := s.snsTokens[token]
	switch {
	case !ok:
		return nil, 40001
	case !now.Before(t.expires):
		return nil, 42001
	case openid == "":
		return nil, 41009
	case t.openid != openid:
		return nil, 40003
	}
	return t, 0
}

// handleSnsUserInfo serves GET /sns/userinfo (拉取用户信息): only for tokens of
// scope snsapi_userinfo or snsapi_login (48001 otherwise).
func (s *Sim) handleSnsUserInfo(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, code := s.snsCheckLocked(c.query("access_token"), c.query("openid"), c.now)
	if code != 0 {
		c.fail(code)
		return
	}
	if t.scope == "snsapi_base" {
		c.fail(48001)
		return
	}
	u := s.users[t.openid]
	c.json(map[string]any{"openid": u.openid, "nickname": u.name, "sex": u.sex, "province": "", "city": "", "country": "",
		"headimgurl": s.URL + "/sim/avatar/" + u.openid, "privilege": []string{}, "unionid": u.unionid})
}

// handleSnsAuth serves GET /sns/auth (检验授权凭证（access_token）是否有效).
func (s *Sim) handleSnsAuth(c *call) {
	s.mu.Lock()
	_, code := s.snsCheckLocked(c.query("access_token"), c.query("openid"), c.now)
	s.mu.Unlock()
	c.fail(code)
}

// handleAvatar serves the headimgurl of simulated users (a PNG).
func (s *Sim) handleAvatar(c *call) {
	c.w.Header().Set("Content-Type", "image/png")
	_, _ = c.w.Write(patternPNG(strings.TrimPrefix(c.r.URL.Path, "/sim/avatar/"), 8, 8))
}
