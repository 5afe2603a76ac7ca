package user_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/user"
)

func TestCreateTag(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("POST", "/cgi-bin/tags/create", "tags_create.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		// Raw UTF-8, as WeChat wants it.
		assert.Equal(t, `{"tag":{"name":"广东"}}`, string(body))
	})
	tag, err := svc.CreateTag(context.Background(), "广东")
	require.NoError(t, err)
	assert.Equal(t, &user.Tag{ID: 134, Name: "广东"}, tag)
}

func TestTags(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("GET", "/cgi-bin/tags/get", "tags_get.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		assert.Empty(t, body)
	})
	tags, err := svc.Tags(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []user.Tag{{ID: 1, Name: "每天一罐可乐星人"}, {ID: 2, Name: "星标组"}, {ID: 127, Name: "广东", Count: 5}}, tags)
}

func TestUpdateTag(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("POST", "/cgi-bin/tags/update", "ok.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEq(t, `{"tag":{"id":134,"name":"广东人"}}`, body)
	})
	require.NoError(t, svc.UpdateTag(context.Background(), 134, "广东人"))
}

func TestDeleteTag(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("POST", "/cgi-bin/tags/delete", "ok.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEq(t, `{"tag":{"id":134}}`, body)
	})
	require.NoError(t, svc.DeleteTag(context.Background(), 134))
}

func TestTagFans(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("POST", "/cgi-bin/user/tag/get", "user_tag_get.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEq(t, `{"tagid":134,"next_openid":""}`, body)
	})
	page, err := svc.TagFans(context.Background(), 134, "")
	require.NoError(t, err)
	assert.Equal(t, &user.OpenIDList{Count: 2,
		Data:       user.OpenIDData{OpenID: []string{"ocYxcuAEy30bX0NXmGn4ypqx3tI0", "ocYxcuBt0mRugKZ7tGAHPnUaOW7Y"}},
		NextOpenID: "ocYxcuBt0mRugKZ7tGAHPnUaOW7Y"}, page)
}

func TestAllTagFans(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	p := &pager{pages: map[string]string{
		"":                             string(mptest.Fixture(t, "user_tag_get.json")),
		"ocYxcuBt0mRugKZ7tGAHPnUaOW7Y": `{"count":0,"data":{"openid":[]},"next_openid":""}`,
	}}
	srv.Handle("POST", "/cgi-bin/user/tag/get", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			TagID      int    `json:"tagid"`
			NextOpenID string `json:"next_openid"`
		}
		assert.NoError(t, json.NewDecoder(r.Body).Decode(&req))
		assert.Equal(t, 134, req.TagID)
		p.serve(req.NextOpenID, w)
	})
	ids, errs := collect(t, svc.AllTagFans(context.Background(), 134))
	assert.Empty(t, errs)
	assert.Equal(t, []string{"ocYxcuAEy30bX0NXmGn4ypqx3tI0", "ocYxcuBt0mRugKZ7tGAHPnUaOW7Y"}, ids)
	assert.Equal(t, []string{"", "ocYxcuBt0mRugKZ7tGAHPnUaOW7Y"}, p.asked())
}

func TestAllTagFansError(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.ReplyError("POST", "/cgi-bin/user/tag/get", 45159, "invalid tag id")
	ids, errs := collect(t, svc.AllTagFans(context.Background(), 999))
	assert.Empty(t, ids)
	require.Len(t, errs, 1)
	mptest.RequireAPIError(t, errs[0], 45159)
}

func TestTagUsers(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		path string
		call func(*user.Service) error
	}{
		{"tag", "/cgi-bin/tags/members/batchtagging", func(s *user.Service) error {
			return s.TagUsers(context.Background(), 134, []string{"ocYxcuAEy30bX0NXmGn4ypqx3tI0", "ocYxcuBt0mRugKZ7tGAHPnUaOW7Y"})
		}},
		{"untag", "/cgi-bin/tags/members/batchuntagging", func(s *user.Service) error {
			return s.UntagUsers(context.Background(), 134, []string{"ocYxcuAEy30bX0NXmGn4ypqx3tI0", "ocYxcuBt0mRugKZ7tGAHPnUaOW7Y"})
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, svc := newService(t)
			srv.Reply("POST", tt.path, "ok.json", func(t testing.TB, r *http.Request, body []byte) {
				mptest.Query(t, r, map[string]string{})
				mptest.JSONEqFixture(t, "batchtagging_request.json", body)
			})
			require.NoError(t, tt.call(svc))
		})
	}
}

func TestUserTagIDs(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("POST", "/cgi-bin/tags/getidlist", "getidlist.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEq(t, `{"openid":"ocYxcuBt0mRugKZ7tGAHPnUaOW7Y"}`, body)
	})
	ids, err := svc.UserTagIDs(context.Background(), "ocYxcuBt0mRugKZ7tGAHPnUaOW7Y")
	require.NoError(t, err)
	assert.Equal(t, []int{134, 2}, ids)
}

func TestTagErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tt := range []struct {
		method, path string
		code         mp.ErrorCode
		call         func(*user.Service) error
	}{
		{"POST", "/cgi-bin/tags/create", 45157, func(s *user.Service) error { _, err := s.CreateTag(ctx, "广东"); return err }},
		{"GET", "/cgi-bin/tags/get", 45009, func(s *user.Service) error { _, err := s.Tags(ctx); return err }},
		{"POST", "/cgi-bin/tags/update", 45158, func(s *user.Service) error { return s.UpdateTag(ctx, 134, "x") }},
		{"POST", "/cgi-bin/tags/delete", 45057, func(s *user.Service) error { return s.DeleteTag(ctx, 134) }},
		{"POST", "/cgi-bin/user/tag/get", 45159, func(s *user.Service) error { _, err := s.TagFans(ctx, 134, ""); return err }},
		{"POST", "/cgi-bin/tags/members/batchtagging", 45059, func(s *user.Service) error { return s.TagUsers(ctx, 134, []string{"a"}) }},
		{"POST", "/cgi-bin/tags/members/batchuntagging", 49003, func(s *user.Service) error { return s.UntagUsers(ctx, 134, []string{"a"}) }},
		{"POST", "/cgi-bin/tags/getidlist", 40003, func(s *user.Service) error { _, err := s.UserTagIDs(ctx, "a"); return err }},
	} {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			srv, svc := newService(t)
			srv.ReplyError(tt.method, tt.path, int(tt.code), "error")
			mptest.RequireAPIError(t, tt.call(svc), tt.code)
		})
	}
}

func TestTagValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := noRequests(t)
	long := strings.Repeat("标", 31)
	for _, tt := range []struct {
		name, field string
		err         error
	}{
		{"create empty name", "tag.name", func() error { _, err := svc.CreateTag(ctx, ""); return err }()},
		{"create long name", "tag.name", func() error { _, err := svc.CreateTag(ctx, long); return err }()},
		{"update reserved 0", "tag.id", svc.UpdateTag(ctx, 0, "x")},
		{"update reserved 2", "tag.id", svc.UpdateTag(ctx, 2, "x")},
		{"update negative", "tag.id", svc.UpdateTag(ctx, -1, "x")},
		{"update long name", "tag.name", svc.UpdateTag(ctx, 100, long)},
		{"delete reserved 1", "tag.id", svc.DeleteTag(ctx, 1)},
		{"tag fans negative", "tagid", func() error { _, err := svc.TagFans(ctx, -5, ""); return err }()},
		{"tag no users", "openid_list", svc.TagUsers(ctx, 134, nil)},
		{"tag empty openid", "openid_list[1]", svc.TagUsers(ctx, 134, []string{"a", ""})},
		{"untag negative", "tagid", svc.UntagUsers(ctx, -1, []string{"a"})},
		{"tag ids no openid", "openid", func() error { _, err := svc.UserTagIDs(ctx, ""); return err }()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mptest.RequireValidation(t, tt.err, tt.field)
		})
	}
	assert.True(t, user.IsReserved(2))
	assert.False(t, user.IsReserved(100))
}

func TestCreateTagNameLimit(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("POST", "/cgi-bin/tags/create", "tags_create.json", nil)
	// 45158 is "标签名长度超过30个字节": the limit is 30 bytes of UTF-8.
	_, err := svc.CreateTag(context.Background(), strings.Repeat("标", 10))
	require.NoError(t, err, "ten Chinese characters (30 bytes) are within the limit")
	_, err = svc.CreateTag(context.Background(), strings.Repeat("a", 30))
	require.NoError(t, err)
	_, err = svc.CreateTag(context.Background(), strings.Repeat("标", 11))
	mptest.RequireValidation(t, err, "tag.name")
	mptest.RequireValidation(t, svc.UpdateTag(context.Background(), 134, strings.Repeat("a", 31)), "tag.name")
}

// chunkRecorder answers an openid_list endpoint, records each call's list
// and fails the call numbered failAt (1-based; 0 never).
type chunkRecorder struct {
	mu     sync.Mutex
	chunks [][]string
	failAt int
}

func (c *chunkRecorder) handler(t *testing.T, wantTagID int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			OpenIDList []string `json:"openid_list"`
			TagID      *int     `json:"tagid"`
		}
		assert.NoError(t, json.NewDecoder(r.Body).Decode(&req))
		if wantTagID >= 0 && assert.NotNil(t, req.TagID) {
			assert.Equal(t, wantTagID, *req.TagID)
		}
		c.mu.Lock()
		c.chunks = append(c.chunks, req.OpenIDList)
		n := len(c.chunks)
		c.mu.Unlock()
		if n == c.failAt {
			mptest.ErrorJSON(w, 40032, "invalid openid list size")
			return
		}
		_, _ = w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
	}
}

func (c *chunkRecorder) sizes() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	var s []int
	for _, ch := range c.chunks {
		s = append(s, len(ch))
	}
	return s
}

func openIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("openid-%03d", i)
	}
	return ids
}

func TestTagUsersChunks(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	rec := &chunkRecorder{}
	srv.Handle("POST", "/cgi-bin/tags/members/batchtagging", rec.handler(t, 7))
	ids := openIDs(120)
	require.NoError(t, svc.TagUsers(context.Background(), 7, ids))
	assert.Equal(t, []int{50, 50, 20}, rec.sizes())
	var all []string
	for _, ch := range rec.chunks {
		all = append(all, ch...)
	}
	assert.Equal(t, ids, all, "every openid once, in order")
}

func TestUntagUsersChunkFailure(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	rec := &chunkRecorder{failAt: 2}
	srv.Handle("POST", "/cgi-bin/tags/members/batchuntagging", rec.handler(t, 7))
	err := svc.UntagUsers(context.Background(), 7, openIDs(120))
	var be *user.BatchError
	require.True(t, errors.As(err, &be), "%T", err)
	assert.Equal(t, 50, be.Done)
	assert.Equal(t, "user.UntagUsers", be.Op)
	assert.Contains(t, err.Error(), "failed after 50 openids")
	mptest.RequireAPIError(t, err, mp.CodeInvalidOpenIDListLen)
	assert.Equal(t, []int{50, 50}, rec.sizes(), "stopped at the failing call")
}
