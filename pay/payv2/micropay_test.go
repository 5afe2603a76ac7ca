package payv2

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func micropayReq() *MicropayRequest {
	return &MicropayRequest{
		DeviceInfo:     "013467007045764",
		Body:           "image形象店-深圳腾大- QQ公仔",
		Attach:         "订单额外描述",
		OutTradeNo:     "1415757673",
		TotalFee:       1,
		SpbillCreateIP: "14.17.22.52",
		AuthCode:       "120061098828009406",
	}
}

func newMicropayClient(t *testing.T, fs *fakeServer) (*Client, *fakeClock) {
	clk := newFakeClock()
	c := newTestClient(t, fs.URL, plainSecure(), WithClock(clk.Now), WithSleep(clk.Sleep))
	return c, clk
}

func paths(reqs []recorded) []string {
	out := make([]string, len(reqs))
	for i, r := range reqs {
		out[i] = r.Path
	}
	return out
}

func TestMicropay(t *testing.T) {
	t.Parallel()
	fs := newFakeServer(t, testKey)
	fs.onSigned("/pay/micropay", "micropay_success.xml")
	c, clk := newMicropayClient(t, fs)
	res, err := c.MicropayAndWait(context.Background(), micropayReq())
	require.NoError(t, err)
	assert.Equal(t, "1008450740201411110005820873", res.TransactionID)
	assert.Equal(t, int64(1), res.TotalFee)
	assert.Equal(t, 0, res.Polls)
	require.NotNil(t, res.Micropay)
	assert.Equal(t, "MICROPAY", res.Micropay.TradeType)
	assert.Empty(t, clk.sleeps)

	r := fs.requests()[0]
	assertRequest(t, r, "/pay/micropay")
	assert.Equal(t, "120061098828009406", r.Params["auth_code"])
	assert.Equal(t, "1", r.Params["total_fee"])
	assert.Equal(t, "013467007045764", r.Params["device_info"])
}

func TestMicropayAndWaitPaidAfterPolling(t *testing.T) {
	t.Parallel()
	fs := newFakeServer(t, testKey)
	fs.onSigned("/pay/micropay", "micropay_userpaying.xml")
	fs.onSigned("/pay/orderquery", "orderquery_userpaying.xml", "orderquery_userpaying.xml", "orderquery_success.xml")
	c, clk := newMicropayClient(t, fs)
	res, err := c.MicropayAndWait(context.Background(), micropayReq())
	require.NoError(t, err)
	assert.Equal(t, 3, res.Polls)
	assert.Equal(t, "1008450740201411110005820873", res.TransactionID)
	require.NotNil(t, res.Order)
	assert.Equal(t, []time.Duration{5 * time.Second, 5 * time.Second, 5 * time.Second}, clk.sleeps)
	assert.Equal(t, []string{"/pay/micropay", "/pay/orderquery", "/pay/orderquery", "/pay/orderquery"}, paths(fs.requests()))
	for _, r := range fs.requests()[1:] {
		assertRequest(t, r, "/pay/orderquery")
		assert.Equal(t, "1415757673", r.Params["out_trade_no"])
	}
}

func TestMicropayAndWaitReversesWhenBudgetRunsOut(t *testing.T) {
	t.Parallel()
	fs := newFakeServer(t, testKey)
	fs.onSigned("/pay/micropay", "micropay_userpaying.xml")
	fs.onSigned("/pay/orderquery", "orderquery_userpaying.xml")
	recall := signFixture(t, []byte(`<xml><return_code>SUCCESS</return_code><result_code>SUCCESS</result_code><appid>wx2421b1c4370ec43b</appid><mch_id>10000100</mch_id><nonce_str>n</nonce_str><recall>Y</recall></xml>`), SignTypeMD5, testKey)
	fs.on("/secapi/pay/reverse", recall, signFixture(t, readFixture(t, "reverse.xml"), SignTypeMD5, testKey))
	clk := newFakeClock()
	c := newTestClient(t, fs.URL, plainSecure(), WithClock(clk.Now), WithSleep(clk.Sleep), WithMicropayPolling(4*time.Second, 10*time.Second))

	start := clk.Now()
	_, err := c.MicropayAndWait(context.Background(), micropayReq())
	require.ErrorIs(t, err, ErrPaymentNotCompleted)
	var me *MicropayError
	require.ErrorAs(t, err, &me)
	assert.True(t, me.Reversed)
	assert.NoError(t, me.ReverseErr)
	assert.Equal(t, 3, me.Polls)
	assert.Equal(t, TradeStateUserPaying, me.TradeState)
	assert.Equal(t, "USERPAYING", ErrCodeOf(err), "the original micropay error is kept as Cause")
	assert.Contains(t, err.Error(), "order reversed")
	// 4s + 4s + 2s (clamped to the budget), then one wait before the recall.
	assert.Equal(t, []time.Duration{4 * time.Second, 4 * time.Second, 2 * time.Second, 4 * time.Second}, clk.sleeps)
	assert.Equal(t, 14*time.Second, clk.Now().Sub(start))
	assert.Equal(t, []string{"/pay/micropay", "/pay/orderquery", "/pay/orderquery", "/pay/orderquery",
		"/secapi/pay/reverse", "/secapi/pay/reverse"}, paths(fs.requests()))
	rev := fs.requests()[4]
	assertRequest(t, rev, "/secapi/pay/reverse")
	assert.Equal(t, "1415757673", rev.Params["out_trade_no"])
}

