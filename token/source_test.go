package token_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/syncbuf"
	"github.com/wxkit/mp/token"
)

// clock is a settable fake time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// counter is a fetcher that issues "tok-N" valid for life, counting calls.
type counter struct {
	n      atomic.Int64
	forced atomic.Int64
	clk    *clock
	life   time.Duration
	delay  time.Duration
	fail   atomic.Bool
	same   atomic.Bool // hand back the previous value unless forced
}

func (c *counter) Fetch(ctx context.Context, force bool) (token.Token, error) {
	if c.delay > 0 {
		time.Sleep(c.delay)
	}
	if c.fail.Load() {
		return token.Token{}, errors.New("upstream down")
	}
	if force {
		c.forced.Add(1)
	}
	n := c.n.Add(1)
	if c.same.Load() && !force && n > 1 {
		n--
	}
	return token.Token{Value: fmt.Sprintf("tok-%d", n), Expiry: c.clk.Now().Add(c.life)}, nil
}

func newSource(t *testing.T, f token.Fetcher, clk *clock, opts ...token.Option) *token.Source {
	t.Helper()
	all := append([]token.Option{token.WithClock(clk.Now), token.WithMinRetryInterval(0)}, opts...)
	return token.NewSource("wxkit:mp:wxtest:access_token", f, all...)
}

func TestTokenCachesAndSharesOneFetch(t *testing.T) {
	t.Parallel()
	clk := newClock()
	f := &counter{clk: clk, life: 2 * time.Hour, delay: 20 * time.Millisecond}
	s := newSource(t, f, clk)

	const n = 10000
	var wg sync.WaitGroup
	var bad atomic.Int64
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := s.Token(context.Background())
			if err != nil || v != "tok-1" {
				bad.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.Zero(t, bad.Load(), "every caller gets tok-1")
	assert.EqualValues(t, 1, f.n.Load(), "10,000 callers on a cold cache cause one upstream request")

	v, err := s.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "tok-1", v)
	assert.EqualValues(t, 1, f.n.Load())
}

func TestTokenRefreshesAheadInBackground(t *testing.T) {
	t.Parallel()
	clk := newClock()
	f := &counter{clk: clk, life: 2 * time.Hour}
	s := newSource(t, f, clk)
	ctx := context.Background()
	v, _ := s.Token(ctx)
	require.Equal(t, "tok-1", v)

	// Inside the refresh-ahead window: the caller gets the current token
	// at once and one background refresh replaces it.
	clk.Add(2*time.Hour - token.DefaultSafetyMargin - token.DefaultRefreshAhead + time.Second)
	v, err := s.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, "tok-1", v, "served from cache while refreshing")
	require.Eventually(t, func() bool { v, _ := s.Token(ctx); return v == "tok-2" }, 2*time.Second, time.Millisecond)
	assert.EqualValues(t, 2, f.n.Load())
}

func TestTokenExpiredWaitsForRefresh(t *testing.T) {
	t.Parallel()
	clk := newClock()
	f := &counter{clk: clk, life: 2 * time.Hour}
	s := newSource(t, f, clk)
	ctx := context.Background()
	_, _ = s.Token(ctx)
	clk.Add(2 * time.Hour)
	v, err := s.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, "tok-2", v)
}

func TestInvalidateBurstCausesOneRefresh(t *testing.T) {
	t.Parallel()
	clk := newClock()
	f := &counter{clk: clk, life: 2 * time.Hour, delay: 10 * time.Millisecond}
	s := newSource(t, f, clk)
	ctx := context.Background()
	old, _ := s.Token(ctx)

	var wg sync.WaitGroup
	for i := 0; i < 1000; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, s.Invalidate(ctx, old))
			v, err := s.Token(ctx)
			assert.NoError(t, err)
			assert.Equal(t, "tok-2", v)
		}()
	}
	wg.Wait()
	assert.EqualValues(t, 2, f.n.Load(), "1 initial fetch + exactly 1 refresh for 1,000 rejections")

	// Invalidating a value that is no longer cached does nothing.
	require.NoError(t, s.Invalidate(ctx, old))
	require.NoError(t, s.Invalidate(ctx, ""))
	assert.EqualValues(t, 2, f.n.Load())
}

func TestInvalidateForcesWhenUpstreamRepeatsRejectedValue(t *testing.T) {
	t.Parallel()
	clk := newClock()
	f := &counter{clk: clk, life: 2 * time.Hour}
	f.same.Store(true) // like stable_token without force_refresh
	s := newSource(t, f, clk)
	ctx := context.Background()
	old, _ := s.Token(ctx)
	require.NoError(t, s.Invalidate(ctx, old))
	v, _ := s.Token(ctx)
	assert.NotEqual(t, old, v)
	assert.EqualValues(t, 1, f.forced.Load(), "force_refresh used once")
}

