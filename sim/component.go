package sim

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wxkit/mp/crypto"
)

// Development credentials of the simulated third-party platform (第三方平台).
// They are public: never use them outside the simulator.
const (
	DefaultComponentAppID          = "wx51a0de00c0000001"
	DefaultComponentAppSecret      = "51a0de0000000000000000000000c001"
	DefaultComponentToken          = "wxkitsimcomponent"
	DefaultComponentEncodingAESKey = "wxkitSimulatorComponentAESKey0123456789abcd"
)

// Lifetimes of the platform's credentials (from the docs).
const (
	componentTokenTTL = 7200 * time.Second
	preAuthCodeTTL    = 1800 * time.Second
	authCodeTTL       = 3600 * time.Second
	ticketTTL         = 12 * time.Hour
)

// ComponentOptions are the simulated platform's credentials and its
// authorization-event URL (授权事件接收URL). Empty fields take the
// DefaultComponent* values.
type ComponentOptions struct {
	AppID          string
	AppSecret      string
	Token          string
	EncodingAESKey string
	CallbackURL    string
	// MessageURL is the platform's 消息与事件接收URL, where the messages
	// of authorized accounts go; "$APPID$" is replaced by the account's
	// AppID (e.g. "https://platform.example/wechat/$APPID$"). While the
	// account is authorized, every follower push goes there instead of the
	// account's callback (see component_push.go).
	MessageURL string
}

// componentState is the platform, shared by every account of the
// simulator (hub.component) and guarded by its own mu.
type componentState struct {
	mu        sync.Mutex
	opts      ComponentOptions
	env       *crypto.Envelope
	tickets   map[string]time.Time // component_verify_ticket -> expiry
	tokens    map[string]time.Time // component_access_token -> expiry
	preAuth   map[string]time.Time
	authCodes map[string]authCode
	auths     map[string]*authorization // by authorizer appid
	order     []string                  // authorizer appids in authorization order
}

type authCode struct {
	appid   string
	expires time.Time
}

// authorization is one account's authorization of the platform.
type authorization struct {
	refresh  string // the account's authorizer_refresh_token
	authTime int64
	funcs    []int
	options  map[string]string
}

// authorized reports whether the account appid has authorized the platform.
func (st *componentState) authorized(appid string) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.auths[appid] != nil
}

func init() {
	registerRoutes(func(s *Sim) map[string]route {
		return map[string]route{
			"/cgi-bin/component/api_component_token":       postRoute(false, s.handleComponentToken),
			"/cgi-bin/component/api_create_preauthcode":    postRoute(false, s.withComponentToken(s.handlePreAuthCode)),
			"/cgi-bin/component/api_query_auth":            postRoute(false, s.withComponentToken(s.handleQueryAuth)),
			"/cgi-bin/component/api_authorizer_token":      postRoute(false, s.withComponentToken(s.handleAuthorizerToken)),
			"/cgi-bin/component/api_get_authorizer_info":   postRoute(false, s.withComponentToken(s.handleAuthorizerInfo)),
			"/cgi-bin/component/api_get_authorizer_option": postRoute(false, s.withComponentToken(s.handleGetAuthorizerOption)),
			"/cgi-bin/component/api_set_authorizer_option": postRoute(false, s.withComponentToken(s.handleSetAuthorizerOption)),
			"/cgi-bin/component/api_get_authorizer_list":   postRoute(false, s.withComponentToken(s.handleAuthorizerList)),
			"/cgi-bin/componentloginpage":                  getRoute(false, s.handleComponentLoginPage),
			"/wxaopen/safe/bindcomponent":                  getRoute(false, s.handleComponentLoginPage),
			"/sns/oauth2/component/access_token":           getRoute(false, s.handleComponentSnsAccessToken),
			"/sns/oauth2/component/refresh_token":          getRoute(false, s.handleComponentSnsRefresh),
		}
	})
	registerErrMsgs(map[int]string{
		61003: "component is not authorized by this account",
		61005: "component ticket is expired",
		61006: "component ticket is invalid",
		61009: "code is invalid",
		61010: "code is expired",
		61011: "invalid component",
		61023: "refresh_token is invalid",
	})
}

