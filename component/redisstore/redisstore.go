// Package redisstore keeps the third-party platform's component_verify_ticket
// and its authorizers' refresh tokens in Redis: a [component.TicketStore]
// and a [component.RefreshTokenStore] on go-redis v9, shared by every
// process of the platform.
//
// The ticket is a string under
// "<prefix>wxkit:component:<component_appid>:verify_ticket" (what GetTicket
// reads, as before), and the CreateTime of its push, which
// [Store.PutTicketIfNewer] compares so that several processes keep the
// newest ticket, under a sibling key: the ticket key in braces plus
// ":create_time" ("{<ticket key>}:create_time"), a Redis Cluster hash tag
// that puts both in the ticket key's slot, so one script updates both
// atomically in a cluster too (when the prefix has a hash tag already, the
// sibling is the ticket key plus ":create_time"). A ticket key without its
// sibling (stored by PutTicket, or by an older version) counts as older
// than any push.
//
// Refresh tokens are stored without a TTL under
// "<prefix>wxkit:component:<component_appid>:refresh_token:<authorizer_appid>".
// They cannot be fetched again without the account's administrator, so run
// Redis with persistence (AOF) or keep them in a database instead: the
// RefreshTokenStore interface is three methods.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wxkit/mp/component"
)

// TicketTTL is how long a stored component_verify_ticket is kept; WeChat
// pushes a new one every 10 minutes and a ticket is valid for 12 hours.
const TicketTTL = 12 * time.Hour

// Store is a TicketStore and RefreshTokenStore on Redis for one platform.
type Store struct {
	rdb    redis.UniversalClient
	prefix string
	appid  string
}

var (
	_ component.NewestTicketStore = (*Store)(nil)
	_ component.RefreshTokenStore = (*Store)(nil)
)

// Option configures a Store.
type Option func(*Store)

// WithPrefix puts prefix before every key (for example "prod:").
func WithPrefix(prefix string) Option { return func(s *Store) { s.prefix = prefix } }

// New returns a Store on rdb for the platform componentAppID.
func New(rdb redis.UniversalClient, componentAppID string, opts ...Option) *Store {
	s := &Store{rdb: rdb, appid: componentAppID}
	for _, o := range opts {
		o(s)
	}
	return s
}

// String describes the store without its contents.
func (s *Store) String() string {
	return fmt.Sprintf("component/redisstore.Store{component_appid: %q, prefix: %q}", s.appid, s.prefix)
}

func (s *Store) ticketKey(appid string) string {
	return s.prefix + "wxkit:component:" + appid + ":verify_ticket"
}

// ticketTimeKey is the key of the CreateTime of the ticket under
// ticketKey, in the same Redis Cluster slot.
func ticketTimeKey(ticketKey string) string {
	if hasHashTag(ticketKey) {
		return ticketKey + ":create_time"
	}
	return "{" + ticketKey + "}:create_time"
}

// hasHashTag reports whether Redis Cluster hashes only part of key: a "{"
// followed later by a "}" with at least one byte between them.
func hasHashTag(key string) bool {
	i := strings.IndexByte(key, '{')
	return i >= 0 && strings.IndexByte(key[i+1:], '}') > 0
}

func (s *Store) refreshKey(authorizer string) string {
	return s.prefix + "wxkit:component:" + s.appid + ":refresh_token:" + authorizer
}

func (s *Store) get(ctx context.Context, key, what string) (string, bool, error) {
	v, err := s.rdb.Get(ctx, key).Result()
	if errors.Is(err, redis.Nil) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("component/redisstore: loading %s: %w", what, err)
	}
	return v, true, nil
}

// GetTicket implements component.TicketStore.
func (s *Store) GetTicket(ctx context.Context, componentAppID string) (string, bool, error) {
	return s.get(ctx, s.ticketKey(componentAppID), "the verify ticket")
}

// putTicketScript saves the ticket (KEYS[1]) and its CreateTime (KEYS[2])
// unless a ticket is stored with a later CreateTime: ARGV are the ticket,
// its CreateTime and the TTL in milliseconds. It returns 1 when saved.
var putTicketScript = redis.NewScript(`
local cur = tonumber(redis.call("GET", KEYS[2]))
if cur and tonumber(ARGV[2]) < cur and redis.call("EXISTS", KEYS[1]) == 1 then return 0 end
redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[3])
redis.call("SET", KEYS[2], ARGV[2], "PX", ARGV[3])
return 1`)

// setTicketScript saves the ticket (KEYS[1]) without a CreateTime,
// deleting the stored one (KEYS[2]): ARGV are the ticket and the TTL in
// milliseconds.
var setTicketScript = redis.NewScript(`
redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2])
redis.call("DEL", KEYS[2])
return 1`)

// PutTicket implements component.TicketStore. The ticket has no
// CreateTime, so the next PutTicketIfNewer replaces it.
func (s *Store) PutTicket(ctx context.Context, componentAppID, ticket string) error {
	k := s.ticketKey(componentAppID)
	if err := setTicketScript.Run(ctx, s.rdb, []string{k, ticketTimeKey(k)}, ticket, TicketTTL.Milliseconds()).Err(); err != nil {
		return fmt.Errorf("component/redisstore: saving the verify ticket: %w", err)
	}
	return nil
}

// PutTicketIfNewer implements component.NewestTicketStore with one script:
// the ticket and its CreateTime are saved together, with TicketTTL, unless
// the stored ticket's CreateTime is later.
func (s *Store) PutTicketIfNewer(ctx context.Context, componentAppID, ticket string, createTime int64) (bool, error) {
	k := s.ticketKey(componentAppID)
	n, err := putTicketScript.Run(ctx, s.rdb, []string{k, ticketTimeKey(k)}, ticket, createTime, TicketTTL.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("component/redisstore: saving the verify ticket: %w", err)
	}
	return n == 1, nil
}

// Get implements component.RefreshTokenStore.
func (s *Store) Get(ctx context.Context, authorizerAppID string) (string, bool, error) {
	return s.get(ctx, s.refreshKey(authorizerAppID), "the refresh token of "+authorizerAppID)
}

// Put implements component.RefreshTokenStore. The key has no TTL.
func (s *Store) Put(ctx context.Context, authorizerAppID, refreshToken string) error {
	if err := s.rdb.Set(ctx, s.refreshKey(authorizerAppID), refreshToken, 0).Err(); err != nil {
		return fmt.Errorf("component/redisstore: saving the refresh token of %s: %w", authorizerAppID, err)
	}
	return nil
}

// Delete implements component.RefreshTokenStore.
func (s *Store) Delete(ctx context.Context, authorizerAppID string) error {
	if err := s.rdb.Del(ctx, s.refreshKey(authorizerAppID)).Err(); err != nil {
		return fmt.Errorf("component/redisstore: deleting the refresh token of %s: %w", authorizerAppID, err)
	}
	return nil
}
