package sim

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
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

type componentState struct {
	opts       ComponentOptions
	env        *crypto.Envelope
	tickets    map[string]time.Time // component_verify_ticket -> expiry
	tokens     map[string]time.Time // component_access_token -> expiry
	preAuth    map[string]time.Time
	authCodes  map[string]time.Time
	authorized bool
	refresh    string // the account's authorizer_refresh_token
	authTime   int64
	funcs      []int
	options    map[string]string
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
		preAuth: map[string]time.Time{}, authCodes: map[string]time.Time{}, funcs: []int{1, 2, 3, 4, 7, 11},
		options: map[string]string{"location_report": "0", "voice_recognize": "0", "customer_service": "0"},
	}, nil
}

// comp returns the platform state, creating it with the defaults. s.mu held.
func (s *Sim) comp() *componentState {
	if s.component == nil {
		s.component, _ = newComponentState(ComponentOptions{}) // the defaults are valid
	}
	return s.component
}

// ConfigureComponent sets the simulated platform's credentials and callback
// URL, resetting its state (tickets, tokens, authorization).
func (s *Sim) ConfigureComponent(o ComponentOptions) error {
	st, err := newComponentState(o)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.component = st
	s.mu.Unlock()
	return nil
}

// Component returns the platform's credentials.
func (s *Sim) Component() ComponentOptions {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.comp().opts
}

