package message_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/message"
)

func cardEvent(to, from string, ct int64, event string) message.Header {
	return message.Header{ToUserName: to, FromUserName: from, CreateTime: ct, MsgType: message.MsgTypeEvent, Event: event}
}

// TestParseCardEvents decodes the official sample of every card push
// (微信卡券 事件推送) to its typed event.
func TestParseCardEvents(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]message.Message{
		"event_card_card_pass_check.xml": &message.CardCheck{Header: cardEvent("toUser", "FromUser", 123456789, message.EventCardPassCheck), CardID: "cardid"},
		"event_card_card_not_pass_check.xml": &message.CardCheck{Header: cardEvent("toUser", "FromUser", 123456789, message.EventCardNotPassCheck),
			CardID: "cardid", RefuseReason: "非法代制"},
		"event_card_user_get_card.xml": &message.UserGetCard{Header: cardEvent("gh_fc0a06a20993", "oZI8Fj040-be6rlDohc6gkoPOQTQ", 1472551036, message.EventUserGetCard),
			CardID: "pZI8Fjwsy5fVPRBeD78J4RmqVvBc", UserCardCode: "226009850808", OuterStr: "12b", UnionID: "o6_bmasdasdsad6_2sgVt7hMZOPfL"},
		"event_card_user_gifting_card.xml": &message.UserGiftingCard{Header: cardEvent("gh_3fcea188bf78", "obLatjjwDolFjRRd3doGIdwNqRXw", 1474181868, message.EventUserGiftingCard),
			CardID: "pbLatjhU-3pik3d4PsbVzvBxZvJc", UserCardCode: "297466945104", FriendUserName: "obLatjlNerkb62HtSdQUx66C4NTU"},
		"event_card_user_del_card.xml": &message.UserDelCard{Header: cardEvent("toUser", "FromUser", 123456789, message.EventUserDelCard),
			CardID: "cardid", UserCardCode: "12312312"},
		"event_card_user_consume_card.xml": &message.UserConsumeCard{Header: cardEvent("gh_fc0a06a20993", "oZI8Fj040-be6rlDohc6gkoPOQTQ", 1472549042, message.EventUserConsumeCard),
			CardID: "pZI8Fj8y-E8hpvho2d1ZvpGwQBvA", UserCardCode: "452998530302", ConsumeSource: "FROM_API",
			StaffOpenID: "oZ********nJ3bPJu_Rtjkw4c", OuterStr: "xxxxx"},
		"event_card_user_pay_from_pay_cell.xml": &message.UserPayFromPayCell{Header: cardEvent("gh_e2243xxxxxxx", "oo2VNuOUuZGMxxxxxxxx", 1442390947, message.EventUserPayFromPayCell),
			CardID: "po2VNuCuRo-8sxxxxxxxxxxx", UserCardCode: "38050000000", TransID: "10022403432015000000000",
			LocationID: "291710000", Fee: "10000", OriginalFee: "10000"},
		"event_card_user_view_card.xml": &message.UserViewCard{Header: cardEvent("toUser", "FromUser", 123456789, message.EventUserViewCard),
			CardID: "cardid", UserCardCode: "12312312", OuterStr: "12b"},
		"event_card_user_enter_session_from_card.xml": &message.UserEnterSessionFromCard{Header: cardEvent("toUser", "FromUser", 123456789, message.EventUserEnterSessionFromCard),
			CardID: "cardid", UserCardCode: "12312312"},
		"event_card_update_member_card.xml": &message.UpdateMemberCard{Header: cardEvent("gh_9e1765b5568e", "ojZ8YtyVyr30HheH3CM73y7h4jJE", 1445507140, message.EventUpdateMemberCard),
			CardID: "pjZ8Ytx-nwvpCRyQneH3Ncmh6N94", UserCardCode: "485027611252", ModifyBonus: 3},
		"event_card_card_sku_remind.xml": &message.CardSkuRemind{Header: cardEvent("gh_2d62d*****0", "oa3LFuBvWb7*********", 1443838506, message.EventCardSkuRemind),
			CardID: "pa3LFuAh2P65**********", Detail: "the card's quantity is equal to 0"},
		"event_card_card_pay_order.xml": &message.CardPayOrder{Header: cardEvent("gh_7223c83d4be5", "ob5E7s-HoN9tslQY3-0I4qmgluHk", 1453295737, message.EventCardPayOrder),
			OrderID: "404091456", Status: "ORDER_STATUS_FINANCE_SUCC", CreateOrderTime: 1453295737, FreeCoinCount: "200",
			PayCoinCount: "0", RefundFreeCoinCount: "0", RefundPayCoinCount: "0", OrderType: "ORDER_TYPE_SYS_ADD", Memo: "开通账户奖励"},
		"event_card_submit_membercard_user_info.xml": &message.SubmitMembercardUserInfo{Header: cardEvent("gh_3fcea188bf78", "obLatjlaNQKb8FqOvt1M1x1lIBFE", 1432668700, message.EventSubmitMembercardUserInfo),
			CardID: "pbLatjtZ7v1BG_ZnTjbW85GYc_E8", UserCardCode: "018255396048"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := message.Parse(readFixture(t, name))
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
}

func TestCardCheckPassed(t *testing.T) {
	t.Parallel()
	m, err := message.Parse(readFixture(t, "event_card_card_pass_check.xml"))
	require.NoError(t, err)
	assert.True(t, m.(*message.CardCheck).Passed())
	m, err = message.Parse(readFixture(t, "event_card_card_not_pass_check.xml"))
	require.NoError(t, err)
	assert.False(t, m.(*message.CardCheck).Passed())
}

func TestParseCardEventBadNumber(t *testing.T) {
	t.Parallel()
	_, err := message.Parse([]byte(`<xml><MsgType>event</MsgType><Event>update_member_card</Event><ModifyBonus>x</ModifyBonus></xml>`))
	require.ErrorIs(t, err, message.ErrMalformedMessage)
}
