package sim

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func memberCardBody(title string) map[string]any {
	return map[string]any{"card": map[string]any{
		"card_type": "MEMBER_CARD",
		"member_card": map[string]any{
			"background_pic_url": "https://mmbiz.qpic.cn/bg.jpg",
			"base_info": map[string]any{
				"logo_url": "http://mmbiz.qpic.cn/logo.jpg", "brand_name": "豆子咖啡", "code_type": "CODE_TYPE_TEXT",
				"title": title, "color": "Color010", "notice": "使用时向服务员出示此券", "description": "不可与其他优惠同享",
				"date_info": map[string]any{"type": "DATE_TYPE_PERMANENT"}, "sku": map[string]any{"quantity": 2}, "get_limit": 1,
			},
			"supply_bonus": true, "supply_balance": true, "prerogative": "每消费1元积1分", "wx_activate": true,
		},
	}}
}

func couponBody(title string, quantity int) map[string]any {
	return map[string]any{"card": map[string]any{
		"card_type": "CASH",
		"cash": map[string]any{
			"base_info": map[string]any{
				"logo_url": "http://mmbiz.qpic.cn/logo.jpg", "brand_name": "豆子咖啡", "code_type": "CODE_TYPE_QRCODE",
				"title": title, "color": "Color020", "notice": "出示核销", "description": "满20减5",
				"date_info": map[string]any{"type": "DATE_TYPE_FIX_TERM", "fixed_term": 30, "fixed_begin_term": 0},
				"sku":       map[string]any{"quantity": quantity},
			},
			"least_cost": 2000, "reduce_cost": 500,
		},
	}}
}

func TestCardLifecycle(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	dev := newDevServer(t, s, nil)
	tok := token(t, s)
	out := api(t, s, tok, "POST", "/card/create", memberCardBody("会员卡"))
	require.Equal(t, 0, errcode(out), out)
	id := out["card_id"].(string)
	s.WaitIdle()
	p := dev.waitPush(func(p pushed) bool { return p.Msg["Event"] == "card_pass_check" })
	assert.Equal(t, id, p.Msg["CardId"])

	got := api(t, s, tok, "POST", "/card/get", map[string]any{"card_id": id})
	require.Equal(t, 0, errcode(got))
	base := got["card"].(map[string]any)["member_card"].(map[string]any)["base_info"].(map[string]any)
	assert.Equal(t, "CARD_STATUS_VERIFY_OK", base["status"])
	assert.Equal(t, "豆子咖啡", base["brand_name"])

	coupon := api(t, s, tok, "POST", "/card/create", couponBody("满20减5", 10))["card_id"].(string)
	list := api(t, s, tok, "POST", "/card/batchget", map[string]any{"offset": 0, "count": 1})
	assert.Equal(t, float64(2), list["total_num"])
	assert.Equal(t, []any{id}, list["card_id_list"])
	assert.Equal(t, 40097, errcode(api(t, s, tok, "POST", "/card/batchget", map[string]any{"offset": 0, "count": 51})))

	up := api(t, s, tok, "POST", "/card/update", map[string]any{"card_id": coupon, "cash": map[string]any{"base_info": map[string]any{"notice": "新的提示"}}})
	require.Equal(t, 0, errcode(up), up)
	assert.Equal(t, false, up["send_check"])
	up = api(t, s, tok, "POST", "/card/update", map[string]any{"card_id": coupon, "cash": map[string]any{"base_info": map[string]any{"title": "新标题"}}})
	assert.Equal(t, true, up["send_check"])
	assert.Equal(t, 45021, errcode(api(t, s, tok, "POST", "/card/update",
		map[string]any{"card_id": coupon, "cash": map[string]any{"base_info": map[string]any{"notice": "一二三四五六七八九十一二三四五六七"}}})))

	assert.Equal(t, 0, errcode(api(t, s, tok, "POST", "/card/modifystock", map[string]any{"card_id": coupon, "increase_stock_value": 5})))
	assert.Equal(t, 40122, errcode(api(t, s, tok, "POST", "/card/modifystock", map[string]any{"card_id": coupon, "reduce_stock_value": 100})))
	assert.Equal(t, 40073, errcode(api(t, s, tok, "POST", "/card/modifystock", map[string]any{"card_id": "nope", "increase_stock_value": 1})))

	for _, path := range []string{"/card/paycell/set", "/card/selfconsumecell/set"} {
		assert.Equal(t, 0, errcode(api(t, s, tok, "POST", path, map[string]any{"card_id": coupon, "is_open": true})), path)
		assert.Equal(t, 40073, errcode(api(t, s, tok, "POST", path, map[string]any{"card_id": "x", "is_open": true})), path)
	}
	html := api(t, s, tok, "POST", "/card/mpnews/gethtml", map[string]any{"card_id": coupon})
	assert.Contains(t, html["content"], coupon)
	lp := api(t, s, tok, "POST", "/card/landingpage/create", map[string]any{"banner": "http://mmbiz.qpic.cn/b.jpg", "page_title": "优惠券",
		"can_share": true, "scene": "SCENE_H5", "card_list": []any{map[string]any{"card_id": coupon, "thumb_url": "http://x/t.jpg"}}})
	require.Equal(t, 0, errcode(lp))
	assert.NotEmpty(t, lp["url"])
	assert.Equal(t, 41011, errcode(api(t, s, tok, "POST", "/card/landingpage/create", map[string]any{"banner": "b"})))

	assert.Equal(t, 0, errcode(api(t, s, tok, "POST", "/card/delete", map[string]any{"card_id": coupon})))
	assert.Equal(t, 40127, errcode(api(t, s, tok, "POST", "/card/get", map[string]any{"card_id": coupon})))
	assert.Equal(t, 40073, errcode(api(t, s, tok, "POST", "/card/get", map[string]any{"card_id": "nope"})))
}

