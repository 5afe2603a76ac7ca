package pay

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Transfer bill states (商家转账单据状态, state).
const (
	TransferStateAccepted        = "ACCEPTED"          // 转账已受理
	TransferStateProcessing      = "PROCESSING"        // 转账锁定资金中
	TransferStateWaitUserConfirm = "WAIT_USER_CONFIRM" // 待收款用户确认
	TransferStateTransfering     = "TRANSFERING"       // 转账中 (WeChat's spelling)
	TransferStateSuccess         = "SUCCESS"           // 转账成功 (final)
	TransferStateFail            = "FAIL"              // 转账失败 (final)
	TransferStateCanceling       = "CANCELING"         // 撤销中
	TransferStateCancelled       = "CANCELLED"         // 已撤销 (final)
)

// EventTransferBillFinished is the event_type of 商家转账回调通知, sent when a
// transfer bill reaches SUCCESS, FAIL or CANCELLED.
const EventTransferBillFinished = "MCHTRANSFER.BILL.FINISHED"

// TransferUserNameThreshold is the amount in fen (2,000 yuan) from which the
// payee's real name (user_name) is required.
const TransferUserNameThreshold = 200000

// TransferSceneReportInfo is one entry of transfer_scene_report_infos
// (转账场景报备信息); the info_type values depend on the transfer scene, e.g.
// "活动名称" and "奖励说明" for scene 1000 (现金营销).
type TransferSceneReportInfo struct {
	InfoType    string `json:"info_type"`
	InfoContent string `json:"info_content"`
}

// TransferBillRequest is the body of 发起转账
// (POST /v3/fund-app/mch-transfer/transfer-bills). UserName is given in
// plaintext: CreateTransferBill encrypts it (RSA-OAEP, 敏感信息加密) and sets
// the matching Wechatpay-Serial header. It is required from
// TransferUserNameThreshold (2,000 yuan).
type TransferBillRequest struct {
	AppID                    string                    `json:"appid"`
	OutBillNo                string                    `json:"out_bill_no"`
	TransferSceneID          string                    `json:"transfer_scene_id"`
	OpenID                   string                    `json:"openid"`
	UserName                 string                    `json:"user_name,omitempty"`
	TransferAmount           int64                     `json:"transfer_amount"` // fen
	TransferRemark           string                    `json:"transfer_remark"`
	NotifyURL                string                    `json:"notify_url,omitempty"`
	UserRecvPerception       string                    `json:"user_recv_perception,omitempty"`
	TransferSceneReportInfos []TransferSceneReportInfo `json:"transfer_scene_report_infos"`
}

// TransferBillResponse is the answer of 发起转账. When State is
// WAIT_USER_CONFIRM, pass PackageInfo to MerchantTransferParams so the user
// can confirm the transfer in the page.
type TransferBillResponse struct {
	OutBillNo      string `json:"out_bill_no"`
	TransferBillNo string `json:"transfer_bill_no"`
	CreateTime     string `json:"create_time"`
	State          string `json:"state"`
	FailReason     string `json:"fail_reason,omitempty"`
	PackageInfo    string `json:"package_info,omitempty"`
}

// TransferBill is a transfer bill as 商户单号查询转账单 and 微信单号查询转账单
// answer it. UserName, when present, is encrypted with the merchant
// certificate: decrypt it with DecryptSensitive.
type TransferBill struct {
	MchID          string `json:"mch_id"`
	OutBillNo      string `json:"out_bill_no"`
	TransferBillNo string `json:"transfer_bill_no"`
	AppID          string `json:"appid"`
	State          string `json:"state"`
	TransferAmount int64  `json:"transfer_amount"`
	TransferRemark string `json:"transfer_remark"`
	FailReason     string `json:"fail_reason,omitempty"`
	OpenID         string `json:"openid,omitempty"`
	UserName       string `json:"user_name,omitempty"`
	CreateTime     string `json:"create_time"`
	UpdateTime     string `json:"update_time"`
}

// TransferBillCancelResponse is the answer of 撤销转账.
type TransferBillCancelResponse struct {
	OutBillNo      string `json:"out_bill_no"`
	TransferBillNo string `json:"transfer_bill_no"`
	State          string `json:"state"` // CANCELING or CANCELLED
	UpdateTime     string `json:"update_time"`
}

