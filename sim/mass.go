package sim

import (
	"encoding/json"
	"slices"
	"time"
)

type massJob struct {
	id      int64
	at      time.Time
	deleted bool
}

// clientMsgIDWindow is how long a send's clientmsgid refuses another send
// with the same id (重复消息不发送: 24 hours).
const clientMsgIDWindow = 24 * time.Hour

type massReq struct {
	Filter *struct {
		IsToAll bool            `json:"is_to_all"`
		TagID   json.RawMessage `json:"tag_id"`
	} `json:"filter"`
	ToUser      json.RawMessage `json:"touser"`
	MsgType     string          `json:"msgtype"`
	ClientMsgID string          `json:"clientmsgid"`
	Text        *struct {
		Content string `json:"content"`
	} `json:"text"`
	MpNews  *mediaRef `json:"mpnews"`
	Voice   *mediaRef `json:"voice"`
	MpVideo *mediaRef `json:"mpvideo"`
	Image   *mediaRef `json:"image"`
	Images  *struct {
		MediaIDs []string `json:"media_ids"`
	} `json:"images"`
	WxCard *struct {
		CardID string `json:"card_id"`
	} `json:"wxcard"`
}

// massContentLocked validates the message of a mass send and returns its
// delivery template or an errcode. s.mu held.
func (s *Sim) massContentLocked(r *massReq) (Delivery, int) {
	d := Delivery{Kind: DeliveryMass, MsgType: r.MsgType}
	media := func(m *mediaRef) int {
		if m == nil || m.MediaID == "" {
			return 41006
		}
		if !s.mediaExistsLocked(m.MediaID) {
			return 40007
		}
		d.MediaID = m.MediaID
		return 0
	}
	switch r.MsgType {
	case "text":
		if r.Text == nil || r.Text.Content == "" {
			return d, 44004
		}
		d.Content = r.Text.Content
	case "mpnews":
		return d, media(r.MpNews)
	case "voice":
		return d, media(r.Voice)
	case "mpvideo":
		return d, media(r.MpVideo)
	case "image":
		if r.Images != nil && len(r.Images.MediaIDs) > 0 {
			for _, id := range r.Images.MediaIDs {
				if code := media(&mediaRef{MediaID: id}); code != 0 {
					return d, code
				}
			}
			d.MediaID = r.Images.MediaIDs[0]
			return d, 0
		}
		return d, media(r.Image)
	case "wxcard":
		if r.WxCard == nil || r.WxCard.CardID == "" {
			return d, 40097
		}
		d.Content = r.WxCard.CardID
	default:
		return d, 40008
	}
	return d, 0
}

// duplicateLocked returns the earlier send that used clientmsgid within
// the last 24 hours, if any: WeChat then refuses the new send with 45065
// and the existing msg_id. s.mu held.
func (s *Sim) duplicateLocked(clientMsgID string, now time.Time) (*massJob, bool) {
	if clientMsgID == "" {
		return nil, false
	}
	j, ok := s.massClient[clientMsgID]
	return j, ok && now.Sub(j.at) < clientMsgIDWindow
}

// failDuplicate answers a refused repeat of an earlier send.
func (c *call) failDuplicate(j *massJob) {
	c.json(map[string]any{"errcode": 45065, "errmsg": errMsg(45065), "msg_id": j.id})
}

