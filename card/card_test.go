package card_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/card"
	"github.com/wxkit/mp/internal/mptest"
)

func validBase() card.BaseInfo {
	return card.BaseInfo{LogoURL: "http://mmbiz.qpic.cn/logo.jpg", CodeType: card.CodeText, BrandName: "豆子咖啡",
		Title: "满20减5", Color: "Color010", Notice: "出示核销", Description: "不可与其他优惠同享",
		DateInfo: card.DateInfo{Type: card.DateFixTerm, FixedTerm: 30}, SKU: card.SKU{Quantity: 100}}
}

func validCoupon() *card.Card {
	return &card.Card{CardType: card.KindCash, Cash: &card.Cash{Info: card.Info{BaseInfo: validBase()}, LeastCost: 2000, ReduceCost: 500}}
}

func TestCardValidation(t *testing.T) {
	t.Parallel()
	svc := noRequests(t)
	with := func(f func(c *card.Card)) *card.Card { c := validCoupon(); f(c); return c }
	base := func(f func(b *card.BaseInfo)) *card.Card { return with(func(c *card.Card) { f(&c.Cash.BaseInfo) }) }
	for name, tt := range map[string]struct {
		c     *card.Card
		field string
	}{
		"nil":              {nil, "card"},
		"no kind fields":   {&card.Card{CardType: card.KindCash}, "card"},
		"mismatched kind":  {with(func(c *card.Card) { c.CardType = card.KindGift }), "gift"},
		"unknown kind":     {with(func(c *card.Card) { c.CardType = "NOPE" }), "card_type"},
		"missing type":     {with(func(c *card.Card) { c.CardType = "" }), "card_type"},
		"no logo":          {base(func(b *card.BaseInfo) { b.LogoURL = "" }), "cash.base_info.logo_url"},
		"bad code type":    {base(func(b *card.BaseInfo) { b.CodeType = "CODE_TYPE_X" }), "cash.base_info.code_type"},
		"brand 13 汉字":      {base(func(b *card.BaseInfo) { b.BrandName = strings.Repeat("豆", 13) }), "cash.base_info.brand_name"},
		"title 10 汉字":      {base(func(b *card.BaseInfo) { b.Title = strings.Repeat("券", 10) }), "cash.base_info.title"},
		"notice 17 汉字":     {base(func(b *card.BaseInfo) { b.Notice = strings.Repeat("示", 17) }), "cash.base_info.notice"},
		"description 1025": {base(func(b *card.BaseInfo) { b.Description = strings.Repeat("说", 1025) }), "cash.base_info.description"},
		"no description":   {base(func(b *card.BaseInfo) { b.Description = "" }), "cash.base_info.description"},
		"bad color":        {base(func(b *card.BaseInfo) { b.Color = "#ff0000" }), "cash.base_info.color"},
		"no date type":     {base(func(b *card.BaseInfo) { b.DateInfo = card.DateInfo{} }), "cash.base_info.date_info.type"},
		"range end < begin": {base(func(b *card.BaseInfo) {
			b.DateInfo = card.DateInfo{Type: card.DateFixTimeRange, BeginTimestamp: 20, EndTimestamp: 10}
		}), "cash.base_info.date_info.end_timestamp"},
		"range no begin":     {base(func(b *card.BaseInfo) { b.DateInfo = card.DateInfo{Type: card.DateFixTimeRange} }), "cash.base_info.date_info.begin_timestamp"},
		"term 0":             {base(func(b *card.BaseInfo) { b.DateInfo = card.DateInfo{Type: card.DateFixTerm} }), "cash.base_info.date_info.fixed_term"},
		"permanent coupon":   {base(func(b *card.BaseInfo) { b.DateInfo = card.DateInfo{Type: card.DatePermanent} }), "cash.base_info.date_info.type"},
		"stock over 1e8":     {base(func(b *card.BaseInfo) { b.SKU.Quantity = 100000001 }), "cash.base_info.sku.quantity"},
		"negative get_limit": {base(func(b *card.BaseInfo) { b.GetLimit = -1 }), "cash.base_info.get_limit"},
		"cash reduce 0":      {with(func(c *card.Card) { c.Cash.ReduceCost = 0 }), "cash.reduce_cost"},
		"discount 100": {&card.Card{CardType: card.KindDiscount, Discount: &card.Discount{Info: card.Info{BaseInfo: validBase()}, Discount: 100}},
			"discount.discount"},
		"groupon no detail": {&card.Card{CardType: card.KindGroupon, Groupon: &card.Groupon{Info: card.Info{BaseInfo: validBase()}}}, "groupon.deal_detail"},
		"gift no gift":      {&card.Card{CardType: card.KindGift, Gift: &card.Gift{Info: card.Info{BaseInfo: validBase()}}}, "gift.gift"},
		"general no detail": {&card.Card{CardType: card.KindGeneralCoupon, GeneralCoupon: &card.GeneralCoupon{Info: card.Info{BaseInfo: validBase()}}},
			"general_coupon.default_detail"},
		"member no prerogative": {&card.Card{CardType: card.KindMemberCard, MemberCard: &card.MemberCard{Info: card.Info{BaseInfo: validBase()}}},
			"member_card.prerogative"},
		"member two activations": {&card.Card{CardType: card.KindMemberCard, MemberCard: &card.MemberCard{Info: card.Info{BaseInfo: validBase()},
			Prerogative: "p", AutoActivate: true, WxActivate: true}}, "member_card.activate_url"},
		"member empty custom field": {&card.Card{CardType: card.KindMemberCard, MemberCard: &card.MemberCard{Info: card.Info{BaseInfo: validBase()},
			Prerogative: "p", CustomField2: &card.CustomField{}}}, "member_card.custom_field2"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := svc.Create(context.Background(), tt.c)
			mptest.RequireValidation(t, err, tt.field)
		})
	}
	// 12 汉字 is exactly the limit.
	b := validBase()
	b.BrandName = strings.Repeat("豆", 12)
	require.NoError(t, (&card.Card{CardType: card.KindCash, Cash: &card.Cash{Info: card.Info{BaseInfo: b}, ReduceCost: 1}}).Validate())
}

func TestRequestValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := noRequests(t)
	many := make([]string, 101)
	for i := range many {
		many[i] = "c"
	}
	for name, tt := range map[string]struct {
		field string
		call  func() error
	}{
		"get no id":         {"card_id", func() error { _, err := svc.Get(ctx, ""); return err }},
		"batchget count 51": {"count", func() error { _, err := svc.BatchGet(ctx, &card.BatchGetRequest{Count: 51}); return err }},
		"batchget count 0":  {"count", func() error { _, err := svc.BatchGet(ctx, &card.BatchGetRequest{}); return err }},
		"batchget offset":   {"offset", func() error { _, err := svc.BatchGet(ctx, &card.BatchGetRequest{Count: 1, Offset: -1}); return err }},
		"update kind": {"kind", func() error {
			_, err := svc.Update(ctx, &card.UpdateRequest{CardID: "p", Kind: "X", Fields: 1})
			return err
		}},
		"update empty": {"member_card", func() error {
			_, err := svc.Update(ctx, &card.UpdateRequest{CardID: "p", Kind: card.KindMemberCard})
			return err
		}},
		"delete":     {"card_id", func() error { return svc.Delete(ctx, "") }},
		"stock 0":    {"delta", func() error { return svc.ModifyStock(ctx, "p", 0) }},
		"stock huge": {"delta", func() error { return svc.ModifyStock(ctx, "p", 100000001) }},
		"qr no card": {"action_info.card.card_id", func() error { _, err := svc.CreateQRCode(ctx, card.SingleCardQR("", "", 0)); return err }},
		"qr expire":  {"expire_seconds", func() error { _, err := svc.CreateQRCode(ctx, card.SingleCardQR("p", "", 1801)); return err }},
		"qr outer_str": {"action_info.card.outer_str", func() error {
			_, err := svc.CreateQRCode(ctx, card.SingleCardQR("p", strings.Repeat("x", 129), 0))
			return err
		}},
		"qr six cards": {"action_info.multiple_card.card_list", func() error {
			cs := make([]card.QRCardInfo, 6)
			for i := range cs {
				cs[i].CardID = "p"
			}
			_, err := svc.CreateQRCode(ctx, card.MultipleCardQR(0, cs...))
			return err
		}},
		"qr action":     {"action_name", func() error { _, err := svc.CreateQRCode(ctx, &card.QRRequest{ActionName: "QR_X"}); return err }},
		"landing title": {"page_title", func() error { _, err := svc.CreateLandingPage(ctx, &card.LandingPageRequest{Banner: "b"}); return err }},
		"landing scene": {"scene", func() error {
			_, err := svc.CreateLandingPage(ctx, &card.LandingPageRequest{Banner: "b", PageTitle: "t", Scene: "X"})
			return err
		}},
		"whitelist none": {"openid", func() error { return svc.SetTestWhitelist(ctx, nil, nil) }},
		"whitelist 11":   {"openid", func() error { return svc.SetTestWhitelist(ctx, many[:11], nil) }},
		"code get":       {"code", func() error { _, err := svc.GetCode(ctx, "p", "", false); return err }},
		"consume":        {"code", func() error { _, err := svc.ConsumeCode(ctx, "p", ""); return err }},
		"decrypt":        {"encrypt_code", func() error { _, err := svc.DecryptCode(ctx, ""); return err }},
		"update code":    {"new_code", func() error { return svc.UpdateCode(ctx, "p", "c", "") }},
		"deposit 101":    {"code", func() error { _, err := svc.DepositCodes(ctx, "p", many); return err }},
		"deposit empty":  {"code[0]", func() error { _, err := svc.DepositCodes(ctx, "p", []string{""}); return err }},
		"checkcode none": {"code", func() error { _, err := svc.CheckCodes(ctx, "p", nil); return err }},
		"card list":      {"openid", func() error { _, err := svc.UserCardList(ctx, "", ""); return err }},
		"activate number": {"membership_number", func() error {
			return svc.Activate(ctx, &card.ActivateRequest{Code: "c", MembershipNumber: strings.Repeat("1", 21)})
		}},
		"form none":   {"required_form", func() error { return svc.SetActivateUserForm(ctx, &card.UserFormRequest{CardID: "p"}) }},
		"temp ticket": {"activate_ticket", func() error { _, err := svc.ActivateTempInfo(ctx, ""); return err }},
		"userinfo":    {"code", func() error { _, err := svc.MemberUserInfo(ctx, "p", ""); return err }},
		"updateuser both": {"add_bonus", func() error {
			_, err := svc.UpdateUser(ctx, &card.UpdateUserRequest{CardID: "p", Code: "c", Bonus: intp(1), AddBonus: 1})
			return err
		}},
		"updateuser negative balance": {"balance", func() error {
			_, err := svc.UpdateUser(ctx, &card.UpdateUserRequest{CardID: "p", Code: "c", Balance: intp(-1)})
			return err
		}},
		"stats 63 days":  {"end_date", func() error { _, err := svc.BizUinInfo(ctx, "2015-04-01", "2015-06-02", 0); return err }},
		"stats today":    {"end_date", func() error { _, err := svc.CardInfo(ctx, "2015-06-29", "2015-06-30", 0, ""); return err }},
		"stats reversed": {"end_date", func() error { _, err := svc.MemberCardInfo(ctx, "2015-06-10", "2015-06-01", 0); return err }},
		"stats format":   {"begin_date", func() error { _, err := svc.BizUinInfo(ctx, "2015/06/01", "2015-06-02", 0); return err }},
		"detail no card": {"card_id", func() error { _, err := svc.MemberCardDetail(ctx, "2015-06-01", "2015-06-02", ""); return err }},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			mptest.RequireValidation(t, tt.call(), tt.field)
		})
	}
}

