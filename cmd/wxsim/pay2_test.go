package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/sim"
)

// signedPay sends a signed APIv3 request to the simulated WeChat Pay.
func (e *testEnv) signedPay(t *testing.T, method, path, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, e.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	require.NoError(t, e.merchant().SignRequest(req, []byte(body)))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

func TestPay2TransfersAndComplaints(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{})
	var f actionResponse
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Max/follow", nil, &f))
	maxID := e.app.first().lookup("Max").OpenID()

	status, body := e.signedPay(t, "POST", "/v3/fund-app/mch-transfer/transfer-bills", fmt.Sprintf(
		`{"appid":%q,"out_bill_no":"TB1","transfer_scene_id":"1000","openid":%q,"transfer_amount":188,"transfer_remark":"红包",
		"transfer_scene_report_infos":[{"info_type":"活动名称","info_content":"新年"}]}`, sim.DefaultAppID, maxID))
	require.Equal(t, http.StatusOK, status, body)

	code, out, errOut := e.wxsim(t, "transfer", "--user", "Max")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "TB1  1.88 元  红包")
	code, out, errOut = e.wxsim(t, "transfer", "--user", "Max", "confirm", "TB1")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "transfer TB1: SUCCESS")
	code, _, _ = e.wxsim(t, "transfer", "--user", "Max", "confirm", "TB1")
	assert.NotEqual(t, 0, code, "already confirmed")
	code, _, _ = e.wxsim(t, "transfer", "--user", "Max", "maybe", "TB1")
	assert.NotEqual(t, 0, code)

	// A paid order, then a complaint about it.
	status, body = e.signedPay(t, "POST", "/v3/pay/transactions/jsapi", fmt.Sprintf(
		`{"appid":%q,"mchid":%q,"description":"Tea","out_trade_no":"T200001","notify_url":"https://127.0.0.1:1/n","amount":{"total":990},"payer":{"openid":%q}}`,
		sim.DefaultAppID, e.keys.Merchant.MchID, maxID))
	require.Equal(t, http.StatusOK, status, body)
	_, err := e.pay.Pay(context.Background(), e.keys.Merchant.MchID, "T200001", "")
	require.NoError(t, err)
	code, out, errOut = e.wxsim(t, "complain", "--user", "Max", "--out-trade-no", "T200001", "--image", "茶是凉的")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "filed about T200001 (PENDING)")
	require.Len(t, e.pay.Complaints(e.keys.Merchant.MchID), 1)
	code, _, _ = e.wxsim(t, "complain", "--user", "Max", "--out-trade-no", "NOPE1", "x")
	assert.NotEqual(t, 0, code)

	var ae apiError
	assert.Equal(t, http.StatusBadRequest, e.call(t, "POST", "/sim/api/pay/transfers/confirm", `{"user":"Max","out_bill_no":"TB1","action":"later"}`, &ae))
	noPay := newTestEnv(t, envOptions{noPay: true})
	assert.Equal(t, http.StatusNotImplemented, noPay.call(t, "GET", "/sim/api/pay/transfers?user=Max", nil, &ae))
}

func TestPay2PageScript(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{noBot: true})
	for path, want := range map[string]string{"/": `src="/sim/ui/pay2.js"`, "/sim/ui/pay2.js": "/sim/api/pay/transfers/confirm"} {
		resp, err := http.Get(e.URL + path)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, path)
		assert.Contains(t, string(b), want, path)
	}
}
