package pay_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wxkit/mp/pay"
)

func codepayRequest() *pay.CodepayRequest {
	return &pay.CodepayRequest{
		AppID: "wxd678efh567hg6787", Description: "Image形象店-深圳腾大-QQ公仔", OutTradeNo: "1217752501201407033233368018",
		Attach: "自定义数据说明", GoodsTag: "WXG", SupportFapiao: true,
		Payer: pay.CodepayPayer{AuthCode: "130061098828009406"}, Amount: pay.Amount{Total: 100, Currency: "CNY"},
		SceneInfo:  pay.CodepaySceneInfo{DeviceID: "013467007045764", DeviceIP: "14.17.22.32", StoreInfo: &pay.CodepayStoreInfo{OutID: "1234"}},
		SettleInfo: &pay.SettleInfo{ProfitSharing: false},
	}
}

// noSleep counts waits without waiting.
type noSleep struct{ n atomic.Int32 }

func (s *noSleep) sleep(ctx context.Context, _ time.Duration) error {
	s.n.Add(1)
	return ctx.Err()
}

func TestCodepay(t *testing.T) {
	t.Parallel()
	f := newFakePay(t)
	f.handle("POST /v3/pay/transactions/codepay", 200, fixture(t, "codepay_response.json"))
	f.handle("POST /v3/pay/transactions/out-trade-no/{no}/reverse", 200, `{"appid":"wxd678efh567hg6787","mchid":"1900000109","out_trade_no":"1217752501201407033233368018"}`)
	c := f.client(t)
	tx, err := c.Codepay(context.Background(), codepayRequest())
	if err != nil {
		t.Fatal(err)
	}
	if tx.TradeState != pay.TradeStateSuccess || tx.TradeType != pay.TradeTypeMicroPay || tx.Payer.OpenID != "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" ||
		len(tx.PromotionDetail) != 1 || tx.PromotionDetail[0].GoodsDetail[0].DiscountAmount != 4 {
		t.Fatalf("%+v", tx)
	}
	rv, err := c.ReverseOrder(context.Background(), "wxd678efh567hg6787", "1217752501201407033233368018")
	if err != nil || rv.OutTradeNo != "1217752501201407033233368018" {
		t.Fatalf("%v %+v", err, rv)
	}
	rs := f.requests()
	jsonEq(t, fixture(t, "codepay_request.json"), rs[0].Body)
	if rs[1].Path != "/v3/pay/transactions/out-trade-no/1217752501201407033233368018/reverse" {
		t.Fatal(rs[1].Path)
	}
	jsonEq(t, `{"appid":"wxd678efh567hg6787","mchid":"1900000109"}`, rs[1].Body)
}

