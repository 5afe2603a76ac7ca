package comment_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/comment"
	"github.com/wxkit/mp/internal/mptest"
)

var (
	ctx = context.Background()
	art = comment.Article{MsgDataID: 2247490098, Index: 1}
)

func newService(t testing.TB) (*mptest.Server, *comment.Service) {
	t.Helper()
	srv, c := mptest.New(t)
	return srv, comment.New(c)
}

func TestOpenClose(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	for _, p := range []string{"/cgi-bin/comment/open", "/cgi-bin/comment/close"} {
		srv.Reply("POST", p, "ok.json", func(t testing.TB, r *http.Request, body []byte) {
			mptest.Query(t, r, map[string]string{})
			mptest.JSONEqFixture(t, "open_request.json", body)
		})
	}
	require.NoError(t, svc.Open(ctx, art))
	require.NoError(t, svc.Close(ctx, art))
}

func TestList(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("POST", "/cgi-bin/comment/list", "list.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.JSONEqFixture(t, "list_request.json", body)
	})
	p, err := svc.List(ctx, &comment.ListRequest{Article: art, Count: 50})
	require.NoError(t, err)
	assert.Equal(t, 2, p.Total)
	require.Len(t, p.Comments, 2)
	assert.Equal(t, comment.Comment{UserCommentID: 1, OpenID: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", CreateTime: 1606461442, Content: "写得好",
		CommentType: 1, Reply: &comment.Reply{Content: "谢谢", CreateTime: 1606461500}}, p.Comments[0])
	assert.True(t, p.Comments[0].Elected())
	assert.False(t, p.Comments[1].Elected())
	assert.Nil(t, p.Comments[1].Reply)
}

func TestAll(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	const total = 123
	var begins []int
	srv.Handle("POST", "/cgi-bin/comment/list", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req comment.ListRequest
		require.NoError(t, json.Unmarshal(body, &req))
		assert.Equal(t, comment.TypeElected, req.Type)
		assert.Equal(t, 50, req.Count)
		begins = append(begins, req.Begin)
		var items []string
		for i := req.Begin; i < min(total, req.Begin+req.Count); i++ {
			items = append(items, fmt.Sprintf(`{"user_comment_id":%d,"openid":"o","create_time":1,"content":"c","comment_type":1}`, i+1))
		}
		fmt.Fprintf(w, `{"errcode":0,"errmsg":"ok","total":%d,"comment":[%s]}`, total, strings.Join(items, ","))
	})
	var ids []int64
	for c, err := range svc.All(ctx, art, comment.TypeElected) {
		require.NoError(t, err)
		ids = append(ids, c.UserCommentID)
	}
	assert.Len(t, ids, total)
	assert.Equal(t, int64(total), ids[total-1])
	assert.Equal(t, []int{0, 50, 100}, begins, "three pages of at most 50")
}

func TestCommentActions(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	for _, p := range []string{"markelect", "unmarkelect", "delete", "reply/delete"} {
		srv.Reply("POST", "/cgi-bin/comment/"+p, "ok.json", func(t testing.TB, r *http.Request, body []byte) {
			mptest.Query(t, r, map[string]string{})
			mptest.JSONEqFixture(t, "comment_request.json", body)
		})
	}
	srv.Reply("POST", "/cgi-bin/comment/reply/add", "ok.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.JSONEqFixture(t, "reply_request.json", body)
	})
	require.NoError(t, svc.Elect(ctx, art, 2))
	require.NoError(t, svc.Unelect(ctx, art, 2))
	require.NoError(t, svc.Delete(ctx, art, 2))
	require.NoError(t, svc.Reply(ctx, art, 2, "感谢支持"))
	require.NoError(t, svc.DeleteReply(ctx, art, 2))
}

func TestErrors(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	codes := map[string]int{"open": 88001, "close": 88000, "list": 88010, "markelect": 88003, "unmarkelect": 88008,
		"delete": 88004, "reply/add": 88005, "reply/delete": 88009}
	for p, code := range codes {
		srv.ReplyError("POST", "/cgi-bin/comment/"+p, code, "error")
	}
	mptest.RequireAPIError(t, svc.Open(ctx, art), comment.CodeArticleNotFound)
	mptest.RequireAPIError(t, svc.Close(ctx, art), comment.CodeNoPrivilege)
	_, err := svc.List(ctx, &comment.ListRequest{Article: art, Count: 1})
	mptest.RequireAPIError(t, err, comment.CodeCountRange)
	mptest.RequireAPIError(t, svc.Elect(ctx, art, 1), comment.CodeElectLimit)
	mptest.RequireAPIError(t, svc.Unelect(ctx, art, 1), comment.CodeCommentNotFound)
	mptest.RequireAPIError(t, svc.Delete(ctx, art, 1), comment.CodeCommentDeleted)
	mptest.RequireAPIError(t, svc.Reply(ctx, art, 1, "x"), comment.CodeAlreadyReplied)
	mptest.RequireAPIError(t, svc.DeleteReply(ctx, art, 1), comment.CodeReplyNotFound)
	for _, err := range svc.All(ctx, art, comment.TypeAll) {
		mptest.RequireAPIError(t, err, comment.CodeCountRange)
	}
}

func TestValidation(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.RefuseAll()
	mptest.RequireValidation(t, svc.Open(ctx, comment.Article{}), "msg_data_id")
	mptest.RequireValidation(t, svc.Close(ctx, comment.Article{MsgDataID: 1, Index: -1}), "index")
	for _, tt := range []struct {
		r     *comment.ListRequest
		field string
	}{
		{&comment.ListRequest{Article: art, Count: 0}, "count"},
		{&comment.ListRequest{Article: art, Count: 51}, "count"},
		{&comment.ListRequest{Article: art, Count: 5, Begin: -1}, "begin"},
		{&comment.ListRequest{Article: art, Count: 5, Type: 3}, "type"},
		{&comment.ListRequest{Count: 5}, "msg_data_id"},
		{nil, ""},
	} {
		_, err := svc.List(ctx, tt.r)
		mptest.RequireValidation(t, err, tt.field)
	}
	mptest.RequireValidation(t, svc.Elect(ctx, art, 0), "user_comment_id")
	mptest.RequireValidation(t, svc.Reply(ctx, art, 1, ""), "content")
	mptest.RequireValidation(t, svc.Reply(ctx, art, 0, "x"), "user_comment_id")
	mptest.RequireValidation(t, svc.DeleteReply(ctx, comment.Article{}, 1), "msg_data_id")
}
