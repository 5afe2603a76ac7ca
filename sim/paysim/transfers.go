package paysim

import (
	"context"
	"net/http"
	"time"
	"unicode/utf8"
)

// Transfer bill states (商家转账单据状态).
const (
	TransferStateAccepted        = "ACCEPTED"
	TransferStateWaitUserConfirm = "WAIT_USER_CONFIRM"
	TransferStateTransfering     = "TRANSFERING"
	TransferStateSuccess         = "SUCCESS"
	TransferStateFail            = "FAIL"
	TransferStateCanceling       = "CANCELING"
	TransferStateCancelled       = "CANCELLED"
)

// EventTransferBillFinished is the event of 商家转账回调通知.
const EventTransferBillFinished = "MCHTRANSFER.BILL.FINISHED"

// Error codes of 商家转账.
const (
	CodeNotEnough = "NOT_ENOUGH" // 400 资金不足
	CodeNoAuth    = "NO_AUTH"    // 403 权限异常
)

// TransferBill is a transfer bill as the query endpoints answer it
// (商户单号查询转账单 / 微信单号查询转账单).
type TransferBill struct {
	MchID          string `json:"mch_id"`
	OutBillNo      string `json:"out_bill_no"`
	TransferBillNo string `json:"transfer_bill_no"`
	AppID          string `json:"appid"`
	State          string `json:"state"`
	TransferAmount int64  `json:"transfer_amount"`
	TransferRemark string `json:"transfer_remark"`
	FailReason     string `json:"fail_reason,omitempty"`
	OpenID         string `json:"openid"`
	CreateTime     string `json:"create_time"`
	UpdateTime     string `json:"update_time"`
}

type transferBill struct {
	TransferBill
	userName    string // decrypted
	notifyURL   string
	packageInfo string
	fingerprint string
	pubKey      bool
	created     time.Time
}

func (p *Platform) routesTransfers(mux *http.ServeMux) {
	mux.Handle("POST /v3/fund-app/mch-transfer/transfer-bills", p.api(p.createTransfer))
	mux.Handle("GET /v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}", p.api(p.queryTransfer))
	mux.Handle("GET /v3/fund-app/mch-transfer/transfer-bills/transfer-bill-no/{transfer_bill_no}", p.api(p.queryTransferByNo))
	mux.Handle("POST /v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}/cancel", p.api(p.cancelTransfer))
	mux.HandleFunc("POST /sim/transfer/confirm", p.simConfirmTransfer)
}

type createTransferRequest struct {
	AppID              string `json:"appid"`
	OutBillNo          string `json:"out_bill_no"`
	TransferSceneID    string `json:"transfer_scene_id"`
	OpenID             string `json:"openid"`
	UserName           string `json:"user_name"`
	TransferAmount     *int64 `json:"transfer_amount"`
	TransferRemark     string `json:"transfer_remark"`
	NotifyURL          string `json:"notify_url"`
	UserRecvPerception string `json:"user_recv_perception"`
	ReportInfos        []struct {
		InfoType    string `json:"info_type"`
		InfoContent string `json:"info_content"`
	} `json:"transfer_scene_report_infos"`
}

func (req *createTransferRequest) validate() *APIError {
	switch {
	case req.AppID == "":
		return missing("/body/appid", "商户AppID")
	case req.OutBillNo == "":
		return missing("/body/out_bill_no", "商户单号")
	case !validOutNo(req.OutBillNo, 1, 32, ""):
		return paramErr("/body/out_bill_no", "商户单号", "格式校验失败，只能由数字、大小写字母组成，最长32位")
	case req.TransferSceneID == "":
		return missing("/body/transfer_scene_id", "转账场景ID")
	case len(req.TransferSceneID) > 36:
		return invalid("/body/transfer_scene_id", "转账场景ID")
	case req.OpenID == "":
		return missing("/body/openid", "收款用户OpenID")
	case len(req.OpenID) > 64:
		return invalid("/body/openid", "收款用户OpenID")
	case req.TransferAmount == nil:
		return missing("/body/transfer_amount", "转账金额")
	case *req.TransferAmount <= 0:
		return paramErr("/body/transfer_amount", "转账金额", "取值校验失败，必须大于0")
	case req.TransferRemark == "":
		return missing("/body/transfer_remark", "转账备注")
	case utf8.RuneCountInString(req.TransferRemark) > 32:
		return paramErr("/body/transfer_remark", "转账备注", "长度校验失败，最多32个字符")
	case req.NotifyURL != "" && !validNotifyURL(req.NotifyURL):
		return paramErr("/body/notify_url", "商户回调地址", "格式校验失败，须为http(s)绝对地址且不能携带参数")
	case len(req.ReportInfos) == 0:
		return missing("/body/transfer_scene_report_infos", "转账场景报备信息")
	case *req.TransferAmount >= 200000 && req.UserName == "":
		return paramErr("/body/user_name", "收款用户姓名", "转账金额>=2000元时必填")
	}
	for _, info := range req.ReportInfos {
		if info.InfoType == "" || info.InfoContent == "" {
			return missing("/body/transfer_scene_report_infos", "转账场景报备信息")
		}
	}
	return nil
}