func TestMicropayAndWaitSystemErrorThenPayError(t *testing.T) {
	t.Parallel()
	sysErr := signFixture(t, []byte(`<xml><return_code>SUCCESS</return_code><result_code>FAIL</result_code><appid>wx2421b1c4370ec43b</appid><mch_id>10000100</mch_id><nonce_str>n</nonce_str><err_code>SYSTEMERROR</err_code><err_code_des>接口返回错误</err_code_des></xml>`), SignTypeMD5, testKey)
	payErr := signFixture(t, []byte(`<xml><return_code>SUCCESS</return_code><result_code>SUCCESS</result_code><appid>wx2421b1c4370ec43b</appid><mch_id>10000100</mch_id><nonce_str>n</nonce_str><out_trade_no>1415757673</out_trade_no><trade_state>PAYERROR</trade_state></xml>`), SignTypeMD5, testKey)
	fs := newFakeServer(t, testKey)
	fs.on("/pay/micropay", sysErr)
	fs.on("/pay/orderquery", sysErr, payErr) // a failing query is retried
	fs.onSigned("/secapi/pay/reverse", "reverse.xml")
	c, _ := newMicropayClient(t, fs)
	_, err := c.MicropayAndWait(context.Background(), micropayReq())
	var me *MicropayError
	require.ErrorAs(t, err, &me)
	assert.Equal(t, TradeStatePayError, me.TradeState)
	assert.Equal(t, 2, me.Polls)
	assert.True(t, me.Reversed)
}

func TestMicropayAndWaitDefiniteFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	// AUTH_CODE_INVALID: no polling, no reverse.
	fs := newFakeServer(t, testKey)
	fs.on("/pay/micropay", signFixture(t, []byte(`<xml><return_code>SUCCESS</return_code><result_code>FAIL</result_code><appid>wx2421b1c4370ec43b</appid><mch_id>10000100</mch_id><nonce_str>n</nonce_str><err_code>AUTH_CODE_INVALID</err_code></xml>`), SignTypeMD5, testKey))
	c, _ := newMicropayClient(t, fs)
	_, err := c.MicropayAndWait(ctx, micropayReq())
	assert.Equal(t, "AUTH_CODE_INVALID", ErrCodeOf(err))
	assert.NotErrorIs(t, err, ErrPaymentNotCompleted)
	assert.Len(t, fs.requests(), 1)

	// return_code FAIL: request refused as a whole.
	fs = newFakeServer(t, testKey)
	fs.on("/pay/micropay", readFixture(t, "return_fail.xml"))
	c, _ = newMicropayClient(t, fs)
	_, err = c.MicropayAndWait(ctx, micropayReq())
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Len(t, fs.requests(), 1)

	// Order closed meanwhile: no reverse.
	fs = newFakeServer(t, testKey)
	fs.onSigned("/pay/micropay", "micropay_userpaying.xml")
	fs.on("/pay/orderquery", signFixture(t, []byte(`<xml><return_code>SUCCESS</return_code><result_code>SUCCESS</result_code><appid>wx2421b1c4370ec43b</appid><mch_id>10000100</mch_id><nonce_str>n</nonce_str><trade_state>REVOKED</trade_state></xml>`), SignTypeMD5, testKey))
	c, _ = newMicropayClient(t, fs)
	_, err = c.MicropayAndWait(ctx, micropayReq())
	var me *MicropayError
	require.ErrorAs(t, err, &me)
	assert.False(t, me.Reversed)
	assert.Equal(t, TradeStateRevoked, me.TradeState)
	assert.Equal(t, []string{"/pay/micropay", "/pay/orderquery"}, paths(fs.requests()))

	// Invalid input is never sent.
	for _, mut := range []func(*MicropayRequest){
		func(r *MicropayRequest) { r.AuthCode = "" },
		func(r *MicropayRequest) { r.AuthCode = "12a" },
		func(r *MicropayRequest) { r.Body = "" },
		func(r *MicropayRequest) { r.OutTradeNo = "" },
		func(r *MicropayRequest) { r.TotalFee = -1 },
		func(r *MicropayRequest) { r.SpbillCreateIP = "" },
	} {
		r := micropayReq()
		mut(r)
		_, err := c.MicropayAndWait(ctx, r)
		require.ErrorIs(t, err, ErrInvalidParam)
	}
	_, err = c.MicropayAndWait(ctx, nil)
	require.ErrorIs(t, err, ErrInvalidParam)
}

