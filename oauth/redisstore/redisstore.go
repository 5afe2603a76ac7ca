// Package redisstore keeps the web-authorization middleware's login states
// and sessions (网页授权) in Redis, so a site served by several processes
// behind a load balancer logs users in whichever process the WeChat callback
// reaches:
//
//	mw, err := oauth.New(client).NewMiddleware(oauth.MiddlewareConfig{
//		RedirectURL:  "https://example.com/auth/callback",
//		Key:          key,
//		StateStore:   redisstore.NewStateStore(rdb, ""),
//		SessionStore: redisstore.NewSessionStore(rdb, ""),
//	})
//
// A state is consumed with one SET NX PX (single use across processes); a
// session is a JSON value that expires with the session. Sessions hold the
// user's access and refresh tokens: they stay server side, so protect the
// Redis as you protect the database.
package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wxkit/mp/internal/redact"
	"github.com/wxkit/mp/oauth"
)

// DefaultPrefix namespaces the keys when no prefix is given.
const DefaultPrefix = "wxkit:oauth:"

// StateStore is an oauth.StateStore on Redis.
type StateStore struct {
	c      redis.Cmdable
	prefix string
}

var _ oauth.StateStore = (*StateStore)(nil)

// NewStateStore returns a StateStore with keys prefix+"state:"+id
// (DefaultPrefix when prefix is empty).
func NewStateStore(c redis.Cmdable, prefix string) *StateStore {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	return &StateStore{c: c, prefix: prefix + "state:"}
}

// Consume implements oauth.StateStore: the first caller for id wins, in any
// process, until expiry.
func (s *StateStore) Consume(ctx context.Context, id string, expiry time.Time) (bool, error) {
	ttl := time.Until(expiry)
	if ttl < time.Second {
		ttl = time.Second // an almost expired state still counts as used
	}
	ok, err := s.c.SetNX(ctx, s.prefix+id, 1, ttl).Result()
	if err != nil {
		return false, fmt.Errorf("redisstore: consume state: %w", err)
	}
	return ok, nil
}

// SessionStore is an oauth.SessionStore on Redis.
type SessionStore struct {
	c      redis.Cmdable
	prefix string
}

var _ oauth.SessionStore = (*SessionStore)(nil)

// NewSessionStore returns a SessionStore with keys prefix+"session:"+id
// (DefaultPrefix when prefix is empty).
func NewSessionStore(c redis.Cmdable, prefix string) *SessionStore {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	return &SessionStore{c: c, prefix: prefix + "session:"}
}

// Load implements oauth.SessionStore.
func (s *SessionStore) Load(ctx context.Context, id string) (*oauth.Session, error) {
	data, err := s.c.Get(ctx, s.prefix+id).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("redisstore: load session: %w", err)
	}
	var sess oauth.Session
	if err := json.Unmarshal(data, &sess); err != nil {
		// Never quote the value: it holds the user's tokens.
		return nil, fmt.Errorf("redisstore: load session: corrupt value: %w", redact.JSONError(err, nil))
	}
	if !sess.Expiry.IsZero() && time.Now().After(sess.Expiry) {
		return nil, nil
	}
	return &sess, nil
}

// Save implements oauth.SessionStore; the key expires with the session.
func (s *SessionStore) Save(ctx context.Context, id string, sess *oauth.Session) error {
	if sess == nil {
		return errors.New("redisstore: save session: nil session")
	}
	data, err := json.Marshal(sess)
	if err != nil {
		return fmt.Errorf("redisstore: save session: %w", err)
	}
	ttl := time.Until(sess.Expiry)
	if sess.Expiry.IsZero() {
		ttl = 0 // no expiry
	} else if ttl <= 0 {
		return s.Delete(ctx, id)
	}
	if err := s.c.Set(ctx, s.prefix+id, data, ttl).Err(); err != nil {
		return fmt.Errorf("redisstore: save session: %w", err)
	}
	return nil
}

// Delete implements oauth.SessionStore.
func (s *SessionStore) Delete(ctx context.Context, id string) error {
	if err := s.c.Del(ctx, s.prefix+id).Err(); err != nil {
		return fmt.Errorf("redisstore: delete session: %w", err)
	}
	return nil
}