// TransferBillNotification is the decrypted resource of the
// MCHTRANSFER.BILL.FINISHED notification (商家转账回调通知).
type TransferBillNotification struct {
	MchID          string `json:"mch_id"`
	OutBillNo      string `json:"out_bill_no"`
	TransferBillNo string `json:"transfer_bill_no"`
	State          string `json:"state"`
	TransferAmount int64  `json:"transfer_amount"`
	OpenID         string `json:"openid"`
	FailReason     string `json:"fail_reason,omitempty"`
	CreateTime     string `json:"create_time"`
	UpdateTime     string `json:"update_time"`
}

// MerchantTransferParams are the parameters of the JS-SDK call that lets the
// user confirm a transfer (wx.requestMerchantTransfer in a mini program,
// WeixinJSBridge.invoke('requestMerchantTransfer', ...) in an official account
// page). Marshal it to JSON and pass it unchanged.
type MerchantTransferParams struct {
	MchID   string `json:"mchId"`
	AppID   string `json:"appId"`
	Package string `json:"package"`
	OpenID  string `json:"openId,omitempty"`
}

// MerchantTransferParams builds the parameters of wx.requestMerchantTransfer
// for the package_info of a WAIT_USER_CONFIRM transfer bill. openID is
// optional: when given, WeChat checks that the confirming user is that user.
func (c *Client) MerchantTransferParams(appID, packageInfo, openID string) (*MerchantTransferParams, error) {
	if appID == "" {
		return nil, &ArgumentError{Name: "appId", Reason: "required"}
	}
	if packageInfo == "" {
		return nil, &ArgumentError{Name: "package", Reason: "required (package_info of a WAIT_USER_CONFIRM bill)"}
	}
	return &MerchantTransferParams{MchID: c.mchID, AppID: appID, Package: packageInfo, OpenID: openID}, nil
}

// checkOutNo checks an out_*_no made of at most max letters and digits (and
// the characters of extra).
func checkOutNo(name, v string, max int, extra string) error {
	if v == "" {
		return &ArgumentError{Name: name, Reason: "required"}
	}
	if len(v) > max {
		return &ArgumentError{Name: name, Reason: fmt.Sprintf("at most %d characters", max)}
	}
	for i := 0; i < len(v); i++ {
		ch := v[i]
		if ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || strings.IndexByte(extra, ch) >= 0 {
			continue
		}
		if extra == "" {
			return &ArgumentError{Name: name, Reason: "only letters and digits"}
		}
		return &ArgumentError{Name: name, Reason: "only letters, digits and " + extra}
	}
	return nil
}

// checkLen checks a required (when req) string of at most max bytes.
func checkLen(name, v string, req bool, max int) error {
	if req && strings.TrimSpace(v) == "" {
		return &ArgumentError{Name: name, Reason: "required"}
	}
	if len(v) > max {
		return &ArgumentError{Name: name, Reason: fmt.Sprintf("at most %d bytes", max)}
	}
	return nil
}

// checkRunes checks a required (when req) string of at most max characters.
func checkRunes(name, v string, req bool, max int) error {
	if req && strings.TrimSpace(v) == "" {
		return &ArgumentError{Name: name, Reason: "required"}
	}
	if utf8.RuneCountInString(v) > max {
		return &ArgumentError{Name: name, Reason: fmt.Sprintf("at most %d characters", max)}
	}
	return nil
}

