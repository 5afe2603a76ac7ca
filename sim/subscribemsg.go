package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// 订阅通知 (subscription notifications): the account picks templates from
// the public library (wxaapi/newtmpl), a follower accepts or rejects them in
// a popup (Follower.AnswerSubscribePopup, pushing subscribe_msg_popup_event),
// and subscribe/bizsend delivers a notification only to a follower who
// accepted that template (43101 otherwise): once per acceptance for a
// one-time template, until refused for a long-term one. Each delivery
// pushes subscribe_msg_sent_event.

// DeliverySubscribe is the Kind of a subscription notification (订阅通知).
const DeliverySubscribe DeliveryKind = "subscribe"

// Errcodes of 订阅通知.
const (
	errSubRefused      = 43101  // user refuse to accept the msg
	errSubBadData      = 47003  // argument invalid (template data)
	errSubTmplLimit    = 200012 // 个人模板数已达上限
	errSubBadTID       = 200014 // 模版 tid 参数错误
	errSubBadStart     = 200016 // start 参数错误
	errSubBadLimit     = 200017 // limit 参数错误
	errSubNoIDs        = 200018 // 类目 ids 缺失
	errSubBadIDs       = 200019 // 类目 ids 不合法
	errSubBadKidList   = 200020 // 关键词列表 kidList 参数错误
	errSubBadSceneDesc = 200021 // 场景描述 sceneDesc 参数错误
)

// Subscription template types.
const (
	subOneTime  = 2 // 一次性订阅
	subLongTerm = 3 // 长期订阅
)

func init() {
	registerErrMsgs(map[int]string{
		errSubRefused:      "user refuse to accept the msg",
		errSubBadData:      "argument invalid! data.thing1.value invalid",
		errSubTmplLimit:    "template count of the account out of limit",
		errSubBadTID:       "invalid tid",
		errSubBadStart:     "invalid start",
		errSubBadLimit:     "invalid limit",
		errSubNoIDs:        "missing ids",
		errSubBadIDs:       "invalid ids",
		errSubBadKidList:   "invalid kidList",
		errSubBadSceneDesc: "invalid sceneDesc",
	})
	registerRoutes(func(s *Sim) map[string]route {
		return map[string]route{
			"/cgi-bin/message/subscribe/bizsend":     postRoute(true, s.handleBizSend),
			"/wxaapi/newtmpl/getcategory":            getRoute(true, s.handleSubCategories),
			"/wxaapi/newtmpl/getpubtemplatetitles":   getRoute(true, s.handleSubTitles),
			"/wxaapi/newtmpl/getpubtemplatekeywords": getRoute(true, s.handleSubKeywords),
			"/wxaapi/newtmpl/addtemplate":            postRoute(true, s.handleSubAdd),
			"/wxaapi/newtmpl/deltemplate":            postRoute(true, s.handleSubDel),
			"/wxaapi/newtmpl/gettemplate":            getRoute(true, s.handleSubList),
		}
	})
}

// The public template library of the simulated account's categories.
type subCategory struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

type subKeyword struct {
	KID     int    `json:"kid"`
	Name    string `json:"name"`
	Example string `json:"example"`
	Rule    string `json:"rule"`
}

type subTitle struct {
	TID        int    `json:"tid"`
	Title      string `json:"title"`
	Type       int    `json:"type"`
	CategoryID string `json:"categoryId"`
	keywords   []subKeyword
}

var subCategories = []subCategory{{ID: 616, Name: "公交"}, {ID: 307, Name: "电商平台"}}

var subTitles = []subTitle{
	{TID: 99, Title: "订单发货通知", Type: subOneTime, CategoryID: "307", keywords: []subKeyword{
		{1, "商品名称", "帆布鞋", "thing"}, {2, "快递公司", "顺丰速运", "thing"},
		{3, "快递单号", "SF1234567890", "character_string"}, {4, "发货时间", "2024年01月01日 12:00", "time"},
		{5, "备注", "请注意查收", "thing"}}},
	{TID: 100, Title: "订单支付成功通知", Type: subOneTime, CategoryID: "307", keywords: []subKeyword{
		{1, "订单编号", "20240101000001", "character_string"}, {2, "支付金额", "99.00元", "amount"},
		{3, "支付时间", "2024年01月01日 12:00", "time"}}},
	{TID: 201, Title: "线路变更提醒", Type: subLongTerm, CategoryID: "616", keywords: []subKeyword{
		{1, "线路名称", "10路", "thing"}, {2, "变更内容", "临时改道", "thing"}, {3, "生效时间", "2024年01月01日", "time"}}},
}

