package paysim

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func refundBody(outTradeNo, outRefundNo string, refund, total int64) map[string]any {
	return map[string]any{
		"out_trade_no":  outTradeNo,
		"out_refund_no": outRefundNo,
		"amount":        map[string]any{"refund": refund, "total": total, "currency": "CNY"},
	}
}

func paidOrder(t *testing.T, f *fixture, outTradeNo string, total int64) Transaction {
	t.Helper()
	f.createJSAPI(t, outTradeNo, "https://127.0.0.1:1/unused", total)
	tx, err := f.p.Pay(context.Background(), f.mchid, outTradeNo, "")
	require.NoError(t, err)
	return tx
}

func TestRefundRules(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *Options) { o.RefundDelay = time.Hour })
	paidOrder(t, f, "RFORDER01", 100)
	f.createJSAPI(t, "RFUNPAID1", "https://example.com/n", 100)

	r := f.do("POST", "/v3/refund/domestic/refunds", refundBody("RFORDER01", "RF0001", 60, 100))
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	var first Refund
	r.json(t, &first)
	assert.Equal(t, "ORIGINAL", first.Channel)
	assert.Equal(t, "支付用户零钱", first.UserReceivedAccount)
	assert.Equal(t, "AVAILABLE", first.FundsAccount)
	assert.Empty(t, first.SuccessTime)
	assert.Equal(t, RefundAmount{Total: 100, Refund: 60, From: []RefundFrom{}, PayerTotal: 100, PayerRefund: 60,
		SettlementRefund: 60, SettlementTotal: 100, Currency: "CNY"}, first.Amount)

	// Same out_refund_no, same content: the same refund.
	r = f.do("POST", "/v3/refund/domestic/refunds", refundBody("RFORDER01", "RF0001", 60, 100))
	require.Equal(t, http.StatusOK, r.status)
	var again Refund
	r.json(t, &again)
	assert.Equal(t, first.RefundID, again.RefundID)

	cases := []struct {
		name   string
		body   map[string]any
		status int
		code   string
	}{
		{"more than refundable", refundBody("RFORDER01", "RF0002", 41, 100), 400, CodeInvalidRequest},
		{"wrong total", refundBody("RFORDER01", "RF0003", 10, 99), 400, CodeInvalidRequest},
		{"conflicting reuse", refundBody("RFORDER01", "RF0001", 10, 100), 400, CodeInvalidRequest},
		{"unpaid order", refundBody("RFUNPAID1", "RF0004", 10, 100), 400, CodeInvalidRequest},
		{"unknown order", refundBody("NOSUCH001", "RF0005", 10, 100), 404, CodeResourceNotExists},
		{"no order ref", map[string]any{"out_refund_no": "RF0006", "amount": map[string]any{"refund": 1, "total": 100, "currency": "CNY"}}, 400, CodeParamError},
		{"no out_refund_no", refundBody("RFORDER01", "", 1, 100), 400, CodeParamError},
		{"bad out_refund_no", refundBody("RFORDER01", "RF 0007", 1, 100), 400, CodeParamError},
		{"zero refund", refundBody("RFORDER01", "RF0008", 0, 100), 400, CodeParamError},
		{"no currency", map[string]any{"out_trade_no": "RFORDER01", "out_refund_no": "RF0009", "amount": map[string]any{"refund": 1, "total": 100}}, 400, CodeParamError},
		{"no amount", map[string]any{"out_trade_no": "RFORDER01", "out_refund_no": "RF0010"}, 400, CodeParamError},
		{"notify_url with query", func() map[string]any {
			b := refundBody("RFORDER01", "RF0011", 1, 100)
			b["notify_url"] = "https://a.com/x?y=1"
			return b
		}(), 400, CodeParamError},
		{"bad funds_account", func() map[string]any {
			b := refundBody("RFORDER01", "RF0012", 1, 100)
			b["funds_account"] = "BASIC"
			return b
		}(), 400, CodeParamError},
	}
	for _, c := range cases {
		r := f.do("POST", "/v3/refund/domestic/refunds", c.body)
		assert.Equal(t, c.status, r.status, c.name+": "+string(r.body))
		assert.Equal(t, c.code, r.apiError(t).Code, c.name)
		f.requireSigned(t, r)
	}
	// The remaining 40 can still be refunded, by transaction_id.
	tx, err := f.p.Transaction(f.mchid, "RFORDER01")
	require.NoError(t, err)
	b := refundBody("", "RF0013", 40, 100)
	delete(b, "out_trade_no")
	b["transaction_id"] = tx.TransactionID
	r = f.do("POST", "/v3/refund/domestic/refunds", b)
	require.Equal(t, http.StatusOK, r.status, string(r.body))

	r = f.do("GET", "/v3/refund/domestic/refunds/NOSUCHRF", nil)
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Equal(t, APIError{Code: CodeResourceNotExists, Message: "退款单不存在"}, r.apiError(t))
	_, err = f.p.RefundByOutRefundNo(f.mchid, "RF0013")
	require.NoError(t, err)
	_, err = f.p.RefundByOutRefundNo(f.mchid, "NOSUCHRF")
	assert.ErrorIs(t, err, &APIError{Code: CodeResourceNotExists})
}

