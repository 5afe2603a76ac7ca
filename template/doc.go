// Package template covers WeChat's notification channels for Official
// Accounts: 模板消息 (template messages, sent to followers in service
// scenarios), 订阅通知 (subscription notifications, sent after the user
// subscribed in a JS-SDK or Mini Program prompt) and 一次性订阅消息
// (one-time subscription messages: one message per authorization).
//
// Every call goes through the shared [mp.Client]: the access_token, retries,
// errcode decoding and redaction live there.
//
// # 一次性订阅消息
//
// A separate product with its own template and its own types (the OneTime*
// names), so that a 订阅通知 template cannot be used for it by mistake:
// [Service.OneTimeAuthURL] builds the authorization page, [ParseOneTimeAuthRequest]
// reads the user's answer off redirect_url (check Reserved against your CSRF
// value) and [Service.SendOneTime] sends the one message it allows
// (POST /cgi-bin/message/template/subscribe).
//
// # 模板消息
//
// [Service.Send] posts /cgi-bin/message/template/send and returns the msgid:
//
//	svc := template.New(client)
//	res, err := svc.Send(ctx, &template.Message{
//		ToUser:      openID,
//		TemplateID:  "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY",
//		URL:         "https://example.com/orders/42",
//		ClientMsgID: "order-42-shipped", // 防重入: makes retries safe
//		Data: template.Data{
//			"thing1":  {Value: "巧克力"},
//			"amount2": {Value: "39.8元"},
//		},
//	})
//
// A Message with a ClientMsgID is idempotent for WeChat (one message per
// openid + client_msg_id within 10 minutes), so the client retries it after
// a timeout or a 5xx; without one it is sent once.
//
// [Service.SetIndustry] and [Service.GetIndustry] manage the account's
// industries (设置所属行业); [Service.AddTemplate], [Service.ListTemplates]
// and [Service.DeleteTemplate] its private templates (选用/获取/删除模板).
// [ParseKeys] lists the keywords a template's content expects.
//
// # 订阅通知
//
// [Service.SendSubscribe] sends a subscription notification (bizsend);
// [Service.AddSubscribeTemplate], [Service.ListSubscribeTemplates],
// [Service.DeleteSubscribeTemplate], [Service.SubscribeCategories],
// [Service.PubTemplateTitles] (and the iterator
// [Service.AllPubTemplateTitles]) and [Service.PubTemplateKeywords] manage
// the templates under /wxaapi/newtmpl.
//
// Input that breaks a documented limit (two to five keywords, a 15-character
// scene description, 30 titles per page, the length rules of subscription
// values...) is refused with an [*mp.ValidationError] before anything is
// sent.
package template
