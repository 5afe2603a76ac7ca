// Package ctxtime holds the context-aware sleep shared by the clients'
// retry, polling and back-off loops.
package ctxtime

import (
	"context"
	"time"
)

// Sleep waits d, or until ctx ends and then returns ctx.Err().
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
