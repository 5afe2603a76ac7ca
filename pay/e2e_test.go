package pay_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/pay"
	"github.com/wxkit/mp/sim/paysim"
)

// TestEndToEndAgainstSimulator runs a whole JSAPI payment against the
// independent WeChat Pay simulator, in each key mode: order, client-side
// parameters, the simulated payer, the signed and encrypted notification
// verified by our handler, query, refund.
func TestEndToEndAgainstSimulator(t *testing.T) {
	t.Parallel()
	merchant, err := paysim.NewTestMerchant()
	require.NoError(t, err)
	for _, mode := range []paysim.Mode{paysim.ModeCertificate, paysim.ModePublicKey, paysim.ModeBoth} {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			platform, err := paysim.New(paysim.Options{Merchants: []paysim.Merchant{merchant.Merchant}, Mode: mode,
				NotifyRetryDelays: []time.Duration{10 * time.Millisecond}, RefundDelay: time.Millisecond})
			require.NoError(t, err)
			t.Cleanup(func() { _ = platform.Close() })
			srv := httptest.NewServer(platform.Handler())
			t.Cleanup(srv.Close)

			opts := []pay.Option{pay.WithBaseURL(srv.URL)}
			if mode != paysim.ModeCertificate {
				opts = append(opts, pay.WithWechatPayPublicKey(platform.PublicKeyID(), platform.PublicKey()))
			}
			client, err := pay.NewClient(pay.Config{MchID: merchant.MchID, CertSerial: merchant.MerchantSerial,
				PrivateKey: merchant.PrivateKey, APIv3Key: merchant.APIv3Key}, opts...)
			require.NoError(t, err)

			paid := make(chan *pay.Transaction, 4)
			notify := httptest.NewServer(pay.NewNotifyHandler(client, func(ctx context.Context, n *pay.Notification) error {
				tx, err := n.Transaction()
				if err != nil {
					return err
				}
				paid <- tx
				return nil
			}))
			t.Cleanup(notify.Close)

			ctx := context.Background()
			prepay, err := client.CreateJSAPIOrder(ctx, &pay.OrderRequest{
				AppID: "wx51a0de0000000001", Description: "咖啡 ×1", OutTradeNo: "order-" + string(mode),
				NotifyURL: notify.URL, Amount: pay.Amount{Total: 1800, Currency: "CNY"}, Payer: &pay.Payer{OpenID: "oAlice"},
			})
			require.NoError(t, err)
			require.NotEmpty(t, prepay.PrepayID)

			params, err := client.JSAPIParams("wx51a0de0000000001", prepay.PrepayID)
			require.NoError(t, err)
			assert.Equal(t, "prepay_id="+prepay.PrepayID, params.Package)
			assert.Equal(t, "RSA", params.SignType)

			before, err := client.QueryOrderByOutTradeNo(ctx, "order-"+string(mode))
			require.NoError(t, err)
			assert.Equal(t, "NOTPAY", before.TradeState)

			_, err = platform.Pay(ctx, merchant.MchID, prepay.PrepayID, "oAlice")
			require.NoError(t, err)
			select {
			case tx := <-paid:
				assert.Equal(t, "SUCCESS", tx.TradeState)
				assert.Equal(t, "order-"+string(mode), tx.OutTradeNo)
				assert.EqualValues(t, 1800, tx.Amount.Total)
			case <-time.After(10 * time.Second):
				t.Fatal("no verified notification")
			}
			require.Eventually(t, func() bool {
				for _, n := range platform.Notifications() {
					if n.Acknowledged && n.Status == http.StatusOK {
						return true
					}
				}
				return false
			}, 5*time.Second, 10*time.Millisecond, "the simulator saw our acknowledgement")

			after, err := client.QueryOrderByOutTradeNo(ctx, "order-"+string(mode))
			require.NoError(t, err)
			assert.Equal(t, "SUCCESS", after.TradeState)

			refund, err := client.CreateRefund(ctx, &pay.RefundRequest{OutTradeNo: "order-" + string(mode), OutRefundNo: "refund-" + string(mode),
				Amount: pay.RefundAmountRequest{Refund: 800, Total: 1800, Currency: "CNY"}})
			require.NoError(t, err)
			assert.Equal(t, "refund-"+string(mode), refund.OutRefundNo)

			// 关闭订单 answers 204 with an empty body: the simulator signs it
			// ("ts\nnonce\n\n") and the client verifies it.
			_, err = client.CreateJSAPIOrder(ctx, &pay.OrderRequest{
				AppID: "wx51a0de0000000001", Description: "茶 ×1", OutTradeNo: "close-" + string(mode),
				NotifyURL: notify.URL, Amount: pay.Amount{Total: 100, Currency: "CNY"}, Payer: &pay.Payer{OpenID: "oAlice"},
			})
			require.NoError(t, err)
			require.NoError(t, client.CloseOrder(ctx, "close-"+string(mode)))
		})
	}
}
