// Package jssdk signs the JS-SDK configuration of web pages (JS-SDK说明,
// 附录1 JS-SDK使用权限签名算法) for an Official Account.
//
// A page that calls wx.config needs the account's AppID, a timestamp, a
// random nonceStr and a signature: the SHA1 of
//
//	jsapi_ticket=TICKET&noncestr=NONCE&timestamp=TIMESTAMP&url=URL
//
// (keys in ASCII order, raw values, the page URL without its #fragment).
// [Service.Config] builds that object; [Sign] is the pure signature
// function.
//
// The jsapi_ticket (获取jsapi_ticket, GET /cgi-bin/ticket/getticket?type=jsapi)
// lives 7200 seconds and its daily quota is small, so it is cached exactly
// like the access_token: through the client's credential machinery
// (mp.Client.CredentialSource "jsapi_ticket"), shared through the client's
// token store (Redis-capable), refreshed ahead of expiry in the background,
// and fetched once for any number of concurrent callers.
// [Service.InvalidateTicket] replaces a ticket WeChat rejected.
//
// Usage:
//
//	js := jssdk.New(client)
//	cfg, err := js.Config(ctx, "https://example.com/page?id=1", "updateAppMessageShareData", "scanQRCode")
//	// render cfg as JSON into the page: wx.config(<cfg>)
package jssdk
