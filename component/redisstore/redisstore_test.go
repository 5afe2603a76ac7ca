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

func TestTicketsNewest(t *testing.T) {
	t.Parallel()
	rdb := testredis.Client(t)
	prefix := runPrefix(t)
	st := redisstore.New(rdb, "wxcomp", redisstore.WithPrefix(prefix))
	ctx := context.Background()
	ticketKey := prefix + "wxkit:component:wxcomp:verify_ticket"
	timeKey := "{" + ticketKey + "}:create_time"

	// An older deployment's plain ticket is read, and replaced by any push.
	require.NoError(t, rdb.Set(ctx, ticketKey, "ticket@@@legacy", time.Hour).Err())
	v, ok, err := st.GetTicket(ctx, "wxcomp")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "ticket@@@legacy", v)
	stored, err := st.PutTicketIfNewer(ctx, "wxcomp", "ticket@@@2", 200)
	require.NoError(t, err)
	assert.True(t, stored)

	stored, err = st.PutTicketIfNewer(ctx, "wxcomp", "ticket@@@1", 100)
	require.NoError(t, err)
	assert.False(t, stored, "an older ticket replaced a newer one")
	stored, err = st.PutTicketIfNewer(ctx, "wxcomp", "ticket@@@2b", 200)
	require.NoError(t, err)
	assert.True(t, stored, "the same CreateTime is stored again")
	v, _, err = st.GetTicket(ctx, "wxcomp")
	require.NoError(t, err)
	assert.Equal(t, "ticket@@@2b", v)

	// The ticket is still a plain string (what older versions read), its
	// time beside it in the same cluster slot, both with TicketTTL.
	typ, err := rdb.Type(ctx, ticketKey).Result()
	require.NoError(t, err)
	assert.Equal(t, "string", typ)
	at, err := rdb.Get(ctx, timeKey).Result()
	require.NoError(t, err)
	assert.Equal(t, "200", at)
	for _, k := range []string{ticketKey, timeKey} {
		ttl, err := rdb.PTTL(ctx, k).Result()
		require.NoError(t, err)
		assert.InDelta(t, float64(redisstore.TicketTTL), float64(ttl), float64(time.Minute), k)
	}

	// PutTicket stores a ticket without a time: the next push replaces it.
	require.NoError(t, st.PutTicket(ctx, "wxcomp", "ticket@@@manual"))
	assert.Zero(t, rdb.Exists(ctx, timeKey).Val())
	stored, err = st.PutTicketIfNewer(ctx, "wxcomp", "ticket@@@1", 100)
	require.NoError(t, err)
	assert.True(t, stored)

	// A time without its ticket (the ticket deleted by hand) does not keep
	// an older push out.
	require.NoError(t, rdb.Del(ctx, ticketKey).Err())
	stored, err = st.PutTicketIfNewer(ctx, "wxcomp", "ticket@@@0", 50)
	require.NoError(t, err)
	assert.True(t, stored)
	v, _, _ = st.GetTicket(ctx, "wxcomp")
	assert.Equal(t, "ticket@@@0", v)
}

// TestTicketsHashTagPrefix: a prefix that is a Redis Cluster hash tag
// already keeps the time key under the same tag.
func TestTicketsHashTagPrefix(t *testing.T) {
	t.Parallel()
	rdb := testredis.Client(t)
	prefix := "{" + runPrefix(t) + "}:"
	st := redisstore.New(rdb, "wxcomp", redisstore.WithPrefix(prefix))
	ctx := context.Background()
	stored, err := st.PutTicketIfNewer(ctx, "wxcomp", "ticket@@@1", 100)
	require.NoError(t, err)
	require.True(t, stored)
	at, err := rdb.Get(ctx, prefix+"wxkit:component:wxcomp:verify_ticket:create_time").Result()
	require.NoError(t, err)
	assert.Equal(t, "100", at)
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
	_, err = st.PutTicketIfNewer(ctx, "wxcomp", "ticket@@@secret", 1)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "ticket@@@secret")
}

// runPrefix is unique per test run, so -count=N runs do not see each other.
func runPrefix(t *testing.T) string {
	return fmt.Sprintf("%s:%d:", t.Name(), time.Now().UnixNano())
}
