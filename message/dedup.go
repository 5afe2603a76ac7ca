package message

import (
	"context"
	"strconv"
	"sync"
	"time"
)

// DedupStore remembers which pushes were already seen, so that WeChat's
// retries (消息排重: a push is retried three times when no answer arrives
// within 5 seconds) run the handler only once. SeenBefore must atomically
// record key for ttl if absent and report whether it was already present
// (set-if-absent). Implementations must be safe for concurrent use.
//
// The Server records a push before running the handler, so a retry that
// arrives while the first attempt is still running is answered "success"
// too; a failing store is logged and the push processed anyway.
type DedupStore interface {
	SeenBefore(ctx context.Context, key string, ttl time.Duration) (bool, error)
}

// DedupForgetter is implemented by DedupStores that can drop a key again.
// WithRetryOnError uses it to let WeChat's retry of a failed push run the
// handler again; MemoryDedupStore and redisstore.DedupStore implement it.
type DedupForgetter interface {
	Forget(ctx context.Context, key string) error
}

// Default dedup settings.
const (
	DefaultDedupCapacity = 65536
	// DefaultDedupTTL covers WeChat's retries and, being longer than the
	// default replay window on both sides, also stops replays of a
	// captured request.
	DefaultDedupTTL = 10 * time.Minute
)

// MemoryDedupStore is an in-memory DedupStore with a bounded number of
// keys: entries expire after their TTL and, when the store is full, the
// oldest entry is evicted. Every operation is O(1). The zero value is not
// usable; call NewMemoryDedupStore.
type MemoryDedupStore struct {
	mu      sync.Mutex
	now     func() time.Time
	cap     int
	index   map[string]int32
	entries []dedupEntry // ring in insertion order
	head    int          // oldest entry
	n       int          // live entries in the ring
}

type dedupEntry struct {
	key     string
	expires int64 // unix nanoseconds
}

// NewMemoryDedupStore returns a MemoryDedupStore holding at most capacity
// keys (DefaultDedupCapacity when capacity <= 0).
func NewMemoryDedupStore(capacity int) *MemoryDedupStore {
	if capacity <= 0 {
		capacity = DefaultDedupCapacity
	}
	return &MemoryDedupStore{cap: capacity, index: make(map[string]int32), now: time.Now}
}

// SeenBefore implements DedupStore.
func (s *MemoryDedupStore) SeenBefore(_ context.Context, key string, ttl time.Duration) (bool, error) {
	now := s.now().UnixNano()
	s.mu.Lock()
	defer s.mu.Unlock()
	// Drop expired entries from the old end. With a constant TTL insertion
	// order is expiry order, so this is amortized O(1).
	for s.n > 0 {
		e := &s.entries[s.head]
		if e.expires > now {
			break
		}
		s.evictHead()
	}
	if i, ok := s.index[key]; ok {
		if s.entries[i].expires > now {
			return true, nil
		}
		// Expired but not at the old end (TTLs differ): reuse in place.
		s.entries[i].expires = now + int64(ttl)
		return false, nil
	}
	if s.n == s.cap {
		s.evictHead()
	}
	pos := (s.head + s.n) % s.cap
	if pos == len(s.entries) {
		s.entries = append(s.entries, dedupEntry{})
	}
	s.entries[pos] = dedupEntry{key: key, expires: now + int64(ttl)}
	s.index[key] = int32(pos)
	s.n++
	return false, nil
}

func (s *MemoryDedupStore) evictHead() {
	e := &s.entries[s.head]
	if i, ok := s.index[e.key]; ok && int(i) == s.head {
		delete(s.index, e.key)
	}
	*e = dedupEntry{}
	s.head = (s.head + 1) % s.cap
	s.n--
}

// Forget implements DedupForgetter.
func (s *MemoryDedupStore) Forget(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i, ok := s.index[key]; ok {
		// The ring slot stays until it reaches the old end; evictHead
		// leaves the index alone once it points elsewhere.
		s.entries[i].expires = 0
		delete(s.index, key)
	}
	return nil
}

// Len returns the number of keys held (expired ones included until they
// are evicted).
func (s *MemoryDedupStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// dedupKeyOf is dedupKey plus, for events that carry one, the identity of
// the object concerned (a card event's CardId and UserCardCode), so that two
// distinct events of one user in the same second (the cards of one
// QR_MULTIPLE_CARD scan) are not taken for retries of each other.
func dedupKeyOf(m Message) string {
	k := dedupKey(m.MessageHeader())
	if d, ok := m.(interface{ dedupSuffix() string }); ok {
		k += ":" + d.dedupSuffix()
	}
	return k
}

// dedupKey returns the key identifying a push: the MsgId for user messages;
// for events that carry a MsgID (TEMPLATESENDJOBFINISH, MASSSENDJOBFINISH,
// ...) the sender, event and MsgID, since several such results for one user
// can share a CreateTime; FromUserName + CreateTime + Event + EventKey for
// other events (and for messages without a MsgId). ToUserName scopes keys
// to one account when a store is shared.
func dedupKey(h *Header) string {
	var arr [160]byte
	b := arr[:0]
	b = append(b, h.ToUserName...)
	switch {
	case h.MsgType != MsgTypeEvent && h.MsgID != 0:
		b = append(b, ":m:"...)
		b = strconv.AppendInt(b, h.MsgID, 10)
		return string(b)
	case h.MsgID != 0:
		b = append(b, ":j:"...)
		b = append(b, h.FromUserName...)
		b = append(b, ':')
		b = append(b, h.Event...)
		b = append(b, ':')
		b = strconv.AppendInt(b, h.MsgID, 10)
		return string(b)
	}
	b = append(b, ":e:"...)
	b = append(b, h.FromUserName...)
	b = append(b, ':')
	b = strconv.AppendInt(b, h.CreateTime, 10)
	b = append(b, ':')
	b = append(b, h.MsgType...)
	b = append(b, ':')
	b = append(b, h.Event...)
	b = append(b, ':')
	b = append(b, h.EventKey...)
	return string(b)
}
