package component_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/component"
	compredis "github.com/wxkit/mp/component/redisstore"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/internal/testredis"
	"github.com/wxkit/mp/message"
	msgredis "github.com/wxkit/mp/message/redisstore"
)

// shared is what the instances of one platform share: the push dedup store
// and the ticket store.
type shared struct {
	dedup   message.DedupStore
	tickets component.TicketStore
}

// backends returns the shared stores to test: in memory (one process
// running two Platforms) and on Redis (two instances sharing a Redis; the
// Redis case skips only when no Redis can be had).
func backends() map[string]func(t *testing.T) shared {
	return map[string]func(t *testing.T) shared{
		"memory": func(*testing.T) shared {
			return shared{message.NewMemoryDedupStore(0), component.NewMemoryTicketStore()}
		},
		"redis": func(t *testing.T) shared {
			rdb := testredis.Client(t)
			prefix := fmt.Sprintf("%s:%d:", t.Name(), time.Now().UnixNano())
			return shared{msgredis.NewDedupStore(rdb, prefix), compredis.New(rdb, compAppID, compredis.WithPrefix(prefix))}
		},
	}
}

// instances returns two Platforms ("instances" behind a load balancer)
// sharing st, both delivering events to onEvent.
func instances(t *testing.T, st shared, onEvent func(context.Context, *component.Push) error) (a, b http.Handler) {
	t.Helper()
	mk := func() http.Handler {
		p, err := component.New(testCfg, component.WithPushDedupStore(st.dedup), component.WithTicketStore(st.tickets),
			component.WithEventHandler(onEvent))
		require.NoError(t, err)
		return p.PushHandler()
	}
	return mk(), mk()
}

func counting(n *atomic.Int64) func(context.Context, *component.Push) error {
	return func(context.Context, *component.Push) error { n.Add(1); return nil }
}

// ticketPush is the verify_ticket fixture with ticket name and CreateTime at.
func ticketPush(t *testing.T, name string, at int64) string {
	return strings.NewReplacer("ticket@@@", "ticket@@@"+name+"_", "1413192605", fmt.Sprint(at)).
		Replace(string(mptest.Fixture(t, "verify_ticket.xml")))
}

// TestPushReplayedToAnotherInstance handles an authorization push on
// instance A and replays it, captured, to instance B inside the window.
func TestPushReplayedToAnotherInstance(t *testing.T) {
	t.Parallel()
	for name, mk := range backends() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var events atomic.Int64
			a, b := instances(t, mk(t), counting(&events))
			q, body := seal(t, string(mptest.Fixture(t, "authorized.xml")))
			require.Equal(t, http.StatusOK, post(a, "/?"+q.Encode(), body).Code)
			for _, h := range []http.Handler{b, a, b} {
				w := post(h, "/?"+q.Encode(), body)
				require.Equal(t, http.StatusOK, w.Code)
				assert.Equal(t, "success", w.Body.String())
			}
			assert.EqualValues(t, 1, events.Load(), "a push replayed to another instance was handled again")

			// The same event sealed again (another nonce and signature) is a
			// new push: WeChat's own retries keep the signature, so this is
			// not one.
			q, body = seal(t, string(mptest.Fixture(t, "authorized.xml")))
			require.Equal(t, http.StatusOK, post(b, "/?"+q.Encode(), body).Code)
			assert.EqualValues(t, 2, events.Load())
		})
	}
}

// TestPushConcurrentInstances delivers each push to both instances at
// once: it is handled once.
func TestPushConcurrentInstances(t *testing.T) {
	t.Parallel()
	for name, mk := range backends() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var events atomic.Int64
			a, b := instances(t, mk(t), counting(&events))
			const rounds = 40
			for i := range rounds {
				q, body := seal(t, string(mptest.Fixture(t, "authorized.xml")))
				var wg sync.WaitGroup
				codes := make([]int, 4)
				for j, h := range []http.Handler{a, b, a, b} {
					wg.Add(1)
					go func() {
						defer wg.Done()
						codes[j] = post(h, "/?"+q.Encode(), body).Code
					}()
				}
				wg.Wait()
				assert.Equal(t, []int{200, 200, 200, 200}, codes)
				require.EqualValues(t, i+1, events.Load(), "round %d: a push reaching both instances at once was handled twice", i)
			}
		})
	}
}

