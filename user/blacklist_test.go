package user_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/user"
)

func TestBlacklist(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("POST", "/cgi-bin/tags/members/getblacklist", "getblacklist.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEq(t, `{"begin_openid":"OPENID1"}`, body)
	})
	page, err := svc.Blacklist(context.Background(), "OPENID1")
	require.NoError(t, err)
	assert.Equal(t, &user.OpenIDList{Total: 23000, Count: 1000,
		Data: user.OpenIDData{OpenID: []string{"OPENID1", "OPENID2"}}, NextOpenID: "OPENID1000"}, page)
}

func TestBlacklistError(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.ReplyError("POST", "/cgi-bin/tags/members/getblacklist", 40013, "invalid appid")
	_, err := svc.Blacklist(context.Background(), "")
	mptest.RequireAPIError(t, err, mp.CodeInvalidAppID)
}

func TestAllBlacklist(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	p := &pager{pages: map[string]string{
		"":   `{"total":3,"count":2,"data":{"openid":["A","B"]},"next_openid":"B"}`,
		"B":  `{"total":3,"count":1,"data":{"openid":["C"]},"next_openid":"C"}`,
		"C":  `{"total":3,"count":0,"next_openid":""}`,
		"C2": `unused`,
	}}
	srv.Handle("POST", "/cgi-bin/tags/members/getblacklist", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			BeginOpenID string `json:"begin_openid"`
		}
		assert.NoError(t, json.NewDecoder(r.Body).Decode(&req))
		p.serve(req.BeginOpenID, w)
	})
	ids, errs := collect(t, svc.AllBlacklist(context.Background()))
	assert.Empty(t, errs)
	assert.Equal(t, []string{"A", "B", "C"}, ids)
	assert.Equal(t, []string{"", "B", "C"}, p.asked())
}

func TestBlock(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, path string
		call       func(*user.Service, []string) error
	}{
		{"block", "/cgi-bin/tags/members/batchblacklist", func(s *user.Service, ids []string) error {
			return s.Block(context.Background(), ids)
		}},
		{"unblock", "/cgi-bin/tags/members/batchunblacklist", func(s *user.Service, ids []string) error {
			return s.Unblock(context.Background(), ids)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, svc := newService(t)
			srv.Reply("POST", tt.path, "ok.json", func(t testing.TB, r *http.Request, body []byte) {
				mptest.Query(t, r, map[string]string{})
				mptest.JSONEqFixture(t, "batchblacklist_request.json", body)
			})
			require.NoError(t, tt.call(svc, []string{"OPENID1", "OPENID2"}))
		})
		t.Run(tt.name+" chunks", func(t *testing.T) {
			t.Parallel()
			srv, svc := newService(t)
			rec := &chunkRecorder{}
			srv.Handle("POST", tt.path, rec.handler(t, -1))
			require.NoError(t, tt.call(svc, openIDs(45)))
			assert.Equal(t, []int{20, 20, 5}, rec.sizes())
		})
		t.Run(tt.name+" error", func(t *testing.T) {
			t.Parallel()
			srv, svc := newService(t)
			rec := &chunkRecorder{failAt: 1}
			srv.Handle("POST", tt.path, rec.handler(t, -1))
			err := tt.call(svc, openIDs(45))
			mptest.RequireAPIError(t, err, mp.CodeInvalidOpenIDListLen)
			var be *user.BatchError
			require.True(t, errors.As(err, &be))
			assert.Equal(t, 0, be.Done)
			assert.Equal(t, []int{20}, rec.sizes())
		})
		t.Run(tt.name+" validation", func(t *testing.T) {
			t.Parallel()
			svc := noRequests(t)
			mptest.RequireValidation(t, tt.call(svc, nil), "openid_list")
			mptest.RequireValidation(t, tt.call(svc, []string{""}), "openid_list[0]")
		})
	}
}
