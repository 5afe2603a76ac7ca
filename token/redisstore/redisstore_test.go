package redisstore_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/testredis"
	"github.com/wxkit/mp/token"
	"github.com/wxkit/mp/token/redisstore"
)

func TestLoadSaveLock(t *testing.T) {
	t.Parallel()
	rdb := testredis.Client(t)
	p := runPrefix(t)
	st := redisstore.New(rdb, redisstore.WithPrefix(p))
	ctx := context.Background()

	_, ok, err := st.Load(ctx, "wxkit:mp:wxa:access_token")
	require.NoError(t, err)
	require.False(t, ok)

	exp := time.UnixMilli(time.Now().Add(2 * time.Hour).UnixMilli())
	require.NoError(t, st.Save(ctx, "wxkit:mp:wxa:access_token", token.Token{Value: "v:with:colons", Expiry: exp}))
	got, ok, err := st.Load(ctx, "wxkit:mp:wxa:access_token")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "v:with:colons", got.Value)
	assert.True(t, exp.Equal(got.Expiry))

	rel, ok, err := st.Lock(ctx, "L", 50*time.Millisecond)
	require.NoError(t, err)
	require.True(t, ok)
	_, ok, _ = st.Lock(ctx, "L", time.Second)
	require.False(t, ok)
	time.Sleep(80 * time.Millisecond)
	rel2, ok, _ := st.Lock(ctx, "L", time.Second)
	require.True(t, ok, "expired lease is free")
	require.NoError(t, rel(ctx), "old holder's release is a no-op")
	_, ok, _ = st.Lock(ctx, "L", time.Second)
	require.False(t, ok, "new holder keeps its lease")
	require.NoError(t, rel2(ctx))
	_, ok, _ = st.Lock(ctx, "L", time.Second)
	require.True(t, ok)
}

func TestCorruptValue(t *testing.T) {
	t.Parallel()
	rdb := testredis.Client(t)
	p := runPrefix(t)
	st := redisstore.New(rdb)
	ctx := context.Background()
	for i, v := range []string{"novalue", "abc:tok", "123:"} {
		k := fmt.Sprintf("%s%d", p, i)
		require.NoError(t, rdb.Set(ctx, k, v, time.Minute).Err())
		_, _, err := st.Load(ctx, k)
		assert.ErrorIs(t, err, redisstore.ErrCorrupt, v)
	}
}

func TestRedisDownErrors(t *testing.T) {
	t.Parallel()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 100 * time.Millisecond})
	defer rdb.Close()
	st := redisstore.New(rdb)
	ctx := context.Background()
	_, _, err := st.Load(ctx, "k")
	assert.Error(t, err)
	assert.Error(t, st.Save(ctx, "k", token.Token{Value: "SECRET", Expiry: time.Now().Add(time.Hour)}))
	_, _, err = st.Lock(ctx, "k", time.Second)
	assert.Error(t, err)

	// A Source on a dead Redis still serves tokens, from memory.
	var n atomic.Int64
	s := token.NewSource("k", token.FetcherFunc(func(context.Context, bool) (token.Token, error) {
		n.Add(1)
		return token.Token{Value: "tok", Expiry: time.Now().Add(time.Hour)}, nil
	}), token.WithStore(st))
	v, err := s.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, "tok", v)
}

// Eight Sources (as eight processes would) sharing one real Redis cause
// exactly one upstream request per expiry window.
func TestEightSourcesOneFetchPerWindow(t *testing.T) {
	t.Parallel()
	rdb := testredis.Client(t)
	p := runPrefix(t)
	var mu sync.Mutex
	now := time.Now()
	clk := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	var fetches atomic.Int64
	fetch := token.FetcherFunc(func(context.Context, bool) (token.Token, error) {
		n := fetches.Add(1)
		time.Sleep(5 * time.Millisecond)
		return token.Token{Value: fmt.Sprintf("tok-%d", n), Expiry: clk().Add(2 * time.Hour)}, nil
	})
	var sources []*token.Source
	for i := 0; i < 8; i++ {
		// Each Source gets its own client, as separate processes would.
		c := redis.NewClient(&redis.Options{Addr: rdb.Options().Addr})
		t.Cleanup(func() { _ = c.Close() })
		sources = append(sources, token.NewSource("wxkit:mp:wx8:access_token", fetch,
			token.WithStore(redisstore.New(c, redisstore.WithPrefix(p))),
			token.WithClock(clk), token.WithPollInterval(2*time.Millisecond), token.WithMinRetryInterval(0)))
	}
	ctx := context.Background()
	for window := 1; window <= 3; window++ {
		var wg sync.WaitGroup
		for _, s := range sources {
			for j := 0; j < 25; j++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					v, err := s.Token(ctx)
					assert.NoError(t, err)
					assert.Equal(t, fmt.Sprintf("tok-%d", window), v)
				}()
			}
		}
		wg.Wait()
		assert.EqualValues(t, window, fetches.Load(), "window %d: one fetch for 8 sources", window)
		mu.Lock()
		now = now.Add(2 * time.Hour)
		mu.Unlock()
	}
}

