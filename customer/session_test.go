package customer_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/customer"
	"github.com/wxkit/mp/internal/mptest"
)

func TestSessionWrites(t *testing.T) {
	t.Parallel()
	for _, path := range []string{"create", "close"} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			srv, c := mptest.New(t)
			called := false
			srv.Reply("POST", "/customservice/kfsession/"+path, "ok.json", func(t testing.TB, r *http.Request, body []byte) {
				called = true
				mptest.Query(t, r, map[string]string{})
				mptest.JSONEqFixture(t, "kfsession_create.json", body)
			})
			s := customer.New(c)
			var err error
			if path == "create" {
				err = s.CreateSession(context.Background(), "test1@test", "OPENID")
			} else {
				err = s.CloseSession(context.Background(), "test1@test", "OPENID")
			}
			require.NoError(t, err)
			assert.True(t, called)
		})
	}
}

func TestGetSession(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("GET", "/customservice/kfsession/getsession", "getsession.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{"openid": "OPENID"})
	})
	got, err := customer.New(c).GetSession(context.Background(), "OPENID")
	require.NoError(t, err)
	assert.Equal(t, &customer.UserSession{KFAccount: "test1@test", CreateTime: 123456789}, got)
}

func TestListSessions(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("GET", "/customservice/kfsession/getsessionlist", "getsessionlist.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{"kf_account": "test1@test"})
	})
	got, err := customer.New(c).ListSessions(context.Background(), "test1@test")
	require.NoError(t, err)
	assert.Equal(t, []customer.Session{{OpenID: "OPENID", CreateTime: 123456789}}, got.SessionList)
}

func TestListWaitingSessions(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("GET", "/customservice/kfsession/getwaitcase", "getwaitcase.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
	})
	got, err := customer.New(c).ListWaitingSessions(context.Background())
	require.NoError(t, err)
	assert.Equal(t, &customer.WaitCaseList{Count: 150, WaitCaseList: []customer.WaitCase{{OpenID: "OPENID", LatestTime: 123456789}}}, got)
}

func TestSessionErrors(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	for _, p := range []string{"create", "close", "getsession", "getsessionlist", "getwaitcase"} {
		srv.Handle("", "/customservice/kfsession/"+p, func(w http.ResponseWriter, r *http.Request) {
			mptest.ErrorJSON(w, 65414, "customer is being served by another custom service")
		})
	}
	s := customer.New(c)
	ctx := context.Background()
	assert.True(t, mp.IsCode(s.CreateSession(ctx, "a@b", "o"), 65414))
	assert.True(t, mp.IsCode(s.CloseSession(ctx, "a@b", "o"), 65414))
	_, err := s.GetSession(ctx, "o")
	assert.True(t, mp.IsCode(err, 65414))
	_, err = s.ListSessions(ctx, "a@b")
	assert.True(t, mp.IsCode(err, 65414))
	_, err = s.ListWaitingSessions(ctx)
	assert.True(t, mp.IsCode(err, 65414))
}

func TestSessionValidation(t *testing.T) {
	t.Parallel()
	_, c := mptest.New(t)
	s := customer.New(c)
	ctx := context.Background()
	_, errGet := s.GetSession(ctx, "")
	_, errList := s.ListSessions(ctx, "nope")
	for name, tc := range map[string]struct {
		err   error
		field string
	}{
		"create account": {s.CreateSession(ctx, "nope", "o"), "kf_account"},
		"create openid":  {s.CreateSession(ctx, "a@b", ""), "openid"},
		"close account":  {s.CloseSession(ctx, "", "o"), "kf_account"},
		"get":            {errGet, "openid"},
		"list":           {errList, "kf_account"},
	} {
		var ve *mp.ValidationError
		if assert.True(t, errors.As(tc.err, &ve), name) {
			assert.Equal(t, tc.field, ve.Field, name)
		}
	}
}
