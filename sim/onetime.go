package sim

import (
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

func init() {
	registerRoutes(func(s *Sim) map[string]route {
		return map[string]route{
			"/mp/subscribemsg":                    getRoute(false, s.handleOneTimePage),
			"/mp/subscribemsg/sim_consent":        postRoute(false, s.handleOneTimeConsent),
			"/cgi-bin/message/template/subscribe": postRoute(true, s.handleOneTimeSend),
		}
	})
}

// DefaultOneTimeTemplateID is the simulated account's one-time
// subscription template (一次性订阅消息的模板ID, shown in the console's
// 接口权限 list): the only template the subscribemsg page and
// message/template/subscribe accept. It is not a template of 模板消息 or of
// 订阅通知, and they do not accept it.
const DefaultOneTimeTemplateID = "1uDxHNXwYQfBmXOfPJcjAS3FynHArD8aWMEFNRGSbCc"

// DeliveryOneTime is the kind of a one-time subscription message (一次性
// 订阅消息). Its Delivery has MsgType "subscribemsg", Content the text,
// TemplateID, URL, and Data {"title", "content", "scene"}.
const DeliveryOneTime DeliveryKind = "onetime"

// errOneTimeRefused is WeChat's answer to a one-time send the user did not
// allow, or already received (one authorization, one message). It is
// answered directly rather than registered, since 订阅通知 answers the same
// code.
var errOneTimeRefused = &apiError{Code: 43101, Msg: "user refuse to accept the msg"}

type oneTimeParams struct {
	scene                    int
	templateID, redirect     string
	reserved, appid, errText string
}

// checkOneTime validates the query of /mp/subscribemsg (or the consent
// form); errText is set when it is refused.
func (s *Sim) checkOneTime(q url.Values, needAction bool) oneTimeParams {
	p := oneTimeParams{templateID: q.Get("template_id"), redirect: q.Get("redirect_url"), reserved: q.Get("reserved"), appid: q.Get("appid")}
	sc, err := strconv.Atoi(q.Get("scene"))
	p.scene = sc
	switch {
	case needAction && q.Get("action") != "get_confirm":
		p.errText = "action 参数错误 (get_confirm)"
	case p.appid != s.acct.AppID:
		p.errText = "appid 参数错误"
	case err != nil || sc < 0 || sc > 10000:
		p.errText = "scene 参数错误 (0-10000)"
	case p.templateID != DefaultOneTimeTemplateID:
		p.errText = "template_id 参数错误"
	case !validURL(p.redirect):
		p.errText = "redirect_url 参数错误"
	case len(p.reserved) > 128:
		p.errText = "reserved 参数错误 (128字节以内)"
	}
	return p
}

// oneTimeKey names one authorization: user, template and scene.
func oneTimeKey(openid, templateID string, scene int) string {
	return openid + "\x00" + templateID + "\x00" + strconv.Itoa(scene)
}

// oneTimeRedirect is redirect_url with the result appended in the
// documented order: openid (only when confirmed), template_id, action,
// scene, reserved.
func oneTimeRedirect(p oneTimeParams, openid string, confirm bool) string {
	var b strings.Builder
	b.WriteString(p.redirect)
	if strings.Contains(p.redirect, "?") {
		b.WriteString("&")
	} else {
		b.WriteString("?")
	}
	action := "cancel"
	if confirm {
		action = "confirm"
		b.WriteString("openid=" + url.QueryEscape(openid) + "&")
	}
	b.WriteString("template_id=" + url.QueryEscape(p.templateID) + "&action=" + action + "&scene=" + strconv.Itoa(p.scene))
	b.WriteString("&reserved=" + url.QueryEscape(p.reserved))
	return b.String()
}

// grantOneTime records the user's answer and returns the redirect.
func (s *Sim) grantOneTime(p oneTimeParams, openid string, confirm bool) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[openid]; !ok {
		return "", ErrUnknownUser
	}
	if confirm {
		// Authorizing again under the same scene does not add a second message.
		s.surfaceLocked().oneTime[oneTimeKey(openid, p.templateID, p.scene)] = true
	}
	return oneTimeRedirect(p, openid, confirm), nil
}

