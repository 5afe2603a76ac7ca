package menu_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/menu"
)

func TestAddConditional(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("POST", "/cgi-bin/menu/addconditional", "addconditional.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEqFixture(t, "addconditional_request.json", body)
	})
	id, err := menu.New(c).AddConditional(context.Background(), &menu.ConditionalMenu{
		Buttons:   docMenu(),
		MatchRule: menu.MatchRule{TagID: "2", ClientPlatformType: menu.PlatformAndroid},
		MenuID:    "ignored on create",
	})
	require.NoError(t, err)
	assert.Equal(t, menu.MenuID("208379533"), id)
}

func TestAddConditionalNotRetriedAfter5xx(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	var calls atomic.Int32
	srv.Handle("POST", "/cgi-bin/menu/addconditional", func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		http.Error(w, "bad gateway", http.StatusBadGateway)
	})
	_, err := menu.New(c).AddConditional(context.Background(), &menu.ConditionalMenu{
		Buttons: docMenu(), MatchRule: menu.MatchRule{TagID: "100"}})
	var he *mp.HTTPError
	require.ErrorAs(t, err, &he)
	assert.EqualValues(t, 1, calls.Load(), "a second call could create a second menu")
}

func TestAddConditionalValidation(t *testing.T) {
	t.Parallel()
	_, c := mptest.New(t) // no handler: any request fails the test
	s := menu.New(c)
	cases := []struct {
		name  string
		m     *menu.ConditionalMenu
		field string
	}{
		{"nil", nil, ""},
		{"no buttons", &menu.ConditionalMenu{MatchRule: menu.MatchRule{TagID: "2"}}, "button"},
		{"empty rule", &menu.ConditionalMenu{Buttons: docMenu()}, "matchrule"},
		{"sex", &menu.ConditionalMenu{Buttons: docMenu(), MatchRule: menu.MatchRule{TagID: "2", Sex: "1"}}, "matchrule.sex"},
		{"country", &menu.ConditionalMenu{Buttons: docMenu(), MatchRule: menu.MatchRule{Country: "中国"}}, "matchrule.country"},
		{"province", &menu.ConditionalMenu{Buttons: docMenu(), MatchRule: menu.MatchRule{Province: "广东"}}, "matchrule.province"},
		{"city", &menu.ConditionalMenu{Buttons: docMenu(), MatchRule: menu.MatchRule{City: "广州"}}, "matchrule.city"},
		{"language", &menu.ConditionalMenu{Buttons: docMenu(), MatchRule: menu.MatchRule{Language: "zh_CN"}}, "matchrule.language"},
		{"group_id", &menu.ConditionalMenu{Buttons: docMenu(), MatchRule: menu.MatchRule{GroupID: "2"}}, "matchrule.group_id"},
		{"platform", &menu.ConditionalMenu{Buttons: docMenu(), MatchRule: menu.MatchRule{ClientPlatformType: "4"}}, "matchrule.client_platform_type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := s.AddConditional(context.Background(), tc.m)
			var ve *mp.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, "menu.AddConditional", ve.Op)
			assert.Equal(t, tc.field, ve.Field)
		})
	}
}

func TestDeleteConditional(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("POST", "/cgi-bin/menu/delconditional", "ok.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEq(t, `{"menuid":"208379533"}`, body)
	})
	require.NoError(t, menu.New(c).DeleteConditional(context.Background(), "208379533"))

	var ve *mp.ValidationError
	require.ErrorAs(t, menu.New(c).DeleteConditional(context.Background(), ""), &ve)
	assert.Equal(t, "menuid", ve.Field)
}

func TestTryMatch(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("POST", "/cgi-bin/menu/trymatch", "trymatch.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEq(t, `{"user_id":"weixin"}`, body)
	})
	got, err := menu.New(c).TryMatch(context.Background(), "weixin")
	require.NoError(t, err)
	require.Len(t, got.Buttons, 3)
	for _, b := range got.Buttons {
		assert.Equal(t, menu.View("tx", "http://www.qq.com/"), dropEmptySubs(b))
	}

	_, err = menu.New(c).TryMatch(context.Background(), "")
	var ve *mp.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "user_id", ve.Field)
}

func TestMatchRuleDecoding(t *testing.T) {
	t.Parallel()
	cases := map[string]menu.MatchRule{
		`{"tag_id":"2","client_platform_type":"2"}`:    {TagID: "2", ClientPlatformType: "2"},
		`{"tag_id":2,"client_platform_type":2}`:        {TagID: "2", ClientPlatformType: "2"},
		`{"tag_id":null,"sex":"1","language":"zh_CN"}`: {Sex: "1", Language: "zh_CN"},
		`{}`:   {},
		`null`: {},
	}
	for in, want := range cases {
		var got menu.MatchRule
		require.NoError(t, json.Unmarshal([]byte(in), &got), in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{`{"tag_id":true}`, `{"tag_id":{}}`, `[]`, `{"city":[1]}`} {
		var got menu.MatchRule
		assert.Error(t, json.Unmarshal([]byte(bad), &got), bad)
	}
	var id menu.MenuID
	require.NoError(t, json.Unmarshal([]byte(`208396993`), &id))
	assert.Equal(t, menu.MenuID("208396993"), id)
	require.NoError(t, json.Unmarshal([]byte(`"208379533"`), &id))
	assert.Equal(t, menu.MenuID("208379533"), id)
	assert.Error(t, json.Unmarshal([]byte(`false`), &id))
}
