package paysim

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProfitSharingRules(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tx := paidOrder(t, f, "PSORDER01", 1000)
	recv := func(amount int64, account string) map[string]any {
		return map[string]any{"appid": "wx1", "transaction_id": tx.TransactionID, "out_order_no": "PS1",
			"receivers": []map[string]any{{"type": "PERSONAL_OPENID", "account": account, "amount": amount, "description": "分成"}}}
	}
	r := f.do("POST", "/v3/profitsharing/orders", recv(100, "oFriend"))
	assert.Equal(t, CodeInvalidRequest, r.apiError(t).Code, "receiver not added")
	r = f.do("POST", "/v3/profitsharing/receivers/add", map[string]any{"appid": "wx1", "type": "PERSONAL_OPENID", "account": "oFriend", "relation_type": "FRIEND"})
	assert.Equal(t, CodeParamError, r.apiError(t).Code)
	r = f.do("POST", "/v3/profitsharing/receivers/add", map[string]any{"appid": "wx1", "type": "MERCHANT_ID", "account": "1900000222", "relation_type": "BRAND"})
	assert.Equal(t, CodeParamError, r.apiError(t).Code, "merchant receivers need a name")
	r = f.do("POST", "/v3/profitsharing/receivers/add", map[string]any{"appid": "wx1", "type": "PERSONAL_OPENID", "account": "oFriend", "relation_type": "PARTNER"})
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	r = f.do("POST", "/v3/profitsharing/orders", recv(301, "oFriend"))
	assert.Equal(t, CodeInvalidRequest, r.apiError(t).Code, "over 30%")
	r = f.do("POST", "/v3/profitsharing/orders", recv(300, "oFriend"))
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	f.requireSigned(t, r)
	r = f.do("GET", "/v3/profitsharing/transactions/"+tx.TransactionID+"/amounts", nil)
	var amt struct {
		UnsplitAmount int64 `json:"unsplit_amount"`
	}
	r.json(t, &amt)
	assert.EqualValues(t, 700, amt.UnsplitAmount)
	r = f.do("POST", "/v3/profitsharing/return-orders", map[string]any{"out_order_no": "PS1", "out_return_no": "R1", "return_mchid": "1900000222", "amount": 1, "description": "x"})
	assert.Equal(t, CodeNotEnough, r.apiError(t).Code, "nothing was shared to that merchant")
	r = f.do("GET", "/v3/profitsharing/orders/PS1", nil)
	assert.Equal(t, CodeParamError, r.apiError(t).Code)
	r = f.do("POST", "/v3/profitsharing/orders/unfreeze", map[string]any{"transaction_id": tx.TransactionID, "out_order_no": "U1", "description": "解冻"})
	require.Equal(t, http.StatusOK, r.status)
	r = f.do("POST", "/v3/profitsharing/orders/unfreeze", map[string]any{"transaction_id": tx.TransactionID, "out_order_no": "U2", "description": "解冻"})
	assert.Equal(t, CodeInvalidRequest, r.apiError(t).Code)
	r = f.do("GET", "/v3/profitsharing/bills?bill_date=2001-01-01", nil)
	assert.Equal(t, CodeNoStatementExist, r.apiError(t).Code)
}
