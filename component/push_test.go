package component_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/component"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/message"
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

// TestPushHandlerReplayWindow replays a captured ticket push after the
// window: a valid msg_signature is not enough to overwrite the ticket.
func TestPushHandlerReplayWindow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Unix(1_800_000_000, 0)
	tickets := component.NewMemoryTicketStore()
	p, err := component.New(testCfg, component.WithTicketStore(tickets),
		component.WithClientOptions(mp.WithClock(func() time.Time { return now })))
	require.NoError(t, err)
	h := p.PushHandler()
	require.NoError(t, tickets.PutTicket(ctx, compAppID, "ticket@@@CURRENT"))

	old := strings.Replace(string(mptest.Fixture(t, "verify_ticket.xml")), "ticket@@@", "ticket@@@OLD", 1)
	for _, at := range []time.Time{now.Add(-message.DefaultTimestampWindow - time.Second), now.Add(message.DefaultTimestampWindow + time.Second)} {
		q, body := sealAt(t, old, at)
		assert.Equal(t, http.StatusForbidden, post(h, "/ticket?"+q.Encode(), body).Code, "timestamp %v", at)
	}
	got, _, _ := tickets.GetTicket(ctx, compAppID)
	assert.Equal(t, "ticket@@@CURRENT", got, "a replayed old push overwrote the ticket")

	// Inside the window (either way, to the second) it is accepted.
	q, body := sealAt(t, old, now.Add(-message.DefaultTimestampWindow))
	require.Equal(t, http.StatusOK, post(h, "/ticket?"+q.Encode(), body).Code)

	// The window is an option; <= 0 turns it off.
	wide, err := component.New(testCfg, component.WithPushTimestampWindow(time.Hour),
		component.WithClientOptions(mp.WithClock(func() time.Time { return now })))
	require.NoError(t, err)
	q, body = sealAt(t, old, now.Add(-30*time.Minute))
	assert.Equal(t, http.StatusOK, post(wide.PushHandler(), "/?"+q.Encode(), body).Code)
	off, err := component.New(testCfg, component.WithPushTimestampWindow(0))
	require.NoError(t, err)
	q, body = sealAt(t, old, time.Unix(1413192605, 0))
	assert.Equal(t, http.StatusOK, post(off.PushHandler(), "/?"+q.Encode(), body).Code)
}

// TestPushHandlerReplayIdempotent replays identical pushes inside the
// window: each is answered "success" and acted on once.
func TestPushHandlerReplayIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tickets := component.NewMemoryTicketStore()
	var events []string
	p, err := component.New(testCfg, component.WithTicketStore(tickets),
		component.WithEventHandler(func(_ context.Context, p *component.Push) error {
			events = append(events, p.InfoType)
			return nil
		}))
	require.NoError(t, err)
	h := p.PushHandler()

	authQ, authBody := seal(t, string(mptest.Fixture(t, "authorized.xml")))
	for range 3 {
		w := post(h, "/ticket?"+authQ.Encode(), authBody)
		require.Equal(t, http.StatusOK, w.Code)
		assert.Equal(t, "success", w.Body.String())
	}
	assert.Equal(t, []string{component.InfoAuthorized}, events, "a replayed authorization is handled once")

	// Ticket 1 (older CreateTime), then ticket 2; replaying ticket 1 keeps ticket 2.
	t1 := strings.Replace(string(mptest.Fixture(t, "verify_ticket.xml")), "ticket@@@", "ticket@@@ONE", 1)
	t2 := strings.NewReplacer("ticket@@@", "ticket@@@TWO", "1413192605", "1413193205").Replace(string(mptest.Fixture(t, "verify_ticket.xml")))
	q1, b1 := seal(t, t1)
	require.Equal(t, http.StatusOK, post(h, "/?"+q1.Encode(), b1).Code)
	q2, b2 := seal(t, t2)
	require.Equal(t, http.StatusOK, post(h, "/?"+q2.Encode(), b2).Code)
	require.Equal(t, http.StatusOK, post(h, "/?"+q1.Encode(), b1).Code)
	got, _, _ := tickets.GetTicket(ctx, compAppID)
	assert.True(t, strings.HasPrefix(got, "ticket@@@TWO"), "a replayed older ticket replaced the newer one")
	// The same older ticket re-sealed (new nonce/signature) is not newer either.
	q1, b1 = seal(t, t1)
	require.Equal(t, http.StatusOK, post(h, "/?"+q1.Encode(), b1).Code)
	got, _, _ = tickets.GetTicket(ctx, compAppID)
	assert.True(t, strings.HasPrefix(got, "ticket@@@TWO"))

	// A push whose handling failed is handled again on WeChat's retry.
	fails := 1
	p2, err := component.New(testCfg, component.WithEventHandler(func(context.Context, *component.Push) error {
		if fails > 0 {
			fails--
			return errors.New("db down")
		}
		return nil
	}))
	require.NoError(t, err)
	assert.Equal(t, http.StatusInternalServerError, post(p2.PushHandler(), "/?"+authQ.Encode(), authBody).Code)
	assert.Equal(t, http.StatusOK, post(p2.PushHandler(), "/?"+authQ.Encode(), authBody).Code)
}
