package paysim

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"
)

// Complaint states and notification events (消费者投诉2.0).
const (
	ComplaintStatePending    = "PENDING"
	ComplaintStateProcessing = "PROCESSING"
	ComplaintStateProcessed  = "PROCESSED"

	EventComplaintCreate      = "COMPLAINT.CREATE"
	EventComplaintStateChange = "COMPLAINT.STATE_CHANGE"
)

// tinyPNG is the 1×1 image a simulated user attaches to a complaint.
var tinyPNG, _ = base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")

// ComplaintHistory is one entry of a complaint's negotiation history (协商历史).
type ComplaintHistory struct {
	LogID          string   `json:"log_id"`
	Operator       string   `json:"operator"`
	OperateTime    string   `json:"operate_time"`
	OperateType    string   `json:"operate_type"`
	OperateDetails string   `json:"operate_details"`
	ImageList      []string `json:"image_list"`
}

type complaint struct {
	id, mchid, openid, phone   string
	outTradeNo, transactionID  string
	amount                     int64
	detail, state              string
	created                    time.Time
	mediaIDs                   []string
	history                    []ComplaintHistory
	responded, fullRefunded    bool
	refundAction, refundReason string
	pubKey                     bool
}

// Complaint is a complaint as 查询投诉单详情 answers it.
type Complaint struct {
	ComplaintID           string           `json:"complaint_id"`
	ComplaintTime         string           `json:"complaint_time"`
	ComplaintDetail       string           `json:"complaint_detail"`
	ComplaintState        string           `json:"complaint_state"`
	ComplaintedMchID      string           `json:"complainted_mchid"`
	PayerPhone            string           `json:"payer_phone,omitempty"`
	PayerOpenID           string           `json:"payer_openid"`
	ComplaintMediaList    []ComplaintMedia `json:"complaint_media_list"`
	ComplaintOrderInfo    []ComplaintOrder `json:"complaint_order_info"`
	ComplaintFullRefunded bool             `json:"complaint_full_refunded"`
	IncomingUserResponse  bool             `json:"incoming_user_response"`
	UserComplaintTimes    int              `json:"user_complaint_times"`
	ProblemDescription    string           `json:"problem_description"`
	ProblemType           string           `json:"problem_type"`
	InPlatformService     bool             `json:"in_platform_service"`
	NeedImmediateService  bool             `json:"need_immediate_service"`
}

// ComplaintMedia lists a complaint's attached media.
type ComplaintMedia struct {
	MediaType string   `json:"media_type"`
	MediaURL  []string `json:"media_url"`
}

// ComplaintOrder is the order a complaint is about.
type ComplaintOrder struct {
	TransactionID string `json:"transaction_id"`
	OutTradeNo    string `json:"out_trade_no"`
	Amount        int64  `json:"amount"`
}

func (p *Platform) routesComplaints(mux *http.ServeMux) {
	const base = "/v3/merchant-service/complaints-v2"
	mux.Handle("GET "+base, p.api(p.listComplaints))
	mux.Handle("GET "+base+"/{id}", p.api(p.getComplaint))
	mux.Handle("GET "+base+"/{id}/negotiation-historys", p.api(p.complaintHistory))
	mux.Handle("POST "+base+"/{id}/response", p.api(p.respondComplaint))
	mux.Handle("POST "+base+"/{id}/complete", p.api(p.completeComplaint))
	mux.Handle("POST "+base+"/{id}/update-refund-progress", p.api(p.complaintRefundProgress))
	const notif = "/v3/merchant-service/complaint-notifications"
	mux.Handle("POST "+notif, p.api(p.setComplaintURL(false)))
	mux.Handle("PUT "+notif, p.api(p.setComplaintURL(true)))
	mux.Handle("GET "+notif, p.api(p.getComplaintURL))
	mux.Handle("DELETE "+notif, p.api(p.deleteComplaintURL))
	mux.HandleFunc("POST /sim/complaint", p.simComplain)
}

