package oauth_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/oauth"
)

func sprintf(f string, v any) string { return fmt.Sprintf(f, v) }

// replyNoAppToken answers with a fixture after checking that the app's
// access_token was not sent and the query is want.
func replyNoAppToken(t *testing.T, srv *mptest.Server, path, fixture string, want map[string]string, hits *atomic.Int32) {
	srv.Handle("GET", path, func(w http.ResponseWriter, r *http.Request) {
		if hits != nil {
			hits.Add(1)
		}
		q := r.URL.Query()
		assert.NotEqual(t, mptest.AccessToken, q.Get("access_token"), "the account's access_token must not be sent")
		got := map[string]string{}
		for k := range q {
			got[k] = q.Get(k)
		}
		assert.Equal(t, want, got)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(mptest.Fixture(t, fixture))
	})
}

func TestExchange(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	replyNoAppToken(t, srv, "/sns/oauth2/access_token", "sns_oauth2_access_token.json", map[string]string{
		"appid": mptest.AppID, "secret": "APPSECRET", "code": "CODE", "grant_type": "authorization_code",
	}, nil)
	before := time.Now()
	tok, err := oauth.New(c).Exchange(context.Background(), "CODE")
	require.NoError(t, err)
	assert.Equal(t, "ACCESS_TOKEN", tok.AccessToken)
	assert.Equal(t, int64(7200), tok.ExpiresIn)
	assert.Equal(t, "REFRESH_TOKEN", tok.RefreshToken)
	assert.Equal(t, "OPENID", tok.OpenID)
	assert.Equal(t, "SCOPE", tok.Scope)
	assert.Equal(t, 1, tok.IsSnapshotUser)
	assert.Equal(t, "UNIONID", tok.UnionID)
	assert.WithinDuration(t, before.Add(2*time.Hour), tok.Expiry, 5*time.Second)
	assert.False(t, tok.Expired(before, time.Minute))
	assert.True(t, tok.Expired(before.Add(2*time.Hour+5*time.Second), 0))
}

func TestExchangeCodeErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		code int
		msg  string
		want mp.ErrorCode
	}{
		{40163, "code been used", mp.CodeCodeUsed},
		{40029, "invalid code", mp.CodeInvalidCode},
		{42003, "code expired", mp.CodeOAuthCodeExpired},
	} {
		t.Run(tc.msg, func(t *testing.T) {
			t.Parallel()
			srv, c := mptest.New(t)
			var hits atomic.Int32
			srv.Handle("GET", "/sns/oauth2/access_token", func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				mptest.ErrorJSON(w, tc.code, tc.msg)
			})
			_, err := oauth.New(c).Exchange(context.Background(), "USED_CODE")
			var apiErr *mp.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.want, apiErr.Code)
			assert.Equal(t, "/sns/oauth2/access_token", apiErr.Path)
			assert.NotContains(t, err.Error(), "APPSECRET")
			assert.Equal(t, int32(1), hits.Load(), "a code error is not retried")
		})
	}
}

func TestExchangeValidation(t *testing.T) {
	t.Parallel()
	_, c := mptest.New(t)
	_, err := oauth.New(c).Exchange(context.Background(), "")
	var ve *mp.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "code", ve.Field)

	noSecret, err := mp.New(mp.Config{AppID: "wx1"})
	require.NoError(t, err)
	_, err = oauth.New(noSecret).Exchange(context.Background(), "CODE")
	assert.ErrorIs(t, err, mp.ErrNoAppSecret)
}

