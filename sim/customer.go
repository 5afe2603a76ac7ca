package sim

import (
	"slices"
	"strings"
	"time"
)

type kfAccount struct {
	Account string `json:"kf_account"`
	Nick    string `json:"kf_nick"`
	ID      string `json:"kf_id"`
	HeadImg string `json:"kf_headimgurl"`
	Wx      string `json:"kf_wx,omitempty"`
	// A waiting invitation of kfaccount/inviteworker.
	InviteWx     string `json:"invite_wx,omitempty"`
	InviteExpire int64  `json:"invite_expire_time,omitempty"`
	InviteStatus string `json:"invite_status,omitempty"`
}

type mediaRef struct {
	MediaID string `json:"media_id"`
}

type customReq struct {
	ToUser  string `json:"touser"`
	MsgType string `json:"msgtype"`
	Text    *struct {
		Content string `json:"content"`
	} `json:"text"`
	Image *mediaRef `json:"image"`
	Voice *mediaRef `json:"voice"`
	Video *struct {
		MediaID      string `json:"media_id"`
		ThumbMediaID string `json:"thumb_media_id"`
		Title        string `json:"title"`
		Description  string `json:"description"`
	} `json:"video"`
	Music *struct {
		Title        string `json:"title"`
		Description  string `json:"description"`
		MusicURL     string `json:"musicurl"`
		HQMusicURL   string `json:"hqmusicurl"`
		ThumbMediaID string `json:"thumb_media_id"`
	} `json:"music"`
	News *struct {
		Articles []struct {
			Title       string `json:"title"`
			Description string `json:"description"`
			URL         string `json:"url"`
			PicURL      string `json:"picurl"`
		} `json:"articles"`
	} `json:"news"`
	MpNews        *mediaRef `json:"mpnews"`
	MpNewsArticle *struct {
		ArticleID string `json:"article_id"`
	} `json:"mpnewsarticle"`
	MsgMenu *struct {
		HeadContent string `json:"head_content"`
		List        []struct {
			ID      string `json:"id"`
			Content string `json:"content"`
		} `json:"list"`
		TailContent string `json:"tail_content"`
	} `json:"msgmenu"`
	WxCard *struct {
		CardID string `json:"card_id"`
	} `json:"wxcard"`
	MiniProgramPage *struct {
		Title        string `json:"title"`
		AppID        string `json:"appid"`
		PagePath     string `json:"pagepath"`
		ThumbMediaID string `json:"thumb_media_id"`
	} `json:"miniprogrampage"`
	CustomService *struct {
		KfAccount string `json:"kf_account"`
	} `json:"customservice"`
}

// checkCustomLocked validates the payload of a customer-service message and
// returns the delivery it makes (without Kind/Time) or an errcode. s.mu held.
func (s *Sim) checkCustomLocked(r *customReq) (Delivery, int) {
	d := Delivery{MsgType: r.MsgType}
	media := func(id string) int {
		if id == "" {
			return 41006
		}
		if !s.mediaExistsLocked(id) {
			return 40007
		}
		return 0
	}
	switch r.MsgType {
	case "text":
		if r.Text == nil || r.Text.Content == "" {
			return d, 44004
		}
		if len(r.Text.Content) > 2048 {
			return d, 45002
		}
		d.Content = r.Text.Content
	case "image", "voice":
		m := r.Image
		if r.MsgType == "voice" {
			m = r.Voice
		}
		if m == nil {
			return d, 41006
		}
		if code := media(m.MediaID); code != 0 {
			return d, code
		}
		d.MediaID = m.MediaID
	case "video":
		if r.Video == nil {
			return d, 41006
		}
		if code := media(r.Video.MediaID); code != 0 {
			return d, code
		}
		d.MediaID, d.Content = r.Video.MediaID, r.Video.Title
	case "music":
		if r.Music == nil {
			return d, 41006
		}
		if code := media(r.Music.ThumbMediaID); code != 0 {
			return d, code
		}
		d.MediaID, d.Content = r.Music.ThumbMediaID, r.Music.Title
	case "news":
		if r.News == nil || len(r.News.Articles) == 0 {
			return d, 44003
		}
		if len(r.News.Articles) > 1 {
			return d, 45008
		}
		d.Content, d.URL = r.News.Articles[0].Title, r.News.Articles[0].URL
	case "mpnews":
		if r.MpNews == nil {
			return d, 41006
		}
		if code := media(r.MpNews.MediaID); code != 0 {
			return d, code
		}
		d.MediaID = r.MpNews.MediaID
	case "mpnewsarticle":
		if r.MpNewsArticle == nil || r.MpNewsArticle.ArticleID == "" {
			return d, 53600
		}
		if _, ok := s.articles[r.MpNewsArticle.ArticleID]; !ok {
			return d, 53600
		}
		d.Content = r.MpNewsArticle.ArticleID
	case "msgmenu":
		if r.MsgMenu == nil || len(r.MsgMenu.List) == 0 {
			return d, 44004
		}
		parts := []string{r.MsgMenu.HeadContent}
		for _, it := range r.MsgMenu.List {
			parts = append(parts, it.Content)
		}
		parts = append(parts, r.MsgMenu.TailContent)
		d.Content = strings.Join(parts, "\n")
	case "wxcard":
		if r.WxCard == nil || r.WxCard.CardID == "" {
			return d, 40097
		}
		d.Content = r.WxCard.CardID
	case "miniprogrampage":
		if r.MiniProgramPage == nil || r.MiniProgramPage.AppID == "" || r.MiniProgramPage.PagePath == "" {
			return d, 40097
		}
		if code := media(r.MiniProgramPage.ThumbMediaID); code != 0 {
			return d, code
		}
		d.Content, d.MediaID = r.MiniProgramPage.Title, r.MiniProgramPage.ThumbMediaID
	default:
		return d, 40008
	}
	return d, 0
}

