package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/syncbuf"
	"github.com/wxkit/mp/sim"
	"github.com/wxkit/mp/sim/paysim"
)

func TestParseServe(t *testing.T) {
	t.Parallel()
	c, err := parseServe(nil, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, serveConfig{Addr: DefaultAddr, SafeMode: true, Pay: true, PayDir: defaultPayDir(), ReplyTimeout: sim.DefaultReplyTimeout, AccountType: "service", Accounts: 1}, c)
	c, err = parseServe([]string{"--addr", "127.0.0.1:0", "--forward-to", "http://127.0.0.1:8080/wechat", "--plaintext",
		"--pay=false", "--reply-timeout", "2s", "--retries", "3", "-v"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, serveConfig{Addr: "127.0.0.1:0", ForwardTo: "http://127.0.0.1:8080/wechat", SafeMode: false, Pay: false,
		PayDir: defaultPayDir(), ReplyTimeout: 2 * time.Second, Retries: 3, Verbose: true, AccountType: "service", Accounts: 1}, c)
	c, err = parseServe([]string{"--safe-mode=false"}, io.Discard)
	require.NoError(t, err)
	assert.False(t, c.SafeMode)
}

func TestServeBannerAndShutdown(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bot := newFakeBot(t, true)
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncbuf.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--forward-to", bot.URL + "/wechat", "--pay-dir", dir}, &stdout, &stderr, os.Getenv)
	}()
	waitFor(t, 30*time.Second, "the banner", func() bool { return strings.Contains(stdout.String(), "Press Ctrl+C") })
	out := stdout.String()
	base := ""
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(line, "WECHAT_BASE_URL="); ok {
			base = v
		}
	}
	require.True(t, strings.HasPrefix(base, "http://127.0.0.1:"), out)
	for _, want := range []string{
		"Chat page      " + base + "/",
		"Forwarding to  " + bot.URL + "/wechat (safe mode",
		"WECHAT_APPID=" + sim.DefaultAppID + "\n",
		"WECHAT_APPSECRET=" + sim.DefaultAppSecret + "\n",
		"WECHAT_TOKEN=" + sim.DefaultToken + "\n",
		"WECHAT_ENCODING_AES_KEY=" + sim.DefaultEncodingAESKey + "\n",
		"WECHATPAY_MCHID=19",
		"WECHATPAY_APIV3_KEY=",
		"WECHATPAY_SERIAL=",
		"WECHATPAY_PRIVATE_KEY_FILE=" + filepath.Join(dir, privateKeyFile) + "\n",
		"WECHATPAY_PUBLIC_KEY_ID=PUB_KEY_ID_01",
		"WECHATPAY_PUBLIC_KEY_FILE=" + filepath.Join(dir, publicKeyFile) + "\n",
		"generated, kept in " + dir,
		"Try: wxsim --sim " + base + " follow --user Alice",
	} {
		assert.Contains(t, out, want)
	}

	// The program serves the page, the API and the platform.
	resp, err := http.Get(base + "/")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	var code int
	var errs string
	var b bytes.Buffer
	var eb bytes.Buffer
	code = run(context.Background(), []string{"follow", "--user", "Zoe", "--sim", base}, &b, &eb, os.Getenv)
	errs = eb.String()
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, b.String(), "welcome")

	// An open event stream does not hold up the graceful shutdown.
	req, _ := http.NewRequest("GET", base+"/sim/api/events", nil)
	req.Header.Set("Accept", "text/event-stream")
	stream, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer stream.Body.Close()

	cancel()
	select {
	case c := <-done:
		assert.Equal(t, exitOK, c, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	assert.Contains(t, stderr.String(), "wxsim: shutting down")

	// A second start reuses the merchant.
	keys, err := loadOrCreatePayKeys(dir)
	require.NoError(t, err)
	assert.True(t, keys.Reused)
	assert.Contains(t, out, "WECHATPAY_MCHID="+keys.Merchant.MchID+"\n")
	assert.Contains(t, out, "WECHATPAY_APIV3_KEY="+keys.Merchant.APIv3Key+"\n")
	assert.Contains(t, out, "WECHATPAY_SERIAL="+keys.Merchant.MerchantSerial+"\n")
	assert.Contains(t, out, "WECHATPAY_PUBLIC_KEY_ID="+keys.PublicKeyID+"\n")
}

func TestServePlaintextWithoutPay(t *testing.T) {
	t.Parallel()
	srv, err := startServer(serveConfig{Addr: "127.0.0.1:0", SafeMode: false, ReplyTimeout: time.Second}, nil)
	require.NoError(t, err)
	defer func() { assert.NoError(t, srv.shutdown()) }()
	var out bytes.Buffer
	printBanner(&out, serveConfig{SafeMode: false}, srv)
	assert.Contains(t, out.String(), "Forwarding to  nothing yet: restart with --forward-to")
	assert.Contains(t, out.String(), "(明文模式)")
	assert.Contains(t, out.String(), "# optional in plaintext mode")
	assert.NotContains(t, out.String(), "WECHATPAY_")
	resp, err := http.Get(srv.url + "/v3/certificates")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "pay is off")
}

