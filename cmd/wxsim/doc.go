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
//
// --json prints the API's answers. Exit status: 0 ok, 1 failure (including
// a bot reply the platform rejects, "该公众号暂时无法提供服务"), 2 usage error.
//
// # Control API
//
// JSON over HTTP, for the chat page, the subcommands and scripts. {user} is a
// follower's openid or name.
//
//	GET  /sim/api/info                       base URL, AppID, original ID, callback URL, mchid
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
//	GET  /sim/api/events                     chat items [?user=&since=]; Server-Sent Events
//	                                         with Accept: text/event-stream
//	GET  /sim/api/callback, PUT {"url"}      the callback URL (服务器地址)
//	POST /sim/api/pay                        {prepay_id|code_url|out_trade_no, openid}
//
// An action answers 200 with the passive reply ("reply", null for none),
// 502 with "reply_error" and "notice" when the bot's answer was rejected,
// and {"error","code"} with 400, 404, 409 or 422 when the action itself is
// impossible (e.g. code "not_following"). Follow creates the user named
// {user} if there is none; a scene without a QR code gets one, as the
// account's operator would create it.
package main
