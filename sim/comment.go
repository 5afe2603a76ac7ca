package sim

import (
	"context"
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// Errcodes of 图文消息留言管理.
func init() {
	registerErrMsgs(map[int]string{
		88000: "without comment privilege",
		88001: "msg_data is not exists",
		88002: "the article is limit for safety",
		88003: "elected comment upper limit",
		88004: "comment was deleted by user",
		88005: "already reply",
		88007: "reply content beyond max len or content len is zero",
		88008: "comment is not exists",
		88009: "reply is not exists",
		88010: "count range error",
	})
	registerRoutes(func(s *Sim) map[string]route {
		return map[string]route{
			"/cgi-bin/comment/open":         postRoute(true, s.handleCommentOpen),
			"/cgi-bin/comment/close":        postRoute(true, s.handleCommentClose),
			"/cgi-bin/comment/list":         postRoute(true, s.handleCommentList),
			"/cgi-bin/comment/markelect":    postRoute(true, s.handleCommentElect),
			"/cgi-bin/comment/unmarkelect":  postRoute(true, s.handleCommentUnelect),
			"/cgi-bin/comment/delete":       postRoute(true, s.handleCommentDelete),
			"/cgi-bin/comment/reply/add":    postRoute(true, s.handleCommentReplyAdd),
			"/cgi-bin/comment/reply/delete": postRoute(true, s.handleCommentReplyDelete),
		}
	})
}

// Follower comment errors.
var (
	// ErrCommentsClosed: the article's comments are not open.
	ErrCommentsClosed = errors.New("sim: comments are not open on this article")
	// ErrUnknownArticle: no published article with that msg_data_id and index.
	ErrUnknownArticle = errors.New("sim: no published article with that msg_data_id and index")
)

// Limits of 留言管理.
const (
	MaxCommentListCount = 50  // count of comment/list
	MaxReplyLength      = 600 // characters of a reply (a documented bound used here)
)

type commentThread struct {
	open     bool
	comments []*simComment
	nextID   int64
}

type simComment struct {
	id        int64
	openid    string
	name      string
	content   string
	created   int64
	elected   bool
	deleted   bool
	reply     string
	replyTime int64
}

// Comment is a follower's comment (留言) on a published article, as the
// chat page and tests see it.
type Comment struct {
	ID        int64  // user_comment_id
	OpenID    string // the commenter
	Name      string // the commenter's nickname
	Content   string
	Elected   bool   // 精选
	Reply     string // the account's reply, if any
	CreatedAt int64  // Unix seconds
}

// PublishedArticle is one article of a publication (发布能力), whose
// comments 留言管理 addresses by msg_data_id (the publish_id here) and index
// (0-based place in the publication).
type PublishedArticle struct {
	MsgDataID    int64
	Index        int
	Title        string
	URL          string
	CommentsOpen bool
}

func threadKey(msgDataID int64, index int) string { return itoa(msgDataID) + "_" + itoa(int64(index)) }

// PublishedArticles lists the published, undeleted articles in publication
// order.
func (s *Sim) PublishedArticles() []PublishedArticle {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []PublishedArticle
	for _, aid := range s.pubOrder {
		p := s.articles[aid]
		if p == nil {
			continue
		}
		id, _ := parseInt64(p.publishID)
		for i, a := range p.articles {
			if p.deleted[i] {
				continue
			}
			s.insight.mu.Lock()
			open := s.threadLocked(id, i).open
			s.insight.mu.Unlock()
			out = append(out, PublishedArticle{MsgDataID: id, Index: i, Title: a.Title, URL: a.URL, CommentsOpen: open})
		}
	}
	return out
}

func parseInt64(s string) (int64, bool) {
	var n int64
	if s == "" {
		return 0, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int64(r-'0')
	}
	return n, true
}

// articleExistsLocked reports whether msgDataID/index is a published,
// undeleted article. s.mu held.
func (s *Sim) articleExistsLocked(msgDataID int64, index int) bool {
	p, ok := s.publishes[itoa(msgDataID)]
	return ok && index >= 0 && index < len(p.articles) && !p.deleted[index]
}

// Comments returns the comments on an article, oldest first, without the
// deleted ones.
func (s *Sim) Comments(msgDataID int64, index int) []Comment {
	in := s.insight
	in.mu.Lock()
	defer in.mu.Unlock()
	t := in.threads[threadKey(msgDataID, index)]
	if t == nil {
		return nil
	}
	var out []Comment
	for _, c := range t.comments {
		if !c.deleted {
			out = append(out, Comment{ID: c.id, OpenID: c.openid, Name: c.name, Content: c.content, Elected: c.elected, Reply: c.reply, CreatedAt: c.created})
		}
	}
	return out
}

// Comment posts a comment (留言) on a published article whose comments are
// open; it returns the user_comment_id.
func (f *Follower) Comment(ctx context.Context, msgDataID int64, index int, content string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if content == "" {
		return 0, errors.New("sim: empty comment")
	}
	s := f.s
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, ErrClosed
	}
	if !s.articleExistsLocked(msgDataID, index) {
		return 0, ErrUnknownArticle
	}
	in := s.insight
	in.mu.Lock()
	defer in.mu.Unlock()
	t := s.threadLocked(msgDataID, index)
	if !t.open {
		return 0, ErrCommentsClosed
	}
	t.nextID++
	t.comments = append(t.comments, &simComment{id: t.nextID, openid: f.openid, name: f.name, content: content, created: now.Unix()})
	in.dayLocked(now).comments++
	return t.nextID, nil
}

