package component_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/component"
	"github.com/wxkit/mp/internal/mptest"
)

func TestOAuthURL(t *testing.T) {
	t.Parallel()
	p := mustPlatform(t, testCfg)
	u, err := p.OAuthURL(authAppID, "https://example.com/cb", component.ScopeUserInfo, "s1")
	require.NoError(t, err)
	assert.Equal(t, "https://open.weixin.qq.com/connect/oauth2/authorize?appid=wxf8b4f85f3a794e77&redirect_uri=https%3A%2F%2Fexample.com%2Fcb&response_type=code&scope=snsapi_userinfo&state=s1&component_appid=wx_component_appid#wechat_redirect", u)
	_, err = p.OAuthURL(authAppID, "https://example.com/cb", "snsapi_login", "")
	mptest.RequireValidation(t, err, "scope")
	_, err = p.OAuthURL("", "x", component.ScopeBase, "")
	mptest.RequireValidation(t, err, "appid")
}

func TestExchangeAndRefreshOAuth(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.Handle("GET", "/sns/oauth2/component/access_token", func(w http.ResponseWriter, r *http.Request) {
		mptest.Query(t, r, map[string]string{"appid": authAppID, "code": "CODE", "grant_type": "authorization_code",
			"component_appid": compAppID, "component_access_token": compAccess})
		_, _ = w.Write(mptest.Fixture(t, "sns_component_access_token.json"))
	})
	f.Handle("GET", "/sns/oauth2/component/refresh_token", func(w http.ResponseWriter, r *http.Request) {
		mptest.Query(t, r, map[string]string{"appid": authAppID, "refresh_token": "REFRESH_TOKEN", "grant_type": "refresh_token",
			"component_appid": compAppID, "component_access_token": compAccess})
		_, _ = w.Write(mptest.Fixture(t, "sns_component_access_token.json"))
	})
	p := f.platform(t)
	tok, err := p.ExchangeOAuthCode(context.Background(), authAppID, "CODE")
	require.NoError(t, err)
	assert.Equal(t, "OPENID", tok.OpenID)
	assert.Equal(t, "snsapi_userinfo", tok.Scope)
	assert.EqualValues(t, 7200, tok.ExpiresIn)
	s := fmt.Sprintf("%v %+v %#v %s", tok, tok, tok, *tok)
	assert.NotContains(t, s, "ACCESS_TOKEN")
	assert.NotContains(t, s, "REFRESH_TOKEN")

	tok, err = p.RefreshOAuthToken(context.Background(), authAppID, tok.RefreshToken)
	require.NoError(t, err)
	assert.Equal(t, "ACCESS_TOKEN", tok.AccessToken)

	_, err = p.ExchangeOAuthCode(context.Background(), authAppID, "")
	mptest.RequireValidation(t, err, "code")
	_, err = p.RefreshOAuthToken(context.Background(), "", "x")
	mptest.RequireValidation(t, err, "appid")
}

func TestExchangeOAuthError(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.ReplyError("GET", "/sns/oauth2/component/access_token", 40029, "invalid code")
	_, err := f.platform(t).ExchangeOAuthCode(context.Background(), authAppID, "SECRETCODE")
	mptest.RequireAPIError(t, err, 40029)
	assert.NotContains(t, err.Error(), "SECRETCODE")
	assert.NotContains(t, err.Error(), compAccess)
}
