package card_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/card"
	"github.com/wxkit/mp/internal/mptest"
)

// endpoint is one API of the family: the call, the request it must send
// (JSON) and the documented answer it decodes.
type endpoint struct {
	name, path, request, answer string
	call                        func(context.Context, *card.Service) (any, error)
	want                        any
}

func intp(n int) *int { return &n }

func endpoints() []endpoint {
	ok := "ok.json"
	return []endpoint{
		{"Get", "/card/get", `{"card_id":"pFS7Fjg8kV1IdDz01r4SQwMkuCKc"}`, "get.json",
			func(ctx context.Context, s *card.Service) (any, error) {
				return s.Get(ctx, "pFS7Fjg8kV1IdDz01r4SQwMkuCKc")
			}, nil},
		{"BatchGet", "/card/batchget", `{"offset":0,"count":10,"status_list":["CARD_STATUS_VERIFY_OK","CARD_STATUS_DISPATCH"]}`, "batchget.json",
			func(ctx context.Context, s *card.Service) (any, error) {
				return s.BatchGet(ctx, &card.BatchGetRequest{Count: 10, StatusList: []string{card.StatusVerifyOK, card.StatusDispatch}})
			}, &card.BatchGetResult{CardIDList: []string{"ph_gmt7cUVrlRk8swPwx7aDyF-pg"}, TotalNum: 1}},
		{"Update", "/card/update", `{"card_id":"ph_gmt7cUVrlRk8swPwx7aDyF-pg","member_card":{"base_info":{"notice":"使用时向服务员出示此券"},"supply_bonus":true,"bonus_rule":{"cost_money_unit":100,"increase_bonus":1}}}`, "update.json",
			func(ctx context.Context, s *card.Service) (any, error) {
				return s.Update(ctx, &card.UpdateRequest{CardID: "ph_gmt7cUVrlRk8swPwx7aDyF-pg", Kind: card.KindMemberCard, Fields: map[string]any{
					"base_info": map[string]any{"notice": "使用时向服务员出示此券"}, "supply_bonus": true,
					"bonus_rule": card.BonusRule{CostMoneyUnit: 100, IncreaseBonus: 1}}})
			}, false},
		{"Update typed", "/card/update", `{"card_id":"ph_gmt7cUVrlRk8swPwx7aDyF-pg","member_card":{"base_info":{"notice":"使用时向服务员出示此券","get_limit":2,"can_share":false},"supply_bonus":true,"bonus_rule":{"cost_money_unit":100,"increase_bonus":1}}}`, "update.json",
			func(ctx context.Context, s *card.Service) (any, error) {
				no, yes := false, true
				return s.Update(ctx, &card.UpdateRequest{CardID: "ph_gmt7cUVrlRk8swPwx7aDyF-pg", Kind: card.KindMemberCard, Fields: &card.CardUpdate{
					BaseInfo:    &card.BaseInfoUpdate{Notice: "使用时向服务员出示此券", GetLimit: intp(2), CanShare: &no},
					SupplyBonus: &yes, BonusRule: &card.BonusRule{CostMoneyUnit: 100, IncreaseBonus: 1}}})
			}, false},
		{"Delete", "/card/delete", `{"card_id":"pFS7Fjg8kV1IdDz01r4SQwMkuCKc"}`, ok,
			func(ctx context.Context, s *card.Service) (any, error) {
				return nil, s.Delete(ctx, "pFS7Fjg8kV1IdDz01r4SQwMkuCKc")
			}, nil},
		{"ModifyStock", "/card/modifystock", `{"card_id":"pFS7Fjg8kV1IdDz01r4SQwMkuCKc","increase_stock_value":1231231}`, ok,
			func(ctx context.Context, s *card.Service) (any, error) {
				return nil, s.ModifyStock(ctx, "pFS7Fjg8kV1IdDz01r4SQwMkuCKc", 1231231)
			}, nil},
		{"ModifyStock reduce", "/card/modifystock", `{"card_id":"pFS7Fjg8kV1IdDz01r4SQwMkuCKc","reduce_stock_value":100}`, ok,
			func(ctx context.Context, s *card.Service) (any, error) {
				return nil, s.ModifyStock(ctx, "pFS7Fjg8kV1IdDz01r4SQwMkuCKc", -100)
			}, nil},
		{"CreateQRCode", "/card/qrcode/create", `{"action_name":"QR_CARD","expire_seconds":1800,"action_info":{"card":{"card_id":"pFS7Fjxrmn1wd5_Jy9L4vVr8zL8Y","outer_str":"12b"}}}`, "qrcode_create.json",
			func(ctx context.Context, s *card.Service) (any, error) {
				return s.CreateQRCode(ctx, card.SingleCardQR("pFS7Fjxrmn1wd5_Jy9L4vVr8zL8Y", "12b", 1800))
			}, &card.QRTicket{Ticket: "gQHB8DoAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xL0JIV3lhX3psZmlvSDZmWGVMMTZvAAIEsNnKVQMEIAMAAA==",
				ExpireSeconds: 1800, URL: "http://weixin.qq.com/q/BHWya_zlfioH6fXeL16o",
				ShowQRCodeURL: "https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=gQH98DoAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xL0czVzRlSWpsamlyM2plWTNKVktvAAIE6SfgVQMEgDPhAQ%3D%3D"}},
		{"CreateQRCode multiple", "/card/qrcode/create", `{"action_name":"QR_MULTIPLE_CARD","action_info":{"multiple_card":{"card_list":[{"card_id":"p1","outer_str":"a"},{"card_id":"p2"}]}}}`, "qrcode_create.json",
			func(ctx context.Context, s *card.Service) (any, error) {
				t, err := s.CreateQRCode(ctx, card.MultipleCardQR(0, card.QRCardInfo{CardID: "p1", OuterStr: "a"}, card.QRCardInfo{CardID: "p2"}))
				if t != nil {
					return t.ExpireSeconds, err
				}
				return nil, err
			}, 1800},
		{"CreateLandingPage", "/card/landingpage/create", `{"banner":"http://mmbiz.qpic.cn/mmbiz/iaL1LJM1mF9aRKPZ/0","page_title":"惠城优惠大派送","can_share":true,"scene":"SCENE_NEAR_BY","card_list":[{"card_id":"pXch-jnOlGtbuWwIO2NDftZeynRE","thumb_url":"www.qq.com/a.jpg"}]}`, "landingpage_create.json",
			func(ctx context.Context, s *card.Service) (any, error) {
				return s.CreateLandingPage(ctx, &card.LandingPageRequest{Banner: "http://mmbiz.qpic.cn/mmbiz/iaL1LJM1mF9aRKPZ/0", PageTitle: "惠城优惠大派送",
					CanShare: true, Scene: "SCENE_NEAR_BY", CardList: []card.LandingPageCard{{CardID: "pXch-jnOlGtbuWwIO2NDftZeynRE", ThumbURL: "www.qq.com/a.jpg"}}})
			}, &card.LandingPage{URL: "www.test.url", PageID: 1}},
		{"MPNewsHTML", "/card/mpnews/gethtml", `{"card_id":"p1Pj9jr90_SQRaVqYI239Ka1erkI"}`, "mpnews_gethtml.json",
			func(ctx context.Context, s *card.Service) (any, error) {
				return s.MPNewsHTML(ctx, "p1Pj9jr90_SQRaVqYI239Ka1erkI")
			},
			`<iframe class="res_iframe card_iframe js_editor_card" data-src="http://mp.weixin.qq.com/bizmall/appmsgcard?action=show&biz=MjM5OTAwODk4MA%3D%3D&cardid=p1Pj9jnXTLf2nF7lccYScFUYqJ0&wechat_card_js=1#wechat_redirect">`},
		{"SetTestWhitelist", "/card/testwhitelist/set", `{"openid":["o1Pj9jmZvwSyyyyyyBa4aULW2mA","o1Pj9jmZvxxxxxxxxxULW2mA"],"username":["afdvvf","abcd"]}`, ok,
			func(ctx context.Context, s *card.Service) (any, error) {
				return nil, s.SetTestWhitelist(ctx, []string{"o1Pj9jmZvwSyyyyyyBa4aULW2mA", "o1Pj9jmZvxxxxxxxxxULW2mA"}, []string{"afdvvf", "abcd"})
			}, nil},
		{"SetPayCell", "/card/paycell/set", `{"card_id":"ph_gmt7cUVrlRk8swPwx7aDyF-pg","is_open":true}`, ok,
			func(ctx context.Context, s *card.Service) (any, error) {
				return nil, s.SetPayCell(ctx, "ph_gmt7cUVrlRk8swPwx7aDyF-pg", true)
			}, nil},
		{"SetSelfConsumeCell", "/card/selfconsumecell/set", `{"card_id":"ph_gmt7cUVrlRk8swPwx7aDyF-pg","is_open":true,"need_verify_cod":false,"need_remark_amount":false}`, ok,
			func(ctx context.Context, s *card.Service) (any, error) {
				return nil, s.SetSelfConsumeCell(ctx, &card.SelfConsumeCell{CardID: "ph_gmt7cUVrlRk8swPwx7aDyF-pg", IsOpen: true})
			}, nil},
		{"GetCode", "/card/code/get", `{"card_id":"card_id","code":"110201201245","check_consume":true}`, "code_get.json",
			func(ctx context.Context, s *card.Service) (any, error) {
				ci, err := s.GetCode(ctx, "card_id", "110201201245", true)
				if err != nil {
					return nil, err
				}
				return [4]any{ci.Card.CardID, ci.Card.EndTime, ci.OpenID, ci.UserCardStatus}, nil
			}, [4]any{"pbLatjk4T4Hx-QFQGL4zGQy27_Qg", int64(1463155199), "obLatjm43RA5C6QfMO5szKYnT3dM", "NORMAL"}},
		{"ConsumeCode", "/card/code/consume", `{"code":"12312313"}`, "code_consume.json",
			func(ctx context.Context, s *card.Service) (any, error) {
				r, err := s.ConsumeCode(ctx, "", "12312313")
				if err != nil {
					return nil, err
				}
				return r.Card.CardID + " " + r.OpenID, nil
			}, "pFS7Fjg8kV1IdDz01r4SQwMkuCKc oFS7Fjl0WsZ9AMZqrI80nbIq8xrA"},
		{"ConsumeCode with card_id", "/card/code/consume", `{"code":"12312313","card_id":"pFS7Fjg8kV1IdDz01r4SQwMkuCKc"}`, "code_consume.json",
			func(ctx context.Context, s *card.Service) (any, error) {
				_, err := s.ConsumeCode(ctx, "pFS7Fjg8kV1IdDz01r4SQwMkuCKc", "12312313")
				return nil, err
			}, nil},
		{"DecryptCode", "/card/code/decrypt", `{"encrypt_code":"XXIzTtMqCxwOaawoE91+VJdsFmv7b8g0VZIZkqf4GWA60Fzpc8ksZ/5ZZ0DVkXdE"}`, "code_decrypt.json",
			func(ctx context.Context, s *card.Service) (any, error) {
				return s.DecryptCode(ctx, "XXIzTtMqCxwOaawoE91+VJdsFmv7b8g0VZIZkqf4GWA60Fzpc8ksZ/5ZZ0DVkXdE")
			}, "751234212312"},
		{"UpdateCode", "/card/code/update", `{"code":"12345678","card_id":"p1Pj9jr90_SQRaVqYI239Ka1erkI","new_code":"3495739475"}`, ok,
			func(ctx context.Context, s *card.Service) (any, error) {
				return nil, s.UpdateCode(ctx, "p1Pj9jr90_SQRaVqYI239Ka1erkI", "12345678", "3495739475")
			}, nil},
		{"MakeUnavailable", "/card/code/unavailable", `{"code":"12312313","card_id":"xxx_card_id","reason":"XXXXXX"}`, ok,
			func(ctx context.Context, s *card.Service) (any, error) {
				return nil, s.MakeUnavailable(ctx, "xxx_card_id", "12312313", "XXXXXX")
			}, nil},
		{"DepositCodes", "/card/code/deposit", `{"card_id":"pDF3iY0_dVjb_Pua96MMewA96qvA","code":["11111","22222","33333"]}`, "code_deposit.json",
			func(ctx context.Context, s *card.Service) (any, error) {
				return s.DepositCodes(ctx, "pDF3iY0_dVjb_Pua96MMewA96qvA", []string{"11111", "22222", "33333"})
			}, &card.DepositResult{SuccCode: []string{"11111", "22222"}, DuplicateCode: []string{"33333"}, FailCode: []string{}}},
		{"DepositCount", "/card/code/getdepositcount", `{"card_id":"pDF3iY0_dVjb_Pua96MMewA96qvA"}`, "code_getdepositcount.json",
			func(ctx context.Context, s *card.Service) (any, error) {
				return s.DepositCount(ctx, "pDF3iY0_dVjb_Pua96MMewA96qvA")
			}, 123},
		{"CheckCodes", "/card/code/checkcode", `{"card_id":"pDF3iY0_dVjb_Pua96MMewA96qvA","code":["11111","22222","33333","44444","55555"]}`, "code_checkcode.json",
			func(ctx context.Context, s *card.Service) (any, error) {
				return s.CheckCodes(ctx, "pDF3iY0_dVjb_Pua96MMewA96qvA", []string{"11111", "22222", "33333", "44444", "55555"})
			}, &card.CheckResult{ExistCode: []string{"11111", "22222", "33333"}, NotExistCode: []string{"44444", "55555"}}},
		{"UserCardList", "/card/user/getcardlist", `{"openid":"12312313","card_id":"xxxxxxxxxx"}`, "user_getcardlist.json",
			func(ctx context.Context, s *card.Service) (any, error) {
				return s.UserCardList(ctx, "12312313", "xxxxxxxxxx")
			},
			&card.UserCards{CardList: []card.UserCard{{Code: "xxx1434079154", CardID: "xxxxxxxxxx"}, {Code: "xxx1434079155", CardID: "xxxxxxxxxx"}}, HasShareCard: true}},
		{"Activate", "/card/membercard/activate", `{"init_bonus":100,"init_bonus_record":"旧积分同步","init_balance":200,"membership_number":"AAA00000001","code":"12312313","card_id":"xxxx_card_id","background_pic_url":"https://mmbiz.qlogo.cn/mmbiz/0?wx_fmt=jpeg","init_custom_field_value1":"xxxxx"}`, ok,
			func(ctx context.Context, s *card.Service) (any, error) {
				return nil, s.Activate(ctx, &card.ActivateRequest{InitBonus: 100, InitBonusRecord: "旧积分同步", InitBalance: 200,
					MembershipNumber: "AAA00000001", Code: "12312313", CardID: "xxxx_card_id",
					BackgroundPicURL: "https://mmbiz.qlogo.cn/mmbiz/0?wx_fmt=jpeg", InitCustomFieldValue1: "xxxxx"})
			}, nil},
		{"ActivateURL", "/card/membercard/activate/geturl", `{"card_id":"pbLatjtZ7v1BG_ZnTjbW85GYc_E8","outer_str":"123"}`, "membercard_activate_geturl.json",
			func(ctx context.Context, s *card.Service) (any, error) {
				return s.ActivateURL(ctx, "pbLatjtZ7v1BG_ZnTjbW85GYc_E8", "123")
			},
			"https://mp.weixin.qq.com/bizmall/activatemembercard?action=preshow&&encrypt_card_id=8bpcJkpkSMLgoAOb9l%2FPcmwCXXcoTNRHa6mbpLvn7bzCQ%2FAw%2FZJtMNt%2FeOk1XJSL&outer_str=123#wechat_redirect"},
		{"SetActivateUserForm", "/card/membercard/activateuserform/set", `{"card_id":"pbLatjh55p8cnNH56S-w-gdPENcM","service_statement":{"name":"会员守则","url":"https://www.qq.com"},"required_form":{"can_modify":false,"common_field_id_list":["USER_FORM_INFO_FLAG_MOBILE","USER_FORM_INFO_FLAG_LOCATION","USER_FORM_INFO_FLAG_BIRTHDAY"],"custom_field_list":["喜欢的食物"]},"optional_form":{"can_modify":false,"common_field_id_list":["USER_FORM_INFO_FLAG_EMAIL"],"custom_field_list":["喜欢的运动"]}}`, ok,
			func(ctx context.Context, s *card.Service) (any, error) {
				return nil, s.SetActivateUserForm(ctx, &card.UserFormRequest{CardID: "pbLatjh55p8cnNH56S-w-gdPENcM",
					ServiceStatement: &card.NamedURL{Name: "会员守则", URL: "https://www.qq.com"},
					RequiredForm:     &card.Form{CommonFieldIDList: []string{card.FieldMobile, card.FieldLocation, card.FieldBirthday}, CustomFieldList: []string{"喜欢的食物"}},
					OptionalForm:     &card.Form{CommonFieldIDList: []string{card.FieldEmail}, CustomFieldList: []string{"喜欢的运动"}}})
			}, nil},
		{"ActivateTempInfo", "/card/membercard/activatetempinfo/get", `{"activate_ticket":"abcdefg"}`, "membercard_activatetempinfo_get.json",
			func(ctx context.Context, s *card.Service) (any, error) { return s.ActivateTempInfo(ctx, "abcdefg") },
			&card.UserInfo{CommonFieldList: []card.FieldValue{{Name: card.FieldMobile, Value: "15704813039"}},
				CustomFieldList: []card.FieldValue{{Name: "兴趣", Value: "钢琴", ValueList: []string{}}}}},
		{"MemberUserInfo", "/card/membercard/userinfo/get", `{"card_id":"pbLatjtZ7v1BG_ZnTjbW85GYc_E8","code":"916679873278"}`, "membercard_userinfo_get.json",
			func(ctx context.Context, s *card.Service) (any, error) {
				m, err := s.MemberUserInfo(ctx, "pbLatjtZ7v1BG_ZnTjbW85GYc_E8", "916679873278")
				if err != nil {
					return nil, err
				}
				return [4]any{m.MembershipNumber, m.Bonus, len(m.UserInfo.CommonFieldList), m.HasActive}, nil
			}, [4]any{"658*****445", 995, 4, false}},
		{"UpdateUser", "/card/membercard/updateuser", `{"code":"179011264953","card_id":"p1Pj9jr90_SQRaVqYI239Ka1erkI","background_pic_url":"https://mmbiz.qlogo.cn/mmbiz/0?wx_fmt=jpeg","bonus":3000,"record_bonus":"消费30元，获得3积分","balance":3000,"custom_field_value1":"xxxxx","notify_optional":{"is_notify_bonus":true,"is_notify_balance":true,"is_notify_custom_field1":true}}`, "membercard_updateuser.json",
			func(ctx context.Context, s *card.Service) (any, error) {
				return s.UpdateUser(ctx, &card.UpdateUserRequest{Code: "179011264953", CardID: "p1Pj9jr90_SQRaVqYI239Ka1erkI",
					BackgroundPicURL: "https://mmbiz.qlogo.cn/mmbiz/0?wx_fmt=jpeg", Bonus: intp(3000), RecordBonus: "消费30元，获得3积分",
					Balance: intp(3000), CustomFieldValue1: "xxxxx",
					NotifyOptional: &card.NotifyOptional{IsNotifyBonus: true, IsNotifyBalance: true, IsNotifyCustomField1: true}})
			}, &card.UpdateUserResult{ResultBonus: 100, ResultBalance: 200, OpenID: "oFS7Fjl0WsZ9AMZqrI80nbIq8xrA"}},
		{"BizUinInfo", "/datacube/getcardbizuininfo", `{"begin_date":"2015-06-15","end_date":"2015-06-29","cond_source":0}`, "datacube_getcardbizuininfo.json",
			func(ctx context.Context, s *card.Service) (any, error) {
				return s.BizUinInfo(ctx, "2015-06-15", "2015-06-29", card.SourceMP)
			},
			[]card.BizUinStat{{RefDate: "2015-06-23", ViewCnt: 1, ViewUser: 1, ReceiveCnt: 1, ReceiveUser: 1}}},
		{"CardInfo", "/datacube/getcardcardinfo", `{"begin_date":"2015-06-15","end_date":"2015-06-29","cond_source":0,"card_id":"po8pktyDLmakNY2fn2VyhkiEPqGE"}`, "datacube_getcardcardinfo.json",
			func(ctx context.Context, s *card.Service) (any, error) {
				return s.CardInfo(ctx, "2015-06-15", "2015-06-29", card.SourceMP, "po8pktyDLmakNY2fn2VyhkiEPqGE")
			}, []card.CardStat{{RefDate: "2015-06-23", CardID: "po8pktyDLmakNY2fn2VyhkiEPqGE", CardType: 3, ViewCnt: 1, ViewUser: 1, ReceiveCnt: 1, ReceiveUser: 1}}},
		{"MemberCardInfo", "/datacube/getcardmembercardinfo", `{"begin_date":"2015-06-15","end_date":"2015-06-29","cond_source":0}`, "datacube_getcardmembercardinfo.json",
			func(ctx context.Context, s *card.Service) (any, error) {
				return s.MemberCardInfo(ctx, "2015-06-15", "2015-06-29", card.SourceMP)
			},
			[]card.MemberCardStat{{RefDate: "2015-06-23", TotalUser: 86, TotalReceiveUser: 95}}},
		{"MemberCardDetail", "/datacube/getcardmembercarddetail", `{"begin_date":"2015-06-15","end_date":"2015-06-29","card_id":"xxxxx"}`, "datacube_getcardmembercarddetail.json",
			func(ctx context.Context, s *card.Service) (any, error) {
				return s.MemberCardDetail(ctx, "2015-06-15", "2015-06-29", "xxxxx")
			},
			[]card.MemberCardDetail{{RefDate: "2017-01-01", MerchantType: 1, CardID: "xxxxx", SubmerchantID: 12}}},
	}
}

