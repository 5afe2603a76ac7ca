package user_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/user"
)

func TestInfo(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("GET", "/cgi-bin/user/info", "user_info.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{"openid": "o6_bmjrPTlm6_2sgVt7hMZOPfL2M", "lang": "zh_CN"})
		assert.Empty(t, body)
	})
	u, err := svc.Info(context.Background(), "o6_bmjrPTlm6_2sgVt7hMZOPfL2M", user.LangZhCN)
	require.NoError(t, err)
	assert.Equal(t, &user.UserInfo{
		Subscribe: 1, OpenID: "o6_bmjrPTlm6_2sgVt7hMZOPfL2M", Language: "zh_CN", SubscribeTime: 1382694957,
		UnionID: " o6_bmasdasdsad6_2sgVt7hMZOPfL", TagIDList: []int{128, 2},
		SubscribeScene: user.SceneQRCode, QRScene: 98765,
	}, u)
	assert.True(t, u.Subscribed())
	assert.Equal(t, time.Unix(1382694957, 0), u.SubscribedAt())
}

func TestInfoNoLang(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("GET", "/cgi-bin/user/info", "user_info.json", func(t testing.TB, r *http.Request, _ []byte) {
		mptest.Query(t, r, map[string]string{"openid": "OPENID"})
	})
	_, err := svc.Info(context.Background(), "OPENID", "")
	require.NoError(t, err)
	var zero user.UserInfo
	assert.False(t, zero.Subscribed())
	assert.True(t, zero.SubscribedAt().IsZero())
}

func TestInfoError(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.ReplyError("GET", "/cgi-bin/user/info", 40003, "invalid openid")
	_, err := svc.Info(context.Background(), "bad", user.LangEN)
	mptest.RequireAPIError(t, err, mp.CodeInvalidOpenID)
}

func TestInfoValidation(t *testing.T) {
	t.Parallel()
	svc := noRequests(t)
	_, err := svc.Info(context.Background(), "", "")
	mptest.RequireValidation(t, err, "openid")
	_, err = svc.Info(context.Background(), "OPENID", "fr")
	mptest.RequireValidation(t, err, "lang")
}

func TestBatchInfo(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("POST", "/cgi-bin/user/info/batchget", "user_info_batchget.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEqFixture(t, "user_info_batchget_request.json", body)
	})
	users, err := svc.BatchInfo(context.Background(),
		user.Refs(user.LangZhCN, "otvxTs4dckWG7imySrJd6jSi0CWE", "otvxTs_JZ6SEiP0imdhpi50fuSZg"))
	require.NoError(t, err)
	require.Len(t, users, 2)
	assert.Equal(t, user.UserInfo{
		Subscribe: 1, OpenID: "otvxTs4dckWG7imySrJd6jSi0CWE", Nickname: "iWithery", Sex: 1, Language: "zh_CN",
		City: "揭阳", Province: "广东", Country: "中国",
		HeadImgURL:    "http://thirdwx.qlogo.cn/mmopen/xbIQx1GRqdvyqkMMhEaGOX802l1CyqMJNgUzKP8MeAeHFicRDSnZH7FY4XB7p8XHXIf6uJA2SCunTPicGKezDC4saKISzRj3nz/0",
		SubscribeTime: 1434093047, UnionID: "oR5GjjgEhCMJFyzaVZdrxZ2zRRF4", TagIDList: []int{128, 2},
		SubscribeScene: user.SceneQRCode, QRScene: 98765,
	}, users[0])
	assert.Equal(t, user.UserInfo{OpenID: "otvxTs_JZ6SEiP0imdhpi50fuSZg"}, users[1])
	assert.False(t, users[1].Subscribed())
}