// TestPushRetryAfterFailure fails the handler on instance A: WeChat's retry,
// reaching B, handles the push; later replays do not.
func TestPushRetryAfterFailure(t *testing.T) {
	t.Parallel()
	for name, mk := range backends() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var calls, fails atomic.Int64
			fails.Store(1)
			a, b := instances(t, mk(t), func(context.Context, *component.Push) error {
				calls.Add(1)
				if fails.Add(-1) >= 0 {
					return errors.New("db down")
				}
				return nil
			})
			q, body := seal(t, string(mptest.Fixture(t, "authorized.xml")))
			assert.Equal(t, http.StatusInternalServerError, post(a, "/?"+q.Encode(), body).Code)
			assert.Equal(t, http.StatusOK, post(b, "/?"+q.Encode(), body).Code)
			assert.Equal(t, http.StatusOK, post(a, "/?"+q.Encode(), body).Code)
			assert.EqualValues(t, 2, calls.Load(), "the retry after a failure runs the handler; a replay after success does not")
		})
	}
}

// TestPushOlderTicketLate delivers an older ticket push to instance B after
// a newer one reached A: B keeps the newer ticket.
func TestPushOlderTicketLate(t *testing.T) {
	t.Parallel()
	for name, mk := range backends() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st := mk(t)
			a, b := instances(t, st, nil)
			current := func() string {
				got, ok, err := st.tickets.GetTicket(ctx, compAppID)
				require.NoError(t, err)
				require.True(t, ok)
				return got
			}
			q1, b1 := seal(t, ticketPush(t, "ONE", 1413192605))
			q2, b2 := seal(t, ticketPush(t, "TWO", 1413193205))
			q3, b3 := seal(t, ticketPush(t, "THREE", 1413193805))
			require.Equal(t, http.StatusOK, post(a, "/?"+q2.Encode(), b2).Code)
			require.Equal(t, http.StatusOK, post(b, "/?"+q1.Encode(), b1).Code)
			assert.True(t, strings.HasPrefix(current(), "ticket@@@TWO_"), "an older ticket reaching B replaced the newer one A stored")
			require.Equal(t, http.StatusOK, post(b, "/?"+q3.Encode(), b3).Code)
			assert.True(t, strings.HasPrefix(current(), "ticket@@@THREE_"), "a newer ticket on B is stored")
			// The same CreateTime again (WeChat re-sending the ticket) is stored.
			q3, b3 = seal(t, ticketPush(t, "THREE", 1413193805))
			require.Equal(t, http.StatusOK, post(a, "/?"+q3.Encode(), b3).Code)
			assert.True(t, strings.HasPrefix(current(), "ticket@@@THREE_"))
		})
	}
}

// plainTickets hides the NewestTicketStore methods of a store.
type plainTickets struct{ component.TicketStore }

// TestPushOlderTicketPlainStore keeps today's in-process comparison for a
// TicketStore without PutTicketIfNewer.
func TestPushOlderTicketPlainStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	mem := component.NewMemoryTicketStore()
	p, err := component.New(testCfg, component.WithTicketStore(plainTickets{mem}))
	require.NoError(t, err)
	h := p.PushHandler()
	q2, b2 := seal(t, ticketPush(t, "TWO", 1413193205))
	q1, b1 := seal(t, ticketPush(t, "ONE", 1413192605))
	require.Equal(t, http.StatusOK, post(h, "/?"+q2.Encode(), b2).Code)
	require.Equal(t, http.StatusOK, post(h, "/?"+q1.Encode(), b1).Code)
	got, _, _ := mem.GetTicket(ctx, compAppID)
	assert.True(t, strings.HasPrefix(got, "ticket@@@TWO_"))
}

func TestMemoryTicketStoreNewest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := component.NewMemoryTicketStore()
	ok, err := st.PutTicketIfNewer(ctx, compAppID, "t2", 200)
	require.NoError(t, err)
	assert.True(t, ok)
	ok, err = st.PutTicketIfNewer(ctx, compAppID, "t1", 100)
	require.NoError(t, err)
	assert.False(t, ok)
	got, _, _ := st.GetTicket(ctx, compAppID)
	assert.Equal(t, "t2", got)
	// A ticket put without a time is older than any pushed one.
	require.NoError(t, st.PutTicket(ctx, compAppID, "manual"))
	ok, err = st.PutTicketIfNewer(ctx, compAppID, "t1", 100)
	require.NoError(t, err)
	assert.True(t, ok)
	got, _, _ = st.GetTicket(ctx, compAppID)
	assert.Equal(t, "t1", got)
}

