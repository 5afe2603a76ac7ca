package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/crypto"
	"github.com/wxkit/mp/sim"
)

// platformPushes is a fake authorization-event URL recording the InfoType
// of each push it could open with the platform's key.
func platformPushes(t *testing.T, status int) (*httptest.Server, func() []string) {
	t.Helper()
	env, err := crypto.NewEnvelope(sim.DefaultComponentToken, sim.DefaultComponentEncodingAESKey, sim.DefaultComponentAppID)
	require.NoError(t, err)
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		body, _ := io.ReadAll(r.Body)
		plain, err := env.Open(q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce"), body)
		if !assert.NoError(t, err) {
			return
		}
		_, after, _ := strings.Cut(string(plain), "<InfoType><![CDATA[")
		info, _, _ := strings.Cut(after, "]]>")
		mu.Lock()
		got = append(got, info)
		mu.Unlock()
		w.WriteHeader(status)
		_, _ = io.WriteString(w, "success")
	}))
	t.Cleanup(srv.Close)
	return srv, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), got...) }
}

func TestComponentCommand(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{noBot: true})
	srv, pushes := platformPushes(t, http.StatusOK)
	code, out, errs := e.wxsim(t, "component", "configure", srv.URL+"/ticket", srv.URL+"/wechat/$APPID$")
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "platform configured")
	assert.Equal(t, srv.URL+"/wechat/$APPID$", e.sim.Component().MessageURL)
	code, _, _ = e.wxsim(t, "component", "configure", "ftp://x")
	assert.Equal(t, exitFailure, code)

	code, out, errs = e.wxsim(t, "component", "ticket")
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "component_verify_ticket pushed")
	code, out, errs = e.wxsim(t, "component", "authorize")
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "auth_code: queryauthcode@@@")
	code, _, errs = e.wxsim(t, "component", "authorize", e.sim.NewPreAuthCode())
	require.Equal(t, exitOK, code, errs)
	code, out, errs = e.wxsim(t, "component", "revoke")
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "revoked")
	assert.Equal(t, []string{"component_verify_ticket", "authorized", "updateauthorized", "unauthorized"}, pushes())

	code, _, errs = e.wxsim(t, "component", "authorize", "preauthcode@@@nope")
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, errs, "bad_pre_auth_code")
	for _, bad := range [][]string{{"component"}, {"component", "frob"}, {"component", "revoke", "x"}, {"component", "authorize", "a", "b"}} {
		code, _, _ = e.wxsim(t, bad...)
		assert.NotEqual(t, exitOK, code, bad)
	}
}

func TestComponentAPI(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{noBot: true})
	srv, pushes := platformPushes(t, http.StatusInternalServerError)
	require.NoError(t, e.sim.ConfigureComponent(sim.ComponentOptions{CallbackURL: srv.URL + "/ticket"}))

	var out map[string]any
	assert.Equal(t, http.StatusBadGateway, e.call(t, "POST", "/sim/api/component/ticket", nil, &out))
	assert.Equal(t, "push_failed", out["code"])
	// The authorization is done even though the platform refused the push.
	out = nil
	assert.Equal(t, http.StatusBadGateway, e.call(t, "POST", "/sim/api/component/authorize", map[string]string{"pre_auth_code": e.sim.NewPreAuthCode()}, &out))
	assert.Equal(t, []string{"component_verify_ticket", "authorized"}, pushes())
	assert.Equal(t, http.StatusNotFound, e.call(t, "POST", "/sim/api/component/frob", nil, nil))
	assert.Equal(t, http.StatusBadRequest, e.call(t, "POST", "/sim/api/component/authorize", "{", nil))

	// Without a CallbackURL there is nowhere to push the ticket.
	require.NoError(t, e.sim.ConfigureComponent(sim.ComponentOptions{}))
	assert.Equal(t, http.StatusBadGateway, e.call(t, "POST", "/sim/api/component/ticket", nil, nil))
	assert.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/component/authorize", nil, nil))
}
