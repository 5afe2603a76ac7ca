// Package component is the WeChat third-party platform (第三方平台, 代公众号实现业务):
// a platform that official accounts authorize to call the API on their
// behalf.
//
// A [Platform] receives the component_verify_ticket push (验证票据) and the
// authorization events (授权变更通知: authorized, updateauthorized,
// unauthorized) with [Platform.PushHandler]; keeps the
// component_access_token (令牌) through the token machinery; creates
// pre_auth_code (预授权码) and the authorization URLs (授权链接); exchanges the
// authorization code (使用授权码获取授权信息, api_query_auth) and saves each
// account's authorizer_refresh_token in a [RefreshTokenStore] before anything
// else uses it. [Platform.Client] then returns an ordinary *mp.Client for an
// authorized account, whose access_token is the authorizer_access_token
// (获取/刷新授权方接口调用令牌): every family (user, menu, customer, jssdk…)
// works on it unchanged.
//
// Messages and events of every authorized account arrive at one callback URL
// with the account's AppID in the path; [NewCallbackServer] routes them to a
// message.Handler, and [AuthorizerAppID] tells the handler which account a
// message belongs to.
//
//	st := redisstore.New(rdb, "wx_component_appid") // component/redisstore
//	p, err := component.New(component.Config{AppID: "wx_component_appid", AppSecret: "…", Token: "…", EncodingAESKey: "…"},
//		component.WithTicketStore(st), component.WithRefreshTokenStore(st),
//		component.WithTokenStore(tokenredis.New(rdb)), // token/redisstore
//		component.WithPushDedupStore(msgredis.NewDedupStore(rdb, ""))) // message/redisstore
//	http.Handle("/wechat/ticket", p.PushHandler())
//	acct, err := p.Client("wx_authorizer_appid")
//	info, err := user.New(acct).Info(ctx, openid, user.LangZhCN)
//
// Replays: PushHandler refuses a push whose timestamp is more than
// [WithPushTimestampWindow] (default 5 minutes, message.Server's rule) from
// the clock; records each push's msg_signature in a dedup store
// ([WithPushDedupStore]) before handling it, so a push already handled or
// being handled (a replay, or WeChat's retry) is answered "success" without
// being handled again, and a push whose handling failed is forgotten so
// that WeChat's retry runs it; and keeps the newest component_verify_ticket
// when an older one arrives late ([NewestTicketStore]). A platform running
// as several instances shares both: message/redisstore.DedupStore and
// component/redisstore.Store make a push replayed to another instance, or
// reaching two at once, handled once, and an older ticket reaching one
// instance after a newer one reached another leaves the newer one stored.
//
// Tokens: the component_access_token and every authorizer_access_token are
// token.Sources sharing WithTokenStore, so N processes fetch each once per
// expiry; authorizer tokens expire a random 0-10 minutes early
// ([WithRefreshJitter]) so that accounts authorized together do not refresh
// together. A revoked authorization (61003, 61023, or no stored refresh
// token) fails with [ErrNotAuthorized] and is not asked again for a minute
// unless a new refresh token is stored.
package component