// A refresh that outlives its lease must not write its token over the newer
// one the next holder saved (issue 11 #6). The lease's expiry is simulated by
// deleting it while the first holder's fetch is blocked: no timing involved.
func TestSlowLeaseHolderDoesNotOverwriteNewerToken(t *testing.T) {
	t.Parallel()
	rdb := testredis.Client(t)
	p := runPrefix(t)
	const key = "wxkit:mp:wxslow:access_token"
	ctx := context.Background()
	started, unblock := make(chan struct{}), make(chan struct{})
	slow := token.NewSource(key, token.FetcherFunc(func(context.Context, bool) (token.Token, error) {
		close(started)
		<-unblock
		return token.Token{Value: "T1-stale", Expiry: time.Now().Add(2 * time.Hour)}, nil
	}), token.WithStore(redisstore.New(rdb, redisstore.WithPrefix(p))), token.WithLease(time.Hour))
	fast := token.NewSource(key, token.FetcherFunc(func(context.Context, bool) (token.Token, error) {
		return token.Token{Value: "T2-new", Expiry: time.Now().Add(2 * time.Hour)}, nil
	}), token.WithStore(redisstore.New(rdb, redisstore.WithPrefix(p))), token.WithLease(time.Hour))

	slowGot := make(chan string, 1)
	go func() {
		v, err := slow.Token(ctx)
		assert.NoError(t, err)
		slowGot <- v
	}()
	<-started
	require.NoError(t, rdb.Del(ctx, p+key+":lock").Err()) // the slow holder's lease runs out
	v, err := fast.Token(ctx)
	require.NoError(t, err)
	require.Equal(t, "T2-new", v)
	close(unblock)
	assert.Equal(t, "T2-new", <-slowGot, "the stale holder adopts the stored token")

	stored, ok, err := redisstore.New(rdb, redisstore.WithPrefix(p)).Load(ctx, key)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "T2-new", stored.Value, "the newer token was overwritten")
}

func TestLeaseSaveOnlyWhileHeld(t *testing.T) {
	t.Parallel()
	rdb := testredis.Client(t)
	p := runPrefix(t)
	st := redisstore.New(rdb, redisstore.WithPrefix(p))
	ctx := context.Background()
	l1, ok, err := st.LockLease(ctx, "k", time.Hour)
	require.NoError(t, err)
	require.True(t, ok)
	tok := token.Token{Value: "v1", Expiry: time.Now().Add(time.Hour)}
	saved, err := l1.Save(ctx, tok)
	require.NoError(t, err)
	assert.True(t, saved)
	require.NoError(t, rdb.Del(ctx, p+"k:lock").Err())
	l2, ok, err := st.LockLease(ctx, "k", time.Hour)
	require.NoError(t, err)
	require.True(t, ok)
	saved, err = l1.Save(ctx, token.Token{Value: "stale", Expiry: time.Now().Add(time.Hour)})
	require.NoError(t, err)
	assert.False(t, saved, "a lost lease saves nothing")
	got, _, _ := st.Load(ctx, "k")
	assert.Equal(t, "v1", got.Value)
	require.NoError(t, l1.Release(ctx), "the old holder's release is a no-op")
	saved, err = l2.Save(ctx, token.Token{Value: "v2", Expiry: time.Now().Add(time.Hour)})
	require.NoError(t, err)
	assert.True(t, saved, "the new holder still holds its lease")
	require.NoError(t, l2.Release(ctx))
}
