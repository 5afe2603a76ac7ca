package message

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
	"time"
)

// Router is a Handler dispatching messages to handlers (自动回复 / 智能回复)
// registered by message type, event, event key and text keyword, with
// multi-step conversations (Flow). Register routes and middleware before
// serving; a Router is then safe for concurrent use.
//
// Matching order, first match wins:
//
//  1. an active flow of the sender (see Flow) — unless its step returns
//     ErrNotHandled;
//  2. text messages: Keyword (exact, on the content with surrounding
//     whitespace trimmed), then KeywordPrefix, then KeywordRegexp, each in
//     registration order;
//     events: EventKey (exact), then EventKeyPrefix in registration order,
//     then Event;
//  3. Handle by MsgType ("text", "image", ..., "event");
//  4. Default;
//  5. otherwise no reply ("success").
//
// In a Router with flows the messages of one user are handled one at a
// time (in process, and across processes when the FlowStore is a
// FlowLocker such as redisstore.FlowStore), so that overlapping messages —
// a slow step, quick typing — each see the flow state the previous one
// left; a message that cannot get its turn within WithFlowLockWait fails
// with ErrFlowBusy.
type Router struct {
	byType      map[string]Handler
	byEvent     map[string]Handler
	byEventKey  map[[2]string]Handler
	keyPrefixes []eventPrefixRoute
	keywords    map[string]Handler
	prefixes    []prefixRoute
	regexps     []regexpRoute
	def         Handler
	middleware  []Middleware
	chain       Handler

	flows        map[string]*Flow
	flowStore    FlowStore
	storeLocker  FlowLocker // flowStore, if it is one
	flowTTL      time.Duration
	flowLockWait time.Duration
	locks        keyedMutex
	logger       *slog.Logger
}

type eventPrefixRoute struct {
	event, prefix string
	h             Handler
}

type prefixRoute struct {
	prefix string
	h      Handler
}

type regexpRoute struct {
	re *regexp.Regexp
	h  Handler
}

// RouterOption configures a Router.
type RouterOption func(*Router)

// WithFlowStore sets where flow state lives (default: a MemoryFlowStore).
// Use a shared store (message/redisstore) when several processes serve the
// same account.
func WithFlowStore(s FlowStore) RouterOption {
	return func(r *Router) {
		if s != nil {
			r.flowStore = s
		}
	}
}

// WithFlowTTL sets how long a flow waits for the user's next message
// (default DefaultFlowTTL). Every step restarts the clock.
func WithFlowTTL(d time.Duration) RouterOption {
	return func(r *Router) {
		if d > 0 {
			r.flowTTL = d
		}
	}
}

// WithFlowLockWait bounds how long a message waits for the previous
// message of the same user to be handled (default DefaultFlowLockWait); it
// then fails with ErrFlowBusy. d <= 0 waits as long as the handler's
// context allows.
func WithFlowLockWait(d time.Duration) RouterOption {
	return func(r *Router) { r.flowLockWait = d }
}

// DefaultFlowLockWait is how long a message of a user waits by default for
// the user's previous message to be handled, in a Router with flows.
const DefaultFlowLockWait = 10 * time.Second

// WithRouterLogger sets the logger for flow-store failures (default:
// discard).
func WithRouterLogger(l *slog.Logger) RouterOption {
	return func(r *Router) { r.logger = orDiscard(l) }
}

// DefaultFlowTTL is how long a flow waits for the next message by default.
const DefaultFlowTTL = 10 * time.Minute

// NewRouter returns an empty Router.
func NewRouter(opts ...RouterOption) *Router {
	r := &Router{
		byType:       map[string]Handler{},
		byEvent:      map[string]Handler{},
		byEventKey:   map[[2]string]Handler{},
		keywords:     map[string]Handler{},
		flows:        map[string]*Flow{},
		flowTTL:      DefaultFlowTTL,
		flowLockWait: DefaultFlowLockWait,
		logger:       orDiscard(nil),
	}
	for _, o := range opts {
		if o != nil {
			o(r)
		}
	}
	if r.flowStore == nil {
		r.flowStore = NewMemoryFlowStore(0)
	}
	r.storeLocker, _ = r.flowStore.(FlowLocker)
	r.chain = HandlerFunc(r.dispatch)
	return r
}

