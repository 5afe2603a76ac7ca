package mp

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"time"

	"github.com/wxkit/mp/internal/ctxtime"
)

// RetryPolicy says how transient failures (errcode -1 system busy, HTTP 5xx
// and 429, timeouts, connection failures) are retried: capped exponential
// backoff with jitter, cancelled by the call's context. Quota errors and all
// other errcodes are returned at once.
//
// A POST that is not marked Idempotent is retried only when WeChat answered
// -1 or the connection failed before the request was sent, never after a
// timeout or a 5xx, because it may have taken effect.
type RetryPolicy struct {
	MaxAttempts int           // tries in all, including the first; 1 disables retries
	BaseDelay   time.Duration // wait before the first retry, doubled for each further one
	MaxDelay    time.Duration // cap of one wait
	// Sleep waits d or until ctx is done. Nil uses a timer; tests can make
	// it return at once.
	Sleep func(ctx context.Context, d time.Duration) error
}

// DefaultRetryPolicy makes up to 3 tries, waiting about 200 ms then 400 ms.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 3, BaseDelay: 200 * time.Millisecond, MaxDelay: 3 * time.Second}
}

// NoRetry makes every call a single try (the token retry still applies).
func NoRetry() RetryPolicy { return RetryPolicy{MaxAttempts: 1} }

// delay returns the jittered wait before retry number n (1-based): a uniform
// value in [d/2, d] where d = min(MaxDelay, BaseDelay*2^(n-1)).
func (p RetryPolicy) delay(n int) time.Duration {
	d := p.BaseDelay
	for i := 1; i < n && d < p.MaxDelay; i++ {
		d *= 2
	}
	if p.MaxDelay > 0 && d > p.MaxDelay {
		d = p.MaxDelay
	}
	if d <= 0 {
		return 0
	}
	return d/2 + rand.N(d/2+1)
}

func (p RetryPolicy) wait(ctx context.Context, n int) error {
	d := p.delay(n)
	if p.Sleep != nil {
		return p.Sleep(ctx, d)
	}
	return ctxtime.Sleep(ctx, d)
}

// transportRetryable reports whether a transport error may be retried: any
// network error for an idempotent request, only a failure to connect (the
// request never left) otherwise.
func transportRetryable(err error, idempotent bool) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	if !idempotent {
		return false
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, errUnexpectedEOF)
}
