package mp

import (
	"context"
	"net/url"
	"time"

	"github.com/wxkit/mp/token"
)

// accessTokenFetcher fetches the access_token with the AppSecret.
type accessTokenFetcher struct {
	c       *Client
	classic bool
}

type tokenResponse struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
}

type stableTokenRequest struct {
	GrantType    string `json:"grant_type"`
	AppID        string `json:"appid"`
	Secret       string `json:"secret"`
	ForceRefresh bool   `json:"force_refresh,omitempty"`
}

// Fetch calls 获取稳定版接口调用凭据 POST /cgi-bin/stable_token (force_refresh
// when force) or, with WithClassicToken, 获取Access token GET /cgi-bin/token.
func (f *accessTokenFetcher) Fetch(ctx context.Context, force bool) (token.Token, error) {
	c := f.c
	start := c.now()
	var resp tokenResponse
	var err error
	if f.classic {
		q := url.Values{"grant_type": {"client_credential"}, "appid": {c.cfg.AppID}, "secret": {c.cfg.AppSecret}}
		err = c.Do(ctx, &Request{Method: "GET", Path: "/cgi-bin/token", Query: q, NoToken: true}, &resp)
	} else {
		body := stableTokenRequest{GrantType: "client_credential", AppID: c.cfg.AppID, Secret: c.cfg.AppSecret, ForceRefresh: force}
		err = c.Do(ctx, &Request{Method: "POST", Path: "/cgi-bin/stable_token", Body: body, NoToken: true, Idempotent: !force}, &resp)
	}
	if err != nil {
		return token.Token{}, err
	}
	return token.Token{Value: resp.AccessToken, Expiry: start.Add(time.Duration(resp.ExpiresIn) * time.Second)}, nil
}
