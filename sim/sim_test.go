package sim

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewHandler(t *testing.T) {
	t.Parallel()
	s, err := NewHandler(Options{AppID: "wxcustom0000000001", OriginalID: "gh_custom00001"})
	require.NoError(t, err)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	s.URL = srv.URL
	assert.Equal(t, "wxcustom0000000001", s.Account().AppID)
	assert.Equal(t, DefaultAppSecret, s.Account().AppSecret)
	out := do(t, s, "GET", "/cgi-bin/token", map[string][]string{"grant_type": {"client_credential"}, "appid": {"wxcustom0000000001"}, "secret": {DefaultAppSecret}}, nil)
	assert.NotEmpty(t, out["access_token"])
	dev := newDevServer(t, s, func(p pushed) string { return textReply(p, "hi") })
	u := s.NewUser("H")
	r, err := u.Follow(ctx(t))
	require.NoError(t, err)
	assert.Equal(t, "gh_custom00001", r.FromUserName)
	assert.Equal(t, "gh_custom00001", dev.pushes()[0].Msg["ToUserName"])
	assert.Equal(t, dev.srv.URL+"/wx", s.CallbackURL())
	assert.False(t, s.SafeMode())
	s.Close()
	s.Close()
	ch, cancel := s.Subscribe()
	cancel()
	_, open := <-ch
	assert.False(t, open)
	_, err = u.SendText(ctx(t), "x")
	require.ErrorIs(t, err, ErrClosed)
}

func TestStartBadAddr(t *testing.T) {
	t.Parallel()
	_, err := Start(Options{Addr: "256.0.0.1:99999"})
	require.Error(t, err)
	assert.Panics(t, func() { New(Options{EncodingAESKey: "bad"}) })
}

// Both WeChat Pay API generations reach Options.Pay through the one
// address: v3 under /v3/, v2 under /pay/ and /secapi/.
func TestPayPathsReachThePaySimulator(t *testing.T) {
	t.Parallel()
	var got []string
	var mu sync.Mutex
	pay := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.URL.Path)
		mu.Unlock()
		_, _ = w.Write([]byte("pay"))
	})
	s, err := NewHandler(Options{Pay: pay})
	require.NoError(t, err)
	for _, p := range []string{"/v3/pay/transactions/jsapi", "/pay/unifiedorder", "/secapi/pay/refund", "/sim/pay", "/cgi-bin/token"} {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest(http.MethodPost, p, nil))
	}
	assert.Equal(t, []string{"/v3/pay/transactions/jsapi", "/pay/unifiedorder", "/secapi/pay/refund", "/sim/pay"}, got)
}
