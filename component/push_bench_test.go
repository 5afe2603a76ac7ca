package component_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wxkit/mp/component"
	compredis "github.com/wxkit/mp/component/redisstore"
	"github.com/wxkit/mp/crypto"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/internal/testredis"
	msgredis "github.com/wxkit/mp/message/redisstore"
)

// sealedPush is one ticket push as WeChat sends it.
type sealedPush struct {
	target string
	q      url.Values
	body   string
}

// sealTickets seals n distinct ticket pushes (each its own ciphertext and
// msg_signature, so none is taken for a replay of another).
func sealTickets(b *testing.B, n int) []sealedPush {
	b.Helper()
	plain := string(mptest.Fixture(b, "verify_ticket.xml"))
	out := make([]sealedPush, n)
	for i := range out {
		q, body := seal(b, plain)
		out[i] = sealedPush{target: "/ticket?" + q.Encode(), q: q, body: body}
	}
	return out
}

type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(int)             {}

// benchPushes serves pushes[i] to h for i < b.N, checking each was handled.
func benchPushes(b *testing.B, h http.Handler, pushes []sealedPush) {
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		p := pushes[i%len(pushes)]
		r, _ := http.NewRequest("POST", p.target, strings.NewReader(p.body))
		h.ServeHTTP(w, r)
	}
}

// BenchmarkPushTicket is PushHandler on new component_verify_ticket
// pushes: with the default memory dedup and ticket stores; with the Redis
// dedup store (message/redisstore, one SET NX) and the memory ticket store;
// and with both on Redis (plus the PutTicketIfNewer script), as instances
// sharing a Redis run it. "replay" serves one push again and again (the
// duplicate answered "success"). Compare with BenchmarkPushFloor.
func BenchmarkPushTicket(b *testing.B) {
	newPlatform := func(b *testing.B, opts ...component.Option) http.Handler {
		p, err := component.New(testCfg, opts...)
		if err != nil {
			b.Fatal(err)
		}
		return p.PushHandler()
	}
	redisOpts := func(b *testing.B, tickets bool) []component.Option {
		rdb := testredis.Client(b)
		prefix := fmt.Sprintf("bench:%s:%d:", b.Name(), time.Now().UnixNano())
		opts := []component.Option{component.WithPushDedupStore(msgredis.NewDedupStore(rdb, prefix))}
		if tickets {
			opts = append(opts, component.WithTicketStore(compredis.New(rdb, compAppID, compredis.WithPrefix(prefix))))
		}
		return opts
	}
	b.Run("memory", func(b *testing.B) {
		benchPushes(b, newPlatform(b), sealTickets(b, b.N))
	})
	b.Run("redis-dedup", func(b *testing.B) {
		benchPushes(b, newPlatform(b, redisOpts(b, false)...), sealTickets(b, b.N))
	})
	b.Run("redis-dedup+tickets", func(b *testing.B) {
		benchPushes(b, newPlatform(b, redisOpts(b, true)...), sealTickets(b, b.N))
	})
	b.Run("replay/memory", func(b *testing.B) {
		benchPushes(b, newPlatform(b), sealTickets(b, 1))
	})
	b.Run("replay/redis", func(b *testing.B) {
		benchPushes(b, newPlatform(b, redisOpts(b, true)...), sealTickets(b, 1))
	})
}

// BenchmarkPushFloor is the work no push handler avoids: building the
// request and opening the envelope (signature check and AES decryption),
// and, for the Redis variants, one SET NX round trip to the same Redis.
func BenchmarkPushFloor(b *testing.B) {
	env, err := crypto.NewEnvelope(compToken, compAESKey, compAppID)
	if err != nil {
		b.Fatal(err)
	}
	pushes := sealTickets(b, 64)
	open := func(i int) {
		p := pushes[i%len(pushes)]
		r, _ := http.NewRequest("POST", p.target, strings.NewReader(p.body))
		q := r.URL.Query()
		if _, err := env.Open(q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce"), []byte(p.body)); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("open", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			open(i)
		}
	})
	b.Run("open+setnx", func(b *testing.B) {
		rdb := testredis.Client(b)
		prefix := fmt.Sprintf("bench:%s:%d:", b.Name(), time.Now().UnixNano())
		ctx := context.Background()
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			open(i)
			if err := rdb.SetNX(ctx, prefix+strconv.Itoa(i), 1, time.Minute).Err(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
