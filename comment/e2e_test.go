package comment_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/comment"
	"github.com/wxkit/mp/internal/simtest"
	"github.com/wxkit/mp/sim"
)

// TestEndToEndComments: an article published on the simulator, comments
// opened, followers comment, the bot lists, elects, replies to and deletes
// them; the simulator refuses what WeChat refuses.
func TestEndToEndComments(t *testing.T) {
	t.Parallel()
	s, client := simtest.New(t, sim.Options{})
	ctx := context.Background()
	pub := s.PublishArticle("本周新品", "<p>hello</p>", false)
	a := comment.Article{MsgDataID: pub.MsgDataID, Index: pub.Index}
	svc := comment.New(client)
	alice, bob := s.NewUser("Alice"), s.NewUser("Bob")

	// Closed: followers cannot comment.
	_, err := alice.Comment(ctx, a.MsgDataID, a.Index, "first!")
	require.ErrorIs(t, err, sim.ErrCommentsClosed)
	require.NoError(t, svc.Open(ctx, a))
	assert.True(t, s.PublishedArticles()[0].CommentsOpen)

	id1, err := alice.Comment(ctx, a.MsgDataID, a.Index, "写得好")
	require.NoError(t, err)
	id2, err := bob.Comment(ctx, a.MsgDataID, a.Index, "学到了")
	require.NoError(t, err)
	for i := 0; i < 60; i++ {
		_, err = bob.Comment(ctx, a.MsgDataID, a.Index, "+1")
		require.NoError(t, err)
	}

	var all []comment.Comment
	for c, err := range svc.All(ctx, a, comment.TypeAll) {
		require.NoError(t, err)
		all = append(all, c)
	}
	require.Len(t, all, 62, "two pages")
	assert.Equal(t, id1, all[0].UserCommentID)
	assert.Equal(t, alice.OpenID(), all[0].OpenID)
	assert.Equal(t, "写得好", all[0].Content)

	require.NoError(t, svc.Elect(ctx, a, id1))
	require.NoError(t, svc.Reply(ctx, a, id1, "谢谢"))
	err = svc.Reply(ctx, a, id1, "again")
	requireCode(t, err, comment.CodeAlreadyReplied)
	elected, err := svc.List(ctx, &comment.ListRequest{Article: a, Count: 10, Type: comment.TypeElected})
	require.NoError(t, err)
	require.Equal(t, 1, elected.Total)
	assert.True(t, elected.Comments[0].Elected())
	require.NotNil(t, elected.Comments[0].Reply)
	assert.Equal(t, "谢谢", elected.Comments[0].Reply.Content)
	normal, err := svc.List(ctx, &comment.ListRequest{Article: a, Count: 50, Type: comment.TypeNormal})
	require.NoError(t, err)
	assert.Equal(t, 61, normal.Total)

	require.NoError(t, svc.DeleteReply(ctx, a, id1))
	requireCode(t, svc.DeleteReply(ctx, a, id1), comment.CodeReplyNotFound)
	require.NoError(t, svc.Unelect(ctx, a, id1))
	require.NoError(t, svc.Delete(ctx, a, id2))
	requireCode(t, svc.Elect(ctx, a, id2), comment.CodeCommentDeleted)
	requireCode(t, svc.Elect(ctx, a, 9999), comment.CodeCommentNotFound)
	assert.Len(t, s.Comments(a.MsgDataID, a.Index), 61)

	require.NoError(t, svc.Close(ctx, a))
	_, err = bob.Comment(ctx, a.MsgDataID, a.Index, "closed?")
	require.ErrorIs(t, err, sim.ErrCommentsClosed)

	// Unknown article, bad count (the raw request skips our validation).
	requireCode(t, svc.Open(ctx, comment.Article{MsgDataID: 987654321}), comment.CodeArticleNotFound)
	err = client.Do(ctx, &mp.Request{Method: "POST", Path: "/cgi-bin/comment/list",
		Body: map[string]any{"msg_data_id": a.MsgDataID, "index": 0, "begin": 0, "count": 51, "type": 0}}, nil)
	requireCode(t, err, comment.CodeCountRange)

	// Published with need_open_comment: open from the start.
	open := s.PublishArticle("开放留言", "<p>x</p>", true)
	_, err = alice.Comment(ctx, open.MsgDataID, 0, "yes")
	require.NoError(t, err)
	_, err = alice.Comment(ctx, 12345, 0, "nowhere")
	require.ErrorIs(t, err, sim.ErrUnknownArticle)
}

func requireCode(t *testing.T, err error, code mp.ErrorCode) {
	t.Helper()
	var ae *mp.APIError
	require.True(t, errors.As(err, &ae), "%v", err)
	assert.Equal(t, code, ae.Code)
	assert.NotEmpty(t, ae.RID)
}