// windowOpenLocked reports whether u follows and interacted within the
// 48-hour customer-service window. s.mu held.
func windowOpenLocked(u *userState, now time.Time) bool {
	return u.subscribed && !u.lastActive.IsZero() && now.Sub(u.lastActive) <= CustomerServiceWindow
}

// lockUser locks s.mu and returns the user openid; for an unknown user it
// answers 40003 and unlocks. When it reports true the caller unlocks.
func (s *Sim) lockUser(c *call, openid string) (*userState, bool) {
	s.mu.Lock()
	u, ok := s.users[openid]
	if !ok {
		s.mu.Unlock()
		c.fail(40003)
		return nil, false
	}
	return u, true
}

// handleCustomSend serves POST /cgi-bin/message/custom/send (客服接口-发消息)
// for every documented msgtype. The follower must follow and have
// interacted (sent a message, followed, scanned a QR code, clicked a click
// button) within 48 hours, else 45015.
func (s *Sim) handleCustomSend(c *call) {
	var req customReq
	raw, ok := c.decodeBody(&req)
	if !ok {
		return
	}
	u, ok := s.lockUser(c, req.ToUser)
	if !ok {
		return
	}
	defer s.mu.Unlock()
	d, code := s.checkCustomLocked(&req)
	if code != 0 {
		c.fail(code)
		return
	}
	if req.CustomService != nil && req.CustomService.KfAccount != "" &&
		!slices.ContainsFunc(s.kfAccounts, func(k kfAccount) bool { return k.Account == req.CustomService.KfAccount }) {
		c.fail(65404)
		return
	}
	if !windowOpenLocked(u, c.now) {
		c.fail(45015)
		return
	}
	d.Kind, d.Time, d.Raw = DeliveryCustom, c.now, raw
	s.deliverLocked(u, d)
	worker := ""
	if req.CustomService != nil {
		worker = req.CustomService.KfAccount
	}
	s.kfOnCustomSendLocked(u, worker, d, c.now)
	c.ok()
}

// handleCustomTyping serves POST /cgi-bin/message/custom/typing (客服输入状态):
// command Typing or CancelTyping, within the 48-hour window (45015).
func (s *Sim) handleCustomTyping(c *call) {
	var req struct {
		ToUser  string `json:"touser"`
		Command string `json:"command"`
	}
	if !c.decode(&req) {
		return
	}
	if req.Command != "Typing" && req.Command != "CancelTyping" {
		c.fail(40097)
		return
	}
	u, ok := s.lockUser(c, req.ToUser)
	if !ok {
		return
	}
	defer s.mu.Unlock()
	if !windowOpenLocked(u, c.now) {
		c.fail(45015)
		return
	}
	c.ok()
}

// handleKfList serves GET /cgi-bin/customservice/getkflist (获取客服基本信息).
func (s *Sim) handleKfList(c *call) {
	s.mu.Lock()
	list := append([]kfAccount{}, s.kfAccounts...)
	s.mu.Unlock()
	c.json(map[string]any{"kf_list": list})
}

// handleKfAdd serves POST /customservice/kfaccount/add (添加客服账号):
// kf_account is "prefix@account" (65404), nickname up to 16 characters
// (65403), at most 100 accounts (65405), unique (65406).
func (s *Sim) handleKfAdd(c *call) {
	var req struct {
		KfAccount string `json:"kf_account"`
		Nickname  string `json:"nickname"`
	}
	if !c.decode(&req) {
		return
	}
	at := strings.IndexByte(req.KfAccount, '@')
	if at <= 0 || at == len(req.KfAccount)-1 || len(req.KfAccount[:at]) > 10 {
		c.fail(65404)
		return
	}
	if n := len([]rune(req.Nickname)); n == 0 || n > 16 {
		c.fail(65403)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if slices.ContainsFunc(s.kfAccounts, func(k kfAccount) bool { return k.Account == req.KfAccount }) {
		c.fail(65406)
		return
	}
	if len(s.kfAccounts) >= 100 {
		c.fail(65405)
		return
	}
	s.kfAccounts = append(s.kfAccounts, kfAccount{Account: req.KfAccount, Nick: req.Nickname, ID: itoa(int64(1001 + len(s.kfAccounts)))})
	c.ok()
}
