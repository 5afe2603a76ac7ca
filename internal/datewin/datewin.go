// Package datewin is a calendar date without a clock and the splitter of a
// long date range into the windows an API accepts. The statistics APIs of
// WeChat (数据统计, and the card statistics of 卡券) take begin_date and
// end_date as "YYYY-MM-DD" in China time and refuse ranges longer than a
// documented span; Windows cuts any range into spans they accept.
package datewin

import (
	"errors"
	"fmt"
	"iter"
	"strconv"
	"time"
)

// China is the time zone of WeChat's calendar (UTC+8, no daylight saving).
var China = time.FixedZone("CST", 8*3600)

// Date is a calendar date (a civil date: no time, no zone). The zero Date
// is invalid; use IsZero to test for it.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Layout is the wire format of a Date.
const Layout = "2006-01-02"

// Of returns the date of t in China time.
func Of(t time.Time) Date {
	y, m, d := t.In(China).Date()
	return Date{y, m, d}
}

// New returns the date y-m-d, normalized like time.Date (February 30 is
// March 1 or 2).
func New(y int, m time.Month, d int) Date {
	return Of(time.Date(y, m, d, 12, 0, 0, 0, China))
}

// Parse reads "YYYY-MM-DD".
func Parse(s string) (Date, error) {
	t, err := time.ParseInLocation(Layout, s, China)
	if err != nil {
		return Date{}, fmt.Errorf("datewin: %q is not a YYYY-MM-DD date", s)
	}
	return Of(t), nil
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Time returns midnight of d in China time.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, China) }

// String formats d as "YYYY-MM-DD".
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format(Layout)
}

// AddDays returns d plus n days (n may be negative).
func (d Date) AddDays(n int) Date { return New(d.Year, d.Month, d.Day+n) }

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is later than e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmp(d.Year, e.Year)
	case d.Month != e.Month:
		return cmp(int(d.Month), int(e.Month))
	}
	return cmp(d.Day, e.Day)
}

func cmp(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// DaysUntil returns the number of days from d to e (e - d); negative when e
// is before d.
func (d Date) DaysUntil(e Date) int {
	// Noon in a zone without DST: the difference is a whole number of days.
	a := time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)
	b := time.Date(e.Year, e.Month, e.Day, 12, 0, 0, 0, time.UTC)
	return int(b.Sub(a) / (24 * time.Hour))
}

// MarshalText writes "YYYY-MM-DD" (JSON strings use it).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads "YYYY-MM-DD"; an empty text is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Window is an inclusive range of dates [Begin, End].
type Window struct{ Begin, End Date }

// Days is the number of dates in w (End - Begin + 1).
func (w Window) Days() int { return w.Begin.DaysUntil(w.End) + 1 }

func (w Window) String() string { return w.Begin.String() + ".." + w.End.String() }

// ErrBadRange is returned by Check for an empty or reversed range.
var ErrBadRange = errors.New("datewin: begin is after end")

// Windows splits [begin, end] into consecutive windows of at most maxDays
// dates each, in date order. It yields nothing for a reversed range or a
// maxDays below 1.
func Windows(begin, end Date, maxDays int) iter.Seq[Window] {
	return func(yield func(Window) bool) {
		if maxDays < 1 || begin.IsZero() || end.IsZero() || begin.After(end) {
			return
		}
		for b := begin; !b.After(end); b = b.AddDays(maxDays) {
			e := b.AddDays(maxDays - 1)
			if e.After(end) {
				e = end
			}
			if !yield(Window{b, e}) {
				return
			}
		}
	}
}

// Count returns how many windows Windows yields.
func Count(begin, end Date, maxDays int) int {
	if maxDays < 1 || begin.IsZero() || end.IsZero() || begin.After(end) {
		return 0
	}
	n := begin.DaysUntil(end) + 1
	return (n + maxDays - 1) / maxDays
}

// Check validates one request window against a documented span: both dates
// set, begin not after end, at most maxDays dates, and end before today
// (WeChat's statistics end yesterday, in China time). It returns the field
// at fault ("begin_date" or "end_date") and the reason, or "" and "".
func Check(begin, end Date, maxDays int, today Date) (field, reason string) {
	switch {
	case begin.IsZero():
		return "begin_date", "is required"
	case end.IsZero():
		return "end_date", "is required"
	case begin.After(end):
		return "begin_date", begin.String() + " is after end_date " + end.String()
	case !end.Before(today):
		return "end_date", end.String() + " is not before today (" + today.String() + ", China time): statistics end yesterday"
	case begin.DaysUntil(end)+1 > maxDays:
		return "end_date", "the range " + begin.String() + ".." + end.String() + " spans " +
			strconv.Itoa(begin.DaysUntil(end)+1) + " days, over the maximum of " + strconv.Itoa(maxDays)
	}
	return "", ""
}
