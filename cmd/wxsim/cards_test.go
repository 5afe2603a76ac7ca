package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/sim"
)

// memberCardJSON is a member card as card/create takes it.
const memberCardJSON = `{"card":{"card_type":"MEMBER_CARD","member_card":{
	"base_info":{"logo_url":"http://mmbiz.qpic.cn/logo.jpg","brand_name":"豆子咖啡","code_type":"CODE_TYPE_TEXT","title":"会员卡",
		"color":"Color010","notice":"出示会员卡","description":"每消费1元积1分","date_info":{"type":"DATE_TYPE_PERMANENT"},"sku":{"quantity":100}},
	"prerogative":"每消费1元积1分","supply_bonus":true,"supply_balance":false,"wx_activate":true}}}`

// createCardQR creates the member card and its QR code as the shop's bot
// would, and returns the card id and the ticket.
func (e *testEnv) createCardQR(t *testing.T) (string, string) {
	t.Helper()
	id := e.platform(t, "/card/create", memberCardJSON)["card_id"].(string)
	e.sim.WaitIdle()
	qr := e.platform(t, "/card/qrcode/create", `{"action_name":"QR_CARD","action_info":{"card":{"card_id":"`+id+`","outer_str":"counter"}}}`)
	return id, qr["ticket"].(string)
}

func TestAPICardWallet(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{noPay: true})
	id, ticket := e.createCardQR(t)
	var cards []cardJSON
	require.Equal(t, http.StatusOK, e.call(t, "GET", "/sim/api/cards", nil, &cards))
	require.Len(t, cards, 1)
	assert.Equal(t, "CARD_STATUS_VERIFY_OK", cards[0].Status)

	var f actionResponse
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Alice/follow", nil, &f))
	var resp cardActionResponse
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Alice/cards/claim", map[string]string{"ticket": ticket}, &resp))
	require.Len(t, resp.Codes, 1)
	require.Len(t, resp.Wallet, 1)
	w := resp.Wallet[0]
	assert.Equal(t, id, w.CardID)
	assert.Equal(t, "counter", w.OuterStr)
	assert.False(t, w.Activated)

	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Alice/cards/activate",
		map[string]any{"code": w.Code, "fields": map[string]string{"USER_FORM_INFO_FLAG_MOBILE": "139"}}, &resp))
	assert.NotEmpty(t, resp.Ticket)
	assert.True(t, resp.Wallet[0].Activated)
	e.platform(t, "/card/membercard/updateuser", `{"card_id":"`+id+`","code":"`+w.Code+`","add_bonus":18}`)
	var wallet []walletCardJSON
	require.Equal(t, http.StatusOK, e.call(t, "GET", "/sim/api/followers/Alice/cards", nil, &wallet))
	assert.Equal(t, 18, wallet[0].Bonus)

	var errResp apiError
	assert.Equal(t, http.StatusNotFound, e.call(t, "POST", "/sim/api/followers/Alice/cards/view", map[string]string{"code": "nope"}, &errResp))
	assert.Equal(t, "unknown_code", errResp.Code)
	assert.Equal(t, http.StatusBadRequest, e.call(t, "POST", "/sim/api/followers/Alice/cards/claim", map[string]string{}, &errResp))
	assert.Equal(t, http.StatusNotFound, e.call(t, "POST", "/sim/api/followers/Alice/cards/fly", map[string]string{}, &errResp))
	assert.Equal(t, http.StatusNotFound, e.call(t, "POST", "/sim/api/followers/Alice/cards/claim", map[string]string{"card_id": "nope"}, &errResp))
	assert.Equal(t, "unknown_card", errResp.Code)
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Alice/cards/view", map[string]string{"code": w.Code}, &resp))
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Bob/follow", nil, &f))
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Alice/cards/gift", map[string]string{"code": w.Code, "to": "Bob"}, &resp))
	assert.Empty(t, resp.Wallet)
	require.Equal(t, http.StatusOK, e.call(t, "GET", "/sim/api/followers/Bob/cards", nil, &wallet))
	require.Len(t, wallet, 1)
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Bob/cards/delete", map[string]string{"code": wallet[0].Code}, &resp))
	assert.Empty(t, resp.Wallet)
}

