package paysim

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCreateOrderKinds(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	base := func(no string) map[string]any {
		return map[string]any{
			"appid": "wxd678efh567hg6787", "mchid": f.mchid, "description": "商品",
			"out_trade_no": no, "notify_url": "https://www.weixin.qq.com/wxpay/pay.php",
			"amount": map[string]any{"total": 100},
		}
	}
	r := f.do("POST", "/v3/pay/transactions/jsapi", jsapiOrder(f, "JSAPI0001", "https://example.com/notify", 1))
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	f.requireSigned(t, r)
	assert.Regexp(t, `^\{"prepay_id":"wx\d{14}[0-9a-f]{20}"\}$`, string(r.body))

	r = f.do("POST", "/v3/pay/transactions/app", base("APP000001"))
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	assert.Regexp(t, `^\{"prepay_id":"wx`, string(r.body))

	r = f.do("POST", "/v3/pay/transactions/native", base("NATIVE001"))
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	var pr PrepayResponse
	r.json(t, &pr)
	assert.Regexp(t, `^weixin://wxpay/bizpayurl\?pr=[0-9A-Za-z]{7}$`, pr.CodeURL)
	assert.Empty(t, pr.PrepayID)

	h5 := base("H5000001")
	h5["scene_info"] = map[string]any{"payer_client_ip": "14.23.150.211", "h5_info": map[string]any{"type": "Wap"}}
	r = f.do("POST", "/v3/pay/transactions/h5", h5)
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	pr = PrepayResponse{}
	r.json(t, &pr)
	assert.True(t, strings.HasPrefix(pr.H5URL, f.srv.URL+"/sim/pay?prepay_id=wx"), pr.H5URL)
	assert.NotContains(t, string(r.body), `\u0026`)

	// The stored orders carry the trade types of the docs.
	for no, tt := range map[string]string{"JSAPI0001": "JSAPI", "APP000001": "APP", "NATIVE001": "NATIVE", "H5000001": "MWEB"} {
		tx, err := f.p.Transaction(f.mchid, no)
		require.NoError(t, err)
		assert.Equal(t, tt, tx.TradeType)
		assert.Equal(t, TradeStateNotPay, tx.TradeState)
	}
	r = f.do("POST", "/v3/pay/transactions/micropay", base("MICRO0001"))
	assert.Equal(t, http.StatusNotFound, r.status)
}

func TestCreateOrderValidation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	type mod func(m map[string]any)
	cases := []struct {
		name  string
		path  string
		mod   mod
		code  string
		field string
	}{
		{"missing appid", "jsapi", func(m map[string]any) { delete(m, "appid") }, CodeParamError, "/body/appid"},
		{"missing mchid", "jsapi", func(m map[string]any) { delete(m, "mchid") }, CodeParamError, "/body/mchid"},
		{"other mchid", "jsapi", func(m map[string]any) { m["mchid"] = "1230000109" }, CodeParamError, "/body/mchid"},
		{"missing description", "jsapi", func(m map[string]any) { m["description"] = "" }, CodeParamError, "/body/description"},
		{"long description", "jsapi", func(m map[string]any) { m["description"] = strings.Repeat("长", 128) }, CodeParamError, "/body/description"},
		{"short out_trade_no", "jsapi", func(m map[string]any) { m["out_trade_no"] = "12345" }, CodeParamError, "/body/out_trade_no"},
		{"long out_trade_no", "jsapi", func(m map[string]any) { m["out_trade_no"] = strings.Repeat("1", 33) }, CodeParamError, "/body/out_trade_no"},
		{"bad chars out_trade_no", "jsapi", func(m map[string]any) { m["out_trade_no"] = "abc def#1" }, CodeParamError, "/body/out_trade_no"},
		{"missing notify_url", "jsapi", func(m map[string]any) { delete(m, "notify_url") }, CodeParamError, "/body/notify_url"},
		{"notify_url with query", "jsapi", func(m map[string]any) { m["notify_url"] = "https://a.com/n?x=1" }, CodeParamError, "/body/notify_url"},
		{"relative notify_url", "jsapi", func(m map[string]any) { m["notify_url"] = "/notify" }, CodeParamError, "/body/notify_url"},
		{"missing amount", "jsapi", func(m map[string]any) { delete(m, "amount") }, CodeParamError, "/body/amount"},
		{"missing total", "jsapi", func(m map[string]any) { m["amount"] = map[string]any{"currency": "CNY"} }, CodeParamError, "/body/amount/total"},
		{"zero total", "jsapi", func(m map[string]any) { m["amount"] = map[string]any{"total": 0} }, CodeParamError, "/body/amount/total"},
		{"usd", "jsapi", func(m map[string]any) { m["amount"] = map[string]any{"total": 1, "currency": "USD"} }, CodeParamError, "/body/amount/currency"},
		{"string total", "jsapi", func(m map[string]any) { m["amount"] = map[string]any{"total": "1"} }, CodeParamError, "/body/amount/total"},
		{"jsapi without openid", "jsapi", func(m map[string]any) { delete(m, "payer") }, CodeParamError, "/body/payer/openid"},
		{"bad time_expire", "jsapi", func(m map[string]any) { m["time_expire"] = "2018-06-08 10:34:56" }, CodeParamError, "/body/time_expire"},
		{"h5 without scene", "h5", func(m map[string]any) { delete(m, "payer") }, CodeParamError, "/body/scene_info"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := jsapiOrder(f, "VALID0001", "https://example.com/notify", 1)
			c.mod(body)
			r := f.do("POST", "/v3/pay/transactions/"+c.path, body)
			assert.Equal(t, http.StatusBadRequest, r.status, string(r.body))
			e := r.apiError(t)
			assert.Equal(t, c.code, e.Code)
			require.NotNil(t, e.Detail)
			assert.Equal(t, c.field, e.Detail.Field)
			assert.NotEmpty(t, e.Message)
		})
	}
	for name, body := range map[string]string{"empty": "", "not json": "{", "array": "[]"} {
		r := f.do("POST", "/v3/pay/transactions/jsapi", body)
		assert.Equal(t, http.StatusBadRequest, r.status, name)
		assert.Equal(t, CodeParamError, r.apiError(t).Code, name)
	}
	_, err := f.p.Transaction(f.mchid, "VALID0001")
	assert.ErrorIs(t, err, &APIError{Code: CodeOrderNotExist}, "no invalid order was stored")
}

