package oauth

import (
	"fmt"
	"time"

	"github.com/wxkit/mp"
)

// Scope is the authorization scope (应用授权作用域) of a web-authorization
// request.
type Scope string

// Scopes documented by WeChat.
const (
	// ScopeBase (静默授权) redirects without asking the user and yields only
	// the OpenID (and the UnionID where the account is bound to an Open
	// Platform account).
	ScopeBase Scope = "snsapi_base"
	// ScopeUserInfo asks the user for consent and allows [Service.UserInfo]
	// (拉取用户信息): nickname, avatar.
	ScopeUserInfo Scope = "snsapi_userinfo"
	// ScopeLogin is the scope of website QR login (网站应用微信登录), used
	// with [Service.QRConnectURL] by a website application.
	ScopeLogin Scope = "snsapi_login"
)

// Lang is the language of the region names in [UserInfo] (lang parameter:
// zh_CN 简体, zh_TW 繁体, en 英语).
type Lang string

// Languages accepted by /sns/userinfo.
const (
	LangDefault Lang = "" // let WeChat choose (zh_CN)
	LangZhCN    Lang = "zh_CN"
	LangZhTW    Lang = "zh_TW"
	LangEN      Lang = "en"
)

// Credentials identify the application whose users authorize: by default
// the Official Account of the client; a website application (网站应用) for
// QR login.
type Credentials struct {
	AppID     string
	AppSecret string
}

// String describes the credentials without the secret.
func (c Credentials) String() string {
	secret := `""`
	if c.AppSecret != "" {
		secret = "<redacted>"
	}
	return fmt.Sprintf("oauth.Credentials{AppID: %q, AppSecret: %s}", c.AppID, secret)
}

// GoString is String, so %#v hides the secret too.
func (c Credentials) GoString() string { return c.String() }

// Service is the web authorization (网页授权) of one application: the
// authorization links, the code exchange and refresh, the user profile,
// and the net/http [Middleware] that does all of it for a web site.
//
// A Service is safe for concurrent use.
type Service struct {
	c     *mp.Client
	creds Credentials
	now   func() time.Time
}

// New returns the web authorization of the client's Official Account (its
// AppID and AppSecret).
func New(c *mp.Client) *Service {
	cfg := c.Config()
	return &Service{c: c, creds: Credentials{AppID: cfg.AppID, AppSecret: cfg.AppSecret}, now: time.Now}
}

// NewWithCredentials returns a web authorization that uses other
// credentials than the client's account, typically a website application's
// AppID and AppSecret for QR login (网站应用微信登录). The client still
// provides the transport, hosts, retries and logger.
func NewWithCredentials(c *mp.Client, creds Credentials) (*Service, error) {
	if creds.AppID == "" {
		return nil, &mp.ValidationError{Op: "oauth.NewWithCredentials", Field: "AppID", Reason: "is required"}
	}
	if creds.AppSecret == "" {
		return nil, &mp.ValidationError{Op: "oauth.NewWithCredentials", Field: "AppSecret", Reason: "is required"}
	}
	return &Service{c: c, creds: creds, now: time.Now}, nil
}

// AppID returns the AppID the Service authorizes for.
func (s *Service) AppID() string { return s.creds.AppID }

// String describes the Service without secrets.
func (s *Service) String() string { return fmt.Sprintf("oauth.Service{AppID: %q}", s.creds.AppID) }

// GoString is String, so %#v hides the secret too.
func (s *Service) GoString() string { return s.String() }
