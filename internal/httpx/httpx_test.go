package httpx

import (
	"testing"
	"time"
)

func TestNewTransportBoundsEachStage(t *testing.T) {
	tr := NewTransport()
	if tr.TLSHandshakeTimeout != 10*time.Second || tr.ResponseHeaderTimeout != 30*time.Second ||
		tr.DialContext == nil || tr.Proxy == nil || !tr.ForceAttemptHTTP2 || tr.MaxIdleConnsPerHost != 16 {
		t.Fatalf("transport %+v", tr)
	}
	if NewTransport() == tr {
		t.Fatal("NewTransport shares one transport; each client wants its own pool")
	}
}
