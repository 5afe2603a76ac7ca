package template_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/internal/simtest"
	"github.com/wxkit/mp/sim"
	"github.com/wxkit/mp/template"
)

// TestEndToEndOneTime runs 一次性订阅消息 against the simulator: the user
// confirms on the authorization page, the developer reads the result off
// redirect_url and sends one message; a second message of the same
// authorization, a message under another scene and a message after a
// cancellation are refused (43101); a template that is not the one-time
// template is 40037.
func TestEndToEndOneTime(t *testing.T) {
	t.Parallel()
	s, client := simtest.New(t, sim.Options{})
	tpl := template.New(client)
	ctx := context.Background()
	f := s.NewUser("小明")

	link, err := tpl.OneTimeAuthURL(template.OneTimeAuthRequest{Scene: 7, TemplateID: sim.DefaultOneTimeTemplateID,
		RedirectURL: "https://example.com/back?from=menu", Reserved: "csrf123"})
	require.NoError(t, err)
	back, err := s.SubscribeOnce(f, link, true)
	require.NoError(t, err)
	u, err := url.Parse(back)
	require.NoError(t, err)
	assert.Equal(t, "example.com", u.Host)
	assert.Equal(t, "menu", u.Query().Get("from"))
	auth, err := template.ParseOneTimeAuth(u.Query())
	require.NoError(t, err)
	require.True(t, auth.Confirmed())
	assert.Equal(t, &template.OneTimeAuth{OpenID: f.OpenID(), TemplateID: sim.DefaultOneTimeTemplateID,
		Action: template.OneTimeConfirm, Scene: 7, Reserved: "csrf123"}, auth)

	msg := &template.OneTimeMessage{ToUser: auth.OpenID, TemplateID: auth.TemplateID, Scene: auth.Scene,
		Title: "发货提醒", URL: "https://example.com/order/1",
		Data: template.OneTimeData{Content: template.OneTimeValue{Value: "您的订单已发货", Color: "#173177"}}}
	require.NoError(t, tpl.SendOneTime(ctx, msg))
	inbox := f.Inbox()
	require.Len(t, inbox, 1)
	assert.Equal(t, sim.DeliveryOneTime, inbox[0].Kind)
	assert.Equal(t, "您的订单已发货", inbox[0].Content)
	assert.Equal(t, "发货提醒", inbox[0].Data["title"])

	// One authorization, one message.
	mptest.RequireAPIError(t, tpl.SendOneTime(ctx, msg), 43101)
	other := *msg
	other.Scene = 8
	mptest.RequireAPIError(t, tpl.SendOneTime(ctx, &other), 43101)

	// Confirming twice under one scene still allows one message.
	_, err = s.SubscribeOnce(f, link, true)
	require.NoError(t, err)
	_, err = s.SubscribeOnce(f, link, true)
	require.NoError(t, err)
	require.NoError(t, tpl.SendOneTime(ctx, msg))
	mptest.RequireAPIError(t, tpl.SendOneTime(ctx, msg), 43101)

	// A cancellation hands back no openid and allows nothing.
	back, err = s.SubscribeOnce(f, link, false)
	require.NoError(t, err)
	u, err = url.Parse(back)
	require.NoError(t, err)
	auth, err = template.ParseOneTimeAuth(u.Query())
	require.NoError(t, err)
	assert.False(t, auth.Confirmed())
	assert.Empty(t, auth.OpenID)
	mptest.RequireAPIError(t, tpl.SendOneTime(ctx, msg), 43101)

	// The template message's template is not a one-time template.
	wrong := *msg
	wrong.TemplateID = template.OneTimeTemplateID(sim.DefaultTemplateID)
	mptest.RequireAPIError(t, tpl.SendOneTime(ctx, &wrong), 40037)
	unknown := *msg
	unknown.ToUser = "o-nobody"
	mptest.RequireAPIError(t, tpl.SendOneTime(ctx, &unknown), 40003)

	// A link with another template is refused by the page.
	bad, err := tpl.OneTimeAuthURL(template.OneTimeAuthRequest{Scene: 1, TemplateID: "NOT_ONE_TIME", RedirectURL: "https://example.com/"})
	require.NoError(t, err)
	_, err = s.SubscribeOnce(f, bad, true)
	var aerr *sim.AuthorizeError
	require.ErrorAs(t, err, &aerr)
}

// TestEndToEndOneTimeBrowser walks the authorization page as a browser
// does: the page, the confirm button, the redirect.
func TestEndToEndOneTimeBrowser(t *testing.T) {
	t.Parallel()
	s, client := simtest.New(t, sim.Options{})
	tpl := template.New(client)
	f := s.NewUser("小红")
	link, err := tpl.OneTimeAuthURL(template.OneTimeAuthRequest{Scene: 0, TemplateID: sim.DefaultOneTimeTemplateID,
		RedirectURL: "https://example.com/back", Reserved: "r1"})
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(link, s.URL+"/mp/subscribemsg?action=get_confirm&"), link)

	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(strings.TrimSuffix(link, "#wechat_redirect") + "&sim_openid=" + url.QueryEscape(f.OpenID()))
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, string(page))
	assert.Contains(t, string(page), `id="confirm"`)

	form := url.Values{"appid": {s.Account().AppID}, "scene": {"0"}, "template_id": {sim.DefaultOneTimeTemplateID},
		"redirect_url": {"https://example.com/back"}, "reserved": {"r1"}, "openid": {f.OpenID()}, "action": {"confirm"}}
	resp, err = browser.PostForm(s.URL+"/mp/subscribemsg/sim_consent", form)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	r, err := http.NewRequest("GET", loc.String(), nil)
	require.NoError(t, err)
	auth, err := template.ParseOneTimeAuthRequest(r)
	require.NoError(t, err)
	assert.True(t, auth.Confirmed())
	assert.Equal(t, f.OpenID(), auth.OpenID)
	assert.Equal(t, "r1", auth.Reserved)
	require.NoError(t, tpl.SendOneTime(context.Background(), &template.OneTimeMessage{ToUser: auth.OpenID,
		TemplateID: auth.TemplateID, Scene: auth.Scene, Title: "提醒",
		Data: template.OneTimeData{Content: template.OneTimeValue{Value: "hi"}}}))

	// A bad link shows an error page.
	resp, err = browser.Get(s.URL + "/mp/subscribemsg?action=get_confirm&appid=wrong&scene=1&template_id=x&redirect_url=https%3A%2F%2Fexample.com")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
}
