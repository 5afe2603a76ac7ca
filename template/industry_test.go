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

func TestSetIndustry(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	called := false
	srv.Reply("POST", "/cgi-bin/template/api_set_industry", "ok.json", func(t testing.TB, r *http.Request, body []byte) {
		called = true
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEqFixture(t, "set_industry_request.json", body)
	})
	require.NoError(t, template.New(c).SetIndustry(context.Background(), "1", "4"))
	assert.True(t, called)
}

func TestGetIndustry(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("GET", "/cgi-bin/template/get_industry", "get_industry.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		assert.Empty(t, body)
	})
	got, err := template.New(c).GetIndustry(context.Background())
	require.NoError(t, err)
	assert.Equal(t, &template.Industry{
		PrimaryIndustry:   template.IndustryClass{FirstClass: "运输与仓储", SecondClass: "快递"},
		SecondaryIndustry: template.IndustryClass{FirstClass: "IT科技", SecondClass: "互联网|电子商务"},
	}, got)
}

func TestIndustryErrors(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Handle("POST", "/cgi-bin/template/api_set_industry", func(w http.ResponseWriter, r *http.Request) {
		mptest.ErrorJSON(w, 43100, "change template too frequently")
	})
	srv.Handle("GET", "/cgi-bin/template/get_industry", func(w http.ResponseWriter, r *http.Request) {
		mptest.ErrorJSON(w, 48001, "api unauthorized")
	})
	s := template.New(c)
	assert.True(t, mp.IsCode(s.SetIndustry(context.Background(), "1", "4"), 43100))
	_, err := s.GetIndustry(context.Background())
	assert.True(t, mp.IsCode(err, mp.CodeAPIUnauthorized))

	var ve *mp.ValidationError
	assert.True(t, errors.As(s.SetIndustry(context.Background(), "", "4"), &ve))
	assert.Equal(t, "industry_id1", ve.Field)
	assert.True(t, errors.As(s.SetIndustry(context.Background(), "1", ""), &ve))
	assert.Equal(t, "industry_id2", ve.Field)
}
