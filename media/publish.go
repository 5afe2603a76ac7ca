package media

import (
	"context"
	"fmt"
	"iter"
	"strconv"
	"time"

	"github.com/wxkit/mp"
)

// PublishJob is the answer of 发布草稿: the job runs asynchronously; follow
// it with [Service.GetPublishStatus] or [Service.WaitPublished], or the
// PUBLISHJOBFINISH event.
type PublishJob struct {
	PublishID ID `json:"publish_id"`
	MsgDataID ID `json:"msg_data_id,omitempty"`
}

// Publish is 发布草稿 (POST /cgi-bin/freepublish/submit): it submits draft
// mediaID for publication. Success means the job was accepted, not that
// the articles are published: the originality check or the review may
// still fail it.
func (s *Service) Publish(ctx context.Context, mediaID string) (*PublishJob, error) {
	if err := requireID("media.Publish", "media_id", mediaID); err != nil {
		return nil, err
	}
	var out PublishJob
	if err := s.do(ctx, &mp.Request{Method: "POST", Path: "/cgi-bin/freepublish/submit", Body: mediaIDBody{MediaID: mediaID}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// PublishState is publish_status (发布状态).
type PublishState int

// Publish states.
const (
	PublishSuccess        PublishState = 0 // 成功
	Publishing            PublishState = 1 // 发布中
	PublishOriginalFailed PublishState = 2 // 原创失败
	PublishFailed         PublishState = 3 // 常规失败
	PublishRejected       PublishState = 4 // 平台审核不通过
	PublishDeleted        PublishState = 5 // 成功后用户删除所有文章
	PublishBanned         PublishState = 6 // 成功后系统封禁所有文章
)

func (p PublishState) String() string {
	switch p {
	case PublishSuccess:
		return "success"
	case Publishing:
		return "publishing"
	case PublishOriginalFailed:
		return "originality check failed"
	case PublishFailed:
		return "failed"
	case PublishRejected:
		return "rejected by review"
	case PublishDeleted:
		return "deleted after publication"
	case PublishBanned:
		return "banned after publication"
	}
	return "PublishState(" + strconv.Itoa(int(p)) + ")"
}

// PublishStatus is the answer of 发布状态查询.
type PublishStatus struct {
	PublishID     ID            `json:"publish_id"`
	Status        PublishState  `json:"publish_status"`
	ArticleID     string        `json:"article_id,omitempty"` // on success
	ArticleDetail ArticleDetail `json:"article_detail"`       // on success
	FailIdx       []int         `json:"fail_idx,omitempty"`   // failed articles (first is 1), states 2 and 4
}

// ArticleDetail lists the published articles' permanent URLs.
type ArticleDetail struct {
	Count int          `json:"count"`
	Item  []ArticleURL `json:"item"`
}

// ArticleURL is one published article: its number (first is 1) and URL.
type ArticleURL struct {
	Idx        int    `json:"idx"`
	ArticleURL string `json:"article_url"`
}

type publishIDBody struct {
	PublishID string `json:"publish_id"`
}

// GetPublishStatus is 发布状态查询 (POST /cgi-bin/freepublish/get).
func (s *Service) GetPublishStatus(ctx context.Context, publishID string) (*PublishStatus, error) {
	if err := requireID("media.GetPublishStatus", "publish_id", publishID); err != nil {
		return nil, err
	}
	var out PublishStatus
	err := s.do(ctx, &mp.Request{Method: "POST", Path: "/cgi-bin/freepublish/get", Body: publishIDBody{PublishID: publishID}, Idempotent: true}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// PublishError reports a publish job that ended in a state other than
// success (see [Service.WaitPublished]).
type PublishError struct {
	PublishID string
	Status    PublishState
	FailIdx   []int // the failed articles, first is 1
}

func (e *PublishError) Error() string {
	msg := fmt.Sprintf("media: publish job %s ended with status %d (%s)", e.PublishID, int(e.Status), e.Status)
	if len(e.FailIdx) > 0 {
		msg += fmt.Sprintf(", failed articles %v", e.FailIdx)
	}
	return msg
}

// DefaultPollInterval is the wait between polls of WaitPublished when the
// caller passes no interval.
const DefaultPollInterval = 3 * time.Second

// WaitPublished polls 发布状态查询 every interval (DefaultPollInterval when
// interval <= 0) until the job leaves the publishing state. It returns the
// final status with a nil error on success, and with a *PublishError for
// any other state. Cancelling ctx stops the wait: the last status seen is
// returned with ctx's error. API errors are returned as they are.
func (s *Service) WaitPublished(ctx context.Context, publishID string, interval time.Duration) (*PublishStatus, error) {
	if err := requireID("media.WaitPublished", "publish_id", publishID); err != nil {
		return nil, err
	}
	if interval <= 0 {
		interval = DefaultPollInterval
	}
	for {
		st, err := s.GetPublishStatus(ctx, publishID)
		if err != nil {
			return nil, err
		}
		switch st.Status {
		case Publishing:
		case PublishSuccess:
			return st, nil
		default:
			return st, &PublishError{PublishID: publishID, Status: st.Status, FailIdx: st.FailIdx}
		}
		if err := s.sleep(ctx, interval); err != nil {
			return st, err
		}
	}
}

// PublishedArticle is the answer of 获取已发布图文信息.
type PublishedArticle struct {
	NewsItem []Article `json:"news_item"`
}

type articleIDBody struct {
	ArticleID string `json:"article_id"`
}

// GetArticle is 获取已发布图文信息 (POST /cgi-bin/freepublish/getarticle).
func (s *Service) GetArticle(ctx context.Context, articleID string) (*PublishedArticle, error) {
	if err := requireID("media.GetArticle", "article_id", articleID); err != nil {
		return nil, err
	}
	var out PublishedArticle
	err := s.do(ctx, &mp.Request{Method: "POST", Path: "/cgi-bin/freepublish/getarticle", Body: articleIDBody{ArticleID: articleID}, Idempotent: true}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// PublishedList is one page of 获取已发布的消息列表.
type PublishedList struct {
	TotalCount int             `json:"total_count"`
	ItemCount  int             `json:"item_count"`
	Item       []PublishedItem `json:"item"`
}

// PublishedItem is one published message.
type PublishedItem struct {
	ArticleID  string      `json:"article_id"`
	Content    NewsContent `json:"content"`
	UpdateTime Timestamp   `json:"update_time"`
}

// ListPublished is 获取已发布的消息列表 (POST /cgi-bin/freepublish/batchget):
// count (1 to 20) published messages from offset; noContent leaves the
// articles' content out.
func (s *Service) ListPublished(ctx context.Context, offset, count int, noContent bool) (*PublishedList, error) {
	if err := checkPage("media.ListPublished", offset, count); err != nil {
		return nil, err
	}
	var out PublishedList
	err := s.do(ctx, &mp.Request{
		Method: "POST", Path: "/cgi-bin/freepublish/batchget",
		Body: pageRequest{Offset: offset, Count: count, NoContent: boolInt(noContent)}, Idempotent: true,
	}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// AllPublished walks every published message, 20 per call, holding one page
// in memory. It stops when the consumer breaks and yields an error once,
// then stops.
func (s *Service) AllPublished(ctx context.Context, noContent bool) iter.Seq2[PublishedItem, error] {
	return paginate(func(offset int) ([]PublishedItem, int, error) {
		l, err := s.ListPublished(ctx, offset, MaxPageSize, noContent)
		if err != nil {
			return nil, 0, err
		}
		return l.Item, l.TotalCount, nil
	})
}

type deletePublishedRequest struct {
	ArticleID string `json:"article_id"`
	Index     int    `json:"index"`
}

// DeletePublished is 删除发布文章 (POST /cgi-bin/freepublish/delete): it
// deletes the article at index (the first is 1) of publication articleID,
// or all its articles when index is 0. It cannot be undone.
func (s *Service) DeletePublished(ctx context.Context, articleID string, index int) error {
	const op = "media.DeletePublished"
	if err := requireID(op, "article_id", articleID); err != nil {
		return err
	}
	if index < 0 {
		return invalid(op, "index", "must not be negative (0 deletes every article)")
	}
	return s.do(ctx, &mp.Request{
		Method: "POST", Path: "/cgi-bin/freepublish/delete",
		Body: deletePublishedRequest{ArticleID: articleID, Index: index},
	}, nil)
}
