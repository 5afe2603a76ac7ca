package datacube_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/datacube"
	"github.com/wxkit/mp/internal/mptest"
)

var ctx = context.Background()

// at returns a clock stopped at 10:00 China time of y-m-d.
func at(y int, m time.Month, d int) func() time.Time {
	t := time.Date(y, m, d, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	return func() time.Time { return t }
}

// newService starts a fake API and returns it with a Service whose clock
// says today is 2014-12-08 (the docs' examples are of December 2014).
func newService(t testing.TB) (*mptest.Server, *datacube.Service) {
	t.Helper()
	srv, c := mptest.New(t, mp.WithClock(at(2014, 12, 8)))
	return srv, datacube.New(c)
}

func noRequests(t testing.TB) *datacube.Service {
	t.Helper()
	srv, svc := newService(t)
	srv.RefuseAll()
	return svc
}

func d(s string) datacube.Date {
	v, err := datacube.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

// replyReport answers POST /datacube/<name> with testdata/<name>.json
// after checking the body is {"begin_date":begin,"end_date":end}.
func replyReport(t *testing.T, srv *mptest.Server, name, begin, end string) {
	t.Helper()
	srv.Reply("POST", "/datacube/"+name, name+".json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEq(t, `{"begin_date":"`+begin+`","end_date":"`+end+`"}`, body)
	})
}

// window decodes a request body's dates.
func window(t testing.TB, body []byte) (datacube.Date, datacube.Date) {
	var w struct {
		Begin datacube.Date `json:"begin_date"`
		End   datacube.Date `json:"end_date"`
	}
	require.NoError(t, json.Unmarshal(body, &w))
	return w.Begin, w.End
}

var _ = assert.Equal
