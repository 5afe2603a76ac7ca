package mass

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/wxkit/mp"
)

// Endpoint paths of 群发.
const (
	pathSendAll  = "/cgi-bin/message/mass/sendall"
	pathSend     = "/cgi-bin/message/mass/send"
	pathPreview  = "/cgi-bin/message/mass/preview"
	pathGet      = "/cgi-bin/message/mass/get"
	pathDelete   = "/cgi-bin/message/mass/delete"
	pathSpeedGet = "/cgi-bin/message/mass/speed/get"
	pathSpeedSet = "/cgi-bin/message/mass/speed/set"
)

// Limits of the mass-send APIs.
const (
	MinOpenIDsPerCall  = 2     // touser: OpenID最少2个
	MaxOpenIDsPerCall  = 10000 // touser: 最多10000个
	MaxClientMsgIDSize = 64    // clientmsgid: 长度限制64个字节
)

// Errcodes of the mass-send APIs.
const (
	CodeClientMsgIDExists  mp.ErrorCode = 45065 // 相同 clientmsgid 已存在群发记录
	CodeClientMsgIDTooFast mp.ErrorCode = 45066 // 相同 clientmsgid 重试速度过快，请间隔1分钟重试
	CodeClientMsgIDTooLong mp.ErrorCode = 45067 // clientmsgid 长度超过限制
	CodeInvalidTagID       mp.ErrorCode = 40152 // invalid tag id
	CodeTooFewOpenIDs      mp.ErrorCode = 40130 // 至少需要 2 个 openid
	CodeNoMassQuota        mp.ErrorCode = 45028 // 没有群发配额 (has no masssend quota)
)

// Service calls the mass-message APIs (群发) of one Official Account.
type Service struct {
	c *mp.Client
}

// New returns the mass-message service of client c.
func New(c *mp.Client) *Service { return &Service{c: c} }

var errNoClient = errors.New("mass: Service has no *mp.Client (use mass.New)")

func (s *Service) do(ctx context.Context, r *mp.Request, out any) error {
	if s == nil || s.c == nil {
		return errNoClient
	}
	return s.c.Do(ctx, r, out)
}

// SendResponse is the answer of a send: the mass message's id and, for
// article and image messages, msg_data_id for the article statistics
// (图文分析). Duplicate is set when WeChat refused the send with errcode
// 45065 because a send with the same clientmsgid exists within 24 hours:
// the message went out earlier, and MsgID is that earlier send's msg_id
// (WeChat returns it with the refusal; 0 if it did not). Query it with
// [Service.Status].
type SendResponse struct {
	ErrCode   int    `json:"errcode"`
	ErrMsg    string `json:"errmsg"`
	MsgID     int64  `json:"msg_id"`
	MsgDataID int64  `json:"msg_data_id,omitempty"`
	Duplicate bool   `json:"-"`
}

// Filter picks the recipients of [Service.SendAll]: everyone, or the
// followers carrying tag TagID.
type Filter struct {
	IsToAll bool  `json:"is_to_all"`
	TagID   int64 `json:"tag_id,omitempty"`
}

// ToAll is the filter of a send to every follower.
func ToAll() Filter { return Filter{IsToAll: true} }

// ToTag is the filter of a send to the followers tagged tagID.
func ToTag(tagID int64) Filter { return Filter{TagID: tagID} }

// SendAllRequest is a send to all followers or to a tag (根据标签进行群发).
type SendAllRequest struct {
	Filter  Filter
	Message Message
	// SendIgnoreReprint (send_ignore_reprint, articles only) goes on with
	// the send when the article is judged a reprint that its original
	// allows (1); by default (0) the send stops.
	SendIgnoreReprint bool
	// ClientMsgID (clientmsgid, at most 64 bytes) makes the send safe to
	// repeat: within 24 hours WeChat refuses a second send with the same
	// id. With it the call is retried on timeouts and 5xx answers, and a
	// refusal as duplicate is reported as SendResponse.Duplicate.
	ClientMsgID string
}

// sendBody is the wire form of both send endpoints.
type sendBody struct {
	Filter  *Filter  `json:"filter,omitempty"`
	ToUser  []string `json:"touser,omitempty"`
	Message          // msgtype and the payload, inline
	// SendIgnoreReprint is sent for articles only, as in the documented
	// samples.
	SendIgnoreReprint *int   `json:"send_ignore_reprint,omitempty"`
	ClientMsgID       string `json:"clientmsgid,omitempty"`
}

