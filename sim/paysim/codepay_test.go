package paysim

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func codepayBody(no, code string) map[string]any {
	return map[string]any{
		"appid": "wxd678efh567hg6787", "mchid": "1900009191", "description": "咖啡", "out_trade_no": no,
		"payer": map[string]string{"auth_code": code}, "amount": map[string]any{"total": 100, "currency": "CNY"},
		"scene_info": map[string]string{"device_id": "POS1"},
	}
}

func TestCodepayOutcomes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *Options) { o.MicropayUserPayingQueries = -1 })
	r := f.do("POST", "/v3/pay/transactions/codepay", codepayBody("CP0001", "134567890123456780"))
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	f.requireSigned(t, r)
	var tx Transaction
	r.json(t, &tx)
	assert.Equal(t, TradeStateSuccess, tx.TradeState)
	assert.Equal(t, "MICROPAY", tx.TradeType)

	r = f.do("POST", "/v3/pay/transactions/codepay", codepayBody("CP0002", "134567890123456781"))
	require.Equal(t, http.StatusAccepted, r.status)
	f.requireSigned(t, r)
	assert.Equal(t, CodeUserPaying, r.apiError(t).Code)
	r = f.do("GET", "/v3/pay/transactions/out-trade-no/CP0002?mchid=1900009191", nil)
	r.json(t, &tx)
	assert.Equal(t, TradeStateSuccess, tx.TradeState, "paid at the first query")

	r = f.do("POST", "/v3/pay/transactions/codepay", codepayBody("CP0003", "134567890123456782"))
	require.Equal(t, http.StatusAccepted, r.status)
	_, err := f.p.Pay(context.Background(), f.mchid, "CP0003", "")
	require.NoError(t, err, "Platform.Pay completes a waiting code payment without a notify_url")

	for code, want := range map[string]string{"134567890123456783": CodeNotEnough, "134567890123456784": CodeAuthCodeExpire,
		"134567890123456789": CodeAuthCodeError, "934567890123456780": CodeAuthCodeError} {
		r = f.do("POST", "/v3/pay/transactions/codepay", codepayBody("CP"+code[12:], code))
		assert.Equal(t, want, r.apiError(t).Code, code)
	}
	r = f.do("POST", "/v3/pay/transactions/codepay", codepayBody("CP0001", "134567890123456782"))
	assert.Equal(t, CodeOutTradeNoUsed, r.apiError(t).Code)

	r = f.do("POST", "/v3/pay/transactions/codepay", codepayBody("CP0005", "134567890123456782"))
	require.Equal(t, http.StatusAccepted, r.status)
	rev := map[string]string{"appid": "wxd678efh567hg6787", "mchid": "1900009191"}
	r = f.do("POST", "/v3/pay/transactions/out-trade-no/CP0005/reverse", rev)
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	f.requireSigned(t, r)
	r = f.do("GET", "/v3/pay/transactions/out-trade-no/CP0005?mchid=1900009191", nil)
	r.json(t, &tx)
	assert.Equal(t, TradeStateRevoked, tx.TradeState)
	r = f.do("POST", "/v3/pay/transactions/codepay", codepayBody("CP0005", "134567890123456782"))
	assert.Equal(t, CodeOrderReversed, r.apiError(t).Code)
	r = f.do("POST", "/v3/pay/transactions/out-trade-no/NOSUCH1/reverse", rev)
	assert.Equal(t, http.StatusNotFound, r.status)
	r = f.do("POST", "/v3/pay/transactions/out-trade-no/CP0005/reverse", map[string]string{"mchid": "1900009191"})
	assert.Equal(t, CodeParamError, r.apiError(t).Code)
}

func TestCodepayOutcomeOption(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.p.SetCodepayOutcome(func(code string) CodepayOutcome {
		if code == "134567890123456780" {
			return CodepayNever // the digit alone would pay at once
		}
		return ""
	})
	r := f.do("POST", "/v3/pay/transactions/codepay", codepayBody("CPOPT1", "134567890123456780"))
	require.Equal(t, http.StatusAccepted, r.status)
	r = f.do("GET", "/v3/pay/transactions/out-trade-no/CPOPT1?mchid=1900009191", nil)
	var tx Transaction
	r.json(t, &tx)
	assert.Equal(t, TradeStateUserPaying, tx.TradeState)
	r = f.do("POST", "/v3/pay/transactions/codepay", codepayBody("CPOPT2", "134567890123456770"))
	require.Equal(t, http.StatusOK, r.status, "other codes follow their digit")
	f.p.SetCodepayOutcome(nil)
}
