package sim

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// 客服管理: the account's customer-service workers, their sessions with
// followers, the waiting queue and the chat record (聊天记录), as the
// official 多客服 docs describe them:
//
//   - A follower whose message the developer answers with a
//     transfer_customer_service reply enters the waiting queue
//     (getwaitcase), or a session at once when the reply names a bound
//     account (TransInfo/KfAccount).
//   - kfsession/create, a worker accepting from the queue (Sim.KfAccept) and
//     kfsession/close open and close sessions; Sim.KfSwitch moves one to
//     another worker. Each pushes kf_create_session, kf_close_session or
//     kf_switch_session to the callback URL.
//   - Messages a follower sends during a session (opercode 2003) and the
//     customer-service messages a worker sends them (2002) make the chat
//     record of msgrecord/getmsglist.
//   - kfaccount/inviteworker invites a WeChat user to bind an account; the
//     invitee accepts with Sim.AcceptKfInvite. Bound accounts are online
//     (web, status 1) and can serve sessions.

// Errcodes of 客服管理.
const (
	errKfInvalidAccount = 65401 // 无效客服帐号
	errKfUnbound        = 65402 // 客服帐号尚未绑定微信号，不能投入使用
	errKfInviteBound    = 65407 // 邀请对象已经是该公众号客服
	errKfInviteWaiting  = 65408 // 本公众号已经有一个邀请给该微信
	errKfInvalidWx      = 65409 // 无效的微信号
	errKfInvitePending  = 65411 // 该帐号已经有一个等待确认的邀请
	errKfAlreadyBound   = 65412 // 该帐号已经绑定微信号
	errKfNoSession      = 65413 // 不存在对应用户的会话信息
	errKfServedByOther  = 65414 // 粉丝正在被其他客服接待
	errKfOffline        = 65415 // 客服不在线
	errKfBadQuery       = 65416 // 查询参数不合法
	errKfPeriod         = 65417 // 查询时间段超出限制
)

// KfInviteTTL is how long an invitation to bind a customer-service account
// waits for the invitee (7 days).
const KfInviteTTL = 7 * 24 * time.Hour

// Errors of the customer-service helpers.
var (
	ErrNoKfAccount = errors.New("sim: no such customer-service account")
	ErrNoKfSession = errors.New("sim: no such customer-service session or waiting follower")
)

func init() {
	registerErrMsgs(map[int]string{
		errKfInvalidAccount: "invalid kf_acount",
		errKfUnbound:        "the kf_account is not bound to a wechat user",
		errKfInviteBound:    "the invitee is already a kf of this account",
		errKfInviteWaiting:  "an invitation to this wechat user is already waiting",
		errKfInvalidWx:      "invalid invite_wx",
		errKfInvitePending:  "the kf_account has an invitation waiting for confirmation",
		errKfAlreadyBound:   "the kf_account is already bound to a wechat user",
		errKfNoSession:      "no session for the user",
		errKfServedByOther:  "the user is being served by another kf",
		errKfOffline:        "the kf is offline",
		errKfBadQuery:       "invalid query parameters",
		errKfPeriod:         "query period out of limit",
	})
	registerRoutes(func(s *Sim) map[string]route {
		return map[string]route{
			"/customservice/kfaccount/update":         postRoute(true, s.handleKfUpdate),
			"/customservice/kfaccount/del":            {auth: true, h: s.handleKfDelete}, // GET in the docs; POST accepted
			"/customservice/kfaccount/inviteworker":   postRoute(true, s.handleKfInvite),
			"/customservice/kfaccount/uploadheadimg":  postRoute(true, s.handleKfAvatar),
			"/cgi-bin/customservice/getonlinekflist":  getRoute(true, s.handleKfOnline),
			"/customservice/kfsession/create":         postRoute(true, s.handleKfSessionCreate),
			"/customservice/kfsession/close":          postRoute(true, s.handleKfSessionClose),
			"/customservice/kfsession/getsession":     getRoute(true, s.handleKfSessionGet),
			"/customservice/kfsession/getsessionlist": getRoute(true, s.handleKfSessionList),
			"/customservice/kfsession/getwaitcase":    getRoute(true, s.handleKfWaitCase),
			"/customservice/msgrecord/getmsglist":     postRoute(true, s.handleKfMsgList),
		}
	})
}

