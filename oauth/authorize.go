package oauth

import (
	"net/url"
	"strings"

	"github.com/wxkit/mp"
)

// MaxStateLen is the documented limit of the state parameter: a-zA-Z0-9,
// at most 128 bytes.
const MaxStateLen = 128

// AuthOption adjusts an authorization link.
type AuthOption func(*authOptions)

type authOptions struct {
	forcePopup bool
}

// ForcePopup adds forcePopup=true: the user must confirm this authorization
// in a pop-up (强制此次授权需要用户弹窗确认). WeChat ignores it when the user
// hits its silent-authorization special cases.
func ForcePopup() AuthOption { return func(o *authOptions) { o.forcePopup = true } }

// AuthCodeURL returns the link that starts web authorization (用户同意授权，
// 获取code) on the open host:
//
//	https://open.weixin.qq.com/connect/oauth2/authorize?appid=APPID&redirect_uri=REDIRECT_URI&response_type=code&scope=SCOPE&state=STATE#wechat_redirect
//
// with the parameters in exactly this order (WeChat matches the link
// strictly), redirect_uri URL-escaped and the #wechat_redirect suffix.
// scope is [ScopeBase] or [ScopeUserInfo]; state is optional and limited to
// a-zA-Z0-9, at most 128 bytes. After consent WeChat redirects the browser
// to redirectURI?code=CODE&state=STATE.
func (s *Service) AuthCodeURL(redirectURI string, scope Scope, state string, opts ...AuthOption) (string, error) {
	const op = "oauth.AuthCodeURL"
	if scope != ScopeBase && scope != ScopeUserInfo {
		return "", &mp.ValidationError{Op: op, Field: "scope", Reason: "must be snsapi_base or snsapi_userinfo"}
	}
	var o authOptions
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	return s.buildAuthURL(op, "/connect/oauth2/authorize", redirectURI, scope, state, o)
}

// QRConnectURL returns the QR login link of a website application
// (网站应用微信登录, 请求CODE):
//
//	https://open.weixin.qq.com/connect/qrconnect?appid=APPID&redirect_uri=REDIRECT_URI&response_type=code&scope=snsapi_login&state=STATE#wechat_redirect
//
// Build the Service with [NewWithCredentials] and the website
// application's AppID: an Official Account's AppID is refused by WeChat.
func (s *Service) QRConnectURL(redirectURI, state string) (string, error) {
	return s.buildAuthURL("oauth.QRConnectURL", "/connect/qrconnect", redirectURI, ScopeLogin, state, authOptions{})
}

func (s *Service) buildAuthURL(op, path, redirectURI string, scope Scope, state string, o authOptions) (string, error) {
	if err := checkRedirectURI(op, redirectURI); err != nil {
		return "", err
	}
	if err := CheckState(state); err != nil {
		return "", &mp.ValidationError{Op: op, Field: "state", Reason: err.Error()}
	}
	var b strings.Builder
	b.Grow(len(s.c.OpenBaseURL()) + len(path) + len(redirectURI)*3/2 + len(state) + 128)
	b.WriteString(s.c.OpenBaseURL())
	b.WriteString(path)
	b.WriteString("?appid=")
	b.WriteString(url.QueryEscape(s.creds.AppID))
	b.WriteString("&redirect_uri=")
	b.WriteString(url.QueryEscape(redirectURI))
	b.WriteString("&response_type=code&scope=")
	b.WriteString(string(scope))
	b.WriteString("&state=")
	b.WriteString(state)
	if o.forcePopup {
		b.WriteString("&forcePopup=true")
	}
	b.WriteString("#wechat_redirect")
	return b.String(), nil
}

// checkRedirectURI requires an absolute http(s) URL without a fragment
// (WeChat drops everything after '#', and the code with it).
func checkRedirectURI(op, raw string) error {
	if raw == "" {
		return &mp.ValidationError{Op: op, Field: "redirect_uri", Reason: "is required"}
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &mp.ValidationError{Op: op, Field: "redirect_uri", Reason: "must be an absolute http(s) URL"}
	}
	if strings.Contains(raw, "#") {
		return &mp.ValidationError{Op: op, Field: "redirect_uri", Reason: "must not contain a '#' fragment"}
	}
	return nil
}

// stateError is the reason CheckState gives.
type stateError string

func (e stateError) Error() string { return string(e) }

// CheckState reports whether state is acceptable to WeChat: only a-zA-Z0-9,
// at most [MaxStateLen] bytes. The empty state is allowed.
func CheckState(state string) error {
	if len(state) > MaxStateLen {
		return stateError("longer than 128 bytes")
	}
	for i := 0; i < len(state); i++ {
		if !isAlnum(state[i]) {
			return stateError("only a-zA-Z0-9 are allowed")
		}
	}
	return nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
