// Package redisstore keeps WeChat credentials in Redis so that several
// processes (or several Sources) fetch each access_token or jsapi_ticket once
// per expiry window. It implements [token.Store] on go-redis v9.
//
// Values are stored as "<unix-millis-expiry>:<value>" with a Redis TTL a
// little past the expiry. The refresh lease is SET NX PX with a random owner
// and is released by a compare-and-delete script, so a holder whose lease
// expired never deletes the next holder's lease. The Store is a
// [token.LeaseStore]: a refresh saves its value with a compare-and-set script
// (owner check and write in one step), so a refresh that outlived its lease
// never overwrites the newer value of the next holder.
//
// In Redis Cluster the value and its lease ("<key>:lock") live in different
// slots unless the key has a hash tag; the guarded save then falls back to a
// check followed by the write.
package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wxkit/mp/token"
)

// Store is a token.Store on Redis.
type Store struct {
	rdb    redis.UniversalClient
	prefix string
}

// Option configures a Store.
type Option func(*Store)

// WithPrefix puts prefix before every key (for example "prod:"), so several
// environments can share one Redis.
func WithPrefix(prefix string) Option { return func(s *Store) { s.prefix = prefix } }

// New returns a Store on rdb (a *redis.Client, *redis.ClusterClient or ring).
func New(rdb redis.UniversalClient, opts ...Option) *Store {
	s := &Store{rdb: rdb}
	for _, o := range opts {
		o(s)
	}
	return s
}

// ErrCorrupt reports a stored value this package did not write.
var ErrCorrupt = errors.New("redisstore: stored token has an unexpected format")

// Load implements token.Store.
func (s *Store) Load(ctx context.Context, key string) (token.Token, bool, error) {
	raw, err := s.rdb.Get(ctx, s.prefix+key).Result()
	if errors.Is(err, redis.Nil) {
		return token.Token{}, false, nil
	}
	if err != nil {
		return token.Token{}, false, fmt.Errorf("redisstore: load %s: %w", key, err)
	}
	ms, value, ok := strings.Cut(raw, ":")
	if !ok || value == "" {
		return token.Token{}, false, fmt.Errorf("%w (key %s)", ErrCorrupt, key)
	}
	n, err := strconv.ParseInt(ms, 10, 64)
	if err != nil {
		return token.Token{}, false, fmt.Errorf("%w (key %s)", ErrCorrupt, key)
	}
	return token.Token{Value: value, Expiry: time.UnixMilli(n)}, true, nil
}

// Save implements token.Store. The Redis TTL is only for clean-up: the Source
// judges expiry from the stored instant.
func (s *Store) Save(ctx context.Context, key string, t token.Token) error {
	v, ttl := encode(t)
	if err := s.rdb.Set(ctx, s.prefix+key, v, ttl).Err(); err != nil {
		return fmt.Errorf("redisstore: save %s: %w", key, err)
	}
	return nil
}

func encode(t token.Token) (string, time.Duration) {
	ttl := time.Until(t.Expiry) + time.Minute
	if ttl < time.Minute {
		ttl = time.Minute
	}
	return strconv.FormatInt(t.Expiry.UnixMilli(), 10) + ":" + t.Value, ttl
}

// saveScript writes the value only while the lease still holds our owner id.
var saveScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then redis.call("SET", KEYS[2], ARGV[2], "PX", ARGV[3]) return 1 else return 0 end`)

// LockLease implements token.LeaseStore: the lease of key lives under
// key+":lock", and its Save writes only while the lease is still ours.
func (s *Store) LockLease(ctx context.Context, key string, lease time.Duration) (token.Lease, bool, error) {
	release, owner, ok, err := s.lock(ctx, key+":lock", lease)
	if err != nil || !ok {
		return nil, ok, err
	}
	return &guardedLease{s: s, key: key, owner: owner, release: release}, true, nil
}

type guardedLease struct {
	s       *Store
	key     string
	owner   string
	release func(context.Context) error
}

func (l *guardedLease) Save(ctx context.Context, t token.Token) (bool, error) {
	v, ttl := encode(t)
	lockKey, valKey := l.s.prefix+l.key+":lock", l.s.prefix+l.key
	n, err := saveScript.Run(ctx, l.s.rdb, []string{lockKey, valKey}, l.owner, v, ttl.Milliseconds()).Int()
	if err != nil && strings.Contains(err.Error(), "CROSSSLOT") {
		// Redis Cluster without a hash tag: check, then write.
		cur, gerr := l.s.rdb.Get(ctx, lockKey).Result()
		if gerr != nil && !errors.Is(gerr, redis.Nil) {
			return false, fmt.Errorf("redisstore: save %s: %w", l.key, gerr)
		}
		if cur != l.owner {
			return false, nil
		}
		return true, l.s.Save(ctx, l.key, t)
	}
	if err != nil {
		return false, fmt.Errorf("redisstore: save %s: %w", l.key, err)
	}
	return n == 1, nil
}

func (l *guardedLease) Release(ctx context.Context) error { return l.release(ctx) }

// releaseScript deletes the lease only if it still holds our owner id.
var releaseScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) else return 0 end`)

// Lock implements token.Store with SET NX PX and a compare-and-delete release.
func (s *Store) Lock(ctx context.Context, key string, lease time.Duration) (func(context.Context) error, bool, error) {
	release, _, ok, err := s.lock(ctx, key, lease)
	return release, ok, err
}

func (s *Store) lock(ctx context.Context, key string, lease time.Duration) (func(context.Context) error, string, bool, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, "", false, fmt.Errorf("redisstore: lock owner: %w", err)
	}
	owner := hex.EncodeToString(b[:])
	k := s.prefix + key
	ok, err := s.rdb.SetNX(ctx, k, owner, lease).Result()
	if err != nil {
		return nil, "", false, fmt.Errorf("redisstore: lock %s: %w", key, err)
	}
	if !ok {
		return nil, "", false, nil
	}
	release := func(ctx context.Context) error {
		if err := releaseScript.Run(ctx, s.rdb, []string{k}, owner).Err(); err != nil {
			return fmt.Errorf("redisstore: unlock %s: %w", key, err)
		}
		return nil
	}
	return release, owner, true, nil
}

var _ token.LeaseStore = (*Store)(nil)
