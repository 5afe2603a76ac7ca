package sim

import (
	"slices"
	"strconv"
	"strings"
)

// DefaultTemplateID is the template every simulator starts with (模板消息):
//
//	{{first.DATA}}
//	订单号：{{keyword1.DATA}}
//	金额：{{keyword2.DATA}}
//	{{remark.DATA}}
const DefaultTemplateID = "TM00001-sim"

type tmplMsg struct {
	ID              string `json:"template_id"`
	Title           string `json:"title"`
	PrimaryIndustry string `json:"primary_industry"`
	DeputyIndustry  string `json:"deputy_industry"`
	Content         string `json:"content"`
	Example         string `json:"example"`
}

// industry returns the classes of an industry code of the template message
// industry table (所属行业).
func industry(id int) (first, second string, ok bool) {
	const table = "IT科技/互联网|电子商务;IT科技/IT软件与服务;IT科技/IT硬件与设备;IT科技/电子技术;IT科技/通信与运营商;IT科技/网络游戏;" +
		"金融业/银行;金融业/基金理财信托;金融业/保险;餐饮/餐饮;酒店旅游/酒店;酒店旅游/旅游;运输与仓储/快递;运输与仓储/物流;运输与仓储/仓储;" +
		"教育/培训;教育/院校;政府与公共事业/学术科研;政府与公共事业/交警;政府与公共事业/博物馆;政府与公共事业/公共事业非盈利机构;" +
		"医药护理/医药医疗;医药护理/护理美容;医药护理/保健与卫生;交通工具/汽车相关;交通工具/摩托车相关;交通工具/火车相关;交通工具/飞机相关;" +
		"房地产/建筑;房地产/物业;消费品/消费品;商业服务/法律;商业服务/会展;商业服务/中介服务;商业服务/认证;商业服务/审计;" +
		"文体娱乐/传媒;文体娱乐/体育;文体娱乐/娱乐休闲;印刷/印刷;其它/其它"
	rows := strings.Split(table, ";")
	if id < 1 || id > len(rows) {
		return "", "", false
	}
	first, second, _ = strings.Cut(rows[id-1], "/")
	return first, second, true
}

// AddTemplate adds a private template with the given title and content
// (using {{name.DATA}} placeholders) and returns its template_id, as
// api_add_template would.
func (s *Sim) AddTemplate(title, content string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addTemplateLocked(title, content)
}

func (s *Sim) addTemplateLocked(title, content string) string {
	first, second, _ := industry(s.industry[0])
	t := &tmplMsg{ID: randText(43), Title: title, PrimaryIndustry: first, DeputyIndustry: second, Content: content}
	s.templates = append(s.templates, t)
	return t.ID
}

// render substitutes {{name.DATA}} placeholders.
func render(content string, data map[string]string) string {
	var b strings.Builder
	for {
		i := strings.Index(content, "{{")
		if i < 0 {
			b.WriteString(content)
			return b.String()
		}
		j := strings.Index(content[i:], ".DATA}}")
		if j < 0 {
			b.WriteString(content)
			return b.String()
		}
		b.WriteString(content[:i])
		b.WriteString(data[content[i+2:i+j]])
		content = content[i+j+len(".DATA}}"):]
	}
}

// handleTemplateSend serves POST /cgi-bin/message/template/send (发送模板消息):
// the template must exist (40037), the user must follow (43004). The
// message goes to the inbox and a TEMPLATESENDJOBFINISH event (Status
// success) is pushed to the callback afterwards.
func (s *Sim) handleTemplateSend(c *call) {
	var req struct {
		ToUser      string `json:"touser"`
		TemplateID  string `json:"template_id"`
		URL         string `json:"url"`
		ClientMsgID string `json:"client_msg_id"`
		MiniProgram *struct {
			AppID    string `json:"appid"`
			PagePath string `json:"pagepath"`
		} `json:"miniprogram"`
		Data map[string]struct {
			Value string `json:"value"`
			Color string `json:"color"`
		} `json:"data"`
	}
	raw, ok := c.decodeBody(&req)
	if !ok {
		return
	}
	if req.TemplateID == "" {
		c.fail(40037)
		return
	}
	u, ok := s.lockUser(c, req.ToUser)
	if !ok {
		return
	}
	i := slices.IndexFunc(s.templates, func(t *tmplMsg) bool { return t.ID == req.TemplateID })
	if i < 0 {
		s.mu.Unlock()
		c.fail(40037)
		return
	}
	if !u.subscribed {
		s.mu.Unlock()
		c.fail(43004)
		return
	}
	if code := s.checkMiniProgramLocked(req.MiniProgram != nil, appIDOf(req.MiniProgram)); code != 0 {
		s.mu.Unlock()
		c.fail(code)
		return
	}
	data := map[string]string{}
	for k, v := range req.Data {
		data[k] = v.Value
	}
	id := s.nextSeq() % 10000000000
	s.deliverLocked(u, Delivery{Kind: DeliveryTemplate, MsgType: "template", Time: c.now,
		Content: render(s.templates[i].Content, data), TemplateID: req.TemplateID, URL: req.URL, Data: data, MsgID: id, Raw: raw})
	x := s.header(u.openid, "event", c.now)
	x.cdata("Event", "TEMPLATESENDJOBFINISH")
	x.num("MsgID", itoa(id))
	x.cdata("Status", "success")
	s.mu.Unlock()
	s.pushSystem(u.openid, x.done())
	c.json(map[string]any{"errcode": 0, "errmsg": "ok", "msgid": id})
}

