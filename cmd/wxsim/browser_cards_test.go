package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/browsertest"
	"github.com/wxkit/mp/sim"
)

// TestBrowserCards checks, against an in-process simulator and fake bot,
// how the chat page renders what arrives other than text replies: a
// template message card, a customer-service news card, the "service
// unavailable" notice of a rejected reply, a sub-menu, and a QR scan.
func TestBrowserCards(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a browser")
	}
	e := newTestEnv(t, envOptions{safe: true, noPay: true})
	e.createMenu(t)
	ctx := browsertest.Start(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	browsertest.Run(t, ctx, 60*time.Second,
		chromedp.Navigate(e.URL+"/"),
		chromedp.SendKeys(css("#follower-name"), "Mia"),
		chromedp.SendKeys(css("#scene-input"), "7"),
		chromedp.Click(css("#follow")),
		browsertest.WaitText(".bubble.from-bot", "welcome"),
		browsertest.WaitText(".system", "QR scene 7"),
	)
	users := e.sim.Users()
	require.Len(t, users, 1)
	openid := users[0].OpenID()

	// Scanning again as a follower sends SCAN.
	browsertest.Run(t, ctx, 45*time.Second,
		chromedp.Click(css("#scan")),
		browsertest.WaitText(".system", "scanned QR scene 7"),
	)

	// Deliveries through the API arrive live.
	e.platform(t, "/cgi-bin/message/template/send", `{"touser":"`+openid+`","template_id":"`+sim.DefaultTemplateID+`","url":"https://example.com/o",
		"data":{"first":{"value":"支付成功"},"keyword1":{"value":"No.1"},"keyword2":{"value":"9.90元"},"remark":{"value":"谢谢"}}}`)
	browsertest.Run(t, ctx, 45*time.Second, browsertest.WaitText(".card.template", "订单号：No.1"))
	text := browsertest.Get(t, ctx, 20*time.Second, chromedp.Text(css(".card.template")))
	assert.Contains(t, text, "支付成功")
	assert.Contains(t, text, "金额：9.90元")
	href := browsertest.Get(t, ctx, 20*time.Second, browsertest.Attr(".card.template a.card-link", "href"))
	assert.Equal(t, "https://example.com/o", href)

	e.platform(t, "/cgi-bin/message/custom/send", `{"touser":"`+openid+`","msgtype":"news","news":{"articles":[{"title":"新品上市","description":"看看","url":"https://example.com/n","picurl":"`+e.URL+`/sim/avatar/x"}]}}`)
	browsertest.Run(t, ctx, 45*time.Second,
		browsertest.WaitText(".card.news", "新品上市"),
		browsertest.WaitText(".meta", "客服消息"),
	)

	// A reply the platform rejects shows WeChat's notice and the reason.
	browsertest.Run(t, ctx, 60*time.Second,
		chromedp.SendKeys(css("#message-input"), badReplyText+kb.Enter),
		browsertest.WaitExactText(".bubble.from-bot.error", sim.ServiceUnavailableNotice),
		browsertest.WaitText(".system.error", "rejected"),
	)

	// Sub-menus pop up; their click buttons send CLICK events.
	browsertest.Run(t, ctx, 45*time.Second,
		chromedp.Click(css(".menu-parent")),
		chromedp.Click(css(`.menu-button[data-key="about"]`)),
		browsertest.WaitText(".system", "clicked menu key about"),
	)

	// Unfollowing from the page.
	browsertest.Run(t, ctx, 45*time.Second,
		chromedp.Click(css("#unfollow")),
		browsertest.WaitText("#follow-state", "not following"),
	)
	sent := browsertest.Get(t, ctx, 20*time.Second, browsertest.Texts(".bubble.from-user"))
	assert.Equal(t, badReplyText, strings.Join(sent, "|"))
}
