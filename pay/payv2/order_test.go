package payv2

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOrderQuery(t *testing.T) {
	t.Parallel()
	fs := newFakeServer(t, testKey)
	fs.onSigned("/pay/orderquery", "orderquery_success.xml")
	c := newTestClient(t, fs.URL)
	q, err := c.OrderQuery(context.Background(), &OrderQueryRequest{TransactionID: "1008450740201411110005820873"})
	require.NoError(t, err)

	r := fs.requests()[0]
	assertRequest(t, r, "/pay/orderquery")
	assert.Equal(t, "1008450740201411110005820873", r.Params["transaction_id"])
	assert.NotContains(t, r.Params, "out_trade_no")
	assert.Len(t, r.Params, 5) // appid mch_id nonce_str sign transaction_id

	assert.True(t, q.Paid())
	assert.Equal(t, TradeStateSuccess, q.TradeState)
	assert.Equal(t, "1415757673", q.OutTradeNo)
	assert.Equal(t, int64(100), q.TotalFee)
	assert.Equal(t, int64(90), q.CashFee)
	assert.Equal(t, "订单额外描述", q.Attach)
	assert.Equal(t, "20141111170043", q.TimeEnd)
	assert.Equal(t, []Coupon{{Type: "CASH", ID: "10000", Fee: 10}}, q.Coupons)
	assert.Equal(t, `{"promotion_detail":[]}`, q.Raw["promotion_detail"])

	paid, err := ParseTime(q.TimeEnd)
	require.NoError(t, err)
	assert.Equal(t, "2014-11-11T17:00:43+08:00", paid.Format("2006-01-02T15:04:05Z07:00"))
}

func TestOrderQueryValidationAndErrors(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, "http://127.0.0.1:1")
	_, err := c.OrderQuery(context.Background(), &OrderQueryRequest{})
	require.ErrorIs(t, err, ErrInvalidParam)
	_, err = c.OrderQuery(context.Background(), nil)
	require.ErrorIs(t, err, ErrInvalidParam)

	fs := newFakeServer(t, testKey)
	raw := []byte(`<xml><return_code><![CDATA[SUCCESS]]></return_code><appid>wx2421b1c4370ec43b</appid><mch_id>10000100</mch_id><nonce_str>x</nonce_str><result_code>FAIL</result_code><err_code>ORDERNOTEXIST</err_code><err_code_des>此交易订单号不存在</err_code_des></xml>`)
	fs.on("/pay/orderquery", signFixture(t, raw, SignTypeMD5, testKey))
	_, err = newTestClient(t, fs.URL).OrderQuery(context.Background(), &OrderQueryRequest{OutTradeNo: "nope"})
	assert.Equal(t, "ORDERNOTEXIST", ErrCodeOf(err))
}

func TestCloseOrder(t *testing.T) {
	t.Parallel()
	fs := newFakeServer(t, testKey)
	fs.onSigned("/pay/closeorder", "closeorder.xml", "result_fail_orderpaid.xml")
	c := newTestClient(t, fs.URL)
	resp, err := c.CloseOrder(context.Background(), "1415983244")
	require.NoError(t, err)
	assert.Equal(t, "OK", resp.ResultMsg)
	r := fs.requests()[0]
	assertRequest(t, r, "/pay/closeorder")
	assert.Equal(t, "1415983244", r.Params["out_trade_no"])

	_, err = c.CloseOrder(context.Background(), "1415983244")
	assert.Equal(t, "ORDERPAID", ErrCodeOf(err))

	_, err = c.CloseOrder(context.Background(), "")
	require.ErrorIs(t, err, ErrInvalidParam)
}

func TestParseTime(t *testing.T) {
	t.Parallel()
	got, err := ParseTime("2018-11-19 16:24:13")
	require.NoError(t, err)
	assert.Equal(t, int64(1542615853), got.Unix())
	_, err = ParseTime("yesterday")
	require.ErrorIs(t, err, ErrMalformedResponse)
}
