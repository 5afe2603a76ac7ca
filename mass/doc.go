// Package mass sends mass messages (群发) of an Official Account: to all
// followers or a tag, to a list of OpenIDs of any length, and previews; it
// queries and deletes sent messages and reads and sets the send speed.
//
// APIs, one method each on [Service]:
//
//   - 根据标签进行群发 POST /cgi-bin/message/mass/sendall: [Service.SendAll]
//   - 根据OpenID列表群发 POST /cgi-bin/message/mass/send: [Service.Send]
//     (any list length: split into calls of at most 10000 OpenIDs)
//   - 预览接口 POST /cgi-bin/message/mass/preview: [Service.Preview]
//   - 查询群发消息发送状态 POST /cgi-bin/message/mass/get: [Service.Status]
//   - 删除群发 POST /cgi-bin/message/mass/delete: [Service.Delete]
//   - 获取群发速度 POST /cgi-bin/message/mass/speed/get: [Service.Speed]
//   - 设置群发速度 POST /cgi-bin/message/mass/speed/set: [Service.SetSpeed]
//
// Messages are built with [MPNews] (图文), [Text], [Voice], [Images] (图片,
// with recommendation and comment settings), [MPVideo] and [Video] (视频)
// and [WxCard] (卡券). Media ids come from the material APIs (package
// media).
//
// # Idempotency
//
// Set ClientMsgID (clientmsgid) on a send to make it safe to repeat:
// WeChat refuses a second send with the same id within 24 hours (errcode
// 45065). Such sends are retried on timeouts and 5xx answers, and a 45065
// refusal is reported as SendResponse.Duplicate instead of an error (the
// shared client does not expose the msg_id WeChat includes in that answer,
// so Duplicate answers carry no ids). WeChat documents a 64-byte limit;
// keep ids short, as developers report 45067 (too long) already for ids
// of about 32 bytes.
//
// Usage:
//
//	svc := mass.New(client) // client is a *mp.Client
//	res, err := svc.Send(ctx, &mass.SendRequest{
//		ToUser:      openIDs, // any number
//		Message:     mass.MPNews(mediaID),
//		ClientMsgID: "newsletter-2024-06",
//	})
package mass
