package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/webdriver"
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
	sess := webdriver.Start(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			src, _ := sess.PageSource()
			t.Fatalf("%v\npage source: %s", err, src)
		}
	}
	click := func(css string) {
		t.Helper()
		el, err := sess.WaitFor(css, 5*time.Second)
		must(err)
		must(el.Click())
	}
	must(sess.Navigate(e.URL + "/"))
	name, err := sess.WaitFor("#follower-name", 5*time.Second)
	must(err)
	must(name.SendKeys("Mia"))
	scene, err := sess.Find("#scene-input")
	must(err)
	must(scene.SendKeys("7"))
	click("#follow")
	_, err = sess.WaitForText(".bubble.from-bot", "welcome", 10*time.Second)
	must(err)
	_, err = sess.WaitForText(".system", "QR scene 7", 5*time.Second)
	must(err)
	users := e.sim.Users()
	require.Len(t, users, 1)
	openid := users[0].OpenID()

	// Scanning again as a follower sends SCAN.
	click("#scan")
	_, err = sess.WaitForText(".system", "scanned QR scene 7", 5*time.Second)
	must(err)

	// Deliveries through the API arrive live.
	e.platform(t, "/cgi-bin/message/template/send", `{"touser":"`+openid+`","template_id":"`+sim.DefaultTemplateID+`","url":"https://example.com/o",
		"data":{"first":{"value":"支付成功"},"keyword1":{"value":"No.1"},"keyword2":{"value":"9.90元"},"remark":{"value":"谢谢"}}}`)
	card, err := sess.WaitForText(".card.template", "订单号：No.1", 5*time.Second)
	must(err)
	text, err := card.Text()
	must(err)
	assert.Contains(t, text, "支付成功")
	assert.Contains(t, text, "金额：9.90元")
	link, err := card.Find("a.card-link")
	must(err)
	href, err := link.Attribute("href")
	must(err)
	assert.Equal(t, "https://example.com/o", href)

	e.platform(t, "/cgi-bin/message/custom/send", `{"touser":"`+openid+`","msgtype":"news","news":{"articles":[{"title":"新品上市","description":"看看","url":"https://example.com/n","picurl":"`+e.URL+`/sim/avatar/x"}]}}`)
	_, err = sess.WaitForText(".card.news", "新品上市", 5*time.Second)
	must(err)
	_, err = sess.WaitForText(".meta", "客服消息", 5*time.Second)
	must(err)

	// A reply the platform rejects shows WeChat's notice and the reason.
	input, err := sess.Find("#message-input")
	must(err)
	must(input.SendKeys(badReplyText + webdriver.Enter))
	must(waitExactText(sess, ".bubble.from-bot.error", sim.ServiceUnavailableNotice, 10*time.Second))
	_, err = sess.WaitForText(".system.error", "rejected", 5*time.Second)
	must(err)

	// Sub-menus pop up; their click buttons send CLICK events.
	sub, err := sess.Find(`.menu-button[data-key="about"]`)
	must(err)
	click(".menu-parent")
	must(sub.Click())
	_, err = sess.WaitForText(".system", "clicked menu key about", 5*time.Second)
	must(err)

	// Unfollowing from the page.
	click("#unfollow")
	_, err = sess.WaitForText("#follow-state", "not following", 5*time.Second)
	must(err)
	bubbles, err := sess.FindAll(".bubble.from-user")
	must(err)
	var sent []string
	for _, b := range bubbles {
		s, _ := b.Text()
		sent = append(sent, s)
	}
	assert.Equal(t, badReplyText, strings.Join(sent, "|"))
}