func (p *Platform) complaintView(c *complaint, base string) Complaint {
	v := Complaint{
		ComplaintID: c.id, ComplaintTime: c.created.In(cst).Format(time.RFC3339), ComplaintDetail: c.detail,
		ComplaintState: c.state, ComplaintedMchID: c.mchid, PayerOpenID: c.openid,
		ComplaintMediaList:    []ComplaintMedia{},
		ComplaintOrderInfo:    []ComplaintOrder{{TransactionID: c.transactionID, OutTradeNo: c.outTradeNo, Amount: c.amount}},
		ComplaintFullRefunded: c.fullRefunded, UserComplaintTimes: 1, ProblemDescription: c.detail, ProblemType: "OTHERS",
	}
	if len(c.mediaIDs) > 0 {
		m := ComplaintMedia{MediaType: "USER_COMPLAINT_IMAGE"}
		for _, id := range c.mediaIDs {
			m.MediaURL = append(m.MediaURL, base+"/v3/merchant-service/images/"+id)
		}
		v.ComplaintMediaList = append(v.ComplaintMediaList, m)
	}
	if c.phone != "" {
		if mch := p.merchants[c.mchid]; mch != nil {
			v.PayerPhone, _ = EncryptSensitive(mch.MerchantPublicKey, c.phone)
		}
	}
	return v
}

// FileComplaint is a simulated user (openid, or the order's payer when
// empty) filing a complaint (用户投诉) about a paid order of merchant mchid,
// named by out_trade_no or transaction_id. With image, a small picture is
// attached. The merchant's complaint notify URL, if any, gets
// COMPLAINT.CREATE.
func (p *Platform) FileComplaint(ctx context.Context, mchid, ref, openid, detail, phone string, image bool) (Complaint, error) {
	if err := ctx.Err(); err != nil {
		return Complaint{}, err
	}
	if utf8.RuneCountInString(detail) == 0 || utf8.RuneCountInString(detail) > 300 {
		return Complaint{}, apiErr(http.StatusBadRequest, CodeParamError, "投诉内容须为1-300个字符")
	}
	var mediaID string
	if image {
		mediaID = p.storeMedia(mchid, "complaint.png", "image/png", tinyPNG)
	}
	now := p.now()
	p.mu.Lock()
	m := p.merchants[mchid]
	if m == nil {
		p.mu.Unlock()
		return Complaint{}, apiErr(http.StatusBadRequest, CodeMchNotExists, "商户号不存在")
	}
	o := m.orders[ref]
	if o == nil {
		o = m.byTxn[ref]
	}
	if o == nil {
		p.mu.Unlock()
		return Complaint{}, orderNotExist()
	}
	if o.state != TradeStateSuccess && o.state != TradeStateRefund {
		p.mu.Unlock()
		return Complaint{}, apiErr(http.StatusBadRequest, CodeInvalidRequest, "只能投诉已支付的订单")
	}
	if openid == "" {
		openid = o.openid
	}
	if openid != o.openid {
		p.mu.Unlock()
		return Complaint{}, apiErr(http.StatusBadRequest, CodeInvalidRequest, "只有付款用户可以投诉该订单")
	}
	x := p.ext()
	cpl := &complaint{
		id: "2000000" + now.In(cst).Format("20060102") + randString(digits, 10), mchid: mchid, openid: openid, phone: phone,
		outTradeNo: o.outTradeNo, transactionID: o.transactionID, amount: o.total, detail: detail,
		state: ComplaintStatePending, created: now, pubKey: p.mode == ModePublicKey,
	}
	if mediaID != "" {
		cpl.mediaIDs = []string{mediaID}
	}
	cpl.addHistory(now, "USER", "USER_CREATE_COMPLAINT", detail, nil)
	x.complaints[cpl.id] = cpl
	x.complaintList = append(x.complaintList, cpl)
	view := p.complaintView(cpl, p.baseURL)
	send := p.complaintEvent(cpl, EventComplaintCreate, "CREATE_COMPLAINT")
	p.mu.Unlock()
	send()
	p.log.Info("paysim complaint filed", "mchid", mchid, "complaint_id", cpl.id)
	return view, nil
}

func (c *complaint) addHistory(now time.Time, operator, typ, details string, images []string) {
	if images == nil {
		images = []string{}
	}
	c.history = append(c.history, ComplaintHistory{
		LogID: c.id + "-" + strconv.Itoa(len(c.history)+1), Operator: operator,
		OperateTime: now.In(cst).Format(time.RFC3339), OperateType: typ, OperateDetails: details, ImageList: images,
	})
}

