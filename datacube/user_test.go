package datacube_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/datacube"
	"github.com/wxkit/mp/internal/mptest"
)

func TestUserSummary(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	replyReport(t, srv, "getusersummary", "2014-12-01", "2014-12-07")
	rows, err := svc.UserSummary(ctx, d("2014-12-01"), d("2014-12-07"))
	require.NoError(t, err)
	assert.Equal(t, []datacube.UserSummary{
		{RefDate: d("2014-12-07"), UserSource: datacube.SourceOther},
		{RefDate: d("2014-12-07"), UserSource: datacube.SourceQRCode, NewUser: 5, CancelUser: 1},
	}, rows)
}

func TestUserCumulate(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	replyReport(t, srv, "getusercumulate", "2014-12-01", "2014-12-07")
	rows, err := svc.UserCumulate(ctx, d("2014-12-01"), d("2014-12-07"))
	require.NoError(t, err)
	assert.Equal(t, []datacube.UserCumulate{{RefDate: d("2014-12-07"), CumulateUser: 1217056}}, rows)
}

func TestUserErrors(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.ReplyError("POST", "/datacube/getusersummary", 61501, "date range error")
	srv.ReplyError("POST", "/datacube/getusercumulate", 48001, "api unauthorized")
	_, err := svc.UserSummary(ctx, d("2014-12-01"), d("2014-12-07"))
	mptest.RequireAPIError(t, err, 61501)
	_, err = svc.UserCumulate(ctx, d("2014-12-01"), d("2014-12-07"))
	mptest.RequireAPIError(t, err, mp.CodeAPIUnauthorized)
}

func TestUserValidation(t *testing.T) {
	t.Parallel()
	svc := noRequests(t)
	for _, tt := range []struct {
		name, begin, end, field string
	}{
		{"8 days", "2014-11-30", "2014-12-07", "end_date"},
		{"today", "2014-12-08", "2014-12-08", "end_date"},
		{"reversed", "2014-12-07", "2014-12-06", "begin_date"},
	} {
		_, err := svc.UserSummary(ctx, d(tt.begin), d(tt.end))
		mptest.RequireValidation(t, err, tt.field)
		_, err = svc.UserCumulate(ctx, d(tt.begin), d(tt.end))
		mptest.RequireValidation(t, err, tt.field)
	}
	_, err := svc.UserSummary(ctx, datacube.Date{}, d("2014-12-07"))
	mptest.RequireValidation(t, err, "begin_date")
}