func newComponentState(o ComponentOptions) (*componentState, error) {
	o.AppID = cmp.Or(o.AppID, DefaultComponentAppID)
	o.AppSecret = cmp.Or(o.AppSecret, DefaultComponentAppSecret)
	o.Token = cmp.Or(o.Token, DefaultComponentToken)
	o.EncodingAESKey = cmp.Or(o.EncodingAESKey, DefaultComponentEncodingAESKey)
	env, err := crypto.NewEnvelope(o.Token, o.EncodingAESKey, o.AppID)
	if err != nil {
		return nil, fmt.Errorf("sim: invalid component options: %w", err)
	}
	return &componentState{
		opts: o, env: env, tickets: map[string]time.Time{}, tokens: map[string]time.Time{},
		preAuth: map[string]time.Time{}, authCodes: map[string]authCode{}, auths: map[string]*authorization{},
	}, nil
}

// comp returns the platform shared by the simulator's accounts, creating
// it with the defaults.
func (s *Sim) comp() *componentState {
	h := s.hub
	h.cmu.Lock()
	defer h.cmu.Unlock()
	if h.component == nil {
		h.component, _ = newComponentState(ComponentOptions{}) // the defaults are valid
	}
	return h.component
}

// hostedBy returns the platform when this account has authorized it, or nil.
func (s *Sim) hostedBy() *componentState {
	h := s.hub
	h.cmu.Lock()
	st := h.component
	h.cmu.Unlock()
	if st == nil || !st.authorized(s.acct.AppID) {
		return nil
	}
	return st
}

// ConfigureComponent sets the simulated platform's credentials and callback
// URL, resetting its state (tickets, tokens, every account's
// authorization). There is one platform per simulator, whichever account
// it is called on.
func (s *Sim) ConfigureComponent(o ComponentOptions) error {
	st, err := newComponentState(o)
	if err != nil {
		return err
	}
	s.hub.cmu.Lock()
	s.hub.component = st
	s.hub.cmu.Unlock()
	return nil
}

// Component returns the platform's credentials.
func (s *Sim) Component() ComponentOptions {
	st := s.comp()
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.opts
}

// ComponentAuthorized reports whether this account has authorized the
// simulator's third-party platform.
func (s *Sim) ComponentAuthorized() bool { return s.comp().authorized(s.acct.AppID) }

// withComponentToken wraps a handler with the component_access_token check.
func (s *Sim) withComponentToken(h func(*call, *componentState)) func(*call) {
	return func(c *call) {
		v := c.query("component_access_token")
		st := s.comp()
		st.mu.Lock()
		exp, ok := st.tokens[v]
		st.mu.Unlock()
		switch {
		case v == "":
			c.fail(41001)
		case !ok:
			c.fail(40001)
		case !c.now.Before(exp):
			c.fail(42001)
		default:
			h(c, st)
		}
	}
}

// PushComponentTicket issues a new component_verify_ticket and pushes it,
// encrypted with the platform's key, to the authorization-event URL, as
// WeChat does every 10 minutes. The previous ticket stays valid.
func (s *Sim) PushComponentTicket(ctx context.Context) error {
	st := s.comp()
	t := "ticket@@@" + randText(64)
	st.mu.Lock()
	st.tickets[t] = s.now().Add(ticketTTL)
	st.mu.Unlock()
	return s.pushComponent(ctx, st, "<InfoType><![CDATA[component_verify_ticket]]></InfoType><ComponentVerifyTicket><![CDATA["+t+"]]></ComponentVerifyTicket>")
}

