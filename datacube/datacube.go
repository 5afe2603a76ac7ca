package datacube

import (
	"cmp"
	"context"
	"iter"
	"slices"
	"time"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/datewin"
)

// Date is a calendar date in China time, sent as "YYYY-MM-DD".
type Date = datewin.Date

// NewDate returns the date y-m-d.
func NewDate(y int, m time.Month, d int) Date { return datewin.New(y, m, d) }

// ParseDate reads "YYYY-MM-DD".
func ParseDate(s string) (Date, error) { return datewin.Parse(s) }

// DateOf returns the date of t in China time (UTC+8), WeChat's calendar.
func DateOf(t time.Time) Date { return datewin.Of(t) }

// Service is the statistics API of one Official Account.
type Service struct {
	c   *mp.Client
	now func() time.Time
}

// Option configures a Service.
type Option func(*Service)

// WithClock sets the clock that decides "today" (default the client's
// clock, mp.WithClock, itself time.Now by default).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// New returns the statistics API on c.
func New(c *mp.Client, opts ...Option) *Service {
	s := &Service{c: c, now: c.Now}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Today is today's date in China time by the Service's clock.
func (s *Service) Today() Date { return datewin.Of(s.now()) }

// Yesterday is the latest date statistics exist for.
func (s *Service) Yesterday() Date { return s.Today().AddDays(-1) }

// Report is one statistics endpoint whose rows are T: its name (the path
// is /datacube/<name>) and its documented maximum span in days.
type Report[T any] struct {
	name    string
	maxDays int
	// order sorts rows that share a date (hour, then source or type).
	order func(a, b T) int
	date  func(T) Date
}

// Name is the endpoint name, e.g. "getusersummary".
func (r Report[T]) Name() string { return r.name }

// Path is "/datacube/" + Name.
func (r Report[T]) Path() string { return "/datacube/" + r.name }

// MaxDays is the documented maximum span of one request, in days
// (begin_date and end_date included).
func (r Report[T]) MaxDays() int { return r.maxDays }

// Calls is how many requests Range makes for [begin, end].
func (r Report[T]) Calls(begin, end Date) int { return datewin.Count(begin, end, r.maxDays) }

// Windows are the request windows Range uses for [begin, end].
func (r Report[T]) Windows(begin, end Date) iter.Seq[datewin.Window] {
	return datewin.Windows(begin, end, r.maxDays)
}

type dateRange struct {
	BeginDate Date `json:"begin_date"`
	EndDate   Date `json:"end_date"`
}

type listResponse[T any] struct {
	List []T `json:"list"`
}

// Get fetches one window of report r: [begin, end] must be within the
// report's span and end before today (China time).
func Get[T any](ctx context.Context, s *Service, r Report[T], begin, end Date) ([]T, error) {
	if field, reason := datewin.Check(begin, end, r.maxDays, s.Today()); field != "" {
		return nil, &mp.ValidationError{Op: "datacube." + r.name, Field: field, Reason: reason}
	}
	var out listResponse[T]
	if err := s.c.Do(ctx, &mp.Request{Method: "POST", Path: r.Path(), Body: dateRange{begin, end}, Idempotent: true}, &out); err != nil {
		return nil, err
	}
	rows := out.List
	if r.date != nil {
		slices.SortStableFunc(rows, func(a, b T) int {
			if c := r.date(a).Compare(r.date(b)); c != 0 {
				return c
			}
			if r.order != nil {
				return r.order(a, b)
			}
			return 0
		})
	}
	return rows, nil
}

// Range fetches report r over [begin, end] of any length, one allowed
// window after another, and yields the rows in date order. The range is
// validated first (begin not after end, end before today); an error ends
// the iteration after it is yielded.
func Range[T any](ctx context.Context, s *Service, r Report[T], begin, end Date) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if field, reason := datewin.Check(begin, end, max(begin.DaysUntil(end)+1, 1), s.Today()); field != "" {
			yield(zero, &mp.ValidationError{Op: "datacube." + r.name, Field: field, Reason: reason})
			return
		}
		for w := range datewin.Windows(begin, end, r.maxDays) {
			rows, err := Get(ctx, s, r, w.Begin, w.End)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, row := range rows {
				if !yield(row, nil) {
					return
				}
			}
		}
	}
}

func byInt[T any](f func(T) int) func(a, b T) int {
	return func(a, b T) int { return cmp.Compare(f(a), f(b)) }
}
