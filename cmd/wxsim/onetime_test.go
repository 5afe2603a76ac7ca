package main

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/sim"
)

func TestSubscribeOnceCommand(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{})
	code, _, errs := e.wxsim(t, "follow", "--user", "Alice")
	require.Equal(t, exitOK, code, errs)
	f := e.sim.Users()[0]
	link := "https://mp.weixin.qq.com/mp/subscribemsg?action=get_confirm&appid=" + sim.DefaultAppID + "&scene=3&template_id=" +
		sim.DefaultOneTimeTemplateID + "&redirect_url=https%3A%2F%2Fexample.com%2Fback&reserved=abc#wechat_redirect"

	code, out, errs := e.wxsim(t, "subscribe-once", "--user", "Alice", link)
	require.Equal(t, exitOK, code, errs)
	u, err := url.Parse(strings.TrimSpace(out))
	require.NoError(t, err)
	assert.Equal(t, "example.com", u.Host)
	assert.Equal(t, url.Values{"openid": {f.OpenID()}, "template_id": {sim.DefaultOneTimeTemplateID}, "action": {"confirm"},
		"scene": {"3"}, "reserved": {"abc"}}, u.Query())

	code, out, _ = e.wxsim(t, "subscribe-once", "--user", "Alice", link, "cancel")
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "action=cancel")
	assert.NotContains(t, out, "openid=")

	code, _, errs = e.wxsim(t, "subscribe-once", "--user", "Alice", strings.Replace(link, "scene=3", "scene=10001", 1))
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, errs, "bad_link")
	code, _, _ = e.wxsim(t, "subscribe-once", "--user", "Alice", link, "maybe")
	assert.NotEqual(t, exitOK, code)
	code, _, _ = e.wxsim(t, "subscribe-once", link)
	assert.NotEqual(t, exitOK, code)
}
