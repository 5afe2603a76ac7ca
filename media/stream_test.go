package media

import (
	"context"
	"io"
	"net/http"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/mptest"
)

const size64MiB = 64 << 20

// unlimitedVideo is the permanent-video upload without the documented 10 MB
// cap: every documented limit is below 64 MiB, so the streaming proof goes
// through this test-only rule (same code path otherwise).
var unlimitedVideo = rule{what: "test video", max: 0, exts: []string{".mp4"}}

// discardServer answers add_material after draining the body, counting it.
func discardServer(t testing.TB, srv *mptest.Server, got *int64) {
	srv.Handle("POST", "/cgi-bin/material/add_material", func(w http.ResponseWriter, r *http.Request) {
		n, err := io.Copy(io.Discard, r.Body)
		assert.NoError(t, err)
		*got = n
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"media_id":"MEDIA_ID","url":""}`))
	})
}

// Uploading 64 MiB generated on the fly allocates far less than the file:
// the multipart body is streamed. Not parallel: TotalAlloc is process-wide.
func TestUploadStreamsWithoutBuffering(t *testing.T) {
	srv, svc := newTest(t)
	var received int64
	discardServer(t, srv, &received)
	ctx := context.Background()
	measure := func(call func() error) uint64 {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		err := call()
		runtime.ReadMemStats(&after)
		require.NoError(t, err)
		return after.TotalAlloc - before.TotalAlloc
	}
	upload := func(f File) func() error {
		return func() error {
			_, err := svc.addVideo(ctx, "test", f, VideoDescription{Title: "t"}, unlimitedVideo)
			return err
		}
	}
	chunked := measure(upload(File{Name: "big.mp4", Reader: &genReader{left: size64MiB}}))
	assert.Greater(t, received, int64(size64MiB))
	sized := measure(upload(File{Name: "big.mp4", Reader: &genReader{left: size64MiB}, Size: size64MiB}))
	t.Logf("64 MiB upload allocated %d bytes (chunked), %d bytes (Content-Length), client and server together", chunked, sized)
	assert.Less(t, chunked, uint64(1<<20))
	assert.Less(t, sized, uint64(1<<20))

	// The public, counted path (unknown size, 10 MB cap) streams as well.
	counted := measure(func() error {
		_, err := svc.AddVideo(ctx, File{Name: "v.mp4", Reader: &genReader{left: MaxVideoSize}}, VideoDescription{})
		return err
	})
	t.Logf("10 MB counted upload allocated %d bytes", counted)
	assert.Less(t, counted, uint64(1<<20))
}

// BenchmarkUpload64MiB streams a generated 64 MiB video per op; B/op is the
// whole request's allocation (client and fake server).
func BenchmarkUpload64MiB(b *testing.B) {
	srv, c := mptest.New(b)
	svc := New(c)
	var received int64
	discardServer(b, srv, &received)
	ctx := context.Background()
	b.SetBytes(size64MiB)
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		if _, err := svc.addVideo(ctx, "bench", File{Name: "big.mp4", Reader: &genReader{left: size64MiB}}, VideoDescription{}, unlimitedVideo); err != nil {
			b.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N), "TotalAlloc-bytes/op")
}

// BenchmarkListDrafts decodes one page of the documented draft list.
func BenchmarkListDrafts(b *testing.B) {
	srv, c := mptest.New(b)
	svc := New(c)
	srv.Reply("POST", "/cgi-bin/draft/batchget", "draft_batchget.json", nil)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.ListDrafts(ctx, 0, 20, false); err != nil {
			b.Fatal(err)
		}
	}
}
