package sim

import "time"

// EventKind names what happened on the simulated platform.
type EventKind string

// The kinds of Event.
const (
	// EventUserCreated: NewUser created a simulated WeChat user.
	EventUserCreated EventKind = "user_created"
	// EventCallback: a message or event was pushed to the callback URL
	// (Event.XML is the plaintext XML, before any encryption).
	EventCallback EventKind = "callback"
	// EventReply: the developer answered a push with a valid passive reply
	// (Event.Reply).
	EventReply EventKind = "reply"
	// EventReplyError: the developer's answer was invalid or late
	// (Event.Err); WeChat shows the follower "该公众号暂时无法提供服务".
	EventReplyError EventKind = "reply_error"
	// EventNoReply: the developer answered a push with no passive reply
	// (an empty body or "success"): the follower sees nothing.
	EventNoReply EventKind = "no_reply"
	// EventDelivered: a message reached a follower's inbox (Event.Delivery).
	EventDelivered EventKind = "delivered"
	// EventMenuChanged: the custom menu was created, deleted or changed.
	EventMenuChanged EventKind = "menu_changed"
)

// Event is one entry of the simulator's activity feed (Subscribe), for
// dashboards such as a browser chat UI.
type Event struct {
	Seq    int64     // increasing sequence number
	Time   time.Time // the simulator clock when it happened
	Kind   EventKind
	OpenID string // the follower concerned, if any

	MsgType string // callback MsgType (text, event, ...) or delivered message type
	Event   string // callback Event (subscribe, CLICK, ...), if any
	XML     []byte // EventCallback: the plaintext XML pushed

	Reply    *Reply    // EventReply
	Delivery *Delivery // EventDelivered
	Err      string    // EventReplyError: why the reply was rejected
}

// Subscribe returns a channel of every Event from now on and a function that
// ends the subscription (and closes the channel). The channel is buffered;
// a subscriber that falls more than 1024 events behind misses events rather
// than blocking the simulator. Close ends every subscription.
func (s *Sim) Subscribe() (<-chan Event, func()) {
	ch := make(chan Event, 1024)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		close(ch)
		return ch, func() {}
	}
	id := s.nextSub
	s.nextSub++
	s.subs[id] = ch
	s.mu.Unlock()
	return ch, func() {
		s.mu.Lock()
		if c, ok := s.subs[id]; ok {
			delete(s.subs, id)
			close(c)
		}
		s.mu.Unlock()
	}
}

// emit publishes an event to every subscriber. s.mu must be held.
func (s *Sim) emitLocked(ev Event) {
	s.eventSeq++
	ev.Seq = s.eventSeq
	if ev.Time.IsZero() {
		ev.Time = s.now()
	}
	for _, ch := range s.subs {
		select {
		case ch <- ev:
		default:
		}
	}
}

func (s *Sim) emit(ev Event) {
	s.mu.Lock()
	s.emitLocked(ev)
	s.mu.Unlock()
}
