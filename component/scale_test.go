package component_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/wxkit/mp/component"
	componentredis "github.com/wxkit/mp/component/redisstore"
	"github.com/wxkit/mp/internal/syncbuf"
	"github.com/wxkit/mp/internal/testredis"
	"github.com/wxkit/mp/sim"
	"github.com/wxkit/mp/token"
	tokenredis "github.com/wxkit/mp/token/redisstore"
)

// platformProcs is the number of worker processes (replicas of the
// platform behind one load balancer).
const platformProcs = 4

// BenchmarkPlatformProcesses is the third-party platform at scale, measured
// end to end: N accounts (WXKIT_BENCH_ACCOUNTS, default 10000) hosted by
// one simulator authorize the platform, which runs as 4 worker processes
// (this test binary re-executed as TestPlatformWorker, scale_worker_test.go)
// sharing one Redis for the ticket, the refresh tokens and every token.
//
//	go test -run '^$' -bench '^BenchmarkPlatformProcesses$' -benchtime 2s -timeout 30m ./component/
//	WXKIT_BENCH_ACCOUNTS=200 go test -run '^$' -bench '^BenchmarkPlatformProcesses$' -benchtime 1s ./component/
//
// (REDIS_ADDR names a Redis; otherwise internal/testredis starts
// redis-server, and the benchmark skips without one. -v adds a line with
// the raw counts and each worker's share of the messages.) Setup, untimed:
//
//  1. The simulator pushes the component_verify_ticket and each account's
//     authorized event to http://platform.lb/ticket: the push client
//     dials the 4 workers in turn (an L4 load balancer with keep-alive), and
//     the worker that gets the event calls query_auth, storing the refresh
//     token (and the first access token) in Redis. Reported: authorize-s,
//     the time to authorize every account this way.
//  2. Every stored authorizer token is rewritten as expired (what Redis
//     holds two hours later), and the 4 workers read every account's token
//     at once, each starting at its own quarter, 16 reads at a time.
//     Reported: api_authorizer_token calls per account at the simulator
//     (goal 1.00: one per account per expiry across processes),
//     api_component_token calls over the whole run (goal 1), the peak
//     number of refreshes falling due in one second (from the expiries in
//     Redis, spread by the refresh jitter), each worker's heap growth per
//     account (after GC; the mean of the 4), and the warm-up time.
//  3. One follower per account follows (the subscribe event reaches the
//     platform).
//
// Timed, as sub-benchmarks: "callbacks" is one follower message to a random
// account, encrypted by the simulator to the platform's MessageURL
// (http://platform.lb/wechat/$APPID$), routed by a worker's
// NewCallbackServer, answered with an encrypted passive text reply that
// the simulator decrypts and checks (it names the account: routing is
// verified); 32 in flight (WXKIT_BENCH_CONCURRENCY). callbacks/s counts
// round trips across accounts. "floor" is the same round trip from
// followers of plain-mode accounts to a net/http handler in the same
// workers answering a fixed XML (no crypto, no SDK).
//
// Everything (simulator, workers, Redis, the benchmark) shares the machine's
// cores: on a small box the numbers are the whole system's.
func BenchmarkPlatformProcesses(b *testing.B) {
	n := benchAccounts()
	conc := envInt("WXKIT_BENCH_CONCURRENCY", 32)
	jitter := component.DefaultRefreshJitter
	if d, err := time.ParseDuration(os.Getenv("WXKIT_BENCH_JITTER")); err == nil {
		jitter = d
	}
	ctx := context.Background()
	redisAddr := testredis.Addr(b)
	rdb := testredis.Client(b)
	prefix := fmt.Sprintf("bench:procs:%d:", time.Now().UnixNano())
	b.Cleanup(func() {
		var keys []string
		it := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for it.Next(ctx) {
			keys = append(keys, it.Val())
		}
		for len(keys) > 0 {
			k := keys[:min(len(keys), 1000)]
			keys = keys[len(k):]
			_ = rdb.Unlink(ctx, k...).Err()
		}
	})

	// The simulator, on our own listener so that its token endpoints are
	// counted; its pushes go through the round-robin "load balancer".
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	lb := &roundRobin{}
	pushTr := &http.Transport{Proxy: nil, DialContext: lb.dial, MaxIdleConnsPerHost: 4 * conc, IdleConnTimeout: time.Minute}
	s, err := sim.NewHandler(sim.Options{BaseURL: "http://" + ln.Addr().String(), HTTPClient: &http.Client{Transport: pushTr}})
	if err != nil {
		b.Fatal(err)
	}
	var up upstreamCounts
	srv := &http.Server{Handler: up.wrap(s.Handler()), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	b.Cleanup(func() {
		_ = srv.Close()
		s.Close()
		pushTr.CloseIdleConnections()
	})

	accts := make([]*sim.Sim, n)
	appids := make([]string, n)
	accts[0], appids[0] = s, s.Account().AppID
	for i := 1; i < n; i++ {
		if accts[i], err = s.AddAccount(sim.Options{}); err != nil {
			b.Fatal(err)
		}
		appids[i] = accts[i].Account().AppID
	}
	idFile := filepath.Join(b.TempDir(), "appids")
	if err := os.WriteFile(idFile, []byte(strings.Join(appids, "\n")), 0o600); err != nil {
		b.Fatal(err)
	}
	if err := s.ConfigureComponent(sim.ComponentOptions{CallbackURL: "http://platform.lb/ticket", MessageURL: "http://platform.lb/wechat/$APPID$"}); err != nil {
		b.Fatal(err)
	}
	co := s.Component()
	cfg, err := json.Marshal(workerConfig{Redis: redisAddr, Prefix: prefix, SimURL: s.URL, AppIDs: idFile, Jitter: jitter, Warmers: 16,
		Component: component.Config{AppID: co.AppID, AppSecret: co.AppSecret, Token: co.Token, EncodingAESKey: co.EncodingAESKey}})
	if err != nil {
		b.Fatal(err)
	}
	workers := make([]*workerProc, platformProcs)
	for i := range workers {
		workers[i] = startWorker(b, string(cfg))
		lb.addrs = append(lb.addrs, workers[i].addr)
	}

	// 1. The ticket, then every account authorizes; the workers exchange
	// the codes.
	start := time.Now()
	if err := s.PushComponentTicket(ctx); err != nil {
		b.Fatal(err)
	}
	if err := forEach(n, 16, func(i int) error {
		_, err := accts[i].AuthorizeComponent(ctx, s.NewPreAuthCode())
		return err
	}); err != nil {
		b.Fatalf("authorizing: %v", err)
	}
	authorizing := time.Since(start)
	rts := componentredis.New(rdb, co.AppID, componentredis.WithPrefix(prefix))
	store := tokenredis.New(rdb, tokenredis.WithPrefix(prefix))
	tokenKey := func(appid string) string {
		return "wxkit:component:" + co.AppID + ":authorizer:" + appid + ":access_token"
	}

	// 2. Every token expires; the 4 workers need them all at once.
	expired := time.Now().Add(-time.Second)
	if err := forEach(n, 16, func(i int) error {
		if _, ok, err := rts.Get(ctx, appids[i]); err != nil || !ok {
			return fmt.Errorf("refresh token of %s not in Redis (%v)", appids[i], err)
		}
		t, ok, err := store.Load(ctx, tokenKey(appids[i]))
		if err != nil || !ok {
			return fmt.Errorf("query_auth's token of %s not in Redis (%v)", appids[i], err)
		}
		t.Expiry = expired
		return store.Save(ctx, tokenKey(appids[i]), t)
	}); err != nil {
		b.Fatal(err)
	}
	fetchesBefore := up.authorizerToken.Load()
	start = time.Now()
	for k, w := range workers {
		w.send(b, fmt.Sprintf("warm %d", k*n/platformProcs))
	}
	var heapGrowth float64
	for _, w := range workers {
		f := w.expect(b, "warmed", 30*time.Minute)
		before, _ := strconv.ParseFloat(f[0], 64)
		after, _ := strconv.ParseFloat(f[1], 64)
		heapGrowth += (after - before) / float64(n) / platformProcs
	}
	warm := time.Since(start)
	fetches := up.authorizerToken.Load() - fetchesBefore

	perSecond := map[int64]int{}
	for _, id := range appids {
		t, ok, err := store.Load(ctx, tokenKey(id))
		if err != nil || !ok || !t.Expiry.After(expired) {
			b.Fatalf("token of %s not refreshed in Redis (%v)", id, err)
		}
		perSecond[t.Expiry.Add(-token.DefaultSafetyMargin-token.DefaultRefreshAhead).Unix()]++
	}
	peak := 0
	for _, c := range perSecond {
		peak = max(peak, c)
	}

	// 3. One follower per account; and the floor's plain-mode accounts.
	followers := make([]*sim.Follower, n)
	wantReply := make([]string, n)
	if err := forEach(n, 16, func(i int) error {
		followers[i] = accts[i].NewUser("follower " + strconv.Itoa(i))
		wantReply[i] = "echo " + appids[i]
		_, err := followers[i].Follow(ctx)
		return err
	}); err != nil {
		b.Fatalf("following: %v", err)
	}
	const floorAccounts = 16
	floor := make([]*sim.Follower, min(n, 1024))
	floorWant := make([]string, len(floor))
	for i := range floorAccounts {
		a, err := s.AddAccount(sim.Options{CallbackURL: "http://platform.lb/floor"})
		if err != nil {
			b.Fatal(err)
		}
		for j := i; j < len(floor); j += floorAccounts {
			floor[j], floorWant[j] = a.NewUser("floor "+strconv.Itoa(j)), "echo"
		}
	}
	if err := forEach(len(floor), 16, func(i int) error { _, err := floor[i].Follow(ctx); return err }); err != nil {
		b.Fatalf("following the floor accounts: %v", err)
	}

	b.Run("callbacks", func(b *testing.B) {
		roundTrips(b, followers, wantReply, conc)
		b.ReportMetric(float64(fetches)/float64(n), "fetches/account")
		b.ReportMetric(float64(up.componentToken.Load()), "component-token-fetches")
		b.ReportMetric(float64(peak), "peak-refreshes/s")
		b.ReportMetric(heapGrowth, "heap-B/account/process")
		b.ReportMetric(warm.Seconds(), "warm-up-s")
		b.ReportMetric(authorizing.Seconds(), "authorize-s")
	})
	b.Run("floor", func(b *testing.B) { roundTrips(b, floor, floorWant, conc) })

	var spread []string
	for _, w := range workers {
		w.send(b, "stats")
		f := w.expect(b, "stats", time.Minute)
		spread = append(spread, f[0]+" messages, heap "+f[1]+" B")
	}
	b.Logf("%d accounts: authorized in %v (%d query_auth), warm-up %v with %d api_authorizer_token, %d api_component_token; workers: %s",
		n, authorizing.Round(time.Millisecond), up.queryAuth.Load(), warm.Round(time.Millisecond), fetches,
		up.componentToken.Load(), strings.Join(spread, "; "))
}

// roundTrips is the timed loop: each iteration hands one message of a
// random follower to one of conc senders; callbacks/s is the round trips
// completed per second, all of them checked.
func roundTrips(b *testing.B, fs []*sim.Follower, want []string, conc int) {
	ctx := context.Background()
	jobs := make(chan int)
	var failure atomic.Pointer[error]
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			for i := range jobs {
				r, err := fs[i].SendText(ctx, "hello")
				if err == nil && (r == nil || r.Content != want[i]) {
					err = fmt.Errorf("reply %+v, want text %q", r, want[i])
				}
				if err != nil {
					failure.CompareAndSwap(nil, &err)
				}
			}
		})
	}
	var start time.Time
	done := 0
	for b.Loop() {
		if done == 0 {
			start = time.Now()
		}
		jobs <- rand.IntN(len(fs))
		done++
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	if err := failure.Load(); err != nil {
		b.Fatal(*err)
	}
	b.ReportMetric(float64(done)/elapsed.Seconds(), "callbacks/s")
}

