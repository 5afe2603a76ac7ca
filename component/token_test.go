package component_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/component"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/token"
)

func TestComponentToken(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	p := f.platform(t)
	tok, err := p.Tokens().Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, compAccess, tok)
	assert.EqualValues(t, 1, f.tokenFetches.Load())
}

func TestComponentTokenOneFetchAcrossProcesses(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	shared := token.NewMemoryStore()
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		p := f.platform(t, component.WithTokenStore(shared))
		for j := 0; j < 10; j++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := p.Tokens().Token(context.Background())
				assert.NoError(t, err)
			}()
		}
	}
	wg.Wait()
	assert.EqualValues(t, 1, f.tokenFetches.Load())
}

func TestComponentTokenNoTicket(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	p, err := component.New(testCfg, component.WithClientOptions(mp.WithHost(f.URL+mptest.BasePath)))
	require.NoError(t, err)
	_, err = p.PreAuthCode(context.Background())
	require.ErrorIs(t, err, component.ErrNoTicket)
	assert.Zero(t, f.tokenFetches.Load())
}

func TestComponentTokenRefused(t *testing.T) {
	t.Parallel()
	srv, _ := mptest.New(t)
	srv.ReplyError("POST", "/cgi-bin/component/api_component_token", 61006, "component ticket is invalid")
	f := &fake{Server: srv}
	p := f.platform(t)
	_, err := p.PreAuthCode(context.Background())
	mptest.RequireAPIError(t, err, 61006)
	assert.NotContains(t, err.Error(), compSecret)
	assert.NotContains(t, err.Error(), ticket)
}

func TestPreAuthCode(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.reply(t, "/cgi-bin/component/api_create_preauthcode", `{"component_appid":"`+compAppID+`"}`, "api_create_preauthcode.json")
	code, err := f.platform(t).PreAuthCode(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "Cx_Dk6qiBE0Dmx4EmlT3oRfArPvwSQ-oa3NL_fwHM7VI08r52wazoZX2Rhpz1dEw", code.Code)
	assert.EqualValues(t, 600, code.ExpiresIn)
}

func TestPreAuthCodeRetriesRejectedToken(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	var calls int
	var mu sync.Mutex
	f.Handle("POST", "/cgi-bin/component/api_create_preauthcode", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		n := calls
		mu.Unlock()
		if n == 1 {
			mptest.ErrorJSON(w, 42001, "access_token expired")
			return
		}
		_, _ = w.Write(mptest.Fixture(t, "api_create_preauthcode.json"))
	})
	_, err := f.platform(t).PreAuthCode(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 2, calls)
	assert.GreaterOrEqual(t, f.tokenFetches.Load(), int64(2), "the rejected token was replaced")
}

func TestAuthURLs(t *testing.T) {
	t.Parallel()
	p, err := component.New(testCfg)
	require.NoError(t, err)
	u, err := p.AuthURL(component.AuthURLOptions{PreAuthCode: "PRE", RedirectURI: "https://example.com/cb?x=1"})
	require.NoError(t, err)
	assert.Equal(t, "https://mp.weixin.qq.com/cgi-bin/componentloginpage?component_appid=wx_component_appid&pre_auth_code=PRE&redirect_uri=https%3A%2F%2Fexample.com%2Fcb%3Fx%3D1&auth_type=1", u)
	u, err = p.MobileAuthURL(component.AuthURLOptions{PreAuthCode: "PRE", RedirectURI: "https://example.com/cb", AuthType: component.AuthBoth, BizAppID: "wxbiz"})
	require.NoError(t, err)
	assert.Equal(t, "https://open.weixin.qq.com/wxaopen/safe/bindcomponent?action=bindcomponent&no_scan=1&component_appid=wx_component_appid&pre_auth_code=PRE&redirect_uri=https%3A%2F%2Fexample.com%2Fcb&auth_type=3&biz_appid=wxbiz#wechat_redirect", u)

	_, err = p.AuthURL(component.AuthURLOptions{RedirectURI: "x"})
	mptest.RequireValidation(t, err, "pre_auth_code")
	_, err = p.AuthURL(component.AuthURLOptions{PreAuthCode: "x"})
	mptest.RequireValidation(t, err, "redirect_uri")
	_, err = p.MobileAuthURL(component.AuthURLOptions{PreAuthCode: "x", RedirectURI: "y", AuthType: 9})
	mptest.RequireValidation(t, err, "auth_type")
}

func TestNewValidates(t *testing.T) {
	t.Parallel()
	_, err := component.New(component.Config{AppID: "x"})
	require.Error(t, err)
	_, err = component.New(component.Config{AppID: "x", AppSecret: "y", Token: "t", EncodingAESKey: "short"})
	require.Error(t, err)
	assert.False(t, errors.Is(err, component.ErrNotAuthorized))
	s := testCfg.String() + " " + fmt.Sprintf("%v %+v %#v %s", testCfg, testCfg, testCfg, testCfg)
	for _, secret := range []string{compSecret, compToken, compAESKey} {
		assert.NotContains(t, s, secret)
	}
}
