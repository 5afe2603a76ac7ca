package sim

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Button is a custom menu button (自定义菜单按钮) as menu/create takes it.
type Button struct {
	Type      string   `json:"type,omitempty"`
	Name      string   `json:"name"`
	Key       string   `json:"key,omitempty"`
	URL       string   `json:"url,omitempty"`
	MediaID   string   `json:"media_id,omitempty"`
	AppID     string   `json:"appid,omitempty"`
	PagePath  string   `json:"pagepath,omitempty"`
	ArticleID string   `json:"article_id,omitempty"`
	SubButton []Button `json:"sub_button,omitempty"`
}

// MatchRule is the matchrule of a conditional menu (个性化菜单).
type MatchRule struct {
	TagID              string `json:"tag_id,omitempty"`
	Sex                string `json:"sex,omitempty"`
	Country            string `json:"country,omitempty"`
	Province           string `json:"province,omitempty"`
	City               string `json:"city,omitempty"`
	ClientPlatformType string `json:"client_platform_type,omitempty"`
	Language           string `json:"language,omitempty"`
}

func (m MatchRule) empty() bool { return m == MatchRule{} }

type menuDoc struct {
	id          int64
	conditional bool
	buttons     []Button
	rule        MatchRule
}

func (m *menuDoc) find(pred func(*Button) bool) *Button {
	var walk func([]Button) *Button
	walk = func(bs []Button) *Button {
		for i := range bs {
			if len(bs[i].SubButton) > 0 {
				if b := walk(bs[i].SubButton); b != nil {
					return b
				}
				continue
			}
			if pred(&bs[i]) {
				return &bs[i]
			}
		}
		return nil
	}
	return walk(m.buttons)
}

func cloneButtons(bs []Button) []Button {
	if bs == nil {
		return nil
	}
	out := make([]Button, len(bs))
	for i, b := range bs {
		out[i] = b
		out[i].SubButton = cloneButtons(b.SubButton)
	}
	return out
}

// Menu returns a copy of the current default menu (nil if none).
func (s *Sim) Menu() []Button {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.menu == nil {
		return nil
	}
	return cloneButtons(s.menu.buttons)
}

// Menu returns a copy of the menu this follower sees: the newest matching
// conditional menu, else the default menu (nil if none).
func (f *Follower) Menu() []Button {
	f.s.mu.Lock()
	defer f.s.mu.Unlock()
	m := f.s.menuForLocked(f.s.users[f.openid])
	if m == nil {
		return nil
	}
	return cloneButtons(m.buttons)
}

// menuForLocked picks the menu a user sees. s.mu held.
func (s *Sim) menuForLocked(u *userState) *menuDoc {
	if s.menu == nil {
		return nil
	}
	for i := len(s.condMenus) - 1; i >= 0; i-- {
		m := s.condMenus[i]
		if m.rule.TagID != "" {
			id, err := strconv.Atoi(m.rule.TagID)
			if err != nil || !slices.Contains(u.tags, id) {
				continue
			}
		}
		if m.rule.Sex != "" && m.rule.Sex != itoa(int64(u.sex)) {
			continue
		}
		if m.rule.Language != "" && m.rule.Language != u.language {
			continue
		}
		return m
	}
	return s.menu
}

// isKeyType reports whether a button type requires a key.
func isKeyType(t string) bool {
	switch t {
	case "click", "scancode_push", "scancode_waitmsg", "pic_sysphoto", "pic_photo_or_album", "pic_weixin", "location_select":
		return true
	}
	return false
}

func validURL(u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != ""
}

// validateMenu checks a menu/create (or addconditional) button list as
// WeChat does and returns its errcode (0 if valid): 1..3 buttons (40016),
// 1..5 sub-buttons (40023), names up to 16 bytes / 60 bytes for
// sub-buttons (40018/40025), a known type (40017/40024), keys up to 128
// bytes (40019/40026), http(s) urls (40055/40054) up to 1024 bytes
// (40020/40027), only two levels (40022), and media_id / article_id values
// that exist (40007, via known; nil accepts any).
func validateMenu(buttons []Button, known func(string) bool) int {
	if len(buttons) < 1 || len(buttons) > 3 {
		return 40016
	}
	for _, b := range buttons {
		if len(b.SubButton) > 0 {
			if b.Name == "" || len(b.Name) > 16 {
				return 40018
			}
			if len(b.SubButton) > 5 {
				return 40023
			}
			for _, sb := range b.SubButton {
				if len(sb.SubButton) > 0 {
					return 40022
				}
				if code := validateLeaf(sb, true, known); code != 0 {
					return code
				}
			}
			continue
		}
		if b.SubButton != nil && b.Type == "" {
			return 40023 // "sub_button": [] without a type
		}
		if code := validateLeaf(b, false, known); code != 0 {
			return code
		}
	}
	return 0
}

