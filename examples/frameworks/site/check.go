package site

import (
	"crypto/rand"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/wxkit/mp/pay"
	"github.com/wxkit/mp/sim"
	"github.com/wxkit/mp/sim/paysim"
	"github.com/wxkit/mp/wxtest"
)

// Check tests a router built by routes against the simulator, in memory: a
// follower's message reaches the callback server and gets its reply, a
// visitor logs in through web authorization and sees the page, and an
// unsigned payment notification is refused (the handler is mounted and
// verifies).
func Check(t *testing.T, routes func(*Site) http.Handler) {
	t.Helper()
	const public = "http://bot.invalid"
	var h http.Handler
	s, client := wxtest.Start(t, sim.Options{SafeMode: true,
		HTTPClient: wxtest.HandlerClient(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))})
	merchant, err := paysim.NewTestMerchant()
	if err != nil {
		t.Fatal(err)
	}
	payClient, err := pay.NewClient(pay.Config{MchID: merchant.MchID, CertSerial: merchant.MerchantSerial,
		PrivateKey: merchant.PrivateKey, APIv3Key: merchant.APIv3Key})
	if err != nil {
		t.Fatal(err)
	}
	st, err := New(Config{Client: client, Pay: payClient, Message: wxtest.MessageConfig(), PublicURL: public, Key: []byte(rand.Text() + rand.Text())})
	if err != nil {
		t.Fatal(err)
	}
	h = routes(st)
	// Saving 服务器配置: the router must answer WeChat's URL verification.
	s.SetCallbackURL(public + CallbackPath)
	if err := s.VerifyCallbackURL(t.Context()); err != nil {
		t.Fatalf("callback URL verification: %v", err)
	}

	alice := wxtest.Follow(t, s, "Alice")
	reply, err := alice.SendText(t.Context(), "hello")
	if err != nil || reply == nil || reply.Content != "Hello from wxkit!" {
		t.Fatalf("callback: reply %+v, err %v", reply, err)
	}

	resp, err := wxtest.Browser(s, alice, h).Get(public + AccountPath)
	if err != nil {
		t.Fatalf("oauth: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "logged in as "+alice.OpenID() {
		t.Fatalf("oauth: GET %s: %d %q", AccountPath, resp.StatusCode, body)
	}

	resp, err = wxtest.HandlerClient(h).Post(public+NotifyPath, "application/json", strings.NewReader(`{"id":"forged"}`))
	if err != nil {
		t.Fatalf("notify: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode < 400 || resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed {
		t.Fatalf("notify: an unsigned notification answered %d", resp.StatusCode)
	}
}
