package user_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/user"
)

func TestChangeOpenID(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("POST", "/cgi-bin/changeopenid", "changeopenid.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEqFixture(t, "changeopenid_request.json", body)
	})
	got, err := svc.ChangeOpenID(context.Background(), "gh_91ae50dfeb1c",
		[]string{"oEmYbwN-n24jxvk4Sox81qedINkQ", "oEmYbwH9uVd4RKJk7ZZg6SzL6tTo"})
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, user.OpenIDChange{OriOpenID: "oEmYbwN-n24jxvk4Sox81qedINkQ", NewOpenID: "o2FwqwI9xCsVadFah_HtpPfaR-X4", ErrMsg: "ok"}, got[0])
	assert.NoError(t, got[0].Err())
	// The second openid failed on its own: the call did not.
	var ce *user.OpenIDChangeError
	require.True(t, errors.As(got[1].Err(), &ce))
	assert.Equal(t, "oEmYbwH9uVd4RKJk7ZZg6SzL6tTo", ce.OpenID)
	assert.Equal(t, "ori_openid error", ce.Msg)
	assert.Empty(t, got[1].NewOpenID)
}

// TestChangeOpenIDChunks sends 250 openids: three calls of at most 100, run
// concurrently, answered out of order; the results come back in input order.
func TestChangeOpenIDChunks(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	var calls atomic.Int32
	srv.Handle("POST", "/cgi-bin/changeopenid", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		var req struct {
			FromAppID  string   `json:"from_appid"`
			OpenIDList []string `json:"openid_list"`
		}
		require.NoError(t, json.NewDecoder(r.Body).Decode(&req))
		assert.Equal(t, "wxold", req.FromAppID)
		assert.LessOrEqual(t, len(req.OpenIDList), user.MaxChangeOpenID)
		type res struct {
			Ori string `json:"ori_openid"`
			New string `json:"new_openid,omitempty"`
			Msg string `json:"err_msg"`
		}
		var list []res
		for i := len(req.OpenIDList) - 1; i >= 0; i-- { // reversed on purpose
			id := req.OpenIDList[i]
			if strings.HasSuffix(id, "7") {
				list = append(list, res{Ori: id, Msg: "ori_openid error"})
				continue
			}
			list = append(list, res{Ori: id, New: "new-" + id, Msg: "ok"})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"errcode": 0, "errmsg": "ok", "result_list": list})
	})
	ids := make([]string, 250)
	for i := range ids {
		ids[i] = fmt.Sprintf("old%03d", i)
	}
	got, err := svc.ChangeOpenID(context.Background(), "wxold", ids)
	require.NoError(t, err)
	assert.Equal(t, int32(3), calls.Load())
	require.Len(t, got, 250)
	for i, r := range got {
		assert.Equal(t, ids[i], r.OriOpenID)
		if strings.HasSuffix(ids[i], "7") {
			assert.Error(t, r.Err())
		} else {
			assert.Equal(t, "new-"+ids[i], r.NewOpenID)
			assert.NoError(t, r.Err())
		}
	}
}

func TestChangeOpenIDMissingResult(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Handle("POST", "/cgi-bin/changeopenid", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"errcode":0,"errmsg":"ok","result_list":[]}`))
	})
	got, err := svc.ChangeOpenID(context.Background(), "wxold", []string{"a"})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "a", got[0].OriOpenID)
	assert.ErrorContains(t, got[0].Err(), "no new_openid")
}

func TestChangeOpenIDError(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.ReplyError("POST", "/cgi-bin/changeopenid", 63178, "from_appid not match")
	_, err := svc.ChangeOpenID(context.Background(), "wxold", []string{"a", "b"})
	mptest.RequireAPIError(t, err, 63178)
}

func TestChangeOpenIDValidation(t *testing.T) {
	t.Parallel()
	svc := noRequests(t)
	ctx := context.Background()
	for _, tt := range []struct {
		name, field, from string
		ids               []string
	}{
		{"no from_appid", "from_appid", "", []string{"a"}},
		{"empty list", "openid_list", "wxold", nil},
		{"empty openid", "openid_list[1]", "wxold", []string{"a", ""}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := svc.ChangeOpenID(ctx, tt.from, tt.ids)
			assert.Nil(t, got)
			mptest.RequireValidation(t, err, tt.field)
		})
	}
}

// BenchmarkChangeOpenID1000 converts 1000 openids: 10 calls, 4 in flight.
func BenchmarkChangeOpenID1000(b *testing.B) {
	srv, svc := newService(b)
	srv.Handle("POST", "/cgi-bin/changeopenid", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			OpenIDList []string `json:"openid_list"`
		}
		_ = json.NewDecoder(r.Body).Decode(&req)
		list := make([]map[string]string, len(req.OpenIDList))
		for i, id := range req.OpenIDList {
			list[i] = map[string]string{"ori_openid": id, "new_openid": "n" + id, "err_msg": "ok"}
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"errcode": 0, "errmsg": "ok", "result_list": list})
	})
	ids := make([]string, 1000)
	for i := range ids {
		ids[i] = fmt.Sprintf("oEmYbwN-n24jxvk4Sox81q%06d", i)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.ChangeOpenID(ctx, "wxold", ids); err != nil {
			b.Fatal(err)
		}
	}
}