func validateLeaf(b Button, sub bool, known func(string) bool) int {
	pick := func(top, subCode int) int {
		if sub {
			return subCode
		}
		return top
	}
	maxName := 16
	if sub {
		maxName = 60
	}
	if b.Name == "" || len(b.Name) > maxName {
		return pick(40018, 40025)
	}
	checkURL := func() int {
		if len(b.URL) > 1024 {
			return pick(40020, 40027)
		}
		if !validURL(b.URL) {
			return pick(40055, 40054)
		}
		return 0
	}
	switch {
	case isKeyType(b.Type):
		if b.Key == "" || len(b.Key) > 128 {
			return pick(40019, 40026)
		}
	case b.Type == "view":
		return checkURL()
	case b.Type == "miniprogram":
		if code := checkURL(); code != 0 {
			return code
		}
		if b.AppID == "" || b.PagePath == "" {
			return pick(40017, 40024)
		}
	case b.Type == "media_id" || b.Type == "view_limited":
		if b.MediaID == "" || (known != nil && !known(b.MediaID)) {
			return 40007
		}
	case b.Type == "article_id" || b.Type == "article_view_limited":
		if b.ArticleID == "" {
			return 40007
		}
	default:
		return pick(40017, 40024)
	}
	return 0
}

// parseMenu decodes and validates a menu/create body.
func parseMenu(body []byte, known func(string) bool) ([]Button, MatchRule, int) {
	var req struct {
		Button    []Button   `json:"button"`
		MatchRule *MatchRule `json:"matchrule"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, MatchRule{}, 47001
	}
	if code := validateMenu(req.Button, known); code != 0 {
		return nil, MatchRule{}, code
	}
	var rule MatchRule
	if req.MatchRule != nil {
		rule = *req.MatchRule
	}
	return req.Button, rule, 0
}

func (c *call) body() ([]byte, bool) {
	var raw json.RawMessage
	if !c.decode(&raw) {
		return nil, false
	}
	return raw, true
}

// decodeBody reads the JSON body into v like decode (44002 empty, 47001
// malformed or mistyped) and returns it as sent, for the inbox.
func (c *call) decodeBody(v any) (json.RawMessage, bool) {
	raw, ok := c.body()
	if !ok {
		return nil, false
	}
	if err := json.Unmarshal(raw, v); err != nil {
		c.fail(47001)
		return nil, false
	}
	return raw, true
}

// handleMenuCreate serves POST /cgi-bin/menu/create (创建自定义菜单).
func (s *Sim) handleMenuCreate(c *call) {
	body, ok := c.body()
	if !ok {
		return
	}
	buttons, _, code := parseMenu(body, s.mediaExists)
	if code != 0 {
		c.fail(code)
		return
	}
	s.mu.Lock()
	s.nextMenuID++
	s.menu = &menuDoc{id: s.nextMenuID, buttons: buttons}
	s.emitLocked(Event{Kind: EventMenuChanged})
	s.mu.Unlock()
	c.ok()
}

type menuOut struct {
	Type      string    `json:"type,omitempty"`
	Name      string    `json:"name"`
	Key       string    `json:"key,omitempty"`
	URL       string    `json:"url,omitempty"`
	MediaID   string    `json:"media_id,omitempty"`
	AppID     string    `json:"appid,omitempty"`
	PagePath  string    `json:"pagepath,omitempty"`
	ArticleID string    `json:"article_id,omitempty"`
	SubButton []menuOut `json:"sub_button"`
}

func toMenuOut(bs []Button) []menuOut {
	out := make([]menuOut, 0, len(bs))
	for _, b := range bs {
		out = append(out, menuOut{Type: b.Type, Name: b.Name, Key: b.Key, URL: b.URL, MediaID: b.MediaID,
			AppID: b.AppID, PagePath: b.PagePath, ArticleID: b.ArticleID, SubButton: toMenuOut(b.SubButton)})
	}
	return out
}

// handleMenuGet serves GET /cgi-bin/menu/get (查询自定义菜单); 46003 if none.
func (s *Sim) handleMenuGet(c *call) {
	type menuBody struct {
		Button []menuOut `json:"button"`
		MenuID int64     `json:"menuid"`
	}
	type condBody struct {
		Button    []menuOut `json:"button"`
		MatchRule MatchRule `json:"matchrule"`
		MenuID    int64     `json:"menuid"`
	}
	s.mu.Lock()
	if s.menu == nil {
		s.mu.Unlock()
		c.fail(46003)
		return
	}
	out := struct {
		Menu            menuBody   `json:"menu"`
		ConditionalMenu []condBody `json:"conditionalmenu,omitempty"`
	}{Menu: menuBody{Button: toMenuOut(s.menu.buttons), MenuID: s.menu.id}}
	for _, m := range s.condMenus {
		out.ConditionalMenu = append(out.ConditionalMenu, condBody{Button: toMenuOut(m.buttons), MatchRule: m.rule, MenuID: m.id})
	}
	s.mu.Unlock()
	c.json(out)
}

// handleSelfMenuInfo serves GET /cgi-bin/get_current_selfmenu_info
// (查询当前菜单); sub-buttons are listed under sub_button.list.
func (s *Sim) handleSelfMenuInfo(c *call) {
	type leaf struct {
		Type  string `json:"type"`
		Name  string `json:"name"`
		Key   string `json:"key,omitempty"`
		URL   string `json:"url,omitempty"`
		Value string `json:"value,omitempty"`
	}
	type item struct {
		leaf
		SubButton *struct {
			List []leaf `json:"list"`
		} `json:"sub_button,omitempty"`
	}
	toLeaf := func(b Button) leaf {
		l := leaf{Type: b.Type, Name: b.Name, Key: b.Key, URL: b.URL}
		switch b.Type {
		case "media_id", "view_limited":
			l.Value = b.MediaID
		case "article_id", "article_view_limited":
			l.Value = b.ArticleID
		}
		return l
	}
	s.mu.Lock()
	items := []item{}
	open := 0
	if s.menu != nil {
		open = 1
		for _, b := range s.menu.buttons {
			if len(b.SubButton) == 0 {
				items = append(items, item{leaf: toLeaf(b)})
				continue
			}
			it := item{leaf: leaf{Name: b.Name}, SubButton: &struct {
				List []leaf `json:"list"`
			}{}}
			for _, sb := range b.SubButton {
				it.SubButton.List = append(it.SubButton.List, toLeaf(sb))
			}
			items = append(items, it)
		}
	}
	s.mu.Unlock()
	c.json(map[string]any{"is_menu_open": open, "selfmenu_info": map[string]any{"button": items}})
}

// handleMenuDelete serves GET /cgi-bin/menu/delete (删除自定义菜单); it also
// deletes every conditional menu.
func (s *Sim) handleMenuDelete(c *call) {
	s.mu.Lock()
	s.menu = nil
	s.condMenus = nil
	s.emitLocked(Event{Kind: EventMenuChanged})
	s.mu.Unlock()
	c.ok()
}

// handleMenuAddConditional serves POST /cgi-bin/menu/addconditional
// (创建个性化菜单): a default menu must exist (65303) and matchrule must not
// be empty (65304).
func (s *Sim) handleMenuAddConditional(c *call) {
	body, ok := c.body()
	if !ok {
		return
	}
	buttons, rule, code := parseMenu(body, s.mediaExists)
	if code != 0 {
		c.fail(code)
		return
	}
	if rule.empty() {
		c.fail(65304)
		return
	}
	if rule.TagID != "" {
		if _, err := strconv.Atoi(rule.TagID); err != nil {
			c.fail(45159)
			return
		}
	}
	s.mu.Lock()
	if s.menu == nil {
		s.mu.Unlock()
		c.fail(65303)
		return
	}
	s.nextMenuID++
	m := &menuDoc{id: s.nextMenuID, conditional: true, buttons: buttons, rule: rule}
	s.condMenus = append(s.condMenus, m)
	s.emitLocked(Event{Kind: EventMenuChanged})
	s.mu.Unlock()
	c.json(map[string]string{"menuid": itoa(m.id)})
}

// handleMenuDelConditional serves POST /cgi-bin/menu/delconditional
// (删除个性化菜单); 65301 for an unknown menuid.
func (s *Sim) handleMenuDelConditional(c *call) {
	var req struct {
		MenuID json.RawMessage `json:"menuid"`
	}
	if !c.decode(&req) {
		return
	}
	id, err := strconv.ParseInt(strings.Trim(string(req.MenuID), `"`), 10, 64)
	s.mu.Lock()
	idx := slices.IndexFunc(s.condMenus, func(m *menuDoc) bool { return m.id == id })
	if err != nil || idx < 0 {
		s.mu.Unlock()
		c.fail(65301)
		return
	}
	s.condMenus = slices.Delete(s.condMenus, idx, idx+1)
	s.emitLocked(Event{Kind: EventMenuChanged})
	s.mu.Unlock()
	c.ok()
}

// handleMenuTryMatch serves POST /cgi-bin/menu/trymatch (测试个性化菜单匹配结果):
// user_id is an openid of a simulated user (65302 otherwise).
func (s *Sim) handleMenuTryMatch(c *call) {
	var req struct {
		UserID string `json:"user_id"`
	}
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	u, ok := s.users[req.UserID]
	if !ok {
		s.mu.Unlock()
		c.fail(65302)
		return
	}
	m := s.menuForLocked(u)
	if m == nil {
		s.mu.Unlock()
		c.fail(46003)
		return
	}
	out := toMenuOut(m.buttons)
	s.mu.Unlock()
	c.json(map[string]any{"button": out})
}
