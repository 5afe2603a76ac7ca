package template_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/template"
)

func TestSendSubscribe(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	called := false
	srv.Reply("POST", "/cgi-bin/message/subscribe/bizsend", "ok.json", func(t testing.TB, r *http.Request, body []byte) {
		called = true
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEqFixture(t, "bizsend_request.json", body)
	})
	err := template.New(c).SendSubscribe(context.Background(), &template.SubscribeMessage{
		ToUser: "OPENID", TemplateID: "TEMPLATEID", Page: "mp.weixin.qq.com",
		MiniProgram: &template.MiniProgram{AppID: "APPID", PagePath: "index?foo=bar"},
		Data: template.SubscribeData{
			"name1":  "广州腾讯科技有限公司",
			"thing8": "广州腾讯科技有限公司",
			"time7":  "2019年8月8日",
		},
	})
	require.NoError(t, err)
	assert.True(t, called)
}

func TestSendSubscribeError(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Handle("POST", "/cgi-bin/message/subscribe/bizsend", func(w http.ResponseWriter, r *http.Request) {
		mptest.ErrorJSON(w, 43101, "user refuse to accept the msg")
	})
	err := template.New(c).SendSubscribe(context.Background(), &template.SubscribeMessage{
		ToUser: "OPENID", TemplateID: "T", Data: template.SubscribeData{"thing1": "x"}})
	var apiErr *mp.APIError
	require.True(t, errors.As(err, &apiErr))
	assert.Equal(t, mp.ErrorCode(43101), apiErr.Code)
}

func TestSubscribeDataJSON(t *testing.T) {
	t.Parallel()
	b, err := mp.MarshalJSON(template.SubscribeData{"thing1": "<a&b>", "amount2": "¥1.00"})
	require.NoError(t, err)
	assert.Equal(t, `{"amount2":{"value":"¥1.00"},"thing1":{"value":"<a&b>"}}`, string(b))
	b, err = json.Marshal(template.SubscribeData{})
	require.NoError(t, err)
	assert.Equal(t, `{}`, string(b))
}

func TestSendSubscribeValidation(t *testing.T) {
	t.Parallel()
	_, c := mptest.New(t)
	s := template.New(c)
	ok := func(d template.SubscribeData) *template.SubscribeMessage {
		return &template.SubscribeMessage{ToUser: "O", TemplateID: "T", Data: d}
	}
	cases := []struct {
		msg   *template.SubscribeMessage
		field string
	}{
		{nil, ""},
		{&template.SubscribeMessage{TemplateID: "T", Data: template.SubscribeData{"thing1": "x"}}, "touser"},
		{&template.SubscribeMessage{ToUser: "O", Data: template.SubscribeData{"thing1": "x"}}, "template_id"},
		{ok(nil), "data"},
		{&template.SubscribeMessage{ToUser: "O", TemplateID: "T", Data: template.SubscribeData{"thing1": "x"},
			MiniProgram: &template.MiniProgram{}}, "miniprogram.appid"},
		{ok(template.SubscribeData{"": "x"}), "data"},
		{ok(template.SubscribeData{"thing1": ""}), "data.thing1.value"},
		{ok(template.SubscribeData{"thing1": "\xff"}), "data.thing1.value"},
		{ok(template.SubscribeData{"\xff": "x"}), "data"},
	}
	// Every documented length limit, one character over.
	for typ, max := range map[string]int{"thing": 20, "number": 32, "letter": 32, "symbol": 5,
		"character_string": 32, "phone_number": 17, "car_number": 8, "name": 20, "phrase": 5} {
		key := typ + "3"
		n, has := template.SubscribeValueLimit(key)
		require.True(t, has, key)
		require.Equal(t, max, n, key)
		cases = append(cases, struct {
			msg   *template.SubscribeMessage
			field string
		}{ok(template.SubscribeData{key: strings.Repeat("测", max+1)}), "data." + key + ".value"})
	}
	for i, tc := range cases {
		err := s.SendSubscribe(context.Background(), tc.msg)
		var ve *mp.ValidationError
		if assert.True(t, errors.As(err, &ve), "case %d: %v", i, err) {
			assert.Equal(t, "template.SendSubscribe", ve.Op)
			assert.Equal(t, tc.field, ve.Field, "case %d", i)
		}
	}
	_, has := template.SubscribeValueLimit("time2")
	assert.False(t, has)
}

func TestSendSubscribeAtLimits(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("POST", "/cgi-bin/message/subscribe/bizsend", "ok.json", nil)
	err := template.New(c).SendSubscribe(context.Background(), &template.SubscribeMessage{
		ToUser: "O", TemplateID: "T", Data: template.SubscribeData{
			"thing1":  strings.Repeat("字", 20),
			"phrase2": "配送中已完成",
			"time3":   strings.Repeat("9", 100), // no length rule
		}})
	var ve *mp.ValidationError
	require.True(t, errors.As(err, &ve), "phrase2 is 6 characters")
	assert.Equal(t, "data.phrase2.value", ve.Field)

	err = template.New(c).SendSubscribe(context.Background(), &template.SubscribeMessage{
		ToUser: "O", TemplateID: "T", Data: template.SubscribeData{
			"thing1":  strings.Repeat("字", 20),
			"phrase2": "配送中",
			"time3":   strings.Repeat("9", 100),
		}})
	assert.NoError(t, err)
}

