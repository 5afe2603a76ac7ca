package sim

import (
	"context"
	"sort"
	"time"
)

// Reads, shares and reactions on published articles, and the four 发表内容
// reports of 数据统计 computed from them: getarticleread (获取发表内容每日阅读
// 数据), getarticleshare (获取发表内容每日分享数据), getbizsummary (获取发表
// 内容概况总数据) and getarticletotaldetail (获取发表内容发表详细数据). Those
// reports are daily (no hourly figures), so activity is kept by China date.

// ReadSource is where a reader came from: the user_source of
// read_user_source. The values are those WeChat documents for the reading
// reports (user_source of 图文分析: 0 会话, 1 好友, 2 朋友圈, 4 历史消息页,
// 5 其他, 6 看一看, 7 搜一搜; 99999999 全部 is the total row).
type ReadSource int

// The read sources.
const (
	ReadFromChat       ReadSource = 0        // 会话: the article pushed in the account's chat
	ReadFromFriend     ReadSource = 1        // 好友: forwarded by a friend
	ReadFromMoments    ReadSource = 2        // 朋友圈
	ReadFromHistory    ReadSource = 4        // 历史消息页: the account's history page
	ReadFromOther      ReadSource = 5        // 其他
	ReadFromTopStories ReadSource = 6        // 看一看
	ReadFromSearch     ReadSource = 7        // 搜一搜
	ReadSourceAll      ReadSource = 99999999 // 全部: the total row of read_user_source
)

func (r ReadSource) valid() bool {
	switch r {
	case ReadFromChat, ReadFromFriend, ReadFromMoments, ReadFromHistory, ReadFromOther, ReadFromTopStories, ReadFromSearch:
		return true
	}
	return false
}

// ShareScene is where a reader shares an article to (share_scene of
// 图文分享转发数据: 1 好友转发, 2 朋友圈, 255 其他). The 发表内容 reports count
// sharers (share_user) whatever the scene; the scene is kept for
// ArticleActivity.
type ShareScene int

// The share scenes.
const (
	ShareToFriend  ShareScene = 1   // 好友转发: to a chat
	ShareToMoments ShareScene = 2   // 朋友圈
	ShareOther     ShareScene = 255 // 其他
)

func (s ShareScene) valid() bool {
	return s == ShareToFriend || s == ShareToMoments || s == ShareOther
}

// Reaction is a reader's mark on an article, each counted by its own field
// of getbizsummary and getarticletotaldetail.
type Reaction int

// The reactions.
const (
	ReactLike    Reaction = iota // 点赞 (拇指赞): like_user
	ReactZaikan                  // 在看 (爱心赞): zaikan_user
	ReactCollect                 // 收藏: collection_user
	numReactions
)

// ReadOption configures Follower.ReadArticle.
type ReadOption func(*readConfig)

type readConfig struct{ source ReadSource }

// ReadVia sets where the reader came from. The default is ReadFromChat for
// a follower and ReadFromFriend for a user who does not follow the account.
func ReadVia(src ReadSource) ReadOption { return func(c *readConfig) { c.source = src } }

// ArticleActivity is everything readers did with one article, over all days.
type ArticleActivity struct {
	Reads       int                // times the article was opened
	ReadUsers   int                // distinct readers
	Shares      int                // times it was shared
	ShareUsers  int                // distinct sharers
	SharesTo    map[ShareScene]int // shares by scene
	LikeUsers   int                // 点赞
	ZaikanUsers int                // 在看
	Collections int                // 收藏
}

type articleKey struct {
	id    int64
	index int // 0-based
}

func (k articleKey) msgid() string { return itoa(k.id) + "_" + itoa(int64(k.index+1)) }

// articleDay is one article's activity on one China date.
type articleDay struct {
	readers  map[string]bool
	bySource map[ReadSource]map[string]bool
	reads    int
	sharers  map[string]bool
	shares   map[ShareScene]int
	reacted  [numReactions]map[string]bool
}

func newArticleDay() *articleDay {
	a := &articleDay{readers: map[string]bool{}, bySource: map[ReadSource]map[string]bool{}, sharers: map[string]bool{}, shares: map[ShareScene]int{}}
	for i := range a.reacted {
		a.reacted[i] = map[string]bool{}
	}
	return a
}

// articleDayLocked returns the activity of an article on the China date of
// now. in.mu held.
func (in *insightState) articleDayLocked(k articleKey, now time.Time) *articleDay {
	if in.articles == nil {
		in.articles = map[string]map[articleKey]*articleDay{}
	}
	day := chinaDay(now)
	m := in.articles[day]
	if m == nil {
		m = map[articleKey]*articleDay{}
		in.articles[day] = m
	}
	a := m[k]
	if a == nil {
		a = newArticleDay()
		m[k] = a
	}
	return a
}

// articleAction checks the article and records f's action on it under
// both locks.
func (f *Follower) articleAction(ctx context.Context, msgDataID int64, index int, record func(u *userState, a *articleDay)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s := f.s
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if !s.articleExistsLocked(msgDataID, index) {
		return ErrUnknownArticle
	}
	u := s.users[f.openid]
	if u == nil {
		return ErrUnknownUser
	}
	in := s.insight
	in.mu.Lock()
	defer in.mu.Unlock()
	record(u, in.articleDayLocked(articleKey{msgDataID, index}, now))
	return nil
}

