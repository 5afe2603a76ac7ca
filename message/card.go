package message

import "strconv"

// Card events (微信卡券 事件推送).
const (
	EventCardPassCheck            = "card_pass_check"
	EventCardNotPassCheck         = "card_not_pass_check"
	EventUserGetCard              = "user_get_card"
	EventUserGiftingCard          = "user_gifting_card"
	EventUserDelCard              = "user_del_card"
	EventUserConsumeCard          = "user_consume_card"
	EventUserPayFromPayCell       = "user_pay_from_pay_cell"
	EventUserViewCard             = "user_view_card"
	EventUserEnterSessionFromCard = "user_enter_session_from_card"
	EventUpdateMemberCard         = "update_member_card"
	EventCardSkuRemind            = "card_sku_remind"
	EventCardPayOrder             = "card_pay_order"
	EventSubmitMembercardUserInfo = "submit_membercard_user_info"
)

// CardCheck is the review result of a card (审核事件推送): card_pass_check or
// card_not_pass_check (Header.Event tells which).
type CardCheck struct {
	Header
	CardID       string
	RefuseReason string // card_not_pass_check only
}

// Passed reports whether the card passed review.
func (e *CardCheck) Passed() bool { return e.Event == EventCardPassCheck }

// UserGetCard reports that a user claimed a card (领取事件推送, user_get_card).
type UserGetCard struct {
	Header
	CardID              string
	IsGiveByFriend      int // 1: a friend gave it
	UserCardCode        string
	FriendUserName      string // the giver, when IsGiveByFriend
	OuterID             int
	OldUserCardCode     string // the giver's code
	OuterStr            string // outer_str of the QR code or cardExt
	IsRestoreMemberCard int
	IsRecommendByFriend int
	UnionID             string
}

// UserGiftingCard reports that a user gave a card to a friend (转赠事件推送).
type UserGiftingCard struct {
	Header
	CardID         string
	UserCardCode   string
	IsReturnBack   int
	FriendUserName string
	IsChatRoom     int
}

// UserDelCard reports that a user deleted a card (删除事件推送).
type UserDelCard struct {
	Header
	CardID       string
	UserCardCode string
}

// UserConsumeCard reports that a code was consumed (核销事件推送).
type UserConsumeCard struct {
	Header
	CardID       string
	UserCardCode string
	// ConsumeSource is FROM_API, FROM_MOBILE_HELPER or FROM_MP.
	ConsumeSource string
	LocationName  string
	StaffOpenID   string
	VerifyCode    string
	RemarkAmount  string
	OuterStr      string
}

// UserPayFromPayCell reports a payment through a card's pay cell (买单事件推送).
type UserPayFromPayCell struct {
	Header
	CardID       string
	UserCardCode string
	TransID      string
	LocationID   string
	Fee          string
	OriginalFee  string
}

// UserViewCard reports that a user opened a member card (进入会员卡事件推送).
type UserViewCard struct {
	Header
	CardID       string
	UserCardCode string
	OuterStr     string
}

// UserEnterSessionFromCard reports that a user entered the chat from a card
// (从卡券进入公众号会话事件推送).
type UserEnterSessionFromCard struct {
	Header
	CardID       string
	UserCardCode string
}

// UpdateMemberCard reports a change of a member's bonus or balance (会员卡内容更新事件).
type UpdateMemberCard struct {
	Header
	CardID        string
	UserCardCode  string
	ModifyBonus   int
	ModifyBalance int
}

// CardSkuRemind warns that a card's stock is low (库存报警事件).
type CardSkuRemind struct {
	Header
	CardID string
	Detail string
}

// CardPayOrder reports a 券点 order (券点流水详情事件).
type CardPayOrder struct {
	Header
	OrderID             string
	Status              string
	CreateOrderTime     int64
	PayFinishTime       int64
	Desc                string
	FreeCoinCount       string
	PayCoinCount        string
	RefundFreeCoinCount string
	RefundPayCoinCount  string
	OrderType           string
	Memo                string
	ReceiptInfo         string
}

// SubmitMembercardUserInfo reports that a user submitted the member-card
// activation form (会员卡激活事件推送).
type SubmitMembercardUserInfo struct {
	Header
	CardID       string
	UserCardCode string
}

