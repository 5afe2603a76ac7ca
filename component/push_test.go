package component_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/component"
	"github.com/wxkit/mp/internal/mptest"
)

func TestParsePush(t *testing.T) {
	t.Parallel()
	p, err := component.ParsePush(mptest.Fixture(t, "verify_ticket.xml"))
	require.NoError(t, err)
	assert.Equal(t, component.InfoVerifyTicket, p.InfoType)
	assert.Equal(t, "wx_component_appid", p.AppID)
	assert.EqualValues(t, 1413192605, p.CreateTime)
	assert.True(t, strings.HasPrefix(p.ComponentVerifyTicket, "ticket@@@"))
	assert.NotContains(t, p.String(), p.ComponentVerifyTicket)

	p, err = component.ParsePush(mptest.Fixture(t, "authorized.xml"))
	require.NoError(t, err)
	assert.Equal(t, component.InfoAuthorized, p.InfoType)
	assert.Equal(t, authAppID, p.AuthorizerAppID)
	assert.Equal(t, "queryauthcode@@@SozCwT_ve8CZ7Nk9", p.AuthorizationCode)
	assert.EqualValues(t, 1413196360, p.ExpiresAt().Unix())
	assert.True(t, strings.HasPrefix(p.PreAuthCode, "preauthcode@@@"))
	assert.NotContains(t, p.String(), p.AuthorizationCode)
	assert.NotContains(t, fmt.Sprintf("%v %+v %#v %s", p, *p, *p, p), p.AuthorizationCode)

	for _, bad := range []string{"", "<xml>", "<xml><AppId>x</AppId></xml>",
		"<xml><InfoType>component_verify_ticket</InfoType></xml>", "<xml><InfoType>authorized</InfoType></xml>"} {
		_, err := component.ParsePush([]byte(bad))
		require.ErrorIs(t, err, component.ErrInvalidPush, bad)
	}
}

func TestPushHandlerTicket(t *testing.T) {
	t.Parallel()
	tickets := component.NewMemoryTicketStore()
	p, err := component.New(testCfg, component.WithTicketStore(tickets))
	require.NoError(t, err)
	q, body := seal(t, string(mptest.Fixture(t, "verify_ticket.xml")))
	w := post(p.PushHandler(), "/ticket?"+q.Encode(), body)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Equal(t, "success", w.Body.String())
	got, ok, err := tickets.GetTicket(context.Background(), compAppID)
	require.NoError(t, err)
	require.True(t, ok)
	assert.True(t, strings.HasPrefix(got, "ticket@@@lEHjsBEi"))
}

func TestPushHandlerEvents(t *testing.T) {
	t.Parallel()
	refresh := component.NewMemoryRefreshTokenStore()
	require.NoError(t, refresh.Put(context.Background(), authAppID, "rt"))
	var got []*component.Push
	p, err := component.New(testCfg, component.WithRefreshTokenStore(refresh),
		component.WithEventHandler(func(_ context.Context, p *component.Push) error {
			got = append(got, p)
			return nil
		}))
	require.NoError(t, err)
	for _, name := range []string{"authorized.xml", "unauthorized.xml"} {
		q, body := seal(t, string(mptest.Fixture(t, name)))
		w := post(p.PushHandler(), "/ticket?"+q.Encode(), body)
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	}
	require.Len(t, got, 2)
	assert.Equal(t, component.InfoAuthorized, got[0].InfoType)
	assert.Equal(t, "queryauthcode@@@SozCwT_ve8CZ7Nk9", got[0].AuthorizationCode)
	assert.Equal(t, component.InfoUnauthorized, got[1].InfoType)
	_, ok, _ := refresh.Get(context.Background(), authAppID)
	assert.False(t, ok, "unauthorized deletes the refresh token")
}

func TestPushHandlerRefuses(t *testing.T) {
	t.Parallel()
	p, err := component.New(testCfg, component.WithEventHandler(func(context.Context, *component.Push) error {
		return errors.New("db down")
	}))
	require.NoError(t, err)
	h := p.PushHandler()
	q, body := seal(t, string(mptest.Fixture(t, "verify_ticket.xml")))

	bad := q
	bad.Set("msg_signature", strings.Repeat("0", 40))
	assert.Equal(t, http.StatusForbidden, post(h, "/?"+bad.Encode(), body).Code)

	q, body = seal(t, string(mptest.Fixture(t, "authorized.xml")))
	assert.Equal(t, http.StatusInternalServerError, post(h, "/?"+q.Encode(), body).Code, "a failing handler makes WeChat retry")

	q, body = seal(t, strings.Replace(string(mptest.Fixture(t, "verify_ticket.xml")), compAppID, "wx_other", 1))
	assert.Equal(t, http.StatusForbidden, post(h, "/?"+q.Encode(), body).Code)

	q, body = seal(t, "<xml><AppId>x</AppId></xml>")
	assert.Equal(t, http.StatusBadRequest, post(h, "/?"+q.Encode(), body).Code)

	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	assert.Equal(t, http.StatusMethodNotAllowed, w.Code)

	noKey, err := component.New(component.Config{AppID: compAppID, AppSecret: compSecret})
	require.NoError(t, err)
	assert.Equal(t, http.StatusInternalServerError, post(noKey.PushHandler(), "/?"+q.Encode(), body).Code)
}
