// Package testredis gives tests a Redis server: the one at $REDIS_ADDR, or a
// redis-server started on a free loopback port for the test binary. Tests
// skip, with a message saying why, only when neither is possible.
package testredis

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

var (
	once    sync.Once
	addr    string
	skipMsg string
)

// Client returns a client of the test Redis. The database is shared by every
// test, so callers must namespace their keys (t.Name() is a good prefix).
func Client(t testing.TB) *redis.Client {
	t.Helper()
	once.Do(start)
	if addr == "" {
		t.Skip(skipMsg)
	}
	c := redis.NewClient(&redis.Options{Addr: addr})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("testredis: ping %s: %v", addr, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Addr returns the address of the test Redis, skipping the test if none.
func Addr(t testing.TB) string {
	t.Helper()
	once.Do(start)
	if addr == "" {
		t.Skip(skipMsg)
	}
	return addr
}

func start() {
	if a := os.Getenv("REDIS_ADDR"); a != "" {
		addr = a
		return
	}
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		skipMsg = "REDIS_ADDR is unset and redis-server is not installed (apt-get install -y redis-server); skipping Redis test"
		return
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		skipMsg = "testredis: no free loopback port: " + err.Error()
		return
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	dir, err := os.MkdirTemp("", "testredis")
	if err != nil {
		skipMsg = "testredis: " + err.Error()
		return
	}
	cmd := exec.Command(bin, "--bind", "127.0.0.1", "--port", fmt.Sprint(port), "--save", "", "--appendonly", "no",
		"--dir", dir, "--logfile", filepath.Join(dir, "redis.log"))
	cmd.SysProcAttr = dieWithParent()
	if err := cmd.Start(); err != nil {
		skipMsg = "testredis: starting redis-server: " + err.Error()
		return
	}
	a := fmt.Sprintf("127.0.0.1:%d", port)
	c := redis.NewClient(&redis.Options{Addr: a})
	defer c.Close()
	for i := 0; i < 100; i++ {
		if c.Ping(context.Background()).Err() == nil {
			addr = a
			// On Linux the server dies with the test binary (Pdeathsig).
			go func() { _ = cmd.Wait() }()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	skipMsg = "testredis: redis-server did not answer on " + a
}
