package paysim

import (
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Profit-sharing events and limits (分账).
const (
	EventProfitSharingSuccess = "PROFITSHARING.SUCCESS"
	EventProfitSharingClosed  = "PROFITSHARING.CLOSED"

	// ProfitSharingMaxRatio is the default maximum share of an order's
	// amount that may go to receivers (最大分账比例 30%).
	ProfitSharingMaxRatio = 30
)

type psReceiver struct {
	appid, typ, account, name, relation, custom string
}

type psOrder struct {
	mchid, transactionID, outOrderNo, orderID, state string
	receivers                                        []psReceiverDetail
	shared                                           map[string]int64 // MERCHANT_ID account → amount still returnable
}

type psReceiverDetail struct {
	Amount      int64  `json:"amount"`
	Description string `json:"description"`
	Type        string `json:"type"`
	Account     string `json:"account"`
	Result      string `json:"result"`
	FailReason  string `json:"fail_reason,omitempty"`
	DetailID    string `json:"detail_id"`
	CreateTime  string `json:"create_time"`
	FinishTime  string `json:"finish_time"`
}

type psReturn struct {
	OrderID     string `json:"order_id"`
	OutOrderNo  string `json:"out_order_no"`
	OutReturnNo string `json:"out_return_no"`
	ReturnID    string `json:"return_id"`
	ReturnMchID string `json:"return_mchid"`
	Amount      int64  `json:"amount"`
	Description string `json:"description"`
	Result      string `json:"result"`
	FailReason  string `json:"fail_reason,omitempty"`
	CreateTime  string `json:"create_time"`
	FinishTime  string `json:"finish_time"`
}

// psTxn is the profit-sharing state of one paid order.
type psTxn struct {
	shared, unfrozen int64
}

func (p *Platform) routesProfitSharing(mux *http.ServeMux) {
	mux.Handle("POST /v3/profitsharing/receivers/add", p.api(p.addReceiver))
	mux.Handle("POST /v3/profitsharing/receivers/delete", p.api(p.deleteReceiver))
	mux.Handle("POST /v3/profitsharing/orders", p.api(p.createPSOrder))
	mux.Handle("GET /v3/profitsharing/orders/{out_order_no}", p.api(p.queryPSOrder))
	mux.Handle("POST /v3/profitsharing/orders/unfreeze", p.api(p.unfreezePS))
	mux.Handle("POST /v3/profitsharing/return-orders", p.api(p.createPSReturn))
	mux.Handle("GET /v3/profitsharing/return-orders/{out_return_no}", p.api(p.queryPSReturn))
	mux.Handle("GET /v3/profitsharing/transactions/{transaction_id}/amounts", p.api(p.psAmounts))
	mux.Handle("GET /v3/profitsharing/bills", p.api(p.psBill))
}

var relations = map[string]bool{"STORE_OWNER": true, "PARTNER": true, "HEADQUARTER": true, "BRAND": true,
	"DISTRIBUTOR": true, "USER": true, "SUPPLIER": true, "CUSTOM": true, "SERVICE_PROVIDER": true, "STAFF": true}

func (p *Platform) addReceiver(c *call) (int, any, *APIError) {
	var req struct {
		AppID          string `json:"appid"`
		Type           string `json:"type"`
		Account        string `json:"account"`
		Name           string `json:"name"`
		RelationType   string `json:"relation_type"`
		CustomRelation string `json:"custom_relation"`
	}
	if e := decodeBody(c.body, &req); e != nil {
		return 0, nil, e
	}
	switch {
	case req.AppID == "":
		return 0, nil, missing("/body/appid", "应用ID")
	case req.Type != "MERCHANT_ID" && req.Type != "PERSONAL_OPENID":
		return 0, nil, invalid("/body/type", "分账接收方类型")
	case req.Account == "":
		return 0, nil, missing("/body/account", "分账接收方账号")
	case req.Type == "MERCHANT_ID" && req.Name == "":
		return 0, nil, missing("/body/name", "分账个人接收方姓名")
	case !relations[req.RelationType]:
		return 0, nil, invalid("/body/relation_type", "与分账方的关系类型")
	case req.RelationType == "CUSTOM" && req.CustomRelation == "":
		return 0, nil, missing("/body/custom_relation", "自定义的分账关系")
	case req.Type == "MERCHANT_ID" && req.Account == c.m.MchID:
		return 0, nil, apiErr(http.StatusBadRequest, CodeInvalidRequest, "分账接收方不能是分账方自己")
	}
	name := ""
	if req.Name != "" {
		key, e := p.sensitiveKey(c.r.Header.Get("Wechatpay-Serial"))
		if e != nil {
			return 0, nil, e
		}
		n, err := decryptSensitive(key, req.Name)
		if err != nil {
			return 0, nil, apiErr(http.StatusBadRequest, CodeParamError, "敏感信息解密失败，请检查加密使用的公钥与Wechatpay-Serial是否一致")
		}
		name = n
	}
	p.mu.Lock()
	sub(p.ext().receivers, c.m.MchID)[req.Type+"|"+req.Account] = &psReceiver{appid: req.AppID, typ: req.Type,
		account: req.Account, name: name, relation: req.RelationType, custom: req.CustomRelation}
	p.mu.Unlock()
	out := map[string]string{"type": req.Type, "account": req.Account, "relation_type": req.RelationType}
	if req.CustomRelation != "" {
		out["custom_relation"] = req.CustomRelation
	}
	if name != "" {
		out["name"], _ = EncryptSensitive(c.m.MerchantPublicKey, name)
	}
	return http.StatusOK, out, nil
}

func (p *Platform) deleteReceiver(c *call) (int, any, *APIError) {
	var req struct {
		AppID   string `json:"appid"`
		Type    string `json:"type"`
		Account string `json:"account"`
	}
	if e := decodeBody(c.body, &req); e != nil {
		return 0, nil, e
	}
	if req.AppID == "" {
		return 0, nil, missing("/body/appid", "应用ID")
	}
	if req.Type == "" || req.Account == "" {
		return 0, nil, missing("/body/account", "分账接收方账号")
	}
	p.mu.Lock()
	delete(sub(p.ext().receivers, c.m.MchID), req.Type+"|"+req.Account)
	p.mu.Unlock()
	return http.StatusOK, map[string]string{"type": req.Type, "account": req.Account}, nil
}

// psTxnState returns the profit-sharing state of a paid order. p.mu is held.
func (p *Platform) psTxnState(o *order) *psTxn {
	x := p.ext()
	if x.psTxns == nil {
		x.psTxns = map[*order]*psTxn{}
	}
	if x.psTxns[o] == nil {
		x.psTxns[o] = &psTxn{}
	}
	return x.psTxns[o]
}

func unsplit(o *order, t *psTxn) int64 {
	if t.unfrozen > 0 {
		return 0
	}
	return o.total - o.refunded - t.shared
}

func (po *psOrder) view() map[string]any {
	return map[string]any{"transaction_id": po.transactionID, "out_order_no": po.outOrderNo, "order_id": po.orderID,
		"state": po.state, "receivers": po.receivers}
}

func validPSNo(s string) bool { return validOutNo(s, 1, 64, "_-|*@") }

// createPSOrder serves POST /v3/profitsharing/orders (请求分账). It finishes at
// once and notifies PROFITSHARING.SUCCESS per receiver to the order's
// notify_url (the simulator's stand-in for the URL set on the merchant
// platform).
func (p *Platform) createPSOrder(c *call) (int, any, *APIError) {
	var req struct {
		AppID           string `json:"appid"`
		TransactionID   string `json:"transaction_id"`
		OutOrderNo      string `json:"out_order_no"`
		UnfreezeUnsplit bool   `json:"unfreeze_unsplit"`
		Receivers       []struct {
			Type        string `json:"type"`
			Account     string `json:"account"`
			Name        string `json:"name"`
			Amount      *int64 `json:"amount"`
			Description string `json:"description"`
		} `json:"receivers"`
	}
	if e := decodeBody(c.body, &req); e != nil {
		return 0, nil, e
	}
	switch {
	case req.AppID == "":
		return 0, nil, missing("/body/appid", "应用ID")
	case req.TransactionID == "":
		return 0, nil, missing("/body/transaction_id", "微信订单号")
	case !validPSNo(req.OutOrderNo):
		return 0, nil, invalid("/body/out_order_no", "商户分账单号")
	case len(req.Receivers) == 0 || len(req.Receivers) > 50:
		return 0, nil, paramErr("/body/receivers", "分账接收方列表", "数量须为1-50")
	}
	var sum int64
	for _, r := range req.Receivers {
		switch {
		case r.Amount == nil || *r.Amount <= 0:
			return 0, nil, paramErr("/body/receivers/amount", "分账金额", "必须大于0")
		case r.Description == "" || utf8.RuneCountInString(r.Description) > 80:
			return 0, nil, invalid("/body/receivers/description", "分账描述")
		}
		sum += *r.Amount
	}
	now := p.now()
	p.mu.Lock()
	x := p.ext()
	orders := sub(x.psOrders, c.m.MchID)
	if po := orders[req.OutOrderNo]; po != nil {
		p.mu.Unlock()
		if po.transactionID == req.TransactionID {
			return http.StatusOK, po.view(), nil
		}
		return 0, nil, apiErr(http.StatusBadRequest, CodeInvalidRequest, "商户分账单号重复")
	}
	o := c.m.byTxn[req.TransactionID]
	if o == nil {
		p.mu.Unlock()
		return 0, nil, apiErr(http.StatusNotFound, CodeResourceNotExists, "订单不存在")
	}
	t := p.psTxnState(o)
	switch {
	case t.unfrozen > 0:
		p.mu.Unlock()
		return 0, nil, apiErr(http.StatusBadRequest, CodeInvalidRequest, "订单已解冻，不能再分账")
	case sum > unsplit(o, t):
		p.mu.Unlock()
		return 0, nil, apiErr(http.StatusForbidden, CodeNotEnough, "分账金额超过剩余待分金额")
	case (t.shared+sum)*100 > o.total*ProfitSharingMaxRatio:
		p.mu.Unlock()
		return 0, nil, apiErr(http.StatusBadRequest, CodeInvalidRequest, "分账金额超出最大分账比例")
	}
	recv := x.receivers[c.m.MchID]
	for _, r := range req.Receivers {
		if recv[r.Type+"|"+r.Account] == nil {
			p.mu.Unlock()
			return 0, nil, apiErr(http.StatusBadRequest, CodeInvalidRequest, "分账接收方未添加或已删除: "+r.Account)
		}
	}
	ts := now.In(cst).Format(time.RFC3339)
	po := &psOrder{mchid: c.m.MchID, transactionID: req.TransactionID, outOrderNo: req.OutOrderNo,
		orderID: "30" + randString(digits, 26), state: "FINISHED", shared: map[string]int64{}}
	var payloads []map[string]any
	for _, r := range req.Receivers {
		po.receivers = append(po.receivers, psReceiverDetail{Amount: *r.Amount, Description: r.Description, Type: r.Type,
			Account: r.Account, Result: "SUCCESS", DetailID: "36" + randString(digits, 26), CreateTime: ts, FinishTime: ts})
		if r.Type == "MERCHANT_ID" {
			po.shared[r.Account] += *r.Amount
		}
		payloads = append(payloads, map[string]any{"mchid": c.m.MchID, "transaction_id": req.TransactionID, "order_id": po.orderID,
			"out_order_no": req.OutOrderNo, "success_time": ts,
			"receiver": map[string]any{"type": r.Type, "account": r.Account, "amount": *r.Amount, "description": r.Description}})
	}
	t.shared += sum
	if req.UnfreezeUnsplit {
		t.unfrozen = o.total - o.refunded - t.shared
		if t.unfrozen == 0 {
			t.unfrozen = -1 // nothing left, but closed
		}
	}
	orders[po.outOrderNo] = po
	view := po.view()
	key, url, s := c.m.APIv3Key, o.notifyURL, p.notifySigner(o.pubKey)
	p.mu.Unlock()
	if url != "" {
		for _, pl := range payloads {
			_ = p.notify(key, url, EventProfitSharingSuccess, "分账成功", "profitsharing", pl, s)
		}
	}
	return http.StatusOK, view, nil
}

func (p *Platform) queryPSOrder(c *call) (int, any, *APIError) {
	txn := c.r.URL.Query().Get("transaction_id")
	if txn == "" {
		return 0, nil, missing("/query/transaction_id", "微信订单号")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	po := p.ext().psOrders[c.m.MchID][c.r.PathValue("out_order_no")]
	if po == nil || po.transactionID != txn {
		return 0, nil, apiErr(http.StatusNotFound, CodeResourceNotExists, "分账单不存在")
	}
	return http.StatusOK, po.view(), nil
}

// unfreezePS serves POST /v3/profitsharing/orders/unfreeze (解冻剩余资金).
func (p *Platform) unfreezePS(c *call) (int, any, *APIError) {
	var req struct {
		TransactionID string `json:"transaction_id"`
		OutOrderNo    string `json:"out_order_no"`
		Description   string `json:"description"`
	}
	if e := decodeBody(c.body, &req); e != nil {
		return 0, nil, e
	}
	switch {
	case req.TransactionID == "":
		return 0, nil, missing("/body/transaction_id", "微信订单号")
	case !validPSNo(req.OutOrderNo):
		return 0, nil, invalid("/body/out_order_no", "商户分账单号")
	case req.Description == "":
		return 0, nil, missing("/body/description", "分账描述")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	o := c.m.byTxn[req.TransactionID]
	if o == nil {
		return 0, nil, apiErr(http.StatusNotFound, CodeResourceNotExists, "订单不存在")
	}
	orders := sub(p.ext().psOrders, c.m.MchID)
	if po := orders[req.OutOrderNo]; po != nil {
		return http.StatusOK, po.view(), nil
	}
	t := p.psTxnState(o)
	left := unsplit(o, t)
	if t.unfrozen != 0 || left == 0 {
		return 0, nil, apiErr(http.StatusBadRequest, CodeInvalidRequest, "订单已解冻或无剩余待分金额")
	}
	t.unfrozen = left
	ts := p.now().In(cst).Format(time.RFC3339)
	po := &psOrder{mchid: c.m.MchID, transactionID: req.TransactionID, outOrderNo: req.OutOrderNo,
		orderID: "30" + randString(digits, 26), state: "FINISHED", shared: map[string]int64{},
		receivers: []psReceiverDetail{{Amount: left, Description: req.Description, Type: "MERCHANT_ID", Account: c.m.MchID,
			Result: "SUCCESS", DetailID: "36" + randString(digits, 26), CreateTime: ts, FinishTime: ts}}}
	orders[po.outOrderNo] = po
	return http.StatusOK, po.view(), nil
}

// createPSReturn serves POST /v3/profitsharing/return-orders (请求分账回退).
func (p *Platform) createPSReturn(c *call) (int, any, *APIError) {
	var req struct {
		OrderID     string `json:"order_id"`
		OutOrderNo  string `json:"out_order_no"`
		OutReturnNo string `json:"out_return_no"`
		ReturnMchID string `json:"return_mchid"`
		Amount      *int64 `json:"amount"`
		Description string `json:"description"`
	}
	if e := decodeBody(c.body, &req); e != nil {
		return 0, nil, e
	}
	switch {
	case req.OrderID == "" && req.OutOrderNo == "":
		return 0, nil, missing("/body/out_order_no", "商户分账单号")
	case !validPSNo(req.OutReturnNo):
		return 0, nil, invalid("/body/out_return_no", "商户回退单号")
	case req.ReturnMchID == "":
		return 0, nil, missing("/body/return_mchid", "回退商户号")
	case req.Amount == nil || *req.Amount <= 0:
		return 0, nil, paramErr("/body/amount", "回退金额", "必须大于0")
	case req.Description == "":
		return 0, nil, missing("/body/description", "回退描述")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	x := p.ext()
	returns := sub(x.psReturns, c.m.MchID)
	if r := returns[req.OutReturnNo]; r != nil {
		return http.StatusOK, r, nil
	}
	var po *psOrder
	for _, o := range x.psOrders[c.m.MchID] {
		if (req.OutOrderNo != "" && o.outOrderNo == req.OutOrderNo) || (req.OrderID != "" && o.orderID == req.OrderID) {
			po = o
		}
	}
	if po == nil {
		return 0, nil, apiErr(http.StatusNotFound, CodeResourceNotExists, "分账单不存在")
	}
	if po.shared[req.ReturnMchID] < *req.Amount {
		return 0, nil, apiErr(http.StatusForbidden, CodeNotEnough, "回退金额超过该接收方在此分账单中的可回退金额")
	}
	po.shared[req.ReturnMchID] -= *req.Amount
	ts := p.now().In(cst).Format(time.RFC3339)
	r := &psReturn{OrderID: po.orderID, OutOrderNo: po.outOrderNo, OutReturnNo: req.OutReturnNo,
		ReturnID: "30" + randString(digits, 24) + strconv.Itoa(1000+len(returns)), ReturnMchID: req.ReturnMchID,
		Amount: *req.Amount, Description: req.Description, Result: "SUCCESS", CreateTime: ts, FinishTime: ts}
	returns[r.OutReturnNo] = r
	return http.StatusOK, r, nil
}

func (p *Platform) queryPSReturn(c *call) (int, any, *APIError) {
	outOrderNo := c.r.URL.Query().Get("out_order_no")
	if outOrderNo == "" {
		return 0, nil, missing("/query/out_order_no", "商户分账单号")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	r := p.ext().psReturns[c.m.MchID][c.r.PathValue("out_return_no")]
	if r == nil || r.OutOrderNo != outOrderNo {
		return 0, nil, apiErr(http.StatusNotFound, CodeResourceNotExists, "回退单不存在")
	}
	return http.StatusOK, r, nil
}

// psAmounts serves GET /v3/profitsharing/transactions/{transaction_id}/amounts (查询剩余待分金额).
func (p *Platform) psAmounts(c *call) (int, any, *APIError) {
	p.mu.Lock()
	defer p.mu.Unlock()
	id := c.r.PathValue("transaction_id")
	o := c.m.byTxn[id]
	if o == nil {
		return 0, nil, apiErr(http.StatusNotFound, CodeResourceNotExists, "订单不存在")
	}
	return http.StatusOK, map[string]any{"transaction_id": id, "unsplit_amount": unsplit(o, p.psTxnState(o))}, nil
}

// psBill serves GET /v3/profitsharing/bills (申请分账账单): the day's
// receiver lines, downloadable from /v3/billdownload/file like the other bills.
func (p *Platform) psBill(c *call) (int, any, *APIError) {
	day, tar, e := p.billQuery(c)
	if e != nil {
		return 0, nil, e
	}
	var b strings.Builder
	b.WriteString("分账时间,分账发起方,分账方,微信订单号,微信分账/回退单号,商户分账/回退单号,分账类型,处理状态,分账接收方,动账金额(元),分账/回退描述\n")
	rows := 0
	p.mu.Lock()
	for _, po := range p.ext().psOrders[c.m.MchID] {
		for _, r := range po.receivers {
			t, err := time.Parse(time.RFC3339, r.CreateTime)
			if err != nil || !sameDay(t, day) {
				continue
			}
			rows++
			b.WriteString(billLine(billTime(t), c.m.MchID, c.m.MchID, po.transactionID, po.orderID, po.outOrderNo,
				"分账", r.Result, r.Account, yuan(r.Amount), r.Description) + "\n")
		}
	}
	p.mu.Unlock()
	return p.issueBill(c, b.String(), rows, tar)
}
