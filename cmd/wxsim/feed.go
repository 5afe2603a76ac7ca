package main

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"sync"
	"time"

	"github.com/wxkit/mp/sim"
)

// Who an item of the chat comes from.
const (
	fromUser   = "user"   // the follower (a message they sent)
	fromBot    = "bot"    // the official account (passive reply, 客服消息, 模板消息, 群发)
	fromSystem = "system" // a note: events, errors, menu changes
)

// chatItem is one line of a follower's conversation as the chat page and
// the inbox/events API show it. It is derived from the simulator's event
// feed (sim.Event) and never carries secrets.
type chatItem struct {
	Seq    int64     `json:"seq"`
	Time   time.Time `json:"time"`
	OpenID string    `json:"openid,omitempty"`
	// From is "user", "bot" or "system".
	From string `json:"from"`
	// Kind is what happened: message or event (from the follower), reply,
	// custom, template, mass or error (deliveries to the follower),
	// reply_error, no_reply (quiet: the push before it got no passive
	// reply), menu or user_created.
	Kind     string `json:"kind"`
	MsgType  string `json:"msg_type,omitempty"`
	Event    string `json:"event,omitempty"`
	EventKey string `json:"event_key,omitempty"`
	// Text is what a person reads: the text of a message, a placeholder
	// such as "[图片]" or a description of an event.
	Text     string        `json:"text,omitempty"`
	ImageURL string        `json:"image_url,omitempty"`
	MediaID  string        `json:"media_id,omitempty"`
	URL      string        `json:"url,omitempty"`
	Articles []chatArticle `json:"articles,omitempty"`
	Template *chatTemplate `json:"template,omitempty"`
	Location *chatLocation `json:"location,omitempty"`
	// Error is the reason the simulator rejected the bot's answer.
	Error string `json:"error,omitempty"`
	// Quiet marks bookkeeping (job-finish events, user creation) that the
	// chat page shows dimmed or not at all.
	Quiet bool `json:"quiet,omitempty"`
}

type chatArticle struct {
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	PicURL      string `json:"pic_url,omitempty"`
	URL         string `json:"url,omitempty"`
}

type chatTemplate struct {
	TemplateID string            `json:"template_id"`
	URL        string            `json:"url,omitempty"`
	Content    string            `json:"content"`
	Data       map[string]string `json:"data,omitempty"`
}

type chatLocation struct {
	Lat   string `json:"lat"`
	Lng   string `json:"lng"`
	Scale string `json:"scale,omitempty"`
	Label string `json:"label,omitempty"`
}

// pushXML holds the fields of a callback XML (消息推送) the chat shows.
type pushXML struct {
	MsgType     string `xml:"MsgType"`
	Event       string `xml:"Event"`
	EventKey    string `xml:"EventKey"`
	Content     string `xml:"Content"`
	PicURL      string `xml:"PicUrl"`
	MediaID     string `xml:"MediaId"`
	Recognition string `xml:"Recognition"`
	LocationX   string `xml:"Location_X"`
	LocationY   string `xml:"Location_Y"`
	Scale       string `xml:"Scale"`
	Label       string `xml:"Label"`
	Title       string `xml:"Title"`
	Description string `xml:"Description"`
	URL         string `xml:"Url"`
	Ticket      string `xml:"Ticket"`
	Status      string `xml:"Status"`
}

// itemFromEvent converts one simulator event into a chat item; ok is false
// for events the chat does not show (a valid reply is shown once, as the
// delivery that follows it).
func itemFromEvent(ev sim.Event) (chatItem, bool) {
	it := chatItem{Time: ev.Time, OpenID: ev.OpenID, MsgType: ev.MsgType, Event: ev.Event}
	switch ev.Kind {
	case sim.EventCallback:
		return itemFromCallback(it, ev.XML), true
	case sim.EventDelivered:
		if ev.Delivery == nil {
			return it, false
		}
		return itemFromDelivery(it, *ev.Delivery), true
	case sim.EventReplyError:
		it.From, it.Kind, it.Error = fromSystem, "reply_error", ev.Err
		it.Text = "the bot's answer was rejected: " + ev.Err
		return it, true
	case sim.EventNoReply:
		// Bookkeeping for the page's "no reply" marker on the push before it.
		it.From, it.Kind, it.Quiet = fromSystem, "no_reply", true
		it.Text = "没有回复 / no reply"
		return it, true
	case sim.EventMenuChanged:
		it.From, it.Kind, it.Text = fromSystem, "menu", "菜单已更新 / the menu changed"
		return it, true
	case sim.EventUserCreated:
		it.From, it.Kind, it.Quiet = fromSystem, "user_created", true
		it.Text = "user created"
		return it, true
	}
	return it, false
}

