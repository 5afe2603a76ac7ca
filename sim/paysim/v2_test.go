package paysim

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	v2Key   = "192006250b4c09247ec02edce69f6a2d"
	v2AppID = "wx2421b1c4370ec43b"
)

// newV2Fixture is newFixture whose merchant also has an API v2 key.
func newV2Fixture(t testing.TB, tweak ...func(*Options)) *fixture {
	return newFixture(t, append([]func(*Options){func(o *Options) {
		o.Merchants[0].APIKey = v2Key
		o.Merchants[0].AppIDs = []string{v2AppID}
	}}, tweak...)...)
}

// v2Raw posts a raw body to path and returns the status and body.
func (f *fixture) v2Raw(method, path string, body []byte) (int, []byte) {
	f.t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, bytes.NewReader(body))
	require.NoError(f.t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(f.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(f.t, err)
	return resp.StatusCode, b
}

// v2 signs params (adding appid, mch_id, nonce_str) with signType and posts
// them as XML; it returns the parsed answer, verified when signed.
func (f *fixture) v2(path, signType string, params map[string]string) map[string]string {
	f.t.Helper()
	all := map[string]string{"appid": v2AppID, "mch_id": f.mchid, "nonce_str": randString(alnum, 32)}
	if signType == SignTypeHMACSHA256 {
		all["sign_type"] = signType
	}
	for k, v := range params {
		all[k] = v
	}
	sign, err := SignV2(all, signType, v2Key)
	require.NoError(f.t, err)
	all["sign"] = sign
	status, body := f.v2Raw(http.MethodPost, path, encodeV2XML("xml", all))
	require.Equal(f.t, http.StatusOK, status)
	got, err := parseV2XML(body)
	require.NoError(f.t, err, string(body))
	if got["return_code"] == V2Success {
		want, err := SignV2(got, signType, v2Key)
		require.NoError(f.t, err)
		require.Equal(f.t, want, got["sign"], "response must be signed with the request's sign_type")
		require.Equal(f.t, f.mchid, got["mch_id"])
		require.Equal(f.t, all["appid"], got["appid"])
		require.NotEmpty(f.t, got["nonce_str"])
	}
	return got
}

func requireBizErr(t testing.TB, got map[string]string, code string) {
	t.Helper()
	require.Equal(t, V2Success, got["return_code"], got)
	require.Equal(t, V2Fail, got["result_code"], got)
	require.Equal(t, code, got["err_code"], got)
	require.NotEmpty(t, got["err_code_des"])
}

func requireOK(t testing.TB, got map[string]string) {
	t.Helper()
	require.Equal(t, V2Success, got["return_code"], got)
	require.Equal(t, V2Success, got["result_code"], got)
}

func jsapiV2(outTradeNo, notifyURL string) map[string]string {
	return map[string]string{
		"body": "腾讯充值中心-QQ会员充值", "out_trade_no": outTradeNo, "total_fee": "888",
		"spbill_create_ip": "123.12.12.123", "notify_url": notifyURL, "trade_type": "JSAPI",
		"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "attach": "深圳分店", "device_info": "WEB",
	}
}

// v2Receiver records notification bodies and answers them with replies in
// turn (the last one repeated).
type v2Receiver struct {
	srv     *httptest.Server
	got     chan []byte
	mu      sync.Mutex
	replies []string
}

func newV2Receiver(t testing.TB, replies ...string) *v2Receiver {
	rc := &v2Receiver{got: make(chan []byte, 32), replies: replies}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		reply := `<xml><return_code><![CDATA[SUCCESS]]></return_code></xml>`
		if len(rc.replies) > 0 {
			reply = rc.replies[0]
			if len(rc.replies) > 1 {
				rc.replies = rc.replies[1:]
			}
		}
		rc.mu.Unlock()
		rc.got <- b
		_, _ = w.Write([]byte(reply))
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *v2Receiver) next(t testing.TB) map[string]string {
	t.Helper()
	select {
	case b := <-rc.got:
		m, err := parseV2XML(b)
		require.NoError(t, err, string(b))
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("no notification arrived")
		return nil
	}
}

func TestSignV2DocExample(t *testing.T) {
	t.Parallel()
	// 安全规范 / 签名算法 example.
	params := map[string]string{
		"appid": "wxd930ea5d5a258f4f", "mch_id": "10000100", "device_info": "1000",
		"body": "test", "nonce_str": "ibuaiVcKdpRxkhJA", "empty": "",
	}
	sign, err := SignV2(params, SignTypeMD5, v2Key)
	require.NoError(t, err)
	assert.Equal(t, "9A0A8659F005D6984697E2CA0A9CF3B7", sign)
	sign, err = SignV2(params, "", v2Key)
	require.NoError(t, err)
	assert.Equal(t, "9A0A8659F005D6984697E2CA0A9CF3B7", sign, "MD5 is the default")
	sign, err = SignV2(params, SignTypeHMACSHA256, v2Key)
	require.NoError(t, err)
	assert.Equal(t, "6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6", sign)
	params["sign"] = "ANYTHING"
	sign, _ = SignV2(params, SignTypeMD5, v2Key)
	assert.Equal(t, "9A0A8659F005D6984697E2CA0A9CF3B7", sign, "sign is not signed")
	_, err = SignV2(params, "SHA1", v2Key)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), v2Key)
}

