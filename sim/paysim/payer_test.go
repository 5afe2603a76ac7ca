package paysim

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOrderLifecycle walks create → query NOTPAY → pay → notification →
// query SUCCESS → refund → refund notification → query refund SUCCESS.
func TestOrderLifecycle(t *testing.T) {
	t.Parallel()
	for _, mode := range []Mode{ModeCertificate, ModePublicKey, ModeBoth} {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, func(o *Options) { o.Mode = mode })
			rc := newReceiver(t)
			notify := rc.srv.URL + "/wxpay/notify"
			prepayID := f.createJSAPI(t, "LIFE00001", notify, 1999)

			r := f.do("GET", "/v3/pay/transactions/out-trade-no/LIFE00001?mchid="+f.mchid, nil)
			f.requireSigned(t, r)
			var tx Transaction
			r.json(t, &tx)
			assert.Equal(t, TradeStateNotPay, tx.TradeState)
			if mode == ModePublicKey {
				assert.Equal(t, f.p.PublicKeyID(), r.header.Get("Wechatpay-Serial"))
			} else {
				assert.Equal(t, f.p.CertificateSerial(), r.header.Get("Wechatpay-Serial"))
			}

			paid, err := f.p.Pay(context.Background(), "", prepayID, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
			require.NoError(t, err)

			got := rc.next(t)
			assert.Equal(t, "POST", got.method)
			assert.Equal(t, "/wxpay/notify", got.path)
			assert.Equal(t, "application/json", got.header.Get("Content-Type"))
			require.NoError(t, f.verify(t, got.header, got.body), "notification signature")
			var inner Transaction
			n := f.decode(t, got, &inner)
			assert.Equal(t, EventTransactionSuccess, n.EventType)
			assert.Equal(t, "encrypt-resource", n.ResourceType)
			assert.Equal(t, "支付成功", n.Summary)
			assert.Equal(t, "transaction", n.Resource.OriginalType)
			assert.Equal(t, "transaction", n.Resource.AssociatedData)
			assert.Equal(t, AlgorithmAEADAES256GCM, n.Resource.Algorithm)
			assert.Len(t, n.Resource.Nonce, 12)
			assert.Regexp(t, `^EV-\d{19}$`, n.ID)
			assert.Equal(t, paid, inner)
			assert.Equal(t, "LIFE00001", inner.OutTradeNo)
			assert.Equal(t, TradeStateSuccess, inner.TradeState)
			assert.Equal(t, int64(1999), inner.Amount.Total)
			assert.Equal(t, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", inner.Payer.OpenID)
			var raw map[string]any
			require.NoError(t, json.Unmarshal(got.body, &raw))
			for _, k := range []string{"id", "create_time", "resource_type", "event_type", "summary", "resource"} {
				assert.Contains(t, raw, k)
			}

			r = f.do("GET", "/v3/pay/transactions/id/"+paid.TransactionID+"?mchid="+f.mchid, nil)
			r.json(t, &tx)
			assert.Equal(t, TradeStateSuccess, tx.TradeState)

			r = f.do("POST", "/v3/refund/domestic/refunds", map[string]any{
				"transaction_id": paid.TransactionID,
				"out_refund_no":  "REFUND0001",
				"reason":         "商品已售完",
				"notify_url":     rc.srv.URL + "/wxpay/refund",
				"amount":         map[string]any{"refund": 999, "total": 1999, "currency": "CNY"},
			})
			require.Equal(t, http.StatusOK, r.status, string(r.body))
			f.requireSigned(t, r)
			var rf Refund
			r.json(t, &rf)
			assert.Equal(t, RefundStatusProcessing, rf.Status)
			assert.Regexp(t, `^50\d{27}$`, rf.RefundID)
			assert.Equal(t, "LIFE00001", rf.OutTradeNo)
			assert.Equal(t, int64(999), rf.Amount.Refund)

			got = rc.next(t)
			assert.Equal(t, "/wxpay/refund", got.path)
			require.NoError(t, f.verify(t, got.header, got.body))
			var rn RefundNotice
			n = f.decode(t, got, &rn)
			assert.Equal(t, EventRefundSuccess, n.EventType)
			assert.Equal(t, "退款成功", n.Summary)
			assert.Equal(t, "refund", n.Resource.OriginalType)
			assert.Equal(t, "refund", n.Resource.AssociatedData)
			assert.Equal(t, RefundStatusSuccess, rn.RefundStatus)
			assert.Equal(t, rf.RefundID, rn.RefundID)
			assert.Equal(t, f.mchid, rn.MchID)
			assert.Equal(t, RefundNoticeAmount{Total: 1999, Refund: 999, PayerTotal: 1999, PayerRefund: 999}, rn.Amount)

			r = f.do("GET", "/v3/refund/domestic/refunds/REFUND0001", nil)
			f.requireSigned(t, r)
			r.json(t, &rf)
			assert.Equal(t, RefundStatusSuccess, rf.Status)
			assert.NotEmpty(t, rf.SuccessTime)

			r = f.do("GET", "/v3/pay/transactions/out-trade-no/LIFE00001?mchid="+f.mchid, nil)
			r.json(t, &tx)
			assert.Equal(t, TradeStateRefund, tx.TradeState)
			assert.Equal(t, "转入退款", tx.TradeStateDesc)

			require.Eventually(t, func() bool { return len(f.p.Notifications()) == 2 }, 5*time.Second, 5*time.Millisecond)
			atts := f.p.Notifications()
			assert.True(t, atts[0].Acknowledged && atts[1].Acknowledged)
			assert.Equal(t, EventTransactionSuccess, atts[0].EventType)
			assert.Equal(t, EventRefundSuccess, atts[1].EventType)
		})
	}
}

func TestPayErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.p.Pay(ctx, f.mchid, "", "")
	assert.ErrorIs(t, err, &APIError{Code: CodeParamError})
	_, err = f.p.Pay(ctx, f.mchid, "NOSUCH001", "")
	assert.ErrorIs(t, err, &APIError{Code: CodeOrderNotExist})
	f.createJSAPI(t, "PAYERR001", "https://example.com/notify", 1)
	_, err = f.p.Pay(ctx, f.mchid, "PAYERR001", "someone-else")
	assert.ErrorIs(t, err, &APIError{Code: CodeInvalidRequest})
	_, err = f.p.Pay(ctx, f.mchid, "PAYERR001", "")
	require.NoError(t, err)
	_, err = f.p.Pay(ctx, f.mchid, "PAYERR001", "")
	assert.ErrorIs(t, err, &APIError{Code: CodeInvalidRequest}, "already paid")
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = f.p.Pay(cctx, f.mchid, "PAYERR001", "")
	assert.ErrorIs(t, err, context.Canceled)
}

func TestSimPayRoute(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rc := newReceiver(t)
	r := f.do("POST", "/v3/pay/transactions/native", map[string]any{
		"appid": "wxd678efh567hg6787", "mchid": f.mchid, "description": "扫码商品",
		"out_trade_no": "NATIVE002", "notify_url": rc.srv.URL + "/n",
		"amount": map[string]any{"total": 5},
	})
	require.Equal(t, http.StatusOK, r.status)
	var pr PrepayResponse
	r.json(t, &pr)

	// The checkout page shows the order and a form posting to /sim/pay.
	resp, err := http.Get(f.srv.URL + "/sim/pay?code_url=" + url.QueryEscape(pr.CodeURL))
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(page), "扫码商品")
	assert.Contains(t, string(page), "0.05")
	assert.Contains(t, string(page), `action="pay"`)

	resp, err = http.PostForm(f.srv.URL+"/sim/pay", url.Values{"code_url": {pr.CodeURL}, "openid": {"oBuyer"}})
	require.NoError(t, err)
	var tx Transaction
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tx))
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, TradeStateSuccess, tx.TradeState)
	assert.Equal(t, "oBuyer", tx.Payer.OpenID)
	assert.Equal(t, "NATIVE", tx.TradeType)
	rc.next(t)

	// Paying again fails with a JSON error; the HTML variant renders a page.
	resp, err = http.Post(f.srv.URL+"/sim/pay?mchid="+f.mchid+"&out_trade_no=NATIVE002", "", nil)
	require.NoError(t, err)
	var e APIError
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&e))
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Equal(t, CodeInvalidRequest, e.Code)

	resp, err = http.PostForm(f.srv.URL+"/sim/pay", url.Values{"prepay_id": {"wxnope"}, "html": {"1"}})
	require.NoError(t, err)
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.True(t, strings.Contains(string(page), "支付失败"))

	resp, err = http.Get(f.srv.URL + "/sim/pay?prepay_id=wxnope")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestSimPayHTMLSuccess(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	prepay := f.createJSAPI(t, "HTMLPAY01", "https://127.0.0.1:1/unreachable", 100)
	resp, err := http.PostForm(f.srv.URL+"/sim/pay", url.Values{"prepay_id": {prepay}, "html": {"1"}})
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(page), "支付成功")
	assert.Contains(t, string(page), "HTMLPAY01")
	assert.Contains(t, string(page), "1.00")
}