// itemFromCallback describes a message or event a follower pushed.
func itemFromCallback(it chatItem, raw []byte) chatItem {
	var p pushXML
	if err := xml.Unmarshal(raw, &p); err != nil {
		it.From, it.Kind, it.Text = fromSystem, "event", "unreadable push"
		return it
	}
	it.MsgType = p.MsgType
	if p.MsgType != "event" {
		it.From, it.Kind = fromUser, "message"
		switch p.MsgType {
		case "text":
			it.Text = p.Content
		case "image":
			it.Text, it.ImageURL, it.MediaID = "[图片]", p.PicURL, p.MediaID
		case "voice":
			it.Text, it.MediaID = "[语音] "+p.Recognition, p.MediaID
			it.Text = strings.TrimSpace(it.Text)
		case "video", "shortvideo":
			it.Text, it.MediaID = "[视频]", p.MediaID
		case "location":
			it.Text = "[位置] " + p.Label
			it.Location = &chatLocation{Lat: p.LocationX, Lng: p.LocationY, Scale: p.Scale, Label: p.Label}
		case "link":
			it.Text, it.URL = p.Title, p.URL
			it.Articles = []chatArticle{{Title: p.Title, Description: p.Description, URL: p.URL}}
		default:
			it.Text = "[" + p.MsgType + "]"
		}
		return it
	}
	it.From, it.Kind, it.Event, it.EventKey = fromSystem, "event", p.Event, p.EventKey
	switch p.Event {
	case "subscribe":
		it.Text = "关注了公众号 / followed"
		if scene, ok := strings.CutPrefix(p.EventKey, "qrscene_"); ok {
			it.Text += " (扫码 / QR scene " + scene + ")"
		}
	case "unsubscribe":
		it.Text = "取消关注 / unfollowed"
	case "SCAN":
		it.Text = "扫描二维码 / scanned QR scene " + p.EventKey
	case "CLICK":
		it.Text = "点击菜单 / clicked menu key " + p.EventKey
	case "VIEW":
		it.Text, it.URL = "打开菜单链接 / opened "+p.EventKey, p.EventKey
	default:
		it.Text = p.Event
		if p.Status != "" {
			it.Text += " " + p.Status
		}
		it.Quiet = strings.HasSuffix(p.Event, "JOBFINISH")
	}
	return it
}

// itemFromDelivery describes a message that reached the follower.
func itemFromDelivery(it chatItem, d sim.Delivery) chatItem {
	it.From, it.Kind, it.MsgType, it.MediaID = fromBot, string(d.Kind), d.MsgType, d.MediaID
	if !d.Time.IsZero() {
		it.Time = d.Time
	}
	it.Text = d.Content
	switch d.MsgType {
	case "text":
	case "image":
		it.Text, it.ImageURL = "[图片]", mediaURL(d.MediaID)
	case "voice":
		it.Text = "[语音]"
	case "video", "mpvideo":
		it.Text = strings.TrimSpace("[视频] " + d.Content)
	case "music":
		it.Text, it.ImageURL = strings.TrimSpace("[音乐] "+d.Content), mediaURL(d.MediaID)
	case "news":
		it.Articles = deliveryArticles(d)
		if len(it.Articles) > 0 {
			it.Text = it.Articles[0].Title
		}
	case "mpnews":
		it.Text = "[图文消息] " + d.MediaID
	case "template":
		it.URL = d.URL
		it.Template = &chatTemplate{TemplateID: d.TemplateID, URL: d.URL, Content: d.Content, Data: d.Data}
	case "transfer_customer_service":
		it.Text = "[转接客服 / transferred to customer service]"
	default:
		if it.Text == "" {
			it.Text = "[" + d.MsgType + "]"
		}
	}
	return it
}

func mediaURL(id string) string {
	if id == "" {
		return ""
	}
	return "/sim/media/" + id
}

