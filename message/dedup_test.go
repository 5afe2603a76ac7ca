package message_test

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/message"
)

func TestMemoryDedupStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := message.NewMemoryDedupStore(3)
	for _, k := range []string{"a", "b", "c"} {
		seen, err := s.SeenBefore(ctx, k, time.Minute)
		require.NoError(t, err)
		assert.False(t, seen, k)
	}
	seen, _ := s.SeenBefore(ctx, "a", time.Minute)
	assert.True(t, seen)
	seen, _ = s.SeenBefore(ctx, "d", time.Minute) // evicts the oldest, "a"
	assert.False(t, seen)
	assert.Equal(t, 3, s.Len())
	seen, _ = s.SeenBefore(ctx, "a", time.Minute)
	assert.False(t, seen, "evicted")
	seen, _ = s.SeenBefore(ctx, "c", time.Minute)
	assert.True(t, seen)

	// Expiry.
	s = message.NewMemoryDedupStore(0)
	seen, _ = s.SeenBefore(ctx, "x", 20*time.Millisecond)
	assert.False(t, seen)
	seen, _ = s.SeenBefore(ctx, "x", 20*time.Millisecond)
	assert.True(t, seen)
	time.Sleep(40 * time.Millisecond)
	seen, _ = s.SeenBefore(ctx, "x", time.Minute)
	assert.False(t, seen, "expired")
	seen, _ = s.SeenBefore(ctx, "x", time.Minute)
	assert.True(t, seen)
}

func TestMemoryDedupStoreConcurrentSetIfAbsent(t *testing.T) {
	t.Parallel()
	s := message.NewMemoryDedupStore(100)
	var firsts atomic.Int32
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				seen, _ := s.SeenBefore(context.Background(), "k"+strconv.Itoa(i%50), time.Minute)
				if !seen {
					firsts.Add(1)
				}
				_ = g
			}
		}()
	}
	wg.Wait()
	assert.EqualValues(t, 50, firsts.Load(), "each key is new exactly once")
	assert.LessOrEqual(t, s.Len(), 100)
}

func BenchmarkMemoryDedupStore(b *testing.B) {
	s := message.NewMemoryDedupStore(1024)
	keys := make([]string, 4096)
	for i := range keys {
		keys[i] = "gh:m:" + strconv.Itoa(i)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_, _ = s.SeenBefore(context.Background(), keys[i%len(keys)], time.Minute)
		i++
	}
}
