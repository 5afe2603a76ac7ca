package comment

import (
	"context"
	"iter"
	"strconv"
	"unicode/utf8"

	"github.com/wxkit/mp"
)

// MaxCount is the largest page of List (count).
const MaxCount = 50

// Errcodes of 留言管理.
const (
	CodeNoPrivilege     mp.ErrorCode = 88000 // the account may not use comments
	CodeArticleNotFound mp.ErrorCode = 88001 // msg_data is not exists
	CodeArticleLimited  mp.ErrorCode = 88002 // the article is limited for safety
	CodeElectLimit      mp.ErrorCode = 88003 // elected comment upper limit
	CodeCommentDeleted  mp.ErrorCode = 88004 // the user deleted the comment
	CodeAlreadyReplied  mp.ErrorCode = 88005 // already replied
	CodeBadReplyContent mp.ErrorCode = 88007 // reply empty or too long
	CodeCommentNotFound mp.ErrorCode = 88008 // comment is not exists
	CodeReplyNotFound   mp.ErrorCode = 88009 // reply is not exists
	CodeCountRange      mp.ErrorCode = 88010 // count out of range
)

// Service is the comment API of one Official Account.
type Service struct {
	c *mp.Client
}

// New returns the comment API on c.
func New(c *mp.Client) *Service { return &Service{c: c} }

// Article addresses one article: MsgDataID of its mass send or publication,
// Index its 0-based place in it.
type Article struct {
	MsgDataID int64 `json:"msg_data_id"`
	Index     int   `json:"index"`
}

func (a Article) check(op string) error {
	switch {
	case a.MsgDataID <= 0:
		return &mp.ValidationError{Op: op, Field: "msg_data_id", Reason: "is required"}
	case a.Index < 0:
		return &mp.ValidationError{Op: op, Field: "index", Reason: "must not be negative"}
	}
	return nil
}

func (s *Service) post(ctx context.Context, op, path string, a Article, body any) error {
	if err := a.check(op); err != nil {
		return err
	}
	return s.c.Do(ctx, &mp.Request{Method: "POST", Path: path, Body: body}, nil)
}

// Open is 打开已群发文章评论 (POST /cgi-bin/comment/open).
func (s *Service) Open(ctx context.Context, a Article) error {
	return s.post(ctx, "comment.Open", "/cgi-bin/comment/open", a, a)
}

// Close is 关闭已群发文章评论 (POST /cgi-bin/comment/close).
func (s *Service) Close(ctx context.Context, a Article) error {
	return s.post(ctx, "comment.Close", "/cgi-bin/comment/close", a, a)
}

// Type selects the comments List returns (type).
type Type int

// Comment kinds.
const (
	TypeAll     Type = 0 // 普通评论和精选评论
	TypeNormal  Type = 1 // 普通评论
	TypeElected Type = 2 // 精选评论
)

// ListRequest is the body of 查看指定文章的评论数据.
type ListRequest struct {
	Article
	Begin int  `json:"begin"` // offset, from 0
	Count int  `json:"count"` // 1..50
	Type  Type `json:"type"`
}

// Reply is the account's reply to a comment.
type Reply struct {
	Content    string `json:"content"`
	CreateTime int64  `json:"create_time"`
}

// Comment is one comment (留言).
type Comment struct {
	UserCommentID int64  `json:"user_comment_id"`
	OpenID        string `json:"openid"`
	CreateTime    int64  `json:"create_time"`
	Content       string `json:"content"`
	// CommentType is 1 for an elected (精选) comment, 0 otherwise.
	CommentType int    `json:"comment_type"`
	Reply       *Reply `json:"reply,omitempty"`
}

// Elected reports whether the comment is elected (精选).
func (c Comment) Elected() bool { return c.CommentType == 1 }

// Page is one page of List.
type Page struct {
	Total    int       `json:"total"`
	Comments []Comment `json:"comment"`
}