// upstreamCounts counts the token calls that reach the simulator.
type upstreamCounts struct {
	componentToken, queryAuth, authorizerToken atomic.Int64
}

func (u *upstreamCounts) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			switch r.URL.Path {
			case "/cgi-bin/component/api_component_token":
				u.componentToken.Add(1)
			case "/cgi-bin/component/api_query_auth":
				u.queryAuth.Add(1)
			case "/cgi-bin/component/api_authorizer_token":
				u.authorizerToken.Add(1)
			}
		}
		h.ServeHTTP(w, r)
	})
}

// roundRobin is the load balancer in front of the workers: whatever the
// host asked for, each new connection goes to the next worker.
type roundRobin struct {
	addrs []string // set before the first dial
	next  atomic.Uint64
	d     net.Dialer
}

func (r *roundRobin) dial(ctx context.Context, network, _ string) (net.Conn, error) {
	return r.d.DialContext(ctx, network, r.addrs[(r.next.Add(1)-1)%uint64(len(r.addrs))])
}

// workerProc is a worker process and the tagged lines it writes.
type workerProc struct {
	addr   string
	stdin  interface{ Write([]byte) (int, error) }
	lines  chan []string
	stderr *syncbuf.Buffer
}

// startWorker re-executes the test binary as TestPlatformWorker. Closing
// its stdin (at cleanup, or when this process dies) makes it exit.
func startWorker(b *testing.B, cfg string) *workerProc {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestPlatformWorker$", "-test.count=1")
	cmd.Env = append(os.Environ(), workerEnv+"="+cfg)
	w := &workerProc{lines: make(chan []string, 4), stderr: &syncbuf.Buffer{}}
	cmd.Stderr = w.stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	w.stdin = stdin
	go func() {
		defer close(w.lines)
		sc := bufio.NewScanner(stdout)
		var other []string
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) > 1 && f[0] == workerTag {
				w.lines <- f[1:]
			} else if len(other) < 50 {
				other = append(other, sc.Text())
			}
		}
		if len(other) > 0 {
			_, _ = w.stderr.Write([]byte("stdout: " + strings.Join(other, "\n") + "\n"))
		}
	}()
	b.Cleanup(func() {
		_ = stdin.Close()
		done := drained(w.lines)
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		// A worker that failed (a data race under -race exits 66) fails
		// the benchmark, with what it wrote.
		if err := cmd.Wait(); err != nil {
			b.Errorf("worker %s: %v\n%s", w.addr, err, w.stderr)
		}
	})
	w.addr = w.expect(b, "addr", time.Minute)[0]
	return w
}

