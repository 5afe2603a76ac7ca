package customer_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/customer"
	"github.com/wxkit/mp/internal/mptest"
)

func TestGetMsgList(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("POST", "/customservice/msgrecord/getmsglist", "getmsglist.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEqFixture(t, "getmsglist_request.json", body)
	})
	got, err := customer.New(c).GetMsgList(context.Background(),
		&customer.MsgListRequest{StartTime: 987654321, EndTime: 987654321, MsgID: 1, Number: 10000})
	require.NoError(t, err)
	assert.Equal(t, &customer.MsgList{
		RecordList: []customer.MsgRecord{
			{OpenID: "oDF3iY9WMaswOPWjCIp_f3Bnpljk", OperCode: customer.OperSend, Text: " 您好，客服test1为您服务。", Time: 1400563710, Worker: "test1@test"},
			{OpenID: "oDF3iY9WMaswOPWjCIp_f3Bnpljk", OperCode: customer.OperReceive, Text: "你好，有什么事情？", Time: 1400563731, Worker: "test1@test"},
		},
		Number: 2, MsgID: 20165267,
	}, got)
}

func TestGetMsgListError(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Handle("POST", "/customservice/msgrecord/getmsglist", func(w http.ResponseWriter, r *http.Request) {
		mptest.ErrorJSON(w, 65417, "time range exceeds limit")
	})
	_, err := customer.New(c).GetMsgList(context.Background(),
		&customer.MsgListRequest{StartTime: 1, EndTime: 2, MsgID: 1, Number: 10})
	var apiErr *mp.APIError
	require.True(t, errors.As(err, &apiErr))
	assert.Equal(t, mp.ErrorCode(65417), apiErr.Code)
}

func TestGetMsgListRetriedAsQuery(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	var calls atomic.Int32
	srv.Handle("POST", "/customservice/msgrecord/getmsglist", func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write(mptest.Fixture(t, "getmsglist.json"))
	})
	_, err := customer.New(c).GetMsgList(context.Background(),
		&customer.MsgListRequest{StartTime: 1, EndTime: 2, MsgID: 1, Number: 10})
	require.NoError(t, err)
	assert.Equal(t, int32(2), calls.Load())
}

func TestGetMsgListValidation(t *testing.T) {
	t.Parallel()
	_, c := mptest.New(t)
	s := customer.New(c)
	day := int64(24 * 3600)
	cases := []struct {
		req   *customer.MsgListRequest
		field string
	}{
		{nil, ""},
		{&customer.MsgListRequest{StartTime: 0, EndTime: 10, MsgID: 1, Number: 1}, "starttime"},
		{&customer.MsgListRequest{StartTime: 10, EndTime: 9, MsgID: 1, Number: 1}, "endtime"},
		{&customer.MsgListRequest{StartTime: 10, EndTime: 10 + day + 1, MsgID: 1, Number: 1}, "endtime"},
		{&customer.MsgListRequest{StartTime: 10, EndTime: 11, MsgID: 0, Number: 1}, "msgid"},
		{&customer.MsgListRequest{StartTime: 10, EndTime: 11, MsgID: 1, Number: 0}, "number"},
		{&customer.MsgListRequest{StartTime: 10, EndTime: 11, MsgID: 1, Number: 10001}, "number"},
	}
	for i, tc := range cases {
		_, err := s.GetMsgList(context.Background(), tc.req)
		var ve *mp.ValidationError
		if assert.True(t, errors.As(err, &ve), "case %d: %v", i, err) {
			assert.Equal(t, tc.field, ve.Field, "case %d", i)
		}
	}
}