// massDeliverLocked delivers d to the targets and pushes MASSSENDJOBFINISH.
// s.mu held; the push happens after the caller unlocks (returned func).
func (s *Sim) massDeliverLocked(d Delivery, raw []byte, clientMsgID string, total int, targets []*userState) (int64, func()) {
	id := s.nextSeq() % 10000000000
	job := &massJob{id: id, at: s.now()}
	s.massJobs[id] = job
	if clientMsgID != "" {
		s.massClient[clientMsgID] = job
	}
	d.MsgID, d.Raw, d.Time = id, raw, s.now()
	targets = s.massReceiversLocked(targets, d.Time)
	for _, u := range targets {
		s.deliverLocked(u, d)
	}
	x := s.header(s.adminOpenID(), "event", d.Time)
	x.cdata("Event", "MASSSENDJOBFINISH")
	x.num("MsgID", itoa(id))
	x.cdata("Status", "send success")
	x.num("TotalCount", itoa(int64(total)))
	x.num("FilterCount", itoa(int64(len(targets))))
	x.num("SentCount", itoa(int64(len(targets))))
	x.num("ErrorCount", itoa(int64(total-len(targets))))
	x.raw("<CopyrightCheckResult><Count>0</Count><ResultList></ResultList><CheckState>1</CheckState></CopyrightCheckResult>")
	body := x.done()
	admin := s.adminOpenID()
	return id, func() { s.pushSystem(admin, body) }
}

// handleMassSendAll serves POST /cgi-bin/message/mass/sendall (根据标签进行群发):
// to every follower (is_to_all) or to the followers with tag_id (45159 for
// an unknown tag). Blacklisted followers are skipped. A clientmsgid used
// by a send of the last 24 hours answers 45065 with that send's msg_id.
func (s *Sim) handleMassSendAll(c *call) {
	raw, ok := c.body()
	if !ok {
		return
	}
	var req massReq
	if err := json.Unmarshal(raw, &req); err != nil || req.Filter == nil {
		c.fail(47001)
		return
	}
	s.mu.Lock()
	d, code := s.massContentLocked(&req)
	if code != 0 {
		s.mu.Unlock()
		c.fail(code)
		return
	}
	if j, dup := s.duplicateLocked(req.ClientMsgID, c.now); dup {
		s.mu.Unlock()
		c.failDuplicate(j)
		return
	}
	if code := s.massAllowedLocked(c.now); code != 0 {
		s.mu.Unlock()
		c.fail(code)
		return
	}
	tagID := -1
	if !req.Filter.IsToAll {
		n, err := itoaParse(rawString(req.Filter.TagID))
		if _, ok := s.tags[n]; err != nil || !ok {
			s.mu.Unlock()
			c.fail(45159)
			return
		}
		tagID = n
	}
	var targets []*userState
	total := 0
	for _, id := range s.order {
		u := s.users[id]
		if !u.subscribed || (tagID >= 0 && !slices.Contains(u.tags, tagID)) {
			continue
		}
		total++
		if !u.blacklisted {
			targets = append(targets, u)
		}
	}
	id, after := s.massDeliverLocked(d, raw, req.ClientMsgID, total, targets)
	s.mu.Unlock()
	after()
	out := map[string]any{"errcode": 0, "errmsg": "send job submission success", "msg_id": id}
	if req.MsgType == "mpnews" {
		out["msg_data_id"] = id*10 + 1
	}
	c.json(out)
}

func itoaParse(s string) (int, error) {
	var n int
	err := json.Unmarshal([]byte(s), &n)
	return n, err
}

// handleMassSend serves POST /cgi-bin/message/mass/send (根据OpenID列表群发):
// 2..10000 openids (40130); unknown, unfollowed and blacklisted users are
// filtered out; clientmsgid as for sendall.
func (s *Sim) handleMassSend(c *call) {
	raw, ok := c.body()
	if !ok {
		return
	}
	var req massReq
	var to []string
	if err := json.Unmarshal(raw, &req); err != nil || json.Unmarshal(req.ToUser, &to) != nil {
		c.fail(47001)
		return
	}
	if len(to) < 2 || len(to) > 10000 {
		c.fail(40130)
		return
	}
	s.mu.Lock()
	d, code := s.massContentLocked(&req)
	if code != 0 {
		s.mu.Unlock()
		c.fail(code)
		return
	}
	if j, dup := s.duplicateLocked(req.ClientMsgID, c.now); dup {
		s.mu.Unlock()
		c.failDuplicate(j)
		return
	}
	if code := s.massAllowedLocked(c.now); code != 0 {
		s.mu.Unlock()
		c.fail(code)
		return
	}
	var targets []*userState
	seen := map[string]bool{}
	for _, id := range to {
		u, ok := s.users[id]
		if ok && u.subscribed && !u.blacklisted && !seen[id] {
			targets = append(targets, u)
		}
		seen[id] = true
	}
	id, after := s.massDeliverLocked(d, raw, req.ClientMsgID, len(to), targets)
	s.mu.Unlock()
	after()
	out := map[string]any{"errcode": 0, "errmsg": "send job submission success", "msg_id": id}
	if req.MsgType == "mpnews" {
		out["msg_data_id"] = id*10 + 1
	}
	c.json(out)
}

