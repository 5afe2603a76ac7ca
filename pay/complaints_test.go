package pay_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wxkit/mp/pay"
)

// complaintDetail is the documented detail with payer_phone encrypted for
// the merchant certificate, as WeChat Pay sends it.
func complaintDetail(t *testing.T, name string) string {
	ct, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, &loadFixtures().merchantKey.PublicKey, []byte("13800138000"), nil)
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(fixture(t, name), "PAYER_PHONE_PLACEHOLDER", base64.StdEncoding.EncodeToString(ct))
}

func TestComplaintQueries(t *testing.T) {
	t.Parallel()
	f := newFakePay(t)
	f.handle("GET /v3/merchant-service/complaints-v2", 200, complaintDetail(t, "complaint_list.json"))
	f.handle("GET /v3/merchant-service/complaints-v2/{id}", 200, complaintDetail(t, "complaint_detail.json"))
	f.handle("GET /v3/merchant-service/complaints-v2/{id}/negotiation-historys", 200, fixture(t, "complaint_history.json"))
	c := f.client(t)
	ctx := context.Background()
	list, err := c.ListComplaints(ctx, &pay.ComplaintListOptions{BeginDate: "2019-01-01", EndDate: "2019-01-31", Limit: 5, ComplaintedMchID: "1900012181"})
	if err != nil {
		t.Fatal(err)
	}
	if list.TotalCount != 1 || len(list.Data) != 1 || list.Data[0].ComplaintOrderInfo[0].Amount != 3 {
		t.Fatalf("%+v", list)
	}
	d, err := c.GetComplaint(ctx, "200201820200101080076610000")
	if err != nil {
		t.Fatal(err)
	}
	if d.ComplaintState != pay.ComplaintStatePending || d.ProblemType != "REFUND" || !d.ComplaintFullRefunded ||
		d.ComplaintMediaList[0].MediaURL[0] != "https://api.mch.weixin.qq.com/v3/merchant-service/images/xxxxx" || d.ApplyRefundAmount != 10 {
		t.Fatalf("%+v", d)
	}
	phone, err := c.ComplaintPayerPhone(d)
	if err != nil || phone != "13800138000" {
		t.Fatalf("%q %v", phone, err)
	}
	h, err := c.NegotiationHistory(ctx, "200201820200101080076610000", 50, 0)
	if err != nil {
		t.Fatal(err)
	}
	if h.TotalCount != 1 || h.Data[0].OperateType != "USER_CREATE_COMPLAINT" || h.Data[0].ComplaintMediaList.MediaType != "USER_COMPLAINT_IMAGE" {
		t.Fatalf("%+v", h)
	}
	rs := f.requests()
	if rs[0].Query != "begin_date=2019-01-01&complainted_mchid=1900012181&end_date=2019-01-31&limit=5&offset=0" {
		t.Fatalf("list query %q", rs[0].Query)
	}
	if rs[1].Path != "/v3/merchant-service/complaints-v2/200201820200101080076610000" ||
		rs[2].Path != "/v3/merchant-service/complaints-v2/200201820200101080076610000/negotiation-historys" || rs[2].Query != "limit=50&offset=0" {
		t.Fatalf("%+v", rs[1:])
	}
}

func TestComplaintsIterator(t *testing.T) {
	t.Parallel()
	f := newFakePay(t)
	// Each window holds 3 complaints; pages of 2.
	f.handleFunc("GET /v3/merchant-service/complaints-v2", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		off, _ := strconv.Atoi(q.Get("offset"))
		var items []string
		for i := off; i < 3 && i < off+2; i++ {
			items = append(items, `{"complaint_id":"`+q.Get("begin_date")+`-`+strconv.Itoa(i)+`","complaint_state":"PENDING"}`)
		}
		f.reply(w, 200, `{"data":[`+strings.Join(items, ",")+`],"limit":2,"offset":`+strconv.Itoa(off)+`,"total_count":3}`)
	})
	c := f.client(t)
	cst := time.FixedZone("CST", 8*3600)
	var ids []string
	for cpl, err := range c.Complaints(context.Background(), time.Date(2024, 1, 1, 9, 0, 0, 0, cst), time.Date(2024, 3, 5, 0, 0, 0, 0, cst), 2) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, cpl.ComplaintID)
	}
	// 2024-01-01..01-31, 02-01..03-02, 03-03..03-05: three windows of 3.
	if len(ids) != 9 || ids[0] != "2024-01-01-0" || ids[3] != "2024-02-01-0" || ids[8] != "2024-03-03-2" {
		t.Fatalf("%v", ids)
	}
	var windows []string
	for _, r := range f.requests() {
		if strings.Contains(r.Query, "offset=0") {
			windows = append(windows, r.Query)
		}
	}
	if len(windows) != 3 || !strings.Contains(windows[0], "end_date=2024-01-31") || !strings.Contains(windows[2], "end_date=2024-03-05") {
		t.Fatalf("%v", windows)
	}
	// Stop early: no more requests.
	n := len(f.requests())
	for range c.Complaints(context.Background(), time.Date(2024, 1, 1, 0, 0, 0, 0, cst), time.Date(2024, 1, 2, 0, 0, 0, 0, cst), 2) {
		break
	}
	if len(f.requests()) != n+1 {
		t.Fatal("iterator kept fetching after break")
	}
	// An error ends the iteration.
	f2 := newFakePay(t)
	f2.handle("GET /v3/merchant-service/complaints-v2", 403, `{"code":"NO_AUTH","message":"商户无权限"}`)
	for _, err := range f2.client(t).Complaints(context.Background(), time.Now(), time.Now(), 0) {
		requireAPIError(t, err, 403, "NO_AUTH")
	}
}

