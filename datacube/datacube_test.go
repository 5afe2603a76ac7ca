package datacube_test

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/datacube"
	"github.com/wxkit/mp/internal/mptest"
)

// serveWindows answers every report with one row per day of the requested
// window, newest first (Range must put them back in date order), and fails
// the test when a window exceeds the report's documented span. It returns
// the call counter.
func serveWindows(t *testing.T, srv *mptest.Server, name string, maxDays int, row func(day string) string) *atomic.Int64 {
	var calls atomic.Int64
	srv.Handle("POST", "/datacube/"+name, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		body, _ := io.ReadAll(r.Body)
		b, e := window(t, body)
		if days := b.DaysUntil(e) + 1; days > maxDays || days < 1 {
			t.Errorf("%s: window %v..%v spans %d days, over %d", name, b, e, days, maxDays)
		}
		var rows []string
		for day := e; !day.Before(b); day = day.AddDays(-1) {
			rows = append(rows, row(day.String()))
		}
		fmt.Fprintf(w, `{"list":[%s]}`, strings.Join(rows, ","))
	})
	return &calls
}

func collect[T any](t *testing.T, seq iter.Seq2[T, error], date func(T) datacube.Date) []datacube.Date {
	t.Helper()
	var dates []datacube.Date
	for row, err := range seq {
		require.NoError(t, err)
		dates = append(dates, date(row))
	}
	return dates
}

// TestRange90Days is "the last 90 days" of every report: the number of
// calls Range makes, no window over the documented span, every day once and
// in date order.
func TestRange90Days(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	end := svc.Yesterday()
	begin := end.AddDays(-89)
	calls := map[string]*atomic.Int64{}
	plain := func(day string) string { return `{"ref_date":"` + day + `"}` }
	type spec struct {
		name    string
		maxDays int
		want    int
		run     func() []datacube.Date
	}
	specs := []spec{
		{"getusersummary", 7, 13, func() []datacube.Date {
			return collect(t, datacube.Range(ctx, svc, datacube.UserSummaryReport, begin, end), func(r datacube.UserSummary) datacube.Date { return r.RefDate })
		}},
		{"getusercumulate", 7, 13, func() []datacube.Date {
			return collect(t, datacube.Range(ctx, svc, datacube.UserCumulateReport, begin, end), func(r datacube.UserCumulate) datacube.Date { return r.RefDate })
		}},
		{"getupstreammsg", 7, 13, func() []datacube.Date {
			return collect(t, datacube.Range(ctx, svc, datacube.UpstreamMsgReport, begin, end), func(r datacube.UpstreamMsg) datacube.Date { return r.RefDate })
		}},
		{"getupstreammsghour", 1, 90, func() []datacube.Date {
			return collect(t, datacube.Range(ctx, svc, datacube.UpstreamMsgHourReport, begin, end), func(r datacube.UpstreamMsgHour) datacube.Date { return r.RefDate })
		}},
		{"getupstreammsgweek", 30, 3, func() []datacube.Date {
			return collect(t, datacube.Range(ctx, svc, datacube.UpstreamMsgWeekReport, begin, end), func(r datacube.UpstreamMsg) datacube.Date { return r.RefDate })
		}},
		{"getupstreammsgmonth", 30, 3, func() []datacube.Date {
			return collect(t, datacube.Range(ctx, svc, datacube.UpstreamMsgMonthReport, begin, end), func(r datacube.UpstreamMsg) datacube.Date { return r.RefDate })
		}},
		{"getupstreammsgdist", 15, 6, func() []datacube.Date {
			return collect(t, datacube.Range(ctx, svc, datacube.UpstreamMsgDistReport, begin, end), func(r datacube.UpstreamMsgDist) datacube.Date { return r.RefDate })
		}},
		{"getupstreammsgdistweek", 30, 3, func() []datacube.Date {
			return collect(t, datacube.Range(ctx, svc, datacube.UpstreamMsgDistWeekReport, begin, end), func(r datacube.UpstreamMsgDist) datacube.Date { return r.RefDate })
		}},
		{"getupstreammsgdistmonth", 30, 3, func() []datacube.Date {
			return collect(t, datacube.Range(ctx, svc, datacube.UpstreamMsgDistMonthReport, begin, end), func(r datacube.UpstreamMsgDist) datacube.Date { return r.RefDate })
		}},
		{"getinterfacesummary", 30, 3, func() []datacube.Date {
			return collect(t, datacube.Range(ctx, svc, datacube.InterfaceSummaryReport, begin, end), func(r datacube.InterfaceSummary) datacube.Date { return r.RefDate })
		}},
		{"getinterfacesummaryhour", 1, 90, func() []datacube.Date {
			return collect(t, datacube.Range(ctx, svc, datacube.InterfaceSummaryHourReport, begin, end), func(r datacube.InterfaceSummaryHour) datacube.Date { return r.RefDate })
		}},
		{"getarticleread", 1, 90, func() []datacube.Date {
			return collect(t, datacube.Range(ctx, svc, datacube.ArticleReadReport, begin, end), func(r datacube.ArticleRead) datacube.Date { return r.RefDate })
		}},
		{"getarticleshare", 1, 90, func() []datacube.Date {
			return collect(t, datacube.Range(ctx, svc, datacube.ArticleShareReport, begin, end), func(r datacube.ArticleShare) datacube.Date { return r.RefDate })
		}},
		{"getbizsummary", 1, 90, func() []datacube.Date {
			return collect(t, datacube.Range(ctx, svc, datacube.BizSummaryReport, begin, end), func(r datacube.BizSummary) datacube.Date { return r.RefDate })
		}},
		{"getarticletotaldetail", 1, 90, func() []datacube.Date {
			return collect(t, datacube.Range(ctx, svc, datacube.ArticleTotalDetailReport, begin, end), func(r datacube.ArticleTotalDetail) datacube.Date { return r.RefDate })
		}},
	}
	for _, s := range specs {
		calls[s.name] = serveWindows(t, srv, s.name, s.maxDays, plain)
	}
	for _, s := range specs {
		dates := s.run()
		require.Len(t, dates, 90, s.name)
		for i, day := range dates {
			assert.Equal(t, begin.AddDays(i), day, "%s row %d in date order", s.name, i)
		}
		assert.EqualValues(t, s.want, calls[s.name].Load(), "%s: calls for 90 days", s.name)
		t.Logf("%-24s max span %2d days: %2d calls for 90 days", s.name, s.maxDays, calls[s.name].Load())
	}
	assert.Equal(t, 13, datacube.UserSummaryReport.Calls(begin, end))
	assert.Equal(t, 7, datacube.UserSummaryReport.MaxDays())
	assert.Equal(t, "/datacube/getusersummary", datacube.UserSummaryReport.Path())
}