func TestParseV2XML(t *testing.T) {
	t.Parallel()
	m, err := parseV2XML([]byte(`<?xml version="1.0"?><xml><a><![CDATA[x]]y<z>]]></a>` + "\n" + `<b>1</b><c></c></xml>`))
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"a": "x]]y<z>", "b": "1", "c": ""}, m)
	m, err = parseV2XML([]byte(`<root><out_refund_no>1</out_refund_no></root>`))
	require.NoError(t, err)
	assert.Equal(t, "1", m["out_refund_no"])
	for _, bad := range []string{
		``, `<xml>`, `<xml><a>1</a><a>2</a></xml>`, `<xml><a><b>1</b></a></xml>`, `<xml>text<a>1</a></xml>`,
		`<!DOCTYPE x [<!ENTITY e "v">]><xml><a>&e;</a></xml>`, `<xml></xml><xml></xml>`, `<xml><x:a>1</x:a></xml>`,
		"<xml><a>\xff</a></xml>", `not xml`,
	} {
		_, err := parseV2XML([]byte(bad))
		assert.Error(t, err, bad)
	}
	// encodeV2XML round-trips, including a value holding "]]>".
	in := map[string]string{"return_code": "SUCCESS", "a": "x]]>y", "n": "12", "cn": "中文"}
	out, err := parseV2XML(encodeV2XML("xml", in))
	require.NoError(t, err)
	assert.Equal(t, in, out)
}