func TestAbnormalRefund(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *Options) {
		o.AbnormalRefund = func(mchid, outRefundNo string) bool { return outRefundNo == "ABNORMAL01" }
	})
	rc := newReceiver(t)
	paidOrder(t, f, "ABORDER01", 300)
	b := refundBody("ABORDER01", "ABNORMAL01", 300, 300)
	b["notify_url"] = rc.srv.URL + "/refund"
	r := f.do("POST", "/v3/refund/domestic/refunds", b)
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	var rf Refund
	r.json(t, &rf)

	var rn RefundNotice
	n := f.decode(t, rc.next(t), &rn)
	assert.Equal(t, EventRefundAbnormal, n.EventType)
	assert.Equal(t, "退款异常", n.Summary)
	assert.Equal(t, RefundStatusAbnormal, rn.RefundStatus)
	assert.Empty(t, rn.SuccessTime)

	path := "/v3/refund/domestic/refunds/" + rf.RefundID + "/apply-abnormal-refund"
	card, err := EncryptSensitive(f.p.PublicKey(), "6214830000001234")
	require.NoError(t, err)
	name, err := EncryptSensitive(f.p.PublicKey(), "张三")
	require.NoError(t, err)
	body := map[string]any{"out_refund_no": "ABNORMAL01", "type": "USER_BANK_CARD", "bank_type": "ICBC_DEBIT",
		"bank_account": card, "real_name": name}

	// Wrong serial, missing serial, mismatched ciphertext, wrong out_refund_no.
	r = f.do("POST", path, body)
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Equal(t, CodeParamError, r.apiError(t).Code)
	r = f.do("POST", path, body, "Wechatpay-Serial", f.p.CertificateSerial())
	assert.Equal(t, http.StatusBadRequest, r.status, "encrypted for the public key, not the certificate")
	bad := map[string]any{"out_refund_no": "OTHER", "type": "USER_BANK_CARD", "bank_type": "ICBC_DEBIT", "bank_account": card, "real_name": name}
	r = f.do("POST", path, bad, "Wechatpay-Serial", f.p.PublicKeyID())
	assert.Equal(t, http.StatusBadRequest, r.status)
	r = f.do("POST", "/v3/refund/domestic/refunds/50000000000000000000000000000/apply-abnormal-refund", body, "Wechatpay-Serial", f.p.PublicKeyID())
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Equal(t, CodeResourceNotExists, r.apiError(t).Code)
	r = f.do("POST", path, map[string]any{"out_refund_no": "ABNORMAL01", "type": "CASH"})
	assert.Equal(t, http.StatusBadRequest, r.status)
	r = f.do("POST", path, map[string]any{"out_refund_no": "ABNORMAL01", "type": "USER_BANK_CARD"})
	assert.Equal(t, "/body/bank_type", r.apiError(t).Detail.Field)

	r = f.do("POST", path, body, "Wechatpay-Serial", f.p.PublicKeyID())
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	r.json(t, &rf)
	assert.Equal(t, RefundStatusProcessing, rf.Status)
	assert.Equal(t, "ICBC_DEBIT1234", rf.UserReceivedAccount)

	n = f.decode(t, rc.next(t), &rn)
	assert.Equal(t, EventRefundSuccess, n.EventType)
	assert.Equal(t, RefundStatusSuccess, rn.RefundStatus)
	assert.Equal(t, "ICBC_DEBIT1234", rn.UserReceivedAccount)

	// Only an ABNORMAL refund can be handled so.
	r = f.do("POST", path, body, "Wechatpay-Serial", f.p.PublicKeyID())
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Equal(t, CodeInvalidRequest, r.apiError(t).Code)
}

func TestAbnormalRefundToMerchantCard(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *Options) {
		o.AbnormalRefund = func(string, string) bool { return true }
	})
	paidOrder(t, f, "ABORDER02", 300)
	r := f.do("POST", "/v3/refund/domestic/refunds", refundBody("ABORDER02", "ABNORMAL02", 100, 300))
	require.Equal(t, http.StatusOK, r.status)
	var rf Refund
	r.json(t, &rf)
	require.Eventually(t, func() bool {
		got, _ := f.p.RefundByOutRefundNo(f.mchid, "ABNORMAL02")
		return got.Status == RefundStatusAbnormal
	}, 5*time.Second, 10*time.Millisecond)
	r = f.do("POST", "/v3/refund/domestic/refunds/"+rf.RefundID+"/apply-abnormal-refund",
		map[string]any{"out_refund_no": "ABNORMAL02", "type": "MERCHANT_BANK_CARD"})
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	require.Eventually(t, func() bool {
		got, _ := f.p.RefundByOutRefundNo(f.mchid, "ABNORMAL02")
		return got.Status == RefundStatusSuccess
	}, 5*time.Second, 10*time.Millisecond, "the hook is not asked twice")
}
