package menu

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/wxkit/mp"
)

// ButtonType is a button's response action (菜单的响应动作类型).
type ButtonType string

// The button types of 自定义菜单创建接口.
const (
	TypeClick              ButtonType = "click"                // 点击推事件: pushes a CLICK event with Key
	TypeView               ButtonType = "view"                 // 跳转URL: opens URL
	TypeScanCodePush       ButtonType = "scancode_push"        // 扫码推事件
	TypeScanCodeWaitMsg    ButtonType = "scancode_waitmsg"     // 扫码推事件且弹出“消息接收中”提示框
	TypePicSysPhoto        ButtonType = "pic_sysphoto"         // 弹出系统拍照发图
	TypePicPhotoOrAlbum    ButtonType = "pic_photo_or_album"   // 弹出拍照或者相册发图
	TypePicWeixin          ButtonType = "pic_weixin"           // 弹出微信相册发图器
	TypeLocationSelect     ButtonType = "location_select"      // 弹出地理位置选择器
	TypeMediaID            ButtonType = "media_id"             // 下发消息（除文本消息）: sends the permanent material MediaID
	TypeViewLimited        ButtonType = "view_limited"         // 跳转图文消息URL (legacy; prefer TypeArticleViewLimited)
	TypeArticleID          ButtonType = "article_id"           // 用户点击 article_id 类型按钮后，下发图文消息 (published article)
	TypeArticleViewLimited ButtonType = "article_view_limited" // 跳转到已发布图文消息的 URL
	TypeMiniProgram        ButtonType = "miniprogram"          // 跳转小程序
)

// Documented limits of 自定义菜单创建接口 (all lengths in bytes of UTF-8).
const (
	MaxButtons      = 3    // 一级菜单数组，个数应为1~3个
	MaxSubButtons   = 5    // 二级菜单数组，个数应为1~5个
	MaxNameBytes    = 16   // 菜单标题，不超过16个字节
	MaxSubNameBytes = 60   // 子菜单不超过60个字节
	MaxKeyBytes     = 128  // 菜单KEY值，不超过128字节
	MaxURLBytes     = 1024 // 网页链接，不超过1024字节
)

// Button is one menu button (按钮). A parent button has only Name and
// SubButtons; a leaf has a Type and the fields that type requires. Build
// buttons with [Click], [View], [MiniProgram], [Parent] and the other
// constructors.
type Button struct {
	Type       ButtonType `json:"type,omitempty"`
	Name       string     `json:"name"`
	Key        string     `json:"key,omitempty"`        // click and the other event types
	URL        string     `json:"url,omitempty"`        // view; miniprogram fallback for old clients
	MediaID    string     `json:"media_id,omitempty"`   // media_id, view_limited
	AppID      string     `json:"appid,omitempty"`      // miniprogram
	PagePath   string     `json:"pagepath,omitempty"`   // miniprogram
	ArticleID  string     `json:"article_id,omitempty"` // article_id, article_view_limited
	SubButtons []Button   `json:"sub_button,omitempty"` // 二级菜单
}

// Click returns a click (点击推事件) button: WeChat pushes a CLICK event
// carrying key to the callback server.
func Click(name, key string) Button { return Button{Type: TypeClick, Name: name, Key: key} }

// View returns a view (跳转URL) button that opens url.
func View(name, url string) Button { return Button{Type: TypeView, Name: name, URL: url} }

// ScanCodePush returns a scancode_push (扫码推事件) button.
func ScanCodePush(name, key string) Button {
	return Button{Type: TypeScanCodePush, Name: name, Key: key}
}

// ScanCodeWaitMsg returns a scancode_waitmsg (扫码推事件且弹出“消息接收中”提示框) button.
func ScanCodeWaitMsg(name, key string) Button {
	return Button{Type: TypeScanCodeWaitMsg, Name: name, Key: key}
}

// PicSysPhoto returns a pic_sysphoto (弹出系统拍照发图) button.
func PicSysPhoto(name, key string) Button { return Button{Type: TypePicSysPhoto, Name: name, Key: key} }

// PicPhotoOrAlbum returns a pic_photo_or_album (弹出拍照或者相册发图) button.
func PicPhotoOrAlbum(name, key string) Button {
	return Button{Type: TypePicPhotoOrAlbum, Name: name, Key: key}
}