// SubscribeOnce plays follower f on a one-time subscription page
// (一次性订阅消息 第一步): authURL is the link the developer built (any
// host; only the query matters), confirm chooses 确认 or 取消. It returns
// the redirect_url WeChat sends the browser to, with openid (when
// confirmed), template_id, action, scene and reserved. A confirmation
// allows one message/template/subscribe send to f for that template and
// scene. Errors are *AuthorizeError (bad link) or ErrUnknownUser.
func (s *Sim) SubscribeOnce(f *Follower, authURL string, confirm bool) (string, error) {
	u, err := url.Parse(authURL)
	if err != nil {
		return "", &AuthorizeError{Code: 40097, Reason: "malformed subscribemsg URL"}
	}
	p := s.checkOneTime(u.Query(), true)
	if p.errText != "" {
		return "", &AuthorizeError{Code: 40097, Reason: p.errText}
	}
	return s.grantOneTime(p, f.openid, confirm)
}

var oneTimePage = template.Must(template.New("onetime").Parse(`<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>订阅消息 / Subscribe</title>
<style>body{font-family:sans-serif;max-width:28em;margin:2em auto;padding:0 1em}button,a.user{display:block;width:100%;margin:.5em 0;padding:.7em;font-size:1em;text-align:center}</style>
</head><body>
<h1>订阅消息 / Subscribe</h1>
{{if .Error}}<p id="error">{{.Error}}</p>{{end}}
{{if .Users}}<p>选择在浏览器中的微信用户 / pick the WeChat user in this browser:</p>
{{range .Users}}<a class="user" id="user-{{.OpenID}}" href="{{.Link}}">{{.Name}}</a>
{{end}}{{end}}
{{if .OpenID}}<p id="consent">{{.Account}} 想给你发送一条消息 / wants to send you one message</p>
<p>{{.Name}}</p>
<form id="consent-form" method="post" action="/mp/subscribemsg/sim_consent">
<input type="hidden" name="appid" value="{{.AppID}}">
<input type="hidden" name="scene" value="{{.Scene}}">
<input type="hidden" name="template_id" value="{{.TemplateID}}">
<input type="hidden" name="redirect_url" value="{{.Redirect}}">
<input type="hidden" name="reserved" value="{{.Reserved}}">
<input type="hidden" name="openid" value="{{.OpenID}}">
<button type="submit" id="confirm" name="action" value="confirm">确定 Confirm</button>
<button type="submit" id="cancel" name="action" value="cancel">取消 Cancel</button>
</form>{{end}}
</body></html>`))

type oneTimePageData struct {
	Error                            string
	Users                            []pageUser
	Account, Name, AppID, TemplateID string
	Redirect, Reserved, OpenID       string
	Scene                            int
}

func (c *call) oneTimePage(status int, d oneTimePageData) {
	c.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	c.w.Header().Set("Cache-Control", "no-store")
	c.w.WriteHeader(status)
	_ = oneTimePage.Execute(c.w, d)
}

// handleOneTimePage serves GET /mp/subscribemsg?action=get_confirm&appid=
// &scene=&template_id=&redirect_url=&reserved= (一次性订阅消息授权页). The
// user in the browser is the sim_openid parameter or the wxsim_openid
// cookie, as on the OAuth pages; the page offers #confirm and #cancel.
func (s *Sim) handleOneTimePage(c *call) {
	q := c.r.URL.Query()
	p := s.checkOneTime(q, true)
	if p.errText != "" {
		c.oneTimePage(http.StatusBadRequest, oneTimePageData{Error: p.errText})
		return
	}
	openid := c.pageFollower(q)
	s.mu.Lock()
	u, ok := s.users[openid]
	if !ok {
		users := s.pageUsersLocked(c, q)
		s.mu.Unlock()
		d := oneTimePageData{Users: users}
		if len(users) == 0 {
			d.Error = "no simulated users yet: create one with NewUser"
		}
		c.oneTimePage(http.StatusOK, d)
		return
	}
	name := u.name
	s.mu.Unlock()
	c.oneTimePage(http.StatusOK, oneTimePageData{Account: s.acct.OriginalID, Name: name, AppID: p.appid, Scene: p.scene,
		TemplateID: p.templateID, Redirect: p.redirect, Reserved: p.reserved, OpenID: openid})
}

