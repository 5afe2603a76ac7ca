package main

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"

	"github.com/wxkit/mp/internal/browsertest"
	"github.com/wxkit/mp/sim"
)

// TestBrowserArticleReadShare: a follower opens an article in the articles
// panel (a read) and shares it; both reach the simulator and the panel
// shows the counts.
func TestBrowserArticleReadShare(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a browser")
	}
	browsertest.Require(t)
	e := newTestEnv(t, envOptions{noPay: true})
	pub := e.sim.PublishArticle("本周新品", "<p>x</p>", false)
	ctx := browsertest.Start(t)
	browsertest.Run(t, ctx, 60*time.Second,
		chromedp.Navigate(e.URL+"/"),
		chromedp.SendKeys(chromedp.CSS("#follower-name"), "Nia"),
		chromedp.Click(chromedp.CSS("#follow")),
		browsertest.WaitText(".bubble.from-bot", "welcome"),
		chromedp.Click(chromedp.CSS("#articles-toggle")),
		chromedp.Click(chromedp.CSS("#articles .article-title")),
		browsertest.WaitText("#articles .article-stats", "阅读 1 · 分享 0"),
		chromedp.Click(chromedp.CSS("#articles .article-share")),
		browsertest.WaitText("#articles .article-stats", "阅读 1 · 分享 1"),
	)
	act := e.sim.ArticleActivity(pub.MsgDataID, pub.Index)
	assert.Equal(t, 1, act.ReadUsers)
	assert.Equal(t, map[sim.ShareScene]int{sim.ShareToFriend: 1}, act.SharesTo)
}