type commentReq struct {
	MsgDataID     json.Number `json:"msg_data_id"`
	Index         int         `json:"index"`
	UserCommentID int64       `json:"user_comment_id"`
	Begin         int         `json:"begin"`
	Count         int         `json:"count"`
	Type          int         `json:"type"`
	Content       string      `json:"content"`
}

// thread decodes a comment request and finds its article (88001) and its
// thread; the caller holds both locks while using it and must call unlock.
func (s *Sim) thread(c *call, req *commentReq) (t *commentThread, unlock func(), ok bool) {
	if !c.decode(req) {
		return nil, nil, false
	}
	id, err := req.MsgDataID.Int64()
	if err != nil {
		c.fail(88001)
		return nil, nil, false
	}
	s.mu.Lock()
	if !s.articleExistsLocked(id, req.Index) {
		s.mu.Unlock()
		c.fail(88001)
		return nil, nil, false
	}
	in := s.insight
	in.mu.Lock()
	return s.threadLocked(id, req.Index), func() { in.mu.Unlock(); s.mu.Unlock() }, true
}

// threadLocked returns the comments of a published article, created on
// first use: open when the article was published with need_open_comment.
// s.mu and s.insight.mu held; the article exists.
func (s *Sim) threadLocked(msgDataID int64, index int) *commentThread {
	k := threadKey(msgDataID, index)
	t := s.insight.threads[k]
	if t == nil {
		t = &commentThread{}
		if p, ok := s.publishes[itoa(msgDataID)]; ok && index >= 0 && index < len(p.articles) {
			t.open = p.articles[index].NeedOpenComment == 1
		}
		s.insight.threads[k] = t
	}
	return t
}

// PublishArticle publishes one article at once, as the account's operator
// would in the mp.weixin.qq.com backend (发表), with comments open when
// openComments is set; it returns the article as 留言管理 addresses it.
func (s *Sim) PublishArticle(title, content string, openComments bool) PublishedArticle {
	s.mu.Lock()
	defer s.mu.Unlock()
	thumb := s.newMediaLocked("thumb", "thumb.jpg", []byte{0xFF, 0xD8, 0xFF, 0xD9}, true)
	p := &publication{publishID: itoa(s.nextSeq() % 10000000000), articleID: randText(43), updated: s.now()}
	a := article{Title: title, Content: content, ThumbMediaID: thumb.id, ThumbURL: thumb.url(s.URL)}
	if openComments {
		a.NeedOpenComment = 1
	}
	a.URL = s.URL + "/s?__biz=sim&mid=" + p.publishID + "&idx=1"
	p.articles = []article{a}
	p.deleted = []bool{false}
	s.publishes[p.publishID] = p
	s.articles[p.articleID] = p
	s.pubOrder = append(s.pubOrder, p.articleID)
	id, _ := parseInt64(p.publishID)
	return PublishedArticle{MsgDataID: id, Index: 0, Title: title, URL: a.URL, CommentsOpen: openComments}
}

func (t *commentThread) find(c *call, id int64) (*simComment, bool) {
	for _, cm := range t.comments {
		if cm.id == id {
			if cm.deleted {
				c.fail(88004)
				return nil, false
			}
			return cm, true
		}
	}
	c.fail(88008)
	return nil, false
}

