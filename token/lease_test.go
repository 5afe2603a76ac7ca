package token_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/syncbuf"
	"github.com/wxkit/mp/token"
)

// plainStore hides MemoryStore's type: a third-party Store without a
// guarded lease.
type plainStore struct{ token.Store }

// With a Store that cannot guard its save, a result that came after the
// lease ran out is dropped in favour of the stored one (issue 11 #6).
func TestStaleResultOfPlainStoreIsDropped(t *testing.T) {
	t.Parallel()
	clk := newClock()
	st := token.NewMemoryStore()
	const key = "wxkit:mp:wxtest:access_token"
	var logs syncbuf.Buffer
	slow := token.FetcherFunc(func(ctx context.Context, _ bool) (token.Token, error) {
		// While this fetch runs past its lease, the next holder saves T2.
		clk.Add(time.Minute)
		require.NoError(t, st.Save(ctx, key, token.Token{Value: "T2-new", Expiry: clk.Now().Add(2 * time.Hour)}))
		return token.Token{Value: "T1-stale", Expiry: clk.Now().Add(2 * time.Hour)}, nil
	})
	s := newSource(t, slow, clk, token.WithStore(plainStore{st}), token.WithLease(15*time.Second), token.WithLogger(newLogger(&logs)))
	v, err := s.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "T2-new", v)
	got, _, _ := st.Load(context.Background(), key)
	assert.Equal(t, "T2-new", got.Value, "the newer token was overwritten")
	assert.Contains(t, logs.String(), "outlived its lease")
	assert.NotContains(t, logs.String(), "T1-stale")
}

// Without WithLogger, a failed background refresh is reported at WARN
// through slog.Default() (issue 12), without the token. Not parallel: it
// replaces the process's default logger.
func TestBackgroundRefreshFailureLoggedToDefault(t *testing.T) {
	var logs syncbuf.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))
	t.Cleanup(func() { slog.SetDefault(prev) })

	clk := newClock()
	f := &counter{clk: clk, life: 2 * time.Hour}
	s := newSource(t, f, clk)
	ctx := context.Background()
	v, err := s.Token(ctx)
	require.NoError(t, err)
	f.fail.Store(true)
	clk.Add(2*time.Hour - token.DefaultSafetyMargin - time.Minute) // inside the refresh-ahead window
	v2, err := s.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, v, v2, "the cached token is still served")
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "background token refresh failed") },
		10*time.Second, 5*time.Millisecond)
	assert.Contains(t, logs.String(), "level=WARN")
	assert.NotContains(t, logs.String(), v)
}