// pushComponent sends one encrypted push to the platform and requires "success".
func (s *Sim) pushComponent(ctx context.Context, st *componentState, inner string) error {
	st.mu.Lock()
	o := st.opts
	st.mu.Unlock()
	if o.CallbackURL == "" {
		return errors.New("sim: the component has no CallbackURL")
	}
	now := s.now()
	plain := "<xml><AppId><![CDATA[" + o.AppID + "]]></AppId><CreateTime>" + itoa(now.Unix()) + "</CreateTime>" + inner + "</xml>"
	enc, err := st.env.Cipher().Encrypt([]byte(plain))
	if err != nil {
		return err
	}
	ts, nonce := itoa(now.Unix()), randText(10)
	q := url.Values{"timestamp": {ts}, "nonce": {nonce}, "encrypt_type": {"aes"},
		"msg_signature": {crypto.MsgSignature(o.Token, ts, nonce, enc)}}
	body := "<xml><AppId><![CDATA[" + o.AppID + "]]></AppId><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>"
	status, answer, err := s.post(ctx, o.CallbackURL+"?"+q.Encode(), []byte(body))
	if err != nil {
		return fmt.Errorf("sim: component push: %w", err)
	}
	if status != http.StatusOK || string(answer) != "success" {
		return fmt.Errorf("sim: component push answered HTTP %d %q, want 200 \"success\"", status, answer)
	}
	return nil
}

type componentTokenReq struct {
	AppID  string `json:"component_appid"`
	Secret string `json:"component_appsecret"`
	Ticket string `json:"component_verify_ticket"`
}

// handleComponentToken serves 获取令牌 POST /cgi-bin/component/api_component_token.
func (s *Sim) handleComponentToken(c *call) {
	var req componentTokenReq
	if !c.decode(&req) {
		return
	}
	st := s.comp()
	st.mu.Lock()
	exp, known := st.tickets[req.Ticket]
	code := 0
	switch {
	case req.AppID != st.opts.AppID:
		code = 61011
	case req.Secret == "":
		code = 41004
	case req.Secret != st.opts.AppSecret:
		code = 40125
	case !known:
		code = 61006
	case !c.now.Before(exp):
		code = 61005
	}
	if code != 0 {
		st.mu.Unlock()
		c.fail(code)
		return
	}
	v := componentTokenValue()
	st.tokens[v] = c.now.Add(componentTokenTTL)
	st.mu.Unlock()
	c.json(map[string]any{"component_access_token": v, "expires_in": int64(componentTokenTTL / time.Second)})
}

type componentReq struct {
	ComponentAppID    string `json:"component_appid"`
	AuthorizationCode string `json:"authorization_code"`
	AuthorizerAppID   string `json:"authorizer_appid"`
	RefreshToken      string `json:"authorizer_refresh_token"`
	OptionName        string `json:"option_name"`
	OptionValue       string `json:"option_value"`
	Offset            int    `json:"offset"`
	Count             int    `json:"count"`
}

// componentTokenValue mints a component_access_token.
func componentTokenValue() string { return randDigits(2) + "_" + randText(136) }

// decodeComponent reads the body and checks component_appid (61011).
func (c *call) decodeComponent(st *componentState, req *componentReq) bool {
	if !c.decode(req) {
		return false
	}
	st.mu.Lock()
	id := st.opts.AppID
	st.mu.Unlock()
	if req.ComponentAppID != id {
		c.fail(61011)
		return false
	}
	return true
}

// handlePreAuthCode serves 获取预授权码 POST /cgi-bin/component/api_create_preauthcode.
func (s *Sim) handlePreAuthCode(c *call, st *componentState) {
	var req componentReq
	if !c.decodeComponent(st, &req) {
		return
	}
	code := "preauthcode@@@" + randText(48)
	st.mu.Lock()
	st.preAuth[code] = c.now.Add(preAuthCodeTTL)
	st.mu.Unlock()
	c.json(map[string]any{"pre_auth_code": code, "expires_in": int64(preAuthCodeTTL / time.Second)})
}

