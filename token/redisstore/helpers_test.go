package redisstore_test

import (
	"crypto/rand"
	"testing"
)

// runPrefix names the keys of one test in one run: keys named only by the
// test outlive the run in a shared Redis and break `go test -count=2`.
func runPrefix(t testing.TB) string {
	return t.Name() + ":" + rand.Text() + ":"
}
