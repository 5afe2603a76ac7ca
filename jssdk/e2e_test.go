package jssdk_test

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/simtest"
	"github.com/wxkit/mp/jssdk"
	"github.com/wxkit/mp/sim"
)

// TestEndToEndConfig signs a wx.config against the simulator's
// jsapi_ticket and recomputes the signature independently with the
// documented algorithm (附录1): SHA1 of
// jsapi_ticket=...&noncestr=...&timestamp=...&url=... with the URL's
// fragment removed.
func TestEndToEndConfig(t *testing.T) {
	t.Parallel()
	s, client := simtest.New(t, sim.Options{})
	acct := s.Account()
	js := jssdk.New(client)
	ctx := context.Background()

	// The ticket as the platform hands it out, fetched without the SDK.
	tok, err := client.AccessToken(ctx)
	require.NoError(t, err)
	resp, err := http.Get(s.URL + "/cgi-bin/ticket/getticket?" + url.Values{"access_token": {tok}, "type": {"jsapi"}}.Encode())
	require.NoError(t, err)
	var raw jssdk.Ticket
	require.NoError(t, decodeJSON(resp, &raw))
	require.NotEmpty(t, raw.Ticket)
	assert.EqualValues(t, 7200, raw.ExpiresIn)

	page := "https://shop.example.com/goods/42?from=timeline&isappinstalled=0#section-2"
	cfg, err := js.Config(ctx, page, "updateAppMessageShareData", "chooseWXPay")
	require.NoError(t, err)
	assert.Equal(t, acct.AppID, cfg.AppID)
	assert.Equal(t, []string{"updateAppMessageShareData", "chooseWXPay"}, cfg.JSAPIList)
	assert.NotEmpty(t, cfg.NonceStr)
	assert.InDelta(t, time.Now().Unix(), cfg.Timestamp, 60)

	plain := "jsapi_ticket=" + raw.Ticket + "&noncestr=" + cfg.NonceStr + "&timestamp=" + strconv.FormatInt(cfg.Timestamp, 10) +
		"&url=https://shop.example.com/goods/42?from=timeline&isappinstalled=0"
	sum := sha1.Sum([]byte(plain))
	assert.Equal(t, hex.EncodeToString(sum[:]), cfg.Signature, "the signature WeChat's wx.config recomputes")

	ticket, err := js.JSAPITicket(ctx)
	require.NoError(t, err)
	assert.Equal(t, raw.Ticket, ticket, "the same ticket while valid")

	// After every access_token is invalidated, the cached ticket is still
	// served; a fresh fetch goes through a new access_token.
	s.InvalidateTokens()
	cfg2, err := js.Config(ctx, "https://shop.example.com/")
	require.NoError(t, err)
	assert.Equal(t, jssdk.Sign(raw.Ticket, cfg2.NonceStr, cfg2.Timestamp, "https://shop.example.com/"), cfg2.Signature)
	got, err := js.GetTicket(ctx)
	require.NoError(t, err)
	assert.Equal(t, raw.Ticket, got.Ticket)
}

func decodeJSON(resp *http.Response, v any) error {
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}
