package component_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/component"
	"github.com/wxkit/mp/crypto"
	"github.com/wxkit/mp/internal/mptest"
)

const (
	compAppID  = "wx_component_appid"
	compSecret = "COMPONENT_SECRET_0123"
	compToken  = "componenttoken"
	compAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	ticket     = "ticket@@@TICKET_VALUE"
	compAccess = "61W3mEpU66027wgNZ_MhGHNQDHnFATkDa9-2llqrMBjUwxRSNPbVsMmyD-yq8wZETSoE5NQgecigDrSHkPtIYA"
	authAppID  = "wxf8b4f85f3a794e77"
)

var testCfg = component.Config{AppID: compAppID, AppSecret: compSecret, Token: compToken, EncodingAESKey: compAESKey}

// fake is a fake WeChat API (under mptest's base path) serving the
// component token, with a platform pointed at it whose ticket is known.
type fake struct {
	*mptest.Server
	tokenFetches atomic.Int64
}

func newFake(t *testing.T) *fake {
	t.Helper()
	srv, _ := mptest.New(t)
	f := &fake{Server: srv}
	srv.Handle("POST", "/cgi-bin/component/api_component_token", func(w http.ResponseWriter, r *http.Request) {
		f.tokenFetches.Add(1)
		body, _ := io.ReadAll(r.Body)
		mptest.JSONEq(t, `{"component_appid":"`+compAppID+`","component_appsecret":"`+compSecret+`","component_verify_ticket":"`+ticket+`"}`, body)
		_, _ = w.Write(mptest.Fixture(t, "api_component_token.json"))
	})
	return f
}

func (f *fake) platform(t *testing.T, opts ...component.Option) *component.Platform {
	t.Helper()
	ts := component.NewMemoryTicketStore()
	require.NoError(t, ts.PutTicket(context.Background(), compAppID, ticket))
	all := append([]component.Option{
		component.WithTicketStore(ts),
		component.WithClientOptions(mp.WithHost(f.URL+mptest.BasePath),
			mp.WithRetryPolicy(mp.RetryPolicy{MaxAttempts: 2, Sleep: func(context.Context, time.Duration) error { return nil }})),
	}, opts...)
	p, err := component.New(testCfg, all...)
	require.NoError(t, err)
	return p
}

// reply registers a component API answering fixture after checking the
// component_access_token and the JSON body.
func (f *fake) reply(t *testing.T, path, wantBody, fixture string) {
	f.Handle("POST", path, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("component_access_token") != compAccess {
			t.Errorf("%s: component_access_token = %q", path, r.URL.Query().Get("component_access_token"))
		}
		if r.URL.Query().Has("access_token") {
			t.Errorf("%s: unexpected access_token", path)
		}
		body, _ := io.ReadAll(r.Body)
		if wantBody != "" {
			mptest.JSONEq(t, wantBody, body)
		}
		_, _ = w.Write(mptest.Fixture(t, fixture))
	})
}

// seal encrypts a push the way WeChat sends it to the platform.
// The timestamp is now.
func seal(t testing.TB, plain string) (query url.Values, body string) {
	t.Helper()
	return sealAt(t, plain, time.Now())
}

// sealAt is seal with the timestamp at.
func sealAt(t testing.TB, plain string, at time.Time) (query url.Values, body string) {
	t.Helper()
	c, err := crypto.NewCipher(compAESKey, compAppID)
	require.NoError(t, err)
	enc, err := c.Encrypt([]byte(plain))
	require.NoError(t, err)
	ts := strconv.FormatInt(at.Unix(), 10)
	q := url.Values{"timestamp": {ts}, "nonce": {"nonce123"}, "encrypt_type": {"aes"},
		"msg_signature": {crypto.MsgSignature(compToken, ts, "nonce123", enc)}}
	return q, "<xml><AppId><![CDATA[" + compAppID + "]]></AppId><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>"
}

func post(h http.Handler, target, body string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", target, strings.NewReader(body)))
	return w
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
