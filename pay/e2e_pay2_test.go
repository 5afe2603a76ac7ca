package pay_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/pay"
	"github.com/wxkit/mp/sim/paysim"
)

// simEnv is a merchant client on the WeChat Pay simulator with a verified
// notify_url whose notifications arrive on notes.
type simEnv struct {
	platform  *paysim.Platform
	srv       *httptest.Server
	client    *pay.Client
	mchid     string
	notifyURL string
	notes     chan *pay.Notification
}

func newSimEnv(t *testing.T, tweak ...func(*paysim.Options)) *simEnv {
	t.Helper()
	merchant, err := paysim.NewTestMerchant()
	require.NoError(t, err)
	opts := paysim.Options{Merchants: []paysim.Merchant{merchant.Merchant}, Mode: paysim.ModePublicKey,
		NotifyRetryDelays: []time.Duration{10 * time.Millisecond, 50 * time.Millisecond}, RefundDelay: time.Millisecond}
	for _, f := range tweak {
		f(&opts)
	}
	platform, err := paysim.New(opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = platform.Close() })
	srv := httptest.NewServer(platform.Handler())
	t.Cleanup(srv.Close)
	client, err := pay.NewClient(pay.Config{MchID: merchant.MchID, CertSerial: merchant.MerchantSerial,
		PrivateKey: merchant.PrivateKey, APIv3Key: merchant.APIv3Key},
		pay.WithBaseURL(srv.URL), pay.WithWechatPayPublicKey(platform.PublicKeyID(), platform.PublicKey()),
		pay.WithoutCertificateDownload())
	require.NoError(t, err)
	e := &simEnv{platform: platform, srv: srv, client: client, mchid: merchant.MchID, notes: make(chan *pay.Notification, 16)}
	notify := httptest.NewServer(pay.NewNotifyHandler(client, func(_ context.Context, n *pay.Notification) error {
		e.notes <- n
		return nil
	}))
	t.Cleanup(notify.Close)
	e.notifyURL = notify.URL + "/notify"
	return e
}

// next waits for the next verified notification.
func (e *simEnv) next(t *testing.T) *pay.Notification {
	t.Helper()
	select {
	case n := <-e.notes:
		return n
	case <-time.After(10 * time.Second):
		t.Fatal("no verified notification")
		return nil
	}
}

func TestEndToEndTransfer(t *testing.T) {
	t.Parallel()
	e := newSimEnv(t)
	ctx := context.Background()
	req := transferRequest()
	req.OutBillNo, req.NotifyURL, req.OpenID = "e2ebill1", e.notifyURL, "oBob"
	resp, err := e.client.CreateTransferBill(ctx, req)
	require.NoError(t, err)
	require.Equal(t, pay.TransferStateWaitUserConfirm, resp.State)
	require.NotEmpty(t, resp.PackageInfo)
	params, err := e.client.MerchantTransferParams(req.AppID, resp.PackageInfo, "oBob")
	require.NoError(t, err)
	require.Equal(t, e.mchid, params.MchID)

	// The same request again is the same bill (safe retry).
	again, err := e.client.CreateTransferBill(ctx, req)
	require.NoError(t, err)
	require.Equal(t, resp.TransferBillNo, again.TransferBillNo)

	// The user confirms in the page.
	_, err = e.platform.ConfirmTransfer(ctx, e.mchid, "e2ebill1", "oBob", true)
	require.NoError(t, err)
	n := e.next(t)
	tb, err := n.TransferBill()
	require.NoError(t, err)
	require.Equal(t, pay.TransferStateSuccess, tb.State)
	require.Equal(t, resp.TransferBillNo, tb.TransferBillNo)
	require.EqualValues(t, 400000, tb.TransferAmount)

	got, err := e.client.QueryTransferBillByNo(ctx, resp.TransferBillNo)
	require.NoError(t, err)
	require.Equal(t, pay.TransferStateSuccess, got.State)
	_, err = e.client.CancelTransferBill(ctx, "e2ebill1")
	requireAPIError(t, err, 400, "INVALID_REQUEST")

	// A second bill is cancelled before the user confirms.
	req.OutBillNo, req.TransferAmount, req.UserName = "e2ebill2", 100, ""
	_, err = e.client.CreateTransferBill(ctx, req)
	require.NoError(t, err)
	cr, err := e.client.CancelTransferBill(ctx, "e2ebill2")
	require.NoError(t, err)
	require.Equal(t, pay.TransferStateCanceling, cr.State)
	tb, err = e.next(t).TransferBill()
	require.NoError(t, err)
	require.Equal(t, pay.TransferStateCancelled, tb.State)
	q, err := e.client.QueryTransferBill(ctx, "e2ebill2")
	require.NoError(t, err)
	require.Equal(t, pay.TransferStateCancelled, q.State)

	_, err = e.client.QueryTransferBill(ctx, "nosuchbill")
	requireAPIError(t, err, 404, "NOT_FOUND")
}

