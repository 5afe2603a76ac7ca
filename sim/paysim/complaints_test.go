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

func TestComplaintRules(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	paidOrder(t, f, "CMPORDER1", 100)
	f.createJSAPI(t, "CMPUNPAID", "https://example.com/n", 100)
	_, err := f.p.FileComplaint(ctx, f.mchid, "CMPUNPAID", "", "没付钱也要投诉", "", false)
	assert.ErrorIs(t, err, &APIError{Code: CodeInvalidRequest})
	_, err = f.p.FileComplaint(ctx, f.mchid, "CMPORDER1", "oStranger", "别人的订单", "", false)
	assert.ErrorIs(t, err, &APIError{Code: CodeInvalidRequest})
	_, err = f.p.FileComplaint(ctx, f.mchid, "NOSUCH", "", "x", "", false)
	assert.ErrorIs(t, err, &APIError{Code: CodeOrderNotExist})

	form := url.Values{"mchid": {f.mchid}, "out_trade_no": {"CMPORDER1"}, "detail": {"太慢了"}, "image": {"1"}}
	resp, err := http.Post(f.srv.URL+"/sim/complaint", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	list := f.p.Complaints(f.mchid)
	require.Len(t, list, 1)
	id := list[0].ComplaintID

	r := f.do("GET", "/v3/merchant-service/complaints-v2?begin_date=2020-01-01&end_date=2020-03-01", nil)
	assert.Equal(t, CodeParamError, r.apiError(t).Code, "more than 30 days")
	r = f.do("GET", "/v3/merchant-service/complaints-v2?begin_date=2020-01-01&end_date=2020-01-02&limit=51", nil)
	assert.Equal(t, CodeParamError, r.apiError(t).Code)
	r = f.do("GET", "/v3/merchant-service/complaints-v2/"+id, nil)
	require.Equal(t, http.StatusOK, r.status)
	f.requireSigned(t, r)
	var cpl Complaint
	r.json(t, &cpl)
	require.Len(t, cpl.ComplaintMediaList, 1)
	img := f.do("GET", strings.TrimPrefix(cpl.ComplaintMediaList[0].MediaURL[0], f.srv.URL), nil)
	assert.Equal(t, http.StatusOK, img.status)
	assert.Equal(t, tinyPNG, img.body)

	r = f.do("POST", "/v3/merchant-service/complaints-v2/"+id+"/complete", map[string]string{"complainted_mchid": f.mchid})
	assert.Equal(t, CodeInvalidRequest, r.apiError(t).Code, "complete before any response")
	r = f.do("POST", "/v3/merchant-service/complaints-v2/"+id+"/response", map[string]any{"complainted_mchid": "1900000000", "response_content": "好"})
	assert.Equal(t, CodeParamError, r.apiError(t).Code)
	r = f.do("POST", "/v3/merchant-service/complaints-v2/"+id+"/response", map[string]any{"complainted_mchid": f.mchid, "response_content": "好"})
	require.Equal(t, http.StatusNoContent, r.status)
	f.requireSigned(t, r)
	r = f.do("POST", "/v3/merchant-service/complaints-v2/"+id+"/update-refund-progress", map[string]any{"action": "REJECT"})
	assert.Equal(t, CodeParamError, r.apiError(t).Code)
	r = f.do("POST", "/v3/merchant-service/complaints-v2/"+id+"/update-refund-progress", map[string]any{"action": "REJECT", "reject_reason": "已发货"})
	assert.Equal(t, http.StatusNoContent, r.status)
	r = f.do("GET", "/v3/merchant-service/complaints-v2/nosuch", nil)
	assert.Equal(t, http.StatusNotFound, r.status)

	r = f.do("PUT", "/v3/merchant-service/complaint-notifications", map[string]string{"url": "https://a.example/n"})
	assert.Equal(t, http.StatusNotFound, r.status, "update before create")
	r = f.do("POST", "/v3/merchant-service/complaint-notifications", map[string]string{"url": "https://a.example/n"})
	assert.Equal(t, http.StatusOK, r.status)
	r = f.do("POST", "/v3/merchant-service/complaint-notifications", map[string]string{"url": "https://a.example/n"})
	assert.Equal(t, CodeInvalidRequest, r.apiError(t).Code)
}
