package oauth_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/oauth"
)

func TestUserInfo(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	replyNoAppToken(t, srv, "/sns/userinfo", "sns_userinfo.json",
		map[string]string{"access_token": "USER_TOKEN", "openid": "OPENID", "lang": "zh_CN"}, nil)
	u, err := oauth.New(c).UserInfo(context.Background(), "USER_TOKEN", "OPENID", oauth.LangZhCN)
	require.NoError(t, err)
	assert.Equal(t, &oauth.UserInfo{
		OpenID:     "OPENID",
		Nickname:   "NICKNAME",
		Sex:        1,
		Province:   "PROVINCE",
		City:       "CITY",
		Country:    "COUNTRY",
		HeadImgURL: "https://thirdwx.qlogo.cn/mmopen/g3MonUZtNHkdmzicIlibx6iaFqAc56vxLSUfpb6n5WKSYVY0ChQKkiaJSgQ1dZuTOgvLLrhJbERQQ4eMsv84eavHiaiceqxibJxCfHe/46",
		Privilege:  []string{"PRIVILEGE1", "PRIVILEGE2"},
		UnionID:    "o6_bmasdasdsad6_2sgVt7hMZOPfL",
	}, u)
}

func TestUserInfoDefaultLang(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	replyNoAppToken(t, srv, "/sns/userinfo", "sns_userinfo.json",
		map[string]string{"access_token": "USER_TOKEN", "openid": "OPENID"}, nil)
	_, err := oauth.New(c).UserInfo(context.Background(), "USER_TOKEN", "OPENID", oauth.LangDefault)
	require.NoError(t, err)
}

func TestUserInfoError(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	var hits atomic.Int32
	srv.Handle("GET", "/sns/userinfo", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		mptest.ErrorJSON(w, 40001, "invalid credential, access_token is invalid or not latest")
	})
	_, err := oauth.New(c).UserInfo(context.Background(), "USER_TOKEN_SECRET", "OPENID", oauth.LangEN)
	require.True(t, mp.IsCode(err, mp.CodeInvalidCredential), "got %v", err)
	assert.NotContains(t, err.Error(), "USER_TOKEN_SECRET")
	assert.Equal(t, int32(1), hits.Load(), "a rejected user token does not trigger the account token retry")
}

func TestUserInfoValidation(t *testing.T) {
	t.Parallel()
	_, c := mptest.New(t)
	s := oauth.New(c)
	for _, tc := range []struct {
		token, openid string
		lang          oauth.Lang
		field         string
	}{
		{"", "o", "", "access_token"},
		{"t", "", "", "openid"},
		{"t", "o", "fr", "lang"},
	} {
		_, err := s.UserInfo(context.Background(), tc.token, tc.openid, tc.lang)
		var ve *mp.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, tc.field, ve.Field)
	}
}