// ReadArticle opens a published article (阅读): one read, and the user
// counts once a day as a reader (read_user) of the article and of the
// source (read_user_source) in getarticleread, getbizsummary and
// getarticletotaldetail. Users who do not follow the account can read too
// (an article forwarded to them or seen in 朋友圈). index is the 0-based
// place in the publication; an unknown, unpublished or deleted article is
// ErrUnknownArticle, an undocumented source ErrInvalidFollowerOp.
func (f *Follower) ReadArticle(ctx context.Context, msgDataID int64, index int, opts ...ReadOption) error {
	cfg := readConfig{source: -1}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.source != -1 && !cfg.source.valid() {
		return ErrInvalidFollowerOp
	}
	return f.articleAction(ctx, msgDataID, index, func(u *userState, a *articleDay) {
		src := cfg.source
		if src == -1 {
			src = ReadFromFriend
			if u.subscribed {
				src = ReadFromChat
			}
		}
		a.reads++
		a.readers[u.openid] = true
		if a.bySource[src] == nil {
			a.bySource[src] = map[string]bool{}
		}
		a.bySource[src][u.openid] = true
	})
}

// ShareArticle shares a published article (分享) to scene: the user counts
// once a day as a sharer (share_user) in getarticleshare, getbizsummary and
// getarticletotaldetail. Errors as ReadArticle; an undocumented scene is
// ErrInvalidFollowerOp.
func (f *Follower) ShareArticle(ctx context.Context, msgDataID int64, index int, scene ShareScene) error {
	if !scene.valid() {
		return ErrInvalidFollowerOp
	}
	return f.articleAction(ctx, msgDataID, index, func(u *userState, a *articleDay) {
		a.sharers[u.openid] = true
		a.shares[scene]++
	})
}

// ReactToArticle marks a published article: 点赞 (ReactLike), 在看
// (ReactZaikan) or 收藏 (ReactCollect); the user counts once a day in
// like_user, zaikan_user or collection_user. Errors as ReadArticle.
func (f *Follower) ReactToArticle(ctx context.Context, msgDataID int64, index int, r Reaction) error {
	if r < 0 || r >= numReactions {
		return ErrInvalidFollowerOp
	}
	return f.articleAction(ctx, msgDataID, index, func(u *userState, a *articleDay) {
		a.reacted[r][u.openid] = true
	})
}

// ArticleActivity sums what readers did with an article over all days
// (readers and sharers counted once overall).
func (s *Sim) ArticleActivity(msgDataID int64, index int) ArticleActivity {
	in := s.insight
	in.mu.Lock()
	defer in.mu.Unlock()
	k := articleKey{msgDataID, index}
	readers, sharers := map[string]bool{}, map[string]bool{}
	var reacted [numReactions]map[string]bool
	for i := range reacted {
		reacted[i] = map[string]bool{}
	}
	out := ArticleActivity{SharesTo: map[ShareScene]int{}}
	for _, m := range in.articles {
		a := m[k]
		if a == nil {
			continue
		}
		out.Reads += a.reads
		union(readers, a.readers)
		union(sharers, a.sharers)
		for sc, n := range a.shares {
			out.Shares += n
			out.SharesTo[sc] += n
		}
		for i := range reacted {
			union(reacted[i], a.reacted[i])
		}
	}
	out.ReadUsers, out.ShareUsers = len(readers), len(sharers)
	out.LikeUsers, out.ZaikanUsers, out.Collections = len(reacted[ReactLike]), len(reacted[ReactZaikan]), len(reacted[ReactCollect])
	return out
}

func union(dst, src map[string]bool) {
	for k := range src {
		dst[k] = true
	}
}

// sortedArticles returns the articles of a day's activity in msgid order.
func sortedArticles(m map[articleKey]*articleDay) []articleKey {
	keys := make([]articleKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].id != keys[j].id {
			return keys[i].id < keys[j].id
		}
		return keys[i].index < keys[j].index
	})
	return keys
}

// readSourceList is read_user_source: the 全部 row first, then each
// source's distinct readers; empty when nobody read.
func readSourceList(all int, bySource map[ReadSource]int) []map[string]any {
	out := []map[string]any{}
	if all == 0 {
		return out
	}
	out = append(out, map[string]any{"user_source": int(ReadSourceAll), "read_user": all})
	srcs := make([]int, 0, len(bySource))
	for s := range bySource {
		srcs = append(srcs, int(s))
	}
	sort.Ints(srcs)
	for _, s := range srcs {
		out = append(out, map[string]any{"user_source": s, "read_user": bySource[ReadSource(s)]})
	}
	return out
}

// articleReadRows: the articles read each day, with their readers by source.
func articleReadRows(in *insightState, _ *Sim, days []string) []map[string]any {
	var out []map[string]any
	for _, day := range days {
		m := in.articles[day]
		for _, k := range sortedArticles(m) {
			f := dayFigures(m, &k)
			if f.readUser == 0 {
				continue
			}
			out = append(out, map[string]any{"ref_date": day, "msgid": k.msgid(), "detail": map[string]any{
				"read_user": f.readUser, "read_user_source": readSourceList(f.readUser, f.bySource)}})
		}
	}
	return out
}