func TestCreateOrderAppIDBinding(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *Options) { o.Merchants[0].AppIDs = []string{"wx0000000000000001"} })
	r := f.do("POST", "/v3/pay/transactions/jsapi", jsapiOrder(f, "BIND00001", "https://example.com/n", 1))
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Equal(t, CodeAppIDMchIDMismatch, r.apiError(t).Code)
}

func TestDuplicateOutTradeNo(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	first := f.createJSAPI(t, "DUP000001", "https://example.com/notify", 100)
	// The same order placed again answers the same prepay_id.
	again := f.createJSAPI(t, "DUP000001", "https://example.com/notify", 100)
	assert.Equal(t, first, again)
	// Different content under the same out_trade_no is refused.
	r := f.do("POST", "/v3/pay/transactions/jsapi", jsapiOrder(f, "DUP000001", "https://example.com/notify", 200))
	assert.Equal(t, http.StatusForbidden, r.status)
	assert.Equal(t, APIError{Code: CodeOutTradeNoUsed, Message: "商户订单号重复"}, r.apiError(t))
	f.requireSigned(t, r)
	// A paid order cannot be placed again either.
	_, err := f.p.Pay(context.Background(), f.mchid, "DUP000001", "")
	require.NoError(t, err)
	r = f.do("POST", "/v3/pay/transactions/jsapi", jsapiOrder(f, "DUP000001", "https://example.com/notify", 100))
	assert.Equal(t, http.StatusForbidden, r.status)
	assert.Equal(t, CodeOutTradeNoUsed, r.apiError(t).Code)
}

func TestQueryOrder(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.createJSAPI(t, "QUERY0001", "https://example.com/notify", 88)

	r := f.do("GET", "/v3/pay/transactions/out-trade-no/QUERY0001?mchid="+f.mchid, nil)
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	f.requireSigned(t, r)
	assert.JSONEq(t, `{"appid":"wxd678efh567hg6787","mchid":"`+f.mchid+`","out_trade_no":"QUERY0001",
		"trade_type":"JSAPI","trade_state":"NOTPAY","trade_state_desc":"订单未支付","attach":"自定义数据",
		"payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
		"amount":{"total":88,"currency":"CNY","payer_currency":"CNY"}}`, string(r.body))

	r = f.do("GET", "/v3/pay/transactions/out-trade-no/QUERY0001", nil)
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Equal(t, "/query/mchid", r.apiError(t).Detail.Field)
	r = f.do("GET", "/v3/pay/transactions/out-trade-no/QUERY0001?mchid=1230000109", nil)
	assert.Equal(t, http.StatusBadRequest, r.status)
	r = f.do("GET", "/v3/pay/transactions/out-trade-no/NOSUCH01?mchid="+f.mchid, nil)
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Equal(t, APIError{Code: CodeOrderNotExist, Message: "订单不存在"}, r.apiError(t))
	r = f.do("GET", "/v3/pay/transactions/id/4200000000000000000000000000?mchid="+f.mchid, nil)
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Equal(t, CodeOrderNotExist, r.apiError(t).Code)
}

