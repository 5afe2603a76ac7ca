package card_test

import (
	"context"
	"fmt"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/card"
	"github.com/wxkit/mp/sim"
)

// The documented worked example of the cardExt signature (附录4).
func ExampleSignCardExt() {
	ext := card.SignCardExt("ojZ8YtyVyr30HheH3CM73y7h4jJE", "pjZ8Yt1XGILfi-FUsewpnnolGgZk", 1404896688, "123",
		card.ExtOptions{Code: "1434008071"})
	fmt.Println(ext.Signature)
	fmt.Println(ext)
	// Output:
	// f137ab68b7f8112d20ee528ab6074564e2796250
	// {"code":"1434008071","timestamp":"1404896688","nonce_str":"123","signature":"f137ab68b7f8112d20ee528ab6074564e2796250"}
}

// A member card that earns points, against the local simulator: create it,
// let a follower claim it from its QR code, activate it and add points for
// a purchase.
func Example() {
	s := sim.New(sim.Options{})
	defer s.Close()
	acct := s.Account()
	client, _ := mp.New(mp.Config{AppID: acct.AppID, AppSecret: acct.AppSecret}, mp.WithHost(s.URL))
	cards := card.New(client)
	ctx := context.Background()

	id, err := cards.Create(ctx, &card.Card{CardType: card.KindMemberCard, MemberCard: &card.MemberCard{
		Info: card.Info{BaseInfo: card.BaseInfo{LogoURL: "http://mmbiz.qpic.cn/logo.jpg", CodeType: card.CodeText,
			BrandName: "豆子咖啡", Title: "会员卡", Color: "Color010", Notice: "出示会员卡", Description: "每消费1元积1分",
			DateInfo: card.DateInfo{Type: card.DatePermanent}, SKU: card.SKU{Quantity: 1000}}},
		Prerogative: "每消费1元积1分", SupplyBonus: true}})
	if err != nil {
		fmt.Println(err)
		return
	}
	s.WaitIdle() // the review (card_pass_check)
	qr, _ := cards.CreateQRCode(ctx, card.SingleCardQR(id, "poster", 0))
	alice := s.NewUser("Alice")
	codes, _ := alice.ClaimCardByQR(ctx, qr.Ticket) // no callback server here: the claim still happens
	_ = cards.Activate(ctx, &card.ActivateRequest{CardID: id, Code: codes[0], MembershipNumber: "BEAN-0001"})
	res, _ := cards.UpdateUser(ctx, &card.UpdateUserRequest{CardID: id, Code: codes[0], AddBonus: 18, RecordBonus: "消费¥18.00"})
	fmt.Println(res.ResultBonus, alice.Wallet()[0].Bonus)
	// Output: 18 18
}
