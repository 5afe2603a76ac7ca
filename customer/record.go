package customer

import (
	"context"
	"fmt"
	"iter"
	"strconv"
	"time"

	"github.com/wxkit/mp"
)

const pathMsgList = "/customservice/msgrecord/getmsglist"

// Limits of 获取聊天记录.
const (
	// MaxRecordNumber is the most records one call returns (每次获取条数, 最多10000条).
	MaxRecordNumber = 10000
	// MaxRecordPeriod is the longest period one query covers (每次查询时段不能超过24小时).
	MaxRecordPeriod = 24 * time.Hour
)

// Operation codes of [MsgRecord].
const (
	OperSend    = 2002 // the account sent the message (客服发送信息)
	OperReceive = 2003 // the account received the message (客服接收消息)
)

// MsgListRequest is the body of [Service.GetMsgList].
type MsgListRequest struct {
	StartTime int64 `json:"starttime"` // Unix seconds
	EndTime   int64 `json:"endtime"`   // Unix seconds, at most 24 hours after StartTime
	MsgID     int64 `json:"msgid"`     // first message id, from 1
	Number    int   `json:"number"`    // records per call, 1 to 10000
}

// MsgRecord is one chat record. Images, voice and video show as the text
// "[image]", "[voice]" and "[video]".
type MsgRecord struct {
	OpenID   string `json:"openid"`
	OperCode int    `json:"opercode"` // OperSend or OperReceive
	Text     string `json:"text"`
	Time     int64  `json:"time"`   // Unix seconds
	Worker   string `json:"worker"` // the account, prefix@wechatid
}

// MsgList is one page of chat records. MsgID is where the next page starts.
type MsgList struct {
	RecordList []MsgRecord `json:"recordlist"`
	Number     int         `json:"number"`
	MsgID      int64       `json:"msgid"`
}

func (r *MsgListRequest) validate(op string) error {
	switch {
	case r.StartTime <= 0:
		return invalid(op, "starttime", "must be a positive Unix time")
	case r.EndTime < r.StartTime:
		return invalid(op, "endtime", "before starttime")
	case r.EndTime-r.StartTime > int64(MaxRecordPeriod/time.Second):
		return invalid(op, "endtime", "the period exceeds 24 hours")
	case r.MsgID < 1:
		return invalid(op, "msgid", "starts from 1")
	case r.Number < 1 || r.Number > MaxRecordNumber:
		return invalid(op, "number", "must be 1 to 10000, got "+strconv.Itoa(r.Number))
	}
	return nil
}

// GetMsgList returns one page of chat records through
// POST /customservice/msgrecord/getmsglist (获取聊天记录). The period may not
// exceed 24 hours and Number 10000. To read the next page, call again with
// MsgID set to the answer's MsgID; [Service.AllMsgRecords] does that for you.
func (s *Service) GetMsgList(ctx context.Context, req *MsgListRequest) (*MsgList, error) {
	if req == nil {
		return nil, invalid("customer.GetMsgList", "", "nil request")
	}
	if err := req.validate("customer.GetMsgList"); err != nil {
		return nil, err
	}
	var out MsgList
	if err := s.c.Do(ctx, &mp.Request{Method: "POST", Path: pathMsgList, Body: req, Idempotent: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// AllMsgRecords yields the chat records of [start, end] (at most 24 hours)
// page by page, pageSize records per call (0 means 10000). It keeps one page
// in memory, stops when the consumer stops, and on failure yields the error
// once and stops.
func (s *Service) AllMsgRecords(ctx context.Context, start, end time.Time, pageSize int) iter.Seq2[MsgRecord, error] {
	return func(yield func(MsgRecord, error) bool) {
		if pageSize == 0 {
			pageSize = MaxRecordNumber
		}
		req := MsgListRequest{StartTime: start.Unix(), EndTime: end.Unix(), MsgID: 1, Number: pageSize}
		for {
			page, err := s.GetMsgList(ctx, &req)
			if err != nil {
				yield(MsgRecord{}, err)
				return
			}
			for _, r := range page.RecordList {
				if !yield(r, nil) {
					return
				}
			}
			next, done, err := nextMsgID(req.MsgID, req.Number, page)
			if err != nil {
				yield(MsgRecord{}, err)
				return
			}
			if done {
				return
			}
			req.MsgID = next
		}
	}
}

// nextMsgID decides from a page whether more records follow and where: the
// answer's msgid starts the next page; a short or empty page is the last.
func nextMsgID(cur int64, asked int, page *MsgList) (next int64, done bool, err error) {
	n := len(page.RecordList)
	if n == 0 || n < asked || (page.Number > 0 && page.Number < asked) {
		return 0, true, nil
	}
	if page.MsgID <= cur {
		return 0, true, fmt.Errorf("customer: getmsglist cursor did not advance (msgid %d after %d)", page.MsgID, cur)
	}
	return page.MsgID, false, nil
}
