// Package autoreply reads the automatic-reply rules an Official Account set
// on the Official Accounts Platform website (获取自动回复规则,
// GET /cgi-bin/get_current_autoreply_info): the reply on follow (关注后自动
// 回复), the default reply to messages (消息自动回复) and the keyword rules
// (关键词自动回复).
//
// It is its own package rather than a file of message (which parses pushes
// and stands on crypto alone, without the client) or menu (whose
// get_current_selfmenu_info is the same kind of read of website settings,
// but of another product): the rules are a read-only view of the account's
// platform-side configuration, used by third-party platforms to see what an
// account already answers before taking its messages over. Rules set by the
// developer's own server are not included.
//
//	rules, err := autoreply.New(client).Get(ctx)
//	if err != nil { ... }
//	for _, r := range rules.KeywordAutoreplyInfo.List {
//		fmt.Println(r.RuleName, r.ReplyMode)
//	}
package autoreply