// createTransfer serves POST /v3/fund-app/mch-transfer/transfer-bills
// (发起转账): the bill waits for the user's confirmation (WAIT_USER_CONFIRM)
// with a package_info for wx.requestMerchantTransfer.
func (p *Platform) createTransfer(c *call) (int, any, *APIError) {
	var req createTransferRequest
	if e := decodeBody(c.body, &req); e != nil {
		return 0, nil, e
	}
	if e := req.validate(); e != nil {
		return 0, nil, e
	}
	var userName string
	if req.UserName != "" {
		key, e := p.sensitiveKey(c.r.Header.Get("Wechatpay-Serial"))
		if e != nil {
			return 0, nil, e
		}
		name, err := decryptSensitive(key, req.UserName)
		if err != nil {
			return 0, nil, apiErr(http.StatusBadRequest, CodeParamError, "敏感信息解密失败，请检查加密使用的公钥与Wechatpay-Serial是否一致")
		}
		userName = name
	}
	fp := req.AppID + "\x00" + req.OpenID + "\x00" + req.TransferSceneID + "\x00" + req.TransferRemark + "\x00" + yuan(*req.TransferAmount)
	now := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	x := p.ext()
	bills := sub(x.transfers, c.m.MchID)
	if t := bills[req.OutBillNo]; t != nil {
		if t.fingerprint == fp { // the same request again: the same bill
			return http.StatusOK, t.createResponse(), nil
		}
		return 0, nil, apiErr(http.StatusBadRequest, CodeParamError, "商户单号重复，且与原单参数不一致")
	}
	t := &transferBill{
		TransferBill: TransferBill{
			MchID: c.m.MchID, OutBillNo: req.OutBillNo,
			TransferBillNo: "1330" + randString(digits, 6) + now.In(cst).Format("060102") + randString(digits, 18),
			AppID:          req.AppID, State: TransferStateWaitUserConfirm, TransferAmount: *req.TransferAmount,
			TransferRemark: req.TransferRemark, OpenID: req.OpenID,
			CreateTime: now.In(cst).Format(time.RFC3339), UpdateTime: now.In(cst).Format(time.RFC3339),
		},
		userName: userName, notifyURL: req.NotifyURL, fingerprint: fp, pubKey: c.sig.pubKey, created: now,
		packageInfo: "ABBQO+oYAAABAAAAAAC" + randString(alnum+"+/", 96) + "=",
	}
	bills[t.OutBillNo] = t
	x.transfersByNo[t.TransferBillNo] = t
	p.log.Info("paysim transfer created", "mchid", t.MchID, "out_bill_no", t.OutBillNo, "amount", t.TransferAmount)
	return http.StatusOK, t.createResponse(), nil
}

func (t *transferBill) createResponse() map[string]any {
	r := map[string]any{"out_bill_no": t.OutBillNo, "transfer_bill_no": t.TransferBillNo, "create_time": t.CreateTime, "state": t.State}
	if t.State == TransferStateWaitUserConfirm {
		r["package_info"] = t.packageInfo
	}
	if t.FailReason != "" {
		r["fail_reason"] = t.FailReason
	}
	return r
}

func transferNotFound() *APIError {
	return apiErr(http.StatusNotFound, CodeNotFound, "记录不存在")
}

// queryTransfer serves GET .../transfer-bills/out-bill-no/{out_bill_no}.
func (p *Platform) queryTransfer(c *call) (int, any, *APIError) {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.ext().transfers[c.m.MchID][c.r.PathValue("out_bill_no")]
	if t == nil {
		return 0, nil, transferNotFound()
	}
	return http.StatusOK, t.TransferBill, nil
}

// queryTransferByNo serves GET .../transfer-bills/transfer-bill-no/{transfer_bill_no}.
func (p *Platform) queryTransferByNo(c *call) (int, any, *APIError) {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.ext().transfersByNo[c.r.PathValue("transfer_bill_no")]
	if t == nil || t.MchID != c.m.MchID {
		return 0, nil, transferNotFound()
	}
	return http.StatusOK, t.TransferBill, nil
}

// cancelTransfer serves POST .../out-bill-no/{out_bill_no}/cancel (撤销转账):
// possible until the user confirmed; the bill goes CANCELLED at once and the
// answer says CANCELING, as WeChat Pay's asynchronous cancel does.
func (p *Platform) cancelTransfer(c *call) (int, any, *APIError) {
	p.mu.Lock()
	t := p.ext().transfers[c.m.MchID][c.r.PathValue("out_bill_no")]
	if t == nil {
		p.mu.Unlock()
		return 0, nil, transferNotFound()
	}
	switch t.State {
	case TransferStateAccepted, TransferStateWaitUserConfirm:
	case TransferStateCancelled:
		out := map[string]any{"out_bill_no": t.OutBillNo, "transfer_bill_no": t.TransferBillNo, "state": t.State, "update_time": t.UpdateTime}
		p.mu.Unlock()
		return http.StatusOK, out, nil
	default:
		p.mu.Unlock()
		return 0, nil, apiErr(http.StatusBadRequest, CodeInvalidRequest, "当前单据状态不允许撤销")
	}
	send := p.finishTransfer(t, TransferStateCancelled, "")
	out := map[string]any{"out_bill_no": t.OutBillNo, "transfer_bill_no": t.TransferBillNo, "state": TransferStateCanceling, "update_time": t.UpdateTime}
	p.mu.Unlock()
	send()
	return http.StatusOK, out, nil
}

