package main

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/webdriver"
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
	const days = 14
	d, cleanup, err := seededSimulator(context.Background(), days)
	require.NoError(t, err)
	t.Cleanup(cleanup)
	hs := httptest.NewServer(d)
	t.Cleanup(hs.Close)

	sess := webdriver.Start(t, webdriver.WithWindowSize(720, 1400))
	require.NoError(t, sess.Navigate(hs.URL+"/"))
	_, err = sess.WaitFor("#growth svg", 10*time.Second)
	require.NoError(t, err)
	for _, css := range []string{"#growth circle.point.new", "#growth circle.point.cancel", "#growth circle.point.cumulate", "#messages rect.bar"} {
		els, err := sess.FindAll(css)
		require.NoError(t, err)
		assert.Len(t, els, days, css)
	}
	last, err := sess.FindAll("#growth circle.point.cumulate")
	require.NoError(t, err)
	v, err := last[days-1].Attribute("data-value")
	require.NoError(t, err)
	n, _ := strconv.Atoi(v)
	assert.Positive(t, n, "followers at the end")

	rows, err := sess.FindAll("#comments tr.comment")
	require.NoError(t, err)
	require.Len(t, rows, 4)
	btn, err := rows[0].Find("button.elect")
	require.NoError(t, err)
	require.NoError(t, btn.Click())
	_, err = sess.WaitForText("#comments tr.comment", "[精选]", 10*time.Second)
	require.NoError(t, err)
	rows, err = sess.FindAll("#comments tr.comment")
	require.NoError(t, err)
	input, err := rows[1].Find("input[name=content]")
	require.NoError(t, err)
	require.NoError(t, input.SendKeys("谢谢支持"))
	btn, err = rows[1].Find("button.reply")
	require.NoError(t, err)
	require.NoError(t, btn.Click())
	_, err = sess.WaitForText("#comments", "谢谢支持", 10*time.Second)
	require.NoError(t, err)
	quotas, err := sess.FindAll("#quota tr.quota")
	require.NoError(t, err)
	assert.Len(t, quotas, len(quotaPaths))

	dir := os.Getenv("ARTIFACTS_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	shot := filepath.Join(dir, "dashboard.png")
	require.NoError(t, sess.Screenshot(shot))
	t.Logf("screenshot: %s", shot)
}