func TestMicropayAndWaitReverseFails(t *testing.T) {
	t.Parallel()
	fs := newFakeServer(t, testKey)
	fs.onSigned("/pay/micropay", "micropay_userpaying.xml")
	fs.onSigned("/pay/orderquery", "orderquery_userpaying.xml")
	clk := newFakeClock()
	// No certificate: the reverse cannot be sent, which the error reports.
	c := newTestClient(t, fs.URL, WithClock(clk.Now), WithSleep(clk.Sleep), WithMicropayPolling(time.Second, 2*time.Second))
	_, err := c.MicropayAndWait(context.Background(), micropayReq())
	var me *MicropayError
	require.ErrorAs(t, err, &me)
	assert.False(t, me.Reversed)
	require.ErrorIs(t, err, ErrCertificateRequired)
	assert.Contains(t, err.Error(), "reverse failed")

	// Definite refusal of the reverse is not retried.
	fs = newFakeServer(t, testKey)
	fs.onSigned("/pay/micropay", "micropay_userpaying.xml")
	fs.onSigned("/pay/orderquery", "orderquery_userpaying.xml")
	fs.on("/secapi/pay/reverse", signFixture(t, []byte(`<xml><return_code>SUCCESS</return_code><result_code>FAIL</result_code><appid>wx2421b1c4370ec43b</appid><mch_id>10000100</mch_id><nonce_str>n</nonce_str><err_code>REVERSE_EXPIRE</err_code></xml>`), SignTypeMD5, testKey))
	c = newTestClient(t, fs.URL, plainSecure(), WithClock(clk.Now), WithSleep(clk.Sleep), WithMicropayPolling(time.Second, time.Second))
	_, err = c.MicropayAndWait(context.Background(), micropayReq())
	require.ErrorAs(t, err, &me)
	assert.Equal(t, "REVERSE_EXPIRE", ErrCodeOf(me.ReverseErr))
	reverses := 0
	for _, p := range paths(fs.requests()) {
		if p == "/secapi/pay/reverse" {
			reverses++
		}
	}
	assert.Equal(t, 1, reverses)
}

func TestMicropayAndWaitContextCancelled(t *testing.T) {
	t.Parallel()
	fs := newFakeServer(t, testKey)
	fs.onSigned("/pay/micropay", "micropay_userpaying.xml")
	fs.onSigned("/pay/orderquery", "orderquery_userpaying.xml")
	ctx, cancel := context.WithCancel(context.Background())
	clk := newFakeClock()
	sleeps := 0
	sleep := func(ctx context.Context, d time.Duration) error {
		sleeps++
		if sleeps == 2 {
			cancel()
		}
		return clk.Sleep(ctx, d)
	}
	c := newTestClient(t, fs.URL, plainSecure(), WithClock(clk.Now), WithSleep(sleep))
	_, err := c.MicropayAndWait(ctx, micropayReq())
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, err, ErrPaymentNotCompleted)
	var me *MicropayError
	require.ErrorAs(t, err, &me)
	assert.False(t, me.Reversed)
	assert.Equal(t, 1, me.Polls)
	assert.Equal(t, []string{"/pay/micropay", "/pay/orderquery"}, paths(fs.requests()))
}

func TestMicropayAndWaitRealSleepHonoursContext(t *testing.T) {
	t.Parallel()
	fs := newFakeServer(t, testKey)
	fs.onSigned("/pay/micropay", "micropay_userpaying.xml")
	c := newTestClient(t, fs.URL) // default 5s interval, real sleep
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.MicropayAndWait(ctx, micropayReq())
	require.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
	assert.Less(t, time.Since(start), 3*time.Second)
}

func TestReverseValidation(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, "http://127.0.0.1:1", plainSecure())
	_, err := c.Reverse(context.Background(), &ReverseRequest{})
	require.ErrorIs(t, err, ErrInvalidParam)
	_, err = c.Reverse(context.Background(), nil)
	require.ErrorIs(t, err, ErrInvalidParam)
}

func TestMicropayCarriesSubMerchant(t *testing.T) {
	t.Parallel()
	fs := newFakeServer(t, testKey)
	fs.onSigned("/pay/micropay", "micropay_userpaying.xml")
	fs.onSigned("/pay/orderquery", "orderquery_success.xml")
	c, _ := newMicropayClient(t, fs)
	req := micropayReq()
	req.Extra = map[string]string{"sub_mch_id": "1900000109", "sub_appid": "wx8888888888888888"}
	_, err := c.MicropayAndWait(context.Background(), req)
	require.NoError(t, err)
	q := fs.requests()[1]
	assert.Equal(t, "1900000109", q.Params["sub_mch_id"])
	assert.Equal(t, "wx8888888888888888", q.Params["sub_appid"])
}