// deliveryArticles returns the items of a news message: from the parsed
// passive reply, or from the JSON of a customer-service message.
func deliveryArticles(d sim.Delivery) []chatArticle {
	var out []chatArticle
	if d.Reply != nil {
		for _, a := range d.Reply.Articles {
			out = append(out, chatArticle{Title: a.Title, Description: a.Description, PicURL: a.PicURL, URL: a.URL})
		}
		return out
	}
	var req struct {
		News struct {
			Articles []struct {
				Title       string `json:"title"`
				Description string `json:"description"`
				URL         string `json:"url"`
				PicURL      string `json:"picurl"`
			} `json:"articles"`
		} `json:"news"`
	}
	if json.Unmarshal(d.Raw, &req) == nil {
		for _, a := range req.News.Articles {
			out = append(out, chatArticle{Title: a.Title, Description: a.Description, PicURL: a.PicURL, URL: a.URL})
		}
	}
	if len(out) == 0 && d.Content != "" {
		out = []chatArticle{{Title: d.Content, URL: d.URL}}
	}
	return out
}

// feed records the simulator's events as chat items and lets readers wait
// for new ones: the inbox/event stream of the control API and the live
// chat page (Server-Sent Events) read from it.
type feed struct {
	mu      sync.Mutex
	items   []chatItem
	limit   int
	seq     int64
	changed chan struct{} // closed and replaced on every append
	done    chan struct{} // closed by close
	closed  bool
	syncReq chan chan struct{}
	stopped chan struct{} // closed when the reading goroutine ends
}

// defaultFeedLimit is how many chat items the feed keeps (the oldest are
// dropped first).
const defaultFeedLimit = 10000

// newFeed starts recording the events of ch until it is closed.
func newFeed(ch <-chan sim.Event, limit int) *feed {
	if limit <= 0 {
		limit = defaultFeedLimit
	}
	f := &feed{limit: limit, changed: make(chan struct{}), done: make(chan struct{}),
		syncReq: make(chan chan struct{}), stopped: make(chan struct{})}
	go f.loop(ch)
	return f
}

// loop is the only reader of ch, so items keep the simulator's order.
func (f *feed) loop(ch <-chan sim.Event) {
	defer close(f.stopped)
	record := func(ev sim.Event) {
		if it, ok := itemFromEvent(ev); ok {
			f.add(it)
		}
	}
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				return
			}
			record(ev)
		case reply := <-f.syncReq:
			// Record everything the simulator has emitted so far.
			for drained := false; !drained; {
				select {
				case ev, ok := <-ch:
					if !ok {
						close(reply)
						return
					}
					record(ev)
				default:
					drained = true
				}
			}
			close(reply)
		}
	}
}

// sync returns once every event the simulator emitted before the call is
// recorded, so that a reader sees the effects of an action that has
// returned.
func (f *feed) sync() {
	reply := make(chan struct{})
	select {
	case f.syncReq <- reply:
	case <-f.stopped:
		return
	}
	select {
	case <-reply:
	case <-f.stopped:
	}
}

// add appends an item, giving it the next sequence number.
func (f *feed) add(it chatItem) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	it.Seq = f.seq
	if len(f.items) >= f.limit {
		n := copy(f.items, f.items[len(f.items)-f.limit+1:])
		f.items = f.items[:n]
	}
	f.items = append(f.items, it)
	close(f.changed)
	f.changed = make(chan struct{})
}

// since returns the items after seq that concern openid (or everyone, for
// items without an openid; all items when openid is ""), and a channel
// closed on the next append.
func (f *feed) since(seq int64, openid string) ([]chatItem, <-chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []chatItem
	// Items are in sequence order: skip the old ones quickly.
	lo, hi := 0, len(f.items)
	for lo < hi {
		m := (lo + hi) / 2
		if f.items[m].Seq <= seq {
			lo = m + 1
		} else {
			hi = m
		}
	}
	for _, it := range f.items[lo:] {
		if openid == "" || it.OpenID == "" || it.OpenID == openid {
			out = append(out, it)
		}
	}
	return out, f.changed
}

// last returns the newest sequence number.
func (f *feed) last() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.seq
}

// close wakes every reader for good (they return), so that the HTTP server
// can shut down while event streams are open.
func (f *feed) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.closed {
		f.closed = true
		close(f.done)
	}
}
