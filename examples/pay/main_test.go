package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/syncbuf"
)

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestConfigFromEnv(t *testing.T) {
	t.Parallel()
	cfg, missing := configFromEnv(func(string) string { return "" })
	assert.True(t, cfg.empty())
	assert.Equal(t, []string{"WECHATPAY_MCHID", "WECHATPAY_SERIAL", "WECHATPAY_PRIVATE_KEY_FILE", "WECHATPAY_APIV3_KEY", "WECHAT_APPID"}, missing)

	env := map[string]string{"WECHATPAY_MCHID": "1900000109", "WECHATPAY_SERIAL": "SERIAL", "WECHATPAY_PRIVATE_KEY_FILE": "k.pem",
		"WECHATPAY_APIV3_KEY": strings.Repeat("k", 32), "WECHAT_APPID": "wx1"}
	cfg, missing = configFromEnv(func(k string) string { return env[k] })
	assert.False(t, cfg.empty())
	assert.Empty(t, missing)
	assert.Equal(t, config{mchID: "1900000109", serial: "SERIAL", keyFile: "k.pem", apiV3Key: strings.Repeat("k", 32), appID: "wx1"}, cfg)

	env["WECHATPAY_PUBLIC_KEY_ID"] = "PUB_KEY_ID_0114232134912410000000000000"
	_, missing = configFromEnv(func(k string) string { return env[k] })
	assert.Equal(t, []string{"WECHATPAY_PUBLIC_KEY_FILE and WECHATPAY_PUBLIC_KEY_ID (set both or neither)"}, missing)

	cfg, _ = configFromEnv(func(k string) string {
		if k == "WECHATPAY_PUBLIC_KEY_FILE" {
			return "pub.pem"
		}
		return ""
	})
	assert.False(t, cfg.empty(), "any variable means the real WeChat Pay")
}

func TestRunReportsBadKeyFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	err := run(config{keyFile: filepath.Join(dir, "missing.pem")}, "127.0.0.1:0", "http://127.0.0.1:1", "", discard())
	assert.ErrorContains(t, err, "reading WECHATPAY_PRIVATE_KEY_FILE")

	bad := filepath.Join(dir, "bad.pem")
	require.NoError(t, os.WriteFile(bad, []byte("not a key"), 0o600))
	err = run(config{keyFile: bad}, "127.0.0.1:0", "http://127.0.0.1:1", "", discard())
	assert.Error(t, err)
	assert.NotContains(t, err.Error(), "not a key")
}

// TestSmoke runs the -smoke mode: one JSAPI payment end to end, the
// notification verified by the shop's own handler.
func TestSmoke(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	require.NoError(t, runSimulator(context.Background(), "127.0.0.1:8081", true, false, &out, &errOut, discard()))
	assert.Equal(t, simNotice+"\n", errOut.String())
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, lines, 6, out.String())
	assert.Regexp(t, `^1\. POST /checkout as Alice \(1 fen\): JSAPI order \w{20,32} created, prepay_id wx\w+; the page calls getBrandWCPayRequest$`, lines[0])
	assert.Regexp(t, `^2\. Alice paid on the simulator: transaction_id \d{28}, trade_state SUCCESS$`, lines[1])
	assert.Regexp(t, `^3\. POST /pay/notify: TRANSACTION\.SUCCESS verified \(signature, AES-256-GCM\) and processed: order \w+ paid, 1 fen$`, lines[2])
	assert.Equal(t, "4. WeChat Pay recorded the acknowledgement (HTTP 200)", lines[3])
	assert.Regexp(t, `^5\. query order \w+ \(查询订单\): trade_state SUCCESS$`, lines[4])
	assert.Equal(t, "smoke test passed", lines[5])
}

