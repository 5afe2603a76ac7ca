package mp

import (
	"context"
	"errors"
	"time"
)

// Attempt describes one HTTP attempt of an API call, for metrics, tracing
// and logs: a call that is retried (a timeout, errcode -1, a rejected
// token) makes several. WeChat reports most failures inside HTTP 200
// answers, so ErrCode is the one place they show.
type Attempt struct {
	Method string // "GET" or "POST"
	// Path is the endpoint path ("/cgi-bin/user/info"): never the query,
	// which holds the access_token and other secrets.
	Path    string
	Attempt int // 1 for the first try
	// StatusCode is the HTTP status, 0 when no answer arrived.
	StatusCode int
	// ErrCode is WeChat's errcode when the answer carried a non-zero one,
	// else 0.
	ErrCode ErrorCode
	// Err is the attempt's failure (already redacted), nil on success.
	Err           error
	Duration      time.Duration
	RequestBytes  int64 // the body sent; -1 for a streamed form of unknown length
	ResponseBytes int64 // the body bytes read
}

// WithObserver calls f after every attempt of every API call, in the
// calling goroutine: keep it fast and do not block. It costs nothing when
// unset.
//
// It is the hook for metrics and tracing. With OpenTelemetry, for example
// (the same shape fits any meter):
//
//	calls, _ := meter.Int64Counter("wechat.api.attempts")
//	latency, _ := meter.Float64Histogram("wechat.api.duration", metric.WithUnit("s"))
//	mp.WithObserver(func(ctx context.Context, a mp.Attempt) {
//		attrs := metric.WithAttributes(
//			attribute.String("http.request.method", a.Method),
//			attribute.String("url.path", a.Path),
//			attribute.Int("http.response.status_code", a.StatusCode),
//			attribute.Int("wechat.errcode", int(a.ErrCode)),
//			attribute.Int("wechat.attempt", a.Attempt))
//		calls.Add(ctx, 1, attrs)
//		latency.Record(ctx, a.Duration.Seconds(), attrs)
//	})
//
// See the example of WithObserver for a runnable version.
func WithObserver(f func(ctx context.Context, a Attempt)) Option {
	return func(s *settings) error {
		if f == nil {
			return errors.New("mp: WithObserver: nil function")
		}
		s.observer = f
		return nil
	}
}

// observe reports one attempt to the observer.
func (c *Client) observe(ctx context.Context, method, path string, attempt int, start time.Time, body []byte, form *formBody, res attemptResult) {
	a := Attempt{Method: method, Path: path, Attempt: attempt, StatusCode: res.status, Err: res.err,
		Duration: time.Since(start), RequestBytes: int64(len(body)), ResponseBytes: res.responseBytes}
	if form != nil {
		a.RequestBytes = form.length
	}
	var apiErr *APIError
	if errors.As(res.err, &apiErr) {
		a.ErrCode = apiErr.Code
	}
	c.observer(ctx, a)
}