func TestAddSubscribeTemplate(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("POST", "/wxaapi/newtmpl/addtemplate", "addtemplate.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEqFixture(t, "addtemplate_request.json", body)
	})
	got, err := template.New(c).AddSubscribeTemplate(context.Background(),
		&template.AddSubscribeTemplateRequest{TID: "401", KIDList: []int{1, 2}, SceneDesc: "测试数据"})
	require.NoError(t, err)
	assert.Equal(t, "9Aw5ZV1j9xdWTFEkqCpZ7jWySL7aGN6rQom4gXINfJs", got.PriTmplID)
}

func TestAddSubscribeTemplateValidation(t *testing.T) {
	t.Parallel()
	_, c := mptest.New(t)
	s := template.New(c)
	cases := []struct {
		req   *template.AddSubscribeTemplateRequest
		field string
	}{
		{nil, ""},
		{&template.AddSubscribeTemplateRequest{KIDList: []int{1, 2}, SceneDesc: "s"}, "tid"},
		{&template.AddSubscribeTemplateRequest{TID: "1", KIDList: []int{1}, SceneDesc: "s"}, "kidList"},
		{&template.AddSubscribeTemplateRequest{TID: "1", KIDList: []int{1, 2, 3, 4, 5, 6}, SceneDesc: "s"}, "kidList"},
		{&template.AddSubscribeTemplateRequest{TID: "1", KIDList: []int{1, 2}}, "sceneDesc"},
		{&template.AddSubscribeTemplateRequest{TID: "1", KIDList: []int{1, 2}, SceneDesc: strings.Repeat("描", 16)}, "sceneDesc"},
	}
	for i, tc := range cases {
		_, err := s.AddSubscribeTemplate(context.Background(), tc.req)
		var ve *mp.ValidationError
		if assert.True(t, errors.As(err, &ve), "case %d: %v", i, err) {
			assert.Equal(t, tc.field, ve.Field, "case %d", i)
		}
	}
}

func TestDeleteSubscribeTemplate(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("POST", "/wxaapi/newtmpl/deltemplate", "ok.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.JSONEqFixture(t, "deltemplate_request.json", body)
	})
	s := template.New(c)
	require.NoError(t, s.DeleteSubscribeTemplate(context.Background(), "wDYzYZVxobJivW9oMpSCpuvACOfJXQIoKUm0PY397Tc"))
	var ve *mp.ValidationError
	assert.True(t, errors.As(s.DeleteSubscribeTemplate(context.Background(), ""), &ve))
}

func TestListSubscribeTemplates(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("GET", "/wxaapi/newtmpl/gettemplate", "gettemplate.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
	})
	got, err := template.New(c).ListSubscribeTemplates(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []template.SubscribeTemplate{{
		PriTmplID: "9Aw5ZV1j9xdWTFEkqCpZ7mWySL7aGN6rQom4gXINfJs", Title: "报名结果通知",
		Content: "会议时间:{{date2.DATA}}\n会议地点:{{thing1.DATA}}\n", Example: "会议时间:2016年8月8日\n会议地点:TIT会议室\n",
		Type: template.TypeOneTime,
	}}, got.Data)
	assert.Equal(t, []string{"date2", "thing1"}, got.Data[0].Keys())
}

func TestSubscribeCategories(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("GET", "/wxaapi/newtmpl/getcategory", "getcategory.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
	})
	got, err := template.New(c).SubscribeCategories(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []template.Category{{ID: 616, Name: "公交"}}, got.Data)
}

func TestPubTemplateTitles(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("GET", "/wxaapi/newtmpl/getpubtemplatetitles", "getpubtemplatetitles.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{"ids": "2,616", "start": "0", "limit": "1"})
	})
	got, err := template.New(c).PubTemplateTitles(context.Background(), []int{2, 616}, 0, 1)
	require.NoError(t, err)
	assert.Equal(t, &template.PubTemplateTitleList{Count: 55, Data: []template.PubTemplateTitle{
		{TID: 99, Title: "付款成功通知", Type: template.TypeOneTime, CategoryID: "616"}}}, got)
	id, err := got.Data[0].CategoryID.Int64()
	require.NoError(t, err)
	assert.Equal(t, int64(616), id)
}

