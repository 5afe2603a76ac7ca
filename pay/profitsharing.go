package pay

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Profit-sharing receiver types (分账接收方类型).
const (
	ReceiverTypeMerchant = "MERCHANT_ID"     // 商户号
	ReceiverTypeOpenID   = "PERSONAL_OPENID" // 个人openid (由父商户APPID转换得到)
)

// Relation types of a receiver (与分账方的关系类型).
const (
	RelationStoreOwner      = "STORE_OWNER"      // 店主
	RelationPartner         = "PARTNER"          // 合作伙伴
	RelationHeadquarter     = "HEADQUARTER"      // 总部
	RelationBrand           = "BRAND"            // 品牌方
	RelationDistributor     = "DISTRIBUTOR"      // 分销商
	RelationUser            = "USER"             // 用户
	RelationSupplier        = "SUPPLIER"         // 供应商
	RelationCustom          = "CUSTOM"           // 自定义
	RelationServiceProvider = "SERVICE_PROVIDER" // 服务商
	RelationStaff           = "STAFF"            // 员工
)

// Profit-sharing order states, receiver results and return results.
const (
	ProfitSharingStateProcessing = "PROCESSING" // 处理中
	ProfitSharingStateFinished   = "FINISHED"   // 分账完成

	ProfitSharingResultPending = "PENDING" // 待分账
	ProfitSharingResultSuccess = "SUCCESS" // 分账成功
	ProfitSharingResultClosed  = "CLOSED"  // 已关闭

	ProfitSharingReturnProcessing = "PROCESSING" // 处理中
	ProfitSharingReturnSuccess    = "SUCCESS"    // 已成功
	ProfitSharingReturnFailed     = "FAILED"     // 已失败
)

// Profit-sharing notification event types (分账动账通知).
const (
	EventProfitSharingSuccess = "PROFITSHARING.SUCCESS" // 分账成功
	EventProfitSharingClosed  = "PROFITSHARING.CLOSED"  // 分账关闭
)

var relationTypes = map[string]bool{RelationStoreOwner: true, RelationPartner: true, RelationHeadquarter: true,
	RelationBrand: true, RelationDistributor: true, RelationUser: true, RelationSupplier: true, RelationCustom: true,
	RelationServiceProvider: true, RelationStaff: true}

func checkReceiver(prefix, typ, account, name string) error {
	switch typ {
	case ReceiverTypeMerchant:
		if name == "" {
			return &ArgumentError{Name: prefix + "name", Reason: "required for MERCHANT_ID (the merchant's full name)"}
		}
	case ReceiverTypeOpenID:
	default:
		return &ArgumentError{Name: prefix + "type", Reason: "must be MERCHANT_ID or PERSONAL_OPENID"}
	}
	if err := checkLen(prefix+"account", account, true, 64); err != nil {
		return err
	}
	return nil
}

// ProfitSharingReceiver is the body of 添加分账接收方
// (POST /v3/profitsharing/receivers/add). Name is plaintext: the method
// encrypts it (RSA-OAEP) and sets Wechatpay-Serial.
type ProfitSharingReceiver struct {
	AppID          string `json:"appid"`
	Type           string `json:"type"`
	Account        string `json:"account"`
	Name           string `json:"name,omitempty"`
	RelationType   string `json:"relation_type"`
	CustomRelation string `json:"custom_relation,omitempty"`
}

// ProfitSharingReceiverResult is the answer of 添加/删除分账接收方; Name, when
// present, is encrypted with the merchant certificate.
type ProfitSharingReceiverResult struct {
	Type           string `json:"type"`
	Account        string `json:"account"`
	Name           string `json:"name,omitempty"`
	RelationType   string `json:"relation_type,omitempty"`
	CustomRelation string `json:"custom_relation,omitempty"`
}

