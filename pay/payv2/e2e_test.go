package payv2_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/pay/payv2"
	"github.com/wxkit/mp/sim/paysim"
)

// End-to-end tests of payv2 against the independent API v2 implementation of
// the simulator (sim/paysim), built from the official documentation.

const (
	e2eAppID  = "wxd678efh567hg6787"
	e2eMchID  = "1230000109"
	e2eAPIKey = "e2e00000000000000000000000000v2k"
	e2eOpenID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
)

type e2e struct {
	p        *paysim.Platform
	sim      *httptest.Server // the simulated WeChat Pay
	merchant *httptest.Server // the merchant's notify_url endpoints
	c        *payv2.Client
	payments chan *payv2.PaymentNotification
	refunds  chan *payv2.RefundNotification
}

func newE2E(t *testing.T, signType payv2.SignType) *e2e {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048) // v3 keys the simulator needs; unused by v2
	require.NoError(t, err)
	p, err := paysim.New(paysim.Options{
		Merchants: []paysim.Merchant{{
			MchID:             e2eMchID,
			APIv3Key:          "e2e000000000000000000000000000v3",
			MerchantPublicKey: &key.PublicKey,
			AppIDs:            []string{e2eAppID},
			APIKey:            e2eAPIKey,
		}},
		PlatformKey:               key,
		PublicKeyKey:              key,
		NotifyRetryDelays:         []time.Duration{10 * time.Millisecond, 10 * time.Millisecond},
		RefundDelay:               20 * time.Millisecond,
		MicropayUserPayingQueries: 1,
	})
	require.NoError(t, err)
	e := &e2e{p: p, sim: httptest.NewServer(p.Handler()),
		payments: make(chan *payv2.PaymentNotification, 8), refunds: make(chan *payv2.RefundNotification, 8)}
	// /secapi needs the merchant certificate in production; the simulator
	// serves plain HTTP, so the secure client is a plain one here.
	e.c, err = payv2.NewClient(payv2.Config{AppID: e2eAppID, MchID: e2eMchID, APIKey: e2eAPIKey, SignType: signType},
		payv2.WithBaseURL(e.sim.URL),
		payv2.WithSecureHTTPClient(e.sim.Client()),
		payv2.WithMicropayPolling(5*time.Millisecond, 200*time.Millisecond))
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/notify", e.c.PaymentNotificationHandler(func(_ context.Context, n *payv2.PaymentNotification) error {
		e.payments <- n
		return nil
	}))
	mux.Handle("/refund", e.c.RefundNotificationHandler(func(_ context.Context, n *payv2.RefundNotification) error {
		e.refunds <- n
		return nil
	}))
	e.merchant = httptest.NewServer(mux)
	t.Cleanup(func() {
		e.merchant.Close()
		e.sim.Close()
		_ = p.Close()
	})
	return e
}

func recv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(5 * time.Second):
		t.Fatal("no notification arrived")
		var zero T
		return zero
	}
}

func (e *e2e) order(outTradeNo string) *payv2.UnifiedOrderRequest {
	return &payv2.UnifiedOrderRequest{
		DeviceInfo: "WEB", Body: "腾讯充值中心-QQ会员充值", Attach: "深圳分店", OutTradeNo: outTradeNo,
		TotalFee: 888, SpbillCreateIP: "123.12.12.123", NotifyURL: e.merchant.URL + "/notify",
		TradeType: payv2.TradeTypeJSAPI, OpenID: e2eOpenID,
	}
}

func TestE2E(t *testing.T) {
	t.Parallel()
	for _, st := range []payv2.SignType{payv2.SignTypeMD5, payv2.SignTypeHMACSHA256} {
		t.Run(string(st), func(t *testing.T) {
			t.Parallel()
			e := newE2E(t, st)
			t.Run("PayNotifyQueryRefund", func(t *testing.T) { e.payAndRefund(t, st) })
			t.Run("CloseOrder", e.closeOrder)
			t.Run("NativeAppAndBadKey", e.nativeAppAndBadKey)
			t.Run("RefundPaging", e.refundPaging)
			t.Run("Micropay", e.micropay)
			t.Run("DownloadBill", e.downloadBill) // after the others: their orders are on the bill
		})
	}
}

