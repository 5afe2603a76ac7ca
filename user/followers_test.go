package user_test

import (
	"bufio"
	"context"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/user"
)

func TestFollowers(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("GET", "/cgi-bin/user/get", "user_get.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{"next_openid": "OPENID0"})
		assert.Empty(t, body)
	})
	page, err := svc.Followers(context.Background(), "OPENID0")
	require.NoError(t, err)
	assert.Equal(t, &user.OpenIDList{Total: 2, Count: 2, Data: user.OpenIDData{OpenID: []string{"OPENID1", "OPENID2"}},
		NextOpenID: "NEXT_OPENID"}, page)
	assert.Equal(t, []string{"OPENID1", "OPENID2"}, page.OpenIDs())
}

func TestFollowersFirstPage(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("GET", "/cgi-bin/user/get", "user_get.json", func(t testing.TB, r *http.Request, _ []byte) {
		mptest.Query(t, r, map[string]string{}) // no next_openid: from the start
	})
	_, err := svc.Followers(context.Background(), "")
	require.NoError(t, err)
}

func TestFollowersError(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.ReplyError("GET", "/cgi-bin/user/get", 40013, "invalid appid")
	_, err := svc.Followers(context.Background(), "")
	mptest.RequireAPIError(t, err, mp.CodeInvalidAppID)
}

// pager serves next_openid-paged lists from a fixed set of pages keyed by
// the cursor, recording the cursors asked for.
type pager struct {
	mu      sync.Mutex
	cursors []string
	pages   map[string]string // cursor -> JSON answer
}

func (p *pager) serve(cursor string, w http.ResponseWriter) {
	p.mu.Lock()
	p.cursors = append(p.cursors, cursor)
	p.mu.Unlock()
	body, ok := p.pages[cursor]
	if !ok {
		mptest.ErrorJSON(w, 40003, "invalid next_openid")
		return
	}
	_, _ = w.Write([]byte(body))
}

func (p *pager) asked() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.cursors...)
}

func followersPager(srv *mptest.Server, pages map[string]string) *pager {
	p := &pager{pages: pages}
	srv.Handle("GET", "/cgi-bin/user/get", func(w http.ResponseWriter, r *http.Request) {
		p.serve(r.URL.Query().Get("next_openid"), w)
	})
	return p
}

func collect(t *testing.T, seq func(func(string, error) bool)) ([]string, []error) {
	t.Helper()
	var ids []string
	var errs []error
	for id, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, id)
	}
	return ids, errs
}

func TestAllFollowers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		pages   map[string]string
		want    []string
		cursors []string
	}{{
		name: "ends with empty next_openid",
		pages: map[string]string{
			"":   `{"total":5,"count":2,"data":{"openid":["A","B"]},"next_openid":"B"}`,
			"B":  `{"total":5,"count":2,"data":{"openid":["C","D"]},"next_openid":"D"}`,
			"D":  `{"total":5,"count":1,"data":{"openid":["E"]},"next_openid":""}`,
			"E?": `unused`,
		},
		want:    []string{"A", "B", "C", "D", "E"},
		cursors: []string{"", "B", "D"},
	}, {
		name: "ends with an empty page",
		pages: map[string]string{
			"":  `{"total":2,"count":2,"data":{"openid":["A","B"]},"next_openid":"B"}`,
			"B": `{"total":2,"count":0,"next_openid":"B2"}`,
		},
		want:    []string{"A", "B"},
		cursors: []string{"", "B"},
	}, {
		name: "stops when next_openid does not move",
		pages: map[string]string{
			"":  `{"total":3,"count":2,"data":{"openid":["A","B"]},"next_openid":"B"}`,
			"B": `{"total":3,"count":1,"data":{"openid":["C"]},"next_openid":"B"}`,
		},
		want:    []string{"A", "B", "C"},
		cursors: []string{"", "B"},
	}, {
		name:    "no followers",
		pages:   map[string]string{"": `{"total":0,"count":0,"next_openid":""}`},
		cursors: []string{""},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, svc := newService(t)
			p := followersPager(srv, tt.pages)
			ids, errs := collect(t, svc.AllFollowers(context.Background()))
			assert.Empty(t, errs)
			assert.Equal(t, tt.want, ids)
			assert.Equal(t, tt.cursors, p.asked())
		})
	}
}

func TestAllFollowersBreak(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	p := followersPager(srv, map[string]string{
		"": `{"total":4,"count":2,"data":{"openid":["A","B"]},"next_openid":"B"}`,
	})
	for id, err := range svc.AllFollowers(context.Background()) {
		require.NoError(t, err)
		assert.Equal(t, "A", id)
		break
	}
	assert.Equal(t, []string{""}, p.asked(), "no page fetched after the consumer stopped")
}