func TestCardCreateRefusals(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	tok := token(t, s)
	long := memberCardBody("会员卡")
	long["card"].(map[string]any)["member_card"].(map[string]any)["base_info"].(map[string]any)["brand_name"] = "一二三四五六七八九十一二三"
	for name, tt := range map[string]struct {
		body any
		code int
	}{
		"bad type":       {map[string]any{"card": map[string]any{"card_type": "NOPE"}}, 40071},
		"missing fields": {map[string]any{"card": map[string]any{"card_type": "CASH", "cash": map[string]any{"base_info": map[string]any{"title": "x"}}}}, 41011},
		"brand too long": {long, 45021},
		"coupon on perm": {func() any {
			b := couponBody("x", 1)
			b["card"].(map[string]any)["cash"].(map[string]any)["base_info"].(map[string]any)["date_info"] = map[string]any{"type": "DATE_TYPE_PERMANENT"}
			return b
		}(), 40079},
		"stock too large": {couponBody("x", 100000001), 40122},
	} {
		assert.Equal(t, tt.code, errcode(api(t, s, tok, "POST", "/card/create", tt.body)), name)
	}
}

func TestCardReviewRejectAndDelay(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	dev := newDevServer(t, s, nil)
	s.SetCardReview(CardReview{Delay: time.Millisecond, RejectTitle: func(title string) (string, bool) {
		return "标题违规", title == "违规券"
	}})
	tok := token(t, s)
	bad := api(t, s, tok, "POST", "/card/create", couponBody("违规券", 1))["card_id"].(string)
	s.WaitIdle()
	p := dev.waitPush(func(p pushed) bool { return p.Msg["Event"] == "card_not_pass_check" })
	assert.Equal(t, bad, p.Msg["CardId"])
	assert.Equal(t, "标题违规", p.Msg["RefuseReason"])
	u := s.NewUser("Rita")
	_, _, err := u.ClaimCard(ctx(t), bad, "")
	require.ErrorIs(t, err, ErrCardInReview)
	// Whitelisted testers may claim cards that are not approved.
	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/card/testwhitelist/set", map[string]any{"openid": []string{u.OpenID()}})))
	_, _, err = u.ClaimCard(ctx(t), bad, "")
	require.NoError(t, err)
	assert.Equal(t, 40003, errcode(api(t, s, tok, "POST", "/card/testwhitelist/set", map[string]any{"openid": []string{"nobody"}})))
}