func (e *e2e) payAndRefund(t *testing.T, st payv2.SignType) {
	ctx := t.Context()
	uo, err := e.c.UnifiedOrder(ctx, e.order("E2E000001"))
	require.NoError(t, err)
	assert.Equal(t, payv2.TradeTypeJSAPI, uo.TradeType)
	require.True(t, strings.HasPrefix(uo.PrepayID, "wx"), uo.PrepayID)

	// 订单重入 with the same parameters gives the same prepay_id; other
	// parameters are refused.
	again, err := e.c.UnifiedOrder(ctx, e.order("E2E000001"))
	require.NoError(t, err)
	assert.Equal(t, uo.PrepayID, again.PrepayID)
	changed := e.order("E2E000001")
	changed.TotalFee = 1
	_, err = e.c.UnifiedOrder(ctx, changed)
	assert.Equal(t, "OUT_TRADE_NO_USED", payv2.ErrCodeOf(err), err)

	// The page's getBrandWCPayRequest parameters, checked with the
	// simulator's independent signer.
	js, err := e.c.JSAPIParams(uo.PrepayID)
	require.NoError(t, err)
	assert.Equal(t, "prepay_id="+uo.PrepayID, js.Package)
	assert.Equal(t, string(st), js.SignType)
	want, err := paysim.SignV2(map[string]string{"appId": js.AppID, "timeStamp": js.TimeStamp, "nonceStr": js.NonceStr,
		"package": js.Package, "signType": js.SignType}, js.SignType, e2eAPIKey)
	require.NoError(t, err)
	assert.Equal(t, want, js.PaySign)

	paid, err := e.p.Pay(ctx, e2eMchID, uo.PrepayID, e2eOpenID)
	require.NoError(t, err)
	n := recv(t, e.payments)
	assert.True(t, n.Paid())
	assert.Equal(t, paid.TransactionID, n.TransactionID)
	assert.Equal(t, "E2E000001", n.OutTradeNo)
	assert.Equal(t, int64(888), n.TotalFee)
	assert.Equal(t, int64(888), n.CashFee)
	assert.Equal(t, e2eOpenID, n.OpenID)
	assert.Equal(t, "深圳分店", n.Attach)
	assert.Equal(t, payv2.TradeTypeJSAPI, n.TradeType)
	end, err := payv2.ParseTime(n.TimeEnd)
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now(), end, time.Minute)
	if st == payv2.SignTypeHMACSHA256 {
		assert.Equal(t, "HMAC-SHA256", n.SignType)
	}
	require.Eventually(t, func() bool { return acknowledged(e.p, paysim.EventV2Payment) == 1 }, 5*time.Second, 5*time.Millisecond,
		"NotifySuccessReply must end the retries")

	q, err := e.c.OrderQuery(ctx, &payv2.OrderQueryRequest{OutTradeNo: "E2E000001"})
	require.NoError(t, err)
	assert.True(t, q.Paid())
	assert.Equal(t, paid.TransactionID, q.TransactionID)
	assert.Equal(t, int64(888), q.TotalFee)
	q, err = e.c.OrderQuery(ctx, &payv2.OrderQueryRequest{TransactionID: paid.TransactionID})
	require.NoError(t, err)
	assert.Equal(t, payv2.TradeStateSuccess, q.TradeState)

	_, err = e.c.CloseOrder(ctx, "E2E000001")
	assert.Equal(t, "ORDERPAID", payv2.ErrCodeOf(err), err)

	rf, err := e.c.Refund(ctx, &payv2.RefundRequest{TransactionID: paid.TransactionID, OutRefundNo: "E2ER00001",
		TotalFee: 888, RefundFee: 300, RefundDesc: "商品已售完", NotifyURL: e.merchant.URL + "/refund"})
	require.NoError(t, err)
	assert.Equal(t, "E2E000001", rf.OutTradeNo)
	assert.Equal(t, int64(300), rf.RefundFee)
	assert.Equal(t, int64(888), rf.TotalFee)
	require.NotEmpty(t, rf.RefundID)

	rn := recv(t, e.refunds)
	assert.Equal(t, "SUCCESS", rn.ReturnCode)
	assert.Equal(t, e2eMchID, rn.MchID)
	assert.Equal(t, rf.RefundID, rn.RefundID)
	assert.Equal(t, "E2ER00001", rn.OutRefundNo)
	assert.Equal(t, paid.TransactionID, rn.TransactionID)
	assert.Equal(t, int64(300), rn.RefundFee)
	assert.Equal(t, int64(888), rn.TotalFee)
	assert.Equal(t, "SUCCESS", rn.RefundStatus)
	assert.Equal(t, "API", rn.RefundRequestSource)
	_, err = payv2.ParseTime(rn.SuccessTime)
	require.NoError(t, err)

	rq, err := e.c.RefundQuery(ctx, &payv2.RefundQueryRequest{OutTradeNo: "E2E000001"})
	require.NoError(t, err)
	assert.Equal(t, int64(1), rq.RefundCount)
	require.Len(t, rq.Refunds, 1)
	assert.Equal(t, rf.RefundID, rq.Refunds[0].RefundID)
	assert.Equal(t, "SUCCESS", rq.Refunds[0].RefundStatus)
	assert.Equal(t, int64(300), rq.Refunds[0].RefundFee)
	_, err = e.c.RefundQuery(ctx, &payv2.RefundQueryRequest{OutRefundNo: "NOSUCHREFUND"})
	assert.Equal(t, "REFUNDNOTEXIST", payv2.ErrCodeOf(err), err)

	_, err = e.c.Refund(ctx, &payv2.RefundRequest{OutTradeNo: "E2E000001", OutRefundNo: "E2ER00002", TotalFee: 888, RefundFee: 600})
	var pe *payv2.Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "ERROR", pe.ErrCode, "累计退款金额大于支付金额")
	assert.False(t, pe.Communication())
}

