package sim

func init() {
	registerRoutes(func(s *Sim) map[string]route {
		return map[string]route{"/cgi-bin/get_current_autoreply_info": getRoute(true, s.handleAutoReplyInfo)}
	})
}

// AutoReplyInfo is the rule set GET /cgi-bin/get_current_autoreply_info
// (获取自动回复规则) answers: what the account set on the website. Set it
// with [Sim.SetAutoReplyInfo]; the default is [DefaultAutoReplyInfo].
type AutoReplyInfo struct {
	IsAddFriendReplyOpen        int                `json:"is_add_friend_reply_open"`
	IsAutoreplyOpen             int                `json:"is_autoreply_open"`
	AddFriendAutoreplyInfo      *AutoReply         `json:"add_friend_autoreply_info,omitempty"`
	MessageDefaultAutoreplyInfo *AutoReply         `json:"message_default_autoreply_info,omitempty"`
	KeywordAutoreplyInfo        KeywordAutoReplies `json:"keyword_autoreply_info"`
}

// KeywordAutoReplies holds the keyword rules (关键词自动回复).
type KeywordAutoReplies struct {
	List []AutoReplyRule `json:"list"`
}

// AutoReplyRule is one keyword rule; ReplyMode is reply_all or random_one.
type AutoReplyRule struct {
	RuleName        string             `json:"rule_name"`
	CreateTime      int64              `json:"create_time"`
	ReplyMode       string             `json:"reply_mode"`
	KeywordListInfo []AutoReplyKeyword `json:"keyword_list_info"`
	ReplyListInfo   []AutoReply        `json:"reply_list_info"`
}

// AutoReplyKeyword is a keyword; MatchMode is contain or equal.
type AutoReplyKeyword struct {
	Type      string `json:"type"`
	MatchMode string `json:"match_mode"`
	Content   string `json:"content"`
}

// AutoReply is one reply: Type text, img, voice, video or news.
type AutoReply struct {
	Type     string         `json:"type"`
	Content  string         `json:"content,omitempty"`
	NewsInfo *AutoReplyNews `json:"news_info,omitempty"`
}

// AutoReplyNews holds the articles of a news reply.
type AutoReplyNews struct {
	List []AutoReplyArticle `json:"list"`
}

// AutoReplyArticle is one article of a news reply.
type AutoReplyArticle struct {
	Title      string `json:"title"`
	Author     string `json:"author"`
	Digest     string `json:"digest"`
	ShowCover  int    `json:"show_cover"`
	CoverURL   string `json:"cover_url"`
	ContentURL string `json:"content_url"`
	SourceURL  string `json:"source_url"`
}

// DefaultAutoReplyInfo is the rule set a new simulator answers: both
// switches on, a text reply on follow and by default, and two keyword
// rules (a text rule matching "你好" exactly, a news rule on "新闻").
func DefaultAutoReplyInfo() AutoReplyInfo {
	return AutoReplyInfo{
		IsAddFriendReplyOpen:        1,
		IsAutoreplyOpen:             1,
		AddFriendAutoreplyInfo:      &AutoReply{Type: "text", Content: "感谢关注！"},
		MessageDefaultAutoreplyInfo: &AutoReply{Type: "text", Content: "您好，消息已收到。"},
		KeywordAutoreplyInfo: KeywordAutoReplies{List: []AutoReplyRule{
			{
				RuleName: "问候", CreateTime: 1700000000, ReplyMode: "random_one",
				KeywordListInfo: []AutoReplyKeyword{{Type: "text", MatchMode: "equal", Content: "你好"}},
				ReplyListInfo:   []AutoReply{{Type: "text", Content: "你好！"}, {Type: "text", Content: "您好！"}},
			},
			{
				RuleName: "新闻", CreateTime: 1700000100, ReplyMode: "reply_all",
				KeywordListInfo: []AutoReplyKeyword{{Type: "text", MatchMode: "contain", Content: "新闻"}},
				ReplyListInfo: []AutoReply{{Type: "news", NewsInfo: &AutoReplyNews{List: []AutoReplyArticle{{
					Title: "今日新闻", Author: "wxsim", Digest: "模拟器的图文回复", ShowCover: 1,
					CoverURL: "http://mmbiz.qpic.cn/sim/cover/0", ContentURL: "http://mp.weixin.qq.com/s?__biz=sim&mid=1&idx=1#rd",
				}}}}},
			},
		}},
	}
}

// SetAutoReplyInfo replaces the rule set get_current_autoreply_info
// answers (as if the account edited its rules on the website).
func (s *Sim) SetAutoReplyInfo(info AutoReplyInfo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.surfaceLocked().autoReply = &info
}

// handleAutoReplyInfo serves GET /cgi-bin/get_current_autoreply_info.
func (s *Sim) handleAutoReplyInfo(c *call) {
	s.mu.Lock()
	info := s.surfaceLocked().autoReply
	s.mu.Unlock()
	if info == nil {
		d := DefaultAutoReplyInfo()
		info = &d
	}
	c.json(info)
}
