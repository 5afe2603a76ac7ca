package redisstore_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/crypto"
	"github.com/wxkit/mp/internal/testredis"
	"github.com/wxkit/mp/message"
	"github.com/wxkit/mp/message/redisstore"
)

const (
	token = "wxkitsim"
	ts    = "1409304348"
	nonce = "1320562132"
)

// runID keeps the keys of this test binary apart from those of other runs
// (-count=3) and other binaries on a shared Redis.
var runID = func() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}()

var prefixes sync.Map // *testing.T -> string

// prefix returns the key prefix of this run of t: the same for every call
// within it, new for every run.
func prefix(t *testing.T) string {
	p, _ := prefixes.LoadOrStore(t, "test:"+runID+":"+strconv.FormatInt(runSeq.Add(1), 10)+":"+t.Name()+":")
	return p.(string)
}

var runSeq atomic.Int64

func TestDedupStore(t *testing.T) {
	t.Parallel()
	c := testredis.Client(t)
	s := redisstore.NewDedupStore(c, prefix(t))
	ctx := context.Background()
	seen, err := s.SeenBefore(ctx, "k", time.Minute)
	require.NoError(t, err)
	assert.False(t, seen)
	seen, err = s.SeenBefore(ctx, "k", time.Minute)
	require.NoError(t, err)
	assert.True(t, seen)
	ttl, err := c.PTTL(ctx, prefix(t)+"dedup:k").Result()
	require.NoError(t, err)
	assert.Greater(t, ttl, 50*time.Second)

	seen, _ = s.SeenBefore(ctx, "short", 30*time.Millisecond)
	assert.False(t, seen)
	time.Sleep(80 * time.Millisecond)
	seen, _ = s.SeenBefore(ctx, "short", time.Minute)
	assert.False(t, seen, "expired")

	// Atomic across concurrent callers (two "processes").
	other := redisstore.NewDedupStore(testredis.Client(t), prefix(t))
	var firsts atomic.Int32
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := s
			if i%2 == 1 {
				st = other
			}
			if seen, err := st.SeenBefore(ctx, "race", time.Minute); err == nil && !seen {
				firsts.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.EqualValues(t, 1, firsts.Load())
}

func TestDedupAcrossRetriesAndProcesses(t *testing.T) {
	t.Parallel()
	c := testredis.Client(t)
	var calls atomic.Int32
	h := message.HandlerFunc(func(context.Context, message.Message) (message.Reply, error) {
		calls.Add(1)
		return message.TextReply{Content: "hi"}, nil
	})
	clock := message.WithClock(func() time.Time { return time.Unix(1409304348, 0) })
	var servers []*httptest.Server
	for range 2 { // two processes sharing one Redis
		s, err := message.NewServer(message.Config{Token: token}, h, clock,
			message.WithDedupStore(redisstore.NewDedupStore(c, prefix(t))))
		require.NoError(t, err)
		srv := httptest.NewServer(s)
		t.Cleanup(srv.Close)
		servers = append(servers, srv)
	}
	q := url.Values{"signature": {crypto.Signature(token, ts, nonce)}, "timestamp": {ts}, "nonce": {nonce}}.Encode()
	body := "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[u1]]></FromUserName><CreateTime>1409304348</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[x]]></Content><MsgId>77</MsgId></xml>"
	var bodies []string
	for i := range 4 { // the push and WeChat's three retries
		resp, err := http.Post(servers[i%2].URL+"/?"+q, "text/xml", strings.NewReader(body))
		require.NoError(t, err)
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		bodies = append(bodies, b.String())
	}
	assert.EqualValues(t, 1, calls.Load())
	assert.Contains(t, bodies[0], "<Content><![CDATA[hi]]></Content>")
	assert.Equal(t, []string{"success", "success", "success"}, bodies[1:])

	// Another body under the seen signature, on the other process: refused.
	forged := strings.Replace(strings.Replace(body, "u1", "victim", 1), "<MsgId>77", "<MsgId>78", 1)
	resp, err := http.Post(servers[1].URL+"/?"+q, "text/xml", strings.NewReader(forged))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.EqualValues(t, 1, calls.Load())
}

func TestFlowStore(t *testing.T) {
	t.Parallel()
	c := testredis.Client(t)
	s := redisstore.NewFlowStore(c, prefix(t))
	ctx := context.Background()
	_, ok, err := s.LoadFlow(ctx, "u")
	require.NoError(t, err)
	assert.False(t, ok)
	st := message.FlowState{Flow: "billing", Step: "month", Data: map[string]string{"k": "v"}}
	require.NoError(t, s.SaveFlow(ctx, "u", st, time.Minute))
	got, ok, err := s.LoadFlow(ctx, "u")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, st, got)
	raw, err := c.Get(ctx, prefix(t)+"flow:u").Result()
	require.NoError(t, err)
	assert.JSONEq(t, `{"flow":"billing","step":"month","data":{"k":"v"}}`, raw)
	require.NoError(t, s.DeleteFlow(ctx, "u"))
	_, ok, _ = s.LoadFlow(ctx, "u")
	assert.False(t, ok)

	require.NoError(t, s.SaveFlow(ctx, "short", st, 30*time.Millisecond))
	time.Sleep(80 * time.Millisecond)
	_, ok, _ = s.LoadFlow(ctx, "short")
	assert.False(t, ok, "expired")

	require.NoError(t, c.Set(ctx, prefix(t)+"flow:bad", "{", time.Minute).Err())
	_, _, err = s.LoadFlow(ctx, "bad")
	assert.Error(t, err)
}