// handleTemplateList serves GET /cgi-bin/template/get_all_private_template
// (获取模板列表).
func (s *Sim) handleTemplateList(c *call) {
	s.mu.Lock()
	list := make([]tmplMsg, 0, len(s.templates))
	for _, t := range s.templates {
		list = append(list, *t)
	}
	s.mu.Unlock()
	c.json(map[string]any{"template_list": list})
}

// handleSetIndustry serves POST /cgi-bin/template/api_set_industry (设置所属行业):
// industry codes 1..41 (40097 otherwise).
func (s *Sim) handleSetIndustry(c *call) {
	var req struct {
		ID1 string `json:"industry_id1"`
		ID2 string `json:"industry_id2"`
	}
	if !c.decode(&req) {
		return
	}
	a, err1 := strconv.Atoi(req.ID1)
	b, err2 := strconv.Atoi(req.ID2)
	_, _, ok1 := industry(a)
	_, _, ok2 := industry(b)
	if err1 != nil || err2 != nil || !ok1 || !ok2 {
		c.fail(40097)
		return
	}
	s.mu.Lock()
	s.industry = [2]int{a, b}
	s.mu.Unlock()
	c.ok()
}

// handleGetIndustry serves GET /cgi-bin/template/get_industry (获取设置的行业信息).
func (s *Sim) handleGetIndustry(c *call) {
	s.mu.Lock()
	ind := s.industry
	s.mu.Unlock()
	cls := func(id int) map[string]string {
		f, sc, _ := industry(id)
		return map[string]string{"first_class": f, "second_class": sc}
	}
	c.json(map[string]any{"primary_industry": cls(ind[0]), "secondary_industry": cls(ind[1])})
}

// handleTemplateDelete serves POST /cgi-bin/template/del_private_template (删除模板).
func (s *Sim) handleTemplateDelete(c *call) {
	var req struct {
		TemplateID string `json:"template_id"`
	}
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.templates, func(t *tmplMsg) bool { return t.ID == req.TemplateID })
	if i < 0 {
		c.fail(40037)
		return
	}
	s.templates = slices.Delete(s.templates, i, i+1)
	c.ok()
}

// handleTemplateAdd serves POST /cgi-bin/template/api_add_template (获得模板ID):
// any template_id_short is accepted (40037 if empty); the content has
// first, one line per keyword_name_list entry (keyword1...) and remark. At
// most 25 templates (45026).
func (s *Sim) handleTemplateAdd(c *call) {
	var req struct {
		Short    string   `json:"template_id_short"`
		Keywords []string `json:"keyword_name_list"`
	}
	if !c.decode(&req) {
		return
	}
	if req.Short == "" {
		c.fail(40037)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.templates) >= 25 {
		c.fail(45026)
		return
	}
	content := "{{first.DATA}}\n"
	for i, k := range req.Keywords {
		content += k + "：{{keyword" + itoa(int64(i+1)) + ".DATA}}\n"
	}
	if len(req.Keywords) == 0 {
		content += "{{keyword1.DATA}}\n"
	}
	content += "{{remark.DATA}}"
	id := s.addTemplateLocked("模板 "+req.Short, content)
	c.json(map[string]any{"errcode": 0, "errmsg": "ok", "template_id": id})
}