// handleMassPreview serves POST /cgi-bin/message/mass/preview (预览接口):
// touser is one follower's openid (40003 unknown, 43004 not following).
func (s *Sim) handleMassPreview(c *call) {
	raw, ok := c.body()
	if !ok {
		return
	}
	var req massReq
	var to string
	if err := json.Unmarshal(raw, &req); err != nil || json.Unmarshal(req.ToUser, &to) != nil {
		c.fail(47001)
		return
	}
	u, ok := s.lockUser(c, to)
	if !ok {
		return
	}
	defer s.mu.Unlock()
	d, code := s.massContentLocked(&req)
	if code != 0 {
		c.fail(code)
		return
	}
	if !u.subscribed {
		c.fail(43004)
		return
	}
	id := s.nextSeq() % 10000000000
	d.MsgID, d.Raw, d.Time = id, raw, c.now
	s.deliverLocked(u, d)
	c.json(map[string]any{"errcode": 0, "errmsg": "preview success", "msg_id": id})
}

func (s *Sim) massJob(c *call) (*massJob, bool) {
	var req struct {
		MsgID      json.RawMessage `json:"msg_id"`
		ArticleIdx int             `json:"article_idx"`
	}
	if !c.decode(&req) {
		return nil, false
	}
	id, err := itoaParse(rawString(req.MsgID))
	s.mu.Lock()
	j, ok := s.massJobs[int64(id)]
	s.mu.Unlock()
	if err != nil || !ok {
		c.fail(40097)
		return nil, false
	}
	return j, true
}

// handleMassGet serves POST /cgi-bin/message/mass/get (查询群发消息发送状态):
// jobs finish at once (SEND_SUCCESS); deleted ones answer DELETE.
func (s *Sim) handleMassGet(c *call) {
	j, ok := s.massJob(c)
	if !ok {
		return
	}
	s.mu.Lock()
	status := "SEND_SUCCESS"
	if j.deleted {
		status = "DELETE"
	}
	s.mu.Unlock()
	c.json(map[string]any{"msg_id": j.id, "msg_status": status})
}

// handleMassDelete serves POST /cgi-bin/message/mass/delete (删除群发).
func (s *Sim) handleMassDelete(c *call) {
	j, ok := s.massJob(c)
	if !ok {
		return
	}
	s.mu.Lock()
	j.deleted = true
	s.mu.Unlock()
	c.ok()
}

func massRealSpeed(speed int) int {
	return [...]int{80, 60, 45, 30, 10}[speed]
}

// handleMassSpeedGet serves POST /cgi-bin/message/mass/speed/get (获取群发速度).
func (s *Sim) handleMassSpeedGet(c *call) {
	s.mu.Lock()
	sp := s.massSpeed
	s.mu.Unlock()
	c.json(map[string]int{"speed": sp, "realspeed": massRealSpeed(sp)})
}

// handleMassSpeedSet serves POST /cgi-bin/message/mass/speed/set (设置群发速度):
// speed 0..4 (45083), required (45084).
func (s *Sim) handleMassSpeedSet(c *call) {
	var req struct {
		Speed *int `json:"speed"`
	}
	if !c.decode(&req) {
		return
	}
	if req.Speed == nil {
		c.fail(45084)
		return
	}
	if *req.Speed < 0 || *req.Speed > 4 {
		c.fail(45083)
		return
	}
	s.mu.Lock()
	s.massSpeed = *req.Speed
	s.mu.Unlock()
	c.ok()
}