func TestFlowOverRedis(t *testing.T) {
	t.Parallel()
	c := testredis.Client(t)
	r := message.NewRouter(message.WithFlowStore(redisstore.NewFlowStore(c, prefix(t))))
	quiz := r.Flow("quiz", func(ctx context.Context, s *message.Session, m message.Message) (message.Reply, error) {
		n, _ := strconv.Atoi(s.Get("n"))
		n++
		s.Set("n", strconv.Itoa(n))
		if n == 3 {
			s.End()
		}
		return message.TextReply{Content: "answer " + strconv.Itoa(n)}, nil
	})
	r.Keyword("quiz", func(ctx context.Context, m message.Message) (message.Reply, error) {
		return message.TextReply{Content: "started"}, quiz.Start(ctx, m, "q")
	})
	r.Default(func(context.Context, message.Message) (message.Reply, error) {
		return message.TextReply{Content: "default"}, nil
	})
	say := func(content string) string {
		m := &message.Text{Header: message.Header{ToUserName: "gh", FromUserName: "u1", MsgType: "text"}, Content: content}
		rep, err := r.ServeMessage(context.Background(), m)
		require.NoError(t, err)
		return rep.(message.TextReply).Content
	}
	assert.Equal(t, "started", say("quiz"))
	assert.Equal(t, "answer 1", say("a"))
	assert.Equal(t, "answer 2", say("b"))
	assert.Equal(t, "answer 3", say("c"))
	assert.Equal(t, "default", say("d"))
}

func TestStoresReportRedisErrors(t *testing.T) {
	t.Parallel()
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { _ = c.Close() })
	ctx := context.Background()
	_, err := redisstore.NewDedupStore(c, "").SeenBefore(ctx, "k", time.Minute)
	assert.ErrorContains(t, err, "redisstore: dedup")
	fs := redisstore.NewFlowStore(c, "")
	_, _, err = fs.LoadFlow(ctx, "k")
	assert.ErrorContains(t, err, "redisstore: load flow")
	assert.ErrorContains(t, fs.SaveFlow(ctx, "k", message.FlowState{}, time.Minute), "redisstore: save flow")
	assert.ErrorContains(t, fs.DeleteFlow(ctx, "k"), "redisstore: delete flow")
}