func (s *Sim) setCommentsOpen(c *call, open bool) {
	var req commentReq
	t, unlock, ok := s.thread(c, &req)
	if !ok {
		return
	}
	t.open = open
	unlock()
	c.ok()
}

// handleCommentOpen serves POST /cgi-bin/comment/open (打开已群发文章评论).
func (s *Sim) handleCommentOpen(c *call) { s.setCommentsOpen(c, true) }

// handleCommentClose serves POST /cgi-bin/comment/close (关闭已群发文章评论).
func (s *Sim) handleCommentClose(c *call) { s.setCommentsOpen(c, false) }

// handleCommentList serves POST /cgi-bin/comment/list (查看指定文章的评论数据):
// type 0 all, 1 normal, 2 elected; count 1..50 (88010).
func (s *Sim) handleCommentList(c *call) {
	var req commentReq
	t, unlock, ok := s.thread(c, &req)
	if !ok {
		return
	}
	defer unlock()
	if req.Count < 1 || req.Count > MaxCommentListCount || req.Begin < 0 || req.Type < 0 || req.Type > 2 {
		c.fail(88010)
		return
	}
	var all []map[string]any
	for _, cm := range t.comments {
		if cm.deleted || (req.Type == 1 && cm.elected) || (req.Type == 2 && !cm.elected) {
			continue
		}
		typ := 0
		if cm.elected {
			typ = 1
		}
		item := map[string]any{"user_comment_id": cm.id, "openid": cm.openid, "create_time": cm.created,
			"content": cm.content, "comment_type": typ}
		if cm.reply != "" {
			item["reply"] = map[string]any{"content": cm.reply, "create_time": cm.replyTime}
		}
		all = append(all, item)
	}
	page := []map[string]any{}
	if req.Begin < len(all) {
		page = all[req.Begin:min(len(all), req.Begin+req.Count)]
	}
	c.json(map[string]any{"errcode": 0, "errmsg": "ok", "total": len(all), "comment": page})
}

func (s *Sim) onComment(c *call, f func(t *commentThread, cm *simComment, req *commentReq) int) {
	var req commentReq
	t, unlock, ok := s.thread(c, &req)
	if !ok {
		return
	}
	defer unlock()
	cm, ok := t.find(c, req.UserCommentID)
	if !ok {
		return
	}
	if code := f(t, cm, &req); code != 0 {
		c.fail(code)
		return
	}
	c.ok()
}

// handleCommentElect serves POST /cgi-bin/comment/markelect (将评论标记精选).
func (s *Sim) handleCommentElect(c *call) {
	s.onComment(c, func(_ *commentThread, cm *simComment, _ *commentReq) int { cm.elected = true; return 0 })
}

// handleCommentUnelect serves POST /cgi-bin/comment/unmarkelect (将评论取消精选).
func (s *Sim) handleCommentUnelect(c *call) {
	s.onComment(c, func(_ *commentThread, cm *simComment, _ *commentReq) int { cm.elected = false; return 0 })
}

// handleCommentDelete serves POST /cgi-bin/comment/delete (删除评论).
func (s *Sim) handleCommentDelete(c *call) {
	s.onComment(c, func(_ *commentThread, cm *simComment, _ *commentReq) int { cm.deleted = true; return 0 })
}

// handleCommentReplyAdd serves POST /cgi-bin/comment/reply/add (回复评论):
// one reply per comment (88005), 1..MaxReplyLength characters (88007).
func (s *Sim) handleCommentReplyAdd(c *call) {
	s.onComment(c, func(_ *commentThread, cm *simComment, req *commentReq) int {
		switch n := utf8.RuneCountInString(req.Content); {
		case n == 0 || n > MaxReplyLength:
			return 88007
		case cm.reply != "":
			return 88005
		}
		cm.reply, cm.replyTime = req.Content, c.now.Unix()
		return 0
	})
}

// handleCommentReplyDelete serves POST /cgi-bin/comment/reply/delete (删除回复).
func (s *Sim) handleCommentReplyDelete(c *call) {
	s.onComment(c, func(_ *commentThread, cm *simComment, _ *commentReq) int {
		if cm.reply == "" {
			return 88009
		}
		cm.reply, cm.replyTime = "", 0
		return 0
	})
}