// TestEndpoints: every endpoint sends the documented request and decodes
// the documented answer.
func TestEndpoints(t *testing.T) {
	t.Parallel()
	for _, e := range endpoints() {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			srv, svc := newService(t)
			srv.Reply("POST", e.path, e.answer, func(t testing.TB, r *http.Request, body []byte) {
				mptest.Query(t, r, map[string]string{})
				mptest.JSONEq(t, e.request, body)
			})
			got, err := e.call(context.Background(), svc)
			require.NoError(t, err)
			if e.want != nil {
				assert.Equal(t, e.want, got)
			}
		})
	}
}

// TestEndpointErrors: every endpoint turns WeChat's errcode into *mp.APIError.
func TestEndpointErrors(t *testing.T) {
	t.Parallel()
	for _, e := range endpoints() {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			srv, svc := newService(t)
			srv.ReplyError("POST", e.path, 40073, "invalid card id")
			_, err := e.call(context.Background(), svc)
			mptest.RequireAPIError(t, err, 40073)
		})
	}
}

func TestCreate(t *testing.T) {
	t.Parallel()
	var req struct {
		Card card.Card `json:"card"`
	}
	require.NoError(t, json.Unmarshal(mptest.Fixture(t, "create_member_card_request.json"), &req))
	srv, svc := newService(t)
	srv.Reply("POST", "/card/create", "create.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.JSONEqFixture(t, "create_member_card_request.json", body)
	})
	id, err := svc.Create(context.Background(), &req.Card)
	require.NoError(t, err)
	assert.Equal(t, "p1Pj9jr90_SQRaVqYI239Ka1erkI", id)
}