func TestSmokePayFailures(t *testing.T) {
	t.Parallel()
	x, err := startSimulation(discard())
	require.NoError(t, err)
	t.Cleanup(x.Close)
	ctx := context.Background()

	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "could not create the order", http.StatusBadGateway)
	}))
	t.Cleanup(failing.Close)
	err = smokePay(ctx, failing.URL, failing.URL+"/pay/notify", x, nil, io.Discard)
	assert.ErrorContains(t, err, "502 Bad Gateway: could not create the order")

	empty := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(empty.Close)
	err = smokePay(ctx, empty.URL, empty.URL+"/pay/notify", x, nil, io.Discard)
	assert.ErrorContains(t, err, "lacks the order")

	unknown := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `<p>Order 20240101000000ABCDEF: 1 fen</p><script>var params = {"package":"prepay_id=wx_unknown","paySign":"x"}; getBrandWCPayRequest</script>`)
	}))
	t.Cleanup(unknown.Close)
	err = smokePay(ctx, unknown.URL, unknown.URL+"/pay/notify", x, nil, io.Discard)
	assert.ErrorContains(t, err, "paying as Alice")
	assert.ErrorContains(t, err, "ORDER_NOT_EXIST")
}

// TestServeAgainstSimulator uses the shop the way a browser would with no
// environment: the form suggests the simulated payer, the pay page links to
// the simulator's checkout, which pays the order.
func TestServeAgainstSimulator(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var errOut bytes.Buffer
	logs := &syncbuf.Buffer{}
	done := make(chan error, 1)
	go func() {
		done <- runSimulator(ctx, "127.0.0.1:0", false, false, pw, &errOut, slog.New(slog.NewTextHandler(logs, nil)))
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	require.True(t, lines.Scan())
	require.Regexp(t, `^checkout:  http://127\.0\.0\.1:\d+/ \(the openid is the simulated payer Alice's\)$`, lines.Text())
	site := strings.TrimSuffix(strings.Fields(lines.Text())[1], "/")
	require.True(t, lines.Scan())
	require.Regexp(t, `^simulator: http://127\.0\.0\.1:\d+ \(the pay page links to its checkout http://127\.0\.0\.1:\d+/sim/pay, which pays without WeChat\)$`, lines.Text())
	simURL := strings.Fields(lines.Text())[1]
	require.True(t, lines.Scan())
	require.Regexp(t, `^merchant:  \d{10}, a test merchant generated for this run$`, lines.Text())
	go func() { _, _ = io.Copy(io.Discard, pr) }()

	get := func(u string) string {
		resp, err := http.Get(u)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s", b)
		return string(b)
	}
	form := get(site + "/")
	m := strings.Index(form, `name="openid" value="o`)
	require.Positive(t, m, form)
	openID := form[m+len(`name="openid" value="`):]
	openID = openID[:strings.IndexByte(openID, '"')]

	resp, err := http.PostForm(site+"/checkout", url.Values{"openid": {openID}, "description": {"咖啡"}, "amount": {"1800"}})
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", b)
	page := string(b)
	assert.Contains(t, page, "getBrandWCPayRequest")
	i := strings.Index(page, `<a id="sim-pay" href="`)
	require.Positive(t, i, page)
	link := page[i+len(`<a id="sim-pay" href="`):]
	link = strings.ReplaceAll(link[:strings.IndexByte(link, '"')], "&amp;", "&")
	require.True(t, strings.HasPrefix(link, simURL+"/sim/pay?prepay_id=wx"), link)

	checkout := get(link)
	assert.Contains(t, checkout, "微信支付（模拟）")
	assert.Contains(t, checkout, "咖啡")
	u, _ := url.Parse(link)
	resp, err = http.PostForm(simURL+"/sim/pay", url.Values{"prepay_id": {u.Query().Get("prepay_id")}, "openid": {openID}, "html": {"1"}})
	require.NoError(t, err)
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(b), "支付成功")
	assert.Contains(t, string(b), "18.00")
	// The simulator notifies the shop, whose handler verifies and processes it.
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), `msg="order paid"`) }, 10*time.Second, 10*time.Millisecond)
	assert.Contains(t, logs.String(), "total=1800")

	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("runSimulator did not stop")
	}
	assert.Equal(t, simNotice+"\n", errOut.String())
	assert.Len(t, openID, 28)
}

func TestSmokeIgnoresTheEnvironment(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	require.NoError(t, runSimulator(context.Background(), "", true, true, &out, &errOut, discard()))
	assert.Equal(t, "pay: -smoke ignores the WECHAT* environment: running against the built-in simulator\n", errOut.String())
	assert.Contains(t, out.String(), "smoke test passed")
}