// failingDedup is a dedup store that is down.
type failingDedup struct{}

func (failingDedup) SeenBefore(context.Context, string, time.Duration) (bool, error) {
	return false, errors.New("dedup: dial tcp 127.0.0.1:6379: connection refused")
}

// seenOnly is a DedupStore that cannot forget.
type seenOnly struct{ m *message.MemoryDedupStore }

func (s seenOnly) SeenBefore(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	return s.m.SeenBefore(ctx, key, ttl)
}

// TestPushDedupStoreDown handles every push when the dedup store fails,
// logging a warning without the ticket.
func TestPushDedupStoreDown(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	var mu sync.Mutex
	var events int
	p, err := component.New(testCfg, component.WithPushDedupStore(failingDedup{}),
		component.WithLogger(slog.New(slog.NewTextHandler(&lockedWriter{mu: &mu, w: &logs}, nil))),
		component.WithEventHandler(func(context.Context, *component.Push) error {
			mu.Lock()
			events++
			mu.Unlock()
			return nil
		}))
	require.NoError(t, err)
	h := p.PushHandler()
	q, body := seal(t, string(mptest.Fixture(t, "authorized.xml")))
	require.Equal(t, http.StatusOK, post(h, "/?"+q.Encode(), body).Code)
	require.Equal(t, http.StatusOK, post(h, "/?"+q.Encode(), body).Code)
	tq, tb := seal(t, string(mptest.Fixture(t, "verify_ticket.xml")))
	require.Equal(t, http.StatusOK, post(h, "/?"+tq.Encode(), tb).Code)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, 2, events, "with the store down, pushes are handled (replays too)")
	out := logs.String()
	assert.Contains(t, out, "level=WARN")
	assert.Contains(t, out, "dedup store failed")
	for _, secret := range []string{"ticket@@@", "queryauthcode@@@", compAESKey, compToken, compSecret} {
		assert.NotContains(t, out, secret)
	}

	_, err = component.New(testCfg, component.WithPushDedupStore(nil))
	require.Error(t, err)
}

// TestPushDedupWithoutForget: a store that cannot forget drops WeChat's
// retries of a failed push (the failure is logged).
func TestPushDedupWithoutForget(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	p, err := component.New(testCfg, component.WithPushDedupStore(seenOnly{message.NewMemoryDedupStore(0)}),
		component.WithEventHandler(func(context.Context, *component.Push) error {
			calls.Add(1)
			return errors.New("db down")
		}))
	require.NoError(t, err)
	h := p.PushHandler()
	q, body := seal(t, string(mptest.Fixture(t, "authorized.xml")))
	assert.Equal(t, http.StatusInternalServerError, post(h, "/?"+q.Encode(), body).Code)
	assert.Equal(t, http.StatusOK, post(h, "/?"+q.Encode(), body).Code)
	assert.EqualValues(t, 1, calls.Load())
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// TestPushRefusedNotRecorded: a signed push that is refused (malformed, or
// for another platform) is refused again, not answered "success".
func TestPushRefusedNotRecorded(t *testing.T) {
	t.Parallel()
	for name, mk := range backends() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			a, b := instances(t, mk(t), nil)
			q, body := seal(t, "<xml><AppId>x</AppId></xml>")
			assert.Equal(t, http.StatusBadRequest, post(a, "/?"+q.Encode(), body).Code)
			assert.Equal(t, http.StatusBadRequest, post(b, "/?"+q.Encode(), body).Code)
			q, body = seal(t, strings.Replace(string(mptest.Fixture(t, "verify_ticket.xml")), compAppID, "wx_other", 1))
			assert.Equal(t, http.StatusForbidden, post(a, "/?"+q.Encode(), body).Code)
			assert.Equal(t, http.StatusForbidden, post(b, "/?"+q.Encode(), body).Code)
		})
	}
}
