package message

import (
	"context"
	"sync"
	"time"
)

// handlerCtx is the context a Handler runs with: it carries the values of
// the request context but not its cancellation (like context.WithoutCancel),
// and it has a deadline (the late timeout). Unlike context.WithTimeout it
// allocates its channel and timer only if Done is called, so that handlers
// that never look at it cost one allocation.
type handlerCtx struct {
	parent   context.Context
	deadline time.Time

	mu    sync.Mutex
	done  chan struct{}
	timer *time.Timer
	err   error
}

func newHandlerCtx(parent context.Context, deadline time.Time) *handlerCtx {
	return &handlerCtx{parent: parent, deadline: deadline}
}

func (c *handlerCtx) Deadline() (time.Time, bool) { return c.deadline, true }

func (c *handlerCtx) Value(key any) any { return c.parent.Value(key) }

func (c *handlerCtx) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done == nil {
		c.done = make(chan struct{})
		switch d := time.Until(c.deadline); {
		case c.err != nil:
			close(c.done)
		case d <= 0:
			c.finishLocked(context.DeadlineExceeded)
		default:
			c.timer = time.AfterFunc(d, func() { c.finish(context.DeadlineExceeded) })
		}
	}
	return c.done
}

func (c *handlerCtx) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil && !time.Now().Before(c.deadline) {
		c.finishLocked(context.DeadlineExceeded)
	}
	return c.err
}

// finish cancels the context (with context.Canceled when the handler is
// done) and releases its timer.
func (c *handlerCtx) finish(err error) {
	c.mu.Lock()
	c.finishLocked(err)
	c.mu.Unlock()
}

func (c *handlerCtx) finishLocked(err error) {
	if c.err != nil {
		return
	}
	c.err = err
	if c.done != nil {
		close(c.done)
	}
	if c.timer != nil {
		c.timer.Stop()
	}
}

func (c *handlerCtx) String() string { return "message.handlerContext" }