func TestExchangeIncompleteAnswer(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Handle("GET", "/sns/oauth2/access_token", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"expires_in":7200}`))
	})
	_, err := oauth.New(c).Exchange(context.Background(), "CODE")
	var de *mp.DecodeError
	require.ErrorAs(t, err, &de)
}

func TestExchangeOtherCredentials(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	replyNoAppToken(t, srv, "/sns/oauth2/access_token", "sns_oauth2_access_token.json", map[string]string{
		"appid": "wxWEBSITE", "secret": "WEBSECRET", "code": "CODE", "grant_type": "authorization_code",
	}, nil)
	s, err := oauth.NewWithCredentials(c, oauth.Credentials{AppID: "wxWEBSITE", AppSecret: "WEBSECRET"})
	require.NoError(t, err)
	_, err = s.Exchange(context.Background(), "CODE")
	require.NoError(t, err)
}

func TestRefresh(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	replyNoAppToken(t, srv, "/sns/oauth2/refresh_token", "sns_oauth2_refresh_token.json", map[string]string{
		"appid": mptest.AppID, "grant_type": "refresh_token", "refresh_token": "REFRESH_TOKEN",
	}, nil)
	tok, err := oauth.New(c).Refresh(context.Background(), "REFRESH_TOKEN")
	require.NoError(t, err)
	assert.Equal(t, oauth.Token{AccessToken: "ACCESS_TOKEN", ExpiresIn: 7200, RefreshToken: "REFRESH_TOKEN",
		OpenID: "OPENID", Scope: "SCOPE", Expiry: tok.Expiry}, *tok)
	assert.False(t, tok.Expiry.IsZero())
}

func TestRefreshErrors(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Handle("GET", "/sns/oauth2/refresh_token", func(w http.ResponseWriter, r *http.Request) {
		mptest.ErrorJSON(w, 42002, "refresh_token timeout")
	})
	s := oauth.New(c)
	_, err := s.Refresh(context.Background(), "SECRET_REFRESH")
	require.True(t, mp.IsCode(err, mp.CodeRefreshTokenExpired), "got %v", err)
	assert.NotContains(t, err.Error(), "SECRET_REFRESH")

	_, err = s.Refresh(context.Background(), "")
	var ve *mp.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "refresh_token", ve.Field)
}

func TestValidateToken(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	replyNoAppToken(t, srv, "/sns/auth", "sns_auth_ok.json",
		map[string]string{"access_token": "USER_TOKEN", "openid": "OPENID"}, nil)
	ok, err := oauth.New(c).ValidateToken(context.Background(), "USER_TOKEN", "OPENID")
	require.NoError(t, err)
	assert.True(t, ok)
}

func TestValidateTokenInvalid(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	var hits atomic.Int32
	replyNoAppToken(t, srv, "/sns/auth", "sns_auth_invalid.json",
		map[string]string{"access_token": "USER_TOKEN", "openid": "OTHER"}, &hits)
	ok, err := oauth.New(c).ValidateToken(context.Background(), "USER_TOKEN", "OTHER")
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Equal(t, int32(1), hits.Load(), "the user's token is never invalidated and retried like the account's")
}

func TestValidateTokenFailure(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Handle("GET", "/sns/auth", func(w http.ResponseWriter, r *http.Request) {
		mptest.ErrorJSON(w, 45009, "reach max api daily quota limit")
	})
	s := oauth.New(c)
	ok, err := s.ValidateToken(context.Background(), "USER_TOKEN", "OPENID")
	assert.False(t, ok)
	assert.True(t, mp.IsCode(err, mp.CodeQuotaExceeded), "got %v", err)

	for _, args := range [][2]string{{"", "o"}, {"t", ""}} {
		_, err := s.ValidateToken(context.Background(), args[0], args[1])
		var ve *mp.ValidationError
		assert.ErrorAs(t, err, &ve)
	}
}

func TestTokenHidesSecrets(t *testing.T) {
	t.Parallel()
	tok := oauth.Token{AccessToken: "AT_SECRET", RefreshToken: "RT_SECRET", OpenID: "OPENID", Scope: "snsapi_base",
		Expiry: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, v := range []any{tok, &tok} {
			out := fmt.Sprintf(f, v)
			assert.NotContains(t, out, "AT_SECRET", f)
			assert.NotContains(t, out, "RT_SECRET", f)
			assert.Contains(t, out, "OPENID", f)
		}
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("login", "token", tok)
	assert.NotContains(t, buf.String(), "AT_SECRET")
	assert.NotContains(t, buf.String(), "RT_SECRET")
	assert.Contains(t, buf.String(), "OPENID")
}

func TestTokenHasScope(t *testing.T) {
	t.Parallel()
	tok := oauth.Token{Scope: "snsapi_base, snsapi_userinfo"}
	assert.True(t, tok.HasScope(oauth.ScopeUserInfo))
	assert.True(t, tok.HasScope(oauth.ScopeBase))
	assert.False(t, tok.HasScope(oauth.ScopeLogin))
}