// kfState is the customer-service state, guarded by s.mu.
type kfState struct {
	sessions map[string]*kfSession // by openid
	waiting  []kfWaiting           // the queue, oldest first
	records  []kfRecord            // ids from 1
}

type kfSession struct {
	account string
	created time.Time
}

type kfWaiting struct {
	openid  string
	latest  time.Time // the follower's last message
	account string    // the account the transfer named, if any
}

type kfRecord struct {
	ID       int64  `json:"-"`
	OpenID   string `json:"openid"`
	OperCode int    `json:"opercode"`
	Text     string `json:"text"`
	Time     int64  `json:"time"`
	Worker   string `json:"worker"`
}

// kfLocked returns the customer-service state, created on first use. s.mu held.
func (s *Sim) kfLocked() *kfState {
	if s.kf == nil {
		s.kf = &kfState{sessions: map[string]*kfSession{}}
	}
	return s.kf
}

// kfAccountLocked returns the account named a, or nil. s.mu held.
func (s *Sim) kfAccountLocked(a string) *kfAccount {
	for i := range s.kfAccounts {
		if s.kfAccounts[i].Account == a {
			return &s.kfAccounts[i]
		}
	}
	return nil
}

// kfUsable returns 0 when account a exists and is bound (thus online), else
// the errcode. s.mu held.
func (s *Sim) kfUsableLocked(a string) int {
	k := s.kfAccountLocked(a)
	switch {
	case k == nil:
		return errKfInvalidAccount
	case k.Wx == "":
		return errKfUnbound
	}
	return 0
}

func (st *kfState) dequeue(openid string) {
	st.waiting = slices.DeleteFunc(st.waiting, func(w kfWaiting) bool { return w.openid == openid })
}

// kfSessionPush builds a kf_*_session event from the follower.
func (s *Sim) kfSessionPush(openid, event string, now time.Time, fields ...string) []byte {
	x := s.header(openid, "event", now)
	x.cdata("Event", event)
	for i := 0; i+1 < len(fields); i += 2 {
		x.cdata(fields[i], fields[i+1])
	}
	return x.done()
}

// openSessionLocked starts a session of account with openid and pushes
// kf_create_session. s.mu held.
func (s *Sim) openSessionLocked(account, openid string, now time.Time) {
	st := s.kfLocked()
	st.dequeue(openid)
	st.sessions[openid] = &kfSession{account: account, created: now}
	s.pushSystemLocked(openid, s.kfSessionPush(openid, "kf_create_session", now, "KfAccount", account))
}

// kfOnPushLocked records a follower's message in the chat record when they
// are in a session, and queues them when the developer's reply transfers
// them to customer service (transfer_customer_service). s.mu held.
func (s *Sim) kfOnPushLocked(u *userState, plain []byte, reply *Reply, now time.Time) {
	msgType, _ := peekType(plain)
	if u == nil || msgType == "" || msgType == "event" {
		return
	}
	st := s.kfLocked()
	text := xmlText(plain, "Content")
	if text == "" {
		text = "[" + msgType + "]"
	}
	if reply != nil && reply.MsgType == "transfer_customer_service" && st.sessions[u.openid] == nil {
		if reply.KfAccount != "" && s.kfUsableLocked(reply.KfAccount) == 0 {
			s.openSessionLocked(reply.KfAccount, u.openid, now)
		} else {
			st.dequeue(u.openid)
			st.waiting = append(st.waiting, kfWaiting{openid: u.openid, latest: now, account: reply.KfAccount})
		}
	}
	if ss := st.sessions[u.openid]; ss != nil {
		st.records = append(st.records, kfRecord{ID: int64(len(st.records) + 1), OpenID: u.openid,
			OperCode: 2003, Text: text, Time: now.Unix(), Worker: ss.account})
		return
	}
	for i := range st.waiting {
		if st.waiting[i].openid == u.openid {
			st.waiting[i].latest = now
		}
	}
}

