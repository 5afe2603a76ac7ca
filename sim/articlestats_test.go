package sim

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func follow(t *testing.T, f *Follower) {
	t.Helper()
	_, err := f.Follow(ctx(t))
	if !errors.Is(err, ErrNoCallbackURL) {
		require.NoError(t, err)
	}
}

func report(t *testing.T, s *Sim, tok, name, day string) map[string]any {
	t.Helper()
	out := api(t, s, tok, "POST", "/datacube/"+name, map[string]string{"begin_date": day, "end_date": day})
	require.Equal(t, 0, errcode(out), "%v", out)
	assert.Equal(t, false, out["is_delay"])
	return out
}

func src(source ReadSource, n int) map[string]any {
	return map[string]any{"user_source": float64(source), "read_user": float64(n)}
}

// Reads, shares and reactions on two China days feed the four 发表内容
// reports: daily rows per article, the account's daily summary, and the
// running totals from the publication on.
func TestArticleActivityReports(t *testing.T) {
	t.Parallel()
	clk := newClock()
	clk.t = time.Date(2024, 5, 1, 15, 30, 0, 0, time.UTC) // 23:30 May 1 in China
	s := newSim(t, Options{Clock: clk.Now})
	alice, bob, carol := s.NewUser("Alice"), s.NewUser("Bob"), s.NewUser("Carol")
	follow(t, alice)
	follow(t, bob)
	a1 := s.PublishArticle("One", "<p>one</p>", true)
	a2 := s.PublishArticle("Two", "<p>two</p>", false)
	c := ctx(t)

	// May 1, 23:30: Alice reads One twice, Bob once from the history page,
	// Carol (not a follower) from 朋友圈; Alice shares it to a friend.
	require.NoError(t, alice.ReadArticle(c, a1.MsgDataID, 0))
	require.NoError(t, alice.ReadArticle(c, a1.MsgDataID, 0))
	require.NoError(t, bob.ReadArticle(c, a1.MsgDataID, 0, ReadVia(ReadFromHistory)))
	require.NoError(t, carol.ReadArticle(c, a1.MsgDataID, 0, ReadVia(ReadFromMoments)))
	require.NoError(t, alice.ShareArticle(c, a1.MsgDataID, 0, ShareToFriend))
	require.NoError(t, alice.ReactToArticle(c, a1.MsgDataID, 0, ReactZaikan))
	_, err := alice.Comment(c, a1.MsgDataID, 0, "nice")
	require.NoError(t, err)

	// One hour later it is May 2 in China: Carol reads Two (a friend's
	// forward by default), Bob reads One again and shares it twice.
	clk.Advance(time.Hour)
	require.NoError(t, carol.ReadArticle(c, a2.MsgDataID, 0))
	require.NoError(t, bob.ReadArticle(c, a1.MsgDataID, 0))
	require.NoError(t, bob.ShareArticle(c, a1.MsgDataID, 0, ShareToMoments))
	require.NoError(t, bob.ShareArticle(c, a1.MsgDataID, 0, ShareToFriend))
	require.NoError(t, bob.ReactToArticle(c, a1.MsgDataID, 0, ReactLike))
	require.NoError(t, bob.ReactToArticle(c, a1.MsgDataID, 0, ReactCollect))
	clk.Advance(24 * time.Hour) // May 3: both days are reportable
	tok := token(t, s)

	id1, id2 := itoa(a1.MsgDataID)+"_1", itoa(a2.MsgDataID)+"_1"
	read1 := report(t, s, tok, "getarticleread", "2024-05-01")
	assert.Equal(t, []any{map[string]any{"ref_date": "2024-05-01", "msgid": id1, "detail": map[string]any{
		"read_user": 3.0, "read_user_source": []any{src(ReadSourceAll, 3), src(ReadFromChat, 1), src(ReadFromMoments, 1), src(ReadFromHistory, 1)}}}}, read1["list"])
	read2 := report(t, s, tok, "getarticleread", "2024-05-02")
	assert.Equal(t, []any{
		map[string]any{"ref_date": "2024-05-02", "msgid": id1, "detail": map[string]any{"read_user": 1.0, "read_user_source": []any{src(ReadSourceAll, 1), src(ReadFromChat, 1)}}},
		map[string]any{"ref_date": "2024-05-02", "msgid": id2, "detail": map[string]any{"read_user": 1.0, "read_user_source": []any{src(ReadSourceAll, 1), src(ReadFromFriend, 1)}}},
	}, read2["list"])

	share1 := report(t, s, tok, "getarticleshare", "2024-05-01")
	assert.Equal(t, []any{map[string]any{"ref_date": "2024-05-01", "msgid": id1, "detail": map[string]any{"share_user": 1.0}}}, share1["list"])
	share2 := report(t, s, tok, "getarticleshare", "2024-05-02")
	assert.Equal(t, []any{map[string]any{"ref_date": "2024-05-02", "msgid": id1, "detail": map[string]any{"share_user": 1.0}}}, share2["list"], "Bob shared twice: one sharer")

	biz2 := report(t, s, tok, "getbizsummary", "2024-05-02")
	assert.Equal(t, []any{map[string]any{"ref_date": "2024-05-02", "detail": map[string]any{
		"read_user": 2.0, "read_user_source": []any{src(ReadSourceAll, 2), src(ReadFromChat, 1), src(ReadFromFriend, 1)},
		"share_user": 1.0, "zaikan_user": 0.0, "like_user": 1.0, "comment_count": 0.0, "collection_user": 1.0}}}, biz2["list"])
	biz1 := report(t, s, tok, "getbizsummary", "2024-05-01")
	d1 := biz1["list"].([]any)[0].(map[string]any)["detail"].(map[string]any)
	assert.Equal(t, 3.0, d1["read_user"])
	assert.Equal(t, 1.0, d1["zaikan_user"])
	assert.Equal(t, 1.0, d1["comment_count"])

	total := report(t, s, tok, "getarticletotaldetail", "2024-05-01")
	rows := total["list"].([]any)
	require.Len(t, rows, 2, "both articles were published May 1")
	one := rows[0].(map[string]any)
	assert.Equal(t, id1, one["msgid"])
	assert.Equal(t, 0.0, one["publish_type"])
	assert.Equal(t, []any{
		map[string]any{"stat_date": "2024-05-01", "read_user": 3.0, "read_user_source": []any{src(ReadSourceAll, 3), src(ReadFromChat, 1), src(ReadFromMoments, 1), src(ReadFromHistory, 1)},
			"share_user": 1.0, "zaikan_user": 1.0, "like_user": 0.0, "comment_count": 1.0, "collection_user": 0.0},
		map[string]any{"stat_date": "2024-05-02", "read_user": 4.0, "read_user_source": []any{src(ReadSourceAll, 4), src(ReadFromChat, 2), src(ReadFromMoments, 1), src(ReadFromHistory, 1)},
			"share_user": 2.0, "zaikan_user": 1.0, "like_user": 1.0, "comment_count": 1.0, "collection_user": 1.0},
	}, one["detail_list"], "sums of the daily figures from the publication to yesterday")
	two := rows[1].(map[string]any)["detail_list"].([]any)
	require.Len(t, two, 2)
	assert.Equal(t, 0.0, two[0].(map[string]any)["read_user"])
	assert.Equal(t, []any{}, two[0].(map[string]any)["read_user_source"])
	assert.Equal(t, 1.0, two[1].(map[string]any)["read_user"])

	act := s.ArticleActivity(a1.MsgDataID, 0)
	assert.Equal(t, ArticleActivity{Reads: 5, ReadUsers: 3, Shares: 3, ShareUsers: 2, SharesTo: map[ShareScene]int{ShareToFriend: 2, ShareToMoments: 1},
		LikeUsers: 1, ZaikanUsers: 1, Collections: 1}, act)

	// The spans are checked as before.
	assert.Equal(t, 61501, errcode(api(t, s, tok, "POST", "/datacube/getarticleread", map[string]string{"begin_date": "2024-05-01", "end_date": "2024-05-02"})))
	assert.Equal(t, 61501, errcode(api(t, s, tok, "POST", "/datacube/getarticleshare", map[string]string{"begin_date": "2024-05-03", "end_date": "2024-05-03"})), "today")
}

