package card_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/card"
	"github.com/wxkit/mp/internal/simtest"
	"github.com/wxkit/mp/message"
	"github.com/wxkit/mp/sim"
)

// TestEndToEndPayCellAndCoins: the shop opens the 买单 cell of its member
// card; Alice pays through it and the bot, built on message alone, gets
// user_pay_from_pay_cell typed and thanks her; the payment shows in the
// card's detail statistics. The platform grants the shop 券点 and the bot
// gets card_pay_order typed.
func TestEndToEndPayCellAndCoins(t *testing.T) {
	t.Parallel()
	clock := &simClock{t: time.Now()}
	s, client := simtest.New(t, sim.Options{Clock: clock.now, SafeMode: true})
	ev := &events{}
	r := message.NewRouter()
	r.Event(message.EventUserPayFromPayCell, func(_ context.Context, m message.Message) (message.Reply, error) {
		ev.add(m)
		p := m.(*message.UserPayFromPayCell)
		return message.TextReply{Content: fmt.Sprintf("收到买单 ¥%s 分", p.Fee)}, nil
	})
	r.Event(message.EventCardPayOrder, func(_ context.Context, m message.Message) (message.Reply, error) {
		ev.add(m)
		return nil, nil
	})
	acct := s.Account()
	srv, err := message.NewServer(message.Config{AppID: acct.AppID, Token: acct.Token, EncodingAESKey: acct.EncodingAESKey}, r)
	require.NoError(t, err)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	s.SetCallbackURL(hs.URL)

	cards := card.New(client, card.WithClock(clock.now))
	ctx := context.Background()
	member, err := cards.Create(ctx, memberCard())
	require.NoError(t, err)
	s.WaitIdle()
	alice := s.NewUser("Alice")
	code, _, err := alice.ClaimCard(ctx, member, "")
	require.NoError(t, err)

	_, _, err = alice.PayFromPayCell(ctx, code, 1800, 2000)
	require.ErrorIs(t, err, sim.ErrPayCellClosed, "no 买单 before /card/paycell/set")
	require.NoError(t, cards.SetPayCell(ctx, member, true))
	trans, reply, err := alice.PayFromPayCell(ctx, code, 1800, 2000)
	require.NoError(t, err)
	require.NotNil(t, reply)
	assert.Equal(t, "收到买单 ¥1800 分", reply.Content)
	got := ev.find(message.EventUserPayFromPayCell)
	require.Len(t, got, 1)
	pay := got[0].(*message.UserPayFromPayCell)
	assert.Equal(t, alice.OpenID(), pay.FromUserName)
	assert.Equal(t, member, pay.CardID)
	assert.Equal(t, code, pay.UserCardCode)
	assert.Equal(t, trans, pay.TransID)
	assert.Equal(t, "1800", pay.Fee)
	assert.Equal(t, "2000", pay.OriginalFee)
	assert.Equal(t, "0", pay.LocationID)

	res, err := s.CardPayOrder(ctx, sim.CoinOrder{Type: sim.CoinOrderSysAdd, FreeCoins: 200})
	require.NoError(t, err)
	orders := ev.find(message.EventCardPayOrder)
	require.Len(t, orders, 1)
	o := orders[0].(*message.CardPayOrder)
	assert.Equal(t, res.OrderID, o.OrderID)
	assert.Equal(t, "ORDER_STATUS_FINANCE_SUCC", o.Status)
	assert.Equal(t, "ORDER_TYPE_SYS_ADD", o.OrderType)
	assert.Equal(t, "200", o.FreeCoinCount)
	assert.Equal(t, "200", o.RefundFreeCoinCount)
	assert.Equal(t, "0", o.PayCoinCount)
	assert.Equal(t, clock.now().Unix(), o.CreateOrderTime)
	assert.Zero(t, o.PayFinishTime)

	day := card.Day(clock.now())
	clock.add(24 * time.Hour)
	detail, err := cards.MemberCardDetail(ctx, day, day, member)
	require.NoError(t, err)
	require.Len(t, detail, 1)
	assert.Equal(t, 1800, detail[0].Fee)
	assert.Equal(t, 2000, detail[0].PayOriginalFee)
}