// kfOnCustomSendLocked records a customer-service message sent by a worker
// (customservice.kf_account, or the worker of the follower's session).
// s.mu held.
func (s *Sim) kfOnCustomSendLocked(u *userState, worker string, d Delivery, now time.Time) {
	st := s.kfLocked()
	if worker == "" {
		if ss := st.sessions[u.openid]; ss != nil {
			worker = ss.account
		}
	}
	if worker == "" {
		return
	}
	text := d.Content
	if d.MsgType != "text" {
		text = "[" + d.MsgType + "]"
	}
	st.records = append(st.records, kfRecord{ID: int64(len(st.records) + 1), OpenID: u.openid,
		OperCode: 2002, Text: text, Time: now.Unix(), Worker: worker})
}

// xmlText extracts a CDATA field of XML the simulator built itself.
func xmlText(x []byte, name string) string {
	open := []byte("<" + name + "><![CDATA[")
	i := bytes.Index(x, open)
	if i < 0 {
		return ""
	}
	rest := x[i+len(open):]
	j := bytes.Index(rest, []byte("]]></"+name+">"))
	if j < 0 {
		return ""
	}
	return strings.ReplaceAll(string(rest[:j]), "]]]]><![CDATA[>", "]]>")
}

// AcceptKfInvite makes the invitee of customer-service account accept the
// invitation of kfaccount/inviteworker, binding their WeChat ID: the account
// is then online and can serve sessions.
func (s *Sim) AcceptKfInvite(account string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.kfAccountLocked(account)
	if k == nil || k.InviteWx == "" || k.InviteStatus != "waiting" {
		return fmt.Errorf("%w: %q has no waiting invitation", ErrNoKfAccount, account)
	}
	k.Wx, k.InviteWx, k.InviteExpire, k.InviteStatus = k.InviteWx, "", 0, ""
	return nil
}

// KfAccept has customer-service account take openid from the waiting
// queue, as a worker does in the customer-service client: the session
// starts and kf_create_session is pushed.
func (s *Sim) KfAccept(account, openid string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code := s.kfUsableLocked(account); code != 0 {
		return fmt.Errorf("%w: %q (errcode %d)", ErrNoKfAccount, account, code)
	}
	st := s.kfLocked()
	if !slices.ContainsFunc(st.waiting, func(w kfWaiting) bool { return w.openid == openid }) {
		return fmt.Errorf("%w: %s is not waiting", ErrNoKfSession, openid)
	}
	s.openSessionLocked(account, openid, s.now())
	return nil
}

// KfSwitch moves the session of openid to customer-service account to
// (转接), pushing kf_switch_session.
func (s *Sim) KfSwitch(openid, to string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code := s.kfUsableLocked(to); code != 0 {
		return fmt.Errorf("%w: %q (errcode %d)", ErrNoKfAccount, to, code)
	}
	ss := s.kfLocked().sessions[openid]
	if ss == nil {
		return fmt.Errorf("%w: %s is in no session", ErrNoKfSession, openid)
	}
	from := ss.account
	ss.account = to
	s.pushSystemLocked(openid, s.kfSessionPush(openid, "kf_switch_session", s.now(), "FromKfAccount", from, "ToKfAccount", to))
	return nil
}

type kfAccountReq struct {
	KfAccount string `json:"kf_account"`
	Nickname  string `json:"nickname"`
	InviteWx  string `json:"invite_wx"`
}

