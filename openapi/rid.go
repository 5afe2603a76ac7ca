package openapi

import (
	"context"
	"errors"
	"time"

	"github.com/wxkit/mp"
)

// Request is what WeChat recorded of a call (查询rid信息's request).
type Request struct {
	InvokeTime   int64  `json:"invoke_time"` // Unix seconds
	CostInMs     int64  `json:"cost_in_ms"`
	RequestURL   string `json:"request_url"` // the query, token shortened
	RequestBody  string `json:"request_body"`
	ResponseBody string `json:"response_body"`
	ClientIP     string `json:"client_ip"`
}

// Invoked is InvokeTime as a time.
func (r *Request) Invoked() time.Time { return time.Unix(r.InvokeTime, 0) }

// Cost is CostInMs as a duration.
func (r *Request) Cost() time.Duration { return time.Duration(r.CostInMs) * time.Millisecond }

// RID is 查询rid信息 (POST /cgi-bin/openapi/rid/get): the request behind a
// failed call, by the rid WeChat appended to its errmsg. Rids are kept 7
// days (76001 after).
func (s *Service) RID(ctx context.Context, rid string) (*Request, error) {
	if rid == "" {
		return nil, &mp.ValidationError{Op: "openapi.RID", Field: "rid", Reason: "is required"}
	}
	var out struct {
		Request Request `json:"request"`
	}
	if err := s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/cgi-bin/openapi/rid/get", Body: map[string]string{"rid": rid}, Idempotent: true}, &out); err != nil {
		return nil, err
	}
	return &out.Request, nil
}

// ErrNoRID is returned by LookupError for an error that is not (and does not
// wrap) an *mp.APIError with a rid.
var ErrNoRID = errors.New("openapi: the error carries no WeChat rid")

// LookupError goes from a failed call's error to WeChat's record of it: it
// finds the *mp.APIError in err (errors.As) and looks up its RID.
func (s *Service) LookupError(ctx context.Context, err error) (*Request, error) {
	var ae *mp.APIError
	if !errors.As(err, &ae) || ae.RID == "" {
		return nil, ErrNoRID
	}
	return s.RID(ctx, ae.RID)
}