// withComponentToken wraps a handler with the component_access_token check.
func (s *Sim) withComponentToken(h func(*call, *componentState)) func(*call) {
	return func(c *call) {
		v := c.query("component_access_token")
		s.mu.Lock()
		st := s.comp()
		exp, ok := st.tokens[v]
		s.mu.Unlock()
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
	s.mu.Lock()
	st := s.comp()
	t := "ticket@@@" + randText(64)
	st.tickets[t] = s.now().Add(ticketTTL)
	s.mu.Unlock()
	return s.pushComponent(ctx, st, "<InfoType><![CDATA[component_verify_ticket]]></InfoType><ComponentVerifyTicket><![CDATA["+t+"]]></ComponentVerifyTicket>")
}

// pushComponent sends one encrypted push to the platform and requires "success".
func (s *Sim) pushComponent(ctx context.Context, st *componentState, inner string) error {
	if st.opts.CallbackURL == "" {
		return errors.New("sim: the component has no CallbackURL")
	}
	now := s.now()
	plain := "<xml><AppId><![CDATA[" + st.opts.AppID + "]]></AppId><CreateTime>" + itoa(now.Unix()) + "</CreateTime>" + inner + "</xml>"
	enc, err := st.env.Cipher().Encrypt([]byte(plain))
	if err != nil {
		return err
	}
	ts, nonce := itoa(now.Unix()), randText(10)
	q := url.Values{"timestamp": {ts}, "nonce": {nonce}, "encrypt_type": {"aes"},
		"msg_signature": {crypto.MsgSignature(st.opts.Token, ts, nonce, enc)}}
	body := "<xml><AppId><![CDATA[" + st.opts.AppID + "]]></AppId><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>"
	status, answer, err := s.post(ctx, st.opts.CallbackURL+"?"+q.Encode(), []byte(body))
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
	s.mu.Lock()
	st := s.comp()
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
		s.mu.Unlock()
		c.fail(code)
		return
	}
	v := s.newTokenValue()
	st.tokens[v] = c.now.Add(componentTokenTTL)
	s.mu.Unlock()
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

// decodeComponent reads the body and checks component_appid (61011).
func (c *call) decodeComponent(st *componentState, req *componentReq) bool {
	if !c.decode(req) {
		return false
	}
	if req.ComponentAppID != st.opts.AppID {
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
	s.mu.Lock()
	st.preAuth[code] = c.now.Add(preAuthCodeTTL)
	s.mu.Unlock()
	c.json(map[string]any{"pre_auth_code": code, "expires_in": int64(preAuthCodeTTL / time.Second)})
}

// AuthorizeComponent is the account's administrator confirming the
// authorization page opened with preAuthCode: the account is authorized,
// the authorized event is pushed to the platform, and the returned auth_code
// is what WeChat appends to redirect_uri.
func (s *Sim) AuthorizeComponent(ctx context.Context, preAuthCode string) (authCode string, err error) {
	s.mu.Lock()
	st := s.comp()
	now := s.now()
	exp, ok := st.preAuth[preAuthCode]
	if !ok || !now.Before(exp) {
		s.mu.Unlock()
		return "", errors.New("sim: unknown or expired pre_auth_code")
	}
	delete(st.preAuth, preAuthCode)
	authCode = "queryauthcode@@@" + randText(48)
	st.authCodes[authCode] = now.Add(authCodeTTL)
	infoType := "authorized"
	if st.authorized {
		infoType = "updateauthorized"
	} else {
		st.refresh = "refreshtoken@@@" + randText(43)
		st.authTime = now.Unix()
	}
	st.authorized = true
	s.mu.Unlock()
	if st.opts.CallbackURL != "" {
		err = s.pushComponent(ctx, st, "<InfoType><![CDATA["+infoType+"]]></InfoType><AuthorizerAppid><![CDATA["+s.acct.AppID+
			"]]></AuthorizerAppid><AuthorizationCode><![CDATA["+authCode+"]]></AuthorizationCode><AuthorizationCodeExpiredTime>"+
			itoa(now.Add(authCodeTTL).Unix())+"</AuthorizationCodeExpiredTime><PreAuthCode><![CDATA["+preAuthCode+"]]></PreAuthCode>")
	}
	return authCode, err
}

// RevokeComponent is the administrator cancelling the authorization: the
// refresh token and every authorizer token die, and the unauthorized event
// is pushed.
func (s *Sim) RevokeComponent(ctx context.Context) error {
	s.mu.Lock()
	st := s.comp()
	st.authorized, st.refresh = false, ""
	clear(s.tokens)
	s.lastToken, s.stable = "", ""
	s.mu.Unlock()
	if st.opts.CallbackURL == "" {
		return nil
	}
	return s.pushComponent(ctx, st, "<InfoType><![CDATA[unauthorized]]></InfoType><AuthorizerAppid><![CDATA["+s.acct.AppID+"]]></AuthorizerAppid>")
}

// handleComponentLoginPage serves the authorization page (授权页). Opened
// with confirm=1 it is the administrator's confirmation: it authorizes the
// simulator's account and redirects to redirect_uri with auth_code and
// expires_in.
func (s *Sim) handleComponentLoginPage(c *call) {
	q := c.r.URL.Query()
	s.mu.Lock()
	st := s.comp()
	exp, ok := st.preAuth[q.Get("pre_auth_code")]
	s.mu.Unlock()
	if q.Get("component_appid") != st.opts.AppID || !ok || !c.now.Before(exp) || q.Get("redirect_uri") == "" {
		c.w.Header().Set("Content-Type", "text/html; charset=utf-8")
		c.w.WriteHeader(http.StatusBadRequest)
		_, _ = c.w.Write([]byte("<!doctype html><p>请求参数错误 (invalid component_appid, pre_auth_code or redirect_uri)</p>"))
		return
	}
	if q.Get("confirm") != "1" {
		c.w.Header().Set("Content-Type", "text/html; charset=utf-8")
		q.Set("confirm", "1")
		_, _ = c.w.Write([]byte("<!doctype html><title>授权</title><p>公众号 " + html.EscapeString(s.acct.AppID) +
			` 授权给第三方平台 ` + html.EscapeString(st.opts.AppID) + `</p><a id="confirm" href="/cgi-bin/componentloginpage?` +
			html.EscapeString(q.Encode()) + `">授权</a>`))
		return
	}
	code, err := s.AuthorizeComponent(c.r.Context(), q.Get("pre_auth_code"))
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

func (st *componentState) funcInfo() []map[string]any {
	out := make([]map[string]any, len(st.funcs))
	for i, id := range st.funcs {
		out[i] = map[string]any{"funcscope_category": map[string]int{"id": id}}
	}
	return out
}

// issueAuthorizerToken adds an access_token for the account. s.mu held.
func (s *Sim) issueAuthorizerToken(now time.Time) string {
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
	s.mu.Lock()
	exp, ok := st.authCodes[req.AuthorizationCode]
	if !ok {
		s.mu.Unlock()
		c.fail(61009)
		return
	}
	delete(st.authCodes, req.AuthorizationCode)
	if !c.now.Before(exp) {
		s.mu.Unlock()
		c.fail(61010)
		return
	}
	if !st.authorized {
		s.mu.Unlock()
		c.fail(61003) // revoked since the code was issued
		return
	}
	tok := s.issueAuthorizerToken(c.now)
	info := map[string]any{
		"authorizer_appid": s.acct.AppID, "authorizer_access_token": tok,
		"expires_in": int64(s.opts.TokenTTL / time.Second), "authorizer_refresh_token": st.refresh, "func_info": st.funcInfo(),
	}
	s.mu.Unlock()
	c.json(map[string]any{"authorization_info": info})
}

// checkAuthorizer answers 61003 unless appid is the authorized account. s.mu held.
func (s *Sim) checkAuthorizer(st *componentState, appid string) int {
	if appid == "" {
		return 41002
	}
	if appid != s.acct.AppID || !st.authorized {
		return 61003
	}
	return 0
}

// handleAuthorizerToken serves 获取/刷新授权方接口调用令牌
// POST /cgi-bin/component/api_authorizer_token.
func (s *Sim) handleAuthorizerToken(c *call, st *componentState) {
	var req componentReq
	if !c.decodeComponent(st, &req) {
		return
	}
	s.mu.Lock()
	code := s.checkAuthorizer(st, req.AuthorizerAppID)
	if code == 0 && req.RefreshToken != st.refresh {
		code = 61023
	}
	if code != 0 {
		s.mu.Unlock()
		c.fail(code)
		return
	}
	tok := s.issueAuthorizerToken(c.now)
	rt := st.refresh
	s.mu.Unlock()
	c.json(map[string]any{"authorizer_access_token": tok, "expires_in": int64(s.opts.TokenTTL / time.Second), "authorizer_refresh_token": rt})
}

// handleAuthorizerInfo serves 获取授权帐号详情 POST /cgi-bin/component/api_get_authorizer_info.
func (s *Sim) handleAuthorizerInfo(c *call, st *componentState) {
	var req componentReq
	if !s.lockAuthorizer(c, st, &req) {
		return
	}
	defer s.mu.Unlock()
	c.json(map[string]any{
		"authorizer_info": map[string]any{
			"nick_name": "wxkit 模拟公众号", "head_img": s.URL + "/sim/avatar/account",
			"service_type_info": map[string]int{"id": 2}, "verify_type_info": map[string]int{"id": 0},
			"user_name": s.acct.OriginalID, "principal_name": "wxkit", "alias": "",
			"business_info": map[string]int{"open_store": 0, "open_scan": 0, "open_pay": 0, "open_card": 0, "open_shake": 0},
			"qrcode_url":    s.URL + "/sim/avatar/qrcode",
		},
		"authorization_info": map[string]any{"authorizer_appid": s.acct.AppID, "func_info": st.funcInfo()},
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
// the error itself. When it reports true s.mu is held: the caller unlocks.
func (s *Sim) lockAuthorizer(c *call, st *componentState, req *componentReq) bool {
	if !c.decodeComponent(st, req) {
		return false
	}
	s.mu.Lock()
	if code := s.checkAuthorizer(st, req.AuthorizerAppID); code != 0 {
		s.mu.Unlock()
		c.fail(code)
		return false
	}
	return true
}

// handleGetAuthorizerOption serves 获取授权方选项信息 POST /cgi-bin/component/api_get_authorizer_option.
func (s *Sim) handleGetAuthorizerOption(c *call, st *componentState) {
	var req componentReq
	if !s.lockAuthorizer(c, st, &req) {
		return
	}
	defer s.mu.Unlock()
	if !validOption(req.OptionName, "") {
		c.fail(40097)
		return
	}
	c.json(map[string]any{"authorizer_appid": req.AuthorizerAppID, "option_name": req.OptionName, "option_value": st.options[req.OptionName]})
}

// handleSetAuthorizerOption serves 设置授权方选项信息 POST /cgi-bin/component/api_set_authorizer_option.
func (s *Sim) handleSetAuthorizerOption(c *call, st *componentState) {
	var req componentReq
	if !s.lockAuthorizer(c, st, &req) {
		return
	}
	defer s.mu.Unlock()
	if req.OptionValue == "" || !validOption(req.OptionName, req.OptionValue) {
		c.fail(40097)
		return
	}
	st.options[req.OptionName] = req.OptionValue
	c.ok()
}

// handleAuthorizerList serves 拉取所有已授权的帐号信息 POST /cgi-bin/component/api_get_authorizer_list
// (count 1..500).
func (s *Sim) handleAuthorizerList(c *call, st *componentState) {
	var req componentReq
	if !c.decodeComponent(st, &req) {
		return
	}
	if req.Count < 1 || req.Count > 500 || req.Offset < 0 {
		c.fail(40097)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	list := []map[string]any{}
	total := 0
	if st.authorized {
		total = 1
		if req.Offset == 0 {
			list = append(list, map[string]any{"authorizer_appid": s.acct.AppID, "refresh_token": st.refresh, "auth_time": st.authTime})
		}
	}
	c.json(map[string]any{"total_count": total, "list": list})
}

// checkComponentOAuth validates the component part of the web-authorization
// calls made on behalf of the account: appid, component_appid and
// component_access_token, then grant_type. It answers the error itself.
func (s *Sim) checkComponentOAuth(c *call, grantType string) bool {
	s.mu.Lock()
	st := s.comp()
	exp, ok := st.tokens[c.query("component_access_token")]
	authorized := st.authorized
	compID := st.opts.AppID
	s.mu.Unlock()
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
	s.mu.Lock()
	st := s.component
	hosted := st != nil && st.authorized && st.opts.MessageURL != ""
	s.mu.Unlock()
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
	s.mu.Lock()
	s.comp().opts.MessageURL = u
	s.mu.Unlock()
	return nil
}