// AuthorizeComponent is this account's administrator confirming the
// authorization page opened with preAuthCode: the account is authorized
// (every account of the simulator can authorize the one platform), the
// authorized (or updateauthorized) event is pushed to the platform, and the
// returned auth_code is what WeChat appends to redirect_uri. An error with
// a non-empty code is the push failing after the authorization.
func (s *Sim) AuthorizeComponent(ctx context.Context, preAuthCode string) (authCode string, err error) {
	st := s.comp()
	now := s.now()
	appid := s.acct.AppID
	st.mu.Lock()
	exp, ok := st.preAuth[preAuthCode]
	if !ok || !now.Before(exp) {
		st.mu.Unlock()
		return "", errors.New("sim: unknown or expired pre_auth_code")
	}
	delete(st.preAuth, preAuthCode)
	code := "queryauthcode@@@" + randText(48)
	st.authCodes[code] = authCodeFor(appid, now)
	infoType := "updateauthorized"
	if st.auths[appid] == nil {
		infoType = "authorized"
		st.auths[appid] = &authorization{refresh: "refreshtoken@@@" + randText(43), authTime: now.Unix(), funcs: []int{1, 2, 3, 4, 7, 11},
			options: map[string]string{"location_report": "0", "voice_recognize": "0", "customer_service": "0"}}
		st.order = append(st.order, appid)
	}
	callback := st.opts.CallbackURL
	st.mu.Unlock()
	if callback != "" {
		err = s.pushComponent(ctx, st, "<InfoType><![CDATA["+infoType+"]]></InfoType><AuthorizerAppid><![CDATA["+appid+
			"]]></AuthorizerAppid><AuthorizationCode><![CDATA["+code+"]]></AuthorizationCode><AuthorizationCodeExpiredTime>"+
			itoa(now.Add(authCodeTTL).Unix())+"</AuthorizationCodeExpiredTime><PreAuthCode><![CDATA["+preAuthCode+"]]></PreAuthCode>")
	}
	return code, err
}

func authCodeFor(appid string, now time.Time) authCode {
	return authCode{appid: appid, expires: now.Add(authCodeTTL)}
}

// RevokeComponent is this account's administrator cancelling the
// authorization: the refresh token and every token of the account die, and
// the unauthorized event is pushed.
func (s *Sim) RevokeComponent(ctx context.Context) error {
	st := s.comp()
	appid := s.acct.AppID
	st.mu.Lock()
	delete(st.auths, appid)
	if i := slices.Index(st.order, appid); i >= 0 {
		st.order = slices.Delete(st.order, i, i+1)
	}
	callback := st.opts.CallbackURL
	st.mu.Unlock()
	s.mu.Lock()
	clear(s.tokens)
	s.lastToken, s.stable = "", ""
	s.mu.Unlock()
	if callback == "" {
		return nil
	}
	return s.pushComponent(ctx, st, "<InfoType><![CDATA[unauthorized]]></InfoType><AuthorizerAppid><![CDATA["+appid+"]]></AuthorizerAppid>")
}

