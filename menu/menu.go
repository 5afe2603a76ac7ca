package menu

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/wxkit/mp"
)

// Endpoint paths of 自定义菜单.
const (
	pathCreate          = "/cgi-bin/menu/create"
	pathGet             = "/cgi-bin/menu/get"
	pathDelete          = "/cgi-bin/menu/delete"
	pathCurrentSelfMenu = "/cgi-bin/get_current_selfmenu_info"
	pathAddConditional  = "/cgi-bin/menu/addconditional"
	pathDelConditional  = "/cgi-bin/menu/delconditional"
	pathTryMatch        = "/cgi-bin/menu/trymatch"
)

// Service calls the custom menu APIs (自定义菜单) of one Official Account.
type Service struct {
	c *mp.Client
}

// New returns the menu service of client c.
func New(c *mp.Client) *Service { return &Service{c: c} }

var errNoClient = errors.New("menu: Service has no *mp.Client (use menu.New)")

func (s *Service) do(ctx context.Context, r *mp.Request, out any) error {
	if s == nil || s.c == nil {
		return errNoClient
	}
	return s.c.Do(ctx, r, out)
}

// createRequest is the body of 创建自定义菜单.
type createRequest struct {
	Buttons []Button `json:"button"`
}

// Create sets the default menu (创建自定义菜单, POST /cgi-bin/menu/create),
// replacing the current one. buttons are checked with the documented limits
// first (see [Validate]); a violation is an *mp.ValidationError and nothing
// is sent. Creating the same menu twice has the same effect as once, so the
// call is retried on transient failures.
func (s *Service) Create(ctx context.Context, buttons ...Button) error {
	if err := validate("menu.Create", buttons); err != nil {
		return err
	}
	return s.do(ctx, &mp.Request{Method: "POST", Path: pathCreate, Body: createRequest{Buttons: buttons}, Idempotent: true}, nil)
}

// MenuID identifies a menu. WeChat sends it as a JSON string from
// addconditional and as a number from menu/get; both decode.
type MenuID string

// UnmarshalJSON accepts a JSON string or number.
func (id *MenuID) UnmarshalJSON(b []byte) error {
	s, err := flexString(b)
	if err != nil {
		return err
	}
	*id = MenuID(s)
	return nil
}

// DefaultMenu is the menu set with [Service.Create] (默认菜单).
type DefaultMenu struct {
	Buttons []Button `json:"button"`
	MenuID  MenuID   `json:"menuid,omitempty"` // present when conditional menus exist
}

// Menus is the answer of 查询自定义菜单 (GET /cgi-bin/menu/get): the default
// menu and every conditional menu (个性化菜单).
type Menus struct {
	Menu        DefaultMenu       `json:"menu"`
	Conditional []ConditionalMenu `json:"conditionalmenu,omitempty"`
}

// Get returns the menus created through the API (查询自定义菜单,
// GET /cgi-bin/menu/get): the default menu and all conditional menus. A
// menu published on the mp.weixin.qq.com website is not included; use
// [Service.CurrentSelfMenu] for it. Without a menu WeChat answers errcode
// 46003 ([mp.CodeMenuNotFound]).
func (s *Service) Get(ctx context.Context) (*Menus, error) {
	var out Menus
	if err := s.do(ctx, &mp.Request{Method: "GET", Path: pathGet}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Delete removes the default menu and all conditional menus (删除自定义菜单,
// GET /cgi-bin/menu/delete).
func (s *Service) Delete(ctx context.Context) error {
	return s.do(ctx, &mp.Request{Method: "GET", Path: pathDelete}, nil)
}

// SelfMenuInfo is the answer of 查询自定义菜单信息
// (GET /cgi-bin/get_current_selfmenu_info).
type SelfMenuInfo struct {
	IsMenuOpen int      `json:"is_menu_open"` // 菜单是否开启，0代表未开启，1代表开启
	SelfMenu   SelfMenu `json:"selfmenu_info"`
}

// IsOpen reports whether the menu is switched on.
func (i *SelfMenuInfo) IsOpen() bool { return i.IsMenuOpen == 1 }

// SelfMenu holds the buttons of the menu in use (菜单信息).
type SelfMenu struct {
	Buttons []SelfMenuButton `json:"button"`
}

// SelfMenuButton is a button of the menu in use. Menus set through the API
// report their fields as created (Key, URL...). Menus set on the website
// use the types text, img, photo, video, voice, news and view and carry
// their content in Value (text, a media id or a video URL) or NewsInfo.
type SelfMenuButton struct {
	Type      string          `json:"type,omitempty"`
	Name      string          `json:"name"`
	Key       string          `json:"key,omitempty"`
	URL       string          `json:"url,omitempty"`
	Value     string          `json:"value,omitempty"`
	MediaID   string          `json:"media_id,omitempty"`
	AppID     string          `json:"appid,omitempty"`
	PagePath  string          `json:"pagepath,omitempty"`
	ArticleID string          `json:"article_id,omitempty"`
	NewsInfo  *NewsInfo       `json:"news_info,omitempty"`
	SubButton *SelfMenuSubBar `json:"sub_button,omitempty"`
}

// Subs returns the sub-buttons of a parent (nil for a leaf).
func (b *SelfMenuButton) Subs() []SelfMenuButton {
	if b.SubButton == nil {
		return nil
	}
	return b.SubButton.List
}

// SelfMenuSubBar is the sub-menu of a parent, {"list": [...]} on the wire.
type SelfMenuSubBar struct {
	List []SelfMenuButton `json:"list"`
}

// NewsInfo is the article list of a website "news" button (图文消息的信息).
type NewsInfo struct {
	List []NewsArticle `json:"list"`
}

// NewsArticle is one article of [NewsInfo].
type NewsArticle struct {
	Title      string `json:"title"`
	Author     string `json:"author"`
	Digest     string `json:"digest"`
	ShowCover  int    `json:"show_cover"` // 是否显示封面，0为不显示，1为显示
	CoverURL   string `json:"cover_url"`
	ContentURL string `json:"content_url"`
	SourceURL  string `json:"source_url"` // 原文的URL，若置空则无查看原文入口
}

// CurrentSelfMenu returns the menu the account uses now, however it was set
// (查询自定义菜单信息, GET /cgi-bin/get_current_selfmenu_info): through the
// API or on the mp.weixin.qq.com website. Media ids it reports for website
// menus are temporary (valid 3 days).
func (s *Service) CurrentSelfMenu(ctx context.Context) (*SelfMenuInfo, error) {
	var out SelfMenuInfo
	if err := s.do(ctx, &mp.Request{Method: "GET", Path: pathCurrentSelfMenu}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// flexString decodes a JSON string, number, or null into a string. WeChat
// sends ids and match-rule values sometimes quoted, sometimes not.
func flexString(b []byte) (string, error) {
	b = []byte(strings.TrimSpace(string(b)))
	if len(b) == 0 || string(b) == "null" {
		return "", nil
	}
	if b[0] == '"' {
		var s string
		err := json.Unmarshal(b, &s)
		return s, err
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return "", errors.New("menu: want a JSON string or number, got " + strconv.Quote(snippet(b)))
	}
	return n.String(), nil
}

func snippet(b []byte) string {
	if len(b) > 32 {
		return string(b[:32]) + "..."
	}
	return string(b)
}
