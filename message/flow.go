package message

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"time"
)

// FlowState is the persisted state of a user's conversation (流程回复):
// which flow, which step, and the values the steps collected.
type FlowState struct {
	Flow string            `json:"flow"`
	Step string            `json:"step"`
	Data map[string]string `json:"data,omitempty"`
}

// FlowStore keeps FlowState per user key. Load reports ok == false for a
// missing or expired key. Implementations must be safe for concurrent use.
type FlowStore interface {
	LoadFlow(ctx context.Context, key string) (st FlowState, ok bool, err error)
	SaveFlow(ctx context.Context, key string, st FlowState, ttl time.Duration) error
	DeleteFlow(ctx context.Context, key string) error
}

// FlowLocker is implemented by FlowStores shared by several processes
// (such as redisstore.FlowStore) to serialize the steps of one user across
// them. LockFlow waits, until ctx is done, for the lock of key and returns
// the function releasing it; the lock must only be released by its owner
// and must expire on its own if the owner dies.
type FlowLocker interface {
	LockFlow(ctx context.Context, key string) (unlock func(), err error)
}

// FlowFunc handles one message of a user who is in a flow. s.Step tells
// where the conversation is; call s.Next to move on, s.End to finish, or
// neither to stay on the same step. Returning ErrNotHandled hands the
// message back to the Router's ordinary routes (the flow stays active
// unless s.End was called).
type FlowFunc func(ctx context.Context, s *Session, m Message) (Reply, error)

// Flow is a multi-step conversation registered on a Router (Router.Flow).
type Flow struct {
	name string
	fn   FlowFunc
	r    *Router
}

// Session is the state of one user in a flow, handed to each step.
type Session struct {
	Flow string            // the flow's name
	Step string            // the current step
	Data map[string]string // values kept across steps

	key     string
	ended   bool
	changed bool
}

// Next moves the conversation to step; the user's next message reaches the
// flow with s.Step == step.
func (s *Session) Next(step string) { s.Step, s.changed = step, true }

// End finishes the flow; the user's next message is routed normally.
func (s *Session) End() { s.ended = true }

// Set stores a value for later steps.
func (s *Session) Set(key, value string) {
	if s.Data == nil {
		s.Data = map[string]string{}
	}
	s.Data[key], s.changed = value, true
}

// Get returns a value stored by an earlier step.
func (s *Session) Get(key string) string { return s.Data[key] }

// Flow registers a multi-step conversation named name (unique per Router)
// whose steps are handled by fn, and returns it so handlers can Start it.
func (r *Router) Flow(name string, fn FlowFunc) *Flow {
	f := &Flow{name: name, fn: fn, r: r}
	r.flows[name] = f
	return f
}

// Name returns the flow's name.
func (f *Flow) Name() string { return f.name }

// Start puts the sender of m into the flow at step: from now on their
// messages go to the flow (until it ends or the flow TTL passes without a
// message). It is typically called by the handler that asks the first
// question:
//
//	return message.TextReply{Content: "Reply 1 for balance, 2 for bill"}, billing.Start(ctx, m, "menu")
//
// Called from a step (of any flow) for the same user, it replaces that
// step's session.
func (f *Flow) Start(ctx context.Context, m Message, step string) error {
	if m == nil {
		return errors.New("message: Flow.Start with nil message")
	}
	key := flowKey(m.MessageHeader())
	if s, ok := ctx.Value(sessionCtxKey{}).(*Session); ok && s.key == key {
		s.Flow, s.Step, s.Data, s.ended, s.changed = f.name, step, nil, false, true
		return nil
	}
	return f.r.flowStore.SaveFlow(ctx, key, FlowState{Flow: f.name, Step: step}, f.r.flowTTL)
}

// Stop ends any flow the sender of m is in.
func (f *Flow) Stop(ctx context.Context, m Message) error {
	if m == nil {
		return nil
	}
	key := flowKey(m.MessageHeader())
	if s, ok := ctx.Value(sessionCtxKey{}).(*Session); ok && s.key == key {
		s.ended = true
		return nil
	}
	return f.r.flowStore.DeleteFlow(ctx, key)
}

type sessionCtxKey struct{}

func flowKey(h *Header) string { return h.ToUserName + ":" + h.FromUserName }

// lockFlow serializes the messages of one user in a Router with flows: in
// process always, and across processes when the store is a FlowLocker.
// Waiting is bounded by ctx and the Router's flow lock wait.
func (r *Router) lockFlow(ctx context.Context, key string) (func(), error) {
	unlock := r.locks.tryLock(key)
	if unlock == nil || r.storeLocker != nil {
		if r.flowLockWait > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, r.flowLockWait)
			defer cancel()
		}
	}
	if unlock == nil {
		var err error
		if unlock, err = r.locks.lock(ctx, key); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrFlowBusy, err)
		}
	}
	if r.storeLocker == nil {
		return unlock, nil
	}
	storeUnlock, err := r.storeLocker.LockFlow(ctx, key)
	if err != nil {
		unlock()
		return nil, fmt.Errorf("%w: %w", ErrFlowBusy, err)
	}
	return func() { storeUnlock(); unlock() }, nil
}

