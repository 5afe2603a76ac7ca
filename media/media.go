package media

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"time"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/ctxtime"
)

// Service is 素材管理 (temporary media and permanent material), 草稿箱
// (drafts) and 发布能力 (publishing) of one Official Account. It is safe for
// concurrent use.
type Service struct {
	c     *mp.Client
	sleep func(ctx context.Context, d time.Duration) error
}

// Option configures a Service.
type Option func(*Service)

// WithSleep replaces the wait between two polls of [Service.WaitPublished]
// (tests make it return at once, or record the intervals). The function must
// return ctx.Err() when ctx is done. A nil function is ignored.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(s *Service) {
		if sleep != nil {
			s.sleep = sleep
		}
	}
}

// New returns the media, draft and publishing API on c.
func New(c *mp.Client, opts ...Option) *Service {
	s := &Service{c: c, sleep: ctxtime.Sleep}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	return s
}

// errNoClient is returned by every method of a Service built without a client.
var errNoClient = errors.New("media: Service has no *mp.Client (use media.New(client))")

func (s *Service) check() error {
	if s == nil || s.c == nil {
		return errNoClient
	}
	return nil
}

func (s *Service) do(ctx context.Context, r *mp.Request, out any) error {
	if err := s.check(); err != nil {
		return err
	}
	return s.c.Do(ctx, r, out)
}

// MediaType is a kind of media file (媒体文件类型) or material (素材的类型).
type MediaType string

// Media types. Temporary media and uploaded material are image, voice,
// video or thumb; the material list also knows news (图文, read-only: new
// articles go to the draft box).
const (
	Image MediaType = "image"
	Voice MediaType = "voice"
	Video MediaType = "video"
	Thumb MediaType = "thumb"
	News  MediaType = "news"
)

// Timestamp is a Unix time in seconds as WeChat sends it (created_at,
// update_time). It decodes from a JSON number or a quoted number.
type Timestamp int64

// Time returns t as a time.Time (zero Timestamp gives the Unix epoch).
func (t Timestamp) Time() time.Time { return time.Unix(int64(t), 0) }

// UnmarshalJSON accepts 1672500000, "1672500000", "" and null.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if len(s) > 0 && s[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("media: timestamp: %w", err)
		}
		if s == "" {
			*t = 0
			return nil
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("media: timestamp %q is not an integer", truncate(s, 32))
	}
	*t = Timestamp(n)
	return nil
}

// ID is an identifier that WeChat documents as a string but sends as a JSON
// number on some paths (publish_id, msg_data_id). It decodes from either and
// encodes as a JSON string.
type ID string

// UnmarshalJSON accepts a JSON string, a JSON number (kept digit for digit)
// and null.
func (id *ID) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("media: id: %w", err)
		}
		*id = ID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("media: id %q is neither a string nor a number", truncate(string(b), 32))
	}
	*id = ID(n.String())
	return nil
}

func (id ID) String() string { return string(id) }

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// invalid builds the *mp.ValidationError every bad argument gives.
func invalid(op, field, reason string) error {
	return &mp.ValidationError{Op: op, Field: field, Reason: reason}
}

func requireID(op, field, v string) error {
	if v == "" {
		return invalid(op, field, "must not be empty")
	}
	return nil
}

// MaxPageSize is the largest count the list calls accept (取值在1到20之间).
const MaxPageSize = 20

func checkPage(op string, offset, count int) error {
	if offset < 0 {
		return invalid(op, "offset", "must not be negative")
	}
	if count < 1 || count > MaxPageSize {
		return invalid(op, "count", fmt.Sprintf("must be between 1 and %d, got %d", MaxPageSize, count))
	}
	return nil
}

// paginate walks an offset/count list one page at a time: fetch returns a
// page of items and the total count. It stops at the total, on an empty page,
// when the consumer breaks, or after yielding the first error.
func paginate[T any](fetch func(offset int) ([]T, int, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		offset := 0
		for {
			items, total, err := fetch(offset)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			offset += len(items)
			if len(items) == 0 || offset >= total {
				return
			}
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