func newSendBody(m Message, ignoreReprint bool, clientMsgID string) sendBody {
	b := sendBody{Message: m, ClientMsgID: clientMsgID}
	if m.MsgType == TypeMPNews {
		v := b2i(ignoreReprint)
		b.SendIgnoreReprint = &v
	}
	return b
}

// SendAll sends a message to all followers or to a tag (根据标签进行群发,
// POST /cgi-bin/message/mass/sendall). Sending to all followers may need
// an administrator's confirmation when API 群发保护 is on.
func (s *Service) SendAll(ctx context.Context, req *SendAllRequest) (*SendResponse, error) {
	const op = "mass.SendAll"
	if req == nil {
		return nil, &mp.ValidationError{Op: op, Reason: "nil request"}
	}
	if err := req.Message.validate(op); err != nil {
		return nil, err
	}
	switch f := req.Filter; {
	case f.IsToAll && f.TagID != 0:
		return nil, &mp.ValidationError{Op: op, Field: "filter", Reason: "set is_to_all or tag_id, not both"}
	case !f.IsToAll && f.TagID <= 0:
		return nil, &mp.ValidationError{Op: op, Field: "filter.tag_id",
			Reason: "set is_to_all (mass.ToAll()) or a positive tag_id (mass.ToTag(id))"}
	}
	if err := checkClientMsgID(op, req.ClientMsgID, 0); err != nil {
		return nil, err
	}
	body := newSendBody(req.Message, req.SendIgnoreReprint, req.ClientMsgID)
	f := req.Filter
	body.Filter = &f
	return s.send(ctx, pathSendAll, body)
}

