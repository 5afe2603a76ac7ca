package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wxkit/mp/message"
)

// DefaultPrefix namespaces the keys when no prefix is given.
const DefaultPrefix = "wxkit:message:"

// DedupStore is a message.DedupStore on Redis: SeenBefore is one
// SET key 1 NX PX ttl, atomic across processes.
type DedupStore struct {
	c      redis.Cmdable
	prefix string
}

// NewDedupStore returns a DedupStore using client, with keys
// prefix+"dedup:"+key (DefaultPrefix when prefix is empty).
func NewDedupStore(client redis.Cmdable, prefix string) *DedupStore {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	return &DedupStore{c: client, prefix: prefix + "dedup:"}
}

var _ message.DedupStore = (*DedupStore)(nil)

// SeenBefore implements message.DedupStore.
func (s *DedupStore) SeenBefore(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if ttl < time.Millisecond {
		ttl = time.Millisecond
	}
	ok, err := s.c.SetNX(ctx, s.prefix+key, 1, ttl).Result()
	if err != nil {
		return false, fmt.Errorf("redisstore: dedup: %w", err)
	}
	return !ok, nil
}

// Forget implements message.DedupForgetter (one DEL).
func (s *DedupStore) Forget(ctx context.Context, key string) error {
	if err := s.c.Del(ctx, s.prefix+key).Err(); err != nil {
		return fmt.Errorf("redisstore: dedup: %w", err)
	}
	return nil
}

// FlowStore is a message.FlowStore on Redis: the state of each user is a
// JSON value under prefix+"flow:"+key that expires with the flow TTL.
//
// It is also a message.FlowLocker, so that the Router serializes the
// messages of one user across processes: the lock is
// SET prefix+"flowlock:"+key <random owner token> NX PX <lock TTL>, polled
// with backoff until the context is done, and released by a script that
// deletes the key only if it still holds the owner's token. A handler
// running longer than the lock TTL loses the lock.
type FlowStore struct {
	c          redis.Cmdable
	prefix     string
	lockPrefix string
	lockTTL    time.Duration
}

// DefaultLockTTL is how long a flow lock lives if its owner never releases
// it (a crashed process); it matches message.DefaultLateTimeout, the bound
// of a handler's context.
const DefaultLockTTL = 30 * time.Second

// FlowStoreOption configures a FlowStore.
type FlowStoreOption func(*FlowStore)

// WithLockTTL sets the expiry of the flow lock (default DefaultLockTTL); it
// should exceed the longest handler run (the Server's late timeout).
func WithLockTTL(d time.Duration) FlowStoreOption {
	return func(s *FlowStore) {
		if d > 0 {
			s.lockTTL = d
		}
	}
}

// NewFlowStore returns a FlowStore using client (DefaultPrefix when prefix
// is empty).
func NewFlowStore(client redis.Cmdable, prefix string, opts ...FlowStoreOption) *FlowStore {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	s := &FlowStore{c: client, prefix: prefix + "flow:", lockPrefix: prefix + "flowlock:", lockTTL: DefaultLockTTL}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	return s
}

var (
	_ message.FlowStore  = (*FlowStore)(nil)
	_ message.FlowLocker = (*FlowStore)(nil)
)

// unlockScript deletes the lock only if it still belongs to the caller.
var unlockScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`)

// LockFlow implements message.FlowLocker.
func (s *FlowStore) LockFlow(ctx context.Context, key string) (func(), error) {
	var raw [16]byte
	_, _ = rand.Read(raw[:])
	token := hex.EncodeToString(raw[:])
	k := s.lockPrefix + key
	backoff := 2 * time.Millisecond
	var timer *time.Timer
	for {
		ok, err := s.c.SetNX(ctx, k, token, s.lockTTL).Result()
		if err != nil {
			return nil, fmt.Errorf("redisstore: lock flow: %w", err)
		}
		if ok {
			break
		}
		if timer == nil {
			timer = time.NewTimer(backoff)
			defer timer.Stop()
		} else {
			timer.Reset(backoff)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("redisstore: lock flow: %w", context.Cause(ctx))
		case <-timer.C:
		}
		backoff = min(2*backoff, 50*time.Millisecond)
	}
	return func() {
		// The handler's context may be over: release with a fresh one.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = unlockScript.Run(ctx, s.c, []string{k}, token).Err()
	}, nil
}

// LoadFlow implements message.FlowStore.
func (s *FlowStore) LoadFlow(ctx context.Context, key string) (message.FlowState, bool, error) {
	b, err := s.c.Get(ctx, s.prefix+key).Bytes()
	if errors.Is(err, redis.Nil) {
		return message.FlowState{}, false, nil
	}
	if err != nil {
		return message.FlowState{}, false, fmt.Errorf("redisstore: load flow: %w", err)
	}
	var st message.FlowState
	if err := json.Unmarshal(b, &st); err != nil {
		return message.FlowState{}, false, fmt.Errorf("redisstore: load flow: corrupt state: %w", err)
	}
	return st, true, nil
}

// SaveFlow implements message.FlowStore.
func (s *FlowStore) SaveFlow(ctx context.Context, key string, st message.FlowState, ttl time.Duration) error {
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("redisstore: save flow: %w", err)
	}
	if ttl < time.Millisecond {
		ttl = time.Millisecond
	}
	if err := s.c.Set(ctx, s.prefix+key, b, ttl).Err(); err != nil {
		return fmt.Errorf("redisstore: save flow: %w", err)
	}
	return nil
}

// DeleteFlow implements message.FlowStore.
func (s *FlowStore) DeleteFlow(ctx context.Context, key string) error {
	if err := s.c.Del(ctx, s.prefix+key).Err(); err != nil {
		return fmt.Errorf("redisstore: delete flow: %w", err)
	}
	return nil
}
