package redisstore

import (
	"context"
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

// FlowStore is a message.FlowStore on Redis: the state of each user is a
// JSON value under prefix+"flow:"+key that expires with the flow TTL.
type FlowStore struct {
	c      redis.Cmdable
	prefix string
}

// NewFlowStore returns a FlowStore using client (DefaultPrefix when prefix
// is empty).
func NewFlowStore(client redis.Cmdable, prefix string) *FlowStore {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	return &FlowStore{c: client, prefix: prefix + "flow:"}
}

var _ message.FlowStore = (*FlowStore)(nil)

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