// handleKfUpdate serves POST /customservice/kfaccount/update (设置客服信息).
func (s *Sim) handleKfUpdate(c *call) {
	var req kfAccountReq
	if !c.decode(&req) {
		return
	}
	if n := len([]rune(req.Nickname)); n == 0 || n > 16 {
		c.fail(65403)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.kfAccountLocked(req.KfAccount)
	if k == nil {
		c.fail(errKfInvalidAccount)
		return
	}
	k.Nick = req.Nickname
	c.ok()
}

// handleKfDelete serves /customservice/kfaccount/del?kf_account= (删除客服帐号);
// the account's sessions end.
func (s *Sim) handleKfDelete(c *call) {
	a := c.query("kf_account")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.kfAccountLocked(a) == nil {
		c.fail(errKfInvalidAccount)
		return
	}
	s.kfAccounts = slices.DeleteFunc(s.kfAccounts, func(k kfAccount) bool { return k.Account == a })
	for openid, ss := range s.kfLocked().sessions {
		if ss.account == a {
			delete(s.kf.sessions, openid)
		}
	}
	c.ok()
}

// handleKfInvite serves POST /customservice/kfaccount/inviteworker (邀请绑定客服帐号).
func (s *Sim) handleKfInvite(c *call) {
	var req kfAccountReq
	if !c.decode(&req) {
		return
	}
	if req.InviteWx == "" || strings.ContainsAny(req.InviteWx, " @/") {
		c.fail(errKfInvalidWx)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.kfAccountLocked(req.KfAccount)
	switch {
	case k == nil:
		c.fail(errKfInvalidAccount)
		return
	case k.Wx != "":
		c.fail(errKfAlreadyBound)
		return
	case k.InviteStatus == "waiting" && c.now.Unix() < k.InviteExpire:
		c.fail(errKfInvitePending)
		return
	}
	for _, o := range s.kfAccounts {
		if o.Wx == req.InviteWx {
			c.fail(errKfInviteBound)
			return
		}
		if o.InviteWx == req.InviteWx && o.InviteStatus == "waiting" && c.now.Unix() < o.InviteExpire {
			c.fail(errKfInviteWaiting)
			return
		}
	}
	k.InviteWx, k.InviteExpire, k.InviteStatus = req.InviteWx, c.now.Add(KfInviteTTL).Unix(), "waiting"
	c.ok()
}

// handleKfAvatar serves POST /customservice/kfaccount/uploadheadimg?kf_account=
// (上传客服头像): multipart field "media", a JPG image.
func (s *Sim) handleKfAvatar(c *call) {
	a := c.query("kf_account")
	s.mu.Lock()
	known := s.kfAccountLocked(a) != nil
	s.mu.Unlock()
	if !known {
		c.fail(errKfInvalidAccount)
		return
	}
	name, data, ok := c.readUpload("image")
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.newMediaLocked("image", name, data, false)
	if k := s.kfAccountLocked(a); k != nil {
		k.HeadImg = s.URL + "/sim/media/" + m.id
	}
	c.ok()
}

// handleKfOnline serves GET /cgi-bin/customservice/getonlinekflist
// (获取在线客服基本信息): the bound accounts, online on the web (status 1),
// with their number of sessions.
func (s *Sim) handleKfOnline(c *call) {
	type online struct {
		Account  string `json:"kf_account"`
		Status   int    `json:"status"`
		ID       string `json:"kf_id"`
		Accepted int    `json:"accepted_case"`
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	list := []online{}
	for _, k := range s.kfAccounts {
		if k.Wx == "" {
			continue
		}
		n := 0
		for _, ss := range s.kfLocked().sessions {
			if ss.account == k.Account {
				n++
			}
		}
		list = append(list, online{Account: k.Account, Status: 1, ID: k.ID, Accepted: n})
	}
	c.json(map[string]any{"kf_online_list": list})
}

type kfSessionReq struct {
	KfAccount string `json:"kf_account"`
	OpenID    string `json:"openid"`
}

// handleKfSessionCreate serves POST /customservice/kfsession/create (创建会话):
// the account must be bound and online; a follower served by another
// account answers 65414; an existing session with the same account is ok.
func (s *Sim) handleKfSessionCreate(c *call) {
	var req kfSessionReq
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if code := s.kfUsableLocked(req.KfAccount); code != 0 {
		c.fail(code)
		return
	}
	u, ok := s.users[req.OpenID]
	if !ok || !u.subscribed {
		c.fail(40003)
		return
	}
	if ss := s.kfLocked().sessions[req.OpenID]; ss != nil {
		if ss.account != req.KfAccount {
			c.fail(errKfServedByOther)
			return
		}
		c.ok()
		return
	}
	s.openSessionLocked(req.KfAccount, req.OpenID, c.now)
	c.ok()
}

// handleKfSessionClose serves POST /customservice/kfsession/close (关闭会话).
func (s *Sim) handleKfSessionClose(c *call) {
	var req kfSessionReq
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.kfAccountLocked(req.KfAccount) == nil {
		c.fail(errKfInvalidAccount)
		return
	}
	st := s.kfLocked()
	ss := st.sessions[req.OpenID]
	if ss == nil || ss.account != req.KfAccount {
		c.fail(errKfNoSession)
		return
	}
	delete(st.sessions, req.OpenID)
	s.pushSystemLocked(req.OpenID, s.kfSessionPush(req.OpenID, "kf_close_session", c.now, "KfAccount", req.KfAccount))
	c.ok()
}

// handleKfSessionGet serves GET /customservice/kfsession/getsession?openid=
// (获取客户会话状态).
func (s *Sim) handleKfSessionGet(c *call) {
	openid := c.query("openid")
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[openid]; !ok {
		c.fail(40003)
		return
	}
	out := map[string]any{"createtime": 0, "kf_account": ""}
	if ss := s.kfLocked().sessions[openid]; ss != nil {
		out = map[string]any{"createtime": ss.created.Unix(), "kf_account": ss.account}
	}
	c.json(out)
}

// handleKfSessionList serves GET /customservice/kfsession/getsessionlist?kf_account=
// (获取客服会话列表), oldest first.
func (s *Sim) handleKfSessionList(c *call) {
	a := c.query("kf_account")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.kfAccountLocked(a) == nil {
		c.fail(errKfInvalidAccount)
		return
	}
	type item struct {
		Created int64  `json:"createtime"`
		OpenID  string `json:"openid"`
	}
	list := []item{}
	for openid, ss := range s.kfLocked().sessions {
		if ss.account == a {
			list = append(list, item{Created: ss.created.Unix(), OpenID: openid})
		}
	}
	slices.SortFunc(list, func(x, y item) int {
		if x.Created != y.Created {
			return int(x.Created - y.Created)
		}
		return strings.Compare(x.OpenID, y.OpenID)
	})
	c.json(map[string]any{"sessionlist": list})
}

// handleKfWaitCase serves GET /customservice/kfsession/getwaitcase
// (获取未接入会话列表): count is the whole queue, the list its first 100.
func (s *Sim) handleKfWaitCase(c *call) {
	type item struct {
		Latest int64  `json:"latest_time"`
		OpenID string `json:"openid"`
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.kfLocked()
	list := []item{}
	for i, w := range st.waiting {
		if i == 100 {
			break
		}
		list = append(list, item{Latest: w.latest.Unix(), OpenID: w.openid})
	}
	c.json(map[string]any{"count": len(st.waiting), "waitcaselist": list})
}

// handleKfMsgList serves POST /customservice/msgrecord/getmsglist (获取聊天记录):
// the records of [starttime, endtime] (at most 24 hours, else 65417) from
// msgid (from 1) on, number (1 to 10000) at a time; msgid of the answer
// starts the next page.
func (s *Sim) handleKfMsgList(c *call) {
	var req struct {
		Start  int64 `json:"starttime"`
		End    int64 `json:"endtime"`
		MsgID  int64 `json:"msgid"`
		Number int   `json:"number"`
	}
	if !c.decode(&req) {
		return
	}
	switch {
	case req.Start <= 0 || req.End < req.Start || req.MsgID < 1 || req.Number < 1 || req.Number > 10000:
		c.fail(errKfBadQuery)
		return
	case req.End-req.Start > 24*3600:
		c.fail(errKfPeriod)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	list := []kfRecord{}
	next := req.MsgID
	for _, r := range s.kfLocked().records {
		if len(list) == req.Number {
			break
		}
		if r.ID < req.MsgID || r.Time < req.Start || r.Time > req.End {
			continue
		}
		list = append(list, r)
		next = r.ID + 1
	}
	c.json(map[string]any{"recordlist": list, "number": len(list), "msgid": next})
}

// pushSystemLocked is pushSystem for callers holding s.mu.
func (s *Sim) pushSystemLocked(openid string, plain []byte) {
	if s.closed {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), s.opts.ReplyTimeout*time.Duration(1+s.opts.Retries)+time.Second)
		defer cancel()
		_, _ = s.push(ctx, openid, plain, false)
	}()
}
