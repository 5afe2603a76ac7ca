package datacube_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/datacube"
	"github.com/wxkit/mp/internal/mptest"
)

func newArticleService(t testing.TB) (*mptest.Server, *datacube.Service) {
	srv, c := mptest.New(t)
	return srv, datacube.New(c, datacube.WithClock(at(2025, 11, 2)))
}

func TestArticleReports(t *testing.T) {
	t.Parallel()
	day := d("2025-11-01")
	sources := []datacube.ReadSource{{UserSource: 99999999, ReadUser: 4123}}
	for _, tt := range []struct {
		name string
		call func(*datacube.Service) (any, error)
		want any
	}{
		{"getarticleread", func(s *datacube.Service) (any, error) { return s.ArticleRead(ctx, day) },
			[]datacube.ArticleRead{{RefDate: day, MsgID: "2247490098_1", Detail: datacube.ArticleReadDetail{ReadUser: 4123,
				ReadUserSource: []datacube.ReadSource{{UserSource: 99999999, ReadUser: 4123}, {UserSource: 0, ReadUser: 3000}}}}}},
		{"getbizsummary", func(s *datacube.Service) (any, error) { return s.BizSummary(ctx, day) },
			[]datacube.BizSummary{{RefDate: day, Detail: datacube.BizSummaryDetail{ReadUser: 4123, ReadUserSource: sources,
				ShareUser: 366, ZaikanUser: 191, LikeUser: 386, CommentCount: 25, CollectionUser: 42}}}},
		{"getarticletotaldetail", func(s *datacube.Service) (any, error) { return s.ArticleTotalDetail(ctx, day) },
			[]datacube.ArticleTotalDetail{{RefDate: day, MsgID: "2247490098_1", DetailList: []datacube.ArticleStat{{StatDate: day,
				ReadUser: 4123, ReadUserSource: sources, ShareUser: 366, ZaikanUser: 191, LikeUser: 386, CommentCount: 25, CollectionUser: 42}}}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, svc := newArticleService(t)
			replyReport(t, srv, tt.name, "2025-11-01", "2025-11-01")
			got, err := tt.call(svc)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)

			srv2, svc2 := newArticleService(t)
			srv2.ReplyError("POST", "/datacube/"+tt.name, 48001, "api unauthorized")
			_, err = tt.call(svc2)
			mptest.RequireAPIError(t, err, mp.CodeAPIUnauthorized)
		})
	}
	t.Run("getarticleshare", func(t *testing.T) {
		t.Parallel()
		srv, svc := newArticleService(t)
		replyReport(t, srv, "getarticleshare", "2025-11-01", "2025-11-01")
		rows, err := svc.ArticleShare(ctx, day)
		require.NoError(t, err)
		require.Len(t, rows, 1)
		assert.Equal(t, 366, rows[0].Detail.ShareUser)
		id, idx, ok := datacube.ArticleID(rows[0].MsgID)
		assert.True(t, ok)
		assert.Equal(t, int64(2247490098), id)
		assert.Equal(t, 1, idx)

		srv2, svc2 := newArticleService(t)
		srv2.ReplyError("POST", "/datacube/getarticleshare", 61501, "date range error")
		_, err = svc2.ArticleShare(ctx, day)
		mptest.RequireAPIError(t, err, 61501)
	})
}

func TestArticleValidation(t *testing.T) {
	t.Parallel()
	srv, svc := newArticleService(t)
	srv.RefuseAll()
	today := d("2025-11-02")
	_, err := svc.ArticleRead(ctx, today)
	mptest.RequireValidation(t, err, "end_date")
	_, err = svc.ArticleShare(ctx, today)
	mptest.RequireValidation(t, err, "end_date")
	_, err = svc.BizSummary(ctx, today)
	mptest.RequireValidation(t, err, "end_date")
	_, err = svc.ArticleTotalDetail(ctx, today)
	mptest.RequireValidation(t, err, "end_date")
	_, err = datacube.Get(ctx, svc, datacube.ArticleReadReport, d("2025-10-30"), d("2025-10-31"))
	mptest.RequireValidation(t, err, "end_date")
	_, _, ok := datacube.ArticleID("nounderscore")
	assert.False(t, ok)
}