func TestCommandsCard(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{noPay: true})
	id, ticket := e.createCardQR(t)
	code, out, errs := e.wxsim(t, "card", "list")
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, id)
	code, _, errs = e.wxsim(t, "follow", "--user", "Alice")
	require.Equal(t, exitOK, code, errs)
	code, out, errs = e.wxsim(t, "card", "claim", "--user", "Alice", "--ticket", ticket)
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "claimed code ")
	assert.Contains(t, out, "(not activated)")
	mcode := e.sim.Users()[0].Wallet()[0].Code
	code, out, errs = e.wxsim(t, "card", "activate", "--user", "Alice", "--code", mcode)
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "No."+mcode+" 积分 0")
	code, out, errs = e.wxsim(t, "card", "claim", "--user", "Alice", "--card", "pNOPE")
	require.Equal(t, exitFailure, code, out)
	assert.Contains(t, errs, "unknown_card")
	code, out, errs = e.wxsim(t, "card", "wallet", "--user", "Alice", "--json")
	require.Equal(t, exitOK, code, errs)
	var wallet []walletCardJSON
	require.NoError(t, json.Unmarshal([]byte(out), &wallet))
	assert.Len(t, wallet, 1)
	code, _, _ = e.wxsim(t, "card", "wallet")
	assert.Equal(t, exitUsage, code)
	code, _, _ = e.wxsim(t, "card", "fly", "--user", "Alice")
	assert.Equal(t, exitUsage, code)
}

// payOrder creates a JSAPI order of amount fen for openid, notified at
// notifyURL, and returns its prepay_id.
func (e *testEnv) payOrder(t *testing.T, outTradeNo, openid, notifyURL string, amount int) string {
	t.Helper()
	body := fmt.Sprintf(`{"appid":%q,"mchid":%q,"description":"拿铁","out_trade_no":%q,"notify_url":%q,"amount":{"total":%d,"currency":"CNY"},"payer":{"openid":%q}}`,
		sim.DefaultAppID, e.keys.Merchant.MchID, outTradeNo, notifyURL, amount, openid)
	req, _ := http.NewRequest("POST", e.URL+"/v3/pay/transactions/jsapi", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	require.NoError(t, e.merchant().SignRequest(req, []byte(body)))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", raw)
	var out struct {
		PrepayID string `json:"prepay_id"`
	}
	require.NoError(t, json.Unmarshal(raw, &out))
	return out.PrepayID
}

// pointsOnPayment is the shop's payment-notification endpoint of the
// tests: every notification of a paid order gives the payer's member card
// one point per yuan (the order's amount is known to the shop: amount fen).
func (e *testEnv) pointsOnPayment(t *testing.T, cardID, code string, amount int) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if strings.Contains(string(b), `"event_type":"TRANSACTION.SUCCESS"`) {
			var out map[string]any
			_ = e.app.internalCall("/card/membercard/updateuser?access_token="+e.token(t),
				[]byte(fmt.Sprintf(`{"card_id":%q,"code":%q,"add_bonus":%d,"record_bonus":"消费¥%.2f"}`, cardID, code, amount/100, float64(amount)/100)), &out)
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestAPICardPointsOnPayment(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{})
	id, ticket := e.createCardQR(t)
	var f actionResponse
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Alice/follow", nil, &f))
	var resp cardActionResponse
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Alice/cards/claim", map[string]string{"ticket": ticket}, &resp))
	code := resp.Codes[0]
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Alice/cards/activate", map[string]any{"code": code}, &resp))
	notify := e.pointsOnPayment(t, id, code, 1800)
	prepay := e.payOrder(t, "LATTE-1", f.OpenID, notify.URL+"/notify", 1800)
	var tx map[string]any
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/pay", map[string]string{"prepay_id": prepay}, &tx))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		if w := e.sim.Users()[0].Wallet(); len(w) == 1 && w[0].Bonus == 18 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no points after the payment: %+v", e.sim.Users()[0].Wallet())
}