// complaintEvent returns the sender of a COMPLAINT.* notification. p.mu is held.
func (p *Platform) complaintEvent(c *complaint, event, action string) func() {
	url := p.ext().complaintURL[c.mchid]
	m := p.merchants[c.mchid]
	if url == "" || m == nil {
		return func() {}
	}
	payload := map[string]any{"complaint_id": c.id, "action_type": action}
	key, s := m.APIv3Key, p.notifySigner(c.pubKey)
	return func() { _ = p.notify(key, url, event, "投诉单状态变化", "complaint", payload, s) }
}

// Complaints lists the complaints against mchid, oldest first.
func (p *Platform) Complaints(mchid string) []Complaint {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Complaint
	for _, c := range p.ext().complaintList {
		if c.mchid == mchid {
			out = append(out, p.complaintView(c, p.baseURL))
		}
	}
	return out
}

func complaintNotFound() *APIError {
	return apiErr(http.StatusNotFound, CodeResourceNotExists, "投诉单不存在")
}

// listComplaints serves GET /v3/merchant-service/complaints-v2 (查询投诉单列表).
func (p *Platform) listComplaints(c *call) (int, any, *APIError) {
	q := c.r.URL.Query()
	b, err1 := time.ParseInLocation(time.DateOnly, q.Get("begin_date"), cst)
	e, err2 := time.ParseInLocation(time.DateOnly, q.Get("end_date"), cst)
	switch {
	case q.Get("begin_date") == "":
		return 0, nil, missing("/query/begin_date", "开始日期")
	case q.Get("end_date") == "":
		return 0, nil, missing("/query/end_date", "结束日期")
	case err1 != nil:
		return 0, nil, invalid("/query/begin_date", "开始日期")
	case err2 != nil:
		return 0, nil, invalid("/query/end_date", "结束日期")
	case e.Before(b) || e.Sub(b) > 30*24*time.Hour:
		return 0, nil, paramErr("/query/end_date", "结束日期", "查询时间跨度不能超过30天")
	}
	limit, offset, perr := pageParams(q, 50)
	if perr != nil {
		return 0, nil, perr
	}
	if m := q.Get("complainted_mchid"); m != "" && m != c.m.MchID {
		return 0, nil, apiErr(http.StatusForbidden, CodeNoAuth, "无权查询该商户的投诉单")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var all []*complaint
	for _, cp := range p.ext().complaintList {
		d := cp.created.In(cst)
		day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, cst)
		if cp.mchid == c.m.MchID && !day.Before(b) && !day.After(e) {
			all = append(all, cp)
		}
	}
	data := []Complaint{}
	for i := offset; i < len(all) && i < offset+limit; i++ {
		data = append(data, p.complaintView(all[i], p.base(c.r)))
	}
	return http.StatusOK, map[string]any{"data": data, "limit": limit, "offset": offset, "total_count": len(all)}, nil
}

// pageParams reads the limit (1..most, default 10) and offset (default 0)
// of a paged complaint query.
func pageParams(q url.Values, most int) (limit, offset int, e *APIError) {
	limit = 10
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > most {
			return 0, 0, paramErr("/query/limit", "分页大小", fmt.Sprintf("取值范围1-%d", most))
		}
		limit = n
	}
	if s := q.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return 0, 0, invalid("/query/offset", "分页开始位置")
		}
		offset = n
	}
	return limit, offset, nil
}

// findComplaint returns the complaint of the path for the caller. p.mu is held.
func (p *Platform) findComplaint(c *call) (*complaint, *APIError) {
	cp := p.ext().complaints[c.r.PathValue("id")]
	if cp == nil || cp.mchid != c.m.MchID {
		return nil, complaintNotFound()
	}
	return cp, nil
}

func (p *Platform) getComplaint(c *call) (int, any, *APIError) {
	p.mu.Lock()
	defer p.mu.Unlock()
	cp, e := p.findComplaint(c)
	if e != nil {
		return 0, nil, e
	}
	return http.StatusOK, p.complaintView(cp, p.base(c.r)), nil
}