func TestRangeErrors(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	var n atomic.Int64
	srv.Handle("POST", "/datacube/getusersummary", func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 2 {
			mptest.ErrorJSON(w, 45009, "reach max api daily quota limit")
			return
		}
		fmt.Fprint(w, `{"list":[{"ref_date":"2014-11-01"}]}`)
	})
	end := svc.Yesterday()
	var rows int
	var last error
	for _, err := range datacube.Range(ctx, svc, datacube.UserSummaryReport, end.AddDays(-29), end) {
		if err != nil {
			last = err
			continue
		}
		rows++
	}
	mptest.RequireAPIError(t, last, mp.CodeQuotaExceeded)
	assert.Equal(t, 1, rows, "the rows of the first window, then the error")
	assert.EqualValues(t, 2, n.Load(), "no call after the error")

	// Invalid ranges are refused before any call.
	for _, err := range datacube.Range(ctx, svc, datacube.UserSummaryReport, end, end.AddDays(1)) {
		mptest.RequireValidation(t, err, "end_date")
	}
	for _, err := range datacube.Range(ctx, svc, datacube.UserSummaryReport, end, end.AddDays(-1)) {
		var ve *mp.ValidationError
		require.True(t, errors.As(err, &ve))
	}
	// Stopping early makes no further call.
	n.Store(100)
	for range datacube.Range(ctx, svc, datacube.UserSummaryReport, end.AddDays(-29), end) {
		break
	}
	assert.EqualValues(t, 101, n.Load())
}
