package template

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wxkit/mp"
)

// 一次性订阅消息 (one-time subscription messages) is a product of its own,
// apart from 订阅通知 (subscription notifications, [Service.SendSubscribe]):
// an account has one one-time template, shown in the MP console's 接口权限
// list, and WeChat refuses to mix the two products' templates. The types
// below are therefore distinct — a [OneTimeTemplateID] is not a string, so
// a subscription-notification template cannot be passed by mistake.

// Documented limits of 一次性订阅消息.
const (
	MaxOneTimeScene          = 10000 // scene is 0..10000
	MaxOneTimeReservedBytes  = 128   // reserved: at most 128 bytes of a-zA-Z0-9
	MaxOneTimeTitleLength    = 15    // title: 15 characters (15字以内)
	MaxOneTimeContentLength  = 200   // data.content.value: 200 characters (200字内)
	pathOneTimeSend          = "/cgi-bin/message/template/subscribe"
	pathOneTimeAuthorization = "/mp/subscribemsg"
)

// OneTimeTemplateID is the template of one-time subscription messages
// (订阅消息模板ID, 接口权限 list of the MP console). It is its own type so
// that a 订阅通知 template (a string) cannot be used in its place.
type OneTimeTemplateID string

// OneTimeAuthRequest describes the authorization page a user opens to
// allow one message (第一步：需要用户同意授权).
type OneTimeAuthRequest struct {
	// Scene identifies the subscription, 0..10000. One authorization per
	// user, template and scene allows one message: several authorizations
	// under the same scene do not add up; use another scene for another
	// message.
	Scene      int
	TemplateID OneTimeTemplateID
	// RedirectURL receives the user after they confirm or cancel; its domain
	// must be a business domain (业务域名) of the account.
	RedirectURL string
	// Reserved is handed back unchanged to RedirectURL: put a CSRF token
	// (e.g. a random value tied to the session) in it. At most 128 bytes of
	// a-zA-Z0-9; optional.
	Reserved string
}

// Validate checks r against the documented limits.
func (r *OneTimeAuthRequest) Validate() error {
	const op = "template.OneTimeAuthURL"
	if r.Scene < 0 || r.Scene > MaxOneTimeScene {
		return invalid(op, "scene", strconv.Itoa(r.Scene)+" is outside 0..10000")
	}
	if r.TemplateID == "" {
		return invalid(op, "template_id", "required")
	}
	if r.RedirectURL == "" {
		return invalid(op, "redirect_url", "required")
	}
	if u, err := url.Parse(r.RedirectURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return invalid(op, "redirect_url", "must be an absolute http or https URL")
	}
	if len(r.Reserved) > MaxOneTimeReservedBytes {
		return invalid(op, "reserved", "is "+strconv.Itoa(len(r.Reserved))+" bytes, the limit is 128")
	}
	for i := 0; i < len(r.Reserved); i++ {
		if c := r.Reserved[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return invalid(op, "reserved", "must be letters and digits (a-zA-Z0-9) only")
		}
	}
	return nil
}

// OneTimeAuthURL returns the page that asks the user to allow one message
// (一次性订阅消息 第一步), to open in WeChat:
//
//	https://mp.weixin.qq.com/mp/subscribemsg?action=get_confirm&appid=APPID&scene=SCENE&template_id=TEMPLATE_ID&redirect_url=URL&reserved=RESERVED#wechat_redirect
//
// with the parameters in the documented order, redirect_url and reserved
// URL-encoded, and #wechat_redirect appended. The user lands on
// RedirectURL with the result: read it with [ParseOneTimeAuthRequest].
func (s *Service) OneTimeAuthURL(req OneTimeAuthRequest) (string, error) {
	if err := req.Validate(); err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(s.c.MPURL(pathOneTimeAuthorization, nil))
	b.WriteString("?action=get_confirm&appid=")
	b.WriteString(url.QueryEscape(s.c.AppID()))
	b.WriteString("&scene=")
	b.WriteString(strconv.Itoa(req.Scene))
	b.WriteString("&template_id=")
	b.WriteString(url.QueryEscape(string(req.TemplateID)))
	b.WriteString("&redirect_url=")
	b.WriteString(url.QueryEscape(req.RedirectURL))
	if req.Reserved != "" {
		b.WriteString("&reserved=")
		b.WriteString(url.QueryEscape(req.Reserved))
	}
	b.WriteString("#wechat_redirect")
	return b.String(), nil
}

// OneTimeAction is what the user did on the authorization page.
type OneTimeAction string

// Actions of the authorization page.
const (
	OneTimeConfirm OneTimeAction = "confirm" // 用户确认授权
	OneTimeCancel  OneTimeAction = "cancel"  // 用户取消授权
)

// OneTimeAuth is the result WeChat appends to redirect_url (用户同意或取消
// 授权后会返回相关信息).
type OneTimeAuth struct {
	// OpenID is the user; WeChat sends it only when they confirmed.
	OpenID     string
	TemplateID OneTimeTemplateID
	Action     OneTimeAction
	Scene      int
	// Reserved is the value given in the request, unchanged: compare it
	// with the one you stored before trusting the result.
	Reserved string
}

// Confirmed reports whether the user allowed the message.
func (a *OneTimeAuth) Confirmed() bool { return a.Action == OneTimeConfirm }

