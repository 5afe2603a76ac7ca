package message

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"
)

// Handler handles one push and returns the passive reply (nil for none).
// An error is logged by the Server and answered with "success" (or 500
// with WithRetryOnError); the reply is then ignored.
//
// ctx carries the values of the request context but is not canceled when
// the HTTP request ends: if the handler misses the reply deadline the
// Server answers "success" and the handler keeps running (bounded by the
// late timeout, see WithLateReply) so that its reply can be delivered
// through the customer-service API.
type Handler interface {
	ServeMessage(ctx context.Context, m Message) (Reply, error)
}

// HandlerFunc adapts a function to a Handler.
type HandlerFunc func(ctx context.Context, m Message) (Reply, error)

// ServeMessage implements Handler.
func (f HandlerFunc) ServeMessage(ctx context.Context, m Message) (Reply, error) {
	return f(ctx, m)
}

// Middleware wraps a Handler (see Router.Use).
type Middleware func(Handler) Handler

// PanicError is the error a Handler panic is turned into by Recovery and by
// the Server.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("message: handler panic: %v", e.Value) }

// callSafely calls h and converts a panic into a *PanicError.
func callSafely(ctx context.Context, h Handler, m Message) (r Reply, err error) {
	defer func() {
		if v := recover(); v != nil {
			r, err = nil, &PanicError{Value: v, Stack: debug.Stack()}
		}
	}()
	return h.ServeMessage(ctx, m)
}

// Recovery returns a middleware that turns a panicking handler into a
// logged error and a nil reply (the Server answers "success"), so that one
// bad message never takes the process down. A nil logger discards.
func Recovery(logger *slog.Logger) Middleware {
	logger = orDiscard(logger)
	return func(next Handler) Handler {
		return HandlerFunc(func(ctx context.Context, m Message) (Reply, error) {
			r, err := callSafely(ctx, next, m)
			if pe, ok := err.(*PanicError); ok {
				h := m.MessageHeader()
				logger.LogAttrs(ctx, slog.LevelError, "message: handler panicked",
					slog.String("msg_type", h.MsgType), slog.String("event", h.Event),
					slog.Any("panic", pe.Value), slog.String("stack", string(pe.Stack)))
				return nil, nil
			}
			return r, err
		})
	}
}

// Logging returns a middleware that logs every message at Debug level and
// every handler error at Error level, with the type, event and duration.
func Logging(logger *slog.Logger) Middleware {
	logger = orDiscard(logger)
	return func(next Handler) Handler {
		return HandlerFunc(func(ctx context.Context, m Message) (Reply, error) {
			start := time.Now()
			r, err := next.ServeMessage(ctx, m)
			h := m.MessageHeader()
			level := slog.LevelDebug
			if err != nil {
				level = slog.LevelError
			}
			if logger.Enabled(ctx, level) {
				logger.LogAttrs(ctx, level, "message: handled",
					slog.String("msg_type", h.MsgType), slog.String("event", h.Event),
					slog.Int64("msg_id", h.MsgID), slog.Duration("duration", time.Since(start)),
					slog.Bool("reply", !isNilReply(r)), slog.Any("err", err))
			}
			return r, err
		})
	}
}

// Observation is what the Metrics middleware reports for every message.
type Observation struct {
	MsgType  string
	Event    string
	Duration time.Duration
	Replied  bool  // a non-nil reply was returned
	Err      error // the handler's error, if any
}

// Metrics returns a middleware calling observe after every message, for
// counters and latency histograms (Prometheus, OpenTelemetry, expvar...).
func Metrics(observe func(ctx context.Context, o Observation)) Middleware {
	return func(next Handler) Handler {
		if observe == nil {
			return next
		}
		return HandlerFunc(func(ctx context.Context, m Message) (Reply, error) {
			start := time.Now()
			r, err := next.ServeMessage(ctx, m)
			h := m.MessageHeader()
			observe(ctx, Observation{MsgType: h.MsgType, Event: h.Event,
				Duration: time.Since(start), Replied: !isNilReply(r), Err: err})
			return r, err
		})
	}
}

func orDiscard(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}