func init() {
	check := func(r *numReader, h Header, _ string) Message {
		return &CardCheck{Header: h, CardID: r.fs.get("CardId"), RefuseReason: r.fs.get("RefuseReason")}
	}
	registerEvents(map[string]eventDecoder{
		EventCardPassCheck:    check,
		EventCardNotPassCheck: check,
		EventUserGetCard: func(r *numReader, h Header, _ string) Message {
			fs := r.fs
			return &UserGetCard{Header: h, CardID: fs.get("CardId"), IsGiveByFriend: r.int("IsGiveByFriend"),
				UserCardCode: fs.get("UserCardCode"), FriendUserName: fs.get("FriendUserName"), OuterID: r.int("OuterId"),
				OldUserCardCode: fs.get("OldUserCardCode"), OuterStr: fs.get("OuterStr"),
				IsRestoreMemberCard: r.int("IsRestoreMemberCard"), IsRecommendByFriend: r.int("IsRecommendByFriend"),
				UnionID: fs.get("UnionId")}
		},
		EventUserGiftingCard: func(r *numReader, h Header, _ string) Message {
			fs := r.fs
			return &UserGiftingCard{Header: h, CardID: fs.get("CardId"), UserCardCode: fs.get("UserCardCode"),
				IsReturnBack: r.int("IsReturnBack"), FriendUserName: fs.get("FriendUserName"), IsChatRoom: r.int("IsChatRoom")}
		},
		EventUserDelCard: func(r *numReader, h Header, _ string) Message {
			return &UserDelCard{Header: h, CardID: r.fs.get("CardId"), UserCardCode: r.fs.get("UserCardCode")}
		},
		EventUserConsumeCard: func(r *numReader, h Header, _ string) Message {
			fs := r.fs
			return &UserConsumeCard{Header: h, CardID: fs.get("CardId"), UserCardCode: fs.get("UserCardCode"),
				ConsumeSource: fs.get("ConsumeSource"), LocationName: fs.get("LocationName"), StaffOpenID: fs.get("StaffOpenId"),
				VerifyCode: fs.get("VerifyCode"), RemarkAmount: fs.get("RemarkAmount"), OuterStr: fs.get("OuterStr")}
		},
		EventUserPayFromPayCell: func(r *numReader, h Header, _ string) Message {
			fs := r.fs
			return &UserPayFromPayCell{Header: h, CardID: fs.get("CardId"), UserCardCode: fs.get("UserCardCode"),
				TransID: fs.get("TransId"), LocationID: fs.get("LocationId"), Fee: fs.get("Fee"), OriginalFee: fs.get("OriginalFee")}
		},
		EventUserViewCard: func(r *numReader, h Header, _ string) Message {
			return &UserViewCard{Header: h, CardID: r.fs.get("CardId"), UserCardCode: r.fs.get("UserCardCode"), OuterStr: r.fs.get("OuterStr")}
		},
		EventUserEnterSessionFromCard: func(r *numReader, h Header, _ string) Message {
			return &UserEnterSessionFromCard{Header: h, CardID: r.fs.get("CardId"), UserCardCode: r.fs.get("UserCardCode")}
		},
		EventUpdateMemberCard: func(r *numReader, h Header, _ string) Message {
			return &UpdateMemberCard{Header: h, CardID: r.fs.get("CardId"), UserCardCode: r.fs.get("UserCardCode"),
				ModifyBonus: r.int("ModifyBonus"), ModifyBalance: r.int("ModifyBalance")}
		},
		EventCardSkuRemind: func(r *numReader, h Header, _ string) Message {
			return &CardSkuRemind{Header: h, CardID: r.fs.get("CardId"), Detail: r.fs.get("Detail")}
		},
		EventCardPayOrder: func(r *numReader, h Header, _ string) Message {
			fs := r.fs
			return &CardPayOrder{Header: h, OrderID: fs.get("OrderId"), Status: fs.get("Status"),
				CreateOrderTime: r.int64("CreateOrderTime"), PayFinishTime: r.int64("PayFinishTime"), Desc: fs.get("Desc"),
				FreeCoinCount: fs.get("FreeCoinCount"), PayCoinCount: fs.get("PayCoinCount"),
				RefundFreeCoinCount: fs.get("RefundFreeCoinCount"), RefundPayCoinCount: fs.get("RefundPayCoinCount"),
				OrderType: fs.get("OrderType"), Memo: fs.get("Memo"), ReceiptInfo: fs.get("ReceiptInfo")}
		},
		EventSubmitMembercardUserInfo: func(r *numReader, h Header, _ string) Message {
			return &SubmitMembercardUserInfo{Header: h, CardID: r.fs.get("CardId"), UserCardCode: r.fs.get("UserCardCode")}
		},
	})
}

// dedupSuffix identifies the object of a card event for de-duplication.
func (e *CardCheck) dedupSuffix() string                { return e.CardID }
func (e *UserGetCard) dedupSuffix() string              { return e.CardID + ":" + e.UserCardCode }
func (e *UserGiftingCard) dedupSuffix() string          { return e.CardID + ":" + e.UserCardCode }
func (e *UserDelCard) dedupSuffix() string              { return e.CardID + ":" + e.UserCardCode }
func (e *UserConsumeCard) dedupSuffix() string          { return e.CardID + ":" + e.UserCardCode }
func (e *UserPayFromPayCell) dedupSuffix() string       { return e.TransID }
func (e *UserViewCard) dedupSuffix() string             { return e.CardID + ":" + e.UserCardCode }
func (e *UserEnterSessionFromCard) dedupSuffix() string { return e.CardID + ":" + e.UserCardCode }
func (e *UpdateMemberCard) dedupSuffix() string {
	return e.CardID + ":" + e.UserCardCode + ":" + strconv.Itoa(e.ModifyBonus) + ":" + strconv.Itoa(e.ModifyBalance)
}
func (e *CardSkuRemind) dedupSuffix() string            { return e.CardID }
func (e *CardPayOrder) dedupSuffix() string             { return e.OrderID }
func (e *SubmitMembercardUserInfo) dedupSuffix() string { return e.CardID + ":" + e.UserCardCode }
