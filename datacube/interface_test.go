package datacube_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/datacube"
	"github.com/wxkit/mp/internal/mptest"
)

func TestInterfaceSummary(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	replyReport(t, srv, "getinterfacesummary", "2014-11-08", "2014-12-07")
	replyReport(t, srv, "getinterfacesummaryhour", "2014-12-01", "2014-12-01")
	rows, err := svc.InterfaceSummary(ctx, d("2014-11-08"), d("2014-12-07"))
	require.NoError(t, err)
	assert.Equal(t, []datacube.InterfaceSummary{{RefDate: d("2014-12-07"), CallbackCount: 36974, FailCount: 67, TotalTimeCost: 14994291, MaxTimeCost: 5044}}, rows)
	hours, err := svc.InterfaceSummaryHour(ctx, d("2014-12-01"))
	require.NoError(t, err)
	assert.Equal(t, []datacube.InterfaceSummaryHour{{RefDate: d("2014-12-01"), CallbackCount: 424, TotalTimeCost: 25652, MaxTimeCost: 136}}, hours)
	assert.Equal(t, 0, hours[0].Hour())
}

func TestInterfaceSummaryErrors(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.ReplyError("POST", "/datacube/getinterfacesummary", 61500, "date format error")
	srv.ReplyError("POST", "/datacube/getinterfacesummaryhour", 61501, "date range error")
	_, err := svc.InterfaceSummary(ctx, d("2014-12-01"), d("2014-12-07"))
	mptest.RequireAPIError(t, err, 61500)
	_, err = svc.InterfaceSummaryHour(ctx, d("2014-12-01"))
	mptest.RequireAPIError(t, err, 61501)

	v := noRequests(t)
	_, err = v.InterfaceSummary(ctx, d("2014-11-07"), d("2014-12-07"))
	mptest.RequireValidation(t, err, "end_date")
	_, err = v.InterfaceSummaryHour(ctx, d("2014-12-08"))
	mptest.RequireValidation(t, err, "end_date")
}
