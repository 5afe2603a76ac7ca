package paysim

import "net/http"

type complaint struct{}
type psReceiver struct{}
type psOrder struct{}
type psReturn struct{}

func (p *Platform) routesComplaints(mux *http.ServeMux)    {}
func (p *Platform) routesProfitSharing(mux *http.ServeMux) {}