// recordServer answers getmsglist from a store of total records, with ids
// 1..total, returning as msgid the id after the last record sent.
func recordServer(t *testing.T, total int) (*mptest.Server, *customer.Service, *[]customer.MsgListRequest) {
	srv, c := mptest.New(t)
	var reqs []customer.MsgListRequest
	srv.Handle("POST", "/customservice/msgrecord/getmsglist", func(w http.ResponseWriter, r *http.Request) {
		var req customer.MsgListRequest
		if !assert.NoError(t, json.NewDecoder(r.Body).Decode(&req)) {
			return
		}
		reqs = append(reqs, req)
		var page customer.MsgList
		id := req.MsgID
		for ; id <= int64(total) && len(page.RecordList) < req.Number; id++ {
			page.RecordList = append(page.RecordList, customer.MsgRecord{OpenID: "o", OperCode: 2002, Text: fmt.Sprint(id), Time: req.StartTime, Worker: "a@b"})
		}
		page.Number = len(page.RecordList)
		page.MsgID = id
		_ = json.NewEncoder(w).Encode(page)
	})
	return srv, customer.New(c), &reqs
}

func TestAllMsgRecords(t *testing.T) {
	t.Parallel()
	_, s, reqs := recordServer(t, 7)
	start := time.Unix(1464710400, 0)
	var texts []string
	for r, err := range s.AllMsgRecords(context.Background(), start, start.Add(24*time.Hour), 3) {
		require.NoError(t, err)
		texts = append(texts, r.Text)
	}
	assert.Equal(t, []string{"1", "2", "3", "4", "5", "6", "7"}, texts)
	assert.Equal(t, []customer.MsgListRequest{
		{StartTime: 1464710400, EndTime: 1464796800, MsgID: 1, Number: 3},
		{StartTime: 1464710400, EndTime: 1464796800, MsgID: 4, Number: 3},
		{StartTime: 1464710400, EndTime: 1464796800, MsgID: 7, Number: 3},
	}, *reqs)
}

func TestAllMsgRecordsExactPages(t *testing.T) {
	t.Parallel()
	_, s, reqs := recordServer(t, 6)
	start := time.Unix(1464710400, 0)
	n := 0
	for _, err := range s.AllMsgRecords(context.Background(), start, start.Add(time.Hour), 3) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 6, n)
	assert.Len(t, *reqs, 3, "the third, empty page ends the walk")
}

func TestAllMsgRecordsStopsWhenConsumerStops(t *testing.T) {
	t.Parallel()
	_, s, reqs := recordServer(t, 100)
	start := time.Unix(1464710400, 0)
	n := 0
	for range s.AllMsgRecords(context.Background(), start, start.Add(time.Hour), 10) {
		n++
		if n == 12 {
			break
		}
	}
	assert.Equal(t, 12, n)
	assert.Len(t, *reqs, 2)
}

func TestAllMsgRecordsError(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	var calls atomic.Int32
	srv.Handle("POST", "/customservice/msgrecord/getmsglist", func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			_, _ = w.Write([]byte(`{"recordlist":[{"openid":"o","opercode":2002,"text":"a","time":1,"worker":"a@b"}],"number":1,"msgid":5}`))
			return
		}
		mptest.ErrorJSON(w, 65416, "invalid parameter")
	})
	start := time.Unix(1464710400, 0)
	var got []string
	var errs []error
	for r, err := range customer.New(c).AllMsgRecords(context.Background(), start, start.Add(time.Hour), 1) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, r.Text)
	}
	assert.Equal(t, []string{"a"}, got)
	require.Len(t, errs, 1, "the error is yielded once")
	assert.True(t, mp.IsCode(errs[0], 65416))
}

func TestAllMsgRecordsCursorStuck(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Handle("POST", "/customservice/msgrecord/getmsglist", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"recordlist":[{"openid":"o","opercode":2002,"text":"a","time":1,"worker":"a@b"}],"number":1,"msgid":1}`))
	})
	start := time.Unix(1464710400, 0)
	var errs []error
	for _, err := range customer.New(c).AllMsgRecords(context.Background(), start, start.Add(time.Hour), 1) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Error(), "did not advance")
}

func TestAllMsgRecordsValidation(t *testing.T) {
	t.Parallel()
	_, c := mptest.New(t)
	start := time.Unix(1464710400, 0)
	for _, err := range customer.New(c).AllMsgRecords(context.Background(), start, start.Add(25*time.Hour), 0) {
		var ve *mp.ValidationError
		require.True(t, errors.As(err, &ve))
		assert.Equal(t, "endtime", ve.Field)
	}
}