func TestAllFollowersError(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	p := followersPager(srv, map[string]string{
		"": `{"total":4,"count":2,"data":{"openid":["A","B"]},"next_openid":"B"}`,
		// "B" is missing: the fake answers errcode 40003.
	})
	ids, errs := collect(t, svc.AllFollowers(context.Background()))
	assert.Equal(t, []string{"A", "B"}, ids)
	require.Len(t, errs, 1, "the error is yielded once")
	mptest.RequireAPIError(t, errs[0], mp.CodeInvalidOpenID)
	assert.Equal(t, []string{"", "B"}, p.asked(), "nothing fetched after the error")
}

// serveGeneratedFollowers makes a fake /cgi-bin/user/get that pages total
// followers pageSize at a time, writing each page as it is generated: the
// pages are never stored, so the heap measured is the client's.
func serveGeneratedFollowers(srv *mptest.Server, total, pageSize int) {
	srv.Handle("GET", "/cgi-bin/user/get", func(w http.ResponseWriter, r *http.Request) {
		start := 0
		if next := r.URL.Query().Get("next_openid"); next != "" {
			n, err := strconv.Atoi(next[len("o"):])
			if err != nil {
				mptest.ErrorJSON(w, 40003, "invalid next_openid")
				return
			}
			start = n + 1
		}
		end := min(start+pageSize, total)
		w.Header().Set("Content-Type", "application/json")
		bw := bufio.NewWriterSize(w, 32<<10)
		var num [20]byte
		_, _ = bw.WriteString(`{"total":` + strconv.Itoa(total) + `,"count":` + strconv.Itoa(end-start) + `,"data":{"openid":[`)
		for i := start; i < end; i++ {
			if i > start {
				_ = bw.WriteByte(',')
			}
			// 28-character openids, the length WeChat uses.
			_, _ = bw.WriteString(`"o`)
			d := strconv.AppendInt(num[:0], int64(i), 10)
			for range 27 - len(d) {
				_ = bw.WriteByte('0')
			}
			_, _ = bw.Write(d)
			_ = bw.WriteByte('"')
		}
		next := ""
		if end > start {
			next = fakeOpenID(end - 1)
		}
		_, _ = bw.WriteString(`]},"next_openid":"` + next + `"}`)
		_ = bw.Flush()
	})
}

// fakeOpenID is the i-th generated openid: "o" and i padded to 27 digits.
func fakeOpenID(i int) string {
	d := strconv.Itoa(i)
	return "o" + strings.Repeat("0", 27-len(d)) + d
}

// walkFollowers iterates over total generated followers and returns the
// count seen, the peak heap in use sampled at every page, and the heap
// retained after the walk, both relative to the heap before it.
func walkFollowers(t testing.TB, total, pageSize int) (seen int, peak, retained int64) {
	srv, svc := newService(t)
	serveGeneratedFollowers(srv, total, pageSize)
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := int64(ms.HeapAlloc)
	for id, err := range svc.AllFollowers(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		if seen%pageSize == pageSize-1 { // last openid of a page
			runtime.ReadMemStats(&ms)
			peak = max(peak, int64(ms.HeapAlloc)-base)
		}
		if len(id) != 28 {
			t.Fatalf("openid %q", id)
		}
		seen++
	}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return seen, peak, int64(ms.HeapAlloc) - base
}

// TestAllFollowersMillion pages 1,000,000 followers 10,000 at a time through
// AllFollowers and checks that the heap stays at the size of a page or two
// whatever the count: holding every openid would take over 40 MB. It is not
// parallel so that other tests do not disturb the heap figures.
func TestAllFollowersMillion(t *testing.T) {
	if testing.Short() {
		t.Skip("walks a million followers")
	}
	total := 1_000_000
	if raceEnabled {
		total = 100_000 // the race detector makes decoding ~10x slower
	}
	const pageSize = 10_000
	for _, n := range []int{total / 10, total} {
		seen, peak, retained := walkFollowers(t, n, pageSize)
		require.Equal(t, n, seen)
		t.Logf("%7d followers in pages of %d: peak heap growth %.1f MB, retained %.1f KB",
			seen, pageSize, float64(peak)/(1<<20), float64(retained)/(1<<10))
		// A page is ~300 KB of JSON plus 10,000 strings (~600 KB); with GC
		// headroom a handful of pages at most.
		assert.Less(t, peak, int64(16<<20), "peak heap growth")
		assert.Less(t, retained, int64(1<<20), "heap retained after the walk")
	}
}

// BenchmarkAllFollowers walks 1,000,000 generated followers per iteration
// and reports the peak heap growth while walking.
func BenchmarkAllFollowers(b *testing.B) {
	const total, pageSize = 1_000_000, 10_000
	var peak int64
	for b.Loop() {
		_, p, _ := walkFollowers(b, total, pageSize)
		peak = max(peak, p)
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/total, "ns/follower")
}
