// Command membercard is a coffee shop's member card and coupon (微信卡券 /
// 会员卡) run end to end against the built-in simulator (packages sim and
// sim/paysim, in process), with no WeChat account and no public URL:
//
//  1. the shop creates a member card that earns points and a ¥5-off coupon
//     (创建卡券); both pass review (card_pass_check);
//  2. it prints the claim QR codes (创建二维码投放卡券, outer_str tells which
//     poster brought each claim);
//  3. Alice scans the member card's code (user_get_card), fills the
//     activation form (submit_membercard_user_info) and the shop activates
//     her card with a membership number (接口激活);
//  4. Alice pays ¥18.00 with WeChat Pay (JSAPI); the payment notification
//     gives her one point per yuan through 更新会员信息 (updateuser), which
//     WeChat reports back with update_member_card;
//  5. Alice claims the coupon and the counter consumes it (查询Code,
//     核销Code → user_consume_card); consuming it twice is refused (40099).
//
// It prints each step and exits 0, or the failing step and exits 1.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/card"
	"github.com/wxkit/mp/message"
	"github.com/wxkit/mp/pay"
	"github.com/wxkit/mp/sim"
	"github.com/wxkit/mp/sim/paysim"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "membercard: FAILED:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, dst io.Writer) error {
	// The story and the shop's bot (on the callback server's goroutines)
	// print to the same writer.
	out := &lockedWriter{w: dst}
	say := func(format string, args ...any) { fmt.Fprintf(out, format+"\n", args...) }
	say("wxkit/mp membercard: a coffee shop's member card and coupon, against the built-in simulator")

	merchant, err := paysim.NewTestMerchant()
	if err != nil {
		return err
	}
	payPlatform, err := paysim.New(paysim.Options{Merchants: []paysim.Merchant{merchant.Merchant}, Mode: paysim.ModePublicKey,
		NotifyRetryDelays: []time.Duration{100 * time.Millisecond, 500 * time.Millisecond}})
	if err != nil {
		return err
	}
	defer func() { _ = payPlatform.Close() }()
	platform, err := sim.Start(sim.Options{Pay: payPlatform.Handler()})
	if err != nil {
		return err
	}
	defer platform.Close()
	acct := platform.Account()
	client, err := mp.New(mp.Config{AppID: acct.AppID, AppSecret: acct.AppSecret, Token: acct.Token}, mp.WithHost(platform.URL))
	if err != nil {
		return err
	}
	payClient, err := pay.NewClient(pay.Config{MchID: merchant.MchID, CertSerial: merchant.MerchantSerial,
		PrivateKey: merchant.PrivateKey, APIv3Key: merchant.APIv3Key},
		pay.WithBaseURL(platform.URL), pay.WithWechatPayPublicKey(payPlatform.PublicKeyID(), payPlatform.PublicKey()))
	if err != nil {
		return err
	}
	shop, err := newShop(client, payClient, acct, out)
	if err != nil {
		return err
	}
	defer shop.close()
	platform.SetCallbackURL(shop.url + "/wechat")
	cards := shop.cards

	say("\n1. the shop creates its member card and a coupon (创建卡券)")
	memberID, err := cards.Create(ctx, memberCard())
	if err != nil {
		return fmt.Errorf("creating the member card: %w", err)
	}
	couponID, err := cards.Create(ctx, coupon())
	if err != nil {
		return fmt.Errorf("creating the coupon: %w", err)
	}
	shop.memberCardID = memberID
	platform.WaitIdle() // the review result (card_pass_check) has reached the shop
	if n := shop.passed(); n != 2 {
		return fmt.Errorf("%d cards passed review, want 2", n)
	}

	say("\n2. claim QR codes (创建二维码投放卡券)")
	memberQR, err := cards.CreateQRCode(ctx, card.SingleCardQR(memberID, "counter-poster", 0))
	if err != nil {
		return err
	}
	couponQR, err := cards.CreateQRCode(ctx, card.SingleCardQR(couponID, "table-tent", 0))
	if err != nil {
		return err
	}
	say("   member card: %s", memberQR.ShowQRCodeURL)
	say("   coupon:      %s", couponQR.ShowQRCodeURL)

	say("\n3. Alice scans the member card's code, fills the form, and the shop activates her card")
	alice := platform.NewUser("Alice")
	codes, err := alice.ClaimCardByQR(ctx, memberQR.Ticket)
	if err != nil {
		return fmt.Errorf("claiming the member card: %w", err)
	}
	code := codes[0]
	if _, err := alice.SubmitMemberCardForm(ctx, code, map[string]string{card.FieldMobile: "13800000000"}); err != nil {
		return fmt.Errorf("the activation form: %w", err)
	}
	info, err := cards.MemberUserInfo(ctx, memberID, code)
	if err != nil {
		return err
	}
	if !info.HasActive {
		return errors.New("the member card is not active")
	}
	say("   %s is member %s with %d points", info.Nickname, info.MembershipNumber, info.Bonus)

	say("\n4. Alice pays ¥18.00 for a latte (JSAPI): the payment notification adds her points (更新会员信息)")
	order, err := payClient.CreateJSAPIOrder(ctx, &pay.OrderRequest{AppID: acct.AppID, Description: "拿铁 ×1", OutTradeNo: "LATTE-0001",
		NotifyURL: shop.url + "/pay/notify", Amount: pay.Amount{Total: 1800, Currency: "CNY"}, Payer: &pay.Payer{OpenID: alice.OpenID()}})
	if err != nil {
		return fmt.Errorf("pay: %w", err)
	}
	if _, err := payPlatform.Pay(ctx, merchant.MchID, order.PrepayID, alice.OpenID()); err != nil {
		return fmt.Errorf("pay: %w", err)
	}
	select {
	case bonus := <-shop.pointsAdded:
		say("   Alice's card now has %d points", bonus)
	case <-ctx.Done():
		return fmt.Errorf("no points after the payment: %w", ctx.Err())
	}
	platform.WaitIdle()
	w := alice.Wallet()
	say("   her card wallet shows: %s %s No.%s, %d points", w[0].BrandName, w[0].Title, w[0].MembershipNumber, w[0].Bonus)

	say("\n5. Alice claims the coupon; the counter checks and consumes it (核销Code)")
	ccodes, err := alice.ClaimCardByQR(ctx, couponQR.Ticket)
	if err != nil {
		return fmt.Errorf("claiming the coupon: %w", err)
	}
	ci, err := cards.GetCode(ctx, couponID, ccodes[0], true)
	if err != nil {
		return fmt.Errorf("checking the coupon: %w", err)
	}
	say("   code %s: %s, can_consume %t", ccodes[0], ci.UserCardStatus, ci.CanConsume)
	if _, err := cards.ConsumeCode(ctx, couponID, ccodes[0]); err != nil {
		return fmt.Errorf("consuming the coupon: %w", err)
	}
	platform.WaitIdle()
	_, err = cards.ConsumeCode(ctx, couponID, ccodes[0])
	var apiErr *mp.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 40099 {
		return fmt.Errorf("consuming the coupon twice: got %v, want errcode 40099", err)
	}
	say("   consuming it again is refused: errcode %d (%s)", apiErr.Code, "the code has been consumed")
	say("\nAll 5 steps passed.")
	return nil
}