func TestComplaintActions(t *testing.T) {
	t.Parallel()
	f := newFakePay(t)
	f.handle("POST /v3/merchant-service/complaints-v2/{id}/response", 204, "")
	f.handle("POST /v3/merchant-service/complaints-v2/{id}/complete", 204, "")
	f.handle("POST /v3/merchant-service/complaints-v2/{id}/update-refund-progress", 204, "")
	f.handle("POST /v3/merchant-service/complaint-notifications", 200, `{"mchid":"1900000109","url":"https://www.xxx.com/notify"}`)
	f.handle("PUT /v3/merchant-service/complaint-notifications", 200, `{"mchid":"1900000109","url":"https://www.xxx.com/notify2"}`)
	f.handle("GET /v3/merchant-service/complaint-notifications", 200, `{"mchid":"1900000109","url":"https://www.xxx.com/notify2"}`)
	f.handle("DELETE /v3/merchant-service/complaint-notifications", 204, "")
	c := f.client(t)
	ctx := context.Background()
	const id = "200201820200101080076610000"
	err := c.RespondComplaint(ctx, id, &pay.ComplaintResponse{ResponseContent: "已与用户电话沟通解决", ResponseImages: []string{"file23578_21798531.jpg"},
		JumpURL: "https://www.xxx.com/notify", JumpURLText: "查看订单详情",
		MiniProgramJumpInfo: &pay.MiniProgramJumpInfo{AppID: "wx1234567890abcdef", Path: "/pages/index/index", Text: "查看订单详情"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CompleteComplaint(ctx, id); err != nil {
		t.Fatal(err)
	}
	day := 3
	if err := c.UpdateComplaintRefundProgress(ctx, id, &pay.ComplaintRefundProgress{Action: pay.ComplaintRefundActionApprove, LaunchRefundDay: &day, Remark: "同意退款"}); err != nil {
		t.Fatal(err)
	}
	if u, err := c.CreateComplaintNotifyURL(ctx, "https://www.xxx.com/notify"); err != nil || u.MchID != "1900000109" {
		t.Fatal(err, u)
	}
	if _, err := c.UpdateComplaintNotifyURL(ctx, "https://www.xxx.com/notify2"); err != nil {
		t.Fatal(err)
	}
	if u, err := c.GetComplaintNotifyURL(ctx); err != nil || u.URL != "https://www.xxx.com/notify2" {
		t.Fatal(err, u)
	}
	if err := c.DeleteComplaintNotifyURL(ctx); err != nil {
		t.Fatal(err)
	}
	rs := f.requests()
	jsonEq(t, `{"complainted_mchid":"1900000109","response_content":"已与用户电话沟通解决","response_images":["file23578_21798531.jpg"],
		"jump_url":"https://www.xxx.com/notify","jump_url_text":"查看订单详情",
		"mini_program_jump_info":{"appid":"wx1234567890abcdef","path":"/pages/index/index","text":"查看订单详情"}}`, rs[0].Body)
	jsonEq(t, `{"complainted_mchid":"1900000109"}`, rs[1].Body)
	jsonEq(t, `{"action":"APPROVE","launch_refund_day":3,"remark":"同意退款"}`, rs[2].Body)
	jsonEq(t, `{"url":"https://www.xxx.com/notify"}`, rs[3].Body)
	if rs[4].Method != "PUT" || rs[5].Method != "GET" || len(rs[5].Body) != 0 || rs[6].Method != "DELETE" {
		t.Fatalf("%+v", rs[4:])
	}
}

func TestComplaintErrorsAndValidation(t *testing.T) {
	t.Parallel()
	f := newFakePay(t)
	f.handle("GET /v3/merchant-service/complaints-v2/{id}", 404, `{"code":"RESOURCE_NOT_EXISTS","message":"投诉单不存在"}`)
	f.handle("POST /v3/merchant-service/complaints-v2/{id}/complete", 400, `{"code":"INVALID_REQUEST","message":"请先回复用户"}`)
	c := f.client(t)
	ctx := context.Background()
	_, err := c.GetComplaint(ctx, "200201820200101080076610000")
	requireAPIError(t, err, 404, "RESOURCE_NOT_EXISTS")
	requireAPIError(t, c.CompleteComplaint(ctx, "200201820200101080076610000"), 400, "INVALID_REQUEST")

	o := offlineClient(t)
	for field, opts := range map[string]*pay.ComplaintListOptions{
		"begin_date": {BeginDate: "2024/01/01", EndDate: "2024-01-02"},
		"end_date":   {BeginDate: "2024-01-01", EndDate: "2024-02-01"},
		"limit":      {BeginDate: "2024-01-01", EndDate: "2024-01-02", Limit: 51},
		"offset":     {BeginDate: "2024-01-01", EndDate: "2024-01-02", Offset: -1},
	} {
		_, err := o.ListComplaints(ctx, opts)
		requireArgument(t, err, field)
	}
	_, err = o.GetComplaint(ctx, "../x")
	requireArgument(t, err, "complaint_id")
	_, err = o.NegotiationHistory(ctx, "1", 301, 0)
	requireArgument(t, err, "limit")
	requireArgument(t, o.RespondComplaint(ctx, "1", &pay.ComplaintResponse{}), "response_content")
	requireArgument(t, o.RespondComplaint(ctx, "1", &pay.ComplaintResponse{ResponseContent: strings.Repeat("字", 201)}), "response_content")
	requireArgument(t, o.RespondComplaint(ctx, "1", &pay.ComplaintResponse{ResponseContent: "ok", ResponseImages: make([]string, 5)}), "response_images")
	requireArgument(t, o.RespondComplaint(ctx, "1", &pay.ComplaintResponse{ResponseContent: "ok", JumpURL: "http://a.example"}), "jump_url")
	requireArgument(t, o.UpdateComplaintRefundProgress(ctx, "1", &pay.ComplaintRefundProgress{Action: "MAYBE"}), "action")
	requireArgument(t, o.UpdateComplaintRefundProgress(ctx, "1", &pay.ComplaintRefundProgress{Action: "REJECT"}), "reject_reason")
	_, err = o.CreateComplaintNotifyURL(ctx, "https://a.example/n?x=1")
	requireArgument(t, err, "url")
	_, err = o.DownloadComplaintImage(ctx, "https://evil.example/v3/other", &bytes.Buffer{})
	requireArgument(t, err, "media_url")
	_, err = o.DownloadComplaintImage(ctx, "http://evil.example/v3/merchant-service/images/x", &bytes.Buffer{})
	requireArgument(t, err, "media_url")
	for _, err := range o.Complaints(ctx, time.Now(), time.Now().Add(-48*time.Hour), 10) {
		requireArgument(t, err, "end_date")
	}
}

func TestDownloadComplaintImage(t *testing.T) {
	t.Parallel()
	f := newFakePay(t)
	img := fakeJPEG(5000)
	f.handleFunc("GET /v3/merchant-service/images/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/jpeg")
		_, _ = w.Write(img)
	})
	f.handle("GET /v3/merchant-service/images/missing", 404, `{"code":"RESOURCE_NOT_EXISTS","message":"图片不存在"}`)
	c := f.client(t)
	var buf bytes.Buffer
	n, err := c.DownloadComplaintImage(context.Background(), f.srv.URL+"/v3/merchant-service/images/xxxxx", &buf)
	if err != nil || n != 5000 || !bytes.Equal(buf.Bytes(), img) {
		t.Fatalf("%d %v", n, err)
	}
	_, err = c.DownloadComplaintImage(context.Background(), f.srv.URL+"/v3/merchant-service/images/missing", &buf)
	requireAPIError(t, err, 404, "RESOURCE_NOT_EXISTS")
}

func TestComplaintNotification(t *testing.T) {
	t.Parallel()
	body := notificationBody("EV-2018022511223320873", pay.EventComplaintCreate, "complaint", fixture(t, "complaint_notify_resource.json"))
	n, err := notifyClient(t).ParseNotification(context.Background(), signedHeader(loadFixtures().platKey, testPlatSerial, testNow, body), body)
	if err != nil {
		t.Fatal(err)
	}
	cn, err := n.Complaint()
	if err != nil || cn.ComplaintID != "200201820200101080076610000" || cn.ActionType != pay.ComplaintActionCreate {
		t.Fatalf("%+v %v", cn, err)
	}
	if _, err := n.TransferBill(); !errors.Is(err, pay.ErrEventType) {
		t.Fatal(err)
	}
}

// TestUnknownEventIsHandedOver checks that a verified notification of a kind
// this package has no type for still reaches the handler, undecoded.
func TestUnknownEventIsHandedOver(t *testing.T) {
	t.Parallel()
	body := notificationBody("EV-1", "SOMETHING.NEW", "something", `{"x":1}`)
	h := signedHeader(loadFixtures().platKey, testPlatSerial, testNow, body)
	var got *pay.Notification
	handler := pay.NewNotifyHandler(notifyClient(t), func(_ context.Context, n *pay.Notification) error { got = n; return nil })
	rec := postNotify(handler, http.MethodPost, h, body)
	if rec.Code != 200 || got == nil || got.EventType != "SOMETHING.NEW" || string(got.Plaintext()) != `{"x":1}` {
		t.Fatalf("%d %+v", rec.Code, got)
	}
	if _, err := got.Complaint(); !errors.Is(err, pay.ErrEventType) {
		t.Fatal(err)
	}
}
