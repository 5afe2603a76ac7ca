// Package redisstore keeps the third-party platform's component_verify_ticket
// and its authorizers' refresh tokens in Redis: a [component.TicketStore]
// and a [component.RefreshTokenStore] on go-redis v9, shared by every
// process of the platform.
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
	_ component.TicketStore       = (*Store)(nil)
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

// PutTicket implements component.TicketStore.
func (s *Store) PutTicket(ctx context.Context, componentAppID, ticket string) error {
	if err := s.rdb.Set(ctx, s.ticketKey(componentAppID), ticket, TicketTTL).Err(); err != nil {
		return fmt.Errorf("component/redisstore: saving the verify ticket: %w", err)
	}
	return nil
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
