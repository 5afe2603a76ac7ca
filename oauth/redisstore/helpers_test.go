package redisstore_test

import (
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func redisDown(t *testing.T) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 100 * time.Millisecond})
	t.Cleanup(func() { _ = c.Close() })
	return c
}