func TestWindows(t *testing.T) {
	t.Parallel()
	var got [][2]string
	for w, err := range card.Windows("2015-01-01", "2015-04-15") {
		require.NoError(t, err)
		got = append(got, w)
	}
	assert.Equal(t, [][2]string{{"2015-01-01", "2015-03-03"}, {"2015-03-04", "2015-04-15"}}, got)
	for _, err := range card.Windows("x", "2015-01-01") {
		mptest.RequireValidation(t, err, "begin_date")
	}
	// 2015-01-01..2015-03-03 is exactly 62 days: one call accepts it.
	srv, svc := newService(t)
	srv.Reply("POST", "/datacube/getcardbizuininfo", "datacube_getcardbizuininfo.json", nil)
	_, err := svc.BizUinInfo(context.Background(), "2015-01-01", "2015-03-03", 0)
	require.NoError(t, err)
	n := 0
	for s, err := range svc.AllBizUinInfo(context.Background(), "2015-01-01", "2015-04-15", card.SourceAPI) {
		require.NoError(t, err)
		assert.Equal(t, "2015-06-23", s.RefDate)
		n++
	}
	assert.Equal(t, 2, n)

	srv2, svc2 := newService(t)
	calls := 0
	for _, p := range []struct{ path, fixture string }{
		{"/datacube/getcardcardinfo", "datacube_getcardcardinfo.json"},
		{"/datacube/getcardmembercardinfo", "datacube_getcardmembercardinfo.json"},
		{"/datacube/getcardmembercarddetail", "datacube_getcardmembercarddetail.json"},
	} {
		srv2.Reply("POST", p.path, p.fixture, func(testing.TB, *http.Request, []byte) { calls++ })
	}
	ctx := context.Background()
	for _, err := range svc2.AllCardInfo(ctx, "2015-01-01", "2015-04-15", 0, "") {
		require.NoError(t, err)
	}
	for _, err := range svc2.AllMemberCardInfo(ctx, "2015-01-01", "2015-04-15", 0) {
		require.NoError(t, err)
	}
	for _, err := range svc2.AllMemberCardDetail(ctx, "2015-01-01", "2015-04-15", "c") {
		require.NoError(t, err)
	}
	assert.Equal(t, 6, calls)
	for _, err := range svc2.AllMemberCardDetail(ctx, "2015-01-01", "2015-04-15", "") {
		mptest.RequireValidation(t, err, "card_id")
	}
}
