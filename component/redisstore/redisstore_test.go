package redisstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/component/redisstore"
	"github.com/wxkit/mp/internal/testredis"
)

func TestTickets(t *testing.T) {
	t.Parallel()
	rdb := testredis.Client(t)
	st := redisstore.New(rdb, "wxcomp", redisstore.WithPrefix(runPrefix(t)))
	ctx := context.Background()
	_, ok, err := st.GetTicket(ctx, "wxcomp")
	require.NoError(t, err)
	assert.False(t, ok)
	require.NoError(t, st.PutTicket(ctx, "wxcomp", "ticket@@@1"))
	require.NoError(t, st.PutTicket(ctx, "wxcomp", "ticket@@@2"))
	v, ok, err := st.GetTicket(ctx, "wxcomp")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "ticket@@@2", v)
}

func TestRefreshTokens(t *testing.T) {
	t.Parallel()
	rdb := testredis.Client(t)
	prefix := runPrefix(t)
	st := redisstore.New(rdb, "wxcomp", redisstore.WithPrefix(prefix))
	other := redisstore.New(rdb, "wxother", redisstore.WithPrefix(prefix))
	ctx := context.Background()
	require.NoError(t, st.Put(ctx, "wxa", "refreshtoken@@@a"))
	v, ok, err := st.Get(ctx, "wxa")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "refreshtoken@@@a", v)
	_, ok, err = other.Get(ctx, "wxa")
	require.NoError(t, err)
	assert.False(t, ok, "platforms do not share refresh tokens")

	ttl, err := rdb.TTL(ctx, prefix+"wxkit:component:wxcomp:refresh_token:wxa").Result()
	require.NoError(t, err)
	assert.Equal(t, int64(-1), int64(ttl), "refresh tokens never expire from Redis")

	require.NoError(t, st.Delete(ctx, "wxa"))
	_, ok, err = st.Get(ctx, "wxa")
	require.NoError(t, err)
	assert.False(t, ok)
	assert.NotContains(t, fmt.Sprint(st), "refreshtoken")
}

func TestStoreDown(t *testing.T) {
	t.Parallel()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	st := redisstore.New(rdb, "wxcomp")
	ctx := context.Background()
	_, _, err := st.Get(ctx, "wxa")
	require.Error(t, err)
	require.Error(t, st.Put(ctx, "wxa", "refreshtoken@@@secret"))
	assert.NotContains(t, st.Put(ctx, "wxa", "refreshtoken@@@secret").Error(), "refreshtoken@@@secret")
	require.Error(t, st.PutTicket(ctx, "wxcomp", "t"))
}

// runPrefix is unique per test run, so -count=N runs do not see each other.
func runPrefix(t *testing.T) string {
	return fmt.Sprintf("%s:%d:", t.Name(), time.Now().UnixNano())
}