// List is 查看指定文章的评论数据 (POST /cgi-bin/comment/list): Count comments
// from Begin.
func (s *Service) List(ctx context.Context, r *ListRequest) (*Page, error) {
	const op = "comment.List"
	switch {
	case r == nil:
		return nil, &mp.ValidationError{Op: op, Reason: "nil request"}
	case r.Count < 1 || r.Count > MaxCount:
		return nil, &mp.ValidationError{Op: op, Field: "count", Reason: strconv.Itoa(r.Count) + " is outside 1..50"}
	case r.Begin < 0:
		return nil, &mp.ValidationError{Op: op, Field: "begin", Reason: "must not be negative"}
	case r.Type < TypeAll || r.Type > TypeElected:
		return nil, &mp.ValidationError{Op: op, Field: "type", Reason: strconv.Itoa(int(r.Type)) + " is not 0, 1 or 2"}
	}
	if err := r.Article.check(op); err != nil {
		return nil, err
	}
	var out Page
	if err := s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/cgi-bin/comment/list", Body: r, Idempotent: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// All yields every comment of kind typ on a, one page of 50 after another,
// until Total is reached or a page comes back empty.
func (s *Service) All(ctx context.Context, a Article, typ Type) iter.Seq2[Comment, error] {
	return func(yield func(Comment, error) bool) {
		for begin := 0; ; {
			p, err := s.List(ctx, &ListRequest{Article: a, Begin: begin, Count: MaxCount, Type: typ})
			if err != nil {
				yield(Comment{}, err)
				return
			}
			for _, c := range p.Comments {
				if !yield(c, nil) {
					return
				}
			}
			begin += len(p.Comments)
			if len(p.Comments) == 0 || begin >= p.Total {
				return
			}
		}
	}
}

type commentRef struct {
	Article
	UserCommentID int64 `json:"user_comment_id"`
}

func (s *Service) onComment(ctx context.Context, op, path string, a Article, id int64) error {
	if id <= 0 {
		return &mp.ValidationError{Op: op, Field: "user_comment_id", Reason: "is required"}
	}
	return s.post(ctx, op, path, a, commentRef{a, id})
}

// Elect is 将评论标记精选 (POST /cgi-bin/comment/markelect).
func (s *Service) Elect(ctx context.Context, a Article, userCommentID int64) error {
	return s.onComment(ctx, "comment.Elect", "/cgi-bin/comment/markelect", a, userCommentID)
}

// Unelect is 将评论取消精选 (POST /cgi-bin/comment/unmarkelect).
func (s *Service) Unelect(ctx context.Context, a Article, userCommentID int64) error {
	return s.onComment(ctx, "comment.Unelect", "/cgi-bin/comment/unmarkelect", a, userCommentID)
}

// Delete is 删除评论 (POST /cgi-bin/comment/delete).
func (s *Service) Delete(ctx context.Context, a Article, userCommentID int64) error {
	return s.onComment(ctx, "comment.Delete", "/cgi-bin/comment/delete", a, userCommentID)
}

// Reply is 回复评论 (POST /cgi-bin/comment/reply/add): one reply per comment.
func (s *Service) Reply(ctx context.Context, a Article, userCommentID int64, content string) error {
	const op = "comment.Reply"
	if content == "" || !utf8.ValidString(content) {
		return &mp.ValidationError{Op: op, Field: "content", Reason: "must be non-empty UTF-8 text"}
	}
	if userCommentID <= 0 {
		return &mp.ValidationError{Op: op, Field: "user_comment_id", Reason: "is required"}
	}
	body := struct {
		commentRef
		Content string `json:"content"`
	}{commentRef{a, userCommentID}, content}
	return s.post(ctx, op, "/cgi-bin/comment/reply/add", a, body)
}

// DeleteReply is 删除回复 (POST /cgi-bin/comment/reply/delete).
func (s *Service) DeleteReply(ctx context.Context, a Article, userCommentID int64) error {
	return s.onComment(ctx, "comment.DeleteReply", "/cgi-bin/comment/reply/delete", a, userCommentID)
}