func TestCreateError(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.ReplyError("POST", "/card/create", 45030, "api unauthorized")
	_, err := svc.Create(context.Background(), validCoupon())
	mptest.RequireAPIError(t, err, 45030)
}

func TestGetDecodesKind(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("POST", "/card/get", "get.json", nil)
	c, err := svc.Get(context.Background(), "pFS7Fjg8kV1IdDz01r4SQwMkuCKc")
	require.NoError(t, err)
	assert.Equal(t, card.KindMemberCard, c.CardType)
	require.NotNil(t, c.MemberCard)
	b := c.Base()
	assert.Equal(t, "pbLatjnrwUUdZI641gKdTMJzHGfc", b.ID)
	assert.Equal(t, card.StatusVerifyOK, b.Status)
	assert.Equal(t, 100000, b.SKU.Quantity)
	assert.True(t, c.MemberCard.SupplyBonus)
	assert.Equal(t, "FIELD_NAME_TYPE_LEVEL", c.MemberCard.CustomField1.NameType)
}

func TestAllPages(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	calls := 0
	srv.Handle("POST", "/card/batchget", func(w http.ResponseWriter, r *http.Request) {
		var req card.BatchGetRequest
		require.NoError(t, json.NewDecoder(r.Body).Decode(&req))
		assert.Equal(t, 50, req.Count)
		calls++
		ids := []string{}
		for i := req.Offset; i < min(req.Offset+req.Count, 120); i++ {
			ids = append(ids, "p"+string(rune('A'+i%26)))
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"errcode": 0, "errmsg": "ok", "card_id_list": ids, "total_num": 120})
	})
	n := 0
	for id, err := range svc.All(context.Background()) {
		require.NoError(t, err)
		assert.NotEmpty(t, id)
		n++
	}
	assert.Equal(t, 120, n)
	assert.Equal(t, 3, calls)
	var apiErr error
	srv2, svc2 := newService(t)
	srv2.ReplyError("POST", "/card/batchget", -1, "system error")
	for _, err := range svc2.All(context.Background(), card.StatusVerifyOK) {
		apiErr = err
	}
	mptest.RequireAPIError(t, apiErr, mp.ErrorCode(-1))
}