func TestDedupForget(t *testing.T) {
	t.Parallel()
	s := redisstore.NewDedupStore(testredis.Client(t), prefix(t))
	ctx := context.Background()
	seen, err := s.SeenBefore(ctx, "k", time.Minute)
	require.NoError(t, err)
	require.False(t, seen)
	require.NoError(t, s.Forget(ctx, "k"))
	seen, err = s.SeenBefore(ctx, "k", time.Minute)
	require.NoError(t, err)
	assert.False(t, seen, "forgotten")
}

func TestFlowLock(t *testing.T) {
	t.Parallel()
	c := testredis.Client(t)
	s := redisstore.NewFlowStore(c, prefix(t))
	other := redisstore.NewFlowStore(testredis.Client(t), prefix(t)) // another process
	ctx := context.Background()

	unlock, err := s.LockFlow(ctx, "u")
	require.NoError(t, err)
	wait, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	_, err = other.LockFlow(wait, "u")
	assert.ErrorIs(t, err, context.DeadlineExceeded, "held by the first process; the wait is bounded")
	unlockOther, err := other.LockFlow(ctx, "v")
	require.NoError(t, err, "other keys are free")
	unlockOther()

	got := make(chan error, 1)
	go func() {
		u, err := other.LockFlow(ctx, "u")
		if err == nil {
			u()
		}
		got <- err
	}()
	unlock()
	require.NoError(t, <-got, "released to the waiter")

	// An owner whose lock expired does not release the next owner's lock.
	short := redisstore.NewFlowStore(c, prefix(t), redisstore.WithLockTTL(20*time.Millisecond))
	unlockExpired, err := short.LockFlow(ctx, "w")
	require.NoError(t, err)
	unlockNext, err := other.LockFlow(ctx, "w") // waits for the expiry
	require.NoError(t, err)
	unlockExpired()
	n, err := c.Exists(ctx, prefix(t)+"flowlock:w").Result()
	require.NoError(t, err)
	assert.EqualValues(t, 1, n, "compare-and-delete left the new owner's lock")
	unlockNext()
	n, _ = c.Exists(ctx, prefix(t)+"flowlock:w").Result()
	assert.EqualValues(t, 0, n)
}

// TestFlowStepsSerializedAcrossProcesses sends overlapping messages of one
// user to two Routers ("processes") sharing Redis: each step must see the
// state of the previous one.
func TestFlowStepsSerializedAcrossProcesses(t *testing.T) {
	t.Parallel()
	c := testredis.Client(t)
	var routers []*message.Router
	for range 2 {
		r := message.NewRouter(message.WithFlowStore(redisstore.NewFlowStore(c, prefix(t))))
		count := r.Flow("count", func(ctx context.Context, s *message.Session, m message.Message) (message.Reply, error) {
			n, _ := strconv.Atoi(s.Get("n"))
			for range 10 {
				runtime.Gosched()
			}
			s.Set("n", strconv.Itoa(n+1))
			return message.TextReply{Content: strconv.Itoa(n + 1)}, nil
		})
		r.Keyword("start", func(ctx context.Context, m message.Message) (message.Reply, error) {
			return message.TextReply{Content: "0"}, count.Start(ctx, m, "counting")
		})
		routers = append(routers, r)
	}
	msg := func(content string) message.Message {
		return &message.Text{Header: message.Header{ToUserName: "gh", FromUserName: "u1", MsgType: "text"}, Content: content}
	}
	ctx := context.Background()
	_, err := routers[0].ServeMessage(ctx, msg("start"))
	require.NoError(t, err)
	const n = 16
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		answers []int
	)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			rep, err := routers[i%2].ServeMessage(ctx, msg("x"))
			if !assert.NoError(t, err) || !assert.NotNil(t, rep) {
				return
			}
			v, _ := strconv.Atoi(rep.(message.TextReply).Content)
			mu.Lock()
			answers = append(answers, v)
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	slices.Sort(answers)
	want := make([]int, n)
	for i := range want {
		want[i] = i + 1
	}
	assert.Equal(t, want, answers)
}