func acknowledged(p *paysim.Platform, event string) int {
	n := 0
	for _, a := range p.Notifications() {
		if a.EventType == event && a.Acknowledged {
			n++
		}
	}
	return n
}

func (e *e2e) closeOrder(t *testing.T) {
	ctx := t.Context()
	_, err := e.c.UnifiedOrder(ctx, e.order("E2E000002"))
	require.NoError(t, err)
	cr, err := e.c.CloseOrder(ctx, "E2E000002")
	require.NoError(t, err)
	assert.Equal(t, "SUCCESS", cr.ResultCode)
	q, err := e.c.OrderQuery(ctx, &payv2.OrderQueryRequest{OutTradeNo: "E2E000002"})
	require.NoError(t, err)
	assert.Equal(t, payv2.TradeStateClosed, q.TradeState)
	assert.False(t, q.Paid())
	_, err = e.c.CloseOrder(ctx, "E2E000002")
	assert.Equal(t, "ORDERCLOSED", payv2.ErrCodeOf(err), err)
	_, err = e.c.CloseOrder(ctx, "E2ENOSUCH")
	assert.Equal(t, "ORDERNOTEXIST", payv2.ErrCodeOf(err), err)
	_, err = e.c.OrderQuery(ctx, &payv2.OrderQueryRequest{OutTradeNo: "E2ENOSUCH"})
	assert.Equal(t, "ORDERNOTEXIST", payv2.ErrCodeOf(err), err)
	_, err = e.p.Pay(ctx, e2eMchID, "E2E000002", "")
	require.Error(t, err, "a closed order cannot be paid")
}

