package component_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/component"
	"github.com/wxkit/mp/jssdk"
	"github.com/wxkit/mp/menu"
	"github.com/wxkit/mp/message"
	"github.com/wxkit/mp/sim"
	"github.com/wxkit/mp/user"
)

// TestE2E runs the whole life of an authorization against the simulator:
// the ticket push, the authorization page, query_auth, families on the
// authorizer client, a rejected token, and the revocation.
func TestE2E(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := sim.Start(sim.Options{})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	co := s.Component()

	var mu sync.Mutex
	var events []*component.Push
	p, err := component.New(component.Config{AppID: co.AppID, AppSecret: co.AppSecret, Token: co.Token, EncodingAESKey: co.EncodingAESKey},
		component.WithClientOptions(mp.WithHost(s.URL)),
		component.WithEventHandler(func(_ context.Context, p *component.Push) error {
			mu.Lock()
			events = append(events, p)
			mu.Unlock()
			return nil
		}))
	require.NoError(t, err)
	pushSrv := httptest.NewServer(p.PushHandler())
	t.Cleanup(pushSrv.Close)
	require.NoError(t, s.ConfigureComponent(sim.ComponentOptions{CallbackURL: pushSrv.URL + "/ticket"}))

	// Before the first ticket, no component token.
	_, err = p.PreAuthCode(ctx)
	require.ErrorIs(t, err, component.ErrNoTicket)
	require.NoError(t, s.PushComponentTicket(ctx))

	// The administrator authorizes on the login page; WeChat redirects
	// back with auth_code.
	pre, err := p.PreAuthCode(ctx)
	require.NoError(t, err)
	codes := make(chan string, 1)
	back := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		codes <- r.URL.Query().Get("auth_code")
	}))
	t.Cleanup(back.Close)
	u, err := p.AuthURL(component.AuthURLOptions{PreAuthCode: pre.Code, RedirectURI: back.URL + "/authorized"})
	require.NoError(t, err)
	page, err := http.Get(u)
	require.NoError(t, err)
	page.Body.Close()
	require.Equal(t, http.StatusOK, page.StatusCode)
	resp, err := http.Get(u + "&confirm=1")
	require.NoError(t, err)
	resp.Body.Close()
	code := <-codes
	require.NotEmpty(t, code)
	mu.Lock()
	require.Len(t, events, 1)
	assert.Equal(t, component.InfoAuthorized, events[0].InfoType)
	assert.Equal(t, code, events[0].AuthorizationCode)
	mu.Unlock()

	auth, err := p.QueryAuth(ctx, code)
	require.NoError(t, err)
	appid := s.Account().AppID
	assert.Equal(t, appid, auth.AuthorizerAppID)
	_, err = p.QueryAuth(ctx, code)
	require.Error(t, err, "an auth_code is used once")

	// Every family works on the authorizer client.
	c, err := p.Client(appid)
	require.NoError(t, err)
	s.NewUser("小明")
	_, err = user.New(c).Followers(ctx, "")
	require.NoError(t, err)
	require.NoError(t, menu.New(c).Create(ctx, menu.Click("今日歌曲", "V1001_TODAY_MUSIC")))
	m, err := menu.New(c).Get(ctx)
	require.NoError(t, err)
	assert.Equal(t, "今日歌曲", m.Menu.Buttons[0].Name)
	tk, err := jssdk.New(c).GetTicket(ctx)
	require.NoError(t, err)
	assert.NotEmpty(t, tk.Ticket)

	// Web authorization on behalf of the account.
	follower := s.NewUser("小红")
	au, err := p.OAuthURL(appid, "https://platform.example/oauth", component.ScopeBase, "st")
	require.NoError(t, err)
	redirect, err := s.Authorize(follower, au)
	require.NoError(t, err)
	ru, err := url.Parse(redirect)
	require.NoError(t, err)
	ot, err := p.ExchangeOAuthCode(ctx, appid, ru.Query().Get("code"))
	require.NoError(t, err)
	assert.Equal(t, follower.OpenID(), ot.OpenID)
	ot2, err := p.RefreshOAuthToken(ctx, appid, ot.RefreshToken)
	require.NoError(t, err)
	assert.NotEqual(t, ot.AccessToken, ot2.AccessToken)
	_, err = p.ExchangeOAuthCode(ctx, appid, ru.Query().Get("code"))
	require.Error(t, err, "codes are single-use")
	cfg, err := jssdk.New(c).Config(ctx, "https://platform.example/page", "chooseImage")
	require.NoError(t, err)
	assert.Equal(t, appid, cfg.AppID)

	// A rejected token is replaced through api_authorizer_token.
	s.InvalidateTokens()
	_, err = menu.New(c).Get(ctx)
	require.NoError(t, err)

	info, err := p.AuthorizerInfo(ctx, appid)
	require.NoError(t, err)
	assert.Equal(t, s.Account().OriginalID, info.AuthorizerInfo.UserName)
	require.NoError(t, p.SetAuthorizerOption(ctx, appid, component.OptionVoiceRecognize, "1"))
	v, err := p.AuthorizerOption(ctx, appid, component.OptionVoiceRecognize)
	require.NoError(t, err)
	assert.Equal(t, "1", v)
	var listed []string
	for a, err := range p.Authorizers(ctx, 0) {
		require.NoError(t, err)
		listed = append(listed, a.AppID)
		assert.Equal(t, auth.AuthorizerRefreshToken, a.RefreshToken)
	}
	assert.Equal(t, []string{appid}, listed)

	// Messages of the hosted account reach the platform's one callback URL.
	cb, err := component.NewCallbackServer(p, message.HandlerFunc(func(ctx context.Context, m message.Message) (message.Reply, error) {
		return message.TextReply{Content: "echo for " + component.AuthorizerAppID(ctx)}, nil
	}))
	require.NoError(t, err)
	cbSrv := httptest.NewServer(cb)
	t.Cleanup(cbSrv.Close)
	require.NoError(t, s.ConfigureComponentMessageURL(cbSrv.URL+"/wechat/$APPID$"))
	// An ordinary follower message goes to the platform, not to the
	// account's own callback (it has none here), and the platform's
	// encrypted reply reaches the follower.
	alice := s.NewUser("alice")
	_, err = alice.Follow(ctx) // the subscribe event goes to the platform too
	require.NoError(t, err)
	r, err := alice.SendText(ctx, "hello")
	require.NoError(t, err)
	require.NotNil(t, r)
	assert.Equal(t, "echo for "+appid, r.Content)
	inbox := alice.Inbox()
	require.NotEmpty(t, inbox)
	assert.Equal(t, sim.DeliveryReply, inbox[len(inbox)-1].Kind)
	assert.Equal(t, "echo for "+appid, inbox[len(inbox)-1].Content)
	reply, err := s.SendTextViaComponent(ctx, alice, "hello")
	require.NoError(t, err)
	assert.Contains(t, reply, "echo for "+appid)

	// The administrator cancels: the push deletes the refresh token, and
	// the account's calls fail with ErrNotAuthorized.
	require.NoError(t, s.RevokeComponent(ctx))
	_, ok, err := p.RefreshTokens().Get(ctx, appid)
	require.NoError(t, err)
	assert.False(t, ok)
	c, err = p.Client(appid)
	require.NoError(t, err)
	_, err = menu.New(c).Get(ctx)
	require.ErrorIs(t, err, component.ErrNotAuthorized)
	_, err = p.AuthorizerInfo(ctx, appid)
	require.Error(t, err)
	// Revoked, the account's pushes go back to its own callback.
	_, err = alice.SendText(ctx, "still there?")
	require.ErrorIs(t, err, sim.ErrNoCallbackURL)
	_, err = s.SendTextViaComponent(ctx, alice, "hi")
	require.ErrorIs(t, err, sim.ErrNotHosted)
}
