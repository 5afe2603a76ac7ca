package autoreply

import (
	"context"

	"github.com/wxkit/mp"
)

// Service is the automatic-reply API of one Official Account.
type Service struct {
	c *mp.Client
}

// New returns the automatic-reply API on c.
func New(c *mp.Client) *Service { return &Service{c: c} }

// Flag is WeChat's 0/1 switch (0 未开启, 1 开启).
type Flag int

// On reports whether the switch is on.
func (f Flag) On() bool { return f == 1 }

// ReplyType is the type of a reply (and of a keyword, which is text).
type ReplyType string

// Reply types. The reply on follow and the default reply are text, img,
// voice or video; keyword rules may also reply news.
const (
	Text  ReplyType = "text"
	Image ReplyType = "img"
	Voice ReplyType = "voice"
	Video ReplyType = "video"
	News  ReplyType = "news"
)

// ReplyMode is how a keyword rule replies (reply_mode).
type ReplyMode string

// Reply modes.
const (
	ReplyAll       ReplyMode = "reply_all"  // 全部回复
	ReplyRandomOne ReplyMode = "random_one" // 随机回复其中一条
)

// MatchMode is how a keyword matches a message (match_mode).
type MatchMode string

// Match modes.
const (
	MatchContain MatchMode = "contain" // 消息中含有该关键词即可
	MatchEqual   MatchMode = "equal"   // 消息内容必须和关键词严格相同
)

// Info is the answer of 获取自动回复规则.
type Info struct {
	IsAddFriendReplyOpen Flag `json:"is_add_friend_reply_open"` // 关注后自动回复是否开启
	IsAutoreplyOpen      Flag `json:"is_autoreply_open"`        // 消息自动回复是否开启
	// AddFriendAutoreplyInfo is the reply on follow (关注后自动回复), nil
	// when none is set.
	AddFriendAutoreplyInfo *Reply `json:"add_friend_autoreply_info,omitempty"`
	// MessageDefaultAutoreplyInfo is the default reply to messages (消息
	// 自动回复), nil when none is set.
	MessageDefaultAutoreplyInfo *Reply `json:"message_default_autoreply_info,omitempty"`
	// KeywordAutoreplyInfo holds the keyword rules (关键词自动回复).
	KeywordAutoreplyInfo KeywordAutoreplyInfo `json:"keyword_autoreply_info"`
}

// KeywordAutoreplyInfo is the list of keyword rules.
type KeywordAutoreplyInfo struct {
	List []Rule `json:"list"`
}

// Rule is one keyword rule (关键词自动回复规则).
type Rule struct {
	RuleName   string    `json:"rule_name"`
	CreateTime int64     `json:"create_time"` // Unix seconds
	ReplyMode  ReplyMode `json:"reply_mode"`
	// KeywordListInfo lists the keywords that trigger the rule.
	KeywordListInfo []Keyword `json:"keyword_list_info"`
	// ReplyListInfo lists the replies (all of them, or one at random).
	ReplyListInfo []Reply `json:"reply_list_info"`
}

// Keyword is one keyword of a rule.
type Keyword struct {
	Type      ReplyType `json:"type"` // text
	MatchMode MatchMode `json:"match_mode"`
	Content   string    `json:"content"` // the keyword
}

// Reply is one automatic reply. Content is the text of a text reply and the
// media_id of img, voice and video replies (temporary media, valid 3 days;
// fetch them with 获取临时素材; the documentation's sample shows a video's
// URL instead); a news reply carries its articles in
// NewsInfo (permanent material) and, for a news material, its media_id in
// Content.
type Reply struct {
	Type     ReplyType `json:"type"`
	Content  string    `json:"content,omitempty"`
	NewsInfo *NewsInfo `json:"news_info,omitempty"`
}

// NewsInfo holds the articles of a news reply.
type NewsInfo struct {
	List []NewsItem `json:"list"`
}

// NewsItem is one article of a news reply.
type NewsItem struct {
	Title      string `json:"title"`
	Author     string `json:"author"`
	Digest     string `json:"digest"`
	ShowCover  Flag   `json:"show_cover"` // 是否显示封面
	CoverURL   string `json:"cover_url"`
	ContentURL string `json:"content_url"` // the article
	SourceURL  string `json:"source_url"`  // 阅读原文, "" when none
}

// Get reads the account's automatic-reply rules (获取自动回复规则,
// GET /cgi-bin/get_current_autoreply_info). Only rules set on the Official
// Accounts Platform website are returned.
func (s *Service) Get(ctx context.Context) (*Info, error) {
	var out Info
	if err := s.c.Do(ctx, &mp.Request{Method: "GET", Path: "/cgi-bin/get_current_autoreply_info"}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