// checkNotifyURL checks an optional notify_url: absolute http(s), at most
// 256 bytes, no query (不能携带参数).
func checkNotifyURL(name, v string, req bool) error {
	if v == "" {
		if req {
			return &ArgumentError{Name: name, Reason: "required"}
		}
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || strings.Contains(v, "?") {
		return &ArgumentError{Name: name, Reason: "must be an absolute http(s) URL without query (https in production)"}
	}
	if len(v) > 256 {
		return &ArgumentError{Name: name, Reason: "at most 256 bytes"}
	}
	return nil
}

func (r *TransferBillRequest) validate() error {
	if err := checkLen("appid", r.AppID, true, 32); err != nil {
		return err
	}
	if err := checkOutNo("out_bill_no", r.OutBillNo, 32, ""); err != nil {
		return err
	}
	if err := checkLen("transfer_scene_id", r.TransferSceneID, true, 36); err != nil {
		return err
	}
	if err := checkLen("openid", r.OpenID, true, 64); err != nil {
		return err
	}
	if r.TransferAmount <= 0 {
		return &ArgumentError{Name: "transfer_amount", Reason: "must be positive (fen)"}
	}
	if r.TransferAmount >= TransferUserNameThreshold && r.UserName == "" {
		return &ArgumentError{Name: "user_name", Reason: "required from 2000 yuan (200000 fen)"}
	}
	if err := checkRunes("transfer_remark", r.TransferRemark, true, 32); err != nil {
		return err
	}
	if err := checkNotifyURL("notify_url", r.NotifyURL, false); err != nil {
		return err
	}
	if len(r.TransferSceneReportInfos) == 0 {
		return &ArgumentError{Name: "transfer_scene_report_infos", Reason: "required (see the scene's 报备信息)"}
	}
	for i, info := range r.TransferSceneReportInfos {
		if err := checkRunes(fmt.Sprintf("transfer_scene_report_infos[%d].info_type", i), info.InfoType, true, 15); err != nil {
			return err
		}
		if err := checkRunes(fmt.Sprintf("transfer_scene_report_infos[%d].info_content", i), info.InfoContent, true, 32); err != nil {
			return err
		}
	}
	return nil
}

// CreateTransferBill calls 发起转账 (商家转账, POST
// /v3/fund-app/mch-transfer/transfer-bills). A 200 answer says nothing about
// the outcome: follow State (usually WAIT_USER_CONFIRM), and on an error
// query the bill before retrying with another out_bill_no, or the money may
// be sent twice.
func (c *Client) CreateTransferBill(ctx context.Context, req *TransferBillRequest) (*TransferBillResponse, error) {
	if req == nil {
		return nil, &ArgumentError{Name: "req", Reason: "nil request"}
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	r := *req
	r.TransferSceneReportInfos = append([]TransferSceneReportInfo(nil), req.TransferSceneReportInfos...)
	ar := &apiRequest{method: http.MethodPost, path: "/v3/fund-app/mch-transfer/transfer-bills", body: &r}
	if r.UserName != "" {
		enc, err := c.newSensitiveEncrypter()
		if err != nil {
			return nil, err
		}
		if err := enc.encrypt(&r.UserName); err != nil {
			return nil, err
		}
		ar.serial = enc.serial
	}
	var out TransferBillResponse
	if _, err := c.do(ctx, ar, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// QueryTransferBill calls 商户单号查询转账单
// (GET /v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}).
// Bills older than 30 days are not found.
func (c *Client) QueryTransferBill(ctx context.Context, outBillNo string) (*TransferBill, error) {
	if err := checkOutNo("out_bill_no", outBillNo, 32, ""); err != nil {
		return nil, err
	}
	var out TransferBill
	if _, err := c.do(ctx, &apiRequest{method: http.MethodGet,
		path: "/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/" + url.PathEscape(outBillNo)}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// QueryTransferBillByNo calls 微信单号查询转账单
// (GET /v3/fund-app/mch-transfer/transfer-bills/transfer-bill-no/{transfer_bill_no}).
func (c *Client) QueryTransferBillByNo(ctx context.Context, transferBillNo string) (*TransferBill, error) {
	if err := checkOutNo("transfer_bill_no", transferBillNo, 64, ""); err != nil {
		return nil, err
	}
	var out TransferBill
	if _, err := c.do(ctx, &apiRequest{method: http.MethodGet,
		path: "/v3/fund-app/mch-transfer/transfer-bills/transfer-bill-no/" + url.PathEscape(transferBillNo)}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CancelTransferBill calls 撤销转账
// (POST /v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}/cancel),
// possible before the user confirmed. The answer is CANCELING or CANCELLED;
// the final state comes with MCHTRANSFER.BILL.FINISHED or a query.
func (c *Client) CancelTransferBill(ctx context.Context, outBillNo string) (*TransferBillCancelResponse, error) {
	if err := checkOutNo("out_bill_no", outBillNo, 32, ""); err != nil {
		return nil, err
	}
	var out TransferBillCancelResponse
	if _, err := c.do(ctx, &apiRequest{method: http.MethodPost,
		path: "/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/" + url.PathEscape(outBillNo) + "/cancel"}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// TransferBill decodes the resource of a MCHTRANSFER.BILL.FINISHED
// notification (商家转账回调通知).
func (n *Notification) TransferBill() (*TransferBillNotification, error) {
	if n.EventType != EventTransferBillFinished {
		return nil, fmt.Errorf("%w: %q is not a transfer bill event", ErrEventType, truncate(n.EventType, 32))
	}
	var t TransferBillNotification
	if err := n.Decode(&t); err != nil {
		return nil, err
	}
	return &t, nil
}