// articleShareRows: the articles shared each day, with their sharers.
func articleShareRows(in *insightState, _ *Sim, days []string) []map[string]any {
	var out []map[string]any
	for _, day := range days {
		m := in.articles[day]
		for _, k := range sortedArticles(m) {
			if n := len(m[k].sharers); n > 0 {
				out = append(out, map[string]any{"ref_date": day, "msgid": k.msgid(), "detail": map[string]any{"share_user": n}})
			}
		}
	}
	return out
}

// figures are the detail fields of getbizsummary and of a detail_list entry.
type figures struct {
	readUser  int
	bySource  map[ReadSource]int
	shareUser int
	reacted   [numReactions]int
	comments  int
}

func (f figures) detail() map[string]any {
	return map[string]any{"read_user": f.readUser, "read_user_source": readSourceList(f.readUser, f.bySource), "share_user": f.shareUser,
		"zaikan_user": f.reacted[ReactZaikan], "like_user": f.reacted[ReactLike], "comment_count": f.comments,
		"collection_user": f.reacted[ReactCollect]}
}

// dayFigures sums the activity of the given articles on a day (nil: all);
// users are counted once across the articles.
func dayFigures(m map[articleKey]*articleDay, only *articleKey) figures {
	readers, sharers := map[string]bool{}, map[string]bool{}
	bySource := map[ReadSource]map[string]bool{}
	var reacted [numReactions]map[string]bool
	for i := range reacted {
		reacted[i] = map[string]bool{}
	}
	for k, a := range m {
		if only != nil && k != *only {
			continue
		}
		union(readers, a.readers)
		union(sharers, a.sharers)
		for s, us := range a.bySource {
			if bySource[s] == nil {
				bySource[s] = map[string]bool{}
			}
			union(bySource[s], us)
		}
		for i := range reacted {
			union(reacted[i], a.reacted[i])
		}
	}
	f := figures{readUser: len(readers), shareUser: len(sharers), bySource: map[ReadSource]int{}}
	for s, us := range bySource {
		f.bySource[s] = len(us)
	}
	for i := range reacted {
		f.reacted[i] = len(reacted[i])
	}
	return f
}

// bizSummaryRows: one row a day, the account's readers, sharers and
// reactions over all articles, and the comments made that day.
func bizSummaryRows(in *insightState, _ *Sim, days []string) []map[string]any {
	var out []map[string]any
	for _, day := range days {
		f := dayFigures(in.articles[day], nil)
		if d := in.days[day]; d != nil {
			f.comments = d.comments
		}
		out = append(out, map[string]any{"ref_date": day, "detail": f.detail()})
	}
	return out
}

// maxTotalDays is how many days of figures getarticletotaldetail gives an
// article from its publication ("统计周期内（最大30天）").
const maxTotalDays = 30

// articleTotalRows lists the articles published on the days (msgid
// "<publish_id>_<1-based index>", publish_type 0), each with one
// detail_list entry per day from its publication to yesterday (at most 30):
// the sum of the daily figures from the publication to stat_date.
func (s *Sim) articleTotalRows(days []string, now time.Time) []map[string]any {
	want := map[string]bool{}
	for _, d := range days {
		want[d] = true
	}
	today := chinaDay(now)
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.insight
	in.mu.Lock()
	defer in.mu.Unlock()
	var out []map[string]any
	for _, aid := range s.pubOrder {
		p := s.articles[aid]
		if p == nil || !want[chinaDay(p.updated)] {
			continue
		}
		pubDay := chinaDay(p.updated)
		start, _ := time.Parse("2006-01-02", pubDay)
		id, _ := parseInt64(p.publishID)
		for i := range p.articles {
			k := articleKey{id, i}
			var comments []string // China dates of the undeleted comments
			if t := in.threads[threadKey(id, i)]; t != nil {
				for _, c := range t.comments {
					if !c.deleted {
						comments = append(comments, chinaDay(time.Unix(c.created, 0)))
					}
				}
			}
			var list []map[string]any
			var sum figures
			sum.bySource = map[ReadSource]int{}
			for n := 0; n < maxTotalDays; n++ {
				day := start.AddDate(0, 0, n).Format("2006-01-02")
				if day >= today {
					break
				}
				f := dayFigures(in.articles[day], &k)
				sum.readUser += f.readUser
				sum.shareUser += f.shareUser
				for src, c := range f.bySource {
					sum.bySource[src] += c
				}
				for r := range sum.reacted {
					sum.reacted[r] += f.reacted[r]
				}
				sum.comments = 0
				for _, cd := range comments {
					if cd <= day {
						sum.comments++
					}
				}
				d := sum.detail()
				d["stat_date"] = day
				list = append(list, d)
			}
			out = append(out, map[string]any{"ref_date": pubDay, "msgid": k.msgid(), "publish_type": 0, "detail_list": list})
		}
	}
	return out
}
