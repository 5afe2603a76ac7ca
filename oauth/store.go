package oauth

import (
	"context"
	"slices"
	"sync"
	"time"
)

// StateStore remembers which login states were used, so that each works
// once. Consume is called only for states whose signature was verified, so
// a store holds at most the states issued within one StateTTL.
//
// Implementations must be safe for concurrent use; a shared one (Redis SET
// NX with an expiry) makes states single-use across processes.
type StateStore interface {
	// Consume marks id as used until expiry. It reports true the first
	// time and false when id was already consumed.
	Consume(ctx context.Context, id string, expiry time.Time) (bool, error)
}

// SessionStore keeps the server side of login sessions: the user and the
// user's tokens, which never reach the browser.
//
// Implementations must be safe for concurrent use.
type SessionStore interface {
	// Load returns the session id, or nil and no error when there is none
	// (unknown or expired).
	Load(ctx context.Context, id string) (*Session, error)
	// Save stores s under id until s.Expiry.
	Save(ctx context.Context, id string, s *Session) error
	// Delete removes the session id (logout).
	Delete(ctx context.Context, id string) error
}

// Session is what a SessionStore keeps for one logged-in browser.
type Session struct {
	User   User      `json:"user"`
	Token  Token     `json:"token"`  // the user's tokens: server side only
	Expiry time.Time `json:"expiry"` // the end of the session
}

// sweepEvery is how often the memory stores drop expired entries.
const sweepEvery = time.Minute

// MemoryStateStore is the in-memory [StateStore], the default. It fits a
// single process; use a shared store when several serve the callback.
type MemoryStateStore struct {
	mu        sync.Mutex
	used      map[string]time.Time
	now       func() time.Time
	lastSweep time.Time
}

// NewMemoryStateStore returns an empty MemoryStateStore.
func NewMemoryStateStore() *MemoryStateStore { return newMemoryStateStore(time.Now) }

func newMemoryStateStore(now func() time.Time) *MemoryStateStore {
	return &MemoryStateStore{used: map[string]time.Time{}, now: now}
}

// Consume implements StateStore.
func (m *MemoryStateStore) Consume(_ context.Context, id string, expiry time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if now.Sub(m.lastSweep) >= sweepEvery {
		for k, exp := range m.used {
			if now.After(exp) {
				delete(m.used, k)
			}
		}
		m.lastSweep = now
	}
	if _, seen := m.used[id]; seen {
		return false, nil
	}
	m.used[id] = expiry
	return true, nil
}

// Len returns the number of remembered states.
func (m *MemoryStateStore) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.used)
}

// MemorySessionStore is the in-memory [SessionStore], the default. Sessions
// are lost on restart and not shared between processes.
type MemorySessionStore struct {
	mu        sync.Mutex
	sessions  map[string]Session
	now       func() time.Time
	lastSweep time.Time
}

// NewMemorySessionStore returns an empty MemorySessionStore.
func NewMemorySessionStore() *MemorySessionStore { return newMemorySessionStore(time.Now) }

func newMemorySessionStore(now func() time.Time) *MemorySessionStore {
	return &MemorySessionStore{sessions: map[string]Session{}, now: now}
}

// Load implements SessionStore.
func (m *MemorySessionStore) Load(_ context.Context, id string) (*Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[id]
	if !ok {
		return nil, nil
	}
	if !m.now().Before(s.Expiry) {
		delete(m.sessions, id)
		return nil, nil
	}
	c := cloneSession(s)
	return &c, nil
}

// Save implements SessionStore.
func (m *MemorySessionStore) Save(_ context.Context, id string, s *Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if now.Sub(m.lastSweep) >= sweepEvery {
		for k, v := range m.sessions {
			if !now.Before(v.Expiry) {
				delete(m.sessions, k)
			}
		}
		m.lastSweep = now
	}
	m.sessions[id] = cloneSession(*s)
	return nil
}

// Delete implements SessionStore.
func (m *MemorySessionStore) Delete(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.sessions, id)
	return nil
}

// Len returns the number of stored sessions (expired ones included until
// they are swept).
func (m *MemorySessionStore) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.sessions)
}

func cloneSession(s Session) Session {
	if s.User.Profile != nil {
		p := *s.User.Profile
		p.Privilege = slices.Clone(p.Privilege)
		s.User.Profile = &p
	}
	return s
}
