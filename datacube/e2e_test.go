package datacube_test

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/datacube"
	"github.com/wxkit/mp/internal/simtest"
	"github.com/wxkit/mp/message"
	"github.com/wxkit/mp/sim"
)

// clock is a settable clock shared by the simulator and the SDK.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// TestEndToEndStatistics runs two days of simulated activity (follows,
// unfollows, messages, callbacks) on the simulator's clock and reads every
// report back: the statistics describe what happened.
func TestEndToEndStatistics(t *testing.T) {
	t.Parallel()
	china := time.FixedZone("CST", 8*3600)
	day1 := time.Date(2026, 11, 2, 10, 30, 0, 0, china) // a Monday
	clk := &clock{t: day1}
	s, client := simtest.New(t, sim.Options{Clock: clk.Now}, mp.WithClock(clk.Now))
	r := message.NewRouter()
	r.Default(func(context.Context, message.Message) (message.Reply, error) {
		return message.TextReply{Content: "ok"}, nil
	})
	srv, err := message.NewServer(message.Config{AppID: s.Account().AppID, Token: s.Account().Token}, r, message.WithClock(clk.Now))
	require.NoError(t, err)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	s.SetCallbackURL(hs.URL)

	ctx := context.Background()
	alice, bob, carol := s.NewUser("Alice"), s.NewUser("Bob"), s.NewUser("Carol")
	_, err = alice.Follow(ctx)
	require.NoError(t, err)
	_, err = bob.Follow(ctx)
	require.NoError(t, err)
	for i := 0; i < 3; i++ {
		_, err = alice.SendText(ctx, "hi")
		require.NoError(t, err)
	}
	_, err = bob.SendImage(ctx, "http://example.invalid/a.jpg")
	require.NoError(t, err)

	clk.Set(day1.Add(24 * time.Hour))
	_, err = carol.Follow(ctx)
	require.NoError(t, err)
	require.NoError(t, bob.Unfollow(ctx))
	for i := 0; i < 7; i++ {
		_, err = alice.SendText(ctx, "more")
		require.NoError(t, err)
	}
	clk.Set(day1.Add(48 * time.Hour))

	stats := datacube.New(client)
	d1, d2 := datacube.DateOf(day1), datacube.DateOf(day1).AddDays(1)
	assert.Equal(t, d2, stats.Yesterday())

	sum, err := stats.UserSummary(ctx, d1, d2)
	require.NoError(t, err)
	assert.Equal(t, []datacube.UserSummary{
		{RefDate: d1, UserSource: datacube.SourceSearch, NewUser: 2},
		{RefDate: d2, UserSource: datacube.SourceSearch, NewUser: 1, CancelUser: 1},
	}, sum)
	cum, err := stats.UserCumulate(ctx, d1, d2)
	require.NoError(t, err)
	assert.Equal(t, []datacube.UserCumulate{{RefDate: d1, CumulateUser: 2}, {RefDate: d2, CumulateUser: 2}}, cum)

	msgs, err := stats.UpstreamMsg(ctx, d1, d2)
	require.NoError(t, err)
	assert.Equal(t, []datacube.UpstreamMsg{
		{RefDate: d1, MsgType: datacube.MsgText, MsgUser: 1, MsgCount: 3},
		{RefDate: d1, MsgType: datacube.MsgImage, MsgUser: 1, MsgCount: 1},
		{RefDate: d2, MsgType: datacube.MsgText, MsgUser: 1, MsgCount: 7},
	}, msgs)
	week, err := stats.UpstreamMsgWeek(ctx, d1, d2)
	require.NoError(t, err)
	assert.Equal(t, []datacube.UpstreamMsg{
		{RefDate: d1, MsgType: datacube.MsgText, MsgUser: 1, MsgCount: 10},
		{RefDate: d1, MsgType: datacube.MsgImage, MsgUser: 1, MsgCount: 1},
	}, week, "one week starting Monday")
	month, err := stats.UpstreamMsgMonth(ctx, d1, d2)
	require.NoError(t, err)
	require.Len(t, month, 2)
	assert.Equal(t, datacube.NewDate(2026, 11, 1), month[0].RefDate)
	hours, err := stats.UpstreamMsgHour(ctx, d1)
	require.NoError(t, err)
	require.Len(t, hours, 2)
	assert.Equal(t, 10, hours[0].Hour())
	dist, err := stats.UpstreamMsgDist(ctx, d1, d2)
	require.NoError(t, err)
	assert.Equal(t, []datacube.UpstreamMsgDist{
		{RefDate: d1, CountInterval: datacube.Interval1To5, MsgUser: 2},
		{RefDate: d2, CountInterval: datacube.Interval6To10, MsgUser: 1},
	}, dist)
	dweek, err := stats.UpstreamMsgDistWeek(ctx, d1, d2)
	require.NoError(t, err)
	assert.Equal(t, []datacube.UpstreamMsgDist{
		{RefDate: d1, CountInterval: datacube.Interval1To5, MsgUser: 1},
		{RefDate: d1, CountInterval: datacube.Interval6To10, MsgUser: 1},
	}, dweek, "Alice sent 10 that week, Bob 1")
	dmonth, err := stats.UpstreamMsgDistMonth(ctx, d1, d2)
	require.NoError(t, err)
	assert.Len(t, dmonth, 2)

	calls, err := stats.InterfaceSummary(ctx, d1, d2)
	require.NoError(t, err)
	require.Len(t, calls, 2)
	assert.Equal(t, 6, calls[0].CallbackCount, "2 follows and 4 messages pushed on day 1")
	assert.Equal(t, 9, calls[1].CallbackCount, "a follow, an unfollow and 7 messages on day 2")
	assert.Zero(t, calls[0].FailCount)
	assert.GreaterOrEqual(t, calls[0].TotalTimeCost, calls[0].MaxTimeCost)
	ch, err := stats.InterfaceSummaryHour(ctx, d1)
	require.NoError(t, err)
	require.Len(t, ch, 1)
	assert.Equal(t, 1000, ch[0].RefHour)

	// The 发表内容 reports: no publication, nothing read
	// (TestEndToEndArticleStatistics reads articles).
	reads, err := stats.ArticleRead(ctx, d2)
	require.NoError(t, err)
	assert.Empty(t, reads)
	shares, err := stats.ArticleShare(ctx, d2)
	require.NoError(t, err)
	assert.Empty(t, shares)
	biz, err := stats.BizSummary(ctx, d2)
	require.NoError(t, err)
	assert.Equal(t, []datacube.BizSummary{{RefDate: d2, Detail: datacube.BizSummaryDetail{ReadUserSource: []datacube.ReadSource{}}}}, biz)
	total, err := stats.ArticleTotalDetail(ctx, d2)
	require.NoError(t, err)
	assert.Empty(t, total)

	// The last 90 days of follower growth: one loop, 13 calls.
	var cumulative []int
	for row, err := range datacube.Range(ctx, stats, datacube.UserCumulateReport, d2.AddDays(-89), d2) {
		require.NoError(t, err)
		cumulative = append(cumulative, row.CumulateUser)
	}
	require.Len(t, cumulative, 90)
	assert.Equal(t, []int{0, 2, 2}, cumulative[87:])

	// The simulator refuses what WeChat refuses: a span too long, or today.
	late := datacube.New(client, datacube.WithClock(func() time.Time { return clk.Now().Add(24 * time.Hour) }))
	_, err = late.UpstreamMsgHour(ctx, datacube.DateOf(clk.Now()))
	var ae *mp.APIError
	require.ErrorAs(t, err, &ae)
	assert.EqualValues(t, 61501, ae.Code)
	assert.NotEmpty(t, ae.RID, "the simulator appends a rid like WeChat")
}

