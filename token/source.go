package token

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/wxkit/mp/internal/ctxtime"
	"golang.org/x/sync/singleflight"
)

// Defaults of a Source. WeChat issues access tokens and jsapi tickets for
// 7200 seconds.
const (
	DefaultSafetyMargin    = time.Minute
	DefaultRefreshAhead    = 5 * time.Minute
	DefaultLease           = 15 * time.Second
	DefaultPollInterval    = 50 * time.Millisecond
	DefaultRefreshTimeout  = time.Minute
	DefaultMinRetryBetween = 5 * time.Second
)

// Source hands out a cached credential and keeps it fresh. It is safe for
// concurrent use. Create it with [NewSource].
type Source struct {
	key      string
	fetcher  Fetcher
	realTime bool // s.now is time.Now: deadlines can be armed as timers
	store    Store
	logger   *slog.Logger
	now      func() time.Time
	margin   time.Duration
	ahead    time.Duration
	lease    time.Duration
	poll     time.Duration
	timeout  time.Duration
	minRetry time.Duration

	cur    atomic.Pointer[entry]
	flight singleflight.Group
	bg     atomic.Bool  // a background refresh is running
	lastBg atomic.Int64 // unix nanos of the last background refresh start
	// rejected is the last value upstream refused; it is never taken from
	// the store again.
	rejected atomic.Pointer[string]
}

// entry is an installed token with its precomputed deadlines.
type entry struct {
	value     string
	expiry    time.Time
	usable    time.Time // expiry - margin: served until then
	refreshAt time.Time // usable - ahead: a background refresh starts then
	// due is set by a runtime timer once refreshAt has passed, so the fast
	// path needs no clock read (time.Now costs ~90 ns on some VMs). With an
	// injected clock it is always set and the clock is consulted.
	due atomic.Bool
}

// Option configures a Source.
type Option func(*Source)

// WithStore shares the credential through st (for example Redis). The
// default is a private [MemoryStore].
func WithStore(st Store) Option { return func(s *Source) { s.store = st } }

// WithLogger reports refresh failures and store outages to l instead of
// slog.Default() (looked up at each log line). Failures are logged at WARN
// (ERROR for a store outage), never with a credential value;
// slog.New(slog.DiscardHandler) silences them.
func WithLogger(l *slog.Logger) Option { return func(s *Source) { s.logger = l } }

// WithClock replaces time.Now for expiry decisions (tests).
func WithClock(now func() time.Time) Option {
	return func(s *Source) { s.now, s.realTime = now, false }
}

// WithSafetyMargin stops serving a token d before its upstream expiry.
func WithSafetyMargin(d time.Duration) Option { return func(s *Source) { s.margin = d } }

// WithRefreshAhead starts the background refresh d before the end of the
// served window.
func WithRefreshAhead(d time.Duration) Option { return func(s *Source) { s.ahead = d } }

// WithLease sets how long a refresh lease in the store lasts; waiters poll the
// store for at most this long before trying to take the lease themselves.
func WithLease(d time.Duration) Option { return func(s *Source) { s.lease = d } }

// WithPollInterval sets how often a waiter polls the store.
func WithPollInterval(d time.Duration) Option { return func(s *Source) { s.poll = d } }

// WithRefreshTimeout bounds one refresh, which runs detached from the
// cancellation of the caller that started it.
func WithRefreshTimeout(d time.Duration) Option { return func(s *Source) { s.timeout = d } }

// WithMinRetryInterval sets the least time between two background refresh
// attempts, so a failing upstream is not hammered by every call.
func WithMinRetryInterval(d time.Duration) Option { return func(s *Source) { s.minRetry = d } }

// NewSource returns a Source that caches the credential under key and
// fetches it with f. key must be unique per account and credential kind; the
// SDK uses "wxkit:mp:<appid>:access_token".
func NewSource(key string, f Fetcher, opts ...Option) *Source {
	s := &Source{
		key:      key,
		fetcher:  f,
		now:      time.Now,
		margin:   DefaultSafetyMargin,
		ahead:    DefaultRefreshAhead,
		lease:    DefaultLease,
		poll:     DefaultPollInterval,
		timeout:  DefaultRefreshTimeout,
		minRetry: DefaultMinRetryBetween,
	}
	s.realTime = true
	for _, o := range opts {
		o(s)
	}
	if s.store == nil {
		s.store = NewMemoryStore()
	}
	return s
}

// log returns the logger: WithLogger's, else the current slog.Default().
func (s *Source) log() *slog.Logger {
	if s.logger != nil {
		return s.logger
	}
	return slog.Default()
}

// Key returns the store key of the Source.
func (s *Source) Key() string { return s.key }