func TestPubTemplateTitlesValidation(t *testing.T) {
	t.Parallel()
	_, c := mptest.New(t)
	s := template.New(c)
	for i, tc := range []struct {
		ids          []int
		start, limit int
		field        string
	}{
		{nil, 0, 10, "ids"}, {[]int{1}, -1, 10, "start"}, {[]int{1}, 0, 0, "limit"}, {[]int{1}, 0, 31, "limit"},
	} {
		_, err := s.PubTemplateTitles(context.Background(), tc.ids, tc.start, tc.limit)
		var ve *mp.ValidationError
		if assert.True(t, errors.As(err, &ve), "case %d", i) {
			assert.Equal(t, tc.field, ve.Field, "case %d", i)
		}
	}
}

func TestAllPubTemplateTitles(t *testing.T) {
	t.Parallel()
	const total = 65
	srv, c := mptest.New(t)
	var starts []string
	srv.Handle("GET", "/wxaapi/newtmpl/getpubtemplatetitles", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		assert.Equal(t, "616", q.Get("ids"))
		assert.Equal(t, "30", q.Get("limit"))
		starts = append(starts, q.Get("start"))
		start, _ := strconv.Atoi(q.Get("start"))
		var items []string
		for i := start; i < total && i < start+30; i++ {
			items = append(items, fmt.Sprintf(`{"tid":%d,"title":"t%d","type":2,"categoryId":"616"}`, i, i))
		}
		fmt.Fprintf(w, `{"count":%d,"data":[%s],"errcode":0,"errmsg":"ok"}`, total, strings.Join(items, ","))
	})
	n := 0
	for title, err := range template.New(c).AllPubTemplateTitles(context.Background(), []int{616}) {
		require.NoError(t, err)
		assert.Equal(t, n, title.TID)
		n++
	}
	assert.Equal(t, total, n)
	assert.Equal(t, []string{"0", "30", "60"}, starts)
}

func TestAllPubTemplateTitlesBreakAndError(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	calls := 0
	srv.Handle("GET", "/wxaapi/newtmpl/getpubtemplatetitles", func(w http.ResponseWriter, r *http.Request) {
		calls++
		if r.URL.Query().Get("start") != "0" {
			mptest.ErrorJSON(w, 45009, "reach max api daily quota limit")
			return
		}
		var items []string
		for i := range 30 {
			items = append(items, fmt.Sprintf(`{"tid":%d,"title":"t","type":2,"categoryId":"1"}`, i))
		}
		fmt.Fprintf(w, `{"count":100,"data":[%s]}`, strings.Join(items, ","))
	})
	s := template.New(c)
	// Breaking early fetches no further page.
	for range s.AllPubTemplateTitles(context.Background(), []int{1}) {
		break
	}
	assert.Equal(t, 1, calls)
	// A failure is yielded once, after the first page.
	var errs []error
	n := 0
	for _, err := range s.AllPubTemplateTitles(context.Background(), []int{1}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	assert.Equal(t, 30, n)
	require.Len(t, errs, 1)
	assert.True(t, mp.IsCode(errs[0], mp.CodeQuotaExceeded))
}

func TestPubTemplateKeywords(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("GET", "/wxaapi/newtmpl/getpubtemplatekeywords", "getpubtemplatekeywords.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{"tid": "99"})
	})
	s := template.New(c)
	got, err := s.PubTemplateKeywords(context.Background(), "99")
	require.NoError(t, err)
	assert.Equal(t, &template.PubTemplateKeywordList{Count: 1, Data: []template.PubTemplateKeyword{
		{KID: 1, Name: "物品名称", Example: "名称", Rule: "thing"}}}, got)
	_, err = s.PubTemplateKeywords(context.Background(), "")
	var ve *mp.ValidationError
	assert.True(t, errors.As(err, &ve))
}

func TestNewTmplErrors(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	for _, p := range []string{"addtemplate", "deltemplate", "gettemplate", "getcategory", "getpubtemplatetitles", "getpubtemplatekeywords"} {
		srv.Handle("", "/wxaapi/newtmpl/"+p, func(w http.ResponseWriter, r *http.Request) {
			mptest.ErrorJSON(w, 200014, "template tid is invalid")
		})
	}
	s := template.New(c)
	ctx := context.Background()
	var errs []error
	_, err := s.AddSubscribeTemplate(ctx, &template.AddSubscribeTemplateRequest{TID: "1", KIDList: []int{1, 2}, SceneDesc: "s"})
	errs = append(errs, err, s.DeleteSubscribeTemplate(ctx, "x"))
	_, err = s.ListSubscribeTemplates(ctx)
	errs = append(errs, err)
	_, err = s.SubscribeCategories(ctx)
	errs = append(errs, err)
	_, err = s.PubTemplateTitles(ctx, []int{1}, 0, 30)
	errs = append(errs, err)
	_, err = s.PubTemplateKeywords(ctx, "1")
	errs = append(errs, err)
	for i, err := range errs {
		assert.True(t, mp.IsCode(err, 200014), "call %d: %v", i, err)
	}
}
