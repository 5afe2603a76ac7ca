package mp_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/wxkit/mp"
)

// Counter and Histogram have the shape of OpenTelemetry's
// metric.Int64Counter and metric.Float64Histogram (with attributes reduced
// to a map here, to keep the example free of dependencies).
type Counter interface {
	Add(ctx context.Context, n int64, attrs map[string]any)
}

type Histogram interface {
	Record(ctx context.Context, v float64, attrs map[string]any)
}

// printCounter stands in for an OpenTelemetry counter.
type printCounter struct{}

func (printCounter) Add(_ context.Context, n int64, attrs map[string]any) {
	fmt.Println("wechat.api.attempts +", n, attrs)
}

type discardHistogram struct{}

func (discardHistogram) Record(context.Context, float64, map[string]any) {}

// An observer that feeds OpenTelemetry-style metrics: one count and one
// latency per attempt, labelled with the path (never the query) and
// WeChat's errcode, which arrives inside an HTTP 200 answer.
func ExampleWithObserver() {
	var attempts Counter = printCounter{}
	var latency Histogram = discardHistogram{}

	wechat := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"errcode":40003,"errmsg":"invalid openid"}`)
	}))
	defer wechat.Close()

	client, _ := mp.New(mp.Config{AppID: "wx1234567890abcdef"}, mp.WithBaseURL(wechat.URL),
		mp.WithTokenSource(exampleToken("ACCESS_TOKEN")),
		mp.WithObserver(func(ctx context.Context, a mp.Attempt) {
			attrs := map[string]any{
				"http.request.method":       a.Method,
				"url.path":                  a.Path,
				"http.response.status_code": a.StatusCode,
				"wechat.errcode":            int(a.ErrCode),
			}
			attempts.Add(ctx, 1, attrs)
			latency.Record(ctx, a.Duration.Seconds(), attrs)
		}))
	_ = client.Do(context.Background(), &mp.Request{Path: "/cgi-bin/user/info", Query: map[string]string{"openid": "bad"}}, nil)
	// Output:
	// wechat.api.attempts + 1 map[http.request.method:GET http.response.status_code:200 url.path:/cgi-bin/user/info wechat.errcode:40003]
}

type exampleToken string

func (t exampleToken) Token(context.Context) (string, error)  { return string(t), nil }
func (exampleToken) Invalidate(context.Context, string) error { return nil }
