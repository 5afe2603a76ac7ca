package oauth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/wxkit/mp"
)

// Token is a user's web-authorization credential (网页授权 access_token),
// the answer of the code exchange and of the refresh. It is not the
// Official Account's access_token and only works for the one user.
//
// Its String, GoString and slog forms hide AccessToken and RefreshToken.
type Token struct {
	AccessToken  string `json:"access_token"`
	ExpiresIn    int64  `json:"expires_in"` // seconds (7200)
	RefreshToken string `json:"refresh_token"`
	OpenID       string `json:"openid"`
	Scope        string `json:"scope"`
	// IsSnapshotUser is 1 for the virtual account of the snapshot-page mode
	// (快照页模式虚拟账号), absent otherwise.
	IsSnapshotUser int `json:"is_snapshotuser,omitempty"`
	// UnionID is returned for snsapi_userinfo when the account is bound
	// to an Open Platform account.
	UnionID string `json:"unionid,omitempty"`
	// Expiry is when AccessToken stops working: the time the request was
	// sent plus ExpiresIn. It is computed locally.
	Expiry time.Time `json:"expiry,omitzero"`
}

// Expired reports whether the access token is expired at now, or will be
// within margin.
func (t *Token) Expired(now time.Time, margin time.Duration) bool {
	return t.Expiry.IsZero() || !now.Add(margin).Before(t.Expiry)
}

// String describes the token without its secrets.
func (t Token) String() string {
	return fmt.Sprintf("oauth.Token{AccessToken: %s, RefreshToken: %s, OpenID: %q, Scope: %q, UnionID: %q, Expiry: %s}",
		redacted(t.AccessToken), redacted(t.RefreshToken), t.OpenID, t.Scope, t.UnionID, t.Expiry.UTC().Format(time.RFC3339))
}

// GoString is String, so %#v hides the secrets too.
func (t Token) GoString() string { return t.String() }

// LogValue makes slog print the token without its secrets.
func (t Token) LogValue() slog.Value {
	return slog.GroupValue(slog.String("openid", t.OpenID), slog.String("scope", t.Scope),
		slog.String("unionid", t.UnionID), slog.Time("expiry", t.Expiry))
}

func redacted(s string) string {
	if s == "" {
		return `""`
	}
	return "<redacted>"
}

// HasScope reports whether the token was granted scope (WeChat may list
// several, comma-separated).
func (t *Token) HasScope(scope Scope) bool {
	for p := range strings.SplitSeq(t.Scope, ",") {
		if strings.TrimSpace(p) == string(scope) {
			return true
		}
	}
	return false
}

// Exchange trades the code of the authorization redirect for the user's
// token (通过code换取网页授权access_token):
// GET /sns/oauth2/access_token?appid&secret&code&grant_type=authorization_code.
// A code works once and for 5 minutes: a used code gives an *mp.APIError
// with [mp.CodeCodeUsed] (40163), an invalid one [mp.CodeInvalidCode]
// (40029), an expired one [mp.CodeOAuthCodeExpired] (42003).
func (s *Service) Exchange(ctx context.Context, code string) (*Token, error) {
	if code == "" {
		return nil, &mp.ValidationError{Op: "oauth.Exchange", Field: "code", Reason: "is required"}
	}
	if s.creds.AppSecret == "" {
		return nil, mp.ErrNoAppSecret
	}
	q := url.Values{
		"appid":      {s.creds.AppID},
		"secret":     {s.creds.AppSecret},
		"code":       {code},
		"grant_type": {"authorization_code"},
	}
	return s.tokenCall(ctx, "/sns/oauth2/access_token", q)
}

// Refresh renews a user's access token with the refresh token (刷新
// access_token): GET /sns/oauth2/refresh_token?appid&grant_type=refresh_token&refresh_token.
// A refresh token lasts 30 days; an expired one gives
// [mp.CodeRefreshTokenExpired] (42002), an invalid one
// [mp.CodeInvalidRefreshToken] (40030).
func (s *Service) Refresh(ctx context.Context, refreshToken string) (*Token, error) {
	if refreshToken == "" {
		return nil, &mp.ValidationError{Op: "oauth.Refresh", Field: "refresh_token", Reason: "is required"}
	}
	q := url.Values{
		"appid":         {s.creds.AppID},
		"grant_type":    {"refresh_token"},
		"refresh_token": {refreshToken},
	}
	return s.tokenCall(ctx, "/sns/oauth2/refresh_token", q)
}

func (s *Service) tokenCall(ctx context.Context, path string, q url.Values) (*Token, error) {
	start := s.now()
	var t Token
	if err := s.c.Do(ctx, &mp.Request{Method: "GET", Path: path, Query: q, NoToken: true}, &t); err != nil {
		return nil, err
	}
	if t.AccessToken == "" || t.OpenID == "" {
		return nil, &mp.DecodeError{Method: "GET", Path: path, Err: errors.New("answer without access_token or openid")}
	}
	t.Expiry = start.Add(time.Duration(t.ExpiresIn) * time.Second)
	return &t, nil
}

// ValidateToken checks a user's access token (检验授权凭证（access_token）
// 是否有效): GET /sns/auth?access_token&openid. It reports false with a nil
// error when WeChat says the token is invalid or expired or does not belong
// to openID, and an error when the check itself failed.
func (s *Service) ValidateToken(ctx context.Context, accessToken, openID string) (bool, error) {
	const op = "oauth.ValidateToken"
	if accessToken == "" {
		return false, &mp.ValidationError{Op: op, Field: "access_token", Reason: "is required"}
	}
	if openID == "" {
		return false, &mp.ValidationError{Op: op, Field: "openid", Reason: "is required"}
	}
	q := url.Values{"access_token": {accessToken}, "openid": {openID}}
	err := s.c.Do(ctx, &mp.Request{Method: "GET", Path: "/sns/auth", Query: q, NoToken: true}, nil)
	switch {
	case err == nil:
		return true, nil
	case mp.IsCode(err, mp.CodeInvalidCredential, mp.CodeInvalidOpenID, mp.CodeInvalidAccessToken,
		mp.CodeAccessTokenExpired, mp.CodeMissingAccessToken):
		return false, nil
	default:
		return false, err
	}
}
