package user

import (
	"context"
	"fmt"
	"iter"
	"strconv"

	"github.com/wxkit/mp"
)

// OpenIDList is one page of openids: of the followers (获取用户列表), of the
// fans of a tag (获取标签下粉丝列表) or of the blacklist (获取公众号的黑名单列表).
type OpenIDList struct {
	Total int        `json:"total"` // all users of the list; not sent for the fans of a tag
	Count int        `json:"count"` // openids on this page
	Data  OpenIDData `json:"data"`
	// NextOpenID is the last openid of this page: pass it to get the next
	// page. It is empty (or the page is empty) when the list is done.
	NextOpenID string `json:"next_openid"`
}

// OpenIDData holds the openids of a page.
type OpenIDData struct {
	OpenID []string `json:"openid"`
}

// OpenIDs returns the openids of the page.
func (l *OpenIDList) OpenIDs() []string { return l.Data.OpenID }

type pageFunc func(ctx context.Context, cursor string) (*OpenIDList, error)

// allOpenIDs walks a next_openid-paged list one page at a time: only the
// current page is held. It stops at an empty page, an empty next_openid, a
// next_openid that does not move, when the consumer stops, or after yielding
// the first error.
func allOpenIDs(ctx context.Context, fetch pageFunc) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		cursor := ""
		for {
			page, err := fetch(ctx, cursor)
			if err != nil {
				yield("", err)
				return
			}
			for _, id := range page.Data.OpenID {
				if !yield(id, nil) {
					return
				}
			}
			next := page.NextOpenID
			if len(page.Data.OpenID) == 0 || next == "" || next == cursor {
				return
			}
			cursor = next
		}
	}
}

// BatchError reports a batch that was split into several calls and failed
// part-way: the first Done openids were processed, the call for the ones
// after failed with Err. errors.As(err, &apiErr) reaches the *mp.APIError.
type BatchError struct {
	Op   string
	Done int // openids processed before the failing call
	Err  error
}

func (e *BatchError) Error() string {
	return fmt.Sprintf("mp: %s: failed after %d openids: %v", e.Op, e.Done, e.Err)
}

func (e *BatchError) Unwrap() error { return e.Err }

func checkOpenIDs(op string, openIDs []string) error {
	if len(openIDs) == 0 {
		return &mp.ValidationError{Op: op, Field: "openid_list", Reason: "is empty"}
	}
	for i, id := range openIDs {
		if id == "" {
			return &mp.ValidationError{Op: op, Field: "openid_list[" + strconv.Itoa(i) + "]", Reason: "is empty"}
		}
	}
	return nil
}

// inChunks calls send for successive chunks of at most size openids, one
// after the other, and stops at the first failure.
func inChunks(op string, openIDs []string, size int, send func(chunk []string) error) error {
	for done := 0; done < len(openIDs); done += size {
		if err := send(openIDs[done:min(done+size, len(openIDs))]); err != nil {
			return &BatchError{Op: op, Done: done, Err: err}
		}
	}
	return nil
}