// handleOneTimeConsent serves the consent form: it records a confirmation
// and redirects to redirect_url with the result.
func (s *Sim) handleOneTimeConsent(c *call) {
	if err := c.r.ParseForm(); err != nil {
		c.oneTimePage(http.StatusBadRequest, oneTimePageData{Error: "bad form"})
		return
	}
	f := c.r.PostForm
	p := s.checkOneTime(f, false)
	if p.errText != "" {
		c.oneTimePage(http.StatusBadRequest, oneTimePageData{Error: p.errText})
		return
	}
	target, err := s.grantOneTime(p, f.Get("openid"), f.Get("action") == "confirm")
	if err != nil {
		c.oneTimePage(http.StatusBadRequest, oneTimePageData{Error: "unknown user"})
		return
	}
	http.Redirect(c.w, c.r, target, http.StatusFound)
}

// handleOneTimeSend serves POST /cgi-bin/message/template/subscribe (发送一次
// 性订阅消息): 40003 for an unknown user, 40037 for a template other than
// DefaultOneTimeTemplateID, 47001 without title or data or with a scene
// outside 0..10000, 45002 for a title over 15 or a text over 200
// characters, and 43101 unless the user confirmed this template and scene
// since the last message (one authorization, one message). The message
// reaches the follower's inbox as a DeliveryOneTime.
func (s *Sim) handleOneTimeSend(c *call) {
	var req struct {
		ToUser      string          `json:"touser"`
		TemplateID  string          `json:"template_id"`
		URL         string          `json:"url"`
		MiniProgram json.RawMessage `json:"miniprogram"`
		Scene       json.RawMessage `json:"scene"`
		Title       string          `json:"title"`
		Data        *struct {
			Content struct {
				Value string `json:"value"`
				Color string `json:"color"`
			} `json:"content"`
		} `json:"data"`
	}
	raw, ok := c.decodeBody(&req)
	if !ok {
		return
	}
	sceneText := strings.Trim(string(req.Scene), `"`)
	scene, err := strconv.Atoi(sceneText)
	switch {
	case req.Title == "" || req.Data == nil || err != nil || scene < 0 || scene > 10000:
		c.fail(47001)
		return
	case len([]rune(req.Title)) > 15 || len([]rune(req.Data.Content.Value)) > 200:
		c.fail(45002)
		return
	}
	u, ok := s.lockUser(c, req.ToUser)
	if !ok {
		return
	}
	if req.TemplateID != DefaultOneTimeTemplateID {
		s.mu.Unlock()
		c.fail(40037)
		return
	}
	st := s.surfaceLocked()
	key := oneTimeKey(u.openid, req.TemplateID, scene)
	if !st.oneTime[key] {
		s.mu.Unlock()
		c.failErr(errOneTimeRefused)
		return
	}
	delete(st.oneTime, key)
	s.deliverLocked(u, Delivery{Kind: DeliveryOneTime, MsgType: "subscribemsg", Time: c.now, Content: req.Data.Content.Value,
		TemplateID: req.TemplateID, URL: req.URL, Data: map[string]string{"title": req.Title, "content": req.Data.Content.Value,
			"scene": strconv.Itoa(scene)}, Raw: raw})
	s.mu.Unlock()
	c.ok()
}