func (e *e2e) nativeAppAndBadKey(t *testing.T) {
	ctx := t.Context()
	native := e.order("E2E000004")
	native.TradeType, native.OpenID, native.ProductID = payv2.TradeTypeNative, "", "12235413214070356458058"
	uo, err := e.c.UnifiedOrder(ctx, native)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(uo.CodeURL, "weixin://wxpay/bizpayurl?pr="), uo.CodeURL)
	_, err = e.p.Pay(ctx, "", uo.CodeURL, "") // the user scans the code
	require.NoError(t, err)
	n := recv(t, e.payments)
	assert.Equal(t, "E2E000004", n.OutTradeNo)
	assert.Equal(t, payv2.TradeTypeNative, n.TradeType)

	app := e.order("E2E000005")
	app.TradeType, app.OpenID = payv2.TradeTypeApp, ""
	uo, err = e.c.UnifiedOrder(ctx, app)
	require.NoError(t, err)
	ap, err := e.c.AppParams(uo.PrepayID)
	require.NoError(t, err)
	want, err := paysim.SignV2(map[string]string{"appid": ap.AppID, "partnerid": ap.PartnerID, "prepayid": ap.PrepayID,
		"package": ap.Package, "noncestr": ap.NonceStr, "timestamp": ap.Timestamp}, string(e.c.SignType()), e2eAPIKey)
	require.NoError(t, err)
	assert.Equal(t, want, ap.Sign)
	assert.Equal(t, e2eMchID, ap.PartnerID)

	// A client with the wrong API key is refused as a whole: return_code FAIL.
	bad, err := payv2.NewClient(payv2.Config{AppID: e2eAppID, MchID: e2eMchID, APIKey: strings.Repeat("x", 32), SignType: e.c.SignType()},
		payv2.WithBaseURL(e.sim.URL))
	require.NoError(t, err)
	_, err = bad.OrderQuery(ctx, &payv2.OrderQueryRequest{OutTradeNo: "E2E000004"})
	var pe *payv2.Error
	require.ErrorAs(t, err, &pe)
	assert.True(t, pe.Communication())
	assert.Equal(t, "签名错误", pe.ReturnMsg)
}

// refundPaging makes eleven partial refunds and reads them back ten at a time
// (查询退款 offset).
func (e *e2e) refundPaging(t *testing.T) {
	ctx := t.Context()
	uo, err := e.c.UnifiedOrder(ctx, e.order("E2E000006"))
	require.NoError(t, err)
	_, err = e.p.Pay(ctx, "", uo.PrepayID, "")
	require.NoError(t, err)
	recv(t, e.payments)
	for i := range 11 {
		_, err := e.c.Refund(ctx, &payv2.RefundRequest{OutTradeNo: "E2E000006", OutRefundNo: "E2EPG" + strconv.Itoa(100+i),
			TotalFee: 888, RefundFee: 10})
		require.NoError(t, err)
	}
	first, err := e.c.RefundQuery(ctx, &payv2.RefundQueryRequest{OutTradeNo: "E2E000006"})
	require.NoError(t, err)
	assert.Equal(t, int64(10), first.RefundCount)
	require.Len(t, first.Refunds, 10)
	assert.Equal(t, "E2EPG100", first.Refunds[0].OutRefundNo)
	rest, err := e.c.RefundQuery(ctx, &payv2.RefundQueryRequest{OutTradeNo: "E2E000006", Offset: 10})
	require.NoError(t, err)
	assert.Equal(t, int64(11), rest.TotalRefundCount)
	require.Len(t, rest.Refunds, 1)
	assert.Equal(t, "E2EPG110", rest.Refunds[0].OutRefundNo)
	assert.Equal(t, int64(10), rest.Refunds[0].RefundFee)
}