func TestCardWalletAndCodes(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	dev := newDevServer(t, s, nil)
	tok := token(t, s)
	member := api(t, s, tok, "POST", "/card/create", memberCardBody("会员卡"))["card_id"].(string)
	coupon := api(t, s, tok, "POST", "/card/create", couponBody("满20减5", 1))["card_id"].(string)
	s.WaitIdle()
	alice, bob := s.NewUser("Alice"), s.NewUser("Bob")

	qr := api(t, s, tok, "POST", "/card/qrcode/create", map[string]any{"action_name": "QR_CARD",
		"action_info": map[string]any{"card": map[string]any{"card_id": member, "outer_str": "counter"}}})
	require.Equal(t, 0, errcode(qr), qr)
	assert.Contains(t, qr["show_qrcode_url"], "/cgi-bin/showqrcode?ticket=")
	codes, err := alice.ClaimCardByQR(ctx(t), qr["ticket"].(string))
	require.NoError(t, err)
	require.Len(t, codes, 1)
	mcode := codes[0]
	p := dev.waitPush(func(p pushed) bool { return p.Msg["Event"] == "user_get_card" })
	assert.Equal(t, "counter", p.Msg["OuterStr"])
	assert.Equal(t, mcode, p.Msg["UserCardCode"])
	assert.Equal(t, alice.UnionID(), p.Msg["UnionId"])
	_, err = alice.ClaimCardByQR(ctx(t), qr["ticket"].(string))
	require.ErrorIs(t, err, ErrCardGetLimit)

	// Not yet activated: updateuser refuses.
	assert.Equal(t, 40078, errcode(api(t, s, tok, "POST", "/card/membercard/updateuser", map[string]any{"card_id": member, "code": mcode, "add_bonus": 1})))
	ticket, err := alice.SubmitMemberCardForm(ctx(t), mcode, map[string]string{"USER_FORM_INFO_FLAG_MOBILE": "13800000000"})
	require.NoError(t, err)
	dev.waitPush(func(p pushed) bool { return p.Msg["Event"] == "submit_membercard_user_info" })
	tmp := api(t, s, tok, "POST", "/card/membercard/activatetempinfo/get", map[string]any{"activate_ticket": ticket})
	require.Equal(t, 0, errcode(tmp))
	assert.Contains(t, sprintf("%v", tmp["info"]), "13800000000")
	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/card/membercard/activate", map[string]any{"card_id": member, "code": mcode,
		"membership_number": "M0001", "init_bonus": 10})))
	up := api(t, s, tok, "POST", "/card/membercard/updateuser", map[string]any{"card_id": member, "code": mcode, "add_bonus": 18,
		"record_bonus": "消费18元", "add_balance": 100})
	require.Equal(t, 0, errcode(up), up)
	assert.Equal(t, float64(28), up["result_bonus"])
	assert.Equal(t, float64(100), up["result_balance"])
	s.WaitIdle()
	p = dev.waitPush(func(p pushed) bool { return p.Msg["Event"] == "update_member_card" })
	assert.Equal(t, "18", p.Msg["ModifyBonus"])
	assert.Equal(t, "100", p.Msg["ModifyBalance"])
	info := api(t, s, tok, "POST", "/card/membercard/userinfo/get", map[string]any{"card_id": member, "code": mcode})
	assert.Equal(t, "M0001", info["membership_number"])
	assert.Equal(t, float64(28), info["bonus"])
	assert.Equal(t, true, info["has_active"])
	assert.Equal(t, "Alice", info["nickname"])
	w := alice.Wallet()
	require.Len(t, w, 1)
	assert.Equal(t, 28, w[0].Bonus)
	assert.Equal(t, "M0001", w[0].MembershipNumber)
	u := api(t, s, tok, "POST", "/card/membercard/activate/geturl", map[string]any{"card_id": member, "outer_str": "x"})
	assert.Contains(t, u["url"], "activatemembercard")
	assert.Equal(t, 0, errcode(api(t, s, tok, "POST", "/card/membercard/activateuserform/set", map[string]any{"card_id": member,
		"required_form": map[string]any{"common_field_id_list": []string{"USER_FORM_INFO_FLAG_MOBILE"}}})))
	assert.Equal(t, 41011, errcode(api(t, s, tok, "POST", "/card/membercard/activateuserform/set", map[string]any{"card_id": member})))

	// A coupon claimed from a page, decrypted and consumed once.
	ccode, _, err := bob.ClaimCard(ctx(t), coupon, "h5")
	require.NoError(t, err)
	_, _, err = alice.ClaimCard(ctx(t), coupon, "")
	require.ErrorIs(t, err, ErrCardOutOfStock)
	s.WaitIdle()
	p = dev.waitPush(func(p pushed) bool { return p.Msg["Event"] == "card_sku_remind" && p.Msg["CardId"] == coupon })
	assert.Equal(t, "the card's quantity is equal to 0", p.Msg["Detail"])
	enc := bob.Wallet()[0].EncryptCode
	dec := api(t, s, tok, "POST", "/card/code/decrypt", map[string]any{"encrypt_code": enc})
	assert.Equal(t, ccode, dec["code"])
	assert.Equal(t, 40056, errcode(api(t, s, tok, "POST", "/card/code/decrypt", map[string]any{"encrypt_code": "nope"})))
	got := api(t, s, tok, "POST", "/card/code/get", map[string]any{"code": ccode, "check_consume": true})
	assert.Equal(t, true, got["can_consume"])
	assert.Equal(t, bob.OpenID(), got["openid"])
	cons := api(t, s, tok, "POST", "/card/code/consume", map[string]any{"code": ccode})
	require.Equal(t, 0, errcode(cons))
	p = dev.waitPush(func(p pushed) bool { return p.Msg["Event"] == "user_consume_card" })
	assert.Equal(t, "FROM_API", p.Msg["ConsumeSource"])
	assert.Equal(t, "h5", p.Msg["OuterStr"])
	assert.Equal(t, 40099, errcode(api(t, s, tok, "POST", "/card/code/consume", map[string]any{"code": ccode})))
	assert.Equal(t, 40099, errcode(api(t, s, tok, "POST", "/card/code/get", map[string]any{"code": ccode, "check_consume": true})))
	assert.Equal(t, 40056, errcode(api(t, s, tok, "POST", "/card/code/consume", map[string]any{"code": "000"})))
	lst := api(t, s, tok, "POST", "/card/user/getcardlist", map[string]any{"openid": alice.OpenID()})
	assert.Len(t, lst["card_list"], 1)

	// View, enter session, gift and delete.
	_, err = alice.ViewCard(ctx(t), mcode)
	require.NoError(t, err)
	dev.waitPush(func(p pushed) bool { return p.Msg["Event"] == "user_view_card" })
	_, err = alice.EnterSessionFromCard(ctx(t), mcode)
	require.NoError(t, err)
	newCode, err := alice.GiftCard(ctx(t), mcode, bob)
	require.NoError(t, err)
	p = dev.waitPush(func(p pushed) bool { return p.Msg["Event"] == "user_get_card" && p.Msg["IsGiveByFriend"] == "1" })
	assert.Equal(t, alice.OpenID(), p.Msg["FriendUserName"])
	assert.Equal(t, mcode, p.Msg["OldUserCardCode"])
	assert.Empty(t, alice.Wallet())
	_, err = bob.DeleteCard(ctx(t), newCode)
	require.NoError(t, err)
	dev.waitPush(func(p pushed) bool { return p.Msg["Event"] == "user_del_card" })
	_, err = bob.DeleteCard(ctx(t), newCode)
	require.ErrorIs(t, err, ErrUnknownCardCode)
	assert.Equal(t, 40127, errcode(api(t, s, tok, "POST", "/card/membercard/userinfo/get", map[string]any{"card_id": member, "code": newCode})))

	assert.Equal(t, 0, errcode(api(t, s, tok, "POST", "/card/code/unavailable", map[string]any{"code": ccode + "x"}))-40056)
}

