package main

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/browsertest"
)

// TestBrowserCommentBox: a follower opens the articles panel of the chat
// page and comments under a published article; the comment reaches the
// simulator and shows under the article.
func TestBrowserCommentBox(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a browser")
	}
	browsertest.Require(t)
	e := newTestEnv(t, envOptions{noPay: true})
	pub := e.sim.PublishArticle("本周新品", "<p>x</p>", true)
	ctx := browsertest.Start(t)
	browsertest.Run(t, ctx, 60*time.Second,
		chromedp.Navigate(e.URL+"/"),
		chromedp.SendKeys(chromedp.CSS("#follower-name"), "Nia"),
		chromedp.Click(chromedp.CSS("#follow")),
		browsertest.WaitText(".bubble.from-bot", "welcome"),
		chromedp.Click(chromedp.CSS("#articles-toggle")),
		chromedp.SendKeys(chromedp.CSS("#articles .comment-box input"), "写得好"),
		chromedp.Click(chromedp.CSS("#articles .comment-box button")),
		browsertest.WaitText("#articles .article-comment", "Nia：写得好"),
	)
	comments := e.sim.Comments(pub.MsgDataID, pub.Index)
	require.Len(t, comments, 1)
	assert.Equal(t, "写得好", comments[0].Content)
	assert.Equal(t, "Nia", comments[0].Name)
}
