package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/webdriver"
)

// TestBrowserCommentBox: a follower opens the articles panel of the chat
// page and comments under a published article; the comment reaches the
// simulator and shows under the article.
func TestBrowserCommentBox(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a browser")
	}
	e := newTestEnv(t, envOptions{noPay: true})
	pub := e.sim.PublishArticle("本周新品", "<p>x</p>", true)
	sess := webdriver.Start(t)
	require.NoError(t, sess.Navigate(e.URL+"/"))
	name, err := sess.WaitFor("#follower-name", 5*time.Second)
	require.NoError(t, err)
	require.NoError(t, name.SendKeys("Nia"))
	follow, err := sess.Find("#follow")
	require.NoError(t, err)
	require.NoError(t, follow.Click())
	_, err = sess.WaitForText(".bubble.from-bot", "welcome", 10*time.Second)
	require.NoError(t, err)

	toggle, err := sess.WaitFor("#articles-toggle", 5*time.Second)
	require.NoError(t, err)
	require.NoError(t, toggle.Click())
	input, err := sess.WaitFor("#articles .comment-box input", 5*time.Second)
	require.NoError(t, err)
	require.NoError(t, input.SendKeys("写得好"))
	send, err := sess.Find("#articles .comment-box button")
	require.NoError(t, err)
	require.NoError(t, send.Click())
	_, err = sess.WaitForText("#articles .article-comment", "Nia：写得好", 10*time.Second)
	require.NoError(t, err)
	comments := e.sim.Comments(pub.MsgDataID, pub.Index)
	require.Len(t, comments, 1)
	assert.Equal(t, "写得好", comments[0].Content)
	assert.Equal(t, "Nia", comments[0].Name)
}
