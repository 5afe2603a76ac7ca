package component

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/token"
)

// FuncInfo is one permission set (权限集) granted to the platform.
type FuncInfo struct {
	FuncScopeCategory struct {
		ID int `json:"id"`
	} `json:"funcscope_category"`
}

// Authorization is the answer of api_query_auth (authorization_info). Its
// String, GoString, Format and LogValue hide both tokens.
type Authorization struct {
	AuthorizerAppID        string     `json:"authorizer_appid"`
	AuthorizerAccessToken  string     `json:"authorizer_access_token"`
	ExpiresIn              int64      `json:"expires_in"`
	AuthorizerRefreshToken string     `json:"authorizer_refresh_token"`
	FuncInfo               []FuncInfo `json:"func_info"`
}

// String describes the authorization without its tokens.
func (a Authorization) String() string {
	ids := make([]int, len(a.FuncInfo))
	for i, f := range a.FuncInfo {
		ids[i] = f.FuncScopeCategory.ID
	}
	return fmt.Sprintf("component.Authorization{AuthorizerAppID: %q, AuthorizerAccessToken: %s, ExpiresIn: %d, AuthorizerRefreshToken: %s, FuncInfo: %v}",
		a.AuthorizerAppID, redacted(a.AuthorizerAccessToken), a.ExpiresIn, redacted(a.AuthorizerRefreshToken), ids)
}

// GoString is String.
func (a Authorization) GoString() string { return a.String() }

// Format prints String for every verb.
func (a Authorization) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, a.String()) }

// LogValue is String for log/slog.
func (a Authorization) LogValue() slog.Value { return slog.StringValue(a.String()) }

// FuncScopes returns the granted permission set IDs.
func (a Authorization) FuncScopes() []int {
	ids := make([]int, len(a.FuncInfo))
	for i, f := range a.FuncInfo {
		ids[i] = f.FuncScopeCategory.ID
	}
	return ids
}

type queryAuthRequest struct {
	ComponentAppID    string `json:"component_appid"`
	AuthorizationCode string `json:"authorization_code"`
}

type queryAuthResponse struct {
	Info Authorization `json:"authorization_info"`
}

// QueryAuth calls 使用授权码获取授权信息 POST /cgi-bin/component/api_query_auth
// with the auth_code of the redirect (or AuthorizationCode of the authorized
// event). It saves the authorizer_refresh_token in the RefreshTokenStore
// BEFORE returning (an error from the store is returned, with the
// Authorization, so the caller can still keep the token), and caches the
// authorizer_access_token for [Platform.Client].
func (p *Platform) QueryAuth(ctx context.Context, authCode string) (*Authorization, error) {
	if authCode == "" {
		return nil, &mp.ValidationError{Op: "component.QueryAuth", Field: "authorization_code", Reason: "required"}
	}
	start := p.api.Now()
	var out queryAuthResponse
	if err := p.do(ctx, "/cgi-bin/component/api_query_auth", queryAuthRequest{p.cfg.AppID, authCode}, &out); err != nil {
		return nil, err
	}
	a := &out.Info
	if a.AuthorizerAppID == "" || a.AuthorizerRefreshToken == "" {
		return nil, fmt.Errorf("component: api_query_auth answered without authorizer_appid or authorizer_refresh_token")
	}
	if err := p.refresh.Put(ctx, a.AuthorizerAppID, a.AuthorizerRefreshToken); err != nil {
		return a, fmt.Errorf("component: saving the refresh token of %s: %w", a.AuthorizerAppID, err)
	}
	if a.AuthorizerAccessToken != "" && a.ExpiresIn > 0 {
		t := token.Token{Value: a.AuthorizerAccessToken, Expiry: p.jittered(start.Add(time.Duration(a.ExpiresIn) * time.Second))}
		if err := p.store.Save(ctx, p.authorizerKey(a.AuthorizerAppID), t); err != nil {
			p.logger.LogAttrs(ctx, slog.LevelWarn, "component: caching the authorizer token failed",
				slog.String("authorizer_appid", a.AuthorizerAppID), slog.String("error", err.Error()))
		}
	}
	return a, nil
}
