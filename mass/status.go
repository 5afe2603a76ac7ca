package mass

import (
	"context"

	"github.com/wxkit/mp"
)

// Mass message states (msg_status).
const (
	StatusSendSuccess = "SEND_SUCCESS" // 发送成功
	StatusSending     = "SENDING"      // 发送中
	StatusSendFail    = "SEND_FAIL"    // 发送失败
	StatusDelete      = "DELETE"       // 已删除
)

// Status is the state of a mass message (查询群发消息发送状态).
type Status struct {
	MsgID     int64  `json:"msg_id"`
	MsgStatus string `json:"msg_status"` // StatusSendSuccess, StatusSending, StatusSendFail or StatusDelete
}

// Status returns the state of the mass message msgID (查询群发消息发送状态,
// POST /cgi-bin/message/mass/get).
func (s *Service) Status(ctx context.Context, msgID int64) (*Status, error) {
	if msgID <= 0 {
		return nil, &mp.ValidationError{Op: "mass.Status", Field: "msg_id", Reason: "msg_id must be positive"}
	}
	body := struct {
		MsgID int64 `json:"msg_id,string"` // a string in the documented sample
	}{msgID}
	var out Status
	if err := s.do(ctx, &mp.Request{Method: "POST", Path: pathGet, Body: body, Idempotent: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteRequest deletes a sent mass message (删除群发): the message MsgID
// or, without one, the article at URL. ArticleIdx picks one article of a
// multi-article message (1 is the first); 0 deletes them all.
type DeleteRequest struct {
	MsgID      int64  `json:"msg_id,omitempty"`
	ArticleIdx int    `json:"article_idx,omitempty"`
	URL        string `json:"url,omitempty"`
}

// Delete deletes a sent mass message (删除群发, POST
// /cgi-bin/message/mass/delete). Only articles and videos that were sent
// successfully can be deleted: the article page stops working, but users
// who received the message keep its card. Deleting an article that several
// sends used deletes it for all of them.
func (s *Service) Delete(ctx context.Context, req *DeleteRequest) error {
	const op = "mass.Delete"
	switch {
	case req == nil:
		return &mp.ValidationError{Op: op, Reason: "nil request"}
	case req.MsgID < 0:
		return &mp.ValidationError{Op: op, Field: "msg_id", Reason: "msg_id must be positive"}
	case req.MsgID == 0 && req.URL == "":
		return &mp.ValidationError{Op: op, Field: "msg_id", Reason: "set msg_id or url"}
	case req.ArticleIdx < 0:
		return &mp.ValidationError{Op: op, Field: "article_idx", Reason: "article_idx is 0 (all) or the 1-based position of the article"}
	}
	return s.do(ctx, &mp.Request{Method: "POST", Path: pathDelete, Body: req}, nil)
}