func TestCardDepositCodes(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	tok := token(t, s)
	body := couponBody("预存券", 0)
	base := body["card"].(map[string]any)["cash"].(map[string]any)["base_info"].(map[string]any)
	base["use_custom_code"], base["get_custom_code_mode"] = true, "GET_CUSTOM_CODE_MODE_DEPOSIT"
	id := api(t, s, tok, "POST", "/card/create", body)["card_id"].(string)
	plain := api(t, s, tok, "POST", "/card/create", couponBody("普通", 1))["card_id"].(string)
	s.WaitIdle()
	dep := api(t, s, tok, "POST", "/card/code/deposit", map[string]any{"card_id": id, "code": []string{"A1", "A2"}})
	assert.Equal(t, []any{"A1", "A2"}, dep["succ_code"])
	dep = api(t, s, tok, "POST", "/card/code/deposit", map[string]any{"card_id": id, "code": []string{"A1"}})
	assert.Equal(t, []any{"A1"}, dep["duplicate_code"])
	assert.Equal(t, 40078, errcode(api(t, s, tok, "POST", "/card/code/deposit", map[string]any{"card_id": plain, "code": []string{"A1"}})))
	many := make([]string, 101)
	for i := range many {
		many[i] = itoa(int64(i))
	}
	assert.Equal(t, 40109, errcode(api(t, s, tok, "POST", "/card/code/deposit", map[string]any{"card_id": id, "code": many})))
	assert.Equal(t, float64(2), api(t, s, tok, "POST", "/card/code/getdepositcount", map[string]any{"card_id": id})["count"])
	chk := api(t, s, tok, "POST", "/card/code/checkcode", map[string]any{"card_id": id, "code": []string{"A1", "B"}})
	assert.Equal(t, []any{"A1"}, chk["exist_code"])
	assert.Equal(t, []any{"B"}, chk["not_exist_code"])
	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/card/modifystock", map[string]any{"card_id": id, "increase_stock_value": 2})))
	u := s.NewUser("Dee")
	code, _, err := u.ClaimCard(ctx(t), id, "")
	require.ErrorIs(t, err, ErrNoCallbackURL) // claimed; only the push was skipped
	assert.Contains(t, []string{"A1", "A2"}, code)
	assert.Equal(t, 41012, errcode(api(t, s, tok, "POST", "/card/code/consume", map[string]any{"code": code})))
	assert.Equal(t, 0, errcode(api(t, s, tok, "POST", "/card/code/update", map[string]any{"card_id": id, "code": code, "new_code": "Z9"})))
	assert.Equal(t, 0, errcode(api(t, s, tok, "POST", "/card/code/unavailable", map[string]any{"card_id": id, "code": "Z9", "reason": "退款"})))
	assert.Equal(t, 40056, errcode(api(t, s, tok, "POST", "/card/code/consume", map[string]any{"card_id": id, "code": "Z9"})))
}

