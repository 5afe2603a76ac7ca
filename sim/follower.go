package sim

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wxkit/mp/crypto"
)

// Errors of follower actions. The action's effect on the platform (following,
// unfollowing ...) has taken place when ErrNoCallbackURL is returned; only
// the push was skipped.
var (
	ErrNoCallbackURL     = errors.New("sim: no callback URL set: nothing was pushed")
	ErrNotFollowing      = errors.New("sim: the user does not follow the account")
	ErrAlreadyFollowing  = errors.New("sim: the user already follows the account")
	ErrBlacklisted       = errors.New("sim: the user is blacklisted by the account")
	ErrUnknownQRCode     = errors.New("sim: no such QR code ticket or scene")
	ErrQRCodeExpired     = errors.New("sim: the QR code has expired")
	ErrNoSuchMenuButton  = errors.New("sim: the current menu has no such button")
	ErrUnknownUser       = errors.New("sim: no such user")
	ErrInvalidFollowerOp = errors.New("sim: invalid argument")
)

// ServiceUnavailableNotice is what WeChat shows a follower when the
// developer's server fails to answer a push correctly.
const ServiceUnavailableNotice = "该公众号暂时无法提供服务，请稍后再试"

// DeliveryKind says how a message reached a follower.
type DeliveryKind string

// The kinds of Delivery.
const (
	DeliveryReply    DeliveryKind = "reply"    // 被动回复
	DeliveryCustom   DeliveryKind = "custom"   // 客服消息
	DeliveryTemplate DeliveryKind = "template" // 模板消息
	DeliveryMass     DeliveryKind = "mass"     // 群发 (and preview)
	DeliveryError    DeliveryKind = "error"    // the "service unavailable" notice
)

// Delivery is one message a follower received.
type Delivery struct {
	Kind DeliveryKind
	// MsgType is the message type: text, image, news, mpnews ... for replies,
	// customer-service and mass messages; "template" for template messages.
	MsgType string
	Time    time.Time
	// Content is the text of text messages, the rendered content of template
	// messages and the notice of DeliveryError.
	Content string
	// MediaID is the media_id of media messages, if any.
	MediaID string
	// TemplateID, URL and Data are set for template messages (Data maps
	// each keyword to its value).
	TemplateID string
	URL        string
	Data       map[string]string
	// MsgID is the msgid/msg_id the API answered, if any.
	MsgID int64
	// Reply is the parsed passive reply (DeliveryReply).
	Reply *Reply
	// Raw is the reply XML or the API request body (JSON) that caused the
	// delivery.
	Raw []byte
}

type userState struct {
	openid, unionid, name string
	language              string
	sex                   int
	subscribed            bool
	subscribeTime         time.Time
	subscribeScene        string
	qrScene               int64
	qrSceneStr            string
	lastActive            time.Time
	remark                string
	tags                  []int
	blacklisted           bool
	inbox                 []Delivery
}

// Follower is a simulated WeChat user of the account (a follower once they
// Follow). Its actions push the exact XML WeChat pushes to the callback URL
// and check the developer's passive reply. Methods are safe for concurrent
// use.
type Follower struct {
	s       *Sim
	openid  string
	unionid string
	name    string
}

// NewUser creates a simulated WeChat user named name (their nickname), not
// yet following the account. The openid ("o" + 27 characters) and unionid
// are deterministic: the same AppID and the same sequence of NewUser calls
// give the same ids.
func (s *Sim) NewUser(name string) *Follower {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextUser++
	idx := itoa(int64(s.nextUser))
	u := &userState{
		openid:   "o" + hashID(27, s.acct.AppID, "openid", idx, name),
		unionid:  "o" + hashID(28, "unionid", idx, name),
		name:     name,
		language: "zh_CN",
	}
	s.users[u.openid] = u
	s.order = append(s.order, u.openid)
	s.emitLocked(Event{Kind: EventUserCreated, OpenID: u.openid})
	return &Follower{s: s, openid: u.openid, unionid: u.unionid, name: name}
}

// User returns the simulated user with that openid.
func (s *Sim) User(openid string) (*Follower, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[openid]
	if !ok {
		return nil, false
	}
	return &Follower{s: s, openid: u.openid, unionid: u.unionid, name: u.name}, true
}