func TestEndToEndCodepay(t *testing.T) {
	t.Parallel()
	e := newSimEnv(t, func(o *paysim.Options) { o.MicropayUserPayingQueries = 2 })
	ctx := context.Background()
	wait := &pay.CodepayWait{Sleep: (&noSleep{}).sleep}
	order := func(no, code string) *pay.CodepayRequest {
		r := codepayRequest()
		r.OutTradeNo, r.Payer.AuthCode = no, code
		return r
	}
	// Paid at once.
	tx, err := e.client.CodepayAndWait(ctx, order("codepay-now", "134567890123456780"), wait)
	require.NoError(t, err)
	require.Equal(t, pay.TradeStateSuccess, tx.TradeState)
	require.NotEmpty(t, tx.TransactionID)

	// USERPAYING, then paid while we poll.
	first, err := e.client.Codepay(ctx, order("codepay-pwd", "134567890123456781"))
	require.NoError(t, err)
	require.Equal(t, pay.TradeStateUserPaying, first.TradeState)
	tx, err = e.client.CodepayAndWait(ctx, order("codepay-pwd", "134567890123456781"), wait)
	require.NoError(t, err)
	require.Equal(t, pay.TradeStateSuccess, tx.TradeState)

	// Never paid: reversed.
	_, err = e.client.CodepayAndWait(ctx, order("codepay-never", "134567890123456782"), wait)
	require.ErrorIs(t, err, pay.ErrCodepayNotPaid)
	q, err := e.client.QueryOrderByOutTradeNo(ctx, "codepay-never")
	require.NoError(t, err)
	require.Equal(t, pay.TradeStateRevoked, q.TradeState)

	// Refused: balance too low.
	_, err = e.client.CodepayAndWait(ctx, order("codepay-poor", "134567890123456783"), wait)
	requireAPIError(t, err, 403, "NOT_ENOUGH")
}

// paidOrder places and pays a JSAPI order on the simulator.
func (e *simEnv) paidOrder(t *testing.T, outTradeNo string, total int64, settle bool) *pay.Transaction {
	t.Helper()
	ctx := context.Background()
	req := &pay.OrderRequest{AppID: "wx51a0de0000000001", Description: "咖啡", OutTradeNo: outTradeNo,
		NotifyURL: e.notifyURL, Amount: pay.Amount{Total: total}, Payer: &pay.Payer{OpenID: "oAlice"}}
	if settle {
		req.SettleInfo = &pay.SettleInfo{ProfitSharing: true}
	}
	prepay, err := e.client.CreateJSAPIOrder(ctx, req)
	require.NoError(t, err)
	_, err = e.platform.Pay(ctx, e.mchid, prepay.PrepayID, "oAlice")
	require.NoError(t, err)
	n := e.next(t) // TRANSACTION.SUCCESS
	tx, err := n.Transaction()
	require.NoError(t, err)
	return tx
}

