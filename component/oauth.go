package component

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"

	"github.com/wxkit/mp"
)

// OAuth scopes of web authorization (网页授权).
const (
	ScopeBase     = "snsapi_base"
	ScopeUserInfo = "snsapi_userinfo"
)

// OAuthURL returns the web-authorization page on behalf of the account
// appid (代公众号发起网页授权):
// https://open.weixin.qq.com/connect/oauth2/authorize?appid=…&redirect_uri=…&response_type=code&scope=…&state=…&component_appid=…#wechat_redirect
func (p *Platform) OAuthURL(appid, redirectURI, scope, state string) (string, error) {
	const op = "component.OAuthURL"
	switch {
	case appid == "":
		return "", &mp.ValidationError{Op: op, Field: "appid", Reason: "required"}
	case redirectURI == "":
		return "", &mp.ValidationError{Op: op, Field: "redirect_uri", Reason: "required"}
	case scope != ScopeBase && scope != ScopeUserInfo:
		return "", &mp.ValidationError{Op: op, Field: "scope", Reason: "must be snsapi_base or snsapi_userinfo"}
	case len(state) > 128:
		return "", &mp.ValidationError{Op: op, Field: "state", Reason: "at most 128 bytes"}
	}
	return p.api.OpenBaseURL() + "/connect/oauth2/authorize?appid=" + url.QueryEscape(appid) +
		"&redirect_uri=" + url.QueryEscape(redirectURI) + "&response_type=code&scope=" + scope +
		"&state=" + url.QueryEscape(state) + "&component_appid=" + url.QueryEscape(p.cfg.AppID) + "#wechat_redirect", nil
}

// OAuthToken is a user's web-authorization token (网页授权access_token). Its
// String, GoString, Format and LogValue hide both tokens.
type OAuthToken struct {
	AccessToken  string `json:"access_token"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	OpenID       string `json:"openid"`
	Scope        string `json:"scope"`
	UnionID      string `json:"unionid,omitempty"`
}

// String describes the token without its secrets.
func (t OAuthToken) String() string {
	return fmt.Sprintf("component.OAuthToken{OpenID: %q, Scope: %q, ExpiresIn: %d, AccessToken: %s, RefreshToken: %s}",
		t.OpenID, t.Scope, t.ExpiresIn, redacted(t.AccessToken), redacted(t.RefreshToken))
}

// GoString is String.
func (t OAuthToken) GoString() string { return t.String() }

// Format prints String for every verb.
func (t OAuthToken) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, t.String()) }

// LogValue is String for log/slog.
func (t OAuthToken) LogValue() slog.Value { return slog.StringValue(t.String()) }

// ExchangeOAuthCode calls 通过code换取access_token (代公众号)
// GET /sns/oauth2/component/access_token for the account appid.
func (p *Platform) ExchangeOAuthCode(ctx context.Context, appid, code string) (*OAuthToken, error) {
	const op = "component.ExchangeOAuthCode"
	if appid == "" {
		return nil, &mp.ValidationError{Op: op, Field: "appid", Reason: "required"}
	}
	if code == "" {
		return nil, &mp.ValidationError{Op: op, Field: "code", Reason: "required"}
	}
	q := url.Values{"appid": {appid}, "code": {code}, "grant_type": {"authorization_code"}, "component_appid": {p.cfg.AppID}}
	var out OAuthToken
	if err := p.call(ctx, "GET", "/sns/oauth2/component/access_token", q, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// RefreshOAuthToken calls 刷新access_token (代公众号)
// GET /sns/oauth2/component/refresh_token for the account appid.
func (p *Platform) RefreshOAuthToken(ctx context.Context, appid, refreshToken string) (*OAuthToken, error) {
	const op = "component.RefreshOAuthToken"
	if appid == "" {
		return nil, &mp.ValidationError{Op: op, Field: "appid", Reason: "required"}
	}
	if refreshToken == "" {
		return nil, &mp.ValidationError{Op: op, Field: "refresh_token", Reason: "required"}
	}
	q := url.Values{"appid": {appid}, "grant_type": {"refresh_token"}, "component_appid": {p.cfg.AppID}, "refresh_token": {refreshToken}}
	var out OAuthToken
	if err := p.call(ctx, "GET", "/sns/oauth2/component/refresh_token", q, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