// TestEndToEndArticleStatistics publishes two articles, has followers and a
// non-follower read, share and like them, and reads the 发表内容 reports
// back through the typed SDK.
func TestEndToEndArticleStatistics(t *testing.T) {
	t.Parallel()
	china := time.FixedZone("CST", 8*3600)
	day1 := time.Date(2026, 11, 2, 9, 0, 0, 0, china)
	clk := &clock{t: day1}
	s, client := simtest.New(t, sim.Options{Clock: clk.Now}, mp.WithClock(clk.Now))
	ctx := context.Background()
	alice, bob, carol := s.NewUser("Alice"), s.NewUser("Bob"), s.NewUser("Carol")
	for _, f := range []*sim.Follower{alice, bob} {
		_, err := f.Follow(ctx)
		require.ErrorIs(t, err, sim.ErrNoCallbackURL, "followed; no callback server in this test")
	}
	news := s.PublishArticle("News", "<p>news</p>", true)
	tips := s.PublishArticle("Tips", "<p>tips</p>", false)

	require.NoError(t, alice.ReadArticle(ctx, news.MsgDataID, news.Index))
	require.NoError(t, bob.ReadArticle(ctx, news.MsgDataID, news.Index, sim.ReadVia(sim.ReadFromHistory)))
	require.NoError(t, alice.ShareArticle(ctx, news.MsgDataID, news.Index, sim.ShareToMoments))
	require.NoError(t, carol.ReadArticle(ctx, news.MsgDataID, news.Index, sim.ReadVia(sim.ReadFromMoments)))
	require.NoError(t, carol.ReactToArticle(ctx, news.MsgDataID, news.Index, sim.ReactLike))
	require.NoError(t, bob.ReadArticle(ctx, tips.MsgDataID, tips.Index))
	_, err := bob.Comment(ctx, news.MsgDataID, news.Index, "good")
	require.NoError(t, err)
	assert.ErrorIs(t, alice.ReadArticle(ctx, tips.MsgDataID+100, 0), sim.ErrUnknownArticle)
	clk.Set(day1.Add(24 * time.Hour))

	stats := datacube.New(client)
	d1 := datacube.DateOf(day1)
	reads, err := stats.ArticleRead(ctx, d1)
	require.NoError(t, err)
	require.Len(t, reads, 2)
	id, idx, ok := datacube.ArticleID(reads[0].MsgID)
	require.True(t, ok)
	assert.Equal(t, news.MsgDataID, id)
	assert.Equal(t, 1, idx, "msgid carries the 1-based index")
	assert.Equal(t, datacube.ArticleReadDetail{ReadUser: 3, ReadUserSource: []datacube.ReadSource{
		{UserSource: int(sim.ReadSourceAll), ReadUser: 3}, {UserSource: int(sim.ReadFromChat), ReadUser: 1},
		{UserSource: int(sim.ReadFromMoments), ReadUser: 1}, {UserSource: int(sim.ReadFromHistory), ReadUser: 1},
	}}, reads[0].Detail)
	assert.Equal(t, 1, reads[1].Detail.ReadUser)

	shares, err := stats.ArticleShare(ctx, d1)
	require.NoError(t, err)
	require.Len(t, shares, 1)
	assert.Equal(t, reads[0].MsgID, shares[0].MsgID)
	assert.Equal(t, 1, shares[0].Detail.ShareUser)

	biz, err := stats.BizSummary(ctx, d1)
	require.NoError(t, err)
	require.Len(t, biz, 1)
	assert.Equal(t, 3, biz[0].Detail.ReadUser, "Bob read both articles: one reader")
	assert.Equal(t, 1, biz[0].Detail.ShareUser)
	assert.Equal(t, 1, biz[0].Detail.LikeUser)
	assert.Equal(t, 1, biz[0].Detail.CommentCount)

	total, err := stats.ArticleTotalDetail(ctx, d1)
	require.NoError(t, err)
	require.Len(t, total, 2)
	require.Len(t, total[0].DetailList, 1, "published yesterday: one day of figures")
	st := total[0].DetailList[0]
	assert.Equal(t, d1, st.StatDate)
	assert.Equal(t, []int{3, 1, 1, 1, 0, 0}, []int{st.ReadUser, st.ShareUser, st.LikeUser, st.CommentCount, st.ZaikanUser, st.CollectionUser})
	assert.Equal(t, 1, total[1].DetailList[0].ReadUser)
}