func TestPaidOrderQueries(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	before := time.Now().Add(-time.Second)
	f.createJSAPI(t, "PAID00001", "https://example.com/notify", 520)
	tx, err := f.p.Pay(context.Background(), f.mchid, "PAID00001", "")
	require.NoError(t, err)
	assert.Regexp(t, regexp.MustCompile(`^42000\d{23}$`), tx.TransactionID)

	for _, uri := range []string{
		"/v3/pay/transactions/out-trade-no/PAID00001?mchid=" + f.mchid,
		"/v3/pay/transactions/id/" + tx.TransactionID + "?mchid=" + f.mchid,
	} {
		r := f.do("GET", uri, nil)
		require.Equal(t, http.StatusOK, r.status, string(r.body))
		var got Transaction
		r.json(t, &got)
		assert.Equal(t, TradeStateSuccess, got.TradeState)
		assert.Equal(t, "支付成功", got.TradeStateDesc)
		assert.Equal(t, tx.TransactionID, got.TransactionID)
		assert.Equal(t, "OTHERS", got.BankType)
		require.NotNil(t, got.Amount.PayerTotal)
		assert.Equal(t, int64(520), *got.Amount.PayerTotal)
		st, err := time.Parse(time.RFC3339, got.SuccessTime)
		require.NoError(t, err)
		assert.True(t, st.After(before))
		assert.True(t, strings.HasSuffix(got.SuccessTime, "+08:00"), got.SuccessTime)
	}
}

func TestCloseOrder(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.createJSAPI(t, "CLOSE0001", "https://example.com/notify", 1)
	body := map[string]string{"mchid": f.mchid}
	r := f.do("POST", "/v3/pay/transactions/out-trade-no/CLOSE0001/close", body)
	require.Equal(t, http.StatusNoContent, r.status, string(r.body))
	assert.Empty(t, r.body)
	f.requireSigned(t, r) // the empty answer is signed over ""

	r = f.do("GET", "/v3/pay/transactions/out-trade-no/CLOSE0001?mchid="+f.mchid, nil)
	var got Transaction
	r.json(t, &got)
	assert.Equal(t, TradeStateClosed, got.TradeState)
	assert.Equal(t, "订单已关闭", got.TradeStateDesc)

	// Closing twice is harmless; paying a closed order is not possible.
	r = f.do("POST", "/v3/pay/transactions/out-trade-no/CLOSE0001/close", body)
	assert.Equal(t, http.StatusNoContent, r.status)
	_, err := f.p.Pay(context.Background(), f.mchid, "CLOSE0001", "")
	assert.ErrorIs(t, err, &APIError{Code: CodeOrderClosed})
	var ae *APIError
	require.True(t, errors.As(err, &ae))
	assert.Equal(t, http.StatusBadRequest, ae.Status)

	// The same out_trade_no cannot be reused after closing.
	r = f.do("POST", "/v3/pay/transactions/jsapi", jsapiOrder(f, "CLOSE0001", "https://example.com/notify", 1))
	assert.Equal(t, CodeOutTradeNoUsed, r.apiError(t).Code)

	r = f.do("POST", "/v3/pay/transactions/out-trade-no/NOSUCH001/close", body)
	assert.Equal(t, http.StatusNotFound, r.status)
	r = f.do("POST", "/v3/pay/transactions/out-trade-no/CLOSE0001/close", map[string]string{})
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Equal(t, "/body/mchid", r.apiError(t).Detail.Field)

	f.createJSAPI(t, "CLOSE0002", "https://example.com/notify", 1)
	_, err = f.p.Pay(context.Background(), f.mchid, "CLOSE0002", "")
	require.NoError(t, err)
	r = f.do("POST", "/v3/pay/transactions/out-trade-no/CLOSE0002/close", body)
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Equal(t, CodeInvalidRequest, r.apiError(t).Code)
}

func TestTimeExpire(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o := jsapiOrder(f, "EXPIRE001", "https://example.com/notify", 1)
	o["time_expire"] = time.Now().Add(-time.Minute).Format(time.RFC3339)
	r := f.do("POST", "/v3/pay/transactions/jsapi", o)
	require.Equal(t, http.StatusOK, r.status)
	tx, err := f.p.Transaction(f.mchid, "EXPIRE001")
	require.NoError(t, err)
	assert.Equal(t, TradeStateClosed, tx.TradeState)
	_, err = f.p.Pay(context.Background(), "", "EXPIRE001", "")
	assert.ErrorIs(t, err, &APIError{Code: CodeOrderNotExist}, "out_trade_no needs the mchid")
	_, err = f.p.Pay(context.Background(), f.mchid, "EXPIRE001", "")
	assert.ErrorIs(t, err, &APIError{Code: CodeOrderClosed})
}
