package pay

import (
	"context"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Complaint states (投诉单状态, complaint_state).
const (
	ComplaintStatePending    = "PENDING"    // 待处理
	ComplaintStateProcessing = "PROCESSING" // 处理中
	ComplaintStateProcessed  = "PROCESSED"  // 已处理完成
)

// Complaint notification event types (投诉通知, event_type).
const (
	EventComplaintCreate      = "COMPLAINT.CREATE"       // 产生新投诉
	EventComplaintStateChange = "COMPLAINT.STATE_CHANGE" // 投诉状态变化
)

// Complaint action types (动作类型, action_type) of complaint notifications.
const (
	ComplaintActionCreate                = "CREATE_COMPLAINT"             // 用户提交投诉
	ComplaintActionContinue              = "CONTINUE_COMPLAINT"           // 用户继续投诉
	ComplaintActionUserResponse          = "USER_RESPONSE"                // 用户新留言
	ComplaintActionPlatformResponse      = "RESPONSE_BY_PLATFORM"         // 平台新留言
	ComplaintActionSellerRefund          = "SELLER_REFUND"                // 商户发起全额退款
	ComplaintActionMerchantResponse      = "MERCHANT_RESPONSE"            // 商户新回复
	ComplaintActionMerchantComplete      = "MERCHANT_CONFIRM_COMPLETE"    // 商户反馈处理完成
	ComplaintActionUserApplyService      = "USER_APPLY_PLATFORM_SERVICE"  // 用户申请平台协助
	ComplaintActionUserCancelService     = "USER_CANCEL_PLATFORM_SERVICE" // 用户取消平台协助
	ComplaintActionPlatformServiceFinish = "PLATFORM_SERVICE_FINISHED"    // 平台协助结束
)

// Refund approval actions of UpdateComplaintRefundProgress (审批动作).
const (
	ComplaintRefundActionApprove = "APPROVE" // 同意退款
	ComplaintRefundActionReject  = "REJECT"  // 拒绝退款
)

const (
	maxComplaintWindow                    = 30 * 24 * time.Hour
	maxComplaintLimit                     = 50
	maxNegotiationLimit                   = 300
	maxResponseImages                     = 4
	complaintDateLayout                   = time.DateOnly
	complaintsPath                        = "/v3/merchant-service/complaints-v2"
	complaintNotificationsPath            = "/v3/merchant-service/complaint-notifications"
	complaintResponseContentMaxCharacters = 200
)

// ComplaintMedia is a set of media a user attached (投诉资料列表).
type ComplaintMedia struct {
	MediaType string   `json:"media_type"` // USER_COMPLAINT_IMAGE, OPERATION_IMAGE
	MediaURL  []string `json:"media_url"`  // download with DownloadComplaintImage
}

// ComplaintOrder is an order a complaint is about (投诉单关联订单信息).
type ComplaintOrder struct {
	TransactionID string `json:"transaction_id"`
	OutTradeNo    string `json:"out_trade_no"`
	Amount        int64  `json:"amount"`
}

// ComplaintServiceOrder is a 支付分 service order of a complaint.
type ComplaintServiceOrder struct {
	OrderID    string `json:"order_id"`
	OutOrderNo string `json:"out_order_no"`
	State      string `json:"state"`
}

// Complaint is a consumer complaint (消费者投诉2.0) as 查询投诉单列表 and
// 查询投诉单详情 answer it. PayerPhone is encrypted with the merchant
// certificate: read it with ComplaintPayerPhone.
type Complaint struct {
	ComplaintID           string                  `json:"complaint_id"`
	ComplaintTime         string                  `json:"complaint_time"`
	ComplaintDetail       string                  `json:"complaint_detail"`
	ComplaintState        string                  `json:"complaint_state"`
	ComplaintedMchID      string                  `json:"complainted_mchid,omitempty"`
	PayerPhone            string                  `json:"payer_phone,omitempty"`
	PayerOpenID           string                  `json:"payer_openid,omitempty"`
	ComplaintMediaList    []ComplaintMedia        `json:"complaint_media_list,omitempty"`
	ComplaintOrderInfo    []ComplaintOrder        `json:"complaint_order_info,omitempty"`
	ServiceOrderInfo      []ComplaintServiceOrder `json:"service_order_info,omitempty"`
	ComplaintFullRefunded bool                    `json:"complaint_full_refunded"`
	IncomingUserResponse  bool                    `json:"incoming_user_response"`
	UserComplaintTimes    int                     `json:"user_complaint_times"`
	ProblemDescription    string                  `json:"problem_description,omitempty"`
	ProblemType           string                  `json:"problem_type,omitempty"` // REFUND, SERVICE_NOT_WORK, OTHERS
	ApplyRefundAmount     int64                   `json:"apply_refund_amount,omitempty"`
	UserTagList           []string                `json:"user_tag_list,omitempty"`
	InPlatformService     bool                    `json:"in_platform_service"`
	NeedImmediateService  bool                    `json:"need_immediate_service"`
}

// ComplaintList is one page of 查询投诉单列表.
type ComplaintList struct {
	Data       []Complaint `json:"data"`
	Limit      int         `json:"limit"`
	Offset     int         `json:"offset"`
	TotalCount int         `json:"total_count"`
}

// ComplaintListOptions is the query of 查询投诉单列表. BeginDate and
// EndDate ("2006-01-02") span at most 30 days.
type ComplaintListOptions struct {
	BeginDate        string
	EndDate          string
	Limit            int // 1-50; 10 when zero
	Offset           int
	ComplaintedMchID string // optional: the complained-about merchant
}

func (o *ComplaintListOptions) query() (url.Values, error) {
	b, err1 := time.Parse(complaintDateLayout, o.BeginDate)
	e, err2 := time.Parse(complaintDateLayout, o.EndDate)
	switch {
	case err1 != nil:
		return nil, &ArgumentError{Name: "begin_date", Reason: "must be YYYY-MM-DD"}
	case err2 != nil:
		return nil, &ArgumentError{Name: "end_date", Reason: "must be YYYY-MM-DD"}
	case e.Before(b):
		return nil, &ArgumentError{Name: "end_date", Reason: "before begin_date"}
	case e.Sub(b) > maxComplaintWindow:
		return nil, &ArgumentError{Name: "end_date", Reason: "at most 30 days after begin_date"}
	case o.Limit < 0 || o.Limit > maxComplaintLimit:
		return nil, &ArgumentError{Name: "limit", Reason: "1 to 50"}
	case o.Offset < 0:
		return nil, &ArgumentError{Name: "offset", Reason: "must not be negative"}
	}
	q := url.Values{"begin_date": {o.BeginDate}, "end_date": {o.EndDate}, "offset": {strconv.Itoa(o.Offset)}}
	limit := o.Limit
	if limit == 0 {
		limit = 10
	}
	q.Set("limit", strconv.Itoa(limit))
	if o.ComplaintedMchID != "" {
		q.Set("complainted_mchid", o.ComplaintedMchID)
	}
	return q, nil
}

// ListComplaints calls 查询投诉单列表 (GET /v3/merchant-service/complaints-v2).
func (c *Client) ListComplaints(ctx context.Context, opts *ComplaintListOptions) (*ComplaintList, error) {
	if opts == nil {
		return nil, &ArgumentError{Name: "opts", Reason: "nil options"}
	}
	q, err := opts.query()
	if err != nil {
		return nil, err
	}
	var out ComplaintList
	if _, err := c.do(ctx, &apiRequest{method: http.MethodGet, path: complaintsPath, query: q}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Complaints iterates over every complaint filed from begin to end
// (inclusive dates, any span): it walks 30-day windows and, within each, pages
// of pageSize (1-50; 50 when zero). The iteration stops at the first error,
// which it yields.
func (c *Client) Complaints(ctx context.Context, begin, end time.Time, pageSize int) iter.Seq2[*Complaint, error] {
	return func(yield func(*Complaint, error) bool) {
		if pageSize == 0 {
			pageSize = maxComplaintLimit
		}
		if pageSize < 0 || pageSize > maxComplaintLimit {
			yield(nil, &ArgumentError{Name: "limit", Reason: "1 to 50"})
			return
		}
		cst := time.FixedZone("CST", 8*3600)
		from := time.Date(begin.In(cst).Year(), begin.In(cst).Month(), begin.In(cst).Day(), 0, 0, 0, 0, cst)
		last := time.Date(end.In(cst).Year(), end.In(cst).Month(), end.In(cst).Day(), 0, 0, 0, 0, cst)
		if last.Before(from) {
			yield(nil, &ArgumentError{Name: "end_date", Reason: "before begin_date"})
			return
		}
		for from.Compare(last) <= 0 {
			to := from.AddDate(0, 0, 30)
			if to.After(last) {
				to = last
			}
			opts := &ComplaintListOptions{BeginDate: from.Format(complaintDateLayout), EndDate: to.Format(complaintDateLayout), Limit: pageSize}
			for {
				page, err := c.ListComplaints(ctx, opts)
				if err != nil {
					yield(nil, err)
					return
				}
				for i := range page.Data {
					if !yield(&page.Data[i], nil) {
						return
					}
				}
				opts.Offset += len(page.Data)
				if len(page.Data) == 0 || opts.Offset >= page.TotalCount {
					break
				}
			}
			from = to.AddDate(0, 0, 1)
		}
	}
}

func checkComplaintID(id string) error {
	return checkOutNo("complaint_id", id, 64, "")
}

// GetComplaint calls 查询投诉单详情 (GET /v3/merchant-service/complaints-v2/{complaint_id}).
func (c *Client) GetComplaint(ctx context.Context, complaintID string) (*Complaint, error) {
	if err := checkComplaintID(complaintID); err != nil {
		return nil, err
	}
	var out Complaint
	if _, err := c.do(ctx, &apiRequest{method: http.MethodGet, path: complaintsPath + "/" + complaintID}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ComplaintPayerPhone decrypts the payer_phone of a complaint with the
// merchant private key (RSA-OAEP); "" when the complaint has none.
func (c *Client) ComplaintPayerPhone(cpl *Complaint) (string, error) {
	if cpl == nil || cpl.PayerPhone == "" {
		return "", nil
	}
	return c.DecryptSensitive(cpl.PayerPhone)
}

// NegotiationHistory is one entry of 查询投诉协商历史.
type NegotiationHistory struct {
	LogID              string          `json:"log_id"`
	Operator           string          `json:"operator"`
	OperateTime        string          `json:"operate_time"`
	OperateType        string          `json:"operate_type"`
	OperateDetails     string          `json:"operate_details"`
	ImageList          []string        `json:"image_list,omitempty"`
	ComplaintMediaList *ComplaintMedia `json:"complaint_media_list,omitempty"`
}

// NegotiationHistoryList is one page of 查询投诉协商历史.
type NegotiationHistoryList struct {
	Data       []NegotiationHistory `json:"data"`
	Limit      int                  `json:"limit"`
	Offset     int                  `json:"offset"`
	TotalCount int                  `json:"total_count"`
}

// NegotiationHistory calls 查询投诉协商历史
// (GET /v3/merchant-service/complaints-v2/{complaint_id}/negotiation-historys?limit=&offset=);
// limit is 1-300 (10 when zero).
func (c *Client) NegotiationHistory(ctx context.Context, complaintID string, limit, offset int) (*NegotiationHistoryList, error) {
	if err := checkComplaintID(complaintID); err != nil {
		return nil, err
	}
	if limit < 0 || limit > maxNegotiationLimit {
		return nil, &ArgumentError{Name: "limit", Reason: "1 to 300"}
	}
	if offset < 0 {
		return nil, &ArgumentError{Name: "offset", Reason: "must not be negative"}
	}
	if limit == 0 {
		limit = 10
	}
	var out NegotiationHistoryList
	q := url.Values{"limit": {strconv.Itoa(limit)}, "offset": {strconv.Itoa(offset)}}
	if _, err := c.do(ctx, &apiRequest{method: http.MethodGet, path: complaintsPath + "/" + complaintID + "/negotiation-historys", query: q}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// MiniProgramJumpInfo is a mini program link in a complaint response.
type MiniProgramJumpInfo struct {
	AppID string `json:"appid"`
	Path  string `json:"path"`
	Text  string `json:"text"`
}

// ComplaintResponse is the body of 回复用户. ComplaintedMchID is filled
// from the client when empty; ResponseImages are media_ids from
// UploadComplaintImage (at most 4).
type ComplaintResponse struct {
	ComplaintedMchID    string               `json:"complainted_mchid"`
	ResponseContent     string               `json:"response_content"`
	ResponseImages      []string             `json:"response_images,omitempty"`
	JumpURL             string               `json:"jump_url,omitempty"`
	JumpURLText         string               `json:"jump_url_text,omitempty"`
	MiniProgramJumpInfo *MiniProgramJumpInfo `json:"mini_program_jump_info,omitempty"`
}

// RespondComplaint calls 回复用户
// (POST /v3/merchant-service/complaints-v2/{complaint_id}/response); 204.
func (c *Client) RespondComplaint(ctx context.Context, complaintID string, resp *ComplaintResponse) error {
	if err := checkComplaintID(complaintID); err != nil {
		return err
	}
	if resp == nil {
		return &ArgumentError{Name: "resp", Reason: "nil response"}
	}
	r := *resp
	if r.ComplaintedMchID == "" {
		r.ComplaintedMchID = c.mchID
	}
	if err := checkRunes("response_content", r.ResponseContent, true, complaintResponseContentMaxCharacters); err != nil {
		return err
	}
	if len(r.ResponseImages) > maxResponseImages {
		return &ArgumentError{Name: "response_images", Reason: "at most 4 images"}
	}
	for i, id := range r.ResponseImages {
		if err := checkLen(fmt.Sprintf("response_images[%d]", i), id, true, 512); err != nil {
			return err
		}
	}
	if r.JumpURL != "" {
		if u, err := url.Parse(r.JumpURL); err != nil || u.Scheme != "https" || u.Host == "" {
			return &ArgumentError{Name: "jump_url", Reason: "must be an https URL"}
		}
		if err := checkRunes("jump_url_text", r.JumpURLText, true, 10); err != nil {
			return err
		}
	}
	_, err := c.do(ctx, &apiRequest{method: http.MethodPost, path: complaintsPath + "/" + complaintID + "/response", body: &r}, nil)
	return err
}

// CompleteComplaint calls 反馈处理完成
// (POST /v3/merchant-service/complaints-v2/{complaint_id}/complete, body
// {"complainted_mchid"}); 204.
func (c *Client) CompleteComplaint(ctx context.Context, complaintID string) error {
	if err := checkComplaintID(complaintID); err != nil {
		return err
	}
	_, err := c.do(ctx, &apiRequest{method: http.MethodPost, path: complaintsPath + "/" + complaintID + "/complete",
		body: struct {
			ComplaintedMchID string `json:"complainted_mchid"`
		}{c.mchID}}, nil)
	return err
}

// ComplaintRefundProgress is the body of 更新退款审批结果.
type ComplaintRefundProgress struct {
	Action          string   `json:"action"` // ComplaintRefundActionApprove or ComplaintRefundActionReject
	LaunchRefundDay *int     `json:"launch_refund_day,omitempty"`
	RejectReason    string   `json:"reject_reason,omitempty"`
	RejectMediaList []string `json:"reject_media_list,omitempty"`
	Remark          string   `json:"remark,omitempty"`
}

// UpdateComplaintRefundProgress calls 更新退款审批结果
// (POST /v3/merchant-service/complaints-v2/{complaint_id}/update-refund-progress);
// 204. Rejecting needs a reason; approving may give the days until the refund
// (launch_refund_day, 0-7).
func (c *Client) UpdateComplaintRefundProgress(ctx context.Context, complaintID string, p *ComplaintRefundProgress) error {
	if err := checkComplaintID(complaintID); err != nil {
		return err
	}
	if p == nil {
		return &ArgumentError{Name: "progress", Reason: "nil"}
	}
	switch p.Action {
	case ComplaintRefundActionApprove:
		if p.LaunchRefundDay != nil && (*p.LaunchRefundDay < 0 || *p.LaunchRefundDay > 7) {
			return &ArgumentError{Name: "launch_refund_day", Reason: "0 to 7"}
		}
	case ComplaintRefundActionReject:
		if err := checkRunes("reject_reason", p.RejectReason, true, 200); err != nil {
			return err
		}
		if len(p.RejectMediaList) > maxResponseImages {
			return &ArgumentError{Name: "reject_media_list", Reason: "at most 4 images"}
		}
	default:
		return &ArgumentError{Name: "action", Reason: "must be APPROVE or REJECT"}
	}
	if err := checkRunes("remark", p.Remark, false, 200); err != nil {
		return err
	}
	_, err := c.do(ctx, &apiRequest{method: http.MethodPost, path: complaintsPath + "/" + complaintID + "/update-refund-progress", body: p}, nil)
	return err
}

// ComplaintNotifyURL is the answer of the complaint notification URL APIs.
type ComplaintNotifyURL struct {
	MchID string `json:"mchid"`
	URL   string `json:"url"`
}

func checkComplaintNotifyURL(u string) error {
	if err := checkNotifyURL("url", u, true); err != nil {
		return err
	}
	return nil
}

// CreateComplaintNotifyURL calls 创建投诉通知回调地址
// (POST /v3/merchant-service/complaint-notifications, body {"url"}).
func (c *Client) CreateComplaintNotifyURL(ctx context.Context, notifyURL string) (*ComplaintNotifyURL, error) {
	return c.complaintNotifyURL(ctx, http.MethodPost, notifyURL)
}

// UpdateComplaintNotifyURL calls 更新投诉通知回调地址
// (PUT /v3/merchant-service/complaint-notifications, body {"url"}).
func (c *Client) UpdateComplaintNotifyURL(ctx context.Context, notifyURL string) (*ComplaintNotifyURL, error) {
	return c.complaintNotifyURL(ctx, http.MethodPut, notifyURL)
}

// GetComplaintNotifyURL calls 查询投诉通知回调地址
// (GET /v3/merchant-service/complaint-notifications).
func (c *Client) GetComplaintNotifyURL(ctx context.Context) (*ComplaintNotifyURL, error) {
	var out ComplaintNotifyURL
	if _, err := c.do(ctx, &apiRequest{method: http.MethodGet, path: complaintNotificationsPath}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteComplaintNotifyURL calls 删除投诉通知回调地址
// (DELETE /v3/merchant-service/complaint-notifications); 204.
func (c *Client) DeleteComplaintNotifyURL(ctx context.Context) error {
	_, err := c.do(ctx, &apiRequest{method: http.MethodDelete, path: complaintNotificationsPath}, nil)
	return err
}

func (c *Client) complaintNotifyURL(ctx context.Context, method, notifyURL string) (*ComplaintNotifyURL, error) {
	if err := checkComplaintNotifyURL(notifyURL); err != nil {
		return nil, err
	}
	var out ComplaintNotifyURL
	body := struct {
		URL string `json:"url"`
	}{notifyURL}
	if _, err := c.do(ctx, &apiRequest{method: method, path: complaintNotificationsPath, body: body}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DownloadComplaintImage calls 图片请求 on a media_url of a complaint (a
// user's attached image, https://api.mch.weixin.qq.com/v3/merchant-service/images/...):
// a signed GET whose image answer is streamed into w. The URL must be on
// the client's base URL host or https, so that signed requests are not sent
// elsewhere. It returns the number of bytes written.
func (c *Client) DownloadComplaintImage(ctx context.Context, mediaURL string, w io.Writer) (int64, error) {
	if w == nil {
		return 0, &ArgumentError{Name: "w", Reason: "nil writer"}
	}
	u, err := url.Parse(mediaURL)
	if err != nil || u.Host == "" || !strings.HasPrefix(u.Path, "/v3/merchant-service/images/") {
		return 0, &ArgumentError{Name: "media_url", Reason: "not a complaint image URL"}
	}
	base, _ := url.Parse(c.baseURL)
	if u.Scheme != "https" && !(u.Scheme == base.Scheme && u.Host == base.Host) {
		return 0, &ArgumentError{Name: "media_url", Reason: "must be https or on the base URL host"}
	}
	resp, err := c.send(ctx, &apiRequest{method: http.MethodGet, rawURL: mediaURL, path: u.Path, noVerify: true})
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := readCapped(resp.Body, 64<<10)
		if hasSignatureHeaders(resp.Header) && c.verify {
			if err := c.verifyResponse(ctx, resp.Header, body); err != nil {
				return 0, err
			}
		}
		return 0, decodeAPIError(resp.StatusCode, resp.Header, body)
	}
	n, err := io.Copy(w, io.LimitReader(resp.Body, 10<<20))
	if err != nil {
		return n, fmt.Errorf("wechatpay: downloading image: %w", err)
	}
	return n, nil
}

// ComplaintNotification is the decrypted resource of COMPLAINT.*
// notifications (投诉通知): which complaint changed and how.
type ComplaintNotification struct {
	ComplaintID   string `json:"complaint_id"`
	ActionType    string `json:"action_type"`
	OutTradeNo    string `json:"out_trade_no,omitempty"`
	ComplaintTime string `json:"complaint_time,omitempty"`
	Amount        int64  `json:"amount,omitempty"`
}

// Complaint decodes the resource of a COMPLAINT.* notification. Fetch the
// details with GetComplaint.
func (n *Notification) Complaint() (*ComplaintNotification, error) {
	if !strings.HasPrefix(n.EventType, "COMPLAINT.") {
		return nil, fmt.Errorf("%w: %q is not a complaint event", ErrEventType, truncate(n.EventType, 32))
	}
	var v ComplaintNotification
	if err := n.Decode(&v); err != nil {
		return nil, err
	}
	return &v, nil
}