// Use appends middleware; the first added is the outermost. Middleware
// wraps the whole dispatch, flows included.
func (r *Router) Use(mw ...Middleware) {
	r.middleware = append(r.middleware, mw...)
	var h Handler = HandlerFunc(r.dispatch)
	for i := len(r.middleware) - 1; i >= 0; i-- {
		if r.middleware[i] != nil {
			h = r.middleware[i](h)
		}
	}
	r.chain = h
}

// Handle routes messages of type msgType (MsgTypeText, ..., MsgTypeEvent).
func (r *Router) Handle(msgType string, h HandlerFunc) { r.byType[msgType] = h }

// Event routes events of the given type (EventSubscribe, EventClick, ...).
func (r *Router) Event(event string, h HandlerFunc) { r.byEvent[event] = h }

// EventKey routes events of the given type whose EventKey equals key, such
// as a CLICK menu key.
func (r *Router) EventKey(event, key string, h HandlerFunc) {
	r.byEventKey[[2]string{event, key}] = h
}

// EventKeyPrefix routes events of the given type whose EventKey starts with
// prefix, such as EventSubscribe with QRScenePrefix.
func (r *Router) EventKeyPrefix(event, prefix string, h HandlerFunc) {
	r.keyPrefixes = append(r.keyPrefixes, eventPrefixRoute{event, prefix, h})
}

// Keyword routes text messages whose content, trimmed of surrounding
// whitespace, equals word (关键词回复 全匹配).
func (r *Router) Keyword(word string, h HandlerFunc) { r.keywords[word] = h }

// KeywordPrefix routes text messages whose trimmed content starts with
// prefix.
func (r *Router) KeywordPrefix(prefix string, h HandlerFunc) {
	r.prefixes = append(r.prefixes, prefixRoute{prefix, h})
}

// KeywordRegexp routes text messages whose trimmed content matches re
// (半匹配 / patterns).
func (r *Router) KeywordRegexp(re *regexp.Regexp, h HandlerFunc) {
	if re != nil {
		r.regexps = append(r.regexps, regexpRoute{re, h})
	}
}

// Default handles messages no other route matched.
func (r *Router) Default(h HandlerFunc) { r.def = h }

// ServeMessage implements Handler.
func (r *Router) ServeMessage(ctx context.Context, m Message) (Reply, error) {
	if m == nil {
		return nil, nil
	}
	return r.chain.ServeMessage(ctx, m)
}

func (r *Router) dispatch(ctx context.Context, m Message) (Reply, error) {
	if h := m.MessageHeader(); len(r.flows) > 0 && h.FromUserName != "" {
		// One message of a user at a time, so that a step sees the state
		// the previous message left (and a Start in a route is not
		// overtaken by the next message).
		unlock, err := r.lockFlow(ctx, flowKey(h))
		if err != nil {
			return nil, err
		}
		defer unlock()
		if reply, err, handled := r.runFlow(ctx, m); handled {
			return reply, err
		}
	}
	if h := r.match(m); h != nil {
		return h.ServeMessage(ctx, m)
	}
	return nil, nil
}

func (r *Router) match(m Message) Handler {
	hd := m.MessageHeader()
	switch hd.MsgType {
	case MsgTypeText:
		if t, ok := m.(*Text); ok {
			c := strings.TrimSpace(t.Content)
			if h := r.keywords[c]; h != nil {
				return h
			}
			for _, p := range r.prefixes {
				if strings.HasPrefix(c, p.prefix) {
					return p.h
				}
			}
			for _, p := range r.regexps {
				if p.re.MatchString(c) {
					return p.h
				}
			}
		}
	case MsgTypeEvent:
		if h := r.byEventKey[[2]string{hd.Event, hd.EventKey}]; h != nil {
			return h
		}
		for _, p := range r.keyPrefixes {
			if p.event == hd.Event && strings.HasPrefix(hd.EventKey, p.prefix) {
				return p.h
			}
		}
		if h := r.byEvent[hd.Event]; h != nil {
			return h
		}
	}
	if h := r.byType[hd.MsgType]; h != nil {
		return h
	}
	return r.def
}