func memberCard() *card.Card {
	return &card.Card{CardType: card.KindMemberCard, MemberCard: &card.MemberCard{
		Info: card.Info{BaseInfo: card.BaseInfo{LogoURL: "https://mmbiz.qpic.cn/bean-logo.png", CodeType: card.CodeQRCode,
			BrandName: "豆子咖啡", Title: "豆子会员卡", Color: "Color010", Notice: "结账时出示会员卡",
			Description: "每消费1元积1分，积分可抵现", DateInfo: card.DateInfo{Type: card.DatePermanent},
			SKU: card.SKU{Quantity: 10000}, GetLimit: 1}},
		Prerogative: "每消费1元积1分", WxActivate: true, SupplyBonus: true,
		BonusRule: &card.BonusRule{CostMoneyUnit: 100, IncreaseBonus: 1}}}
}

func coupon() *card.Card {
	return &card.Card{CardType: card.KindCash, Cash: &card.Cash{
		Info: card.Info{BaseInfo: card.BaseInfo{LogoURL: "https://mmbiz.qpic.cn/bean-logo.png", CodeType: card.CodeQRCode,
			BrandName: "豆子咖啡", Title: "满20减5元", Color: "Color020", Notice: "结账时出示此券",
			Description: "单笔满20元可用，不与其他优惠同享", DateInfo: card.DateInfo{Type: card.DateFixTerm, FixedTerm: 30},
			SKU: card.SKU{Quantity: 500}, GetLimit: 1}},
		LeastCost: 2000, ReduceCost: 500}}
}