func TestCodepayAndWait(t *testing.T) {
	t.Parallel()
	const orderPath = "GET /v3/pay/transactions/out-trade-no/{no}"
	paying := `{"appid":"wxd678efh567hg6787","mchid":"1900000109","out_trade_no":"1217752501201407033233368018","trade_state":"USERPAYING","trade_state_desc":"需要用户输入支付密码","amount":{"total":100}}`
	userPaying := `{"code":"USERPAYING","message":"需要用户输入支付密码"}`
	reversed := `{"appid":"wxd678efh567hg6787","mchid":"1900000109","out_trade_no":"1217752501201407033233368018"}`

	t.Run("paid after polls", func(t *testing.T) {
		t.Parallel()
		f := newFakePay(t)
		f.handle("POST /v3/pay/transactions/codepay", 202, userPaying)
		var q atomic.Int32
		f.handleFunc(orderPath, func(w http.ResponseWriter, r *http.Request) {
			if q.Add(1) < 3 {
				f.reply(w, 200, paying)
				return
			}
			f.reply(w, 200, fixture(t, "codepay_response.json"))
		})
		s := &noSleep{}
		tx, err := f.client(t).CodepayAndWait(context.Background(), codepayRequest(), &pay.CodepayWait{Sleep: s.sleep})
		if err != nil || tx.TradeState != pay.TradeStateSuccess {
			t.Fatalf("%v %+v", err, tx)
		}
		if s.n.Load() != 3 || f.count("/v3/pay/transactions/out-trade-no/1217752501201407033233368018/reverse") != 0 {
			t.Fatalf("sleeps %d", s.n.Load())
		}
		if got := f.requests()[1].Query; got != "mchid=1900000109" {
			t.Fatalf("query %q", got)
		}
	})
	t.Run("USERPAYING as an error status", func(t *testing.T) {
		t.Parallel()
		f := newFakePay(t)
		f.handle("POST /v3/pay/transactions/codepay", 403, userPaying)
		tx, err := f.client(t).Codepay(context.Background(), codepayRequest())
		if err != nil || tx.TradeState != pay.TradeStateUserPaying {
			t.Fatalf("%v %+v", err, tx)
		}
	})
	t.Run("never paid is reversed", func(t *testing.T) {
		t.Parallel()
		f := newFakePay(t)
		f.handle("POST /v3/pay/transactions/codepay", 202, userPaying)
		f.handle(orderPath, 200, paying)
		f.handle("POST /v3/pay/transactions/out-trade-no/{no}/reverse", 200, reversed)
		s := &noSleep{}
		_, err := f.client(t).CodepayAndWait(context.Background(), codepayRequest(), &pay.CodepayWait{Polls: 4, Sleep: s.sleep})
		if !errors.Is(err, pay.ErrCodepayNotPaid) {
			t.Fatalf("err = %v", err)
		}
		if s.n.Load() != 4 || f.count("/v3/pay/transactions/out-trade-no/1217752501201407033233368018/reverse") != 1 {
			t.Fatalf("sleeps %d", s.n.Load())
		}
	})
	t.Run("cancelled wait still reverses", func(t *testing.T) {
		t.Parallel()
		f := newFakePay(t)
		f.handle("POST /v3/pay/transactions/codepay", 202, userPaying)
		f.handle("POST /v3/pay/transactions/out-trade-no/{no}/reverse", 200, reversed)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := f.client(t).CodepayAndWait(ctx, codepayRequest(), &pay.CodepayWait{Sleep: (&noSleep{}).sleep})
		if err == nil || !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("definite refusal", func(t *testing.T) {
		t.Parallel()
		f := newFakePay(t)
		f.handle("POST /v3/pay/transactions/codepay", 403, `{"code":"NOT_ENOUGH","message":"用户的零钱余额不足"}`)
		_, err := f.client(t).CodepayAndWait(context.Background(), codepayRequest(), &pay.CodepayWait{Sleep: (&noSleep{}).sleep})
		requireAPIError(t, err, 403, "NOT_ENOUGH")
		if len(f.requests()) != 1 {
			t.Fatal("nothing to poll or reverse after a refusal")
		}
	})
	t.Run("unknown outcome, order never created", func(t *testing.T) {
		t.Parallel()
		f := newFakePay(t)
		f.handle("POST /v3/pay/transactions/codepay", 500, `{"code":"SYSTEM_ERROR","message":"系统繁忙"}`)
		f.handle(orderPath, 404, `{"code":"ORDER_NOT_EXIST","message":"订单不存在"}`)
		_, err := f.client(t).CodepayAndWait(context.Background(), codepayRequest(), &pay.CodepayWait{Sleep: (&noSleep{}).sleep})
		requireAPIError(t, err, 500, "SYSTEM_ERROR")
	})
}

func TestCodepayValidation(t *testing.T) {
	t.Parallel()
	c := offlineClient(t)
	ctx := context.Background()
	mut := func(f func(*pay.CodepayRequest)) *pay.CodepayRequest { r := codepayRequest(); f(r); return r }
	for field, req := range map[string]*pay.CodepayRequest{
		"appid":           mut(func(r *pay.CodepayRequest) { r.AppID = "" }),
		"description":     mut(func(r *pay.CodepayRequest) { r.Description = strings.Repeat("字", 128) }),
		"out_trade_no":    mut(func(r *pay.CodepayRequest) { r.OutTradeNo = "abc" }),
		"attach":          mut(func(r *pay.CodepayRequest) { r.Attach = strings.Repeat("a", 129) }),
		"payer.auth_code": mut(func(r *pay.CodepayRequest) { r.Payer.AuthCode = "280061098828009406" }),
		"amount.total":    mut(func(r *pay.CodepayRequest) { r.Amount.Total = -1 }),
		"amount.currency": mut(func(r *pay.CodepayRequest) { r.Amount.Currency = "USD" }),
		"scene_info":      mut(func(r *pay.CodepayRequest) { r.SceneInfo = pay.CodepaySceneInfo{} }),
	} {
		_, err := c.Codepay(ctx, req)
		requireArgument(t, err, field)
		_, err = c.CodepayAndWait(ctx, req, nil)
		requireArgument(t, err, field)
	}
	_, err := c.ReverseOrder(ctx, "wx1", "a/b")
	requireArgument(t, err, "out_trade_no")
	_, err = c.ReverseOrder(ctx, "", "abcdef")
	requireArgument(t, err, "appid")
}