func TestFailedRefreshKeepsServingValidToken(t *testing.T) {
	t.Parallel()
	clk := newClock()
	f := &counter{clk: clk, life: 2 * time.Hour}
	s := newSource(t, f, clk)
	ctx := context.Background()
	_, _ = s.Token(ctx)
	f.fail.Store(true)
	clk.Add(2*time.Hour - token.DefaultSafetyMargin - token.DefaultRefreshAhead + time.Second)
	for i := 0; i < 5; i++ {
		v, err := s.Token(ctx)
		require.NoError(t, err)
		assert.Equal(t, "tok-1", v)
	}
	// Past the served window there is nothing valid left: an error, never
	// an empty token.
	clk.Add(token.DefaultRefreshAhead)
	v, err := s.Token(ctx)
	require.Error(t, err)
	assert.Empty(t, v)
	assert.Contains(t, err.Error(), "upstream down")
}

func TestInvalidateFailureStopsServingRejected(t *testing.T) {
	t.Parallel()
	clk := newClock()
	f := &counter{clk: clk, life: 2 * time.Hour}
	s := newSource(t, f, clk)
	ctx := context.Background()
	old, _ := s.Token(ctx)
	f.fail.Store(true)
	require.Error(t, s.Invalidate(ctx, old))
	_, err := s.Token(ctx)
	require.Error(t, err, "the rejected token is not served again")
	f.fail.Store(false)
	v, err := s.Token(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, old, v)
}

func TestRefusesEmptyOrExpiredUpstreamToken(t *testing.T) {
	t.Parallel()
	clk := newClock()
	for _, tok := range []token.Token{{Value: ""}, {Value: "x", Expiry: clk.Now().Add(30 * time.Second)}} {
		s := newSource(t, token.FetcherFunc(func(context.Context, bool) (token.Token, error) { return tok, nil }), clk)
		v, err := s.Token(context.Background())
		assert.ErrorIs(t, err, token.ErrEmptyToken)
		assert.Empty(t, v)
	}
}

func TestWaiterHonoursContext(t *testing.T) {
	t.Parallel()
	clk := newClock()
	release := make(chan struct{})
	s := newSource(t, token.FetcherFunc(func(ctx context.Context, _ bool) (token.Token, error) {
		<-release
		return token.Token{Value: "late", Expiry: clk.Now().Add(time.Hour)}, nil
	}), clk)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := s.Token(ctx)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	close(release)
	// The detached fetch completed and was installed for later callers.
	require.Eventually(t, func() bool { v, _ := s.Token(context.Background()); return v == "late" }, time.Second, time.Millisecond)
}

func TestSourcesSharingAStoreFetchOncePerWindow(t *testing.T) {
	t.Parallel()
	clk := newClock()
	f := &counter{clk: clk, life: 2 * time.Hour, delay: 5 * time.Millisecond}
	st := token.NewMemoryStore()
	testSharedStore(t, clk, f, func() *token.Source {
		return newSource(t, f, clk, token.WithStore(st), token.WithPollInterval(time.Millisecond))
	})
}

// testSharedStore checks that 8 Sources on one store fetch once per expiry
// window, over several windows. Used by the Redis store's tests too.
func testSharedStore(t *testing.T, clk *clock, f *counter, mk func() *token.Source) {
	t.Helper()
	var sources []*token.Source
	for i := 0; i < 8; i++ {
		sources = append(sources, mk())
	}
	ctx := context.Background()
	for window := 1; window <= 3; window++ {
		var wg sync.WaitGroup
		for _, s := range sources {
			for j := 0; j < 50; j++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					v, err := s.Token(ctx)
					assert.NoError(t, err)
					assert.True(t, strings.HasPrefix(v, "tok-"))
				}()
			}
		}
		wg.Wait()
		assert.EqualValues(t, window, f.n.Load(), "window %d", window)
		clk.Add(2 * time.Hour) // everyone's token is now expired
	}
}

func TestTokenStringHidesValue(t *testing.T) {
	t.Parallel()
	tok := token.Token{Value: "SECRET_VALUE", Expiry: time.Unix(0, 0)}
	for _, s := range []string{tok.String(), fmt.Sprintf("%v %+v %#v %s", tok, tok, tok, tok)} {
		assert.NotContains(t, s, "SECRET_VALUE")
	}
	assert.Contains(t, token.Token{}.String(), "empty")
	s := token.NewSource("k", token.FetcherFunc(nil))
	assert.Equal(t, `token.Source{key: "k"}`, s.String())
	assert.Equal(t, "k", s.Key())
}