// shop is the coffee shop's server: its callback (/wechat) and payment
// notification handler (/pay/notify). Everything here is what you would
// write; the maps stand in for a database.
type shop struct {
	cards        *card.Service
	srv          *httptest.Server
	url          string
	out          io.Writer
	memberCardID string
	pointsAdded  chan int

	mu      sync.Mutex
	checked int
	members map[string]string // openid -> member card code
	next    int
	paid    map[string]bool // transaction_id -> handled
}

// lockedWriter serializes writes from the story and the bot's handlers.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func newShop(client *mp.Client, payClient *pay.Client, acct sim.Account, out io.Writer) (*shop, error) {
	s := &shop{cards: card.New(client), out: out, pointsAdded: make(chan int, 1), members: map[string]string{}, paid: map[string]bool{}}
	r := message.NewRouter()
	r.Use(message.Recovery(nil))
	r.Event(message.EventCardPassCheck, func(_ context.Context, m message.Message) (message.Reply, error) {
		s.mu.Lock()
		s.checked++
		s.mu.Unlock()
		fmt.Fprintf(out, "   card_pass_check: %s passed review\n", m.(*message.CardCheck).CardID)
		return nil, nil
	})
	r.Event(message.EventUserGetCard, func(_ context.Context, m message.Message) (message.Reply, error) {
		e := m.(*message.UserGetCard)
		fmt.Fprintf(out, "   user_get_card: code %s via %q\n", e.UserCardCode, e.OuterStr)
		if e.CardID == s.memberCardID {
			s.mu.Lock()
			s.members[e.FromUserName] = e.UserCardCode
			s.mu.Unlock()
		}
		return nil, nil
	})
	r.Event(message.EventSubmitMembercardUserInfo, func(ctx context.Context, m message.Message) (message.Reply, error) {
		e := m.(*message.SubmitMembercardUserInfo)
		s.mu.Lock()
		s.next++
		number := "BEAN-" + strconv.Itoa(10000+s.next)
		s.mu.Unlock()
		fmt.Fprintf(out, "   submit_membercard_user_info: activating %s as %s\n", e.UserCardCode, number)
		err := s.cards.Activate(ctx, &card.ActivateRequest{CardID: e.CardID, Code: e.UserCardCode, MembershipNumber: number})
		return nil, err
	})
	r.Event(message.EventUpdateMemberCard, func(_ context.Context, m message.Message) (message.Reply, error) {
		e := m.(*message.UpdateMemberCard)
		fmt.Fprintf(out, "   update_member_card: %s bonus %+d, balance %+d\n", e.UserCardCode, e.ModifyBonus, e.ModifyBalance)
		return nil, nil
	})
	r.Event(message.EventUserConsumeCard, func(_ context.Context, m message.Message) (message.Reply, error) {
		e := m.(*message.UserConsumeCard)
		fmt.Fprintf(out, "   user_consume_card: %s consumed (%s)\n", e.UserCardCode, e.ConsumeSource)
		return nil, nil
	})
	callback, err := message.NewServer(message.Config{AppID: acct.AppID, Token: acct.Token}, r)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/wechat", callback)
	mux.Handle("/pay/notify", pay.NewNotifyHandler(payClient, s.onPaid))
	s.srv = httptest.NewServer(mux)
	s.url = s.srv.URL
	return s, nil
}

func (s *shop) close() { s.srv.Close() }

func (s *shop) passed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.checked
}

// onPaid gives the payer one point per yuan of each paid order, once per
// transaction.
func (s *shop) onPaid(ctx context.Context, n *pay.Notification) error {
	if n.EventType != pay.EventTransactionSuccess {
		return nil
	}
	tx, err := n.Transaction()
	if err != nil {
		return err
	}
	s.mu.Lock()
	code, member := "", false
	if tx.Payer != nil {
		code, member = s.members[tx.Payer.OpenID]
	}
	dup := s.paid[tx.TransactionID]
	s.paid[tx.TransactionID] = true
	s.mu.Unlock()
	if dup || !member || tx.Amount == nil {
		return nil
	}
	total := tx.Amount.Total
	res, err := s.cards.UpdateUser(ctx, &card.UpdateUserRequest{CardID: s.memberCardID, Code: code,
		AddBonus: int(total / 100), RecordBonus: fmt.Sprintf("消费¥%d.%02d", total/100, total%100),
		NotifyOptional: &card.NotifyOptional{IsNotifyBonus: true}})
	if err != nil {
		s.mu.Lock()
		delete(s.paid, tx.TransactionID) // let WeChat Pay retry
		s.mu.Unlock()
		return err
	}
	select {
	case s.pointsAdded <- res.ResultBonus:
	default:
	}
	return nil
}
