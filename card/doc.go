// Package card is 微信卡券 (coupons, vouchers and member cards) of the WeChat
// Official Account API: creating and managing cards (创建卡券, 查看卡券详情,
// 批量查询卡券列表, 更改卡券信息, 删除卡券, 修改库存), putting them in front of
// users (创建二维码, 创建货架, 图文消息群发卡券, 设置测试白名单), their codes
// (查询Code, 核销Code, Code解码, 更改Code, 设置卡券失效, 导入code), member
// cards (会员卡激活, 开卡组件, 拉取会员信息, 更新会员信息), card statistics
// (卡券数据统计) and the JS-SDK card signatures (卡券签名: wx.addCard cardExt,
// wx.chooseCard cardSign) with the wx_card api_ticket.
//
// The api_ticket goes through the client's credential machinery
// (mp.Client.CredentialSource): one fetch per expiry however many pages sign
// at once, shared through the client's store (memory or Redis).
//
//	cards := card.New(client)
//	id, err := cards.Create(ctx, &card.Card{CardType: card.KindMemberCard, MemberCard: &card.MemberCard{...}})
//	qr, err := cards.CreateQRCode(ctx, card.SingleCardQR(id, "poster-1", 0))
//	res, err := cards.UpdateUser(ctx, &card.UpdateUserRequest{CardID: id, Code: code, AddBonus: 18, RecordBonus: "消费¥18.00"})
//
// Card pushes (card_pass_check, user_get_card, user_consume_card,
// update_member_card, …) are typed in package message.
//
// Input that breaks a documented limit (a brand_name over 36 bytes, a title
// over 27, a stock over 100000000, a statistics window over 62 days) is
// refused with *mp.ValidationError naming the field before anything is sent.
package card
