package datacube_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/datacube"
	"github.com/wxkit/mp/internal/mptest"
)

func TestUpstreamMsg(t *testing.T) {
	t.Parallel()
	want := []datacube.UpstreamMsg{{RefDate: d("2014-12-07"), MsgType: datacube.MsgText, MsgUser: 282, MsgCount: 817}}
	wantDist := []datacube.UpstreamMsgDist{{RefDate: d("2014-12-07"), CountInterval: datacube.Interval1To5, MsgUser: 246}}
	for _, tt := range []struct {
		name, begin, end string
		call             func(*datacube.Service) (any, error)
		want             any
	}{
		{"getupstreammsg", "2014-12-01", "2014-12-07", func(s *datacube.Service) (any, error) { return s.UpstreamMsg(ctx, d("2014-12-01"), d("2014-12-07")) }, want},
		{"getupstreammsgweek", "2014-11-08", "2014-12-07", func(s *datacube.Service) (any, error) {
			return s.UpstreamMsgWeek(ctx, d("2014-11-08"), d("2014-12-07"))
		}, want},
		{"getupstreammsgmonth", "2014-11-08", "2014-12-07", func(s *datacube.Service) (any, error) {
			return s.UpstreamMsgMonth(ctx, d("2014-11-08"), d("2014-12-07"))
		}, want},
		{"getupstreammsghour", "2014-12-07", "2014-12-07", func(s *datacube.Service) (any, error) { return s.UpstreamMsgHour(ctx, d("2014-12-07")) },
			[]datacube.UpstreamMsgHour{{RefDate: d("2014-12-07"), RefHour: 0, MsgType: datacube.MsgText, MsgUser: 9, MsgCount: 10}}},
		{"getupstreammsgdist", "2014-11-23", "2014-12-07", func(s *datacube.Service) (any, error) {
			return s.UpstreamMsgDist(ctx, d("2014-11-23"), d("2014-12-07"))
		}, wantDist},
		{"getupstreammsgdistweek", "2014-11-08", "2014-12-07", func(s *datacube.Service) (any, error) {
			return s.UpstreamMsgDistWeek(ctx, d("2014-11-08"), d("2014-12-07"))
		}, wantDist},
		{"getupstreammsgdistmonth", "2014-11-08", "2014-12-07", func(s *datacube.Service) (any, error) {
			return s.UpstreamMsgDistMonth(ctx, d("2014-11-08"), d("2014-12-07"))
		}, wantDist},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, svc := newService(t)
			replyReport(t, srv, tt.name, tt.begin, tt.end)
			got, err := tt.call(svc)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)

			// The error path of the same endpoint.
			srv2, svc2 := newService(t)
			srv2.ReplyError("POST", "/datacube/"+tt.name, 61501, "date range error")
			_, err = tt.call(svc2)
			mptest.RequireAPIError(t, err, 61501)
		})
	}
}

func TestUpstreamMsgValidation(t *testing.T) {
	t.Parallel()
	svc := noRequests(t)
	_, err := svc.UpstreamMsg(ctx, d("2014-11-30"), d("2014-12-07"))
	mptest.RequireValidation(t, err, "end_date")
	_, err = svc.UpstreamMsgHour(ctx, d("2014-12-08"))
	mptest.RequireValidation(t, err, "end_date")
	_, err = svc.UpstreamMsgWeek(ctx, d("2014-11-07"), d("2014-12-07"))
	mptest.RequireValidation(t, err, "end_date")
	_, err = svc.UpstreamMsgMonth(ctx, d("2014-11-07"), d("2014-12-07"))
	mptest.RequireValidation(t, err, "end_date")
	_, err = svc.UpstreamMsgDist(ctx, d("2014-11-22"), d("2014-12-07"))
	mptest.RequireValidation(t, err, "end_date")
	_, err = svc.UpstreamMsgDistWeek(ctx, d("2014-11-07"), d("2014-12-07"))
	mptest.RequireValidation(t, err, "end_date")
	_, err = svc.UpstreamMsgDistMonth(ctx, d("2014-11-07"), d("2014-12-07"))
	mptest.RequireValidation(t, err, "end_date")
	assert.Equal(t, 23, datacube.UpstreamMsgHour{RefHour: 2300}.Hour())
}