// keyedMutex is a mutex per key whose waits can be canceled. An entry
// lives while a goroutine holds or waits for its key, so memory is bounded
// by the messages in flight.
type keyedMutex struct {
	mu sync.Mutex
	m  map[string]*keyLock
}

type keyLock struct {
	ch   chan struct{} // holds a token while locked
	refs int           // holders and waiters
}

func (k *keyedMutex) acquire(key string) *keyLock {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = map[string]*keyLock{}
	}
	l := k.m[key]
	if l == nil {
		l = &keyLock{ch: make(chan struct{}, 1)}
		k.m[key] = l
	}
	l.refs++
	return l
}

func (k *keyedMutex) release(key string, l *keyLock) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if l.refs--; l.refs == 0 {
		delete(k.m, key)
	}
}

// tryLock locks key if it is free, or returns nil.
func (k *keyedMutex) tryLock(key string) func() {
	l := k.acquire(key)
	select {
	case l.ch <- struct{}{}:
		return func() { <-l.ch; k.release(key, l) }
	default:
		k.release(key, l)
		return nil
	}
}

// lock waits for key until ctx is done.
func (k *keyedMutex) lock(ctx context.Context, key string) (func(), error) {
	l := k.acquire(key)
	select {
	case l.ch <- struct{}{}:
		return func() { <-l.ch; k.release(key, l) }, nil
	case <-ctx.Done():
		k.release(key, l)
		return nil, context.Cause(ctx)
	}
}

// len returns the number of keys held or waited for (tests).
func (k *keyedMutex) len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.m)
}

// runFlow sends m to the sender's active flow, if any.
func (r *Router) runFlow(ctx context.Context, m Message) (Reply, error, bool) {
	h := m.MessageHeader()
	if h.FromUserName == "" {
		return nil, nil, false
	}
	key := flowKey(h)
	st, ok, err := r.flowStore.LoadFlow(ctx, key)
	if err != nil {
		r.logger.LogAttrs(ctx, slog.LevelError, "message: flow store load failed; routing normally", slog.Any("err", err))
		return nil, nil, false
	}
	if !ok {
		return nil, nil, false
	}
	f := r.flows[st.Flow]
	if f == nil {
		_ = r.flowStore.DeleteFlow(ctx, key)
		return nil, nil, false
	}
	s := &Session{Flow: st.Flow, Step: st.Step, Data: st.Data, key: key}
	reply, ferr := f.fn(context.WithValue(ctx, sessionCtxKey{}, s), s, m)
	handled := !errors.Is(ferr, ErrNotHandled)
	if s.ended {
		err = r.flowStore.DeleteFlow(ctx, key)
	} else if handled || s.changed {
		err = r.flowStore.SaveFlow(ctx, key, FlowState{Flow: s.Flow, Step: s.Step, Data: s.Data}, r.flowTTL)
	}
	if err != nil {
		r.logger.LogAttrs(ctx, slog.LevelError, "message: flow store save failed", slog.Any("err", err))
	}
	if !handled {
		return nil, nil, false
	}
	return reply, ferr, true
}

// MemoryFlowStore is an in-process FlowStore with expiry and a bounded
// number of users (expired entries are swept as it fills; when still full
// the entry closest to expiry is dropped).
type MemoryFlowStore struct {
	mu  sync.Mutex
	now func() time.Time
	cap int
	m   map[string]memFlow
}

type memFlow struct {
	st      FlowState
	expires time.Time
}

// DefaultFlowCapacity bounds a MemoryFlowStore created with capacity <= 0.
const DefaultFlowCapacity = 100000

// NewMemoryFlowStore returns a MemoryFlowStore for at most capacity users
// (DefaultFlowCapacity when capacity <= 0).
func NewMemoryFlowStore(capacity int) *MemoryFlowStore {
	if capacity <= 0 {
		capacity = DefaultFlowCapacity
	}
	return &MemoryFlowStore{now: time.Now, cap: capacity, m: map[string]memFlow{}}
}

// LoadFlow implements FlowStore.
func (s *MemoryFlowStore) LoadFlow(_ context.Context, key string) (FlowState, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[key]
	if !ok {
		return FlowState{}, false, nil
	}
	if !s.now().Before(e.expires) {
		delete(s.m, key)
		return FlowState{}, false, nil
	}
	st := e.st
	st.Data = maps.Clone(st.Data)
	return st, true, nil
}

// SaveFlow implements FlowStore.
func (s *MemoryFlowStore) SaveFlow(_ context.Context, key string, st FlowState, ttl time.Duration) error {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[key]; !ok && len(s.m) >= s.cap {
		var victim string
		var first time.Time
		for k, e := range s.m {
			if !now.Before(e.expires) {
				delete(s.m, k)
				continue
			}
			if victim == "" || e.expires.Before(first) {
				victim, first = k, e.expires
			}
		}
		if len(s.m) >= s.cap {
			delete(s.m, victim)
		}
	}
	st.Data = maps.Clone(st.Data)
	s.m[key] = memFlow{st: st, expires: now.Add(ttl)}
	return nil
}

// DeleteFlow implements FlowStore.
func (s *MemoryFlowStore) DeleteFlow(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, key)
	return nil
}
