package wxtest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime/debug"
)

// HandlerClient returns an *http.Client that delivers every request to h in
// memory, whatever its URL's host: no listener and no port. h sees a
// server-side request (RequestURI, Host and RemoteAddr set, the client's
// context). The response is returned once h returns; if the request's
// context ends first (a timeout such as the simulator's 5-second reply
// deadline), the call fails with the context's error while h finishes in
// the background. A panic in h becomes an error that carries its value and
// stack. Redirects are followed and cookies kept only if the caller sets
// CheckRedirect and Jar on the returned client, as with any http.Client.
func HandlerClient(h http.Handler) *http.Client {
	return &http.Client{Transport: HandlerTransport(h)}
}

// HandlerTransport is the http.RoundTripper of [HandlerClient].
func HandlerTransport(h http.Handler) http.RoundTripper { return handlerTransport{h} }

type handlerTransport struct{ h http.Handler }

type handlerResult struct {
	rec   *httptest.ResponseRecorder
	panic any
	stack []byte
}

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.h == nil {
		return nil, fmt.Errorf("wxtest: no handler for %s %s", req.Method, req.URL.Redacted())
	}
	ctx := req.Context()
	r := req.Clone(ctx)
	r.RequestURI = req.URL.RequestURI()
	if r.Host == "" {
		r.Host = req.URL.Host
	}
	r.RemoteAddr = "192.0.2.1:40000" // TEST-NET-1: never a real peer
	if r.Body == nil {
		r.Body = http.NoBody
	}
	done := make(chan handlerResult, 1)
	go func() {
		res := handlerResult{rec: httptest.NewRecorder()}
		defer func() {
			if p := recover(); p != nil {
				res.panic, res.stack = p, debug.Stack()
			}
			done <- res
		}()
		t.h.ServeHTTP(res.rec, r)
	}()
	select {
	case res := <-done:
		if req.Body != nil {
			_ = req.Body.Close()
		}
		if res.panic != nil {
			return nil, fmt.Errorf("wxtest: handler panicked serving %s %s: %v\n%s", req.Method, req.URL.Path, res.panic, res.stack)
		}
		resp := res.rec.Result()
		resp.Request = req
		return resp, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