// send posts one send and turns a 45065 refusal into a Duplicate answer
// carrying the msg_id of the existing send (返回已存在的群发msgid).
func (s *Service) send(ctx context.Context, path string, body sendBody) (*SendResponse, error) {
	var out SendResponse
	err := s.do(ctx, &mp.Request{Method: "POST", Path: path, Body: body, Idempotent: body.ClientMsgID != ""}, &out)
	if body.ClientMsgID != "" && mp.IsCode(err, CodeClientMsgIDExists) {
		dup := &SendResponse{ErrCode: int(CodeClientMsgIDExists), Duplicate: true}
		var apiErr *mp.APIError
		if errors.As(err, &apiErr) {
			dup.ErrMsg = apiErr.Message
			var existing struct {
				MsgID     json.Number `json:"msg_id"`
				MsgDataID json.Number `json:"msg_data_id"`
			}
			if json.Unmarshal(apiErr.Raw, &existing) == nil {
				dup.MsgID, _ = existing.MsgID.Int64()
				dup.MsgDataID, _ = existing.MsgDataID.Int64()
			}
		}
		return dup, nil
	}
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// checkClientMsgID checks that id, and the per-chunk ids derived from it
// when chunks > 1, fit the 64-byte limit.
func checkClientMsgID(op, id string, chunks int) error {
	if id == "" {
		return nil
	}
	n := len(id)
	if chunks > 1 {
		n += 1 + len(strconv.Itoa(chunks))
	}
	if n > MaxClientMsgIDSize {
		reason := fmt.Sprintf("clientmsgid is %d bytes, the limit is %d", len(id), MaxClientMsgIDSize)
		if chunks > 1 {
			reason = fmt.Sprintf("clientmsgid %q with its chunk suffix is %d bytes (%d chunks), the limit is %d",
				id, n, chunks, MaxClientMsgIDSize)
		}
		return &mp.ValidationError{Op: op, Field: "clientmsgid", Reason: reason}
	}
	return nil
}

// SendRequest is a send to a list of followers (根据OpenID列表群发).
type SendRequest struct {
	// ToUser lists the recipients' OpenIDs, any number of them but at
	// least two distinct ones. Repeated OpenIDs are sent to once.
	ToUser            []string
	Message           Message
	SendIgnoreReprint bool // see SendAllRequest.SendIgnoreReprint
	// ClientMsgID makes the send safe to repeat (see
	// SendAllRequest.ClientMsgID). When the list takes several calls,
	// call n (1-based) uses ClientMsgID + "-" + n; the whole id must fit in
	// 64 bytes.
	ClientMsgID string
}

// ChunkResult is the outcome of one call of a chunked send: the OpenIDs
// ToUser[Offset:Offset+Count] of the de-duplicated list, the clientmsgid
// used, and WeChat's answer.
type ChunkResult struct {
	Offset, Count int
	ClientMsgID   string
	SendResponse
}

// SendResult lists the calls of [Service.Send] that succeeded, in order.
type SendResult struct {
	Chunks []ChunkResult
}

// Send sends a message to a list of OpenIDs of any length (根据OpenID列表群发,
// POST /cgi-bin/message/mass/send). WeChat takes 2 to 10000 OpenIDs per
// call, so the de-duplicated list is split into k = ceil(n/10000) calls of
// nearly equal size (they differ by at most one): every call is within the
// limits and a remainder of one OpenID is never left alone — 10001
// OpenIDs go out as 5001 + 5000. Calls are made in order and stop at the
// first failure; the result then lists the calls that succeeded, and the
// error is returned with it.
//
// With a ClientMsgID each call carries its own id (see
// [SendRequest.ClientMsgID]) and a call refused as a duplicate (45065)
// counts as sent, so repeating a failed Send with the same request within
// 24 hours sends only what is left.
func (s *Service) Send(ctx context.Context, req *SendRequest) (*SendResult, error) {
	const op = "mass.Send"
	if req == nil {
		return nil, &mp.ValidationError{Op: op, Reason: "nil request"}
	}
	if err := req.Message.validate(op); err != nil {
		return nil, err
	}
	users, err := dedupe(op, req.ToUser)
	if err != nil {
		return nil, err
	}
	if len(users) < MinOpenIDsPerCall {
		return nil, &mp.ValidationError{Op: op, Field: "touser",
			Reason: fmt.Sprintf("a mass send needs at least %d distinct OpenIDs, got %d (use the customer-service message API for one user)",
				MinOpenIDsPerCall, len(users))}
	}
	bounds := chunkBounds(len(users), MaxOpenIDsPerCall)
	if err := checkClientMsgID(op, req.ClientMsgID, len(bounds)); err != nil {
		return nil, err
	}
	res := &SendResult{Chunks: make([]ChunkResult, 0, len(bounds))}
	for i, bd := range bounds {
		id := req.ClientMsgID
		if id != "" && len(bounds) > 1 {
			id += "-" + strconv.Itoa(i+1)
		}
		body := newSendBody(req.Message, req.SendIgnoreReprint, id)
		body.ToUser = users[bd[0]:bd[1]]
		out, err := s.send(ctx, pathSend, body)
		if err != nil {
			return res, fmt.Errorf("mass.Send: call %d of %d (OpenIDs %d to %d): %w", i+1, len(bounds), bd[0], bd[1]-1, err)
		}
		res.Chunks = append(res.Chunks, ChunkResult{Offset: bd[0], Count: bd[1] - bd[0], ClientMsgID: id, SendResponse: *out})
	}
	return res, nil
}

// dedupe drops repeated OpenIDs, keeping the first occurrence's position,
// and refuses empty ones.
func dedupe(op string, ids []string) ([]string, error) {
	seen := make(map[string]struct{}, len(ids))
	out := make([]string, 0, len(ids))
	for i, id := range ids {
		if id == "" {
			return nil, &mp.ValidationError{Op: op, Field: fmt.Sprintf("touser[%d]", i), Reason: "empty OpenID"}
		}
		if _, dup := seen[id]; dup {
			continue
		}
		seen[id] = struct{}{}
		out = append(out, id)
	}
	return out, nil
}

// chunkBounds splits n items into ceil(n/max) half-open ranges whose sizes
// differ by at most one (the first n%k ranges hold one more).
func chunkBounds(n, max int) [][2]int {
	if n <= 0 {
		return nil
	}
	k := (n + max - 1) / max
	size, extra := n/k, n%k
	out := make([][2]int, k)
	start := 0
	for i := range out {
		end := start + size
		if i < extra {
			end++
		}
		out[i] = [2]int{start, end}
		start = end
	}
	return out
}
