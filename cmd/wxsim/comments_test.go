package main

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCommandComment(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{noPay: true})
	code, _, errs := e.wxsim(t, "follow", "--user", "Alice")
	require.Equal(t, exitOK, code, errs)

	// No article with comments open yet.
	code, _, errs = e.wxsim(t, "comment", "--user", "Alice", "hi")
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, errs, "no published article has comments open")

	closed := e.sim.PublishArticle("closed", "<p>x</p>", false)
	open := e.sim.PublishArticle("本周新品", "<p>x</p>", true)
	code, out, errs := e.wxsim(t, "comment", "--user", "Alice", "写得好")
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "Alice commented on "+strconv.FormatInt(open.MsgDataID, 10)+"_0 (user_comment_id 1): 写得好")
	comments := e.sim.Comments(open.MsgDataID, 0)
	require.Len(t, comments, 1)
	assert.Equal(t, "写得好", comments[0].Content)

	code, _, errs = e.wxsim(t, "comment", "--user", "Alice", "--article", strconv.FormatInt(closed.MsgDataID, 10)+"_0", "closed?")
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, errs, "comments_closed")
	code, _, _ = e.wxsim(t, "comment", "--user", "Alice", "--article", "x", "bad")
	assert.Equal(t, exitUsage, code)
	code, _, _ = e.wxsim(t, "comment", "hi")
	assert.Equal(t, exitUsage, code, "--user is required")

	// The control API the chat page uses.
	var arts []articleJSON
	require.Equal(t, http.StatusOK, e.call(t, "GET", "/sim/api/articles", nil, &arts))
	require.Len(t, arts, 2)
	assert.Equal(t, "本周新品", arts[0].Title, "newest first")
	assert.True(t, arts[0].CommentsOpen)
	require.Len(t, arts[0].Comments, 1)
	assert.Equal(t, "Alice", arts[0].Comments[0].Name)
	var c commentJSON
	path := "/sim/api/articles/" + strconv.FormatInt(open.MsgDataID, 10) + "/0/comments"
	require.Equal(t, http.StatusCreated, e.call(t, "POST", path, map[string]string{"user": "Alice", "content": "again"}, &c))
	assert.EqualValues(t, 2, c.ID)
	assert.Equal(t, http.StatusNotFound, e.call(t, "POST", path, map[string]string{"user": "Nobody", "content": "x"}, nil))
	assert.Equal(t, http.StatusBadRequest, e.call(t, "POST", path, map[string]string{"user": "Alice", "content": " "}, nil))
	assert.Equal(t, http.StatusNotFound, e.call(t, "POST", "/sim/api/articles/424242/0/comments", map[string]string{"user": "Alice", "content": "x"}, nil))
}
