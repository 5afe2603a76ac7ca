package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/browsertest"
	"github.com/wxkit/mp/message"
	"github.com/wxkit/mp/sim"
)

// longMediaID makes the simulator reject a reply with a long unbroken reason.
var longMediaID = strings.Repeat("M", 400)

// pageBot answers "hello" with "hi", "long" with an image reply of an
// unknown, very long media_id (rejected), and nothing else (no reply).
func pageBot(t *testing.T) *httptest.Server {
	t.Helper()
	r := message.NewRouter()
	r.Keyword("hello", func(context.Context, message.Message) (message.Reply, error) {
		return message.TextReply{Content: "hi"}, nil
	})
	r.Keyword("long", func(context.Context, message.Message) (message.Reply, error) {
		return message.ImageReply{MediaID: longMediaID}, nil
	})
	srv, err := message.NewServer(message.Config{AppID: sim.DefaultAppID, Token: sim.DefaultToken}, r)
	require.NoError(t, err)
	bot := httptest.NewServer(srv)
	t.Cleanup(bot.Close)
	return bot
}

// slowPictures serves a 320×320 PNG after a delay, so that it loads after
// the chat has rendered and scrolled.
func slowPictures(t *testing.T) *httptest.Server {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 320, 320))
	for x := range 320 {
		for y := range 320 {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(150 * time.Millisecond)
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(buf.Bytes())
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestBrowserPage checks the chat page's details in headless Chromium: a
// message that got no reply shows a marker (and one that got a reply does
// not), a long rejection reason wraps instead of widening the page, the
// location is entered in fields (no prompt()), reloading scrolls to the
// newest message although images load later, and the simulator's OAuth
// consent page is styled like the chat and leads back to it. Screenshots
// of each go to $ARTIFACTS_DIR.
func TestBrowserPage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a browser")
	}
	e := newTestEnv(t, envOptions{noPay: true, noBot: true})
	e.sim.SetCallbackURL(pageBot(t).URL + "/wechat")
	pics := slowPictures(t)
	ctx := browsertest.Start(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	// Any prompt() is recorded, never shown.
	noPrompt := chromedp.Evaluate[bool](`window.prompt = function () { window.__prompted = true; return null; }; true`)

	// Follow: the bot does not answer subscribe, so the event is marked.
	browsertest.Run(t, ctx, 60*time.Second,
		chromedp.Navigate(e.URL+"/"),
		chromedp.SendKeys(css("#follower-name"), "Zoe"),
		chromedp.Click(css("#follow")),
		browsertest.WaitText(".system", "关注了公众号"),
		browsertest.WaitText(".system .no-reply", "no reply"),
	)

	// A text with no reply is marked; one with a reply is not.
	browsertest.Run(t, ctx, 60*time.Second,
		chromedp.SendKeys(css("#message-input"), "anyone there?"),
		chromedp.Click(css("#send")),
		browsertest.WaitJS("a no-reply marker under the unanswered message",
			`[...document.querySelectorAll('.row.right')].some(r => r.innerText.includes('anyone there?') && r.querySelector('.no-reply'))`),
		chromedp.SendKeys(css("#message-input"), "hello"),
		chromedp.Click(css("#send")),
		browsertest.WaitExactText(".bubble.from-bot", "hi"),
	)
	marked := browsertest.Get(t, ctx, 20*time.Second, chromedp.Evaluate[bool](
		`[...document.querySelectorAll('.row.right')].filter(r => r.innerText.includes('hello')).some(r => r.querySelector('.no-reply'))`))
	assert.False(t, marked, "the answered message is marked as unanswered")

	// A long rejection reason wraps inside the phone.
	browsertest.Run(t, ctx, 60*time.Second,
		chromedp.SendKeys(css("#message-input"), "long"),
		chromedp.Click(css("#send")),
		browsertest.WaitText(".system.error", "unknown media_id"),
		browsertest.Screenshot(t, "wxsim-page-long-error.png"),
	)
	overflow := browsertest.Get(t, ctx, 20*time.Second, chromedp.Evaluate[[]int](
		`(() => { const c = document.getElementById('chat'); const e = [...document.querySelectorAll('.system.error')].pop();
		  return [c.scrollWidth - c.clientWidth, e.scrollWidth - e.clientWidth, e.getBoundingClientRect().height]; })()`))
	require.Len(t, overflow, 3)
	assert.LessOrEqual(t, overflow[0], 1, "the chat scrolls sideways: the reason does not wrap")
	assert.LessOrEqual(t, overflow[1], 1, "the reason overflows its line")
	assert.Greater(t, overflow[2], 30, "the reason should take several lines")

	// The location is entered in fields.
	browsertest.Run(t, ctx, 60*time.Second,
		func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := noPrompt(ctx, tg)
			return chromedp.Void{}, err
		},
		chromedp.Click(css("#send-location")),
		chromedp.WaitVisible(css("#location-form")),
		chromedp.Clear(css("#location-lat")),
		chromedp.SendKeys(css("#location-lat"), "31.2397"),
		chromedp.Clear(css("#location-lng")),
		chromedp.SendKeys(css("#location-lng"), "121.4998"),
		chromedp.Clear(css("#location-label")),
		chromedp.SendKeys(css("#location-label"), "外滩 The Bund"),
		browsertest.Screenshot(t, "wxsim-page-location-form.png"),
		chromedp.Click(css("#location-send")),
		browsertest.WaitExactText(".bubble.from-user", "[位置] 外滩 The Bund"),
		chromedp.WaitNotVisible(css("#location-form")),
	)
	prompted := browsertest.Get(t, ctx, 20*time.Second, chromedp.Evaluate[bool](`!!window.__prompted`))
	assert.False(t, prompted, "the location was asked with prompt()")
	users := e.sim.Users()
	require.Len(t, users, 1)
	zoe := users[0]
	var loc string
	items, _ := e.app.first().feed.since(0, zoe.OpenID())
	for _, d := range items {
		if d.Location != nil {
			loc = d.Location.Lat + "," + d.Location.Lng + "," + d.Location.Label
		}
	}
	assert.Equal(t, "31.2397,121.4998,外滩 The Bund", loc)

	// Reloading scrolls to the newest message, although the pictures load
	// after the conversation has rendered.
	for i := range 6 {
		_, err := zoe.SendImage(context.Background(), pics.URL+"/p"+string(rune('a'+i))+".png")
		require.NoError(t, err)
		_, err = zoe.SendText(context.Background(), "hello")
		require.NoError(t, err)
	}
	_, err := zoe.SendText(context.Background(), "the last one")
	require.NoError(t, err)
	browsertest.Run(t, ctx, 90*time.Second,
		chromedp.Reload(),
		browsertest.WaitText(".bubble.from-user", "the last one"),
		browsertest.WaitJS("every picture loaded", `(() => { const i = [...document.querySelectorAll('#chat img')];
			return i.length >= 6 && i.every(x => x.complete && x.naturalWidth > 0); })()`),
		browsertest.WaitJS("the chat scrolled to the end", `(() => { const c = document.getElementById('chat');
			return c.scrollHeight > c.clientHeight && c.scrollHeight - c.scrollTop - c.clientHeight < 2; })()`),
		browsertest.Screenshot(t, "wxsim-page-reload.png"),
	)
	// The last message is on screen.
	visible := browsertest.Get(t, ctx, 20*time.Second, chromedp.Evaluate[bool](`(() => {
		const last = [...document.querySelectorAll('.bubble.from-user')].pop(), c = document.getElementById('chat').getBoundingClientRect();
		const r = last.getBoundingClientRect(); return r.bottom <= c.bottom + 1 && r.top >= c.top; })()`))
	assert.True(t, visible, "the newest message is not in view after a reload")

	// The consent page looks like the chat and leads back to it.
	q := url.Values{"appid": {sim.DefaultAppID}, "redirect_uri": {"http://127.0.0.1:1/cb"}, "response_type": {"code"},
		"scope": {"snsapi_userinfo"}, "state": {"s"}, "sim_openid": {zoe.OpenID()}}
	browsertest.Run(t, ctx, 60*time.Second,
		chromedp.Navigate(e.URL+"/connect/oauth2/authorize?"+q.Encode()+"#wechat_redirect"),
		chromedp.WaitVisible(css("#allow")),
		browsertest.WaitText("#consent", "申请获得你的昵称"),
		browsertest.Screenshot(t, "wxsim-oauth-consent-styled.png"),
	)
	look := browsertest.Get(t, ctx, 20*time.Second, chromedp.Evaluate[[]string](`(() => {
		const s = e => getComputedStyle(document.querySelector(e));
		return [s('#allow').backgroundColor, s('.phone').maxWidth, s('body').fontFamily]; })()`))
	require.Len(t, look, 3)
	assert.Equal(t, "rgb(7, 193, 96)", look[0], "the Allow button is WeChat green, as in the chat")
	assert.Equal(t, "420px", look[1], "the page is a phone, like the chat")
	assert.Contains(t, look[2], "WenQuanYi Micro Hei")
	browsertest.Run(t, ctx, 60*time.Second,
		chromedp.Click(css("#back-to-chat")),
		chromedp.WaitVisible(css("#chat")),
		browsertest.WaitExactText("#current-name", "Zoe"),
		browsertest.WaitText(".bubble.from-user", "the last one"),
	)
}
