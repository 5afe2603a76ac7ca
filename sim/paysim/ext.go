package paysim

import (
	"net/http"
	"slices"
)

// extState is the state of the merchant-side APIs of part two (商家转账,
// 付款码支付 v3, 消费者投诉2.0, 分账, 图片/视频上传), kept apart from the
// payment state so the families stay in their own files. p.mu guards it.
type extState struct {
	transfers      map[string]map[string]*transferBill // mchid → out_bill_no
	transfersByNo  map[string]*transferBill            // transfer_bill_no
	media          map[string]*mediaFile               // media_id
	complaints     map[string]*complaint               // complaint_id
	complaintList  []*complaint
	complaintURL   map[string]string // mchid → notify url
	codepayOutcome func(authCode string) CodepayOutcome
	receivers      map[string]map[string]*psReceiver // mchid → type|account
	psOrders       map[string]map[string]*psOrder    // mchid → out_order_no
	psReturns      map[string]map[string]*psReturn   // mchid → out_return_no
	psTxns         map[*order]*psTxn                 // paid order → shared/unfrozen
}

// ext returns the extension state, creating it on first use. p.mu is held.
func (p *Platform) ext() *extState {
	if p.extSt == nil {
		p.extSt = &extState{
			transfers:     map[string]map[string]*transferBill{},
			transfersByNo: map[string]*transferBill{},
			media:         map[string]*mediaFile{},
			complaints:    map[string]*complaint{},
			complaintURL:  map[string]string{},
			receivers:     map[string]map[string]*psReceiver{},
			psOrders:      map[string]map[string]*psOrder{},
			psReturns:     map[string]map[string]*psReturn{},
		}
	}
	return p.extSt
}

// routesExt registers the endpoints of part two.
func (p *Platform) routesExt(mux *http.ServeMux) {
	p.routesTransfers(mux)
	p.routesCodepay(mux)
	p.routesMedia(mux)
	p.routesComplaints(mux)
	p.routesProfitSharing(mux)
}

// sub returns the inner map of m for key k, creating it.
func sub[T any](m map[string]map[string]T, k string) map[string]T {
	if m[k] == nil {
		m[k] = map[string]T{}
	}
	return m[k]
}

// sortBy sorts s stably by less.
func sortBy[T any](s []T, less func(a, b T) bool) {
	slices.SortStableFunc(s, func(a, b T) int {
		switch {
		case less(a, b):
			return -1
		case less(b, a):
			return 1
		}
		return 0
	})
}