func (p *Platform) complaintHistory(c *call) (int, any, *APIError) {
	q := c.r.URL.Query()
	limit, offset, e := pageParams(q, 300)
	if e != nil {
		return 0, nil, e
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	cp, e := p.findComplaint(c)
	if e != nil {
		return 0, nil, e
	}
	data := []ComplaintHistory{}
	for i := offset; i < len(cp.history) && i < offset+limit; i++ {
		data = append(data, cp.history[i])
	}
	return http.StatusOK, map[string]any{"data": data, "limit": limit, "offset": offset, "total_count": len(cp.history)}, nil
}

func checkComplaintedMchID(c *call, v string) *APIError {
	if v == "" {
		return missing("/body/complainted_mchid", "被诉商户号")
	}
	if v != c.m.MchID {
		return paramErr("/body/complainted_mchid", "被诉商户号", "与Authorization中的商户号不一致")
	}
	return nil
}

// respondComplaint serves POST .../{id}/response (回复用户); 204.
func (p *Platform) respondComplaint(c *call) (int, any, *APIError) {
	var req struct {
		ComplaintedMchID string   `json:"complainted_mchid"`
		ResponseContent  string   `json:"response_content"`
		ResponseImages   []string `json:"response_images"`
		JumpURL          string   `json:"jump_url"`
		JumpURLText      string   `json:"jump_url_text"`
	}
	if e := decodeBody(c.body, &req); e != nil {
		return 0, nil, e
	}
	if e := checkComplaintedMchID(c, req.ComplaintedMchID); e != nil {
		return 0, nil, e
	}
	switch {
	case req.ResponseContent == "":
		return 0, nil, missing("/body/response_content", "回复内容")
	case utf8.RuneCountInString(req.ResponseContent) > 200:
		return 0, nil, paramErr("/body/response_content", "回复内容", "长度不能超过200个字符")
	case len(req.ResponseImages) > 4:
		return 0, nil, paramErr("/body/response_images", "回复图片", "最多4张")
	case req.JumpURL != "" && req.JumpURLText == "":
		return 0, nil, missing("/body/jump_url_text", "跳转链接文案")
	}
	p.mu.Lock()
	cp, e := p.findComplaint(c)
	if e != nil {
		p.mu.Unlock()
		return 0, nil, e
	}
	for _, id := range req.ResponseImages {
		if !p.hasMedia(c.m.MchID, id) {
			p.mu.Unlock()
			return 0, nil, paramErr("/body/response_images", "回复图片", "media_id无效，请先调用商户上传反馈图片接口")
		}
	}
	if cp.state == ComplaintStateProcessed {
		p.mu.Unlock()
		return 0, nil, apiErr(http.StatusBadRequest, CodeInvalidRequest, "投诉单已处理完成，不能回复")
	}
	cp.state, cp.responded = ComplaintStateProcessing, true
	cp.addHistory(p.now(), "MERCHANT", "MERCHANT_RESPONSE", req.ResponseContent, req.ResponseImages)
	send := p.complaintEvent(cp, EventComplaintStateChange, "MERCHANT_RESPONSE")
	p.mu.Unlock()
	send()
	return http.StatusNoContent, nil, nil
}

// completeComplaint serves POST .../{id}/complete (反馈处理完成); 204.
func (p *Platform) completeComplaint(c *call) (int, any, *APIError) {
	var req struct {
		ComplaintedMchID string `json:"complainted_mchid"`
	}
	if e := decodeBody(c.body, &req); e != nil {
		return 0, nil, e
	}
	if e := checkComplaintedMchID(c, req.ComplaintedMchID); e != nil {
		return 0, nil, e
	}
	p.mu.Lock()
	cp, e := p.findComplaint(c)
	if e != nil {
		p.mu.Unlock()
		return 0, nil, e
	}
	switch {
	case cp.state == ComplaintStateProcessed:
		p.mu.Unlock()
		return 0, nil, apiErr(http.StatusBadRequest, CodeInvalidRequest, "投诉单已处理完成")
	case !cp.responded:
		p.mu.Unlock()
		return 0, nil, apiErr(http.StatusBadRequest, CodeInvalidRequest, "请先回复用户，再反馈处理完成")
	}
	cp.state = ComplaintStateProcessed
	cp.addHistory(p.now(), "MERCHANT", "MERCHANT_CONFIRM_COMPLETE", "商户反馈处理完成", nil)
	send := p.complaintEvent(cp, EventComplaintStateChange, "MERCHANT_CONFIRM_COMPLETE")
	p.mu.Unlock()
	send()
	return http.StatusNoContent, nil, nil
}

// complaintRefundProgress serves POST .../{id}/update-refund-progress (更新退款审批结果); 204.
func (p *Platform) complaintRefundProgress(c *call) (int, any, *APIError) {
	var req struct {
		Action          string   `json:"action"`
		LaunchRefundDay *int     `json:"launch_refund_day"`
		RejectReason    string   `json:"reject_reason"`
		RejectMediaList []string `json:"reject_media_list"`
	}
	if e := decodeBody(c.body, &req); e != nil {
		return 0, nil, e
	}
	switch {
	case req.Action != "APPROVE" && req.Action != "REJECT":
		return 0, nil, invalid("/body/action", "审批动作")
	case req.Action == "REJECT" && req.RejectReason == "":
		return 0, nil, missing("/body/reject_reason", "拒绝退款原因")
	case req.LaunchRefundDay != nil && (*req.LaunchRefundDay < 0 || *req.LaunchRefundDay > 7):
		return 0, nil, invalid("/body/launch_refund_day", "预计发起退款时间")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	cp, e := p.findComplaint(c)
	if e != nil {
		return 0, nil, e
	}
	cp.refundAction, cp.refundReason = req.Action, req.RejectReason
	cp.addHistory(p.now(), "MERCHANT", "MERCHANT_"+req.Action+"_REFUND", req.RejectReason, req.RejectMediaList)
	return http.StatusNoContent, nil, nil
}

func (p *Platform) setComplaintURL(update bool) func(c *call) (int, any, *APIError) {
	return func(c *call) (int, any, *APIError) {
		var req struct {
			URL string `json:"url"`
		}
		if e := decodeBody(c.body, &req); e != nil {
			return 0, nil, e
		}
		if req.URL == "" {
			return 0, nil, missing("/body/url", "通知地址")
		}
		if !validNotifyURL(req.URL) {
			return 0, nil, paramErr("/body/url", "通知地址", "格式校验失败，须为http(s)绝对地址且不能携带参数")
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		x := p.ext()
		_, exists := x.complaintURL[c.m.MchID]
		switch {
		case update && !exists:
			return 0, nil, apiErr(http.StatusNotFound, CodeResourceNotExists, "通知地址不存在，请先创建")
		case !update && exists:
			return 0, nil, apiErr(http.StatusBadRequest, CodeInvalidRequest, "通知地址已存在，请调用更新接口")
		}
		x.complaintURL[c.m.MchID] = req.URL
		return http.StatusOK, map[string]string{"mchid": c.m.MchID, "url": req.URL}, nil
	}
}

func (p *Platform) getComplaintURL(c *call) (int, any, *APIError) {
	p.mu.Lock()
	defer p.mu.Unlock()
	u, ok := p.ext().complaintURL[c.m.MchID]
	if !ok {
		return 0, nil, apiErr(http.StatusNotFound, CodeResourceNotExists, "通知地址不存在")
	}
	return http.StatusOK, map[string]string{"mchid": c.m.MchID, "url": u}, nil
}

func (p *Platform) deleteComplaintURL(c *call) (int, any, *APIError) {
	p.mu.Lock()
	defer p.mu.Unlock()
	x := p.ext()
	if _, ok := x.complaintURL[c.m.MchID]; !ok {
		return 0, nil, apiErr(http.StatusNotFound, CodeResourceNotExists, "通知地址不存在")
	}
	delete(x.complaintURL, c.m.MchID)
	return http.StatusNoContent, nil, nil
}

// simComplain serves POST /sim/complaint with mchid, out_trade_no (or
// transaction_id), openid, detail, phone and image=1: a user files a complaint.
func (p *Platform) simComplain(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	ref := firstNonEmpty(r.Form.Get("out_trade_no"), r.Form.Get("transaction_id"))
	cp, err := p.FileComplaint(r.Context(), r.Form.Get("mchid"), ref, r.Form.Get("openid"),
		r.Form.Get("detail"), r.Form.Get("phone"), r.Form.Get("image") != "")
	if err != nil {
		writeSimJSON(w, statusOf(err), err)
		return
	}
	writeSimJSON(w, http.StatusOK, cp)
}