// Users returns every simulated user, following or not, in creation order.
func (s *Sim) Users() []*Follower {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Follower, 0, len(s.order))
	for _, id := range s.order {
		u := s.users[id]
		out = append(out, &Follower{s: s, openid: u.openid, unionid: u.unionid, name: u.name})
	}
	return out
}

// OpenID returns the user's openid for this account.
func (f *Follower) OpenID() string { return f.openid }

// UnionID returns the user's unionid.
func (f *Follower) UnionID() string { return f.unionid }

// Name returns the user's nickname.
func (f *Follower) Name() string { return f.name }

// String describes the follower.
func (f *Follower) String() string { return fmt.Sprintf("sim.Follower{%s %s}", f.name, f.openid) }

// Following reports whether the user currently follows the account.
func (f *Follower) Following() bool {
	f.s.mu.Lock()
	defer f.s.mu.Unlock()
	return f.s.users[f.openid].subscribed
}

// Inbox returns a copy of everything the follower received, in order.
func (f *Follower) Inbox() []Delivery {
	f.s.mu.Lock()
	defer f.s.mu.Unlock()
	return append([]Delivery(nil), f.s.users[f.openid].inbox...)
}

// WaitFor returns the first delivery of the inbox (past or future) that
// match accepts, waiting until one arrives or ctx is done. A nil match
// accepts anything.
func (f *Follower) WaitFor(ctx context.Context, match func(Delivery) bool) (Delivery, error) {
	for {
		f.s.mu.Lock()
		for _, d := range f.s.users[f.openid].inbox {
			if match == nil || match(d) {
				f.s.mu.Unlock()
				return d, nil
			}
		}
		sig := f.s.inboxSignal
		f.s.mu.Unlock()
		select {
		case <-ctx.Done():
			return Delivery{}, ctx.Err()
		case <-sig:
		}
	}
}

// deliverLocked appends d to the inbox of openid and signals waiters. s.mu held.
func (s *Sim) deliverLocked(u *userState, d Delivery) {
	if d.Time.IsZero() {
		d.Time = s.now()
	}
	u.inbox = append(u.inbox, d)
	close(s.inboxSignal)
	s.inboxSignal = make(chan struct{})
	dd := d
	s.emitLocked(Event{Kind: EventDelivered, OpenID: u.openid, MsgType: d.MsgType, Delivery: &dd})
}

// xmlBuilder writes WeChat callback XML.
type xmlBuilder struct{ b bytes.Buffer }

func (x *xmlBuilder) cdata(name, v string) {
	x.b.WriteString("<" + name + "><![CDATA[")
	x.b.WriteString(strings.ReplaceAll(v, "]]>", "]]]]><![CDATA[>"))
	x.b.WriteString("]]></" + name + ">")
}

func (x *xmlBuilder) num(name string, v string) {
	x.b.WriteString("<" + name + ">" + v + "</" + name + ">")
}

func (x *xmlBuilder) raw(s string) { x.b.WriteString(s) }

// header starts a push from openid: ToUserName, FromUserName, CreateTime,
// MsgType.
func (s *Sim) header(openid, msgType string, now time.Time) *xmlBuilder {
	x := &xmlBuilder{}
	x.raw("<xml>")
	x.cdata("ToUserName", s.acct.OriginalID)
	x.cdata("FromUserName", openid)
	x.num("CreateTime", itoa(now.Unix()))
	x.cdata("MsgType", msgType)
	return x
}

func (x *xmlBuilder) done() []byte {
	x.raw("</xml>")
	return x.b.Bytes()
}

// action is the common path of follower actions: it checks and updates the
// user's state under the lock (prepare returns the XML to push, or an
// error), then pushes.
func (f *Follower) action(ctx context.Context, prepare func(u *userState, now time.Time) ([]byte, error)) (*Reply, error) {
	return f.act(ctx, true, prepare)
}

func (f *Follower) act(ctx context.Context, deliver bool, prepare func(u *userState, now time.Time) ([]byte, error)) (*Reply, error) {
	s := f.s
	now := s.now()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, ErrClosed
	}
	u := s.users[f.openid]
	body, err := prepare(u, now)
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return s.push(ctx, f.openid, body, deliver)
}