// subState is the 订阅通知 state, guarded by s.mu.
type subState struct {
	templates []*subTemplate
	grants    map[string]map[string]int // openid -> priTmplId -> one-time sends left (-1: long-term)
}

type subTemplate struct {
	PriTmplID string `json:"priTmplId"`
	Title     string `json:"title"`
	Content   string `json:"content"`
	Example   string `json:"example"`
	Type      int    `json:"type"`
}

func (s *Sim) subLocked() *subState {
	if s.subMsg == nil {
		s.subMsg = &subState{grants: map[string]map[string]int{}}
	}
	return s.subMsg
}

func (st *subState) template(id string) *subTemplate {
	for _, t := range st.templates {
		if t.PriTmplID == id {
			return t
		}
	}
	return nil
}

// AddSubscribeTemplate adds a subscription template to the account, as its
// operator would in the admin console, and returns its priTmplId. kind is
// 2 (one-time) or 3 (long-term); content uses {{name.DATA}} placeholders.
func (s *Sim) AddSubscribeTemplate(title, content string, kind int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := &subTemplate{PriTmplID: hashID(43, "subtmpl", title, content, itoa(s.nextSeq())), Title: title, Content: content, Type: kind}
	s.subLocked().templates = append(s.subLocked().templates, t)
	return t.PriTmplID
}

// SubscribeChoice is a follower's answer for one template of a
// subscription popup.
type SubscribeChoice struct {
	TemplateID string // priTmplId
	Accept     bool
}

// AnswerSubscribePopup answers a 订阅通知 popup shown in an article
// (PopupScene 2), pushing subscribe_msg_popup_event with one List entry per
// choice. Accepting a one-time template allows one notification; a
// long-term one allows them until refused.
func (f *Follower) AnswerSubscribePopup(ctx context.Context, choices ...SubscribeChoice) (*Reply, error) {
	if len(choices) == 0 {
		return nil, fmt.Errorf("%w: no template in the popup", ErrInvalidFollowerOp)
	}
	return f.action(ctx, func(u *userState, now time.Time) ([]byte, error) {
		st := f.s.subLocked()
		for _, c := range choices {
			if st.template(c.TemplateID) == nil {
				return nil, fmt.Errorf("%w: no subscription template %q", ErrInvalidFollowerOp, c.TemplateID)
			}
		}
		g := st.grants[u.openid]
		if g == nil {
			g = map[string]int{}
			st.grants[u.openid] = g
		}
		x := f.s.header(u.openid, "event", now)
		x.cdata("Event", "subscribe_msg_popup_event")
		x.raw("<SubscribeMsgPopupEvent>")
		for _, c := range choices {
			status := "reject"
			switch t := st.template(c.TemplateID); {
			case !c.Accept:
				delete(g, c.TemplateID)
			case t.Type == subLongTerm:
				status, g[c.TemplateID] = "accept", -1
			default:
				status = "accept"
				g[c.TemplateID]++
			}
			x.raw("<List>")
			x.cdata("TemplateId", c.TemplateID)
			x.cdata("SubscribeStatusString", status)
			x.num("PopupScene", "2")
			x.raw("</List>")
		}
		x.raw("</SubscribeMsgPopupEvent>")
		return x.done(), nil
	})
}

// RefuseSubscribeMsg refuses templates in the notification settings (用户管理
// 订阅通知), pushing subscribe_msg_change_event.
func (f *Follower) RefuseSubscribeMsg(ctx context.Context, templateIDs ...string) (*Reply, error) {
	if len(templateIDs) == 0 {
		return nil, fmt.Errorf("%w: no template", ErrInvalidFollowerOp)
	}
	return f.action(ctx, func(u *userState, now time.Time) ([]byte, error) {
		g := f.s.subLocked().grants[u.openid]
		x := f.s.header(u.openid, "event", now)
		x.cdata("Event", "subscribe_msg_change_event")
		x.raw("<SubscribeMsgChangeEvent>")
		for _, id := range templateIDs {
			delete(g, id)
			x.raw("<List>")
			x.cdata("TemplateId", id)
			x.cdata("SubscribeStatusString", "reject")
			x.raw("</List>")
		}
		x.raw("</SubscribeMsgChangeEvent>")
		return x.done(), nil
	})
}