// getarticletotaldetail gives at most 30 days from the publication.
func TestArticleTotalDetailThirtyDays(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := newSim(t, Options{Clock: clk.Now})
	s.PublishArticle("Old", "<p>old</p>", false)
	clk.Advance(40 * 24 * time.Hour)
	tok := token(t, s)
	rows := report(t, s, tok, "getarticletotaldetail", "2024-05-01")["list"].([]any)
	require.Len(t, rows, 1)
	list := rows[0].(map[string]any)["detail_list"].([]any)
	require.Len(t, list, 30)
	assert.Equal(t, "2024-05-30", list[29].(map[string]any)["stat_date"])
}

// Reading what is not published, or with an undocumented source or scene,
// is refused with a typed error and counts nothing.
func TestArticleActivityErrors(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	alice := s.NewUser("Alice")
	a := s.PublishArticle("One", "<p>one</p>", false)
	c := ctx(t)
	assert.ErrorIs(t, alice.ReadArticle(c, a.MsgDataID+1, 0), ErrUnknownArticle)
	assert.ErrorIs(t, alice.ReadArticle(c, a.MsgDataID, 1), ErrUnknownArticle)
	assert.ErrorIs(t, alice.ShareArticle(c, a.MsgDataID, -1, ShareToFriend), ErrUnknownArticle)
	assert.ErrorIs(t, alice.ReadArticle(c, a.MsgDataID, 0, ReadVia(3)), ErrInvalidFollowerOp)
	assert.ErrorIs(t, alice.ShareArticle(c, a.MsgDataID, 0, 3), ErrInvalidFollowerOp)
	assert.ErrorIs(t, alice.ReactToArticle(c, a.MsgDataID, 0, Reaction(9)), ErrInvalidFollowerOp)
	assert.Equal(t, ArticleActivity{SharesTo: map[ShareScene]int{}}, s.ArticleActivity(a.MsgDataID, 0))

	tok := token(t, s)
	s.mu.Lock()
	aid := s.publishes[itoa(a.MsgDataID)].articleID
	s.mu.Unlock()
	out := api(t, s, tok, "POST", "/cgi-bin/freepublish/delete", map[string]any{"article_id": aid, "index": 0})
	require.Equal(t, 0, errcode(out), "%v", out)
	assert.ErrorIs(t, alice.ReadArticle(c, a.MsgDataID, 0), ErrUnknownArticle, "deleted")
}
