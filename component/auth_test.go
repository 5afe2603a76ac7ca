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

	"github.com/wxkit/mp/component"
	"github.com/wxkit/mp/internal/mptest"
)

// recordingStore records the order of operations on refresh tokens.
type recordingStore struct {
	component.MemoryRefreshTokenStore
	mu     sync.Mutex
	log    []string
	putErr error
}

func newRecordingStore() *recordingStore {
	return &recordingStore{MemoryRefreshTokenStore: *component.NewMemoryRefreshTokenStore()}
}

func (s *recordingStore) Put(ctx context.Context, appid, rt string) error {
	s.mu.Lock()
	s.log = append(s.log, "put "+appid+" "+rt)
	s.mu.Unlock()
	if s.putErr != nil {
		return s.putErr
	}
	return s.MemoryRefreshTokenStore.Put(ctx, appid, rt)
}

func (s *recordingStore) events() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.log...)
}

func TestQueryAuth(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.reply(t, "/cgi-bin/component/api_query_auth",
		`{"component_appid":"`+compAppID+`","authorization_code":"AUTH_CODE"}`, "api_query_auth.json")
	rts := newRecordingStore()
	p := f.platform(t, component.WithRefreshTokenStore(rts))
	a, err := p.QueryAuth(context.Background(), "AUTH_CODE")
	require.NoError(t, err)
	assert.Equal(t, authAppID, a.AuthorizerAppID)
	assert.EqualValues(t, 7200, a.ExpiresIn)
	assert.Equal(t, []int{1, 2, 3}, a.FuncScopes())
	assert.Equal(t, []string{"put " + authAppID + " dTo-YCXPL4llX-u1W1pPpnp8Hgm4wpJtlR6iV0doKdY"}, rts.events())

	// The access token came with the answer: the client needs no fetch.
	f.Handle("GET", "/cgi-bin/user/get", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, a.AuthorizerAccessToken, r.URL.Query().Get("access_token"))
		_, _ = w.Write([]byte(`{"total":0,"count":0,"data":{"openid":[]},"next_openid":""}`))
	})
	c, err := p.Client(authAppID)
	require.NoError(t, err)
	tok, err := c.AccessToken(context.Background())
	require.NoError(t, err)
	assert.Equal(t, a.AuthorizerAccessToken, tok)

	for _, s := range []string{a.String(), fmt.Sprintf("%v|%+v|%#v|%s", a, a, a, *a)} {
		assert.NotContains(t, s, a.AuthorizerRefreshToken)
		assert.NotContains(t, s, a.AuthorizerAccessToken)
	}
}

func TestQueryAuthStoreFailure(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.reply(t, "/cgi-bin/component/api_query_auth", "", "api_query_auth.json")
	rts := newRecordingStore()
	rts.putErr = errors.New("database is down")
	p := f.platform(t, component.WithRefreshTokenStore(rts))
	a, err := p.QueryAuth(context.Background(), "AUTH_CODE")
	require.Error(t, err)
	require.NotNil(t, a, "the caller can still keep the refresh token")
	assert.NotContains(t, err.Error(), a.AuthorizerRefreshToken)
}

func TestQueryAuthErrors(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.ReplyError("POST", "/cgi-bin/component/api_query_auth", 61010, "code is expired")
	p := f.platform(t)
	_, err := p.QueryAuth(context.Background(), "AUTH_CODE")
	mptest.RequireAPIError(t, err, 61010)
	_, err = p.QueryAuth(context.Background(), "")
	mptest.RequireValidation(t, err, "authorization_code")
}