// ErrBadOneTimeAuth is matched (errors.Is) by the errors of
// [ParseOneTimeAuth] for a query that is not a valid authorization result.
var ErrBadOneTimeAuth = errors.New("template: not a valid one-time subscription result")

func badOneTime(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrBadOneTimeAuth}, args...)...)
}

// ParseOneTimeAuth reads the result of the authorization page from the
// query of the request to redirect_url: openid, template_id, action
// (confirm or cancel), scene and reserved. The query comes from the browser
// and is untrusted: a missing or malformed field is an error matching
// [ErrBadOneTimeAuth]; so is a confirmation without openid.
func ParseOneTimeAuth(q url.Values) (*OneTimeAuth, error) {
	a := &OneTimeAuth{
		OpenID:     q.Get("openid"),
		TemplateID: OneTimeTemplateID(q.Get("template_id")),
		Action:     OneTimeAction(q.Get("action")),
		Reserved:   q.Get("reserved"),
	}
	switch a.Action {
	case OneTimeConfirm:
		if a.OpenID == "" {
			return nil, badOneTime("action confirm without openid")
		}
	case OneTimeCancel:
	case "":
		return nil, badOneTime("no action")
	default:
		return nil, badOneTime("unknown action %q", truncate(string(a.Action), 32))
	}
	if a.TemplateID == "" {
		return nil, badOneTime("no template_id")
	}
	sc := q.Get("scene")
	n, err := strconv.Atoi(sc)
	if err != nil || n < 0 || n > MaxOneTimeScene {
		return nil, badOneTime("scene %q is not an integer in 0..10000", truncate(sc, 32))
	}
	a.Scene = n
	if !utf8.ValidString(a.OpenID) || !utf8.ValidString(string(a.TemplateID)) || !utf8.ValidString(a.Reserved) {
		return nil, badOneTime("invalid UTF-8")
	}
	return a, nil
}

// ParseOneTimeAuthRequest is [ParseOneTimeAuth] on the query of r, the
// request the user's browser made to redirect_url.
func ParseOneTimeAuthRequest(r *http.Request) (*OneTimeAuth, error) {
	if r == nil || r.URL == nil {
		return nil, badOneTime("nil request")
	}
	return ParseOneTimeAuth(r.URL.Query())
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// OneTimeMessage is the body of [Service.SendOneTime] (发送一次性订阅消息).
type OneTimeMessage struct {
	ToUser     string            `json:"touser"` // openid of a user who confirmed
	TemplateID OneTimeTemplateID `json:"template_id"`
	// URL opens on tap (需ICP备案); MiniProgram, when set, opens a Mini
	// Program page instead (both appid and pagepath are required).
	URL         string       `json:"url,omitempty"`
	MiniProgram *MiniProgram `json:"miniprogram,omitempty"`
	// Scene is the scene the user confirmed, 0..10000 (sent as a string,
	// as documented).
	Scene int         `json:"scene,string"`
	Title string      `json:"title"` // 消息标题, at most 15 characters
	Data  OneTimeData `json:"data"`
}

// OneTimeData is the content of a one-time message.
type OneTimeData struct {
	Content OneTimeValue `json:"content"`
}

// OneTimeValue is the text of a one-time message (at most 200 characters)
// and its color (e.g. #FF0000, optional).
type OneTimeValue struct {
	Value string `json:"value"`
	Color string `json:"color,omitempty"`
}

// Validate checks m against the documented limits.
func (m *OneTimeMessage) Validate() error {
	const op = "template.SendOneTime"
	switch {
	case m == nil:
		return invalid(op, "", "nil message")
	case m.ToUser == "":
		return invalid(op, "touser", "required")
	case m.TemplateID == "":
		return invalid(op, "template_id", "required")
	case m.Scene < 0 || m.Scene > MaxOneTimeScene:
		return invalid(op, "scene", strconv.Itoa(m.Scene)+" is outside 0..10000")
	case m.Title == "":
		return invalid(op, "title", "required")
	}
	if n := utf8.RuneCountInString(m.Title); n > MaxOneTimeTitleLength {
		return invalid(op, "title", "is "+strconv.Itoa(n)+" characters, the limit is 15")
	}
	if n := utf8.RuneCountInString(m.Data.Content.Value); n > MaxOneTimeContentLength {
		return invalid(op, "data.content.value", "is "+strconv.Itoa(n)+" characters, the limit is 200")
	}
	if mini := m.MiniProgram; mini != nil {
		if err := mini.validate(op); err != nil {
			return err
		}
		if mini.PagePath == "" {
			return invalid(op, "miniprogram.pagepath", "required when miniprogram is set")
		}
	}
	return nil
}

// SendOneTime sends the one message a user allowed (发送一次性订阅消息,
// POST /cgi-bin/message/template/subscribe). It goes to the account's chat
// when the user follows it, to 服务通知 otherwise. Each confirmation of a
// template and scene allows one message: a second send answers an
// *mp.APIError (43101, the user refuses the message). The send is never
// retried after a timeout, so that it cannot be delivered twice.
func (s *Service) SendOneTime(ctx context.Context, msg *OneTimeMessage) error {
	if err := msg.Validate(); err != nil {
		return err
	}
	return s.c.Do(ctx, &mp.Request{Method: "POST", Path: pathOneTimeSend, Body: msg}, nil)
}
