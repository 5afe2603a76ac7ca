package user

import (
	"context"
	"iter"
	"strconv"

	"github.com/wxkit/mp"
)

// Tag is a user tag (用户标签) of the account.
type Tag struct {
	ID    int    `json:"id"`
	Name  string `json:"name"`
	Count int    `json:"count"` // fans with the tag; only filled by [Service.Tags]
}

// IsReserved reports whether id is one of the tags WeChat reserves (0, 1
// and 2), which can be neither renamed nor deleted (errcode 45058).
func IsReserved(id int) bool { return id >= 0 && id <= 2 }

type tagName struct {
	Name string `json:"name"`
}

type tagIDName struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

type tagID struct {
	ID int `json:"id"`
}

type tagBody[T any] struct {
	Tag T `json:"tag"`
}

func checkTagName(op, name string) error {
	if name == "" {
		return &mp.ValidationError{Op: op, Field: "tag.name", Reason: "is required"}
	}
	if n := len(name); n > MaxTagNameLength {
		return &mp.ValidationError{Op: op, Field: "tag.name", Reason: "is " + strconv.Itoa(n) + " bytes of UTF-8, the limit is 30 (45158)"}
	}
	return nil
}

func checkModifiable(op string, id int) error {
	switch {
	case id < 0:
		return &mp.ValidationError{Op: op, Field: "tag.id", Reason: "is negative"}
	case IsReserved(id):
		return &mp.ValidationError{Op: op, Field: "tag.id", Reason: "tags 0, 1 and 2 are reserved by WeChat and cannot be modified"}
	}
	return nil
}

// CreateTag creates a tag (创建标签, POST /cgi-bin/tags/create). The name is
// 1 to 30 bytes of UTF-8 (ten Chinese characters; 45158 beyond) and must
// differ from the other tags' (45157); an account has at most 100 tags
// (45056).
func (s *Service) CreateTag(ctx context.Context, name string) (*Tag, error) {
	if err := checkTagName("user.CreateTag", name); err != nil {
		return nil, err
	}
	var out tagBody[Tag]
	if err := s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/cgi-bin/tags/create",
		Body: tagBody[tagName]{Tag: tagName{Name: name}}}, &out); err != nil {
		return nil, err
	}
	return &out.Tag, nil
}

// Tags lists the account's tags with their fan counts (获取公众号已创建的标签,
// GET /cgi-bin/tags/get).
func (s *Service) Tags(ctx context.Context) ([]Tag, error) {
	var out struct {
		Tags []Tag `json:"tags"`
	}
	if err := s.c.Do(ctx, &mp.Request{Method: "GET", Path: "/cgi-bin/tags/get"}, &out); err != nil {
		return nil, err
	}
	return out.Tags, nil
}

// UpdateTag renames a tag (编辑标签, POST /cgi-bin/tags/update). The reserved
// tags 0, 1 and 2 cannot be renamed.
func (s *Service) UpdateTag(ctx context.Context, id int, name string) error {
	const op = "user.UpdateTag"
	if err := checkModifiable(op, id); err != nil {
		return err
	}
	if err := checkTagName(op, name); err != nil {
		return err
	}
	return s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/cgi-bin/tags/update",
		Body: tagBody[tagIDName]{Tag: tagIDName{ID: id, Name: name}}}, nil)
}

// DeleteTag deletes a tag and removes it from its fans (删除标签,
// POST /cgi-bin/tags/delete). The reserved tags 0, 1 and 2 cannot be
// deleted; a tag with more than 100,000 fans must be emptied with
// [Service.UntagUsers] first (45057).
func (s *Service) DeleteTag(ctx context.Context, id int) error {
	if err := checkModifiable("user.DeleteTag", id); err != nil {
		return err
	}
	return s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/cgi-bin/tags/delete",
		Body: tagBody[tagID]{Tag: tagID{ID: id}}}, nil)
}

type tagFansRequest struct {
	TagID      int    `json:"tagid"`
	NextOpenID string `json:"next_openid"`
}

// TagFans gets one page of the openids of a tag's fans (获取标签下粉丝列表,
// POST /cgi-bin/user/tag/get). nextOpenID is the NextOpenID of the previous
// page, empty for the first page. Total is not sent by this API.
func (s *Service) TagFans(ctx context.Context, tagID int, nextOpenID string) (*OpenIDList, error) {
	if tagID < 0 {
		return nil, &mp.ValidationError{Op: "user.TagFans", Field: "tagid", Reason: "is negative"}
	}
	var out OpenIDList
	if err := s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/cgi-bin/user/tag/get",
		Body: tagFansRequest{TagID: tagID, NextOpenID: nextOpenID}, Idempotent: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// AllTagFans iterates over the openids of all fans of a tag, one page of
// [Service.TagFans] at a time. On a failure it yields the error once and
// stops.
func (s *Service) AllTagFans(ctx context.Context, tagID int) iter.Seq2[string, error] {
	return allOpenIDs(ctx, func(ctx context.Context, cursor string) (*OpenIDList, error) {
		return s.TagFans(ctx, tagID, cursor)
	})
}

type taggingRequest struct {
	OpenIDList []string `json:"openid_list"`
	TagID      int      `json:"tagid"`
}

// TagUsers tags users (批量为用户打标签, POST /cgi-bin/tags/members/batchtagging).
// WeChat takes 50 openids per call: longer lists are sent in several calls,
// one after the other; a failure after the first is a *[BatchError]. A user
// has at most 20 tags (45059).
func (s *Service) TagUsers(ctx context.Context, tagID int, openIDs []string) error {
	return s.tagging(ctx, "user.TagUsers", "/cgi-bin/tags/members/batchtagging", tagID, openIDs)
}

// UntagUsers removes a tag from users (批量为用户取消标签,
// POST /cgi-bin/tags/members/batchuntagging), 50 openids per call like
// [Service.TagUsers].
func (s *Service) UntagUsers(ctx context.Context, tagID int, openIDs []string) error {
	return s.tagging(ctx, "user.UntagUsers", "/cgi-bin/tags/members/batchuntagging", tagID, openIDs)
}

func (s *Service) tagging(ctx context.Context, op, path string, tagID int, openIDs []string) error {
	if tagID < 0 {
		return &mp.ValidationError{Op: op, Field: "tagid", Reason: "is negative"}
	}
	if err := checkOpenIDs(op, openIDs); err != nil {
		return err
	}
	return inChunks(op, openIDs, MaxTagging, func(chunk []string) error {
		// Tagging is a set operation: repeating it leaves the same state.
		return s.c.Do(ctx, &mp.Request{Method: "POST", Path: path,
			Body: taggingRequest{OpenIDList: chunk, TagID: tagID}, Idempotent: true}, nil)
	})
}

type openIDRequest struct {
	OpenID string `json:"openid"`
}

// UserTagIDs lists the ids of a user's tags (获取用户身上的标签列表,
// POST /cgi-bin/tags/getidlist).
func (s *Service) UserTagIDs(ctx context.Context, openID string) ([]int, error) {
	if openID == "" {
		return nil, &mp.ValidationError{Op: "user.UserTagIDs", Field: "openid", Reason: "is required"}
	}
	var out struct {
		TagIDList []int `json:"tagid_list"`
	}
	if err := s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/cgi-bin/tags/getidlist",
		Body: openIDRequest{OpenID: openID}, Idempotent: true}, &out); err != nil {
		return nil, err
	}
	return out.TagIDList, nil
}
