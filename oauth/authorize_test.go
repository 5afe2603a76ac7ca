package oauth_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/oauth"
)

func TestAuthCodeURL(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	s := oauth.New(c)
	open := srv.URL + mptest.BasePath
	const cb = "https://example.com/cb?a=1&b=2"
	const esc = "https%3A%2F%2Fexample.com%2Fcb%3Fa%3D1%26b%3D2"
	tests := []struct {
		name  string
		scope oauth.Scope
		state string
		opts  []oauth.AuthOption
		want  string
	}{
		{"base", oauth.ScopeBase, "abc123", nil,
			open + "/connect/oauth2/authorize?appid=" + mptest.AppID + "&redirect_uri=" + esc + "&response_type=code&scope=snsapi_base&state=abc123#wechat_redirect"},
		{"userinfo", oauth.ScopeUserInfo, "STATE", nil,
			open + "/connect/oauth2/authorize?appid=" + mptest.AppID + "&redirect_uri=" + esc + "&response_type=code&scope=snsapi_userinfo&state=STATE#wechat_redirect"},
		{"empty state", oauth.ScopeBase, "", nil,
			open + "/connect/oauth2/authorize?appid=" + mptest.AppID + "&redirect_uri=" + esc + "&response_type=code&scope=snsapi_base&state=#wechat_redirect"},
		{"force popup", oauth.ScopeUserInfo, "s1", []oauth.AuthOption{oauth.ForcePopup()},
			open + "/connect/oauth2/authorize?appid=" + mptest.AppID + "&redirect_uri=" + esc + "&response_type=code&scope=snsapi_userinfo&state=s1&forcePopup=true#wechat_redirect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := s.AuthCodeURL(cb, tt.scope, tt.state, tt.opts...)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestAuthCodeURLOfficialExample rebuilds the snsapi_base reference link of
// the official documentation (网页授权, 参考链接) byte for byte.
func TestAuthCodeURLOfficialExample(t *testing.T) {
	t.Parallel()
	c, err := mp.New(mp.Config{AppID: "wx520c15f417810387", AppSecret: "SECRET"})
	require.NoError(t, err)
	got, err := oauth.New(c).AuthCodeURL(
		"https://chong.qq.com/php/index.php?d=&c=wxAdapter&m=mobileDeal&showwxpaytitle=1&vb2ctag=4_2030_5_1194_60",
		oauth.ScopeBase, "123")
	require.NoError(t, err)
	assert.Equal(t, "https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx520c15f417810387&redirect_uri=https%3A%2F%2Fchong.qq.com%2Fphp%2Findex.php%3Fd%3D%26c%3DwxAdapter%26m%3DmobileDeal%26showwxpaytitle%3D1%26vb2ctag%3D4_2030_5_1194_60&response_type=code&scope=snsapi_base&state=123#wechat_redirect", got)

	got, err = oauth.New(c).AuthCodeURL("http://developers.weixin.qq.com", oauth.ScopeUserInfo, "STATE")
	require.NoError(t, err)
	assert.Equal(t, "https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx520c15f417810387&redirect_uri=http%3A%2F%2Fdevelopers.weixin.qq.com&response_type=code&scope=snsapi_userinfo&state=STATE#wechat_redirect", got)
}

func TestAuthCodeURLValidation(t *testing.T) {
	t.Parallel()
	_, c := mptest.New(t)
	s := oauth.New(c)
	tests := []struct {
		name, redirect string
		scope          oauth.Scope
		state, field   string
	}{
		{"login scope", "https://e.com/cb", oauth.ScopeLogin, "", "scope"},
		{"unknown scope", "https://e.com/cb", "snsapi_other", "", "scope"},
		{"empty redirect", "", oauth.ScopeBase, "", "redirect_uri"},
		{"relative redirect", "/cb", oauth.ScopeBase, "", "redirect_uri"},
		{"ftp redirect", "ftp://e.com/cb", oauth.ScopeBase, "", "redirect_uri"},
		{"fragment", "https://e.com/cb#x", oauth.ScopeBase, "", "redirect_uri"},
		{"state dash", "https://e.com/cb", oauth.ScopeBase, "a-b", "state"},
		{"state unicode", "https://e.com/cb", oauth.ScopeBase, "状态", "state"},
		{"state 129 bytes", "https://e.com/cb", oauth.ScopeBase, strings.Repeat("a", 129), "state"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := s.AuthCodeURL(tt.redirect, tt.scope, tt.state)
			var ve *mp.ValidationError
			require.True(t, errors.As(err, &ve), "got %v", err)
			assert.Equal(t, tt.field, ve.Field)
			assert.Equal(t, "oauth.AuthCodeURL", ve.Op)
		})
	}
	_, err := s.AuthCodeURL("https://e.com/cb", oauth.ScopeBase, strings.Repeat("aZ9", 42)+"ab")
	assert.NoError(t, err, "128 bytes is the documented maximum")
}

func TestQRConnectURL(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	s, err := oauth.NewWithCredentials(c, oauth.Credentials{AppID: "wxbdc5610cc59c1631", AppSecret: "WEBSECRET"})
	require.NoError(t, err)
	got, err := s.QRConnectURL("https://passport.yhd.com/wechat/callback.do", "3d6be0a4035d839573b04816624a415e")
	require.NoError(t, err)
	assert.Equal(t, srv.URL+mptest.BasePath+"/connect/qrconnect?appid=wxbdc5610cc59c1631&redirect_uri=https%3A%2F%2Fpassport.yhd.com%2Fwechat%2Fcallback.do&response_type=code&scope=snsapi_login&state=3d6be0a4035d839573b04816624a415e#wechat_redirect", got)
	assert.Equal(t, "wxbdc5610cc59c1631", s.AppID())

	_, err = s.QRConnectURL("https://e.com/cb", "bad state")
	var ve *mp.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "state", ve.Field)
}

func TestNewWithCredentials(t *testing.T) {
	t.Parallel()
	_, c := mptest.New(t)
	_, err := oauth.NewWithCredentials(c, oauth.Credentials{AppSecret: "x"})
	var ve *mp.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "AppID", ve.Field)
	_, err = oauth.NewWithCredentials(c, oauth.Credentials{AppID: "wx1"})
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "AppSecret", ve.Field)

	creds := oauth.Credentials{AppID: "wx1", AppSecret: "TOPSECRET"}
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		assert.NotContains(t, sprintf(f, creds), "TOPSECRET")
	}
	s, err := oauth.NewWithCredentials(c, creds)
	require.NoError(t, err)
	assert.NotContains(t, s.String(), "TOPSECRET")
}

func TestCheckState(t *testing.T) {
	t.Parallel()
	assert.NoError(t, oauth.CheckState(""))
	assert.NoError(t, oauth.CheckState("azAZ09"))
	assert.Error(t, oauth.CheckState("a_b"))
	assert.Error(t, oauth.CheckState(strings.Repeat("1", 129)))
}

func BenchmarkAuthCodeURL(b *testing.B) {
	c, err := mp.New(mp.Config{AppID: "wx520c15f417810387", AppSecret: "SECRET"})
	require.NoError(b, err)
	s := oauth.New(c)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.AuthCodeURL("https://example.com/auth/callback", oauth.ScopeUserInfo, "0123456789abcdef0123456789abcdef"); err != nil {
			b.Fatal(err)
		}
	}
}