// handleComponentLoginPage serves the authorization page (授权页). The
// account that authorizes is biz_appid when given (it must be hosted by the
// simulator), else the administrator picks one of the hosted accounts on
// the page. Opened with confirm=1 (and the account) it is the
// administrator's confirmation: it authorizes the account and redirects to
// redirect_uri with auth_code and expires_in.
func (s *Sim) handleComponentLoginPage(c *call) {
	q := c.r.URL.Query()
	st := s.comp()
	st.mu.Lock()
	exp, ok := st.preAuth[q.Get("pre_auth_code")]
	compID := st.opts.AppID
	st.mu.Unlock()
	if q.Get("component_appid") != compID || !ok || !c.now.Before(exp) || q.Get("redirect_uri") == "" {
		c.w.Header().Set("Content-Type", "text/html; charset=utf-8")
		c.w.WriteHeader(http.StatusBadRequest)
		_, _ = c.w.Write([]byte("<!doctype html><p>请求参数错误 (invalid component_appid, pre_auth_code or redirect_uri)</p>"))
		return
	}
	accounts := s.Accounts()
	if biz := q.Get("biz_appid"); biz != "" {
		a := s.AccountByAppID(biz)
		if a == nil {
			c.w.Header().Set("Content-Type", "text/html; charset=utf-8")
			c.w.WriteHeader(http.StatusBadRequest)
			_, _ = c.w.Write([]byte("<!doctype html><p>请求参数错误 (biz_appid is not an account of the simulator)</p>"))
			return
		}
		accounts = []*Sim{a}
	}
	target := accounts[0]
	if id := q.Get("account"); id != "" {
		target = nil
		for _, a := range accounts {
			if a.acct.AppID == id {
				target = a
			}
		}
	}
	if q.Get("confirm") != "1" || target == nil {
		c.w.Header().Set("Content-Type", "text/html; charset=utf-8")
		var b strings.Builder
		b.WriteString("<!doctype html><title>授权</title><p>选择授权给第三方平台 " + html.EscapeString(compID) + " 的公众号</p><ul>")
		for i, a := range accounts {
			q.Set("confirm", "1")
			q.Set("account", a.acct.AppID)
			id := ""
			if i == 0 {
				id = ` id="confirm"`
			}
			b.WriteString(`<li>公众号 ` + html.EscapeString(a.acct.AppID) + ` (` + html.EscapeString(a.acct.OriginalID) + `) <a class="authorize"` + id +
				` data-appid="` + html.EscapeString(a.acct.AppID) + `" href="/cgi-bin/componentloginpage?` + html.EscapeString(q.Encode()) + `">授权</a></li>`)
		}
		b.WriteString("</ul>")
		_, _ = c.w.Write([]byte(b.String()))
		return
	}
	code, err := target.AuthorizeComponent(c.r.Context(), q.Get("pre_auth_code"))
	if code == "" {
		http.Error(c.w, err.Error(), http.StatusBadRequest)
		return
	}
	if err != nil {
		s.log.Warn("sim: authorized event push failed", "error", err)
	}
	u, perr := url.Parse(q.Get("redirect_uri"))
	if perr != nil {
		http.Error(c.w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	rq := u.Query()
	rq.Set("auth_code", code)
	rq.Set("expires_in", strconv.FormatInt(int64(authCodeTTL/time.Second), 10))
	u.RawQuery = rq.Encode()
	http.Redirect(c.w, c.r, u.String(), http.StatusFound)
}

func (a *authorization) funcInfo() []map[string]any {
	out := make([]map[string]any, len(a.funcs))
	for i, id := range a.funcs {
		out[i] = map[string]any{"funcscope_category": map[string]int{"id": id}}
	}
	return out
}

// issueAuthorizerToken adds an access_token for the account.
func (s *Sim) issueAuthorizerToken(now time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.newTokenValue()
	s.tokens[v] = &accessToken{expires: now.Add(s.opts.TokenTTL)}
	return v
}

// handleQueryAuth serves 使用授权码获取授权信息 POST /cgi-bin/component/api_query_auth.
func (s *Sim) handleQueryAuth(c *call, st *componentState) {
	var req componentReq
	if !c.decodeComponent(st, &req) {
		return
	}
	st.mu.Lock()
	ac, ok := st.authCodes[req.AuthorizationCode]
	delete(st.authCodes, req.AuthorizationCode)
	var auth authorization
	code := 0
	switch {
	case !ok:
		code = 61009
	case !c.now.Before(ac.expires):
		code = 61010
	case st.auths[ac.appid] == nil:
		code = 61003 // revoked since the code was issued
	default:
		auth = *st.auths[ac.appid]
	}
	st.mu.Unlock()
	a := s.AccountByAppID(ac.appid)
	if code == 0 && a == nil {
		code = 61003
	}
	if code != 0 {
		c.fail(code)
		return
	}
	tok := a.issueAuthorizerToken(c.now)
	c.json(map[string]any{"authorization_info": map[string]any{
		"authorizer_appid": ac.appid, "authorizer_access_token": tok,
		"expires_in": int64(a.opts.TokenTTL / time.Second), "authorizer_refresh_token": auth.refresh, "func_info": auth.funcInfo(),
	}})
}

// authorizer returns the hosted account appid and its authorization, or
// the errcode: 41002 without appid, 61003 unless it has authorized the
// platform. st.mu held.
func (s *Sim) authorizer(st *componentState, appid string) (*Sim, *authorization, int) {
	if appid == "" {
		return nil, nil, 41002
	}
	a, auth := s.AccountByAppID(appid), st.auths[appid]
	if a == nil || auth == nil {
		return nil, nil, 61003
	}
	return a, auth, 0
}

// handleAuthorizerToken serves 获取/刷新授权方接口调用令牌
// POST /cgi-bin/component/api_authorizer_token.
func (s *Sim) handleAuthorizerToken(c *call, st *componentState) {
	var req componentReq
	if !c.decodeComponent(st, &req) {
		return
	}
	st.mu.Lock()
	a, auth, code := s.authorizer(st, req.AuthorizerAppID)
	var rt string
	if code == 0 {
		rt = auth.refresh
		if req.RefreshToken != rt {
			code = 61023
		}
	}
	st.mu.Unlock()
	if code != 0 {
		c.fail(code)
		return
	}
	tok := a.issueAuthorizerToken(c.now)
	c.json(map[string]any{"authorizer_access_token": tok, "expires_in": int64(a.opts.TokenTTL / time.Second), "authorizer_refresh_token": rt})
}

// handleAuthorizerInfo serves 获取授权帐号详情 POST /cgi-bin/component/api_get_authorizer_info.
func (s *Sim) handleAuthorizerInfo(c *call, st *componentState) {
	var req componentReq
	a, auth, ok := s.lockAuthorizer(c, st, &req)
	if !ok {
		return
	}
	defer st.mu.Unlock()
	service := 2 // 服务号
	if a.opts.AccountType == SubscriptionAccount {
		service = 0
	}
	verify := 0 // 微信认证
	if a.opts.Unverified {
		verify = -1
	}
	c.json(map[string]any{
		"authorizer_info": map[string]any{
			"nick_name": "wxkit 模拟公众号 " + a.acct.OriginalID, "head_img": s.URL + "/sim/avatar/" + a.acct.OriginalID,
			"service_type_info": map[string]int{"id": service}, "verify_type_info": map[string]int{"id": verify},
			"user_name": a.acct.OriginalID, "principal_name": "wxkit", "alias": "",
			"business_info": map[string]int{"open_store": 0, "open_scan": 0, "open_pay": 0, "open_card": 0, "open_shake": 0},
			"qrcode_url":    s.URL + "/sim/avatar/qrcode-" + a.acct.OriginalID,
		},
		"authorization_info": map[string]any{"authorizer_appid": a.acct.AppID, "func_info": auth.funcInfo()},
	})
}

func validOption(name, value string) bool {
	switch name {
	case "location_report":
		return value == "" || value == "0" || value == "1" || value == "2"
	case "voice_recognize", "customer_service":
		return value == "" || value == "0" || value == "1"
	}
	return false
}

// lockAuthorizer decodes req and checks its authorizer_appid, answering
// the error itself. When it reports true st.mu is held: the caller unlocks.
func (s *Sim) lockAuthorizer(c *call, st *componentState, req *componentReq) (*Sim, *authorization, bool) {
	if !c.decodeComponent(st, req) {
		return nil, nil, false
	}
	st.mu.Lock()
	a, auth, code := s.authorizer(st, req.AuthorizerAppID)
	if code != 0 {
		st.mu.Unlock()
		c.fail(code)
		return nil, nil, false
	}
	return a, auth, true
}

// handleGetAuthorizerOption serves 获取授权方选项信息 POST /cgi-bin/component/api_get_authorizer_option.
func (s *Sim) handleGetAuthorizerOption(c *call, st *componentState) {
	var req componentReq
	_, auth, ok := s.lockAuthorizer(c, st, &req)
	if !ok {
		return
	}
	defer st.mu.Unlock()
	if !validOption(req.OptionName, "") {
		c.fail(40097)
		return
	}
	c.json(map[string]any{"authorizer_appid": req.AuthorizerAppID, "option_name": req.OptionName, "option_value": auth.options[req.OptionName]})
}

// handleSetAuthorizerOption serves 设置授权方选项信息 POST /cgi-bin/component/api_set_authorizer_option.
func (s *Sim) handleSetAuthorizerOption(c *call, st *componentState) {
	var req componentReq
	_, auth, ok := s.lockAuthorizer(c, st, &req)
	if !ok {
		return
	}
	defer st.mu.Unlock()
	if req.OptionValue == "" || !validOption(req.OptionName, req.OptionValue) {
		c.fail(40097)
		return
	}
	auth.options[req.OptionName] = req.OptionValue
	c.ok()
}

// handleAuthorizerList serves 拉取所有已授权的帐号信息 POST /cgi-bin/component/api_get_authorizer_list
// (count 1..500), in authorization order.
func (s *Sim) handleAuthorizerList(c *call, st *componentState) {
	var req componentReq
	if !c.decodeComponent(st, &req) {
		return
	}
	if req.Count < 1 || req.Count > 500 || req.Offset < 0 {
		c.fail(40097)
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	list := []map[string]any{}
	for i := req.Offset; i < len(st.order) && len(list) < req.Count; i++ {
		id := st.order[i]
		a := st.auths[id]
		list = append(list, map[string]any{"authorizer_appid": id, "refresh_token": a.refresh, "auth_time": a.authTime})
	}
	c.json(map[string]any{"total_count": len(st.order), "list": list})
}

// checkComponentOAuth validates the component part of the web-authorization
// calls made on behalf of the account: appid, component_appid and
// component_access_token, then grant_type. It answers the error itself.
func (s *Sim) checkComponentOAuth(c *call, grantType string) bool {
	st := s.comp()
	st.mu.Lock()
	exp, ok := st.tokens[c.query("component_access_token")]
	authorized := st.auths[s.acct.AppID] != nil
	compID := st.opts.AppID
	st.mu.Unlock()
	code := 0
	switch {
	case c.query("appid") == "":
		code = 41002
	case c.query("appid") != s.acct.AppID:
		code = 40013
	case c.query("component_appid") != compID:
		code = 61011
	case c.query("component_access_token") == "":
		code = 41001
	case !ok:
		code = 40001
	case !c.now.Before(exp):
		code = 42001
	case !authorized:
		code = 61003
	case c.query("grant_type") != grantType:
		code = 40002
	}
	if code != 0 {
		c.fail(code)
		return false
	}
	return true
}

// handleComponentSnsAccessToken serves GET /sns/oauth2/component/access_token
// (代公众号 通过code换取access_token): codes come from the ordinary
// authorization page and are single-use.
func (s *Sim) handleComponentSnsAccessToken(c *call) {
	if !s.checkComponentOAuth(c, "authorization_code") {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	oc, ok := s.oauthCodes[c.query("code")]
	switch {
	case c.query("code") == "":
		c.fail(41008)
		return
	case !ok || !c.now.Before(oc.expires):
		c.fail(40029)
		return
	case oc.used:
		c.fail(40163)
		return
	}
	c.json(s.snsTokenJSON(s.redeemOAuthCodeLocked(c, oc), ""))
}

// handleComponentSnsRefresh serves GET /sns/oauth2/component/refresh_token
// (代公众号 刷新access_token).
func (s *Sim) handleComponentSnsRefresh(c *call) {
	if !s.checkComponentOAuth(c, "refresh_token") {
		return
	}
	s.refreshSnsToken(c)
}

// ErrNotHosted is returned by SendTextViaComponent when the account has not
// authorized the platform or the platform has no MessageURL.
var ErrNotHosted = errors.New("sim: the account is not hosted by the platform (not authorized, or no MessageURL)")

// SendTextViaComponent is follower f sending a text message to the account
// while the account is hosted by the third-party platform, returning the
// decrypted passive reply ("" for "success" or an empty answer). It is
// f.SendText, which goes to the platform's MessageURL while the account is
// authorized to it (see ComponentOptions.MessageURL), except that it fails
// with ErrNotHosted instead of using the account's own callback.
func (s *Sim) SendTextViaComponent(ctx context.Context, f *Follower, content string) (string, error) {
	st := s.hostedBy()
	hosted := false
	if st != nil {
		st.mu.Lock()
		hosted = st.opts.MessageURL != ""
		st.mu.Unlock()
	}
	if !hosted {
		return "", ErrNotHosted
	}
	r, err := f.SendText(ctx, content)
	if err != nil || r == nil {
		return "", err
	}
	return string(r.Raw), nil
}

// ConfigureComponentMessageURL sets the platform's MessageURL (see
// ComponentOptions) without resetting its state.
func (s *Sim) ConfigureComponentMessageURL(u string) error {
	if u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		return errors.New("sim: MessageURL must be an http(s) URL")
	}
	st := s.comp()
	st.mu.Lock()
	st.opts.MessageURL = u
	st.mu.Unlock()
	return nil
}
