// Package sim is a local WeChat Official Account platform simulator (公众号
// 平台模拟器): the HTTP API the SDK calls and simulated WeChat users who follow
// the account, send it messages and click its menu, pushing signed (and in
// safe mode encrypted) callbacks to the developer's server and recording
// everything they receive. It lets an Official Account backend run and be
// tested end to end on a laptop, with no public URL, no test account and no
// internet.
//
// It is built from the official documentation, independently of the SDK's
// own packages (it imports only the standard library and
// github.com/wxkit/mp/crypto), so it doubles as an independent check of the
// SDK.
//
// # The platform
//
// New starts a server on 127.0.0.1 (URL); every host the SDK talks to
// (api.weixin.qq.com, open.weixin.qq.com, mp.weixin.qq.com) is served at that
// one base URL, so an SDK client only needs mp.WithHost(s.URL). NewHandler
// gives the same simulator as an http.Handler for programs that serve it
// themselves. The account uses the well-known development credentials
// (DefaultAppID, DefaultAppSecret, DefaultToken, DefaultEncodingAESKey,
// DefaultOriginalID) unless Options say otherwise; Account returns them.
//
// Simulated APIs, with WeChat's paths, JSON fields and errcodes:
//
//   - 接口调用凭据: /cgi-bin/token, /cgi-bin/stable_token, clear_quota; the
//     JS-SDK ticket (ticket/getticket).
//   - 用户管理: user/info, info/batchget, user/get, info/updateremark, tags,
//     tag members, blacklist.
//   - 二维码: qrcode/create, showqrcode (a PNG), shorten/gen, shorten/fetch.
//   - 自定义菜单: menu/create (validated as WeChat does), get,
//     get_current_selfmenu_info, delete, addconditional, delconditional,
//     trymatch.
//   - 客服消息 / 客服管理: message/custom/send (every msgtype, 48-hour window),
//     custom/typing, getkflist, getonlinekflist, kfaccount/* (add, update,
//     del, inviteworker, uploadheadimg), kfsession/* (a waiting queue fed by
//     transfer_customer_service replies, sessions with the kf_*_session
//     events) and msgrecord/getmsglist (the chat record); see kfsession.go.
//   - 订阅通知: wxaapi/newtmpl/* (a small public library) and
//     message/subscribe/bizsend, delivered only to followers who accepted
//     the template (Follower.AnswerSubscribePopup); media/get/jssdk.
//   - 模板消息: template/send (with the TEMPLATESENDJOBFINISH event),
//     get_all_private_template, api_set_industry, get_industry,
//     del_private_template, api_add_template. The template
//     DefaultTemplateID exists from the start.
//   - 素材管理 / 草稿箱 / 发布能力: media/upload, media/get, media/uploadimg,
//     material/*, draft/*, freepublish/* (with PUBLISHJOBFINISH).
//   - 群发: message/mass/sendall, send, preview, get, delete, speed (with
//     MASSSENDJOBFINISH); a clientmsgid used in the last 24 hours refuses
//     the send with 45065 and the existing msg_id.
//   - 网页授权: /connect/oauth2/authorize and /connect/qrconnect (HTML pages
//     with a user picker and a consent form whose buttons are #allow and
//     #deny), /sns/oauth2/access_token, refresh_token, /sns/userinfo,
//     /sns/auth.
//   - 基础接口 / openApi管理: getcallbackip and get_api_domain_ip (loopback
//     addresses), callback/check (resolves and connects to the callback
//     URL), openapi/quota/get and quota/clear (the calls counted today),
//     clear_quota and clear_quota/v2 (10 resets a month, then 48006),
//     openapi/rid/get (the failed calls it answered).
//   - 数据统计: the /datacube/ reports of 用户分析, 消息分析, 接口分析 and the
//     four 发表内容 reports, computed from what happened in the simulator by
//     China date of Options.Clock: follows and unfollows (user_source from
//     the subscribe scene), messages followers sent (by type and hour),
//     pushes to the callback server (count, failures, time), comments, and
//     what readers did with published articles: Follower.ReadArticle (阅读,
//     by read source; non-followers read too), ShareArticle (分享) and
//     ReactToArticle (点赞, 在看, 收藏) feed getarticleread, getarticleshare,
//     getbizsummary and getarticletotaldetail (up to 30 days of running
//     totals from the publication). Spans and "end_date before today" are
//     checked (61500, 61501).
//   - 图文消息留言管理: comment/open, close, list, markelect, unmarkelect,
//     delete, reply/add, reply/delete on published articles; followers
//     comment with Follower.Comment (PublishArticle publishes as the
//     operator would).
//
// Every answer with an errcode other than 0 carries " rid: …" at the end of
// errmsg, as WeChat's do.
//
// Options.Pay, if set, is mounted under /v3/ (see sim/paysim).
//
// Tokens: GET /cgi-bin/token issues a new token on every call and keeps the
// previous one valid for 5 minutes (Options.TokenGrace), as documented;
// stable_token returns the current token while valid and force_refresh
// replaces it at once. InvalidateTokens makes the next calls answer 40001;
// Options.Clock moves time (42001 once expired); Options.DailyQuota turns on
// 45009.
//
// # Several accounts and the third-party platform
//
// AddAccount makes one simulator host more Official Accounts at the same
// address; each is a *Sim of its own (followers, tokens, menu, callback),
// and API requests reach the account named by their appid or the one that
// issued their access_token. One third-party platform (第三方平台) serves
// them all: ConfigureComponent sets its authorization-event URL and its
// message URL ("$APPID$" is the account), PushComponentTicket pushes the
// component_verify_ticket, the authorization page
// (/cgi-bin/componentloginpage) lets the administrator of any hosted
// account (or the one named by biz_appid) authorize it, and
// /cgi-bin/component/* issues each account's authorizer tokens. While an
// account is authorized, its followers' pushes go to the platform's message
// URL, encrypted with the platform's key.
//
// # Followers
//
// NewUser creates a user with a deterministic openid and unionid. Follow,
// FollowViaQR, Scan, SendText, SendImage, SendVoice, SendLocation, SendLink,
// ClickMenu, ViewMenu and Unfollow build the XML of the official
// documentation and POST it to the callback URL
// (?signature=&timestamp=&nonce=&openid=, plus encrypt_type=aes and
// msg_signature in safe mode, with the <Encrypt> envelope), with a 5-second
// deadline and optional retries (Options.Retries, same MsgId). The passive
// reply is then checked as WeChat does: "" or "success" mean no reply;
// anything else must be a documented reply type addressed to the follower
// from the account's original ID, and in safe mode correctly signed and
// encrypted. A bad or late reply is returned as a *ReplyError and the
// follower receives ServiceUnavailableNotice, as in WeChat.
//
// Every follower records what it receives — passive replies,
// customer-service, template and mass messages — in its Inbox; WaitFor waits
// for asynchronous ones. Subscribe streams everything that happens (pushes,
// replies, deliveries, menu changes) for dashboards such as a browser chat
// UI; Menu returns the current menu.
//
// # What WeChat refuses
//
// Before its first push to a callback URL (and after every SetCallbackURL),
// the simulator performs WeChat's URL verification: a GET with signature,
// timestamp, nonce and echostr that must be answered with HTTP 200 and the
// echostr. A bot that fails it receives nothing; the follower action
// returns a *URLVerificationError (VerifyCallbackURL checks at once).
// Options.AccountType (service, the default, or subscription) and
// Options.Unverified decide which interfaces answer 48001 (接口权限) and the
// mass-sending limits (a subscription account once a day, 45028; a
// service account's follower four a month). Options.LinkedMiniPrograms lists
// the mini programs a template message or notification may open (40166
// otherwise). A news reply to a text, image, video, link or location
// message shows only its first article.
//
// # Testing a bot against the simulator
//
// A complete Go test of an Official Account backend built with the SDK (the
// backend is the developer's http.Handler, here served by httptest):
//
//	func TestBot(t *testing.T) {
//		s := sim.New(sim.Options{SafeMode: true})
//		defer s.Close()
//		acct := s.Account()
//
//		client, err := mp.New(mp.Config{AppID: acct.AppID, AppSecret: acct.AppSecret}, mp.WithHost(s.URL))
//		if err != nil {
//			t.Fatal(err)
//		}
//		bot := httptest.NewServer(newBot(client, acct.Token, acct.EncodingAESKey)) // your handler
//		defer bot.Close()
//		s.SetCallbackURL(bot.URL)
//
//		alice := s.NewUser("Alice")
//		if _, err := alice.Follow(ctx); err != nil {
//			t.Fatal(err) // a *sim.ReplyError if the bot answered badly
//		}
//		reply, err := alice.SendText(ctx, "hello")
//		if err != nil {
//			t.Fatal(err)
//		}
//		if reply.MsgType != "text" || reply.Content != "hi Alice" {
//			t.Fatalf("reply = %+v", reply)
//		}
//		// Replies sent later through 客服消息 land in the inbox too.
//		d, err := alice.WaitFor(ctx, func(d sim.Delivery) bool { return d.Kind == sim.DeliveryCustom })
//		if err != nil {
//			t.Fatal(err)
//		}
//		t.Log(d.Content)
//	}
//
// Limitations: QR code images are valid PNGs but
// not decodable QR codes; jobs (mass sends, publishing) finish at once and
// always succeed; a mass send without clientmsgid is never refused as a
// repeat (WeChat derives one from the audience and content); monthly
// mass-send quotas, customer-service sessions and
// message-count limits inside the 48-hour window are not simulated; the
// errmsg texts of errcodes the documentation does not spell out in English
// are approximations.
package sim
