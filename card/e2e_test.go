package card_test

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/card"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/internal/simtest"
	"github.com/wxkit/mp/message"
	"github.com/wxkit/mp/sim"
)

// events records the card pushes the bot received.
type events struct {
	mu   sync.Mutex
	list []message.Message
}

func (e *events) add(m message.Message) {
	e.mu.Lock()
	e.list = append(e.list, m)
	e.mu.Unlock()
}

func (e *events) find(event string) []message.Message {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []message.Message
	for _, m := range e.list {
		if m.MessageHeader().Event == event {
			out = append(out, m)
		}
	}
	return out
}

func startBot(t *testing.T, s *sim.Sim) *events {
	t.Helper()
	ev := &events{}
	r := message.NewRouter()
	for _, name := range []string{message.EventCardPassCheck, message.EventCardNotPassCheck, message.EventUserGetCard,
		message.EventUserConsumeCard, message.EventUpdateMemberCard, message.EventSubmitMembercardUserInfo,
		message.EventUserViewCard, message.EventUserGiftingCard, message.EventUserDelCard, message.EventUserEnterSessionFromCard} {
		r.Event(name, func(_ context.Context, m message.Message) (message.Reply, error) {
			ev.add(m)
			return nil, nil
		})
	}
	acct := s.Account()
	srv, err := message.NewServer(message.Config{AppID: acct.AppID, Token: acct.Token, EncodingAESKey: acct.EncodingAESKey}, r)
	require.NoError(t, err)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	s.SetCallbackURL(hs.URL)
	return ev
}

func memberCard() *card.Card {
	b := validBase()
	b.Title = "会员卡"
	b.DateInfo = card.DateInfo{Type: card.DatePermanent}
	return &card.Card{CardType: card.KindMemberCard, MemberCard: &card.MemberCard{Info: card.Info{BaseInfo: b},
		Prerogative: "每消费1元积1分", SupplyBonus: true, SupplyBalance: true, WxActivate: true,
		BonusRule: &card.BonusRule{CostMoneyUnit: 100, IncreaseBonus: 1}}}
}