func TestCardStats(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := newSim(t, Options{Clock: clock.Now})
	tok := token(t, s)
	id := api(t, s, tok, "POST", "/card/create", couponBody("统计", 5))["card_id"].(string)
	s.WaitIdle()
	u := s.NewUser("Stat")
	_, _, err := u.ClaimCard(ctx(t), id, "")
	require.ErrorIs(t, err, ErrNoCallbackURL)
	day := clock.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
	clock.Advance(24 * time.Hour)
	tok = token(t, s)
	out := api(t, s, tok, "POST", "/datacube/getcardbizuininfo", map[string]any{"begin_date": day, "end_date": day, "cond_source": 1})
	require.Equal(t, 0, errcode(out), out)
	list := out["list"].([]any)
	require.Len(t, list, 1)
	assert.Equal(t, float64(1), list[0].(map[string]any)["receive_cnt"])
	out = api(t, s, tok, "POST", "/datacube/getcardcardinfo", map[string]any{"begin_date": day, "end_date": day, "cond_source": 1, "card_id": id})
	assert.Len(t, out["list"], 1)
	out = api(t, s, tok, "POST", "/datacube/getcardmembercardinfo", map[string]any{"begin_date": day, "end_date": day, "cond_source": 1})
	assert.Equal(t, float64(0), out["list"].([]any)[0].(map[string]any)["receive_cnt"])
	out = api(t, s, tok, "POST", "/datacube/getcardmembercarddetail", map[string]any{"begin_date": day, "end_date": day, "card_id": id})
	assert.Len(t, out["list"], 1)
	today := clock.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
	assert.Equal(t, 61501, errcode(api(t, s, tok, "POST", "/datacube/getcardbizuininfo", map[string]any{"begin_date": day, "end_date": today, "cond_source": 1})))
	assert.Equal(t, 61501, errcode(api(t, s, tok, "POST", "/datacube/getcardbizuininfo", map[string]any{"begin_date": "2024-01-01", "end_date": "2024-03-10", "cond_source": 1})))
	assert.Equal(t, 41012, errcode(api(t, s, tok, "POST", "/datacube/getcardmembercarddetail", map[string]any{"begin_date": day, "end_date": day})))
}
