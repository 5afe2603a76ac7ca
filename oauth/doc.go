// Package oauth is the web authorization (网页授权) of WeChat Official
// Accounts, OAuth 2.0 for pages opened in WeChat, and the QR login of
// website applications (网站应用微信登录).
//
// # The API
//
//   - [Service.AuthCodeURL] builds the authorization link (用户同意授权，获取code)
//     for snsapi_base (静默授权, OpenID only) or snsapi_userinfo (the user
//     consents; nickname and avatar), with the parameters in the order
//     WeChat insists on and the #wechat_redirect suffix;
//     [Service.QRConnectURL] builds the snsapi_login QR link of a website
//     application.
//   - [Service.Exchange] trades the code for the user's token (通过code换取网页授权
//     access_token), [Service.Refresh] renews it (刷新access_token),
//     [Service.UserInfo] fetches the profile (拉取用户信息) and
//     [Service.ValidateToken] checks a token (检验授权凭证是否有效).
//
// These calls carry the user's token or the AppSecret, never the account's
// access_token. A used code answers *mp.APIError [mp.CodeCodeUsed] (40163),
// an invalid one [mp.CodeInvalidCode] (40029). [Token]'s String hides the
// access and refresh tokens.
//
// [New] uses the client's AppID and AppSecret; [NewWithCredentials] another
// application's (a website application for QR login).
//
// # The middleware
//
// [Middleware] logs visitors in for a net/http site. A visitor without a
// session is redirected to WeChat with a state that is HMAC-signed with the
// configured key, expires (10 minutes), works once ([StateStore]) and is
// bound to the browser by a cookie nonce; the state also seals the page to
// come back to, which can only be a same-origin path. The callback
// exchanges the code, stores the [User] and the tokens server side
// ([SessionStore]; in memory by default) and gives the browser an HttpOnly,
// SameSite=Lax cookie with a signed session id and nothing else. Handlers
// read the user with [UserFromContext]. Expired user tokens are refreshed
// with the refresh token on the way.
//
//	auth := oauth.New(client)
//	mw, err := auth.NewMiddleware(oauth.MiddlewareConfig{
//		RedirectURL: "https://example.com/auth/wechat/callback",
//		Scope:       oauth.ScopeUserInfo,
//		Key:         key, // 32+ random bytes, the same in every process
//		Secure:      true,
//	})
//	if err != nil { ... }
//	mux.Handle("/", mw.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
//		u, _ := oauth.UserFromContext(r.Context())
//		fmt.Fprintf(w, "Hello %s", u.OpenID)
//	})))
//
// Bad states answer 400 (malformed) or 403 (tampered, expired, replayed,
// from another browser, or refused by the user); see the Err* values.
package oauth