// PicWeixin returns a pic_weixin (弹出微信相册发图器) button.
func PicWeixin(name, key string) Button { return Button{Type: TypePicWeixin, Name: name, Key: key} }

// LocationSelect returns a location_select (弹出地理位置选择器) button.
func LocationSelect(name, key string) Button {
	return Button{Type: TypeLocationSelect, Name: name, Key: key}
}

// Media returns a media_id (下发消息) button that sends the permanent
// material mediaID (image, voice, video or news) to the user.
func Media(name, mediaID string) Button {
	return Button{Type: TypeMediaID, Name: name, MediaID: mediaID}
}

// ViewLimited returns a legacy view_limited (跳转图文消息URL) button for a
// permanent news material. New menus should use [ArticleViewLimited].
func ViewLimited(name, mediaID string) Button {
	return Button{Type: TypeViewLimited, Name: name, MediaID: mediaID}
}

// Article returns an article_id button that sends the published article
// articleID (发布后获得的 article_id).
func Article(name, articleID string) Button {
	return Button{Type: TypeArticleID, Name: name, ArticleID: articleID}
}

// ArticleViewLimited returns an article_view_limited button that opens the
// published article articleID.
func ArticleViewLimited(name, articleID string) Button {
	return Button{Type: TypeArticleViewLimited, Name: name, ArticleID: articleID}
}

// MiniProgram returns a miniprogram (跳转小程序) button opening pagePath of
// the Mini Program appID; clients too old for Mini Programs open url.
func MiniProgram(name, url, appID, pagePath string) Button {
	return Button{Type: TypeMiniProgram, Name: name, URL: url, AppID: appID, PagePath: pagePath}
}

// Parent returns a top-level button that opens a sub-menu (二级菜单) of
// 1 to 5 buttons.
func Parent(name string, subs ...Button) Button { return Button{Name: name, SubButtons: subs} }

// IsParent reports whether b opens a sub-menu.
func (b Button) IsParent() bool { return b.Type == "" && len(b.SubButtons) > 0 }

// String describes the button on one line, e.g.
// `今日歌曲 [click key=V1001_TODAY_MUSIC]` or `菜单 (3 sub-buttons)`.
func (b Button) String() string {
	if b.Type == "" {
		return fmt.Sprintf("%s (%d sub-buttons)", b.Name, len(b.SubButtons))
	}
	var sb strings.Builder
	sb.WriteString(b.Name)
	sb.WriteString(" [")
	sb.WriteString(string(b.Type))
	for _, kv := range [...][2]string{
		{"key", b.Key}, {"url", b.URL}, {"media_id", b.MediaID}, {"appid", b.AppID},
		{"pagepath", b.PagePath}, {"article_id", b.ArticleID},
	} {
		if kv[1] != "" {
			sb.WriteByte(' ')
			sb.WriteString(kv[0])
			sb.WriteByte('=')
			sb.WriteString(kv[1])
		}
	}
	sb.WriteByte(']')
	return sb.String()
}

// requirement lists what a leaf type needs.
type requirement struct{ key, url, mediaID, articleID, miniProgram bool }

var requirements = map[ButtonType]requirement{
	TypeClick:              {key: true},
	TypeScanCodePush:       {key: true},
	TypeScanCodeWaitMsg:    {key: true},
	TypePicSysPhoto:        {key: true},
	TypePicPhotoOrAlbum:    {key: true},
	TypePicWeixin:          {key: true},
	TypeLocationSelect:     {key: true},
	TypeView:               {url: true},
	TypeMediaID:            {mediaID: true},
	TypeViewLimited:        {mediaID: true},
	TypeArticleID:          {articleID: true},
	TypeArticleViewLimited: {articleID: true},
	TypeMiniProgram:        {url: true, miniProgram: true},
}

// Validate checks buttons against the documented limits of
// 自定义菜单创建接口: 1–3 top-level buttons, 1–5 sub-buttons per parent,
// names of at most 16 bytes (60 for sub-buttons), keys of at most 128
// bytes, URLs of at most 1024 bytes, the fields each type requires, and
// parents without a type of their own. The error is an *mp.ValidationError
// whose Field is the offending path, such as "button[2].sub_button[0].key".
func Validate(buttons []Button) error { return validate("menu.Validate", buttons) }

