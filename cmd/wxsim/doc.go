// Command wxsim runs a local WeChat Official Account platform (公众号平台模拟器)
// for developing bots without a public URL, a test account or the internet,
// the way "stripe listen --forward-to" does for webhooks.
//
//	go run ./cmd/wxsim --forward-to http://127.0.0.1:8080/wechat
//
// starts, on 127.0.0.1:8090 (--addr):
//
//   - the simulated platform API of package github.com/wxkit/mp/sim
//     (access_token, 自定义菜单, 客服消息, 模板消息, 群发, 网页授权 ...), so the
//     SDK's clients only need the base URL;
//   - the WeChat Pay APIv3 simulator of github.com/wxkit/mp/sim/paysim on the
//     same server (/v3/..., the /sim/pay checkout), with a merchant whose keys
//     are kept in --pay-dir and reused on restart;
//   - simulated followers who push their messages and events (消息推送) to the
//     bot's callback URL (--forward-to), encrypted in safe mode (安全模式,
//     the default; --plaintext turns it off), and check its passive replies as
//     WeChat does;
//   - a chat page at / that looks like a phone: pick or create a follower,
//     follow (optionally through a QR scene), send text, image and location
//     messages, tap the bot's menu (click buttons push CLICK events, view
//     buttons open their page, through the simulator's 网页授权 consent page
//     when it asks for one), and watch passive replies, 客服消息, 模板消息 and
//     群发 arrive live;
//   - a JSON control API under /sim/api/ that the page and the subcommands
//     use.
//
// On start it prints the credentials a bot needs as environment variable
// lines (WECHAT_APPID, WECHAT_APPSECRET, WECHAT_TOKEN, WECHAT_ENCODING_AES_KEY,
// WECHAT_BASE_URL, WECHATPAY_MCHID, WECHATPAY_APIV3_KEY, WECHATPAY_SERIAL,
// WECHATPAY_PRIVATE_KEY_FILE, WECHATPAY_PUBLIC_KEY_ID,
// WECHATPAY_PUBLIC_KEY_FILE). They are the simulator's public development
// credentials and a freshly generated test merchant, never real secrets.
// SIGINT or SIGTERM shuts it down gracefully.
//
// # Subcommands
//
// They talk to a running simulator (--sim, default $WXSIM_URL, else
// http://127.0.0.1:8090):
//
//	wxsim send --user Alice hello          text message; prints the passive reply
//	wxsim send --user Alice --image        image message
//	wxsim send --user Alice --location 39.9,116.4,Beijing
//	wxsim follow --user Alice [--scene 42] subscribe (via a QR scene, created if missing)
//	wxsim unfollow --user Alice
//	wxsim click --user Alice hello         CLICK event of a menu button
//	wxsim view --user Alice URL            VIEW event of a menu button
//	wxsim scan --user Alice 42             SCAN event (or subscribe when not following)
//	wxsim pay --prepay-id wx2024...        pay an order; the signed notification follows
//	wxsim menu                             the current menu
//	wxsim inbox --user Alice [-f]          the conversation (-f: keep following it)
//	wxsim users                            the simulated users
//	wxsim callback [URL | none]            the account's callback URL (服务器地址): print or set
//
// --json prints the API's answers. Exit status: 0 ok, 1 failure (including
// a bot reply the platform rejects, "该公众号暂时无法提供服务"), 2 usage error.
//
// # Several Official Accounts
//
// One simulator can host several Official Accounts at the same address, as
// a third-party platform or a company running a 服务号 and a 订阅号 sees them:
//
//	wxsim --accounts 3 --forward-to http://127.0.0.1:8080/wechat
//	wxsim --account wxshop0000000001:shopsecret --account wxcafe0000000001
//
// The first account is the one the other flags describe (--forward-to is its
// callback URL); the others get numbered credentials (AppID
// wx51a0de0000000002, original ID gh_51a0de000002, AppSecret 51a0de + 26
// digits ending in 2 ...; --account APPID[:SECRET] chooses them) and the
// same token, EncodingAESKey, safe mode, account type and reply timeout.
// The banner prints every account's credentials. Each account has its own
// followers, tokens, menu, callback URL and third-party-platform
// authorization; the platform API tells them apart by appid or by the
// access_token an account issued. WeChat Pay stays one for all.
//
// The subcommands act on the first account unless given --account APPID
// (or $WXSIM_ACCOUNT), before or after the subcommand:
//
//	wxsim callback --account wx51a0de0000000002 http://127.0.0.1:8081/wechat
//	wxsim --account wx51a0de0000000002 send --user Bob hello
//	wxsim component authorize --account wx51a0de0000000002
//
// The chat page shows an account list in its header (hidden with one
// account); the choice is kept in the URL (?account=APPID) and the browser.
//
// # Control API
//
// JSON over HTTP, for the chat page, the subcommands and scripts. {user} is a
// follower's openid or name. Every endpoint acts on the account named by the
// query parameter account=APPID, the first one when it is absent; an appid
// the simulator does not host answers 404 {"code":"unknown_account"}.
//
//	GET  /sim/api/info                       base URL, the selected account's AppID, original ID,
//	                                         callback URL; mchid; "accounts": every hosted account
//	                                         (appid, original_id, callback_url, component_authorized)
//	GET  /sim/api/followers                  the simulated users
//	POST /sim/api/followers                  {"name"}: the user of that name, created (201) if new
//	GET  /sim/api/followers/{user}           one user
//	POST /sim/api/followers/{user}/{action}  follow {scene|ticket}, unfollow, text {content},
//	                                         image {pic_url}, voice {recognition},
//	                                         location {lat,lng,scale,label},
//	                                         link {title,description,url}, click {key},
//	                                         view {url}, scan {scene|ticket}
//	GET  /sim/api/followers/{user}/inbox     the conversation [?since=SEQ]
//	GET  /sim/api/menu                       the current menu [?user=] as {"button":[...]}
//	GET  /sim/api/events                     the account's chat items [?user=&since=]; Server-Sent
//	                                         Events with Accept: text/event-stream
//	GET  /sim/api/callback, PUT {"url"}      the account's callback URL (服务器地址)
//	POST /sim/api/pay                        {prepay_id|code_url|out_trade_no, openid}
//
// An action answers 200 with the passive reply ("reply", null for none),
// 502 with "reply_error" and "notice" when the bot's answer was rejected,
// and {"error","code"} with 400, 404, 409 or 422 when the action itself is
// impossible (e.g. code "not_following"). Follow creates the user named
// {user} if there is none; a scene without a QR code gets one, as the
// account's operator would create it.
package main
