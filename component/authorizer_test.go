package component_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/component"
	"github.com/wxkit/mp/internal/mptest"
)

func TestAuthorizerInfo(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.reply(t, "/cgi-bin/component/api_get_authorizer_info",
		`{"component_appid":"`+compAppID+`","authorizer_appid":"`+authAppID+`"}`, "api_get_authorizer_info.json")
	p := f.platform(t)
	d, err := p.AuthorizerInfo(context.Background(), authAppID)
	require.NoError(t, err)
	assert.Equal(t, "微信SDK Demo Special", d.AuthorizerInfo.NickName)
	assert.Equal(t, 2, d.AuthorizerInfo.ServiceTypeInfo.ID)
	assert.Equal(t, -1, d.AuthorizerInfo.VerifyTypeInfo.ID)
	assert.Equal(t, "gh_eb5e3a772040", d.AuthorizerInfo.UserName)
	assert.Equal(t, "paytest01", d.AuthorizerInfo.Alias)
	assert.Equal(t, 0, d.AuthorizerInfo.BusinessInfo["open_pay"])
	assert.Equal(t, authAppID, d.AuthorizationInfo.AuthorizerAppID)
	assert.Len(t, d.AuthorizationInfo.FuncInfo, 2)
	assert.NotContains(t, d.String(), d.AuthorizationInfo.AuthorizerRefreshToken)

	_, err = p.AuthorizerInfo(context.Background(), "")
	mptest.RequireValidation(t, err, "authorizer_appid")
}

func TestAuthorizerOptions(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.reply(t, "/cgi-bin/component/api_get_authorizer_option",
		`{"component_appid":"`+compAppID+`","authorizer_appid":"`+authAppID+`","option_name":"voice_recognize"}`, "api_get_authorizer_option.json")
	f.reply(t, "/cgi-bin/component/api_set_authorizer_option",
		`{"component_appid":"`+compAppID+`","authorizer_appid":"`+authAppID+`","option_name":"location_report","option_value":"2"}`, "ok.json")
	p := f.platform(t)
	v, err := p.AuthorizerOption(context.Background(), authAppID, component.OptionVoiceRecognize)
	require.NoError(t, err)
	assert.Equal(t, "1", v)
	require.NoError(t, p.SetAuthorizerOption(context.Background(), authAppID, component.OptionLocationReport, "2"))

	_, err = p.AuthorizerOption(context.Background(), authAppID, "bogus")
	mptest.RequireValidation(t, err, "option_name")
	err = p.SetAuthorizerOption(context.Background(), authAppID, component.OptionLocationReport, "")
	mptest.RequireValidation(t, err, "option_value")
	err = p.SetAuthorizerOption(context.Background(), "", component.OptionLocationReport, "1")
	mptest.RequireValidation(t, err, "authorizer_appid")
}

func TestAuthorizers(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	const total = 5
	f.Handle("POST", "/cgi-bin/component/api_get_authorizer_list", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, compAccess, r.URL.Query().Get("component_access_token"))
		var req struct {
			ComponentAppID string `json:"component_appid"`
			Offset, Count  int
		}
		b, _ := io.ReadAll(r.Body)
		require.NoError(t, json.Unmarshal(b, &req))
		assert.Equal(t, compAppID, req.ComponentAppID)
		assert.Equal(t, 2, req.Count)
		list := []map[string]any{}
		for i := req.Offset; i < total && i < req.Offset+req.Count; i++ {
			list = append(list, map[string]any{"authorizer_appid": "wx" + string(rune('a'+i)), "refresh_token": "rt" + string(rune('a'+i)), "auth_time": 1558000607})
		}
		_, _ = w.Write([]byte(jsonString(map[string]any{"total_count": total, "list": list})))
	})
	p := f.platform(t)
	var got []string
	for a, err := range p.Authorizers(context.Background(), 2) {
		require.NoError(t, err)
		got = append(got, a.AppID)
		assert.NotContains(t, a.String(), a.RefreshToken)
	}
	assert.Equal(t, []string{"wxa", "wxb", "wxc", "wxd", "wxe"}, got)

	for _, err := range p.Authorizers(context.Background(), 501) {
		mptest.RequireValidation(t, err, "count")
	}
}

func TestAuthorizersError(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.ReplyError("POST", "/cgi-bin/component/api_get_authorizer_list", 61011, "invalid component")
	n := 0
	for _, err := range f.platform(t).Authorizers(context.Background(), 0) {
		n++
		mptest.RequireAPIError(t, err, 61011)
	}
	assert.Equal(t, 1, n)
}

func TestRestoreRefreshTokens(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.reply(t, "/cgi-bin/component/api_get_authorizer_list", `{"component_appid":"`+compAppID+`","offset":0,"count":500}`, "api_get_authorizer_list.json")
	rts := component.NewMemoryRefreshTokenStore()
	p := f.platform(t, component.WithRefreshTokenStore(rts))
	n, err := p.RestoreRefreshTokens(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	rt, ok, err := rts.Get(context.Background(), "wxf8b4f85f3a794e77")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "refreshtoken@@@-RnXtJVTmNAxYdw8P2JlljSIUqtaUb1yWwdKe7dl2d0", rt)
}
