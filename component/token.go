package component

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/token"
)

// ErrNoTicket is returned (wrapped) when the component_access_token is
// needed before the first component_verify_ticket push arrived.
var ErrNoTicket = errors.New("component: no component_verify_ticket received yet")

type componentTokenRequest struct {
	AppID        string `json:"component_appid"`
	AppSecret    string `json:"component_appsecret"`
	VerifyTicket string `json:"component_verify_ticket"`
}

type componentTokenResponse struct {
	Token     string `json:"component_access_token"`
	ExpiresIn int64  `json:"expires_in"`
}

// fetchComponentToken calls 获取令牌 POST /cgi-bin/component/api_component_token.
func (p *Platform) fetchComponentToken(ctx context.Context, _ bool) (token.Token, error) {
	ticket, ok, err := p.tickets.GetTicket(ctx, p.cfg.AppID)
	if err != nil {
		return token.Token{}, err
	}
	if !ok || ticket == "" {
		return token.Token{}, ErrNoTicket
	}
	start := p.api.Now()
	var resp componentTokenResponse
	err = p.api.Do(ctx, &mp.Request{Method: "POST", Path: "/cgi-bin/component/api_component_token", NoToken: true, Idempotent: true,
		Body: componentTokenRequest{AppID: p.cfg.AppID, AppSecret: p.cfg.AppSecret, VerifyTicket: ticket}}, &resp)
	if err != nil {
		return token.Token{}, err
	}
	return token.Token{Value: resp.Token, Expiry: start.Add(time.Duration(resp.ExpiresIn) * time.Second)}, nil
}

// PreAuthCode is a pre-authorization code (预授权码), valid ExpiresIn seconds.
type PreAuthCode struct {
	Code      string `json:"pre_auth_code"`
	ExpiresIn int64  `json:"expires_in"`
}

type appidRequest struct {
	ComponentAppID string `json:"component_appid"`
}

// PreAuthCode calls 获取预授权码 POST /cgi-bin/component/api_create_preauthcode.
func (p *Platform) PreAuthCode(ctx context.Context) (*PreAuthCode, error) {
	var out PreAuthCode
	if err := p.do(ctx, "/cgi-bin/component/api_create_preauthcode", appidRequest{p.cfg.AppID}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// AuthType selects the kind of account the authorization page lists.
type AuthType int

// Values of auth_type.
const (
	AuthOfficialAccount AuthType = 1 // 仅展示公众号
	AuthMiniProgram     AuthType = 2 // 仅展示小程序
	AuthBoth            AuthType = 3 // 公众号和小程序都展示
)

// AuthURLOptions are the parameters of the authorization page.
type AuthURLOptions struct {
	PreAuthCode string   // required
	RedirectURI string   // required: where WeChat sends auth_code and expires_in
	AuthType    AuthType // default AuthOfficialAccount
	BizAppID    string   // optional: only this account may authorize
}

func (o AuthURLOptions) query(appid string) (string, error) {
	switch {
	case o.PreAuthCode == "":
		return "", &mp.ValidationError{Op: "component.AuthURL", Field: "pre_auth_code", Reason: "required"}
	case o.RedirectURI == "":
		return "", &mp.ValidationError{Op: "component.AuthURL", Field: "redirect_uri", Reason: "required"}
	case o.AuthType < 0 || o.AuthType > 3:
		return "", &mp.ValidationError{Op: "component.AuthURL", Field: "auth_type", Reason: "must be 1, 2 or 3"}
	}
	t := o.AuthType
	if t == 0 {
		t = AuthOfficialAccount
	}
	var b strings.Builder
	b.WriteString("component_appid=" + url.QueryEscape(appid))
	b.WriteString("&pre_auth_code=" + url.QueryEscape(o.PreAuthCode))
	b.WriteString("&redirect_uri=" + url.QueryEscape(o.RedirectURI))
	b.WriteString("&auth_type=" + string(rune('0'+t)))
	if o.BizAppID != "" {
		b.WriteString("&biz_appid=" + url.QueryEscape(o.BizAppID))
	}
	return b.String(), nil
}

// AuthURL returns the PC authorization page (授权注册页面, 扫码授权):
// https://mp.weixin.qq.com/cgi-bin/componentloginpage?component_appid=…&pre_auth_code=…&redirect_uri=…&auth_type=…&biz_appid=…
// in the documented parameter order.
func (p *Platform) AuthURL(o AuthURLOptions) (string, error) {
	q, err := o.query(p.cfg.AppID)
	if err != nil {
		return "", err
	}
	return p.api.MPBaseURL() + "/cgi-bin/componentloginpage?" + q, nil
}

// MobileAuthURL returns the authorization link opened inside WeChat
// (点击移动端链接快速授权):
// https://open.weixin.qq.com/wxaopen/safe/bindcomponent?action=bindcomponent&no_scan=1&component_appid=…&pre_auth_code=…&redirect_uri=…&auth_type=…&biz_appid=…#wechat_redirect
func (p *Platform) MobileAuthURL(o AuthURLOptions) (string, error) {
	q, err := o.query(p.cfg.AppID)
	if err != nil {
		return "", err
	}
	return p.api.OpenBaseURL() + "/wxaopen/safe/bindcomponent?action=bindcomponent&no_scan=1&" + q + "#wechat_redirect", nil
}