func validate(op string, buttons []Button) error {
	if len(buttons) == 0 || len(buttons) > MaxButtons {
		return &mp.ValidationError{Op: op, Field: "button",
			Reason: fmt.Sprintf("a menu has 1 to %d top-level buttons, got %d", MaxButtons, len(buttons))}
	}
	for i := range buttons {
		b := &buttons[i]
		path := "button[" + strconv.Itoa(i) + "]"
		if b.Type == "" && b.SubButtons != nil {
			if err := checkParent(op, path, b); err != nil {
				return err
			}
			continue
		}
		if err := checkLeaf(op, path, b, MaxNameBytes); err != nil {
			return err
		}
	}
	return nil
}

func (b *Button) hasLeafFields() bool {
	return b.Key != "" || b.URL != "" || b.MediaID != "" || b.AppID != "" || b.PagePath != "" || b.ArticleID != ""
}

func checkParent(op, path string, b *Button) error {
	if err := checkName(op, path, b.Name, MaxNameBytes); err != nil {
		return err
	}
	if b.hasLeafFields() {
		return &mp.ValidationError{Op: op, Field: path,
			Reason: "a parent button (with sub_button) has only a name: no type, key, url, media_id, appid, pagepath or article_id"}
	}
	if len(b.SubButtons) == 0 || len(b.SubButtons) > MaxSubButtons {
		return &mp.ValidationError{Op: op, Field: path + ".sub_button",
			Reason: fmt.Sprintf("a sub-menu has 1 to %d buttons, got %d", MaxSubButtons, len(b.SubButtons))}
	}
	for j := range b.SubButtons {
		sub := &b.SubButtons[j]
		subPath := path + ".sub_button[" + strconv.Itoa(j) + "]"
		if len(sub.SubButtons) > 0 {
			return &mp.ValidationError{Op: op, Field: subPath + ".sub_button",
				Reason: "menus have two levels: a sub-button cannot have sub-buttons"}
		}
		if err := checkLeaf(op, subPath, sub, MaxSubNameBytes); err != nil {
			return err
		}
	}
	return nil
}

func checkName(op, path, name string, max int) error {
	if name == "" {
		return &mp.ValidationError{Op: op, Field: path + ".name", Reason: "name is required"}
	}
	if len(name) > max {
		return &mp.ValidationError{Op: op, Field: path + ".name",
			Reason: fmt.Sprintf("name is %d bytes, the limit is %d bytes (UTF-8)", len(name), max)}
	}
	return nil
}

func checkLeaf(op, path string, b *Button, maxName int) error {
	if err := checkName(op, path, b.Name, maxName); err != nil {
		return err
	}
	if b.Type == "" {
		return &mp.ValidationError{Op: op, Field: path + ".type",
			Reason: "a button needs a type, or sub-buttons to be a parent"}
	}
	req, ok := requirements[b.Type]
	if !ok {
		return &mp.ValidationError{Op: op, Field: path + ".type", Reason: fmt.Sprintf("unknown button type %q", b.Type)}
	}
	if len(b.SubButtons) > 0 {
		return &mp.ValidationError{Op: op, Field: path + ".sub_button",
			Reason: "a button with a type cannot have sub-buttons (type and sub_button are exclusive)"}
	}
	missing := func(field string) error {
		return &mp.ValidationError{Op: op, Field: path + "." + field,
			Reason: fmt.Sprintf("%s is required for type %s", field, b.Type)}
	}
	switch {
	case req.key && b.Key == "":
		return missing("key")
	case req.url && b.URL == "":
		return missing("url")
	case req.mediaID && b.MediaID == "":
		return missing("media_id")
	case req.articleID && b.ArticleID == "":
		return missing("article_id")
	case req.miniProgram && b.AppID == "":
		return missing("appid")
	case req.miniProgram && b.PagePath == "":
		return missing("pagepath")
	}
	if len(b.Key) > MaxKeyBytes {
		return &mp.ValidationError{Op: op, Field: path + ".key",
			Reason: fmt.Sprintf("key is %d bytes, the limit is %d bytes", len(b.Key), MaxKeyBytes)}
	}
	if len(b.URL) > MaxURLBytes {
		return &mp.ValidationError{Op: op, Field: path + ".url",
			Reason: fmt.Sprintf("url is %d bytes, the limit is %d bytes", len(b.URL), MaxURLBytes)}
	}
	return nil
}
