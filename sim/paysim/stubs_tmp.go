package paysim

import "net/http"

type psReceiver struct{}
type psOrder struct{}
type psReturn struct{}

func (p *Platform) routesProfitSharing(mux *http.ServeMux) {}
