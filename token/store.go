package token

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"
)

// Store shares credentials between Sources, in one process or several.
//
// Keys are namespaced by the caller (the SDK uses "wxkit:mp:<appid>:<kind>"),
// so several accounts can share one store.
type Store interface {
	// Load returns the stored token for key. ok is false when there is none.
	Load(ctx context.Context, key string) (t Token, ok bool, err error)
	// Save stores t under key.
	Save(ctx context.Context, key string, t Token) error
	// Lock tries once to take the refresh lease for key. When acquired, the
	// returned release function gives it back, and only if the lease is
	// still the caller's (compare before delete). A lease that is never
	// released expires after lease.
	Lock(ctx context.Context, key string, lease time.Duration) (release func(context.Context) error, acquired bool, err error)
}

// MemoryStore is a Store held in process memory, safe for concurrent use.
// It is the default store of a Source; share one between Sources to make
// them behave as processes sharing Redis would.
type MemoryStore struct {
	mu     sync.Mutex
	tokens map[string]Token
	locks  map[string]memLock
	now    func() time.Time
}

type memLock struct {
	owner  string
	expiry time.Time
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{tokens: map[string]Token{}, locks: map[string]memLock{}, now: time.Now}
}

// Load implements Store.
func (m *MemoryStore) Load(_ context.Context, key string) (Token, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tokens[key]
	return t, ok, nil
}

// Save implements Store.
func (m *MemoryStore) Save(_ context.Context, key string, t Token) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tokens[key] = t
	return nil
}

// Lock implements Store.
func (m *MemoryStore) Lock(_ context.Context, key string, lease time.Duration) (func(context.Context) error, bool, error) {
	owner := randomOwner()
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if l, held := m.locks[key]; held && now.Before(l.expiry) {
		return nil, false, nil
	}
	m.locks[key] = memLock{owner: owner, expiry: now.Add(lease)}
	release := func(context.Context) error {
		m.mu.Lock()
		defer m.mu.Unlock()
		if l, held := m.locks[key]; held && l.owner == owner {
			delete(m.locks, key)
		}
		return nil
	}
	return release, true, nil
}

// randomOwner returns an identifier for a lease holder.
func randomOwner() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// LeaseStore is a [Store] whose refresh lease can guard the save: the owner
// check and the write happen in one step (a Lua script in Redis), so a
// refresh that outlived its lease never overwrites the newer value the next
// holder saved. A Source uses it when its store implements it; with a plain
// Store it drops a result that took longer than the lease instead of saving
// it (a check in the process, not atomic with the write).
//
// redisstore.Store implements it.
type LeaseStore interface {
	Store
	// LockLease tries once to take the refresh lease of the value stored
	// under key (the lease itself lives under key+":lock").
	LockLease(ctx context.Context, key string, lease time.Duration) (l Lease, acquired bool, err error)
}

// Lease is a refresh lease taken with [LeaseStore.LockLease].
type Lease interface {
	// Save stores t under the lease's key only if the lease is still held
	// by this owner; saved is false when it was lost (expired, or taken
	// by another holder) and nothing was written.
	Save(ctx context.Context, t Token) (saved bool, err error)
	// Release gives the lease back if it is still this owner's.
	Release(ctx context.Context) error
}