// String describes the Source without its value.
func (s *Source) String() string { return fmt.Sprintf("token.Source{key: %q}", s.key) }

// Token returns a valid credential. When the cached one is fresh it returns
// at once without allocating; otherwise it waits for the one shared refresh,
// or until ctx is done. It never returns an empty value with a nil error.
func (s *Source) Token(ctx context.Context) (string, error) {
	if e := s.cur.Load(); e != nil {
		if !e.due.Load() {
			return e.value, nil
		}
		now := s.now()
		if now.Before(e.refreshAt) {
			return e.value, nil
		}
		if now.Before(e.usable) {
			s.refreshInBackground()
			return e.value, nil
		}
	}
	return s.wait(ctx, "refresh", "")
}

// Invalidate reports that upstream rejected value (errcode 40001, 40014 or
// 42001). If value is still the cached credential, Invalidate refreshes it and
// returns once a new one is installed; concurrent calls share that refresh.
// If the cache already moved on, Invalidate does nothing, so a burst of
// rejections of one value causes exactly one refresh.
func (s *Source) Invalidate(ctx context.Context, value string) error {
	e := s.cur.Load()
	if e == nil || e.value != value || value == "" {
		return nil
	}
	s.rejected.Store(&value)
	_, err := s.wait(ctx, "invalidate", value)
	if err != nil {
		// Never serve the rejected value again; the next Token call
		// refreshes in the foreground.
		s.cur.CompareAndSwap(e, nil)
	}
	return err
}

