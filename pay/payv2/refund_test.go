package payv2

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// plainSecure lets tests drive /secapi paths against a plain httptest server;
// the real mutual-TLS transport is covered by TestMutualTLS.
func plainSecure() Option { return WithSecureHTTPClient(http.DefaultClient) }

func TestRefund(t *testing.T) {
	t.Parallel()
	fs := newFakeServer(t, testKey)
	fs.onSigned("/secapi/pay/refund", "refund.xml", "result_fail_orderpaid.xml")
	c := newTestClient(t, fs.URL, plainSecure())
	req := &RefundRequest{
		TransactionID: "1008450740201411110005820873",
		OutRefundNo:   "1415701182",
		TotalFee:      100,
		RefundFee:     1,
		RefundDesc:    "商品已售完",
		NotifyURL:     "https://example.com/wxpay/refund-notify",
	}
	resp, err := c.Refund(context.Background(), req)
	require.NoError(t, err)

	r := fs.requests()[0]
	assertRequest(t, r, "/secapi/pay/refund")
	for k, v := range map[string]string{"transaction_id": "1008450740201411110005820873", "out_refund_no": "1415701182",
		"total_fee": "100", "refund_fee": "1", "refund_desc": "商品已售完", "notify_url": "https://example.com/wxpay/refund-notify"} {
		assert.Equal(t, v, r.Params[k], k)
	}
	assert.Equal(t, "2008450740201411110000174436", resp.RefundID)
	assert.Equal(t, int64(1), resp.RefundFee)
	assert.Equal(t, int64(1), resp.CashRefundFee)
	assert.Equal(t, "1415757673", resp.OutTradeNo)
	assert.Empty(t, resp.Coupons)

	_, err = c.Refund(context.Background(), req)
	assert.Equal(t, "ORDERPAID", ErrCodeOf(err))
}

func TestRefundValidation(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, "http://127.0.0.1:1", plainSecure())
	for _, req := range []*RefundRequest{
		nil,
		{OutRefundNo: "r", TotalFee: 1, RefundFee: 1},
		{OutTradeNo: "o", TotalFee: 1, RefundFee: 1},
		{OutTradeNo: "o", OutRefundNo: "r", RefundFee: 1},
		{OutTradeNo: "o", OutRefundNo: "r", TotalFee: 1, RefundFee: 2},
		{OutTradeNo: "o", OutRefundNo: "r", TotalFee: 1},
	} {
		_, err := c.Refund(context.Background(), req)
		require.ErrorIs(t, err, ErrInvalidParam, "%+v", req)
	}
}

func TestRefundQuery(t *testing.T) {
	t.Parallel()
	fs := newFakeServer(t, testKey)
	fs.onSigned("/pay/refundquery", "refundquery.xml")
	c := newTestClient(t, fs.URL)
	resp, err := c.RefundQuery(context.Background(), &RefundQueryRequest{OutTradeNo: "1415757673", Offset: 10})
	require.NoError(t, err)

	r := fs.requests()[0]
	assertRequest(t, r, "/pay/refundquery")
	assert.Equal(t, "1415757673", r.Params["out_trade_no"])
	assert.Equal(t, "10", r.Params["offset"])

	assert.Equal(t, int64(100), resp.TotalFee)
	assert.Equal(t, int64(1), resp.RefundCount)
	assert.Equal(t, int64(1), resp.TotalRefundCount)
	require.Len(t, resp.Refunds, 1)
	assert.Equal(t, RefundRecord{
		OutRefundNo: "1415701182", RefundID: "2008450740201411110000174436", RefundChannel: "ORIGINAL",
		RefundFee: 1, CouponRefundFee: 5, RefundStatus: "SUCCESS", RefundRecvAccout: "支付用户的零钱",
		RefundSuccessTime: "2014-11-11 17:05:03",
		Coupons:           []Coupon{{Type: "CASH", ID: "10000", Fee: 5}},
	}, resp.Refunds[0])

	_, err = c.RefundQuery(context.Background(), &RefundQueryRequest{})
	require.ErrorIs(t, err, ErrInvalidParam)
}

func TestRefundQueryHostileCount(t *testing.T) {
	t.Parallel()
	fs := newFakeServer(t, testKey)
	raw := []byte(`<xml><return_code>SUCCESS</return_code><result_code>SUCCESS</result_code><appid>wx2421b1c4370ec43b</appid><mch_id>10000100</mch_id><nonce_str>n</nonce_str><refund_count>999999999999</refund_count></xml>`)
	fs.on("/pay/refundquery", signFixture(t, raw, SignTypeMD5, testKey))
	_, err := newTestClient(t, fs.URL).RefundQuery(context.Background(), &RefundQueryRequest{RefundID: "1"})
	require.ErrorIs(t, err, ErrMalformedResponse, "count is bounded by the fields present")

	fs2 := newFakeServer(t, testKey)
	raw = []byte(`<xml><return_code>SUCCESS</return_code><result_code>SUCCESS</result_code><appid>wx2421b1c4370ec43b</appid><mch_id>10000100</mch_id><nonce_str>n</nonce_str><refund_count>-1</refund_count></xml>`)
	fs2.on("/pay/refundquery", signFixture(t, raw, SignTypeMD5, testKey))
	_, err = newTestClient(t, fs2.URL).RefundQuery(context.Background(), &RefundQueryRequest{RefundID: "1"})
	require.ErrorIs(t, err, ErrMalformedResponse)
}
