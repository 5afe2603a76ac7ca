package datacube

import (
	"context"
	"strconv"
	"strings"
)

// ArticleID splits the msgid of the 发表内容 reports, "<msg_data_id>_<index>"
// (for example "2247490098_1": the publish or mass send's msg_data_id and the
// article's 1-based place in it).
func ArticleID(msgid string) (msgDataID int64, index int, ok bool) {
	a, b, found := strings.Cut(msgid, "_")
	if !found {
		return 0, 0, false
	}
	id, err1 := strconv.ParseInt(a, 10, 64)
	idx, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return id, idx, true
}

// ReadSource is the number of readers from one channel (read_user_source).
type ReadSource struct {
	UserSource int `json:"user_source"`
	ReadUser   int `json:"read_user"`
}

// ArticleReadDetail is the reading of one article on a day.
type ArticleReadDetail struct {
	ReadUser       int          `json:"read_user"`
	ReadUserSource []ReadSource `json:"read_user_source"`
}

// ArticleRead is one row of 获取发表内容每日阅读数据 (getarticleread): an
// article read on RefDate. MsgID is "<msg_data_id>_<index>" (ArticleID).
type ArticleRead struct {
	RefDate Date              `json:"ref_date"`
	MsgID   string            `json:"msgid"`
	Detail  ArticleReadDetail `json:"detail"`
}

// ArticleShare is one row of 获取发表内容每日分享数据 (getarticleshare).
type ArticleShare struct {
	RefDate Date   `json:"ref_date"`
	MsgID   string `json:"msgid"`
	Detail  struct {
		ShareUser int `json:"share_user"`
	} `json:"detail"`
}

// BizSummaryDetail is the account-wide figures of one day.
type BizSummaryDetail struct {
	ReadUser       int          `json:"read_user"`
	ReadUserSource []ReadSource `json:"read_user_source"`
	ShareUser      int          `json:"share_user"`
	ZaikanUser     int          `json:"zaikan_user"` // 爱心赞
	LikeUser       int          `json:"like_user"`   // 拇指赞
	CommentCount   int          `json:"comment_count"`
	CollectionUser int          `json:"collection_user"`
}

// BizSummary is one row of 获取发表内容概况总数据 (getbizsummary).
type BizSummary struct {
	RefDate Date             `json:"ref_date"`
	Detail  BizSummaryDetail `json:"detail"`
}

// ArticleStat is the figures of one article from its publication to
// StatDate (both included).
type ArticleStat struct {
	StatDate       Date         `json:"stat_date"`
	ReadUser       int          `json:"read_user"`
	ReadUserSource []ReadSource `json:"read_user_source"`
	ShareUser      int          `json:"share_user"`
	ZaikanUser     int          `json:"zaikan_user"`
	LikeUser       int          `json:"like_user"`
	CommentCount   int          `json:"comment_count"`
	CollectionUser int          `json:"collection_user"`
}

// ArticleTotalDetail is one row of 获取发表内容发表详细数据
// (getarticletotaldetail): an article published on RefDate and its
// figures for each day since (at most 30).
type ArticleTotalDetail struct {
	RefDate     Date          `json:"ref_date"`
	MsgID       string        `json:"msgid"`
	PublishType int           `json:"publish_type"` // 0 notified (已通知), 1 without notification
	DetailList  []ArticleStat `json:"detail_list"`
}

func articleDate[T interface{ refDate() Date }](r T) Date { return r.refDate() }

func (r ArticleRead) refDate() Date        { return r.RefDate }
func (r ArticleShare) refDate() Date       { return r.RefDate }
func (r BizSummary) refDate() Date         { return r.RefDate }
func (r ArticleTotalDetail) refDate() Date { return r.RefDate }

// 图文分析 (发表内容) reports. Their pages document one day per request for
// getarticleread and getarticleshare ("日期范围仅支持查询1天"); the same one
// day is applied to getbizsummary and getarticletotaldetail, whose pages
// state no wider span. Data exists from 2025-11-01.
var (
	ArticleReadReport        = Report[ArticleRead]{name: "getarticleread", maxDays: 1, date: articleDate[ArticleRead]}
	ArticleShareReport       = Report[ArticleShare]{name: "getarticleshare", maxDays: 1, date: articleDate[ArticleShare]}
	BizSummaryReport         = Report[BizSummary]{name: "getbizsummary", maxDays: 1, date: articleDate[BizSummary]}
	ArticleTotalDetailReport = Report[ArticleTotalDetail]{name: "getarticletotaldetail", maxDays: 1, date: articleDate[ArticleTotalDetail]}
)

// ArticleRead is 获取发表内容每日阅读数据 for one day.
func (s *Service) ArticleRead(ctx context.Context, day Date) ([]ArticleRead, error) {
	return Get(ctx, s, ArticleReadReport, day, day)
}

// ArticleShare is 获取发表内容每日分享数据 for one day.
func (s *Service) ArticleShare(ctx context.Context, day Date) ([]ArticleShare, error) {
	return Get(ctx, s, ArticleShareReport, day, day)
}

// BizSummary is 获取发表内容概况总数据 for one day.
func (s *Service) BizSummary(ctx context.Context, day Date) ([]BizSummary, error) {
	return Get(ctx, s, BizSummaryReport, day, day)
}

// ArticleTotalDetail is 获取发表内容发表详细数据 for one day of publication.
func (s *Service) ArticleTotalDetail(ctx context.Context, day Date) ([]ArticleTotalDetail, error) {
	return Get(ctx, s, ArticleTotalDetailReport, day, day)
}