func (e *e2e) micropay(t *testing.T) {
	ctx := t.Context()
	req := func(no, code string) *payv2.MicropayRequest {
		return &payv2.MicropayRequest{DeviceInfo: "013467007045764", Body: "image形象店-深圳腾大- QQ公仔",
			OutTradeNo: no, TotalFee: 1, SpbillCreateIP: "8.8.8.8", AuthCode: code}
	}

	// Paid at once.
	res, err := e.c.MicropayAndWait(ctx, req("E2EMP0000", "134567890123456780"))
	require.NoError(t, err)
	assert.Equal(t, 0, res.Polls)
	require.NotNil(t, res.Micropay)
	assert.Equal(t, payv2.TradeTypeMicropay, res.TradeType)
	assert.Equal(t, int64(1), res.TotalFee)
	assert.NotEmpty(t, res.TransactionID)

	// USERPAYING, then paid while polling 查询订单.
	_, err = e.c.Micropay(ctx, req("E2EMP0001", "104567890123456781"))
	assert.Equal(t, "USERPAYING", payv2.ErrCodeOf(err), err)
	res, err = e.c.MicropayAndWait(ctx, req("E2EMP0001", "104567890123456781"))
	require.NoError(t, err)
	assert.GreaterOrEqual(t, res.Polls, 1)
	require.NotNil(t, res.Order)
	assert.Equal(t, payv2.TradeStateSuccess, res.Order.TradeState)
	assert.NotEmpty(t, res.TransactionID)

	// Never paid: polled until the budget runs out, then reversed.
	_, err = e.c.MicropayAndWait(ctx, req("E2EMP0002", "154567890123456782"))
	var me *payv2.MicropayError
	require.ErrorAs(t, err, &me)
	assert.True(t, errors.Is(err, payv2.ErrPaymentNotCompleted))
	assert.True(t, me.Reversed, me.ReverseErr)
	assert.Equal(t, payv2.TradeStateUserPaying, me.TradeState)
	assert.Positive(t, me.Polls)
	q, err := e.c.OrderQuery(ctx, &payv2.OrderQueryRequest{OutTradeNo: "E2EMP0002"})
	require.NoError(t, err)
	assert.Equal(t, payv2.TradeStateRevoked, q.TradeState)

	// Definite failures are returned as they are, without polling.
	_, err = e.c.MicropayAndWait(ctx, req("E2EMP0003", "134567890123456783"))
	assert.Equal(t, "NOTENOUGH", payv2.ErrCodeOf(err), err)
	_, err = e.c.MicropayAndWait(ctx, req("E2EMP0004", "134567890123456784"))
	assert.Equal(t, "AUTHCODEEXPIRE", payv2.ErrCodeOf(err), err)
	_, err = e.c.MicropayAndWait(ctx, req("E2EMP0005", "134567890123456785"))
	assert.Equal(t, "AUTH_CODE_INVALID", payv2.ErrCodeOf(err), err)

	// 撤销订单 of a JSAPI order is refused.
	_, err = e.c.UnifiedOrder(ctx, e.order("E2E000003"))
	require.NoError(t, err)
	_, err = e.c.Reverse(ctx, &payv2.ReverseRequest{OutTradeNo: "E2E000003"})
	assert.Equal(t, "TRADE_ERROR", payv2.ErrCodeOf(err), err)
}

func (e *e2e) downloadBill(t *testing.T) {
	ctx := t.Context()
	today := time.Now().In(time.FixedZone("CST", 8*3600)).Format("20060102")
	var plain bytes.Buffer
	n, err := e.c.DownloadBill(ctx, &payv2.DownloadBillRequest{BillDate: today, BillType: payv2.BillTypeAll}, &plain)
	require.NoError(t, err)
	assert.Equal(t, int64(plain.Len()), n)
	lines := strings.Split(strings.TrimRight(plain.String(), "\n"), "\n")
	require.GreaterOrEqual(t, len(lines), 4, plain.String())
	assert.True(t, strings.HasPrefix(lines[0], "交易时间,公众账号ID,商户号"), lines[0])
	assert.True(t, strings.HasPrefix(lines[1], "`"), lines[1])
	assert.True(t, strings.HasPrefix(lines[len(lines)-2], "总交易单数,"), lines[len(lines)-2])
	assert.Contains(t, plain.String(), "`E2E000001,")

	var gz bytes.Buffer
	_, err = e.c.DownloadBill(ctx, &payv2.DownloadBillRequest{BillDate: today, TarType: "GZIP"}, &gz)
	require.NoError(t, err)
	zr, err := gzip.NewReader(&gz)
	require.NoError(t, err)
	unzipped, err := io.ReadAll(zr)
	require.NoError(t, err)
	assert.Equal(t, plain.String(), string(unzipped))

	var dec bytes.Buffer
	_, err = e.c.DownloadBill(ctx, &payv2.DownloadBillRequest{BillDate: today, TarType: "GZIP", Decompress: true}, &dec)
	require.NoError(t, err)
	assert.Equal(t, plain.String(), dec.String())

	var none bytes.Buffer
	_, err = e.c.DownloadBill(ctx, &payv2.DownloadBillRequest{BillDate: "20200101"}, &none)
	var pe *payv2.Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "20002", pe.ErrCode)
	assert.Equal(t, "No Bill Exist", pe.ReturnMsg)
	assert.Zero(t, none.Len(), "nothing written on failure")
}
