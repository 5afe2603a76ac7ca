package main

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/sim"
)

func TestCommandReadShare(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{noPay: true})
	code, _, errs := e.wxsim(t, "follow", "--user", "Alice")
	require.Equal(t, exitOK, code, errs)

	code, _, errs = e.wxsim(t, "read", "--user", "Alice")
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, errs, "no published article")

	old := e.sim.PublishArticle("旧文", "<p>x</p>", false)
	news := e.sim.PublishArticle("本周新品", "<p>x</p>", false)
	ref := strconv.FormatInt(news.MsgDataID, 10) + "_0"
	code, out, errs := e.wxsim(t, "read", "--user", "Alice")
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "Alice read "+ref+" (reads 1 by 1 readers, shares 0 by 0 sharers)", "the newest by default")
	code, _, errs = e.wxsim(t, "read", "--user", "Bob", "--via", "moments", "--article", strconv.FormatInt(old.MsgDataID, 10)+"_0")
	require.Equal(t, exitOK, code, errs, "Bob is created: not a follower, he saw it in 朋友圈")
	code, _, errs = e.wxsim(t, "share", "--user", "Carol")
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, errs, "unknown_user")
	code, out, errs = e.wxsim(t, "share", "--user", "Alice", "--to", "moments")
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "Alice shared "+ref+" (reads 1 by 1 readers, shares 1 by 1 sharers)")
	assert.Equal(t, map[sim.ShareScene]int{sim.ShareToMoments: 1}, e.sim.ArticleActivity(news.MsgDataID, 0).SharesTo)
	assert.Equal(t, 1, e.sim.ArticleActivity(old.MsgDataID, 0).ReadUsers)

	code, _, _ = e.wxsim(t, "read", "--user", "Alice", "--via", "nowhere")
	assert.Equal(t, exitUsage, code)
	code, _, _ = e.wxsim(t, "share", "--user", "Alice", "--to", "weibo")
	assert.Equal(t, exitUsage, code)
	code, _, _ = e.wxsim(t, "read", "--user", "Alice", "--article", "x")
	assert.Equal(t, exitUsage, code)
	code, _, _ = e.wxsim(t, "share")
	assert.Equal(t, exitUsage, code, "--user is required")
	code, _, errs = e.wxsim(t, "read", "--user", "Alice", "--article", "424242_0")
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, errs, "unknown_article")

	// The control API the chat page uses.
	path := "/sim/api/articles/" + strconv.FormatInt(news.MsgDataID, 10) + "/0/"
	var act activityJSON
	require.Equal(t, http.StatusOK, e.call(t, "POST", path+"read", map[string]string{"user": "Alice", "source": "history"}, &act))
	assert.Equal(t, activityJSON{MsgDataID: news.MsgDataID, OpenID: act.OpenID, Name: "Alice", Reads: 2, ReadUsers: 1, Shares: 1, ShareUsers: 1}, act)
	require.Equal(t, http.StatusOK, e.call(t, "POST", path+"share", map[string]string{"user": "Alice"}, &act))
	assert.Equal(t, 2, act.Shares)
	assert.Equal(t, map[sim.ShareScene]int{sim.ShareToMoments: 1, sim.ShareToFriend: 1}, e.sim.ArticleActivity(news.MsgDataID, 0).SharesTo, "friend by default")
	assert.Equal(t, http.StatusBadRequest, e.call(t, "POST", path+"read", map[string]string{"user": "Alice", "source": "nowhere"}, nil))
	assert.Equal(t, http.StatusBadRequest, e.call(t, "POST", path+"share", map[string]string{"user": "Alice", "scene": "weibo"}, nil))
	assert.Equal(t, http.StatusNotFound, e.call(t, "POST", path+"share", map[string]string{"user": "Nobody"}, nil))
	assert.Equal(t, http.StatusNotFound, e.call(t, "POST", path+"read", map[string]string{"user": "a/b"}, nil), "not a valid name")
	assert.Equal(t, http.StatusNotFound, e.call(t, "POST", "/sim/api/articles/424242/0/share", map[string]string{"user": "Alice"}, nil))
	assert.Equal(t, http.StatusBadRequest, e.call(t, "POST", "/sim/api/articles/x/0/read", map[string]string{"user": "Alice"}, nil))
}