// wait runs (or joins) the refresh flight named name and waits for it.
func (s *Source) wait(ctx context.Context, name, rejected string) (string, error) {
	ch := s.flight.DoChan(name, func() (any, error) {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.timeout)
		defer cancel()
		return s.refresh(rctx, rejected)
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			// Keep serving a still-valid value when a refresh fails.
			if e := s.cur.Load(); e != nil && e.value != rejected && s.now().Before(e.usable) {
				s.log().LogAttrs(ctx, slog.LevelWarn, "token refresh failed; serving the cached token",
					slog.String("key", s.key), slog.Any("error", r.Err))
				return e.value, nil
			}
			return "", r.Err
		}
		return r.Val.(*entry).value, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// refreshInBackground starts one detached refresh unless one is running or
// the last one started less than minRetry ago.
func (s *Source) refreshInBackground() {
	if !s.bg.CompareAndSwap(false, true) {
		return
	}
	now := time.Now().UnixNano()
	if last := s.lastBg.Load(); last != 0 && now-last < int64(s.minRetry) {
		s.bg.Store(false)
		return
	}
	s.lastBg.Store(now)
	go func() {
		defer s.bg.Store(false)
		ctx := context.Background()
		ch := s.flight.DoChan("refresh", func() (any, error) {
			rctx, cancel := context.WithTimeout(ctx, s.timeout)
			defer cancel()
			return s.refresh(rctx, "")
		})
		if r := <-ch; r.Err != nil {
			s.log().LogAttrs(ctx, slog.LevelWarn, "background token refresh failed",
				slog.String("key", s.key), slog.Any("error", r.Err))
		}
	}()
}

// acceptable reports whether t can be installed without fetching: it is not
// the rejected value and not yet due for refresh.
func (s *Source) acceptable(t Token, rejected string) bool {
	if r := s.rejected.Load(); r != nil && *r == t.Value {
		return false
	}
	return t.Value != "" && t.Value != rejected && s.now().Before(t.Expiry.Add(-s.margin-s.ahead))
}

func (s *Source) install(t Token) *entry {
	usable := t.Expiry.Add(-s.margin)
	e := &entry{value: t.Value, expiry: t.Expiry, usable: usable, refreshAt: usable.Add(-s.ahead)}
	if d := e.refreshAt.Sub(s.now()); s.realTime && d > 0 {
		// Runtime timers use the monotonic clock and cost nothing until
		// they fire. If the machine sleeps through the deadline, WeChat
		// rejects the token and Invalidate replaces it.
		time.AfterFunc(d, func() { e.due.Store(true) })
	} else {
		e.due.Store(true)
	}
	s.cur.Store(e)
	return e
}

// refresh brings a new value: from memory if another flight already did, from
// the store if another Source did, else from upstream under the store lease.
func (s *Source) refresh(ctx context.Context, rejected string) (*entry, error) {
	if e := s.cur.Load(); e != nil && e.value != rejected && s.now().Before(e.refreshAt) {
		return e, nil
	}
	if t, ok, err := s.store.Load(ctx, s.key); err != nil {
		return s.storeDown(ctx, "load", err, rejected)
	} else if ok && s.acceptable(t, rejected) {
		return s.install(t), nil
	}
	for {
		l, acquired, err := s.lock(ctx)
		if err != nil {
			return s.storeDown(ctx, "lock", err, rejected)
		}
		if acquired {
			return s.refreshLocked(ctx, l, rejected)
		}
		// Another holder is refreshing: poll the store for its result.
		deadline := time.Now().Add(s.lease)
		for time.Now().Before(deadline) {
			if err := ctxtime.Sleep(ctx, s.poll); err != nil {
				return nil, err
			}
			t, ok, err := s.store.Load(ctx, s.key)
			if err != nil {
				return s.storeDown(ctx, "load", err, rejected)
			}
			if ok && s.acceptable(t, rejected) {
				return s.install(t), nil
			}
		}
		// The holder's lease ran out without a result: try to take it.
	}
}

// lock takes the refresh lease: through the store's guarded lease when it
// has one, else through Lock with a local check of the lease's age.
func (s *Source) lock(ctx context.Context) (Lease, bool, error) {
	if ls, ok := s.store.(LeaseStore); ok {
		return ls.LockLease(ctx, s.key, s.lease)
	}
	start := s.now()
	release, acquired, err := s.store.Lock(ctx, s.key+":lock", s.lease)
	if err != nil || !acquired {
		return nil, false, err
	}
	return &timedLease{s: s, start: start, release: release}, true, nil
}

// timedLease guards the save of a plain Store by the lease's age: a result
// that came after the lease ran out is dropped rather than saved over the
// next holder's.
type timedLease struct {
	s       *Source
	start   time.Time
	release func(context.Context) error
}

func (l *timedLease) Save(ctx context.Context, t Token) (bool, error) {
	if l.s.now().Sub(l.start) >= l.s.lease {
		return false, nil
	}
	return true, l.s.store.Save(ctx, l.s.key, t)
}

func (l *timedLease) Release(ctx context.Context) error { return l.release(ctx) }

func (s *Source) refreshLocked(ctx context.Context, l Lease, rejected string) (*entry, error) {
	defer func() {
		if err := l.Release(context.WithoutCancel(ctx)); err != nil {
			s.log().LogAttrs(ctx, slog.LevelWarn, "token store: releasing the refresh lease failed",
				slog.String("key", s.key), slog.Any("error", err))
		}
	}()
	// Double check: the previous holder may have saved just before we locked.
	if t, ok, err := s.store.Load(ctx, s.key); err == nil && ok && s.acceptable(t, rejected) {
		return s.install(t), nil
	}
	t, err := s.fetch(ctx, rejected)
	if err != nil {
		return nil, err
	}
	saved, err := l.Save(ctx, t)
	switch {
	case err != nil:
		s.log().LogAttrs(ctx, slog.LevelWarn, "token store: saving failed; the token is kept in memory",
			slog.String("key", s.key), slog.Any("error", err))
	case !saved:
		// The fetch outlived the lease: the next holder may have saved a
		// newer value (and, with the classic token API, made ours
		// invalid). Prefer the stored one; keep ours only in memory.
		s.log().LogAttrs(ctx, slog.LevelWarn, "token refresh outlived its lease; not saving its result",
			slog.String("key", s.key))
		if st, ok, lerr := s.store.Load(ctx, s.key); lerr == nil && ok && s.acceptable(st, rejected) {
			return s.install(st), nil
		}
	}
	return s.install(t), nil
}

// storeDown fetches without the store after it failed, so a Redis outage
// degrades to per-process caching instead of an outage.
func (s *Source) storeDown(ctx context.Context, op string, err error, rejected string) (*entry, error) {
	s.log().LogAttrs(ctx, slog.LevelError, "token store unavailable; fetching without it",
		slog.String("key", s.key), slog.String("op", op), slog.Any("error", err))
	t, ferr := s.fetch(ctx, rejected)
	if ferr != nil {
		return nil, ferr
	}
	return s.install(t), nil
}

// fetch asks upstream, forcing a new value if upstream hands back the
// rejected one, and refuses empty or already unusable values.
func (s *Source) fetch(ctx context.Context, rejected string) (Token, error) {
	t, err := s.fetcher.Fetch(ctx, false)
	if err == nil && rejected != "" && t.Value == rejected {
		t, err = s.fetcher.Fetch(ctx, true)
	}
	if err != nil {
		return Token{}, err
	}
	if t.Value == "" || !s.now().Before(t.Expiry.Add(-s.margin)) {
		return Token{}, fmt.Errorf("%w (key %s)", ErrEmptyToken, s.key)
	}
	return t, nil
}