func TestEndToEndComplaint(t *testing.T) {
	t.Parallel()
	e := newSimEnv(t)
	ctx := context.Background()
	tx := e.paidOrder(t, "complained-order", 2500, false)

	_, err := e.client.CreateComplaintNotifyURL(ctx, e.notifyURL)
	require.NoError(t, err)
	u, err := e.client.GetComplaintNotifyURL(ctx)
	require.NoError(t, err)
	require.Equal(t, e.notifyURL, u.URL)

	filed, err := e.platform.FileComplaint(ctx, e.mchid, "complained-order", "oAlice", "咖啡是凉的", "13800138000", true)
	require.NoError(t, err)
	cn, err := e.next(t).Complaint()
	require.NoError(t, err)
	require.Equal(t, filed.ComplaintID, cn.ComplaintID)
	require.Equal(t, pay.ComplaintActionCreate, cn.ActionType)

	cpl, err := e.client.GetComplaint(ctx, cn.ComplaintID)
	require.NoError(t, err)
	require.Equal(t, pay.ComplaintStatePending, cpl.ComplaintState)
	require.Equal(t, tx.TransactionID, cpl.ComplaintOrderInfo[0].TransactionID)
	phone, err := e.client.ComplaintPayerPhone(cpl)
	require.NoError(t, err)
	require.Equal(t, "13800138000", phone)

	// The user's picture, streamed.
	var img bytes.Buffer
	_, err = e.client.DownloadComplaintImage(ctx, cpl.ComplaintMediaList[0].MediaURL[0], &img)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(img.Bytes(), []byte("\x89PNG")))

	// Respond with our own image, then complete.
	media, err := e.client.UploadComplaintImage(ctx, "refund-proof.png", bytes.NewReader(img.Bytes()))
	require.NoError(t, err)
	err = e.client.RespondComplaint(ctx, cpl.ComplaintID, &pay.ComplaintResponse{ResponseContent: "已为您重做一杯", ResponseImages: []string{media.MediaID}})
	require.NoError(t, err)
	cn, err = e.next(t).Complaint()
	require.NoError(t, err)
	require.Equal(t, pay.ComplaintActionMerchantResponse, cn.ActionType)
	require.NoError(t, e.client.CompleteComplaint(ctx, cpl.ComplaintID))
	cn, err = e.next(t).Complaint()
	require.NoError(t, err)
	require.Equal(t, pay.ComplaintActionMerchantComplete, cn.ActionType)

	hist, err := e.client.NegotiationHistory(ctx, cpl.ComplaintID, 0, 0)
	require.NoError(t, err)
	require.Equal(t, 3, hist.TotalCount)
	require.Equal(t, []string{media.MediaID}, hist.Data[1].ImageList)

	var states []string
	for c, err := range e.client.Complaints(ctx, time.Now().AddDate(0, 0, -40), time.Now().AddDate(0, 0, 1), 0) {
		require.NoError(t, err)
		states = append(states, c.ComplaintState)
	}
	require.Equal(t, []string{pay.ComplaintStateProcessed}, states)

	// Refused by the simulator as by WeChat Pay.
	requireAPIError(t, e.client.CompleteComplaint(ctx, cpl.ComplaintID), 400, "INVALID_REQUEST")
	err = e.client.RespondComplaint(ctx, cpl.ComplaintID, &pay.ComplaintResponse{ResponseContent: "x", ResponseImages: []string{"nosuchmedia"}})
	requireAPIError(t, err, 400, "PARAM_ERROR")
	require.NoError(t, e.client.DeleteComplaintNotifyURL(ctx))
	_, err = e.client.GetComplaintNotifyURL(ctx)
	requireAPIError(t, err, 404, "RESOURCE_NOT_EXISTS")
}

