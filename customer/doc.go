// Package customer covers WeChat's customer-service APIs for Official
// Accounts: 客服消息 (sending messages inside the 48-hour window), 客服输入状态
// (the "typing" indicator), 客服账号管理 (customer-service accounts),
// 会话控制 (session control) and 获取聊天记录 (chat records).
//
// Every call goes through the shared [mp.Client]: the access_token, retries,
// errcode decoding and redaction live there.
//
// # Sending messages (客服接口-发消息)
//
// Messages are typed values ([Text], [Image], [Voice], [Video], [Music],
// [News], [MPNews], [MPNewsArticle], [MsgMenu], [WXCard],
// [MiniProgramPage]) sent with one method:
//
//	svc := customer.New(client)
//	err := svc.Send(ctx, openID, customer.Text{Content: `Hi <a href="https://example.com">link</a>`},
//		customer.WithKFAccount("test1@kftest")) // optional: send as a named account
//	if customer.IsOutsideWindow(err) {
//		// 45015: the user has not interacted in the last 48 hours
//	}
//
// JSON bodies are sent without HTML escaping, so <a href> links in text
// reach WeChat as written. [Service.SendRaw] sends a body that is already
// encoded (the callback server uses it for late passive replies).
//
// # Accounts, sessions and records
//
// [Service.AddAccount], [Service.UpdateAccount], [Service.DeleteAccount],
// [Service.InviteWorker] and [Service.UploadAvatar] manage accounts of the
// form "prefix@wechatid"; [Service.ListAccounts] and
// [Service.ListOnlineAccounts] list them. [Service.CreateSession],
// [Service.CloseSession], [Service.GetSession], [Service.ListSessions] and
// [Service.ListWaitingSessions] control sessions. [Service.AllMsgRecords]
// walks a period's chat records page by page.
//
// Input that breaks a documented limit is refused with an
// [*mp.ValidationError] before anything is sent.
package customer
