package paysim

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func transferBody(outBillNo string, amount int64) map[string]any {
	return map[string]any{
		"appid": "wxf636efh567hg4356", "out_bill_no": outBillNo, "transfer_scene_id": "1000",
		"openid": "oPayee", "transfer_amount": amount, "transfer_remark": "新会员开通有礼",
		"transfer_scene_report_infos": []map[string]string{{"info_type": "活动名称", "info_content": "新会员有礼"}},
	}
}

func TestTransferRules(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := f.do("POST", "/v3/fund-app/mch-transfer/transfer-bills", transferBody("TB001", 100))
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	f.requireSigned(t, r)
	var created map[string]any
	r.json(t, &created)
	assert.Equal(t, TransferStateWaitUserConfirm, created["state"])
	assert.NotEmpty(t, created["package_info"])

	big := transferBody("TB002", 200000)
	withName := transferBody("TB003", 200000)
	ct, err := EncryptSensitive(f.p.PublicKey(), "张三")
	require.NoError(t, err)
	withName["user_name"] = ct
	for name, c := range map[string]struct {
		body   map[string]any
		status int
		code   string
		extra  []string
	}{
		"user_name required": {big, 400, CodeParamError, nil},
		"bad out_bill_no":    {transferBody("TB-004", 1), 400, CodeParamError, nil},
		"zero amount":        {transferBody("TB005", 0), 400, CodeParamError, nil},
		"other bill same no": {transferBody("TB001", 101), 400, CodeParamError, nil},
		"serial missing":     {withName, 400, CodeParamError, nil},
	} {
		r := f.do("POST", "/v3/fund-app/mch-transfer/transfer-bills", c.body, c.extra...)
		assert.Equal(t, c.status, r.status, name)
		assert.Equal(t, c.code, r.apiError(t).Code, name)
	}
	r = f.do("POST", "/v3/fund-app/mch-transfer/transfer-bills", withName, "Wechatpay-Serial", f.p.PublicKeyID())
	require.Equal(t, http.StatusOK, r.status, string(r.body))

	// Wrong user, then decline.
	ctx := context.Background()
	_, err = f.p.ConfirmTransfer(ctx, f.mchid, "TB001", "oSomeoneElse", true)
	assert.ErrorIs(t, err, &APIError{Code: CodeNoAuth})
	assert.Len(t, f.p.PendingTransfers(f.mchid, "oPayee"), 2)
	form := url.Values{"mchid": {f.mchid}, "out_bill_no": {"TB001"}, "action": {"decline"}}
	resp, err := http.Post(f.srv.URL+"/sim/transfer/confirm", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	r = f.do("GET", "/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/TB001", nil)
	var bill TransferBill
	r.json(t, &bill)
	assert.Equal(t, TransferStateFail, bill.State)
	assert.Equal(t, "TRANSFER_REJECTED", bill.FailReason)
	_, err = f.p.ConfirmTransfer(ctx, f.mchid, "TB001", "", true)
	assert.ErrorIs(t, err, &APIError{Code: CodeInvalidRequest})
	r = f.do("POST", "/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/TB001/cancel", nil)
	assert.Equal(t, http.StatusBadRequest, r.status)
	r = f.do("GET", "/v3/fund-app/mch-transfer/transfer-bills/transfer-bill-no/123", nil)
	assert.Equal(t, http.StatusNotFound, r.status)
}
