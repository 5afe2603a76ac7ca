package oauth_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/oauth"
)

// TestDecodeErrorsHideUserTokens: an answer of the code exchange, the
// refresh or the profile that fails to decode gives an error quoting
// neither the user's access token nor the refresh token.
func TestDecodeErrorsHideUserTokens(t *testing.T) {
	t.Parallel()
	const at, rt = "USER_ACCESS_TOKEN_0123456789", "USER_REFRESH_TOKEN_0123456789"
	bad := fmt.Sprintf(`{"access_token":%q,"expires_in":"7200","refresh_token":%q,"openid":"o1","scope":"snsapi_userinfo"}`, at, rt)
	badNumeric := `{"access_token":"x","expires_in":7200,"refresh_token":123456789012345678,"openid":"o1"}`
	profile := fmt.Sprintf(`{"openid":"o1","nickname":42,"echo":%q}`, at)
	cases := []struct {
		name, path, body string
		secrets          []string
		call             func(*oauth.Service) error
	}{
		{"exchange", "/sns/oauth2/access_token", bad, []string{at, rt},
			func(s *oauth.Service) error { _, err := s.Exchange(context.Background(), "CODE"); return err }},
		{"refresh", "/sns/oauth2/refresh_token", bad, []string{at, rt, "OLD_REFRESH_TOKEN_0123"},
			func(s *oauth.Service) error {
				_, err := s.Refresh(context.Background(), "OLD_REFRESH_TOKEN_0123")
				return err
			}},
		{"refresh numeric", "/sns/oauth2/refresh_token", badNumeric, []string{"123456789012345678"},
			func(s *oauth.Service) error {
				_, err := s.Refresh(context.Background(), "OLD_REFRESH_TOKEN_0123")
				return err
			}},
		{"userinfo", "/sns/userinfo", profile, []string{at},
			func(s *oauth.Service) error {
				_, err := s.UserInfo(context.Background(), at, "o1", oauth.LangZhCN)
				return err
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, c := mptest.New(t)
			srv.Handle("GET", tc.path, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(tc.body))
			})
			err := tc.call(oauth.New(c))
			require.Error(t, err)
			var de *mp.DecodeError
			require.True(t, errors.As(err, &de), "%T %v", err, err)
			for _, s := range tc.secrets {
				assert.NotContains(t, err.Error(), s)
				assert.NotContains(t, de.Body, s)
			}
		})
	}
}