// drained closes the returned channel once lines is closed (the worker's
// stdout ended), discarding what is left.
func drained(lines chan []string) chan struct{} {
	done := make(chan struct{})
	go func() {
		for range lines {
		}
		close(done)
	}()
	return done
}

func (w *workerProc) send(b *testing.B, cmd string) {
	b.Helper()
	if _, err := w.stdin.Write([]byte(cmd + "\n")); err != nil {
		b.Fatalf("worker %s: %v\n%s", w.addr, err, w.stderr)
	}
}

// expect returns the fields after kind of the worker's next line.
func (w *workerProc) expect(b *testing.B, kind string, timeout time.Duration) []string {
	b.Helper()
	select {
	case f, ok := <-w.lines:
		switch {
		case !ok:
			b.Fatalf("worker %s exited:\n%s", w.addr, w.stderr)
		case f[0] != kind || len(f) < 2:
			b.Fatalf("worker %s: %s, want %s\n%s", w.addr, strings.Join(f, " "), kind, w.stderr)
		}
		return f[1:]
	case <-time.After(timeout):
		b.Fatalf("worker %s: no %q within %v\n%s", w.addr, kind, timeout, w.stderr)
	}
	return nil
}

// forEach runs f(0..n-1), conc at a time, returning the first error.
func forEach(n, conc int, f func(i int) error) error {
	var g errgroup.Group
	g.SetLimit(conc)
	for i := range n {
		g.Go(func() error { return f(i) })
	}
	return g.Wait()
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