// message is the prepare step of ordinary messages: the follower must follow
// and not be blacklisted; the 48-hour window restarts.
func (f *Follower) message(ctx context.Context, msgType string, fill func(x *xmlBuilder, msgID int64)) (*Reply, error) {
	return f.action(ctx, func(u *userState, now time.Time) ([]byte, error) {
		if !u.subscribed {
			return nil, ErrNotFollowing
		}
		if u.blacklisted {
			return nil, ErrBlacklisted
		}
		u.lastActive = now
		f.s.recordMessageLocked(u, msgType, now)
		x := f.s.header(u.openid, msgType, now)
		fill(x, f.s.nextSeq())
		return x.done(), nil
	})
}

// SendText sends a text message (文本消息) to the account.
func (f *Follower) SendText(ctx context.Context, content string) (*Reply, error) {
	if content == "" {
		return nil, fmt.Errorf("%w: empty text", ErrInvalidFollowerOp)
	}
	return f.message(ctx, "text", func(x *xmlBuilder, id int64) {
		x.cdata("Content", content)
		x.num("MsgId", itoa(id))
	})
}

// SendImage sends an image message (图片消息); the image is stored as a
// temporary media so the developer can download it with media/get.
func (f *Follower) SendImage(ctx context.Context, picURL string) (*Reply, error) {
	mediaID := f.s.storeUserMedia("image", "image.png", samplePNG())
	if picURL == "" {
		picURL = f.s.URL + "/sim/media/" + mediaID
	}
	return f.message(ctx, "image", func(x *xmlBuilder, id int64) {
		x.cdata("PicUrl", picURL)
		x.cdata("MediaId", mediaID)
		x.num("MsgId", itoa(id))
	})
}

// SendVoice sends a voice message (语音消息) with speech recognition enabled
// (Recognition is the recognised text, may be empty).
func (f *Follower) SendVoice(ctx context.Context, recognition string) (*Reply, error) {
	mediaID := f.s.storeUserMedia("voice", "voice.amr", []byte("#!AMR\n"))
	return f.message(ctx, "voice", func(x *xmlBuilder, id int64) {
		x.cdata("MediaId", mediaID)
		x.cdata("Format", "amr")
		x.cdata("Recognition", recognition)
		x.num("MsgId", itoa(id))
	})
}

// SendLocation sends a location message (地理位置消息).
func (f *Follower) SendLocation(ctx context.Context, lat, lng float64, scale int, label string) (*Reply, error) {
	return f.message(ctx, "location", func(x *xmlBuilder, id int64) {
		x.num("Location_X", strconv.FormatFloat(lat, 'f', -1, 64))
		x.num("Location_Y", strconv.FormatFloat(lng, 'f', -1, 64))
		x.num("Scale", itoa(int64(scale)))
		x.cdata("Label", label)
		x.num("MsgId", itoa(id))
	})
}

// SendLink sends a link message (链接消息).
func (f *Follower) SendLink(ctx context.Context, title, description, link string) (*Reply, error) {
	return f.message(ctx, "link", func(x *xmlBuilder, id int64) {
		x.cdata("Title", title)
		x.cdata("Description", description)
		x.cdata("Url", link)
		x.num("MsgId", itoa(id))
	})
}

// Follow follows the account from a search or profile (关注事件, subscribe,
// subscribe_scene ADD_SCENE_SEARCH).
func (f *Follower) Follow(ctx context.Context) (*Reply, error) {
	return f.action(ctx, func(u *userState, now time.Time) ([]byte, error) {
		if u.subscribed {
			return nil, ErrAlreadyFollowing
		}
		f.s.subscribeLocked(u, now, "ADD_SCENE_SEARCH", nil)
		x := f.s.header(u.openid, "event", now)
		x.cdata("Event", "subscribe")
		return x.done(), nil
	})
}

// FollowViaQR follows the account by scanning a parametric QR code
// (扫描带参数二维码事件, user not yet following): a subscribe event with
// EventKey qrscene_<scene> and Ticket. ticketOrScene is a ticket from
// qrcode/create or the scene (scene_id or scene_str) of one.
func (f *Follower) FollowViaQR(ctx context.Context, ticketOrScene string) (*Reply, error) {
	return f.action(ctx, func(u *userState, now time.Time) ([]byte, error) {
		if u.subscribed {
			return nil, ErrAlreadyFollowing
		}
		q, err := f.s.findQRLocked(ticketOrScene, now)
		if err != nil {
			return nil, err
		}
		f.s.subscribeLocked(u, now, "ADD_SCENE_QR_CODE", q)
		x := f.s.header(u.openid, "event", now)
		x.cdata("Event", "subscribe")
		x.cdata("EventKey", "qrscene_"+q.scene())
		x.cdata("Ticket", q.ticket)
		return x.done(), nil
	})
}

