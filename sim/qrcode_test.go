package sim

import (
	"bytes"
	"image/png"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQRCode(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := newSim(t, Options{Clock: clk.Now})
	dev := newDevServer(t, s, nil)
	tok := token(t, s)
	create := func(body string) map[string]any {
		return api(t, s, tok, "POST", "/cgi-bin/qrcode/create", body)
	}
	tmp := create(`{"expire_seconds": 604800, "action_name": "QR_SCENE", "action_info": {"scene": {"scene_id": 123}}}`)
	require.Equal(t, 0, errcode(tmp))
	assert.EqualValues(t, 604800, tmp["expire_seconds"])
	assert.True(t, strings.HasPrefix(tmp["url"].(string), "http://weixin.qq.com/q/"))
	ticket := tmp["ticket"].(string)

	def := create(`{"action_name": "QR_STR_SCENE", "action_info": {"scene": {"scene_str": "test"}}}`)
	assert.EqualValues(t, 60, def["expire_seconds"])
	capped := create(`{"expire_seconds": 99999999, "action_name": "QR_SCENE", "action_info": {"scene": {"scene_id": 4294967295}}}`)
	assert.EqualValues(t, 2592000, capped["expire_seconds"])

	perm := create(`{"action_name": "QR_LIMIT_STR_SCENE", "action_info": {"scene": {"scene_str": "shop-42"}}}`)
	_, hasExp := perm["expire_seconds"]
	assert.False(t, hasExp)
	again := create(`{"action_name": "QR_LIMIT_STR_SCENE", "action_info": {"scene": {"scene_str": "shop-42"}}}`)
	assert.Equal(t, perm["ticket"], again["ticket"])

	for body, code := range map[string]int{
		`{"action_name": "QR_FOO", "action_info": {"scene": {"scene_id": 1}}}`:                                        40052,
		`{"action_name": "QR_SCENE", "action_info": {"scene": {"scene_id": 0}}}`:                                      40053,
		`{"action_name": "QR_SCENE", "action_info": {"scene": {"scene_id": 4294967296}}}`:                             40053,
		`{"action_name": "QR_LIMIT_SCENE", "action_info": {"scene": {"scene_id": 100001}}}`:                           40053,
		`{"action_name": "QR_LIMIT_STR_SCENE", "action_info": {"scene": {"scene_str": ""}}}`:                          40053,
		`{"action_name": "QR_STR_SCENE", "action_info": {"scene": {"scene_str": "` + strings.Repeat("x", 65) + `"}}}`: 40053,
	} {
		assert.Equal(t, code, errcode(create(body)), body)
	}

	// showqrcode serves a PNG for the (URL-encoded) ticket.
	status, img, hdr := doRaw(t, s, "GET", "/cgi-bin/showqrcode?ticket="+url.QueryEscape(ticket), nil, nil)
	require.Equal(t, 200, status)
	assert.Equal(t, "image/png", hdr.Get("Content-Type"))
	_, err := png.Decode(bytes.NewReader(img))
	require.NoError(t, err)
	status, _, _ = doRaw(t, s, "GET", "/cgi-bin/showqrcode?ticket=nope", nil, nil)
	assert.Equal(t, 404, status)

	// Following through the code, then scanning as a follower.
	u := s.NewUser("QR")
	_, err = u.FollowViaQR(ctx(t), ticket)
	require.NoError(t, err)
	p := dev.pushes()[0]
	assert.Equal(t, "subscribe", p.Msg["Event"])
	assert.Equal(t, "qrscene_123", p.Msg["EventKey"])
	assert.Equal(t, ticket, p.Msg["Ticket"])
	info := api(t, s, tok, "GET", "/cgi-bin/user/info", nil, "openid", u.OpenID())
	assert.Equal(t, "ADD_SCENE_QR_CODE", info["subscribe_scene"])
	assert.EqualValues(t, 123, info["qr_scene"])

	_, err = u.Scan(ctx(t), "shop-42")
	require.NoError(t, err)
	p = dev.pushes()[1]
	assert.Equal(t, "SCAN", p.Msg["Event"])
	assert.Equal(t, "shop-42", p.Msg["EventKey"])
	assert.Equal(t, perm["ticket"], p.Msg["Ticket"])
	got, ok := s.QRCodeTicket("shop-42")
	assert.True(t, ok)
	assert.Equal(t, perm["ticket"], got)

	_, err = u.Scan(ctx(t), "no-such-scene")
	require.ErrorIs(t, err, ErrUnknownQRCode)
	_, err = u.FollowViaQR(ctx(t), ticket)
	require.ErrorIs(t, err, ErrAlreadyFollowing)

	// Tickets expire.
	clk.Advance(604800 * time.Second)
	status, _, _ = doRaw(t, s, "GET", "/cgi-bin/showqrcode?ticket="+url.QueryEscape(ticket), nil, nil)
	assert.Equal(t, 404, status)
	_, err = u.Scan(ctx(t), ticket)
	require.ErrorIs(t, err, ErrQRCodeExpired)
	_, err = u.Scan(ctx(t), "123")
	require.ErrorIs(t, err, ErrQRCodeExpired)
	_, err = u.Scan(ctx(t), perm["ticket"].(string))
	require.NoError(t, err)
}

func TestShorten(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := newSim(t, Options{Clock: clk.Now})
	tok := token(t, s)
	gen := api(t, s, tok, "POST", "/cgi-bin/shorten/gen", map[string]any{"long_data": "loooooong data", "expire_seconds": 86400})
	require.Equal(t, 0, errcode(gen))
	key := gen["short_key"].(string)
	clk.Advance(time.Hour)
	got := api(t, s, tok, "POST", "/cgi-bin/shorten/fetch", map[string]any{"short_key": key})
	assert.Equal(t, "loooooong data", got["long_data"])
	assert.EqualValues(t, 86400-3600, got["expire_seconds"])
	assert.EqualValues(t, clk.Now().Add(-time.Hour).Unix(), got["create_time"])
	assert.Equal(t, 40097, errcode(api(t, s, tok, "POST", "/cgi-bin/shorten/fetch", map[string]any{"short_key": "nope"})))
	assert.Equal(t, 45002, errcode(api(t, s, tok, "POST", "/cgi-bin/shorten/gen", map[string]any{"long_data": strings.Repeat("x", 4097)})))
	clk.Advance(24 * time.Hour)
	tok = token(t, s)
	assert.Equal(t, 40097, errcode(api(t, s, tok, "POST", "/cgi-bin/shorten/fetch", map[string]any{"short_key": key})))
}