// brokenStore fails every operation, like Redis when it is down.
type brokenStore struct{ loadOK bool }

var errDown = errors.New("connection refused")

func (b brokenStore) Load(context.Context, string) (token.Token, bool, error) {
	if b.loadOK {
		return token.Token{}, false, nil
	}
	return token.Token{}, false, errDown
}
func (brokenStore) Save(context.Context, string, token.Token) error { return errDown }
func (brokenStore) Lock(context.Context, string, time.Duration) (func(context.Context) error, bool, error) {
	return nil, false, errDown
}

func TestStoreDownKeepsWorkingFromMemory(t *testing.T) {
	t.Parallel()
	for _, st := range []token.Store{brokenStore{}, brokenStore{loadOK: true}} {
		clk := newClock()
		f := &counter{clk: clk, life: 2 * time.Hour}
		var logs syncbuf.Buffer
		s := newSource(t, f, clk, token.WithStore(st), token.WithLogger(newLogger(&logs)))
		v, err := s.Token(context.Background())
		require.NoError(t, err)
		assert.Equal(t, "tok-1", v)
		v, _ = s.Token(context.Background())
		assert.Equal(t, "tok-1", v, "served from memory")
		assert.EqualValues(t, 1, f.n.Load())
		assert.Contains(t, logs.String(), "token store unavailable")
		assert.NotContains(t, logs.String(), "tok-1", "token values never logged")
	}
}

// saveFails stores nothing but locks fine: the token is kept in memory.
type saveFails struct{ *token.MemoryStore }

func (saveFails) Save(context.Context, string, token.Token) error { return errDown }

func TestSaveFailureLogged(t *testing.T) {
	t.Parallel()
	clk := newClock()
	f := &counter{clk: clk, life: 2 * time.Hour}
	var logs syncbuf.Buffer
	s := newSource(t, f, clk, token.WithStore(saveFails{token.NewMemoryStore()}), token.WithLogger(newLogger(&logs)))
	v, err := s.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "tok-1", v)
	assert.Contains(t, logs.String(), "saving failed")
}

func TestLeaseHolderThatNeverSavesIsOutwaited(t *testing.T) {
	t.Parallel()
	clk := newClock()
	st := token.NewMemoryStore()
	// A crashed process holds the lease and never saves.
	_, ok, err := st.Lock(context.Background(), "wxkit:mp:wxtest:access_token:lock", 30*time.Millisecond)
	require.NoError(t, err)
	require.True(t, ok)
	f := &counter{clk: clk, life: 2 * time.Hour}
	s := newSource(t, f, clk, token.WithStore(st), token.WithLease(30*time.Millisecond), token.WithPollInterval(2*time.Millisecond))
	v, err := s.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "tok-1", v)
}

func TestMemoryStoreLockCompareBeforeDelete(t *testing.T) {
	t.Parallel()
	st := token.NewMemoryStore()
	ctx := context.Background()
	rel1, ok, _ := st.Lock(ctx, "k", 10*time.Millisecond)
	require.True(t, ok)
	_, ok, _ = st.Lock(ctx, "k", time.Second)
	require.False(t, ok, "held")
	time.Sleep(15 * time.Millisecond)
	rel2, ok, _ := st.Lock(ctx, "k", time.Second)
	require.True(t, ok, "expired lease can be taken")
	require.NoError(t, rel1(ctx)) // the old holder must not free the new lease
	_, ok, _ = st.Lock(ctx, "k", time.Second)
	require.False(t, ok, "still held by the second holder")
	require.NoError(t, rel2(ctx))
	_, ok, _ = st.Lock(ctx, "k", time.Second)
	require.True(t, ok)
}

func TestRealClockTimerTriggersRefreshAhead(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	s := token.NewSource("k", token.FetcherFunc(func(context.Context, bool) (token.Token, error) {
		return token.Token{Value: fmt.Sprintf("tok-%d", n.Add(1)), Expiry: time.Now().Add(400 * time.Millisecond)}, nil
	}), token.WithSafetyMargin(50*time.Millisecond), token.WithRefreshAhead(200*time.Millisecond), token.WithMinRetryInterval(0))
	ctx := context.Background()
	v, err := s.Token(ctx)
	require.NoError(t, err)
	require.Equal(t, "tok-1", v)
	require.Eventually(t, func() bool { v, _ := s.Token(ctx); return v != "tok-1" }, 2*time.Second, 5*time.Millisecond)
}
