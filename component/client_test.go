package component_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/component"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/token"
)

const oldRT = "refreshtoken@@@old-refresh-token"

func TestAuthorizerClient(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	var fetches atomic.Int64
	f.reply(t, "/cgi-bin/component/api_authorizer_token",
		`{"component_appid":"`+compAppID+`","authorizer_appid":"`+authAppID+`","authorizer_refresh_token":"`+oldRT+`"}`,
		"api_authorizer_token.json")
	f.Handle("GET", "/cgi-bin/menu/get", func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		assert.Equal(t, "some-access-token", r.URL.Query().Get("access_token"))
		mptest.ErrorJSON(w, 46003, "menu no exist")
	})
	rts := newRecordingStore()
	require.NoError(t, rts.MemoryRefreshTokenStore.Put(context.Background(), authAppID, oldRT))
	p := f.platform(t, component.WithRefreshTokenStore(rts))
	c, err := p.Client(authAppID)
	require.NoError(t, err)
	assert.Equal(t, authAppID, c.AppID())
	c2, err := p.Client(authAppID)
	require.NoError(t, err)
	assert.Same(t, c, c2, "clients are cached per appid")

	tok, err := c.AccessToken(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "some-access-token", tok)
	// The rotated refresh token was saved before the access token was used.
	assert.Equal(t, []string{"put " + authAppID + " refreshtoken@@@new-refresh-token"}, rts.events())

	err = c.Do(context.Background(), &mp.Request{Path: "/cgi-bin/menu/get"}, nil)
	mptest.RequireAPIError(t, err, 46003)
	assert.EqualValues(t, 1, fetches.Load())

	_, err = p.Client("")
	mptest.RequireValidation(t, err, "authorizer_appid")
}

func TestAuthorizerNotAuthorized(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	var calls atomic.Int64
	f.Handle("POST", "/cgi-bin/component/api_authorizer_token", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		mptest.ErrorJSON(w, 61023, "refresh_token is invalid rid: 6351110b-3677a1ed-080b10ce")
	})
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	rts := component.NewMemoryRefreshTokenStore()
	require.NoError(t, rts.Put(context.Background(), authAppID, oldRT))
	p := f.platform(t, component.WithRefreshTokenStore(rts), component.WithLogger(logger))
	c, err := p.Client(authAppID)
	require.NoError(t, err)
	_, err = c.AccessToken(context.Background())
	require.ErrorIs(t, err, component.ErrNotAuthorized)
	mptest.RequireAPIError(t, err, 61023)
	var nae *component.NotAuthorizedError
	require.ErrorAs(t, err, &nae)
	assert.Equal(t, authAppID, nae.AuthorizerAppID)
	assert.EqualValues(t, 1, calls.Load(), "no retry loop")

	// Calls through a family fail the same way.
	err = c.Do(context.Background(), &mp.Request{Path: "/cgi-bin/menu/get"}, nil)
	require.ErrorIs(t, err, component.ErrNotAuthorized)
	assert.EqualValues(t, 1, calls.Load(), "a refused refresh token is not tried again at once")

	// A new authorization stores a new refresh token: it is tried at once.
	require.NoError(t, rts.Put(context.Background(), authAppID, "refreshtoken@@@second"))
	_, err = c.AccessToken(context.Background())
	require.ErrorIs(t, err, component.ErrNotAuthorized)
	assert.EqualValues(t, 2, calls.Load())

	for _, s := range []string{err.Error(), logs.String()} {
		for _, secret := range []string{oldRT, compSecret, compAccess, ticket} {
			assert.NotContains(t, s, secret)
		}
	}

	// An account that never authorized: no call upstream at all.
	before := calls.Load()
	other, err := p.Client("wx_never")
	require.NoError(t, err)
	_, err = other.AccessToken(context.Background())
	require.ErrorIs(t, err, component.ErrNotAuthorized)
	assert.Equal(t, before, calls.Load())
}

func TestAuthorizerTokenOneFetchAcrossProcesses(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	var fetches atomic.Int64
	f.Handle("POST", "/cgi-bin/component/api_authorizer_token", func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		body, _ := io.ReadAll(r.Body)
		assert.Contains(t, string(body), oldRT)
		_, _ = fmt.Fprintf(w, `{"authorizer_access_token":"tok-%d","expires_in":7200,"authorizer_refresh_token":"%s"}`, fetches.Load(), oldRT)
	})
	shared := token.NewMemoryStore()
	rts := component.NewMemoryRefreshTokenStore()
	require.NoError(t, rts.Put(context.Background(), authAppID, oldRT))
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		p := f.platform(t, component.WithTokenStore(shared), component.WithRefreshTokenStore(rts))
		c, err := p.Client(authAppID)
		require.NoError(t, err)
		for j := 0; j < 10; j++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tok, err := c.AccessToken(context.Background())
				assert.NoError(t, err)
				assert.Equal(t, "tok-1", tok)
			}()
		}
	}
	wg.Wait()
	assert.EqualValues(t, 1, fetches.Load())
	assert.EqualValues(t, 1, f.tokenFetches.Load(), "one component token for the four processes too")
}

func TestRefreshJitterSpreadsExpiries(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.Handle("POST", "/cgi-bin/component/api_authorizer_token", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"authorizer_access_token":"tok-0123456789","expires_in":7200}`))
	})
	store := token.NewMemoryStore()
	rts := component.NewMemoryRefreshTokenStore()
	p := f.platform(t, component.WithTokenStore(store), component.WithRefreshTokenStore(rts))
	seen := map[int64]bool{}
	for i := 0; i < 20; i++ {
		appid := fmt.Sprintf("wx%016d", i)
		require.NoError(t, rts.Put(context.Background(), appid, "rt"))
		_, err := p.AuthorizerTokenSource(appid).Token(context.Background())
		require.NoError(t, err)
		tk, ok, err := store.Load(context.Background(), "wxkit:component:"+compAppID+":authorizer:"+appid+":access_token")
		require.NoError(t, err)
		require.True(t, ok)
		seen[tk.Expiry.Unix()/10] = true
	}
	assert.Greater(t, len(seen), 5, "expiries are spread over the jitter window")
}