// TestEndToEndMemberCard is the coffee-shop story against the simulator:
// the shop creates a member card and a coupon (both pass review), Alice
// claims the member card from its QR code and the coupon from a page, fills
// the activation form, the shop activates her and gives points for a
// purchase, and consumes her coupon at the counter. The bot sees every push
// typed.
func TestEndToEndMemberCard(t *testing.T) {
	t.Parallel()
	s, client := simtest.New(t, sim.Options{SafeMode: true})
	ev := startBot(t, s)
	cards := card.New(client)
	ctx := context.Background()

	memberID, err := cards.Create(ctx, memberCard())
	require.NoError(t, err)
	couponID, err := cards.Create(ctx, validCoupon())
	require.NoError(t, err)
	s.WaitIdle()
	require.Len(t, ev.find(message.EventCardPassCheck), 2)
	assert.True(t, ev.find(message.EventCardPassCheck)[0].(*message.CardCheck).Passed())

	got, err := cards.Get(ctx, memberID)
	require.NoError(t, err)
	assert.Equal(t, card.StatusVerifyOK, got.Base().Status)
	assert.Equal(t, "豆子咖啡", got.Base().BrandName)
	var ids []string
	for id, err := range cards.All(ctx) {
		require.NoError(t, err)
		ids = append(ids, id)
	}
	assert.Equal(t, []string{memberID, couponID}, ids)

	qr, err := cards.CreateQRCode(ctx, card.SingleCardQR(memberID, "counter-qr", 0))
	require.NoError(t, err)
	alice := s.NewUser("Alice")
	codes, err := alice.ClaimCardByQR(ctx, qr.Ticket)
	require.NoError(t, err)
	require.Len(t, codes, 1)
	code := codes[0]
	get := ev.find(message.EventUserGetCard)
	require.Len(t, get, 1)
	ug := get[0].(*message.UserGetCard)
	assert.Equal(t, "counter-qr", ug.OuterStr)
	assert.Equal(t, code, ug.UserCardCode)
	assert.Equal(t, alice.OpenID(), ug.FromUserName)

	_, err = alice.SubmitMemberCardForm(ctx, code, map[string]string{card.FieldMobile: "13800000000"})
	require.NoError(t, err)
	require.Len(t, ev.find(message.EventSubmitMembercardUserInfo), 1)
	require.NoError(t, cards.Activate(ctx, &card.ActivateRequest{CardID: memberID, Code: code, MembershipNumber: "BEAN-0001", InitBonus: 10}))
	res, err := cards.UpdateUser(ctx, &card.UpdateUserRequest{CardID: memberID, Code: code, AddBonus: 18, RecordBonus: "消费¥18.00"})
	require.NoError(t, err)
	assert.Equal(t, 28, res.ResultBonus)
	assert.Equal(t, alice.OpenID(), res.OpenID)
	s.WaitIdle()
	upd := ev.find(message.EventUpdateMemberCard)
	require.Len(t, upd, 1)
	assert.Equal(t, 18, upd[0].(*message.UpdateMemberCard).ModifyBonus)
	info, err := cards.MemberUserInfo(ctx, memberID, code)
	require.NoError(t, err)
	assert.Equal(t, 28, info.Bonus)
	assert.Equal(t, "BEAN-0001", info.MembershipNumber)
	assert.Equal(t, 28, alice.Wallet()[0].Bonus)

	// The coupon, claimed from a page with a signed cardExt.
	ext, err := cards.CardExt(ctx, couponID, card.ExtOptions{OuterStr: "h5"})
	require.NoError(t, err)
	tk, err := cards.APITicket(ctx)
	require.NoError(t, err)
	assert.Equal(t, card.Sign(tk, ext.Timestamp, couponID, ext.NonceStr), ext.Signature)
	ccode, _, err := alice.ClaimCard(ctx, couponID, ext.OuterStr)
	require.NoError(t, err)
	enc := alice.Wallet()[1].EncryptCode
	dec, err := cards.DecryptCode(ctx, enc)
	require.NoError(t, err)
	assert.Equal(t, ccode, dec)
	ci, err := cards.GetCode(ctx, "", ccode, true)
	require.NoError(t, err)
	assert.True(t, ci.CanConsume)
	cons, err := cards.ConsumeCode(ctx, couponID, ccode)
	require.NoError(t, err)
	assert.Equal(t, alice.OpenID(), cons.OpenID)
	s.WaitIdle()
	uc := ev.find(message.EventUserConsumeCard)
	require.Len(t, uc, 1)
	assert.Equal(t, "h5", uc[0].(*message.UserConsumeCard).OuterStr)
	_, err = cards.ConsumeCode(ctx, couponID, ccode)
	assertAPIError(t, err, 40099)
	_, err = cards.GetCode(ctx, "", "nope", false)
	assertAPIError(t, err, 40056)

	list, err := cards.UserCardList(ctx, alice.OpenID(), "")
	require.NoError(t, err)
	assert.Equal(t, []card.UserCard{{Code: code, CardID: memberID}}, list.CardList)
}

func assertAPIError(t *testing.T, err error, code int) {
	t.Helper()
	mptest.RequireAPIError(t, err, mp.ErrorCode(code))
}

