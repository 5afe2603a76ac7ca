package media

import (
	"context"
	"fmt"
	"iter"

	"github.com/wxkit/mp"
)

// DraftRef is the answer of 新增草稿: the draft's media_id.
type DraftRef struct {
	MediaID string `json:"media_id"`
}

type draftAddRequest struct {
	Articles []Article `json:"articles"`
}

// AddDraft is 新增草稿 (POST /cgi-bin/draft/add): it saves one or more
// articles as a draft and returns its media_id, to publish with
// [Service.Publish]. Each article is checked against the documented limits
// first (title, content and cover required; title 32, author 16, digest 128
// characters; newspic articles 1 to 20 images).
func (s *Service) AddDraft(ctx context.Context, articles ...Article) (*DraftRef, error) {
	const op = "media.AddDraft"
	if len(articles) == 0 {
		return nil, invalid(op, "articles", "at least one article is required")
	}
	for i := range articles {
		if err := articles[i].validate(op, fmt.Sprintf("articles[%d]", i)); err != nil {
			return nil, err
		}
	}
	var out DraftRef
	if err := s.do(ctx, &mp.Request{Method: "POST", Path: "/cgi-bin/draft/add", Body: draftAddRequest{Articles: articles}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Draft is the answer of 获取草稿详情.
type Draft struct {
	NewsItem []Article `json:"news_item"`
}

// GetDraft is 获取草稿详情 (POST /cgi-bin/draft/get).
func (s *Service) GetDraft(ctx context.Context, mediaID string) (*Draft, error) {
	if err := requireID("media.GetDraft", "media_id", mediaID); err != nil {
		return nil, err
	}
	var out Draft
	err := s.do(ctx, &mp.Request{Method: "POST", Path: "/cgi-bin/draft/get", Body: mediaIDBody{MediaID: mediaID}, Idempotent: true}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

type draftUpdateRequest struct {
	MediaID  string  `json:"media_id"`
	Index    int     `json:"index"`
	Articles Article `json:"articles"`
}

// UpdateDraft is 更新草稿 (POST /cgi-bin/draft/update): it replaces the
// article at index (the first is 0) of draft mediaID.
func (s *Service) UpdateDraft(ctx context.Context, mediaID string, index int, article Article) error {
	const op = "media.UpdateDraft"
	if err := requireID(op, "media_id", mediaID); err != nil {
		return err
	}
	if index < 0 {
		return invalid(op, "index", "must not be negative")
	}
	if err := article.validate(op, "articles"); err != nil {
		return err
	}
	// Writing the same article twice leaves the same draft: safe to retry.
	return s.do(ctx, &mp.Request{
		Method: "POST", Path: "/cgi-bin/draft/update",
		Body: draftUpdateRequest{MediaID: mediaID, Index: index, Articles: article}, Idempotent: true,
	}, nil)
}

// DeleteDraft is 删除草稿 (POST /cgi-bin/draft/delete). It cannot be undone.
func (s *Service) DeleteDraft(ctx context.Context, mediaID string) error {
	if err := requireID("media.DeleteDraft", "media_id", mediaID); err != nil {
		return err
	}
	return s.do(ctx, &mp.Request{Method: "POST", Path: "/cgi-bin/draft/delete", Body: mediaIDBody{MediaID: mediaID}}, nil)
}

// DraftCount is the answer of 获取草稿的总数.
type DraftCount struct {
	TotalCount int `json:"total_count"`
}

// CountDrafts is 获取草稿的总数 (GET /cgi-bin/draft/count).
func (s *Service) CountDrafts(ctx context.Context) (*DraftCount, error) {
	var out DraftCount
	if err := s.do(ctx, &mp.Request{Method: "GET", Path: "/cgi-bin/draft/count"}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DraftList is one page of 获取草稿列表.
type DraftList struct {
	TotalCount int         `json:"total_count"`
	ItemCount  int         `json:"item_count"`
	Item       []DraftItem `json:"item"`
}

// DraftItem is one draft of a list.
type DraftItem struct {
	MediaID    string      `json:"media_id"`
	Content    NewsContent `json:"content"`
	UpdateTime Timestamp   `json:"update_time"`
}

type pageRequest struct {
	Offset    int `json:"offset"`
	Count     int `json:"count"`
	NoContent int `json:"no_content"`
}

// ListDrafts is 获取草稿列表 (POST /cgi-bin/draft/batchget): count (1 to 20)
// drafts from offset; noContent leaves the articles' content out.
func (s *Service) ListDrafts(ctx context.Context, offset, count int, noContent bool) (*DraftList, error) {
	if err := checkPage("media.ListDrafts", offset, count); err != nil {
		return nil, err
	}
	var out DraftList
	err := s.do(ctx, &mp.Request{
		Method: "POST", Path: "/cgi-bin/draft/batchget",
		Body: pageRequest{Offset: offset, Count: count, NoContent: boolInt(noContent)}, Idempotent: true,
	}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// AllDrafts walks every draft, 20 per call, holding one page in memory. It
// stops when the consumer breaks and yields an error once, then stops.
func (s *Service) AllDrafts(ctx context.Context, noContent bool) iter.Seq2[DraftItem, error] {
	return paginate(func(offset int) ([]DraftItem, int, error) {
		l, err := s.ListDrafts(ctx, offset, MaxPageSize, noContent)
		if err != nil {
			return nil, 0, err
		}
		return l.Item, l.TotalCount, nil
	})
}
