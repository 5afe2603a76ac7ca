package component_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/component"
	"github.com/wxkit/mp/internal/testredis"
	"github.com/wxkit/mp/token"
	"github.com/wxkit/mp/token/redisstore"
)

// benchAccounts is N of BenchmarkAuthorizersAtScale (env WXKIT_BENCH_ACCOUNTS).
func benchAccounts() int {
	if n, err := strconv.Atoi(os.Getenv("WXKIT_BENCH_ACCOUNTS")); err == nil && n > 0 {
		return n
	}
	return 10000
}

// BenchmarkAuthorizersAtScale authorizes N accounts and has four platforms
// (four processes) sharing one Redis token store fetch every account's
// token; it reports upstream fetches per account (goal 1), the peak number
// of refreshes falling due in one second (spread by the jitter), and heap
// bytes per account in one process. The timed loop is the steady-state read
// of a random account's token through its *mp.Client.
func BenchmarkAuthorizersAtScale(b *testing.B) {
	n := benchAccounts()
	rdb := testredis.Client(b)
	prefix := fmt.Sprintf("bench:%d:", time.Now().UnixNano())
	var fetches, compFetches atomic.Int64
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		switch r.URL.Path {
		case "/cgi-bin/component/api_component_token":
			compFetches.Add(1)
			_, _ = io.WriteString(w, `{"component_access_token":"component-token-0123456789","expires_in":7200}`)
		case "/cgi-bin/component/api_authorizer_token":
			i := fetches.Add(1)
			_, _ = fmt.Fprintf(w, `{"authorizer_access_token":"authorizer-token-%016d","expires_in":7200}`, i)
		default:
			http.NotFound(w, r)
		}
	}))
	b.Cleanup(upstream.Close)
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	b.Cleanup(tr.CloseIdleConnections)

	rts := component.NewMemoryRefreshTokenStore()
	tickets := component.NewMemoryTicketStore()
	ctx := context.Background()
	_ = tickets.PutTicket(ctx, compAppID, ticket)
	appids := make([]string, n)
	for i := range appids {
		appids[i] = fmt.Sprintf("wx%016d", i)
		_ = rts.Put(ctx, appids[i], "refreshtoken@@@"+appids[i])
	}
	store := redisstore.New(rdb, redisstore.WithPrefix(prefix))
	jitter := component.DefaultRefreshJitter
	if d, err := time.ParseDuration(os.Getenv("WXKIT_BENCH_JITTER")); err == nil {
		jitter = d // e.g. WXKIT_BENCH_JITTER=0s to see the peak without it
	}
	const procs = 4
	platforms := make([]*component.Platform, procs)
	for i := range platforms {
		p, err := component.New(testCfg, component.WithTicketStore(tickets), component.WithRefreshTokenStore(rts), component.WithRefreshJitter(jitter),
			component.WithTokenStore(store), component.WithClientOptions(mp.WithHost(upstream.URL), mp.WithHTTPClient(&http.Client{Transport: tr})))
		if err != nil {
			b.Fatal(err)
		}
		platforms[i] = p
	}

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	var wg sync.WaitGroup
	for pi, p := range platforms {
		for w := 0; w < 16; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < n; i += 16 {
					c, err := p.Client(appids[(i+pi*n/procs)%n]) // the processes start at different accounts
					if err != nil {
						b.Error(err)
						return
					}
					if _, err := c.AccessToken(ctx); err != nil {
						b.Error(err)
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	warm := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)

	// When do the refreshes fall due? (expiry - margin - ahead, per account)
	perSecond := map[int64]int{}
	for _, id := range appids {
		t, ok, err := store.Load(ctx, "wxkit:component:"+compAppID+":authorizer:"+id+":access_token")
		if err != nil || !ok {
			b.Fatalf("token of %s not shared: %v", id, err)
		}
		perSecond[t.Expiry.Add(-token.DefaultSafetyMargin-token.DefaultRefreshAhead).Unix()]++
	}
	peak := 0
	for _, c := range perSecond {
		peak = max(peak, c)
	}
	if os.Getenv("WXKIT_BENCH_DEBUG") != "" {
		b.Logf("distinct seconds %d of %d accounts", len(perSecond), n)
	}

	clients := make([]*mp.Client, n)
	for i, id := range appids {
		clients[i], _ = platforms[0].Client(id)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := clients[i%n].AccessToken(ctx); err != nil {
			b.Fatal(err)
		}
		i += 7919
	}
	b.ReportMetric(float64(fetches.Load())/float64(n), "fetches/account")
	b.ReportMetric(float64(compFetches.Load()), "component-token-fetches")
	b.ReportMetric(float64(peak), "peak-refreshes/s")
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(procs*n), "heap-B/account/process")
	b.ReportMetric(warm.Seconds(), "warm-up-s")
}

// BenchmarkAuthorizersFloor is the stdlib floor of the timed loop above: a
// token looked up by account in a map under a read lock.
func BenchmarkAuthorizersFloor(b *testing.B) {
	n := benchAccounts()
	var mu sync.RWMutex
	m := make(map[string]string, n)
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("wx%016d", i)
		m[ids[i]] = "authorizer-token-" + ids[i]
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		mu.RLock()
		v := m[ids[i%n]]
		mu.RUnlock()
		if v == "" {
			b.Fatal("missing")
		}
		i += 7919
	}
}