var placeholder = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_]+)\.DATA\s*\}\}`)

// handleBizSend serves POST /cgi-bin/message/subscribe/bizsend (发送订阅通知):
// the follower must have accepted the template (43101), every placeholder
// of the template needs a value within its type's length (47003).
func (s *Sim) handleBizSend(c *call) {
	var req struct {
		ToUser      string `json:"touser"`
		TemplateID  string `json:"template_id"`
		Page        string `json:"page"`
		MiniProgram *struct {
			AppID    string `json:"appid"`
			PagePath string `json:"pagepath"`
		} `json:"miniprogram"`
		Data map[string]struct {
			Value string `json:"value"`
		} `json:"data"`
	}
	raw, ok := c.decodeBody(&req)
	if !ok {
		return
	}
	u, ok := s.lockUser(c, req.ToUser)
	if !ok {
		return
	}
	defer s.mu.Unlock()
	st := s.subLocked()
	t := st.template(req.TemplateID)
	if t == nil {
		c.fail(40037)
		return
	}
	if code := s.checkMiniProgramLocked(req.MiniProgram != nil, appIDOf(req.MiniProgram)); code != 0 {
		c.fail(code)
		return
	}
	data := map[string]string{}
	for _, m := range placeholder.FindAllStringSubmatch(t.Content, -1) {
		v, ok := req.Data[m[1]]
		if !ok || v.Value == "" || len([]rune(v.Value)) > subValueLimit(m[1]) {
			c.failErr(&apiError{Code: errSubBadData, Msg: "argument invalid! data." + m[1] + ".value invalid"})
			return
		}
		data[m[1]] = v.Value
	}
	g := st.grants[u.openid]
	left, granted := g[t.PriTmplID]
	if !granted || left == 0 {
		c.fail(errSubRefused)
		return
	}
	if left > 0 {
		if left == 1 {
			delete(g, t.PriTmplID)
		} else {
			g[t.PriTmplID] = left - 1
		}
	}
	id := s.nextSeq()
	content := placeholder.ReplaceAllStringFunc(t.Content, func(p string) string {
		return data[placeholder.FindStringSubmatch(p)[1]]
	})
	s.deliverLocked(u, Delivery{Kind: DeliverySubscribe, MsgType: "subscribe", Time: c.now, Content: content,
		TemplateID: t.PriTmplID, URL: req.Page, Data: data, MsgID: id, Raw: raw})
	x := s.header(u.openid, "event", c.now)
	x.cdata("Event", "subscribe_msg_sent_event")
	x.raw("<SubscribeMsgSentEvent><List>")
	x.cdata("TemplateId", t.PriTmplID)
	x.num("MsgID", itoa(id))
	x.num("ErrorCode", "0")
	x.cdata("ErrorStatus", "success")
	x.raw("</List></SubscribeMsgSentEvent>")
	s.pushSystemLocked(u.openid, x.done())
	c.ok()
}

func appIDOf(m *struct {
	AppID    string `json:"appid"`
	PagePath string `json:"pagepath"`
}) string {
	if m == nil {
		return ""
	}
	return m.AppID
}

// handleSubCategories serves GET /wxaapi/newtmpl/getcategory (获取公众号类目).
func (s *Sim) handleSubCategories(c *call) {
	c.json(map[string]any{"errcode": 0, "errmsg": "ok", "data": subCategories})
}

// handleSubTitles serves GET /wxaapi/newtmpl/getpubtemplatetitles?ids=&start=&limit=
// (获取类目下的公共模板): ids comma-separated category ids, start from 0,
// limit 1 to 30.
func (s *Sim) handleSubTitles(c *call) {
	ids := c.query("ids")
	if ids == "" {
		c.fail(errSubNoIDs)
		return
	}
	cats := map[string]bool{}
	for _, id := range strings.Split(ids, ",") {
		if !slices.ContainsFunc(subCategories, func(k subCategory) bool { return strconv.Itoa(k.ID) == id }) {
			c.fail(errSubBadIDs)
			return
		}
		cats[id] = true
	}
	start, err := strconv.Atoi(c.query("start"))
	if err != nil || start < 0 {
		c.fail(errSubBadStart)
		return
	}
	limit, err := strconv.Atoi(c.query("limit"))
	if err != nil || limit < 1 || limit > 30 {
		c.fail(errSubBadLimit)
		return
	}
	var all []subTitle
	for _, t := range subTitles {
		if cats[t.CategoryID] {
			all = append(all, t)
		}
	}
	page := []subTitle{}
	if start < len(all) {
		page = all[start:min(len(all), start+limit)]
	}
	c.json(map[string]any{"errcode": 0, "errmsg": "ok", "count": len(all), "data": page})
}

func findTitle(tid string) *subTitle {
	for i := range subTitles {
		if strconv.Itoa(subTitles[i].TID) == tid {
			return &subTitles[i]
		}
	}
	return nil
}

// handleSubKeywords serves GET /wxaapi/newtmpl/getpubtemplatekeywords?tid=
// (获取模板中的关键词).
func (s *Sim) handleSubKeywords(c *call) {
	t := findTitle(c.query("tid"))
	if t == nil {
		c.fail(errSubBadTID)
		return
	}
	c.json(map[string]any{"errcode": 0, "errmsg": "ok", "count": len(t.keywords), "data": t.keywords})
}

// handleSubAdd serves POST /wxaapi/newtmpl/addtemplate (选用模板): tid of the
// library, kidList 2 to 5 distinct keyword ids, sceneDesc up to 15
// characters; at most 50 templates.
func (s *Sim) handleSubAdd(c *call) {
	var req struct {
		TID       json.Number `json:"tid"`
		KIDList   []int       `json:"kidList"`
		SceneDesc string      `json:"sceneDesc"`
	}
	if !c.decode(&req) {
		return
	}
	t := findTitle(req.TID.String())
	if t == nil {
		c.fail(errSubBadTID)
		return
	}
	if n := len(req.KIDList); n < 2 || n > 5 {
		c.fail(errSubBadKidList)
		return
	}
	var lines []string
	seen := map[int]bool{}
	for _, kid := range req.KIDList {
		i := slices.IndexFunc(t.keywords, func(k subKeyword) bool { return k.KID == kid })
		if i < 0 || seen[kid] {
			c.fail(errSubBadKidList)
			return
		}
		seen[kid] = true
		k := t.keywords[i]
		lines = append(lines, k.Name+":{{"+k.Rule+strconv.Itoa(k.KID)+".DATA}}")
	}
	if n := len([]rune(req.SceneDesc)); n == 0 || n > 15 {
		c.fail(errSubBadSceneDesc)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.subLocked()
	if len(st.templates) >= 50 {
		c.fail(errSubTmplLimit)
		return
	}
	tm := &subTemplate{PriTmplID: hashID(43, "subtmpl", t.Title, strings.Join(lines, "\n"), itoa(s.nextSeq())),
		Title: t.Title, Content: strings.Join(lines, "\n"), Type: t.Type}
	st.templates = append(st.templates, tm)
	c.json(map[string]any{"errcode": 0, "errmsg": "ok", "priTmplId": tm.PriTmplID})
}

// handleSubDel serves POST /wxaapi/newtmpl/deltemplate (删除模板).
func (s *Sim) handleSubDel(c *call) {
	var req struct {
		PriTmplID string `json:"priTmplId"`
	}
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.subLocked()
	if st.template(req.PriTmplID) == nil {
		c.fail(40037)
		return
	}
	st.templates = slices.DeleteFunc(st.templates, func(t *subTemplate) bool { return t.PriTmplID == req.PriTmplID })
	c.ok()
}

// handleSubList serves GET /wxaapi/newtmpl/gettemplate (获取私有模板列表).
func (s *Sim) handleSubList(c *call) {
	s.mu.Lock()
	list := []subTemplate{}
	for _, t := range s.subLocked().templates {
		list = append(list, *t)
	}
	s.mu.Unlock()
	c.json(map[string]any{"errcode": 0, "errmsg": "ok", "data": list})
}

// subValueLimit returns the documented length limit of a keyword's value
// (订阅通知参数值内容限制) by its type (thing1 → 20); types without one
// (time, date, amount ...) get a generous bound.
func subValueLimit(keyword string) int {
	typ := strings.TrimRight(keyword, "0123456789")
	switch typ {
	case "thing", "name":
		return 20
	case "number", "letter", "character_string":
		return 32
	case "symbol", "phrase":
		return 5
	case "phone_number":
		return 17
	case "car_number":
		return 8
	}
	return 200
}