func TestServeAddressInUse(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"--addr", ln.Addr().String(), "--pay=false"}, io.Discard, &stderr, os.Getenv)
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, stderr.String(), "is another wxsim running? choose another --addr")
}

func TestBrowsable(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "127.0.0.1:80", browsable(&net.TCPAddr{IP: net.IPv4zero, Port: 80}))
	assert.Equal(t, "127.0.0.1:80", browsable(&net.TCPAddr{IP: net.IPv6unspecified, Port: 80}))
	assert.Equal(t, "[::1]:81", browsable(&net.TCPAddr{IP: net.IPv6loopback, Port: 81}))
	assert.Equal(t, "127.0.0.1:82", browsable(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 82}))
}

func TestPayKeys(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "pay")
	k, err := loadOrCreatePayKeys(dir)
	require.NoError(t, err)
	assert.False(t, k.Reused)
	assert.Regexp(t, `^PUB_KEY_ID_01\d{30}$`, k.PublicKeyID)
	assert.Len(t, k.Merchant.APIv3Key, 32)
	for name, perm := range map[string]os.FileMode{privateKeyFile: 0o600, payStateFile: 0o600, publicKeyFile: 0o644} {
		st, err := os.Stat(filepath.Join(dir, name))
		require.NoError(t, err)
		assert.Equal(t, perm, st.Mode().Perm(), name)
	}
	st, err := os.Stat(dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), st.Mode().Perm())

	// The files are what a merchant downloads: apiclient_key.pem (PKCS #8)
	// and pub_key.pem (PKIX), matching the keys in use.
	keyPEM, err := os.ReadFile(k.PrivateKeyPath)
	require.NoError(t, err)
	parsed, err := paysim.ParsePrivateKeyPEM(keyPEM)
	require.NoError(t, err)
	assert.True(t, parsed.Equal(k.Merchant.PrivateKey))
	pubPEM, err := os.ReadFile(k.PublicKeyPath)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(pubPEM), "-----BEGIN PUBLIC KEY-----"))

	again, err := loadOrCreatePayKeys(dir)
	require.NoError(t, err)
	assert.True(t, again.Reused)
	assert.Equal(t, k.Merchant.MchID, again.Merchant.MchID)
	assert.Equal(t, k.Merchant.APIv3Key, again.Merchant.APIv3Key)
	assert.Equal(t, k.Merchant.MerchantSerial, again.Merchant.MerchantSerial)
	assert.Equal(t, k.PublicKeyID, again.PublicKeyID)
	assert.True(t, again.PlatformKey.Equal(k.PlatformKey))
	assert.True(t, again.PublicKeyKey.Equal(k.PublicKeyKey))
	assert.True(t, again.Merchant.PrivateKey.Equal(k.Merchant.PrivateKey))

	// A damaged directory is a clear error, never a panic.
	for name, content := range map[string]string{
		payStateFile:   `{"mchid":"1","apiv3_key":"short"}`,
		privateKeyFile: "not a key",
	} {
		bad := filepath.Join(t.TempDir(), "bad")
		require.NoError(t, os.MkdirAll(bad, 0o700))
		for _, f := range []string{privateKeyFile, publicKeyFile, payStateFile} {
			b, err := os.ReadFile(filepath.Join(dir, f))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(bad, f), b, 0o600))
		}
		require.NoError(t, os.WriteFile(filepath.Join(bad, name), []byte(content), 0o600))
		_, err := loadOrCreatePayKeys(bad)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), "remove it or pass another --pay-dir")
		assert.NotContains(t, err.Error(), k.Merchant.APIv3Key)
	}
	bad := filepath.Join(t.TempDir(), "bad")
	require.NoError(t, os.MkdirAll(bad, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(bad, payStateFile), []byte("{"), 0o600))
	_, err = loadOrCreatePayKeys(bad)
	assert.ErrorContains(t, err, payStateFile)

	// A file where the directory should be.
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	_, err = loadOrCreatePayKeys(file)
	assert.ErrorContains(t, err, "pay directory")
}