// finishTransfer moves t to a final state and returns the function sending
// MCHTRANSFER.BILL.FINISHED; call it after releasing p.mu. p.mu is held.
func (p *Platform) finishTransfer(t *transferBill, state, reason string) func() {
	t.State, t.FailReason = state, reason
	t.UpdateTime = p.now().In(cst).Format(time.RFC3339)
	if t.notifyURL == "" {
		return func() {}
	}
	m := p.merchants[t.MchID]
	payload := map[string]any{
		"mch_id": t.MchID, "out_bill_no": t.OutBillNo, "transfer_bill_no": t.TransferBillNo, "state": t.State,
		"transfer_amount": t.TransferAmount, "openid": t.OpenID, "create_time": t.CreateTime, "update_time": t.UpdateTime,
	}
	if reason != "" {
		payload["fail_reason"] = reason
	}
	key, url, s := m.APIv3Key, t.notifyURL, p.notifySigner(t.pubKey)
	return func() {
		_ = p.notify(key, url, EventTransferBillFinished, "商家转账单据终态通知", "mch_payment", payload, s)
	}
}

// ConfirmTransfer is the simulated user confirming (accept) or declining a
// transfer that waits for confirmation (用户确认收款), as
// wx.requestMerchantTransfer does in the client. openid, when not empty, must
// be the payee. Accepting makes the bill SUCCESS, declining makes it FAIL;
// either sends MCHTRANSFER.BILL.FINISHED to the bill's notify_url.
func (p *Platform) ConfirmTransfer(ctx context.Context, mchid, outBillNo, openid string, accept bool) (TransferBill, error) {
	if err := ctx.Err(); err != nil {
		return TransferBill{}, err
	}
	p.mu.Lock()
	t := p.ext().transfers[mchid][outBillNo]
	if t == nil {
		p.mu.Unlock()
		return TransferBill{}, transferNotFound()
	}
	if openid != "" && openid != t.OpenID {
		p.mu.Unlock()
		return TransferBill{}, apiErr(http.StatusForbidden, CodeNoAuth, "你的微信号与商家指定的微信号不一致")
	}
	if t.State != TransferStateWaitUserConfirm {
		p.mu.Unlock()
		return TransferBill{}, apiErr(http.StatusBadRequest, CodeInvalidRequest, "单据状态不是待用户确认")
	}
	var send func()
	if accept {
		send = p.finishTransfer(t, TransferStateSuccess, "")
	} else {
		send = p.finishTransfer(t, TransferStateFail, "TRANSFER_REJECTED") // 用户拒绝收款
	}
	view := t.TransferBill
	p.mu.Unlock()
	send()
	return view, nil
}

// PendingTransfers lists the bills of mchid that wait for openid's
// confirmation (all payees when openid is empty), oldest first.
func (p *Platform) PendingTransfers(mchid, openid string) []TransferBill {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []TransferBill
	for _, t := range p.ext().transfers[mchid] {
		if t.State == TransferStateWaitUserConfirm && (openid == "" || t.OpenID == openid) {
			out = append(out, t.TransferBill)
		}
	}
	sortBy(out, func(a, b TransferBill) bool {
		return a.CreateTime < b.CreateTime || a.CreateTime == b.CreateTime && a.OutBillNo < b.OutBillNo
	})
	return out
}

// simConfirmTransfer serves POST /sim/transfer/confirm with mchid,
// out_bill_no, openid (optional) and action=confirm|decline.
func (p *Platform) simConfirmTransfer(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	action := r.Form.Get("action")
	if action != "confirm" && action != "decline" {
		writeSimJSON(w, http.StatusBadRequest, apiErr(http.StatusBadRequest, CodeParamError, "action须为confirm或decline"))
		return
	}
	t, err := p.ConfirmTransfer(r.Context(), r.Form.Get("mchid"), r.Form.Get("out_bill_no"), r.Form.Get("openid"), action == "confirm")
	if err != nil {
		writeSimJSON(w, statusOf(err), err)
		return
	}
	writeSimJSON(w, http.StatusOK, t)
}

// writeSimJSON answers a /sim/... control call (unsigned: it is not WeChat Pay's API).
func writeSimJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if ae, ok := v.(*APIError); ok {
		_, _ = w.Write(ae.body())
		return
	}
	if err, ok := v.(error); ok {
		_, _ = w.Write(apiErr(0, CodeSystemError, err.Error()).body())
		return
	}
	_, _ = w.Write(marshal(v))
}
