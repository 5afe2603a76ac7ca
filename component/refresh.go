package component

import (
	"context"
	"sync"
)

// RefreshTokenStore keeps each authorized account's authorizer_refresh_token
// (刷新令牌), the one credential that cannot be fetched again without the
// account's administrator authorizing anew (or api_get_authorizer_list).
// Implement it on a durable database; it is small enough for one SQL table
// (authorizer_appid primary key, refresh_token). The platform writes a token
// before using it and never logs it.
type RefreshTokenStore interface {
	// Get returns the refresh token of appid; ok is false when none is stored.
	Get(ctx context.Context, authorizerAppID string) (refreshToken string, ok bool, err error)
	// Put stores (or replaces) the refresh token of appid.
	Put(ctx context.Context, authorizerAppID, refreshToken string) error
	// Delete removes it (the account cancelled the authorization).
	Delete(ctx context.Context, authorizerAppID string) error
}

// MemoryRefreshTokenStore is a RefreshTokenStore in process memory: for
// tests and development only, since a restart loses every authorization.
type MemoryRefreshTokenStore struct {
	mu sync.RWMutex
	m  map[string]string
}

// NewMemoryRefreshTokenStore returns an empty store.
func NewMemoryRefreshTokenStore() *MemoryRefreshTokenStore {
	return &MemoryRefreshTokenStore{m: map[string]string{}}
}

// Get implements RefreshTokenStore.
func (s *MemoryRefreshTokenStore) Get(_ context.Context, appid string) (string, bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, ok := s.m[appid]
	return v, ok, nil
}

// Put implements RefreshTokenStore.
func (s *MemoryRefreshTokenStore) Put(_ context.Context, appid, rt string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[appid] = rt
	return nil
}

// Delete implements RefreshTokenStore.
func (s *MemoryRefreshTokenStore) Delete(_ context.Context, appid string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, appid)
	return nil
}

// String hides the tokens.
func (s *MemoryRefreshTokenStore) String() string {
	return "component.MemoryRefreshTokenStore{<redacted>}"
}
