package mass

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
)

func TestStatus(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("POST", "/cgi-bin/message/mass/get", "get_resp.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEqFixture(t, "get_request.json", body)
	})
	got, err := New(c).Status(context.Background(), 201053012)
	require.NoError(t, err)
	assert.Equal(t, &Status{MsgID: 201053012, MsgStatus: StatusSendSuccess}, got)

	_, err = New(c).Status(context.Background(), 0)
	var ve *mp.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "msg_id", ve.Field)
}

func TestDelete(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	var mu sync.Mutex
	var bodies []string
	srv.Reply("POST", "/cgi-bin/message/mass/delete", "ok.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mu.Lock()
		bodies = append(bodies, string(body))
		mu.Unlock()
	})
	s := New(c)
	require.NoError(t, s.Delete(context.Background(), &DeleteRequest{MsgID: 30124, ArticleIdx: 2}))
	require.NoError(t, s.Delete(context.Background(), &DeleteRequest{URL: "https://mp.weixin.qq.com/s/abc"}))
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, bodies, 2)
	mptest.JSONEqFixture(t, "delete_request.json", []byte(bodies[0]))
	mptest.JSONEq(t, `{"url":"https://mp.weixin.qq.com/s/abc"}`, []byte(bodies[1]))

	for _, tc := range []struct {
		req   *DeleteRequest
		field string
	}{
		{nil, ""},
		{&DeleteRequest{}, "msg_id"},
		{&DeleteRequest{MsgID: -1}, "msg_id"},
		{&DeleteRequest{MsgID: 1, ArticleIdx: -1}, "article_idx"},
	} {
		var ve *mp.ValidationError
		require.ErrorAs(t, s.Delete(context.Background(), tc.req), &ve)
		assert.Equal(t, tc.field, ve.Field)
	}
}