// TestBatchInfoChunks sends 250 openids: three calls of at most 100, no more
// than a few at once, results in input order.
func TestBatchInfoChunks(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	var inflight, maxInflight, calls atomic.Int32
	srv.Handle("POST", "/cgi-bin/user/info/batchget", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		n := inflight.Add(1)
		defer inflight.Add(-1)
		for {
			m := maxInflight.Load()
			if n <= m || maxInflight.CompareAndSwap(m, n) {
				break
			}
		}
		var req struct {
			UserList []user.UserRef `json:"user_list"`
		}
		if !assert.NoError(t, json.NewDecoder(r.Body).Decode(&req)) {
			return
		}
		assert.LessOrEqual(t, len(req.UserList), user.MaxBatchInfo)
		time.Sleep(5 * time.Millisecond) // let calls overlap
		list := make([]user.UserInfo, len(req.UserList))
		for i, u := range req.UserList {
			assert.Equal(t, user.LangEN, u.Lang)
			list[i] = user.UserInfo{Subscribe: 1, OpenID: u.OpenID}
		}
		_ = json.NewEncoder(w).Encode(user.BatchInfoResponse{UserInfoList: list})
	})
	ids := make([]string, 250)
	for i := range ids {
		ids[i] = fmt.Sprintf("openid-%03d", i)
	}
	users, err := svc.BatchInfo(context.Background(), user.Refs(user.LangEN, ids...))
	require.NoError(t, err)
	require.Len(t, users, len(ids))
	for i, u := range users {
		assert.Equal(t, ids[i], u.OpenID)
	}
	assert.Equal(t, int32(3), calls.Load())
	assert.LessOrEqual(t, maxInflight.Load(), int32(4))
}

func TestBatchInfoError(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	var calls atomic.Int32
	srv.Handle("POST", "/cgi-bin/user/info/batchget", func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 2 {
			mptest.ErrorJSON(w, 45009, "reach max api daily quota limit")
			return
		}
		_, _ = w.Write([]byte(`{"user_info_list":[]}`))
	})
	ids := strings.Split(strings.Repeat("x,", 299)+"x", ",")
	_, err := svc.BatchInfo(context.Background(), user.Refs("", ids...))
	mptest.RequireAPIError(t, err, mp.CodeQuotaExceeded)
}

func TestBatchInfoValidation(t *testing.T) {
	t.Parallel()
	svc := noRequests(t)
	_, err := svc.BatchInfo(context.Background(), nil)
	mptest.RequireValidation(t, err, "user_list")
	_, err = svc.BatchInfo(context.Background(), []user.UserRef{{OpenID: "a"}, {OpenID: ""}})
	mptest.RequireValidation(t, err, "user_list[1].openid")
	_, err = svc.BatchInfo(context.Background(), []user.UserRef{{OpenID: "a", Lang: "zh-CN"}})
	mptest.RequireValidation(t, err, "user_list[0].lang")
}

func TestUpdateRemark(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("POST", "/cgi-bin/user/info/updateremark", "ok.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEqFixture(t, "updateremark_request.json", body)
	})
	require.NoError(t, svc.UpdateRemark(context.Background(), "oDF3iY9ffA-hqb2vVvbr7qxf6A0Q", "pangzi"))
}

func TestUpdateRemarkError(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.ReplyError("POST", "/cgi-bin/user/info/updateremark", 48001, "api unauthorized")
	mptest.RequireAPIError(t, svc.UpdateRemark(context.Background(), "OPENID", "x"), mp.CodeAPIUnauthorized)
}

func TestUpdateRemarkValidation(t *testing.T) {
	t.Parallel()
	svc := noRequests(t)
	mptest.RequireValidation(t, svc.UpdateRemark(context.Background(), "", "x"), "openid")
	mptest.RequireValidation(t, svc.UpdateRemark(context.Background(), "OPENID", strings.Repeat("胖", 31)), "remark")
}

func TestUpdateRemarkLimit(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	var mu sync.Mutex
	var got []string
	srv.Handle("POST", "/cgi-bin/user/info/updateremark", func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Remark string }
		_ = json.NewDecoder(r.Body).Decode(&req)
		mu.Lock()
		got = append(got, req.Remark)
		mu.Unlock()
		_, _ = w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
	})
	// The remark must be shorter than 30 characters (长度必须小于30字符):
	// 29 (87 bytes of UTF-8) is within the limit, and so is "", which
	// clears the remark; 30 is refused before sending.
	require.NoError(t, svc.UpdateRemark(context.Background(), "OPENID", strings.Repeat("胖", 29)))
	require.NoError(t, svc.UpdateRemark(context.Background(), "OPENID", ""))
	mptest.RequireValidation(t, svc.UpdateRemark(context.Background(), "OPENID", strings.Repeat("胖", 30)), "remark")
	assert.Equal(t, []string{strings.Repeat("胖", 29), ""}, got)
}
