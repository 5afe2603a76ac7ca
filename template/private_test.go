package template_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/template"
)

func TestAddTemplate(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("POST", "/cgi-bin/template/api_add_template", "api_add_template.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEqFixture(t, "api_add_template_request.json", body)
	})
	got, err := template.New(c).AddTemplate(context.Background(), &template.AddTemplateRequest{
		TemplateIDShort: "47123", KeywordNameList: []string{"时间", "地点", "金额"}})
	require.NoError(t, err)
	assert.Equal(t, "Doclyl5uP7Aciu-qZ7mJNPtWkbkYnWBWVja26EGbNyk", got.TemplateID)
}

func TestAddIndustryTemplate(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("POST", "/cgi-bin/template/api_add_template", "api_add_template.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.JSONEq(t, `{"template_id_short":"TM00015"}`, body)
	})
	_, err := template.New(c).AddTemplate(context.Background(), &template.AddTemplateRequest{TemplateIDShort: "TM00015"})
	require.NoError(t, err)
}

func TestListTemplates(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("GET", "/cgi-bin/template/get_all_private_template", "get_all_private_template.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
	})
	got, err := template.New(c).ListTemplates(context.Background())
	require.NoError(t, err)
	require.Len(t, got.TemplateList, 1)
	tpl := got.TemplateList[0]
	assert.Equal(t, "iPk5sOIt5X_flOVKn5GrTFpncEYTojx6ddbt8WYoV5s", tpl.TemplateID)
	assert.Equal(t, "领取奖金提醒", tpl.Title)
	assert.Equal(t, "IT科技", tpl.PrimaryIndustry)
	assert.Equal(t, "互联网|电子商务", tpl.DeputyIndustry)
	assert.Contains(t, tpl.Example, "您已提交领奖申请")
	assert.Equal(t, []string{"result", "withdrawMoney", "withdrawTime", "cardInfo", "arrivedTime", "remark"}, tpl.Keys())
}

func TestDeleteTemplate(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	called := false
	srv.Reply("POST", "/cgi-bin/template/del_private_template", "ok.json", func(t testing.TB, r *http.Request, body []byte) {
		called = true
		mptest.JSONEqFixture(t, "del_private_template_request.json", body)
	})
	require.NoError(t, template.New(c).DeleteTemplate(context.Background(), "Dyvp3-Ff0cnail_CDSzk1fIc6-9lOkxsQE7exTJbwUE"))
	assert.True(t, called)
}

func TestPrivateTemplateErrors(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Handle("POST", "/cgi-bin/template/api_add_template", func(w http.ResponseWriter, r *http.Request) {
		mptest.ErrorJSON(w, 40246, "invalid keyword name list")
	})
	srv.Handle("GET", "/cgi-bin/template/get_all_private_template", func(w http.ResponseWriter, r *http.Request) {
		mptest.ErrorJSON(w, 45009, "reach max api daily quota limit")
	})
	srv.Handle("POST", "/cgi-bin/template/del_private_template", func(w http.ResponseWriter, r *http.Request) {
		mptest.ErrorJSON(w, 40037, "invalid template_id")
	})
	s := template.New(c)
	ctx := context.Background()
	_, err := s.AddTemplate(ctx, &template.AddTemplateRequest{TemplateIDShort: "47123", KeywordNameList: []string{"x"}})
	assert.True(t, mp.IsCode(err, 40246), "%v", err)
	_, err = s.ListTemplates(ctx)
	assert.True(t, mp.IsCode(err, mp.CodeQuotaExceeded))
	assert.True(t, mp.IsCode(s.DeleteTemplate(ctx, "x"), mp.CodeInvalidTemplateID))
}

func TestPrivateTemplateValidation(t *testing.T) {
	t.Parallel()
	_, c := mptest.New(t)
	s := template.New(c)
	ctx := context.Background()
	_, e1 := s.AddTemplate(ctx, nil)
	_, e2 := s.AddTemplate(ctx, &template.AddTemplateRequest{})
	_, e3 := s.AddTemplate(ctx, &template.AddTemplateRequest{TemplateIDShort: "1", KeywordNameList: []string{"a", ""}})
	e4 := s.DeleteTemplate(ctx, "")
	for i, tc := range []struct {
		err   error
		field string
	}{{e1, ""}, {e2, "template_id_short"}, {e3, "keyword_name_list"}, {e4, "template_id"}} {
		var ve *mp.ValidationError
		if assert.True(t, errors.As(tc.err, &ve), "case %d", i) {
			assert.Equal(t, tc.field, ve.Field, "case %d", i)
		}
	}
}