// AddProfitSharingReceiver calls 添加分账接收方 (POST /v3/profitsharing/receivers/add).
func (c *Client) AddProfitSharingReceiver(ctx context.Context, r *ProfitSharingReceiver) (*ProfitSharingReceiverResult, error) {
	if r == nil {
		return nil, &ArgumentError{Name: "receiver", Reason: "nil"}
	}
	if err := checkLen("appid", r.AppID, true, 32); err != nil {
		return nil, err
	}
	if err := checkReceiver("", r.Type, r.Account, r.Name); err != nil {
		return nil, err
	}
	if err := checkRunes("name", r.Name, false, 64); err != nil { // before encryption
		return nil, err
	}
	if !relationTypes[r.RelationType] {
		return nil, &ArgumentError{Name: "relation_type", Reason: "unknown relation type"}
	}
	if r.RelationType == RelationCustom {
		if err := checkRunes("custom_relation", r.CustomRelation, true, 10); err != nil {
			return nil, err
		}
	}
	body := *r
	ar := &apiRequest{method: http.MethodPost, path: "/v3/profitsharing/receivers/add", body: &body}
	if body.Name != "" {
		enc, err := c.newSensitiveEncrypter()
		if err != nil {
			return nil, err
		}
		if err := enc.encrypt(&body.Name); err != nil {
			return nil, err
		}
		ar.serial = enc.serial
	}
	var out ProfitSharingReceiverResult
	if _, err := c.do(ctx, ar, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteProfitSharingReceiver calls 删除分账接收方 (POST /v3/profitsharing/receivers/delete).
func (c *Client) DeleteProfitSharingReceiver(ctx context.Context, appID, typ, account string) (*ProfitSharingReceiverResult, error) {
	if err := checkLen("appid", appID, true, 32); err != nil {
		return nil, err
	}
	if typ != ReceiverTypeMerchant && typ != ReceiverTypeOpenID {
		return nil, &ArgumentError{Name: "type", Reason: "must be MERCHANT_ID or PERSONAL_OPENID"}
	}
	if err := checkLen("account", account, true, 64); err != nil {
		return nil, err
	}
	var out ProfitSharingReceiverResult
	body := struct {
		AppID   string `json:"appid"`
		Type    string `json:"type"`
		Account string `json:"account"`
	}{appID, typ, account}
	if _, err := c.do(ctx, &apiRequest{method: http.MethodPost, path: "/v3/profitsharing/receivers/delete", body: body}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ProfitSharingOrderReceiver is one receiver of a profit-sharing order.
type ProfitSharingOrderReceiver struct {
	Type        string `json:"type"`
	Account     string `json:"account"`
	Name        string `json:"name,omitempty"` // plaintext; encrypted by CreateProfitSharingOrder
	Amount      int64  `json:"amount"`
	Description string `json:"description"`
}

// ProfitSharingOrderRequest is the body of 请求分账 (POST /v3/profitsharing/orders).
type ProfitSharingOrderRequest struct {
	AppID           string                       `json:"appid"`
	TransactionID   string                       `json:"transaction_id"`
	OutOrderNo      string                       `json:"out_order_no"`
	Receivers       []ProfitSharingOrderReceiver `json:"receivers"`
	UnfreezeUnsplit bool                         `json:"unfreeze_unsplit"`
}

// ProfitSharingReceiverDetail is a receiver line of a ProfitSharingOrder.
type ProfitSharingReceiverDetail struct {
	Amount      int64  `json:"amount"`
	Description string `json:"description"`
	Type        string `json:"type"`
	Account     string `json:"account"`
	Result      string `json:"result"` // PENDING, SUCCESS, CLOSED
	FailReason  string `json:"fail_reason,omitempty"`
	DetailID    string `json:"detail_id"`
	CreateTime  string `json:"create_time"`
	FinishTime  string `json:"finish_time,omitempty"`
}

// ProfitSharingOrder is a profit-sharing order as 请求分账, 查询分账结果 and
// 解冻剩余资金 answer it.
type ProfitSharingOrder struct {
	TransactionID string                        `json:"transaction_id"`
	OutOrderNo    string                        `json:"out_order_no"`
	OrderID       string                        `json:"order_id"`
	State         string                        `json:"state"` // PROCESSING, FINISHED
	Receivers     []ProfitSharingReceiverDetail `json:"receivers,omitempty"`
}

// CreateProfitSharingOrder calls 请求分账 (POST /v3/profitsharing/orders) for
// a paid order placed with settle_info.profit_sharing. Receiver names are
// encrypted (one Wechatpay-Serial for all).
func (c *Client) CreateProfitSharingOrder(ctx context.Context, req *ProfitSharingOrderRequest) (*ProfitSharingOrder, error) {
	if req == nil {
		return nil, &ArgumentError{Name: "req", Reason: "nil request"}
	}
	if err := checkLen("appid", req.AppID, true, 32); err != nil {
		return nil, err
	}
	if err := checkOutNo("transaction_id", req.TransactionID, 32, ""); err != nil {
		return nil, err
	}
	if err := checkOutNo("out_order_no", req.OutOrderNo, 64, "_-|*@"); err != nil {
		return nil, err
	}
	if len(req.Receivers) == 0 || len(req.Receivers) > 50 {
		return nil, &ArgumentError{Name: "receivers", Reason: "1 to 50 receivers"}
	}
	body := *req
	body.Receivers = append([]ProfitSharingOrderReceiver(nil), req.Receivers...)
	var enc *sensitiveEncrypter
	for i := range body.Receivers {
		r := &body.Receivers[i]
		prefix := fmt.Sprintf("receivers[%d].", i)
		if r.Type != ReceiverTypeMerchant && r.Type != ReceiverTypeOpenID {
			return nil, &ArgumentError{Name: prefix + "type", Reason: "must be MERCHANT_ID or PERSONAL_OPENID"}
		}
		if err := checkLen(prefix+"account", r.Account, true, 64); err != nil {
			return nil, err
		}
		if r.Amount <= 0 {
			return nil, &ArgumentError{Name: prefix + "amount", Reason: "must be positive (fen)"}
		}
		if err := checkRunes(prefix+"description", r.Description, true, 80); err != nil {
			return nil, err
		}
		if r.Name != "" {
			if enc == nil {
				var err error
				if enc, err = c.newSensitiveEncrypter(); err != nil {
					return nil, err
				}
			}
			if err := enc.encrypt(&r.Name); err != nil {
				return nil, err
			}
		}
	}
	ar := &apiRequest{method: http.MethodPost, path: "/v3/profitsharing/orders", body: &body}
	if enc != nil {
		ar.serial = enc.serial
	}
	var out ProfitSharingOrder
	if _, err := c.do(ctx, ar, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// QueryProfitSharingOrder calls 查询分账结果
// (GET /v3/profitsharing/orders/{out_order_no}?transaction_id=).
func (c *Client) QueryProfitSharingOrder(ctx context.Context, outOrderNo, transactionID string) (*ProfitSharingOrder, error) {
	if err := checkOutNo("out_order_no", outOrderNo, 64, "_-|*@"); err != nil {
		return nil, err
	}
	if err := checkOutNo("transaction_id", transactionID, 32, ""); err != nil {
		return nil, err
	}
	var out ProfitSharingOrder
	if _, err := c.do(ctx, &apiRequest{method: http.MethodGet, path: "/v3/profitsharing/orders/" + url.PathEscape(outOrderNo),
		query: url.Values{"transaction_id": {transactionID}}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ProfitSharingReturnRequest is the body of 请求分账回退
// (POST /v3/profitsharing/return-orders). Exactly one of OrderID and
// OutOrderNo names the profit-sharing order.
type ProfitSharingReturnRequest struct {
	OrderID     string `json:"order_id,omitempty"`
	OutOrderNo  string `json:"out_order_no,omitempty"`
	OutReturnNo string `json:"out_return_no"`
	ReturnMchID string `json:"return_mchid"`
	Amount      int64  `json:"amount"`
	Description string `json:"description"`
}

// ProfitSharingReturn is a return order (分账回退单).
type ProfitSharingReturn struct {
	OrderID     string `json:"order_id"`
	OutOrderNo  string `json:"out_order_no"`
	OutReturnNo string `json:"out_return_no"`
	ReturnID    string `json:"return_id"`
	ReturnMchID string `json:"return_mchid"`
	Amount      int64  `json:"amount"`
	Description string `json:"description"`
	Result      string `json:"result"` // PROCESSING, SUCCESS, FAILED
	FailReason  string `json:"fail_reason,omitempty"`
	CreateTime  string `json:"create_time"`
	FinishTime  string `json:"finish_time,omitempty"`
}

// CreateProfitSharingReturn calls 请求分账回退 (POST /v3/profitsharing/return-orders):
// a receiver merchant gives back (part of) what it received.
func (c *Client) CreateProfitSharingReturn(ctx context.Context, req *ProfitSharingReturnRequest) (*ProfitSharingReturn, error) {
	if req == nil {
		return nil, &ArgumentError{Name: "req", Reason: "nil request"}
	}
	if (req.OrderID == "") == (req.OutOrderNo == "") {
		return nil, &ArgumentError{Name: "order_id", Reason: "exactly one of order_id and out_order_no"}
	}
	if req.OutOrderNo != "" {
		if err := checkOutNo("out_order_no", req.OutOrderNo, 64, "_-|*@"); err != nil {
			return nil, err
		}
	}
	if err := checkOutNo("out_return_no", req.OutReturnNo, 64, "_-|*@"); err != nil {
		return nil, err
	}
	if err := checkLen("return_mchid", req.ReturnMchID, true, 32); err != nil {
		return nil, err
	}
	if req.Amount <= 0 {
		return nil, &ArgumentError{Name: "amount", Reason: "must be positive (fen)"}
	}
	if err := checkRunes("description", req.Description, true, 80); err != nil {
		return nil, err
	}
	var out ProfitSharingReturn
	if _, err := c.do(ctx, &apiRequest{method: http.MethodPost, path: "/v3/profitsharing/return-orders", body: req}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// QueryProfitSharingReturn calls 查询分账回退结果
// (GET /v3/profitsharing/return-orders/{out_return_no}?out_order_no=).
func (c *Client) QueryProfitSharingReturn(ctx context.Context, outReturnNo, outOrderNo string) (*ProfitSharingReturn, error) {
	if err := checkOutNo("out_return_no", outReturnNo, 64, "_-|*@"); err != nil {
		return nil, err
	}
	if err := checkOutNo("out_order_no", outOrderNo, 64, "_-|*@"); err != nil {
		return nil, err
	}
	var out ProfitSharingReturn
	if _, err := c.do(ctx, &apiRequest{method: http.MethodGet, path: "/v3/profitsharing/return-orders/" + url.PathEscape(outReturnNo),
		query: url.Values{"out_order_no": {outOrderNo}}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UnfreezeProfitSharingRequest is the body of 解冻剩余资金
// (POST /v3/profitsharing/orders/unfreeze).
type UnfreezeProfitSharingRequest struct {
	TransactionID string `json:"transaction_id"`
	OutOrderNo    string `json:"out_order_no"`
	Description   string `json:"description"`
}

// UnfreezeProfitSharing calls 解冻剩余资金 (POST /v3/profitsharing/orders/unfreeze):
// what was not shared goes to the merchant.
func (c *Client) UnfreezeProfitSharing(ctx context.Context, req *UnfreezeProfitSharingRequest) (*ProfitSharingOrder, error) {
	if req == nil {
		return nil, &ArgumentError{Name: "req", Reason: "nil request"}
	}
	if err := checkOutNo("transaction_id", req.TransactionID, 32, ""); err != nil {
		return nil, err
	}
	if err := checkOutNo("out_order_no", req.OutOrderNo, 64, "_-|*@"); err != nil {
		return nil, err
	}
	if err := checkRunes("description", req.Description, true, 80); err != nil {
		return nil, err
	}
	var out ProfitSharingOrder
	if _, err := c.do(ctx, &apiRequest{method: http.MethodPost, path: "/v3/profitsharing/orders/unfreeze", body: req}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ProfitSharingAmounts is the answer of 查询剩余待分金额.
type ProfitSharingAmounts struct {
	TransactionID string `json:"transaction_id"`
	UnsplitAmount int64  `json:"unsplit_amount"`
}

// ProfitSharingUnsplitAmount calls 查询剩余待分金额
// (GET /v3/profitsharing/transactions/{transaction_id}/amounts).
func (c *Client) ProfitSharingUnsplitAmount(ctx context.Context, transactionID string) (*ProfitSharingAmounts, error) {
	if err := checkOutNo("transaction_id", transactionID, 32, ""); err != nil {
		return nil, err
	}
	var out ProfitSharingAmounts
	if _, err := c.do(ctx, &apiRequest{method: http.MethodGet,
		path: "/v3/profitsharing/transactions/" + url.PathEscape(transactionID) + "/amounts"}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ProfitSharingBillRequest is the query of 申请分账账单.
type ProfitSharingBillRequest struct {
	BillDate string // "2006-01-02", required
	TarType  string // "" or TarTypeGZIP
}

// ProfitSharingBill calls 申请分账账单 (GET /v3/profitsharing/bills?bill_date=&tar_type=).
// Download the bill with DownloadBill, which streams it and checks its SHA-1.
func (c *Client) ProfitSharingBill(ctx context.Context, req *ProfitSharingBillRequest) (*Bill, error) {
	if req == nil {
		return nil, &ArgumentError{Name: "req", Reason: "nil request"}
	}
	return c.applyBill(ctx, "/v3/profitsharing/bills", req.BillDate, req.TarType, "", "")
}

// ProfitSharingNotifyReceiver is the receiver of a profit-sharing notification.
type ProfitSharingNotifyReceiver struct {
	Type        string `json:"type"`
	Account     string `json:"account"`
	Amount      int64  `json:"amount"`
	Description string `json:"description"`
}

// ProfitSharingNotification is the decrypted resource of PROFITSHARING.*
// notifications (分账动账通知).
type ProfitSharingNotification struct {
	MchID         string                      `json:"mchid"`
	SpMchID       string                      `json:"sp_mchid,omitempty"`
	SubMchID      string                      `json:"sub_mchid,omitempty"`
	TransactionID string                      `json:"transaction_id"`
	OrderID       string                      `json:"order_id"`
	OutOrderNo    string                      `json:"out_order_no"`
	Receiver      ProfitSharingNotifyReceiver `json:"receiver"`
	SuccessTime   string                      `json:"success_time"`
}

// ProfitSharing decodes the resource of a PROFITSHARING.* notification.
func (n *Notification) ProfitSharing() (*ProfitSharingNotification, error) {
	if !strings.HasPrefix(n.EventType, "PROFITSHARING.") {
		return nil, fmt.Errorf("%w: %q is not a profit-sharing event", ErrEventType, truncate(n.EventType, 32))
	}
	var v ProfitSharingNotification
	if err := n.Decode(&v); err != nil {
		return nil, err
	}
	return &v, nil
}
