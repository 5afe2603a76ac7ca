package template_test

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/template"
)

func docMessage() *template.Message {
	return &template.Message{
		ToUser:      "OPENID",
		TemplateID:  "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY",
		URL:         "http://weixin.qq.com/download",
		MiniProgram: &template.MiniProgram{AppID: "xiaochengxuappid12345", PagePath: "index?foo=bar"},
		ClientMsgID: "MSG_000001",
		Data: template.Data{
			"keyword1": {Value: "巧克力"},
			"keyword2": {Value: "39.8元"},
			"keyword3": {Value: "2014年9月22日"},
		},
	}
}

func TestSend(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("POST", "/cgi-bin/message/template/send", "send.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEqFixture(t, "send_request.json", body)
	})
	res, err := template.New(c).Send(context.Background(), docMessage())
	require.NoError(t, err)
	assert.Equal(t, &template.SendResponse{MsgID: 200228332}, res)
}

func TestSendWireFormat(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("POST", "/cgi-bin/message/template/send", "send.json", func(t testing.TB, r *http.Request, body []byte) {
		assert.Equal(t, `{"touser":"OPENID","template_id":"T","url":"https://example.com/?a=1&b=<2>",`+
			`"data":{"amount2":{"value":"39.8元","color":"#173177"},"thing1":{"value":"<巧克力>"}}}`, string(body))
	})
	_, err := template.New(c).Send(context.Background(), &template.Message{
		ToUser: "OPENID", TemplateID: "T", URL: "https://example.com/?a=1&b=<2>",
		Data: template.Data{"thing1": {Value: "<巧克力>"}, "amount2": {Value: "39.8元", Color: "#173177"}},
	})
	require.NoError(t, err)
}

func TestSendNilDataIsEmptyObject(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("POST", "/cgi-bin/message/template/send", "send.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.JSONEq(t, `{"touser":"OPENID","template_id":"T","data":{}}`, body)
	})
	_, err := template.New(c).Send(context.Background(), &template.Message{ToUser: "OPENID", TemplateID: "T"})
	require.NoError(t, err)
}

func TestSendError(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Handle("POST", "/cgi-bin/message/template/send", func(w http.ResponseWriter, r *http.Request) {
		mptest.ErrorJSON(w, 40037, "invalid template_id")
	})
	_, err := template.New(c).Send(context.Background(), docMessage())
	var apiErr *mp.APIError
	require.True(t, errors.As(err, &apiErr))
	assert.Equal(t, mp.CodeInvalidTemplateID, apiErr.Code)
	assert.Equal(t, "/cgi-bin/message/template/send", apiErr.Path)
}

func TestSendRetriesOnlyWithClientMsgID(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		clientMsgID string
		wantCalls   int32
		wantErr     bool
	}{
		{"MSG_000001", 2, false}, // idempotent: retried after the 502
		{"", 1, true},            // not idempotent: a 502 may have delivered it
	} {
		srv, c := mptest.New(t)
		var calls atomic.Int32
		srv.Handle("POST", "/cgi-bin/message/template/send", func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) == 1 {
				http.Error(w, "bad gateway", http.StatusBadGateway)
				return
			}
			_, _ = w.Write(mptest.Fixture(t, "send.json"))
		})
		msg := docMessage()
		msg.ClientMsgID = tc.clientMsgID
		_, err := template.New(c).Send(context.Background(), msg)
		assert.Equal(t, tc.wantErr, err != nil, "client_msg_id %q: %v", tc.clientMsgID, err)
		assert.Equal(t, tc.wantCalls, calls.Load(), "client_msg_id %q", tc.clientMsgID)
	}
}

func TestSendValidation(t *testing.T) {
	t.Parallel()
	_, c := mptest.New(t)
	s := template.New(c)
	cases := []struct {
		msg   *template.Message
		field string
	}{
		{nil, ""},
		{&template.Message{TemplateID: "T"}, "touser"},
		{&template.Message{ToUser: "O"}, "template_id"},
		{&template.Message{ToUser: "O", TemplateID: "T", MiniProgram: &template.MiniProgram{PagePath: "p"}}, "miniprogram.appid"},
		{&template.Message{ToUser: "O", TemplateID: "T", Data: template.Data{"": {Value: "x"}}}, "data"},
		{&template.Message{ToUser: "O", TemplateID: "T", Data: template.Data{"{{x}}": {Value: "x"}}}, "data"},
		{&template.Message{ToUser: "O", TemplateID: "T", Data: template.Data{"\xff": {Value: "x"}}}, "data"},
	}
	for i, tc := range cases {
		_, err := s.Send(context.Background(), tc.msg)
		var ve *mp.ValidationError
		if assert.True(t, errors.As(err, &ve), "case %d: %v", i, err) {
			assert.Equal(t, "template.Send", ve.Op)
			assert.Equal(t, tc.field, ve.Field, "case %d", i)
		}
	}
}

func TestNewData(t *testing.T) {
	t.Parallel()
	d, err := template.NewData("thing1", "巧克力", "amount2", "39.8元")
	require.NoError(t, err)
	assert.Equal(t, template.Data{"thing1": {Value: "巧克力"}, "amount2": {Value: "39.8元"}}, d)
	_, err = template.NewData("thing1")
	assert.Error(t, err)
	_, err = template.NewData("", "x")
	assert.Error(t, err)
	_, err = template.NewData("a", "1", "a", "2")
	assert.Error(t, err)
	d, err = template.NewData()
	require.NoError(t, err)
	assert.Empty(t, d)
}

func TestParseKeysAndCheckData(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []string{"thing1", "amount2"}, template.ParseKeys("名称:{{thing1.DATA}}\n金额:{{amount2.DATA}}\n再次:{{thing1.DATA}}"))
	assert.Equal(t, []string{"result", "withdrawMoney"}, template.ParseKeys("{ {result.DATA} }\n领奖金额:{ {withdrawMoney.DATA} }"))
	assert.Empty(t, template.ParseKeys("no placeholders .DATA {{.DATA}} {x.DATA}} {{y.DATA} {{z.DATAx}}"))
	assert.Nil(t, template.ParseKeys(""))

	content := "{{first.DATA}} {{keyword1.DATA}} {{remark.DATA}}"
	assert.NoError(t, template.CheckData(content, template.Data{"first": {}, "keyword1": {}, "remark": {}, "extra": {}}))
	err := template.CheckData(content, template.Data{"keyword1": {}})
	var ve *mp.ValidationError
	require.True(t, errors.As(err, &ve))
	assert.Equal(t, "missing keywords first, remark", ve.Reason)
}