// Scan scans a parametric QR code as an existing follower (SCAN event,
// EventKey = the scene).
func (f *Follower) Scan(ctx context.Context, ticketOrScene string) (*Reply, error) {
	return f.action(ctx, func(u *userState, now time.Time) ([]byte, error) {
		if !u.subscribed {
			return nil, ErrNotFollowing
		}
		q, err := f.s.findQRLocked(ticketOrScene, now)
		if err != nil {
			return nil, err
		}
		u.lastActive = now
		x := f.s.header(u.openid, "event", now)
		x.cdata("Event", "SCAN")
		x.cdata("EventKey", q.scene())
		x.cdata("Ticket", q.ticket)
		return x.done(), nil
	})
}

// Unfollow unfollows the account (取消关注事件, unsubscribe). WeChat ignores
// any reply to it.
func (f *Follower) Unfollow(ctx context.Context) error {
	_, err := f.act(ctx, false, func(u *userState, now time.Time) ([]byte, error) {
		if !u.subscribed {
			return nil, ErrNotFollowing
		}
		u.subscribed = false
		f.s.recordUnfollowLocked(u, now)
		x := f.s.header(u.openid, "event", now)
		x.cdata("Event", "unsubscribe")
		return x.done(), nil
	})
	var re *ReplyError
	if errors.As(err, &re) && !re.Timeout {
		return nil // replies to unsubscribe are ignored
	}
	return err
}

// ClickMenu clicks a click-type button of the current menu (点击菜单拉取消息时的
// 事件推送, CLICK event with EventKey = key). The key must belong to a click
// button of the menu the follower sees, else ErrNoSuchMenuButton.
func (f *Follower) ClickMenu(ctx context.Context, key string) (*Reply, error) {
	return f.action(ctx, func(u *userState, now time.Time) ([]byte, error) {
		if !u.subscribed {
			return nil, ErrNotFollowing
		}
		m := f.s.menuForLocked(u)
		if m == nil || m.find(func(b *Button) bool { return b.Type == "click" && b.Key == key }) == nil {
			return nil, fmt.Errorf("%w: no click button with key %q", ErrNoSuchMenuButton, key)
		}
		u.lastActive = now
		x := f.s.header(u.openid, "event", now)
		x.cdata("Event", "CLICK")
		x.cdata("EventKey", key)
		return x.done(), nil
	})
}

// ViewMenu clicks a view-type button of the current menu (点击菜单跳转链接时的
// 事件推送, VIEW event with EventKey = the URL, and MenuId for a conditional
// menu). It does not open the 48-hour customer-service window.
func (f *Follower) ViewMenu(ctx context.Context, link string) (*Reply, error) {
	return f.action(ctx, func(u *userState, now time.Time) ([]byte, error) {
		if !u.subscribed {
			return nil, ErrNotFollowing
		}
		m := f.s.menuForLocked(u)
		if m == nil || m.find(func(b *Button) bool { return b.Type == "view" && b.URL == link }) == nil {
			return nil, fmt.Errorf("%w: no view button with url %q", ErrNoSuchMenuButton, link)
		}
		x := f.s.header(u.openid, "event", now)
		x.cdata("Event", "VIEW")
		x.cdata("EventKey", link)
		if m.conditional {
			x.num("MenuId", itoa(m.id))
		}
		return x.done(), nil
	})
}

// subscribeLocked marks u as following. s.mu held.
func (s *Sim) subscribeLocked(u *userState, now time.Time, scene string, q *qrCode) {
	u.subscribed = true
	u.subscribeTime = now
	u.subscribeScene = scene
	u.lastActive = now
	s.recordFollowLocked(u, now)
	u.qrScene, u.qrSceneStr = 0, ""
	if q != nil {
		u.qrScene, u.qrSceneStr = q.sceneID, q.sceneStr
	}
}

