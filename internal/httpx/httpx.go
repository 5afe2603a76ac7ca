// Package httpx holds the HTTP transport settings shared by the Official
// Account client (package mp) and the WeChat Pay client (package pay),
// which cannot import each other.
package httpx

import (
	"net"
	"net/http"
	"time"
)

// NewTransport returns a transport that bounds each stage of a call:
// connecting and the TLS handshake take at most 10 s, the wait for an
// answer's headers 30 s; the call as a whole is bounded by the caller's
// context. It is meant to be sent through directly (one RoundTrip a call),
// not wrapped in an http.Client whose Timeout costs about ten allocations
// per request.
func NewTransport() *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}
