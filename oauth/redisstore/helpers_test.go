package redisstore_test

import (
	"crypto/rand"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func redisDown(t *testing.T) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 100 * time.Millisecond})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// runPrefix names the keys of one test in one run: keys named only by the
// test outlive the run in a shared Redis and break `go test -count=2`.
func runPrefix(t testing.TB) string {
	return t.Name() + ":" + rand.Text() + ":"
}