func FuzzParseV2Request(f *testing.F) {
	seed, _ := os.ReadFile("testdata/v2_unifiedorder_request.xml")
	f.Add(seed)
	f.Add([]byte(`<xml><a><![CDATA[1]]></a></xml>`))
	f.Add([]byte(`<xml><a><b/></a></xml>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseV2XML(data)
		if err != nil {
			return
		}
		again, err := parseV2XML(encodeV2XML("xml", m))
		if err != nil {
			t.Fatalf("re-encoded document does not parse: %v", err)
		}
		if len(again) != len(m) {
			t.Fatalf("round trip changed fields: %v vs %v", m, again)
		}
	})
}

func TestV2CommunicationFailures(t *testing.T) {
	t.Parallel()
	f := newV2Fixture(t)
	fail := func(status int, body []byte, msg string) {
		t.Helper()
		require.Equal(t, http.StatusOK, status)
		m, err := parseV2XML(body)
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"return_code": "FAIL", "return_msg": msg}, m, "unsigned FAIL")
	}
	status, body := f.v2Raw(http.MethodGet, "/pay/orderquery", nil)
	fail(status, body, "请使用post方法")
	status, body = f.v2Raw(http.MethodPost, "/pay/orderquery", nil)
	fail(status, body, "post数据为空")
	status, body = f.v2Raw(http.MethodPost, "/pay/orderquery", []byte(`{"json":1}`))
	fail(status, body, "XML格式错误")

	// The doc's request sample, unsigned: 签名错误.
	raw, err := os.ReadFile("testdata/v2_unifiedorder_request.xml")
	require.NoError(t, err)
	raw = bytes.ReplaceAll(raw, []byte("10000100"), []byte(f.mchid))
	status, body = f.v2Raw(http.MethodPost, "/pay/unifiedorder", raw)
	fail(status, body, "签名错误")

	// Signed correctly, it is accepted.
	req, err := parseV2XML(raw)
	require.NoError(t, err)
	req["sign"], _ = SignV2(req, SignTypeMD5, v2Key)
	status, body = f.v2Raw(http.MethodPost, "/pay/unifiedorder", encodeV2XML("xml", req))
	require.Equal(t, http.StatusOK, status)
	got, err := parseV2XML(body)
	require.NoError(t, err)
	requireOK(t, got)

	// A field added after signing breaks the signature: ALL fields are covered.
	req["out_trade_no"] = "1415659991"
	req["sign"], _ = SignV2(req, SignTypeMD5, v2Key)
	req["sub_mch_id"] = "1900000109"
	status, body = f.v2Raw(http.MethodPost, "/pay/unifiedorder", encodeV2XML("xml", req))
	fail(status, body, "签名错误")

	// HMAC-SHA256 declared but MD5 computed.
	delete(req, "sub_mch_id")
	req["sign_type"] = SignTypeHMACSHA256
	status, body = f.v2Raw(http.MethodPost, "/pay/unifiedorder", encodeV2XML("xml", req))
	fail(status, body, "签名错误")
	req["sign_type"] = "SHA1"
	status, body = f.v2Raw(http.MethodPost, "/pay/unifiedorder", encodeV2XML("xml", req))
	fail(status, body, "签名错误")

	unknown := map[string]string{"appid": v2AppID, "mch_id": "1230000109", "nonce_str": "x"}
	unknown["sign"], _ = SignV2(unknown, "", v2Key)
	_, body = f.v2Raw(http.MethodPost, "/pay/orderquery", encodeV2XML("xml", unknown))
	m, err := parseV2XML(body)
	require.NoError(t, err)
	assert.Equal(t, "FAIL", m["return_code"])
	assert.Empty(t, m["sign"])
}

func TestV2CommonChecks(t *testing.T) {
	t.Parallel()
	f := newV2Fixture(t)
	got := f.v2("/pay/orderquery", SignTypeMD5, map[string]string{"appid": "wx0000000000000000", "out_trade_no": "123456"})
	requireBizErr(t, got, V2ErrAppIDMchIDNotMatch)
	got = f.v2("/pay/orderquery", SignTypeMD5, map[string]string{"nonce_str": strings.Repeat("a", 33), "out_trade_no": "123456"})
	requireBizErr(t, got, V2ErrParamError)
	got = f.v2("/pay/orderquery", SignTypeMD5, map[string]string{"appid": ""})
	requireBizErr(t, got, V2ErrLackParams)
}

func TestV2UnifiedOrder(t *testing.T) {
	t.Parallel()
	f := newV2Fixture(t)
	for _, st := range []string{SignTypeMD5, SignTypeHMACSHA256} {
		no := "uo0000" + strings.ReplaceAll(st, "-", "")
		got := f.v2("/pay/unifiedorder", st, jsapiV2(no, "https://example.com/notify"))
		requireOK(t, got)
		assert.Equal(t, "JSAPI", got["trade_type"])
		assert.Equal(t, "WEB", got["device_info"])
		require.True(t, strings.HasPrefix(got["prepay_id"], "wx"), got["prepay_id"])
		again := f.v2("/pay/unifiedorder", st, jsapiV2(no, "https://example.com/notify"))
		assert.Equal(t, got["prepay_id"], again["prepay_id"], "订单重入 with the same parameters")
		changed := jsapiV2(no, "https://example.com/notify")
		changed["total_fee"] = "889"
		requireBizErr(t, f.v2("/pay/unifiedorder", st, changed), V2ErrOutTradeNoUsed)
	}
	native := jsapiV2("native001", "https://example.com/notify")
	native["trade_type"], native["product_id"] = "NATIVE", "12235413214070356458058"
	delete(native, "openid")
	got := f.v2("/pay/unifiedorder", SignTypeMD5, native)
	requireOK(t, got)
	assert.True(t, strings.HasPrefix(got["code_url"], "weixin://wxpay/bizpayurl?pr="))
	mweb := jsapiV2("mweb001", "https://example.com/notify")
	mweb["trade_type"] = "MWEB"
	got = f.v2("/pay/unifiedorder", SignTypeMD5, mweb)
	requireOK(t, got)
	assert.Contains(t, got["mweb_url"], "/sim/pay?prepay_id=")

	bad := func(mut func(map[string]string), code string) {
		t.Helper()
		p := jsapiV2("bad0001", "https://example.com/notify")
		mut(p)
		requireBizErr(t, f.v2("/pay/unifiedorder", SignTypeMD5, p), code)
	}
	bad(func(p map[string]string) { delete(p, "openid") }, V2ErrLackParams)
	bad(func(p map[string]string) { delete(p, "body") }, V2ErrLackParams)
	bad(func(p map[string]string) { p["trade_type"] = "MICROPAY" }, V2ErrInvalidRequest)
	bad(func(p map[string]string) { p["total_fee"] = "1.00" }, V2ErrInvalidRequest)
	bad(func(p map[string]string) { p["out_trade_no"] = "12345" }, V2ErrInvalidRequest)
	bad(func(p map[string]string) { p["notify_url"] = "https://example.com/n?a=1" }, V2ErrInvalidRequest)
	bad(func(p map[string]string) {
		p["time_expire"] = time.Now().In(cst).Add(time.Minute).Format(v2TimeLayout)
	}, V2ErrInvalidRequest)

	// The v2 order is one order of the shared store: v3 sees it.
	tx, err := f.p.Transaction(f.mchid, "uo0000MD5")
	require.NoError(t, err)
	assert.Equal(t, TradeStateNotPay, tx.TradeState)
	assert.Equal(t, int64(888), tx.Amount.Total)
}

func TestV2PaymentNotification(t *testing.T) {
	t.Parallel()
	f := newV2Fixture(t, func(o *Options) { o.NotifyRetryDelays = []time.Duration{time.Millisecond} })
	for _, st := range []string{SignTypeMD5, SignTypeHMACSHA256} {
		rc := newV2Receiver(t, `<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[busy]]></return_msg></xml>`,
			`<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>`)
		no := "pn0000" + strings.ReplaceAll(st, "-", "")
		got := f.v2("/pay/unifiedorder", st, jsapiV2(no, rc.srv.URL+"/notify"))
		requireOK(t, got)
		tx, err := f.p.Pay(t.Context(), "", got["prepay_id"], "")
		require.NoError(t, err)

		n := rc.next(t)
		want, err := SignV2(n, n["sign_type"], v2Key)
		require.NoError(t, err)
		assert.Equal(t, want, n["sign"])
		if st == SignTypeHMACSHA256 {
			assert.Equal(t, SignTypeHMACSHA256, n["sign_type"])
			assert.Len(t, n["sign"], 64)
		} else {
			assert.Empty(t, n["sign_type"])
			assert.Len(t, n["sign"], 32)
		}
		assert.Equal(t, "SUCCESS", n["return_code"])
		assert.Equal(t, "SUCCESS", n["result_code"])
		assert.Equal(t, v2AppID, n["appid"])
		assert.Equal(t, f.mchid, n["mch_id"])
		assert.Equal(t, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", n["openid"])
		assert.Equal(t, "JSAPI", n["trade_type"])
		assert.Equal(t, "888", n["total_fee"])
		assert.Equal(t, "888", n["cash_fee"])
		assert.Equal(t, "CNY", n["fee_type"])
		assert.Equal(t, no, n["out_trade_no"])
		assert.Equal(t, tx.TransactionID, n["transaction_id"])
		assert.Equal(t, "深圳分店", n["attach"])
		assert.Len(t, n["time_end"], 14)

		retry := rc.next(t) // the FAIL acknowledgement made it retry
		assert.Equal(t, n["transaction_id"], retry["transaction_id"])
	}
	require.Eventually(t, func() bool {
		acked := 0
		for _, a := range f.p.Notifications() {
			require.Equal(t, EventV2Payment, a.EventType)
			if a.Acknowledged {
				acked++
			}
		}
		return acked == 2
	}, 5*time.Second, 5*time.Millisecond)
}

func TestV2OrderQueryAndClose(t *testing.T) {
	t.Parallel()
	f := newV2Fixture(t)
	requireOK(t, f.v2("/pay/unifiedorder", SignTypeMD5, jsapiV2("q000001", "https://example.com/notify")))
	got := f.v2("/pay/orderquery", SignTypeMD5, map[string]string{"out_trade_no": "q000001"})
	requireOK(t, got)
	assert.Equal(t, "NOTPAY", got["trade_state"])
	assert.Equal(t, "订单未支付", got["trade_state_desc"])

	tx, err := f.p.Pay(t.Context(), f.mchid, "q000001", "")
	require.NoError(t, err)
	got = f.v2("/pay/orderquery", SignTypeHMACSHA256, map[string]string{"transaction_id": tx.TransactionID})
	requireOK(t, got)
	assert.Equal(t, "SUCCESS", got["trade_state"])
	assert.Equal(t, "q000001", got["out_trade_no"])
	assert.Equal(t, "888", got["total_fee"])
	assert.Equal(t, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", got["openid"])
	requireBizErr(t, f.v2("/pay/closeorder", SignTypeMD5, map[string]string{"out_trade_no": "q000001"}), V2ErrOrderPaid)

	requireBizErr(t, f.v2("/pay/orderquery", SignTypeMD5, map[string]string{"out_trade_no": "nosuchorder"}), V2ErrOrderNotExist)
	requireBizErr(t, f.v2("/pay/orderquery", SignTypeMD5, nil), V2ErrLackParams)

	requireOK(t, f.v2("/pay/unifiedorder", SignTypeMD5, jsapiV2("c000001", "https://example.com/notify")))
	got = f.v2("/pay/closeorder", SignTypeMD5, map[string]string{"out_trade_no": "c000001"})
	requireOK(t, got)
	assert.Equal(t, "OK", got["result_msg"])
	requireBizErr(t, f.v2("/pay/closeorder", SignTypeMD5, map[string]string{"out_trade_no": "c000001"}), V2ErrOrderClosed)
	requireBizErr(t, f.v2("/pay/closeorder", SignTypeMD5, map[string]string{"out_trade_no": "nosuchorder"}), V2ErrOrderNotExist)
	requireBizErr(t, f.v2("/pay/unifiedorder", SignTypeMD5, jsapiV2("c000001", "https://example.com/notify")), V2ErrOrderClosed)
	requireBizErr(t, f.v2("/pay/unifiedorder", SignTypeMD5, jsapiV2("q000001", "https://example.com/notify")), V2ErrOrderPaid)
	got = f.v2("/pay/orderquery", SignTypeMD5, map[string]string{"out_trade_no": "c000001"})
	assert.Equal(t, "CLOSED", got["trade_state"])
	_, err = f.p.Pay(t.Context(), f.mchid, "c000001", "")
	require.Error(t, err)
}

func TestV2RefundFlow(t *testing.T) {
	t.Parallel()
	f := newV2Fixture(t)
	rc := newV2Receiver(t)
	requireOK(t, f.v2("/pay/unifiedorder", SignTypeHMACSHA256, jsapiV2("r000001", "https://example.com/notify")))
	refund := map[string]string{"out_trade_no": "r000001", "out_refund_no": "rf001", "total_fee": "888", "refund_fee": "300",
		"notify_url": rc.srv.URL + "/refund"}
	requireBizErr(t, f.v2("/secapi/pay/refund", SignTypeMD5, refund), V2ErrError) // not paid yet
	tx, err := f.p.Pay(t.Context(), f.mchid, "r000001", "")
	require.NoError(t, err)

	got := f.v2("/secapi/pay/refund", SignTypeMD5, refund)
	requireOK(t, got)
	assert.Equal(t, tx.TransactionID, got["transaction_id"])
	assert.Equal(t, "rf001", got["out_refund_no"])
	assert.Equal(t, "300", got["refund_fee"])
	assert.Equal(t, "888", got["total_fee"])
	refundID := got["refund_id"]
	require.Len(t, refundID, 29)
	again := f.v2("/secapi/pay/refund", SignTypeMD5, refund)
	assert.Equal(t, refundID, again["refund_id"], "同一退款单号多次请求只退一笔")
	changed := map[string]string{"out_trade_no": "r000001", "out_refund_no": "rf001", "total_fee": "888", "refund_fee": "301"}
	requireBizErr(t, f.v2("/secapi/pay/refund", SignTypeMD5, changed), V2ErrRefundFeeMismatch)
	over := map[string]string{"transaction_id": tx.TransactionID, "out_refund_no": "rf002", "total_fee": "888", "refund_fee": "589"}
	requireBizErr(t, f.v2("/secapi/pay/refund", SignTypeMD5, over), V2ErrError)
	wrongTotal := map[string]string{"out_trade_no": "r000001", "out_refund_no": "rf003", "total_fee": "1", "refund_fee": "1"}
	requireBizErr(t, f.v2("/secapi/pay/refund", SignTypeMD5, wrongTotal), V2ErrParamError)
	requireBizErr(t, f.v2("/secapi/pay/refund", SignTypeMD5, map[string]string{"out_trade_no": "nosuchorder", "out_refund_no": "x", "total_fee": "1", "refund_fee": "1"}), V2ErrOrderNotExist)
	requireBizErr(t, f.v2("/secapi/pay/refund", SignTypeMD5, map[string]string{"transaction_id": "4200000000000000000000000000", "out_refund_no": "x", "total_fee": "1", "refund_fee": "1"}), V2ErrInvalidTxnID)

	n := rc.next(t)
	assert.Equal(t, "SUCCESS", n["return_code"])
	assert.Equal(t, f.mchid, n["mch_id"])
	assert.Equal(t, v2AppID, n["appid"])
	assert.Empty(t, n["sign"], "退款结果通知 is not signed")
	plain, err := DecryptV2ReqInfo(v2Key, n["req_info"])
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(plain, []byte("<root>")), string(plain))
	info, err := parseV2XML(plain)
	require.NoError(t, err)
	assert.Equal(t, "SUCCESS", info["refund_status"])
	assert.Equal(t, refundID, info["refund_id"])
	assert.Equal(t, "rf001", info["out_refund_no"])
	assert.Equal(t, tx.TransactionID, info["transaction_id"])
	assert.Equal(t, "300", info["refund_fee"])
	assert.Equal(t, "888", info["total_fee"])
	assert.Equal(t, "API", info["refund_request_source"])
	assert.Equal(t, "REFUND_SOURCE_UNSETTLED_FUNDS", info["refund_account"])
	_, err = time.ParseInLocation(billTimeLayout, info["success_time"], cst)
	require.NoError(t, err)
	_, err = DecryptV2ReqInfo("00000000000000000000000000000000", n["req_info"])
	require.Error(t, err, "a wrong key fails (bad padding, or garbage)")

	got = f.v2("/pay/refundquery", SignTypeMD5, map[string]string{"out_trade_no": "r000001"})
	requireOK(t, got)
	assert.Equal(t, "1", got["refund_count"])
	assert.Equal(t, "rf001", got["out_refund_no_0"])
	assert.Equal(t, refundID, got["refund_id_0"])
	assert.Equal(t, "SUCCESS", got["refund_status_0"])
	assert.Equal(t, "300", got["refund_fee_0"])
	assert.Equal(t, "ORIGINAL", got["refund_channel_0"])
	assert.NotEmpty(t, got["refund_success_time_0"])
	got = f.v2("/pay/refundquery", SignTypeHMACSHA256, map[string]string{"refund_id": refundID, "offset": "0"})
	requireOK(t, got)
	assert.Equal(t, "1", got["total_refund_count"])
	requireBizErr(t, f.v2("/pay/refundquery", SignTypeMD5, map[string]string{"out_refund_no": "nosuch"}), V2ErrRefundNotExist)
	requireBizErr(t, f.v2("/pay/refundquery", SignTypeMD5, nil), V2ErrLackParams)

	got = f.v2("/pay/orderquery", SignTypeMD5, map[string]string{"out_trade_no": "r000001"})
	assert.Equal(t, "REFUND", got["trade_state"])
}

func TestV2RefundAbnormalIsChange(t *testing.T) {
	t.Parallel()
	f := newV2Fixture(t, func(o *Options) {
		o.AbnormalRefund = func(string, string) bool { return true }
	})
	rc := newV2Receiver(t)
	requireOK(t, f.v2("/pay/unifiedorder", SignTypeMD5, jsapiV2("ab00001", "https://example.com/notify")))
	_, err := f.p.Pay(t.Context(), f.mchid, "ab00001", "")
	require.NoError(t, err)
	requireOK(t, f.v2("/secapi/pay/refund", SignTypeMD5, map[string]string{"out_trade_no": "ab00001", "out_refund_no": "abr1",
		"total_fee": "888", "refund_fee": "888", "notify_url": rc.srv.URL}))
	n := rc.next(t)
	plain, err := DecryptV2ReqInfo(v2Key, n["req_info"])
	require.NoError(t, err)
	info, err := parseV2XML(plain)
	require.NoError(t, err)
	assert.Equal(t, "CHANGE", info["refund_status"])
}

func TestV2DownloadBill(t *testing.T) {
	t.Parallel()
	f := newV2Fixture(t)
	today := time.Now().In(cst).Format("20060102")
	no := func(got map[string]string, code string) {
		t.Helper()
		assert.Equal(t, "FAIL", got["return_code"])
		assert.Equal(t, code, got["error_code"])
		assert.Empty(t, got["sign"])
	}
	no(f.v2("/pay/downloadbill", SignTypeMD5, map[string]string{"bill_date": today}), V2BillErrNoBill)
	no(f.v2("/pay/downloadbill", SignTypeMD5, map[string]string{"bill_date": "2024-01-01"}), V2BillErrParam)
	no(f.v2("/pay/downloadbill", SignTypeMD5, map[string]string{"bill_date": today, "bill_type": "X"}), V2BillErrParam)
	no(f.v2("/pay/downloadbill", SignTypeMD5, map[string]string{"bill_date": today, "tar_type": "ZIP"}), V2BillErrParam)

	requireOK(t, f.v2("/pay/unifiedorder", SignTypeMD5, jsapiV2("b000001", "https://example.com/notify")))
	tx, err := f.p.Pay(t.Context(), f.mchid, "b000001", "")
	require.NoError(t, err)

	bill := func(params map[string]string) []byte {
		all := map[string]string{"appid": v2AppID, "mch_id": f.mchid, "nonce_str": "21df7dc9cd8616b56919f20d9f679233"}
		for k, v := range params {
			all[k] = v
		}
		all["sign"], _ = SignV2(all, "", v2Key)
		status, body := f.v2Raw(http.MethodPost, "/pay/downloadbill", encodeV2XML("xml", all))
		require.Equal(t, http.StatusOK, status)
		return body
	}
	text := string(bill(map[string]string{"bill_date": today, "bill_type": "ALL"}))
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	require.Len(t, lines, 4, text)
	assert.Equal(t, tradeHeaderAll, lines[0])
	assert.True(t, strings.HasPrefix(lines[1], "`"), lines[1])
	assert.Contains(t, lines[1], "`"+tx.TransactionID+",`b000001,")
	assert.Contains(t, lines[1], "`8.88")
	assert.Equal(t, tradeSummaryFull, lines[2])
	assert.True(t, strings.HasPrefix(lines[3], "`1,`8.88,"), lines[3])

	gz := bill(map[string]string{"bill_date": today, "tar_type": "GZIP"})
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	require.NoError(t, err)
	unzipped, err := io.ReadAll(zr)
	require.NoError(t, err)
	assert.Equal(t, text, string(unzipped))

	no(f.v2("/pay/downloadbill", SignTypeMD5, map[string]string{"bill_date": today, "bill_type": "RECHARGE_REFUND"}), V2BillErrNoBill)
	no(f.v2("/pay/downloadbill", SignTypeMD5, map[string]string{"bill_date": today, "bill_type": "REFUND"}), V2BillErrNoBill)
}

func TestV2Micropay(t *testing.T) {
	t.Parallel()
	f := newV2Fixture(t, func(o *Options) { o.MicropayUserPayingQueries = 2 })
	pay := func(no, code string) map[string]string {
		return f.v2("/pay/micropay", SignTypeHMACSHA256, map[string]string{
			"body": "image形象店-深圳腾大- QQ公仔", "out_trade_no": no, "total_fee": "1",
			"spbill_create_ip": "8.8.8.8", "auth_code": code, "device_info": "013467007045764",
		})
	}
	query := func(no string) map[string]string {
		got := f.v2("/pay/orderquery", SignTypeMD5, map[string]string{"out_trade_no": no})
		requireOK(t, got)
		return got
	}

	got := pay("mp000000", "134567890123456780")
	requireOK(t, got)
	assert.Equal(t, "MICROPAY", got["trade_type"])
	assert.Equal(t, "1", got["total_fee"])
	assert.Equal(t, "013467007045764", got["device_info"])
	require.NotEmpty(t, got["transaction_id"])
	require.NotEmpty(t, got["openid"])
	assert.Equal(t, "SUCCESS", query("mp000000")["trade_state"])
	requireBizErr(t, pay("mp000000", "134567890123456780"), V2ErrOrderPaid)
	requireBizErr(t, pay("mp000000", "134567890123456790"), V2ErrOutTradeNoUsed)

	requireBizErr(t, pay("mp000001", "104567890123456781"), V2ErrUserPaying)
	assert.Equal(t, "USERPAYING", query("mp000001")["trade_state"])
	assert.Equal(t, "USERPAYING", query("mp000001")["trade_state"])
	paid := query("mp000001")
	assert.Equal(t, "SUCCESS", paid["trade_state"])
	assert.NotEmpty(t, paid["transaction_id"])

	requireBizErr(t, pay("mp000002", "154567890123456782"), V2ErrUserPaying)
	for range 4 {
		assert.Equal(t, "USERPAYING", query("mp000002")["trade_state"])
	}
	requireBizErr(t, f.v2("/pay/closeorder", SignTypeMD5, map[string]string{"out_trade_no": "mp000002"}), V2ErrTradeError)
	got = f.v2("/secapi/pay/reverse", SignTypeMD5, map[string]string{"out_trade_no": "mp000002"})
	requireOK(t, got)
	assert.Equal(t, "N", got["recall"])
	assert.Equal(t, "REVOKED", query("mp000002")["trade_state"])
	requireOK(t, f.v2("/secapi/pay/reverse", SignTypeMD5, map[string]string{"out_trade_no": "mp000002"}))
	requireBizErr(t, pay("mp000002", "154567890123456782"), V2ErrOrderReversed)
	_, err := f.p.Pay(t.Context(), f.mchid, "mp000002", "")
	require.Error(t, err)

	requireBizErr(t, pay("mp000003", "134567890123456783"), V2ErrNotEnough)
	requireBizErr(t, pay("mp000004", "134567890123456784"), V2ErrAuthCodeExpire)
	requireBizErr(t, pay("mp000005", "134567890123456785"), V2ErrAuthCodeInvalid)
	requireBizErr(t, pay("mp000006", "164567890123456780"), V2ErrAuthCodeInvalid)
	requireBizErr(t, pay("mp000007", "13456789012345678"), V2ErrAuthCodeInvalid)
	requireBizErr(t, pay("mp000008", ""), V2ErrLackParams)
	requireBizErr(t, f.v2("/pay/orderquery", SignTypeMD5, map[string]string{"out_trade_no": "mp000003"}), V2ErrOrderNotExist)

	// A USERPAYING order can be paid by the simulated user, and a paid
	// micropay reversed (refunded).
	requireBizErr(t, pay("mp000009", "114567890123456782"), V2ErrUserPaying)
	_, err = f.p.Pay(t.Context(), f.mchid, "mp000009", "")
	require.NoError(t, err)
	requireOK(t, f.v2("/secapi/pay/reverse", SignTypeMD5, map[string]string{"out_trade_no": "mp000009"}))

	requireOK(t, f.v2("/pay/unifiedorder", SignTypeMD5, jsapiV2("rv00001", "https://example.com/notify")))
	requireBizErr(t, f.v2("/secapi/pay/reverse", SignTypeMD5, map[string]string{"out_trade_no": "rv00001"}), V2ErrTradeError)
	requireBizErr(t, f.v2("/secapi/pay/reverse", SignTypeMD5, map[string]string{"out_trade_no": "nosuch"}), V2ErrOrderNotExist)
	requireBizErr(t, f.v2("/secapi/pay/reverse", SignTypeMD5, map[string]string{"transaction_id": "4200000000000000000000000000"}), V2ErrInvalidTxnID)
}

func TestV2ReqInfoRoundTrip(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 15, 16, 17, 100} {
		plain := bytes.Repeat([]byte("x"), n)
		ct, err := EncryptV2ReqInfo(v2Key, plain)
		require.NoError(t, err)
		got, err := DecryptV2ReqInfo(v2Key, ct)
		require.NoError(t, err)
		assert.Equal(t, plain, got)
	}
	for _, bad := range []string{"", "!!", "AAAA", strings.Repeat("A", 24)} {
		_, err := DecryptV2ReqInfo(v2Key, bad)
		require.Error(t, err)
	}
}

func TestMerchantAPIKeyRedacted(t *testing.T) {
	t.Parallel()
	m := Merchant{MchID: "1", APIKey: v2Key}
	assert.NotContains(t, m.String(), v2Key)
	assert.NotContains(t, m.GoString(), v2Key)
	bad := Merchant{MchID: "1", APIv3Key: strings.Repeat("k", 32), MerchantPublicKey: &loadKey(t, "merchant_key.pem").PublicKey, APIKey: "short"}
	_, err := New(Options{Merchants: []Merchant{bad}, PlatformKey: loadKey(t, "platform_key.pem"), PublicKeyKey: loadKey(t, "pubkey_key.pem")})
	var ce *ConfigError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "Merchant.APIKey", ce.Field)
	assert.NotContains(t, err.Error(), "short")
}

func BenchmarkV2SignAndParse(b *testing.B) {
	raw, err := os.ReadFile("testdata/v2_unifiedorder_request.xml")
	require.NoError(b, err)
	b.Run("parseV2XML", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := parseV2XML(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
	params, _ := parseV2XML(raw)
	for _, st := range []string{SignTypeMD5, SignTypeHMACSHA256} {
		b.Run("SignV2/"+st, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = SignV2(params, st, v2Key)
			}
		})
	}
}
