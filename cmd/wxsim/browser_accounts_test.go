package main

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/browsertest"
)

// TestBrowserAccountSwitcher: with two accounts, the chat page's header
// lists them (#account); switching to the second makes the page act on it:
// its follower follows and chats with the second account's bot, the choice
// survives a reload (?account=), and switching back shows the first
// account's (empty) conversation; an appid it does not host falls back to
// the first. With one account the switcher is hidden.
// The screenshot is kept as wxsim-accounts.png under $ARTIFACTS_DIR.
func TestBrowserAccountSwitcher(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a browser")
	}
	browsertest.Require(t)
	e := newTestEnv(t, envOptions{noPay: true, accounts: 2})
	b := e.sim.Accounts()[1]
	bID := b.Account().AppID
	b.SetCallbackURL(newFakeBot(t, false).URL + "/wechat")
	one := newTestEnv(t, envOptions{noPay: true, noBot: true})

	ctx := browsertest.Start(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	switchTo := func(appid string) chromedp.Action[chromedp.Void] {
		return browsertest.WaitJS("the account switcher lists two accounts, "+appid+" chosen", `(() => {
			const s = document.getElementById('account');
			if (!s || s.hidden || s.options.length !== 2) return false;
			s.value = '`+appid+`'; s.dispatchEvent(new Event('change')); return true; })()`)
	}
	browsertest.Run(t, ctx, 60*time.Second,
		chromedp.Navigate(e.URL+"/"),
		switchTo(bID),
		browsertest.WaitJS("the URL names B", `location.search === '?account=`+bID+`'`),
		browsertest.WaitText("#account-name", "gh_51a0de000002"),
		chromedp.SendKeys(css("#follower-name"), "Bea"),
		chromedp.Click(css("#follow")),
		browsertest.WaitText(".bubble.from-bot", "welcome"),
		chromedp.SendKeys(css("#message-input"), "hello B"),
		chromedp.Click(css("#send")),
		browsertest.WaitExactText(".bubble.from-bot", "hello B"),
		browsertest.Screenshot(t, "wxsim-accounts.png"),
	)
	require.Len(t, b.Users(), 1, "Bea follows B")
	assert.Equal(t, "Bea", b.Users()[0].Name())
	assert.True(t, b.Users()[0].Following())
	assert.Empty(t, e.sim.Users(), "nobody follows A")

	// A reload keeps B, and Bea's conversation.
	browsertest.Run(t, ctx, 60*time.Second,
		chromedp.Reload(),
		browsertest.WaitExactText(".bubble.from-bot", "hello B"),
		browsertest.WaitJS("B still chosen", `document.getElementById('account').value === '`+bID+`'`),
		browsertest.WaitText("#current-name", "Bea"),
	)

	// Back to A: no follower, an empty conversation and follower list.
	browsertest.Run(t, ctx, 60*time.Second,
		switchTo(e.sim.Account().AppID),
		browsertest.WaitJS("the URL names no account", `location.search === ''`),
		browsertest.WaitText("#account-name", "gh_51a0de000001"),
		browsertest.WaitJS("A's empty conversation", `!document.querySelector('.bubble') && document.getElementById('follower-select').options.length === 1 && document.getElementById('current-name').textContent === '—'`),
	)

	// An account the simulator does not host (any more): the first.
	browsertest.Run(t, ctx, 60*time.Second,
		chromedp.Navigate(e.URL+"/?account=wx_gone"),
		browsertest.WaitJS("the URL names no account", `location.search === ''`),
		browsertest.WaitText("#account-name", "gh_51a0de000001"),
		browsertest.WaitJS("the first account chosen", `document.getElementById('account').value === '`+e.sim.Account().AppID+`'`),
	)

	// One account: no switcher.
	browsertest.Run(t, ctx, 60*time.Second,
		chromedp.Navigate(one.URL+"/"),
		browsertest.WaitText("#account-name", "gh_51a0de000001"),
		browsertest.WaitJS("the switcher hidden", `(() => { const s = document.getElementById('account'); return !!s && s.hidden && s.options.length === 1 && getComputedStyle(s).display === 'none'; })()`),
	)
}
