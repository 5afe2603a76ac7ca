package main

import (
	"context"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/browsertest"
)

// TestBrowserDashboard opens the dashboard (seeded simulator, 14 days) in
// headless Chromium: the growth chart has one point per day for each of
// its three series and the message chart one bar per day; electing and
// replying to a comment through the buttons shows on the page. It saves a
// screenshot as $ARTIFACTS_DIR/dashboard.png. Without Chromium it skips,
// except under CI=true, where it fails.
func TestBrowserDashboard(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a browser")
	}
	browsertest.Require(t)
	const days = 14
	d, cleanup, err := seededSimulator(context.Background(), days)
	require.NoError(t, err)
	t.Cleanup(cleanup)
	hs := httptest.NewServer(d)
	t.Cleanup(hs.Close)

	ctx := browsertest.Start(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	browsertest.Run(t, ctx, 60*time.Second,
		chromedp.EmulateViewport(720, 1400),
		chromedp.Navigate(hs.URL+"/"),
		chromedp.WaitVisible(css("#growth svg")),
	)
	count := func(sel string) int {
		return browsertest.Get(t, ctx, 10*time.Second,
			chromedp.Evaluate[int]("document.querySelectorAll("+strconv.Quote(sel)+").length"))
	}
	for _, sel := range []string{"#growth circle.point.new", "#growth circle.point.cancel", "#growth circle.point.cumulate", "#messages rect.bar"} {
		assert.Equal(t, days, count(sel), sel)
	}
	v := browsertest.Get(t, ctx, 10*time.Second, chromedp.Evaluate[string](
		`[...document.querySelectorAll("#growth circle.point.cumulate")].pop().getAttribute("data-value")`))
	n, _ := strconv.Atoi(v)
	assert.Positive(t, n, "followers at the end")

	require.Equal(t, 4, count("#comments tr.comment"))
	browsertest.Run(t, ctx, 60*time.Second,
		chromedp.Click(css("#comments tr.comment:nth-of-type(2) button.elect")), // the header row is the first tr
		browsertest.WaitText("#comments tr.comment", "[精选]"),
		chromedp.SendKeys(css("#comments tr.comment:nth-of-type(3) input[name=content]"), "谢谢支持"),
		chromedp.Click(css("#comments tr.comment:nth-of-type(3) button.reply")),
		browsertest.WaitText("#comments", "谢谢支持"),
	)
	assert.Equal(t, len(quotaPaths), count("#quota tr.quota"))
	browsertest.Run(t, ctx, 30*time.Second, browsertest.Screenshot(t, "dashboard.png"))
}