// push sends one callback (plaintext XML) to the developer's server as
// WeChat does and validates the passive reply. With deliver, a valid reply
// (or the "service unavailable" notice) goes to the follower's inbox.
func (s *Sim) push(ctx context.Context, openid string, plain []byte, deliver bool) (*Reply, error) {
	if ex := s.componentExchange(openid, plain); ex != nil { // hosted by the platform: component_push.go
		return s.pushTo(ctx, openid, plain, deliver, ex)
	}
	s.mu.Lock()
	cb := s.callbackURL
	s.mu.Unlock()
	if cb == "" {
		return nil, ErrNoCallbackURL
	}
	if err := s.verifyURL(ctx, cb, openid); err != nil {
		return nil, err
	}
	return s.pushTo(ctx, openid, plain, deliver, func(ctx context.Context) (*Reply, *ReplyError) { return s.exchange(ctx, cb, openid, plain) })
}

// pushTo is push once the destination is chosen: exchange performs the HTTP part.
func (s *Sim) pushTo(ctx context.Context, openid string, plain []byte, deliver bool, exchange func(context.Context) (*Reply, *ReplyError)) (*Reply, error) {
	s.mu.Lock()
	msgType, event := peekType(plain)
	s.emitLocked(Event{Kind: EventCallback, OpenID: openid, MsgType: msgType, Event: event, XML: bytes.Clone(plain)})
	s.mu.Unlock()
	start := time.Now()
	reply, rerr := exchange(ctx)
	s.recordCallback(s.now(), time.Since(start), rerr != nil)
	if rerr != nil && ctx.Err() != nil && !rerr.Timeout {
		return nil, ctx.Err()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[openid]
	if deliver {
		s.kfOnPushLocked(u, plain, reply, s.now())
	}
	switch {
	case rerr != nil:
		s.log.Debug("sim: passive reply rejected", "openid", openid, "reason", rerr.Reason)
		s.emitLocked(Event{Kind: EventReplyError, OpenID: openid, Err: rerr.Reason})
		if deliver && u != nil {
			s.deliverLocked(u, Delivery{Kind: DeliveryError, MsgType: "text", Content: ServiceUnavailableNotice, Raw: rerr.Body})
		}
		return nil, rerr
	case reply == nil:
		s.emitLocked(Event{Kind: EventNoReply, OpenID: openid, MsgType: msgType, Event: event})
		return nil, nil
	}
	reply = shownReply(reply, msgType)
	s.emitLocked(Event{Kind: EventReply, OpenID: openid, MsgType: reply.MsgType, Reply: reply})
	if deliver && u != nil {
		d := Delivery{Kind: DeliveryReply, MsgType: reply.MsgType, Content: reply.Content, MediaID: reply.MediaID, Reply: reply, Raw: reply.Raw}
		if reply.Music != nil {
			d.MediaID = reply.Music.ThumbMediaID
		}
		s.deliverLocked(u, d)
	}
	return reply, nil
}

// exchange performs the HTTP part of a push with retries and validates the
// answer. It never holds s.mu during I/O.
func (s *Sim) exchange(ctx context.Context, cb, openid string, plain []byte) (*Reply, *ReplyError) {
	ts := itoa(s.now().Unix())
	nonce := randDigits(10)
	q := url.Values{}
	q.Set("signature", crypto.Signature(s.acct.Token, ts, nonce))
	q.Set("timestamp", ts)
	q.Set("nonce", nonce)
	q.Set("openid", openid)
	body := plain
	if s.opts.SafeMode {
		enc, err := s.env.Cipher().Encrypt(plain)
		if err != nil {
			return nil, &ReplyError{Reason: "sim: encrypting the push failed", Err: err}
		}
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", crypto.MsgSignature(s.acct.Token, ts, nonce, enc))
		x := &xmlBuilder{}
		x.raw("<xml>")
		x.cdata("ToUserName", s.acct.OriginalID)
		x.cdata("Encrypt", enc)
		body = x.done()
	}
	target := cb
	if strings.Contains(target, "?") {
		target += "&" + q.Encode()
	} else {
		target += "?" + q.Encode()
	}
	attempts := 1 + s.opts.Retries
	var last *ReplyError
	for i := 0; i < attempts; i++ {
		status, respBody, err := s.post(ctx, target, body)
		if err == nil {
			return s.checkAnswer(openid, status, respBody)
		}
		if ctx.Err() != nil {
			return nil, &ReplyError{Reason: "push canceled", Err: ctx.Err()}
		}
		last = &ReplyError{Reason: "callback failed: " + err.Error(), Err: err}
		if errors.Is(err, context.DeadlineExceeded) {
			last = &ReplyError{Reason: "no reply within " + s.opts.ReplyTimeout.String(), Timeout: true, Err: context.DeadlineExceeded}
		}
		s.log.Debug("sim: push attempt failed", "attempt", i+1, "reason", last.Reason)
	}
	if attempts > 1 {
		last.Reason += " (" + itoa(int64(attempts)) + " attempts)"
	}
	return nil, last
}

func (s *Sim) post(ctx context.Context, target string, body []byte) (int, []byte, error) {
	actx, cancel := context.WithTimeout(ctx, s.opts.ReplyTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "text/xml")
	req.Header.Set("User-Agent", "Mozilla/4.0 (wxkit sim)")
	resp, err := s.client.Do(req)
	if err != nil {
		if actx.Err() != nil && ctx.Err() == nil {
			return 0, nil, context.DeadlineExceeded
		}
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		if actx.Err() != nil && ctx.Err() == nil {
			return 0, nil, context.DeadlineExceeded
		}
		return 0, nil, err
	}
	return resp.StatusCode, b, nil
}

// checkAnswer validates the developer's answer to a push.
func (s *Sim) checkAnswer(openid string, status int, body []byte) (*Reply, *ReplyError) {
	if status != http.StatusOK {
		e := badReply("callback answered HTTP "+itoa(int64(status)), body)
		e.StatusCode = status
		return nil, e
	}
	t := bytes.TrimSpace(body)
	if len(t) == 0 || string(t) == "success" {
		return nil, nil
	}
	plain := t
	if s.opts.SafeMode {
		p, e := s.openSafeReply(t)
		if e != nil {
			e.StatusCode = status
			return nil, e
		}
		plain = p
	}
	return s.checkReply(openid, status, plain)
}

// checkReply validates a plaintext passive reply.
func (s *Sim) checkReply(openid string, status int, plain []byte) (*Reply, *ReplyError) {
	r, err := ParseReply(plain)
	if err != nil {
		var re *ReplyError
		errors.As(err, &re)
		re.StatusCode = status
		return nil, re
	}
	bad := func(reason string) (*Reply, *ReplyError) {
		e := badReply(reason, plain)
		e.StatusCode = status
		return nil, e
	}
	if r.ToUserName != openid {
		return bad("ToUserName " + strconv.Quote(r.ToUserName) + " is not the follower " + strconv.Quote(openid))
	}
	if r.FromUserName != s.acct.OriginalID {
		return bad("FromUserName " + strconv.Quote(r.FromUserName) + " is not the account's original ID " + strconv.Quote(s.acct.OriginalID))
	}
	if id := replyMediaID(r); id != "" && !s.mediaExists(id) {
		return bad("unknown media_id " + strconv.Quote(id))
	}
	return r, nil
}

func replyMediaID(r *Reply) string {
	if r.Music != nil {
		return r.Music.ThumbMediaID
	}
	return r.MediaID
}

// peekType extracts MsgType and Event from XML the simulator built itself.
func peekType(x []byte) (msgType, event string) {
	get := func(name string) string {
		open := []byte("<" + name + "><![CDATA[")
		i := bytes.Index(x, open)
		if i < 0 {
			return ""
		}
		rest := x[i+len(open):]
		j := bytes.Index(rest, []byte("]]>"))
		if j < 0 {
			return ""
		}
		return string(rest[:j])
	}
	return get("MsgType"), get("Event")
}

// pushSystem pushes a platform event (job-finish notifications) in the
// background; the answer is recorded in the feed but delivered to no one.
func (s *Sim) pushSystem(openid string, plain []byte) {
	s.goAsync(func() {
		ctx, cancel := context.WithTimeout(context.Background(), s.opts.ReplyTimeout*time.Duration(1+s.opts.Retries)+time.Second)
		defer cancel()
		_, _ = s.push(ctx, openid, plain, false)
	})
}