// TestEndToEndEveryEndpoint calls every endpoint of the family against the
// simulator.
func TestEndToEndEveryEndpoint(t *testing.T) {
	t.Parallel()
	clock := &simClock{t: time.Now()}
	s, client := simtest.New(t, sim.Options{Clock: clock.now, SafeMode: true}) // the bot has a key, so it takes encrypted pushes only
	startBot(t, s)
	cards := card.New(client, card.WithClock(clock.now))
	ctx := context.Background()
	deposit := validCoupon()
	deposit.Cash.BaseInfo.UseCustomCode, deposit.Cash.BaseInfo.GetCustomCodeMode = true, "GET_CUSTOM_CODE_MODE_DEPOSIT"
	deposit.Cash.BaseInfo.SKU.Quantity = 0
	id, err := cards.Create(ctx, deposit)
	require.NoError(t, err)
	member, err := cards.Create(ctx, memberCard())
	require.NoError(t, err)
	s.WaitIdle()

	send, err := cards.Update(ctx, &card.UpdateRequest{CardID: id, Kind: card.KindCash, Fields: map[string]any{"base_info": map[string]any{"notice": "新提示"}}})
	require.NoError(t, err)
	assert.False(t, send)
	dep, err := cards.DepositCodes(ctx, id, []string{"C1", "C2"})
	require.NoError(t, err)
	assert.Equal(t, []string{"C1", "C2"}, dep.SuccCode)
	n, err := cards.DepositCount(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	chk, err := cards.CheckCodes(ctx, id, []string{"C1", "X"})
	require.NoError(t, err)
	assert.Equal(t, []string{"X"}, chk.NotExistCode)
	require.NoError(t, cards.ModifyStock(ctx, id, 2))
	require.NoError(t, cards.ModifyStock(ctx, id, -1))
	bob := s.NewUser("Bob")
	require.NoError(t, cards.SetTestWhitelist(ctx, []string{bob.OpenID()}, nil))
	qr, err := cards.CreateQRCode(ctx, card.MultipleCardQR(1800, card.QRCardInfo{CardID: id, OuterStr: "multi"}, card.QRCardInfo{CardID: member}))
	require.NoError(t, err)
	assert.Equal(t, 1800, qr.ExpireSeconds)
	codes, err := bob.ClaimCardByQR(ctx, qr.Ticket)
	require.NoError(t, err)
	require.Len(t, codes, 2)
	require.NoError(t, cards.UpdateCode(ctx, id, codes[0], "C9"))
	require.NoError(t, cards.MakeUnavailable(ctx, id, "C9", "refund"))
	_, err = cards.ConsumeCode(ctx, id, "C9")
	require.Error(t, err)

	page, err := cards.CreateLandingPage(ctx, &card.LandingPageRequest{Banner: "http://mmbiz.qpic.cn/b.jpg", PageTitle: "优惠", Scene: "SCENE_H5",
		CardList: []card.LandingPageCard{{CardID: id, ThumbURL: "http://x/t.jpg"}}})
	require.NoError(t, err)
	assert.NotZero(t, page.PageID)
	html, err := cards.MPNewsHTML(ctx, id)
	require.NoError(t, err)
	assert.Contains(t, html, id)
	require.NoError(t, cards.SetPayCell(ctx, id, true))
	require.NoError(t, cards.SetSelfConsumeCell(ctx, &card.SelfConsumeCell{CardID: id, IsOpen: true}))

	u, err := cards.ActivateURL(ctx, member, "x")
	require.NoError(t, err)
	assert.NotEmpty(t, u)
	require.NoError(t, cards.SetActivateUserForm(ctx, &card.UserFormRequest{CardID: member, RequiredForm: &card.Form{CommonFieldIDList: []string{card.FieldMobile}}}))
	ticket, err := bob.SubmitMemberCardForm(ctx, codes[1], map[string]string{card.FieldMobile: "139"})
	require.NoError(t, err)
	tmp, err := cards.ActivateTempInfo(ctx, ticket)
	require.NoError(t, err)
	assert.Equal(t, []card.FieldValue{{Name: card.FieldMobile, Value: "139"}}, tmp.CommonFieldList)
	_, err = cards.UpdateUser(ctx, &card.UpdateUserRequest{CardID: member, Code: codes[1], Balance: intp(500)})
	require.NoError(t, err)

	clock.add(48 * time.Hour)
	today := card.Day(clock.now())
	yesterday := card.Day(clock.now().AddDate(0, 0, -1))
	begin := card.Day(clock.now().AddDate(0, 0, -3))
	bi, err := cards.BizUinInfo(ctx, begin, yesterday, card.SourceAPI)
	require.NoError(t, err)
	total := 0
	for _, d := range bi {
		total += d.ReceiveCnt
	}
	assert.Equal(t, 2, total)
	_, err = cards.CardInfo(ctx, begin, yesterday, card.SourceAPI, id)
	require.NoError(t, err)
	_, err = cards.MemberCardInfo(ctx, begin, yesterday, card.SourceAPI)
	require.NoError(t, err)
	_, err = cards.MemberCardDetail(ctx, begin, yesterday, member)
	require.NoError(t, err)
	_, err = cards.BizUinInfo(ctx, begin, today, card.SourceAPI)
	require.Error(t, err) // refused before the call

	require.NoError(t, cards.Delete(ctx, id))
	_, err = cards.Get(ctx, id)
	require.Error(t, err)
}

type simClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *simClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *simClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}