func TestEndToEndProfitSharing(t *testing.T) {
	t.Parallel()
	e := newSimEnv(t)
	ctx := context.Background()
	tx := e.paidOrder(t, "shared-order", 10000, true)
	_, err := e.client.AddProfitSharingReceiver(ctx, &pay.ProfitSharingReceiver{AppID: "wx51a0de0000000001",
		Type: pay.ReceiverTypeMerchant, Account: "1900000222", Name: "门店甲", RelationType: pay.RelationStoreOwner})
	require.NoError(t, err)

	order, err := e.client.CreateProfitSharingOrder(ctx, &pay.ProfitSharingOrderRequest{AppID: "wx51a0de0000000001",
		TransactionID: tx.TransactionID, OutOrderNo: "PS001",
		Receivers: []pay.ProfitSharingOrderReceiver{{Type: pay.ReceiverTypeMerchant, Account: "1900000222", Name: "门店甲", Amount: 2000, Description: "门店分成"}}})
	require.NoError(t, err)
	require.Equal(t, pay.ProfitSharingStateFinished, order.State)
	ps, err := e.next(t).ProfitSharing()
	require.NoError(t, err)
	require.EqualValues(t, 2000, ps.Receiver.Amount)

	left, err := e.client.ProfitSharingUnsplitAmount(ctx, tx.TransactionID)
	require.NoError(t, err)
	require.EqualValues(t, 8000, left.UnsplitAmount)
	// More than the 30% ratio is refused.
	_, err = e.client.CreateProfitSharingOrder(ctx, &pay.ProfitSharingOrderRequest{AppID: "wx51a0de0000000001",
		TransactionID: tx.TransactionID, OutOrderNo: "PS002",
		Receivers: []pay.ProfitSharingOrderReceiver{{Type: pay.ReceiverTypeMerchant, Account: "1900000222", Amount: 1001, Description: "再分"}}})
	requireAPIError(t, err, 400, "INVALID_REQUEST")

	ret, err := e.client.CreateProfitSharingReturn(ctx, &pay.ProfitSharingReturnRequest{OutOrderNo: "PS001", OutReturnNo: "RET001",
		ReturnMchID: "1900000222", Amount: 500, Description: "用户退款"})
	require.NoError(t, err)
	require.Equal(t, pay.ProfitSharingReturnSuccess, ret.Result)
	q, err := e.client.QueryProfitSharingReturn(ctx, "RET001", "PS001")
	require.NoError(t, err)
	require.EqualValues(t, 500, q.Amount)
	_, err = e.client.CreateProfitSharingReturn(ctx, &pay.ProfitSharingReturnRequest{OutOrderNo: "PS001", OutReturnNo: "RET002",
		ReturnMchID: "1900000222", Amount: 1501, Description: "超额回退"})
	requireAPIError(t, err, 403, "NOT_ENOUGH")

	un, err := e.client.UnfreezeProfitSharing(ctx, &pay.UnfreezeProfitSharingRequest{TransactionID: tx.TransactionID, OutOrderNo: "UNF001", Description: "解冻全部剩余资金"})
	require.NoError(t, err)
	require.EqualValues(t, 8000, un.Receivers[0].Amount)
	left, err = e.client.ProfitSharingUnsplitAmount(ctx, tx.TransactionID)
	require.NoError(t, err)
	require.Zero(t, left.UnsplitAmount)
	got, err := e.client.QueryProfitSharingOrder(ctx, "PS001", tx.TransactionID)
	require.NoError(t, err)
	require.Equal(t, order.OrderID, got.OrderID)

	bill, err := e.client.ProfitSharingBill(ctx, &pay.ProfitSharingBillRequest{BillDate: time.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly), TarType: pay.TarTypeGZIP})
	require.NoError(t, err)
	var csv bytes.Buffer
	_, err = e.client.DownloadBill(ctx, bill, &csv)
	require.NoError(t, err)
	require.Contains(t, csv.String(), "门店分成")

	_, err = e.client.DeleteProfitSharingReceiver(ctx, "wx51a0de0000000001", pay.ReceiverTypeMerchant, "1900000222")
	require.NoError(t, err)
}
