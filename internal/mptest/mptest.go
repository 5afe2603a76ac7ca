// Package mptest is the test harness of the family packages: an httptest
// server mounted under a non-empty base path (so an endpoint written as an
// absolute URL fails loudly), a client pointed at it with a fixed
// access_token and instant retries, and helpers that assert on the request
// sent and answer with fixtures from testdata/.
package mptest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
)

// AccessToken is the token the test client sends.
const AccessToken = "ACCESS_TOKEN"

// BasePath is where the fake API is mounted.
const BasePath = "/wechat-api"

// AppID is the test account's AppID.
const AppID = "wx1234567890abcdef"

// Server is a fake WeChat API.
type Server struct {
	*httptest.Server
	Mux *http.ServeMux
	t   testing.TB
}

// New starts a fake API and returns it with a client pointed at it (all
// three hosts: api, open and mp). The server closes when the test ends.
func New(t testing.TB, opts ...mp.Option) (*Server, *mp.Client) {
	t.Helper()
	mux := http.NewServeMux()
	outer := http.NewServeMux()
	outer.Handle(BasePath+"/", http.StripPrefix(BasePath, mux))
	outer.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("mptest: request outside the base path: %s %s", r.Method, r.URL.Path)
		http.Error(w, "outside base path", http.StatusNotFound)
	})
	srv := httptest.NewServer(outer)
	t.Cleanup(srv.Close)
	s := &Server{Server: srv, Mux: mux, t: t}
	all := append([]mp.Option{
		mp.WithHost(srv.URL + BasePath),
		mp.WithTokenSource(StaticToken(AccessToken)),
		mp.WithRetryPolicy(mp.RetryPolicy{MaxAttempts: 3, Sleep: func(context.Context, time.Duration) error { return nil }}),
	}, opts...)
	c, err := mp.New(mp.Config{AppID: AppID, AppSecret: "APPSECRET"}, all...)
	require.NoError(t, err)
	return s, c
}

// StaticToken is a TokenSource that always returns the same token.
type StaticToken string

// Token implements mp.TokenSource.
func (s StaticToken) Token(context.Context) (string, error) { return string(s), nil }

// Invalidate implements mp.TokenSource.
func (StaticToken) Invalidate(context.Context, string) error { return nil }

// Handle registers h for method and path (path without the base path) and
// checks the method. Use method "" for any method. Unlike Reply it does not
// check the access_token, so handlers of token-less calls (sns/*) can
// assert its absence.
func (s *Server) Handle(method, path string, h http.HandlerFunc) {
	s.Mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		if method != "" && r.Method != method {
			s.t.Errorf("%s: method = %s, want %s", path, r.Method, method)
		}
		h(w, r)
	})
}

// Reply registers a handler for method+path that checks the access_token,
// checks the request with check (may be nil) and answers with the fixture
// file testdata/<fixture> as JSON.
func (s *Server) Reply(method, path, fixture string, check func(t testing.TB, r *http.Request, body []byte)) {
	s.Handle(method, path, func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(s.t, AccessToken, r.URL.Query().Get("access_token"), "access_token in query")
		body, _ := io.ReadAll(r.Body)
		if check != nil {
			check(s.t, r, body)
		}
		w.Header().Set("Content-Type", "application/json; encoding=utf-8")
		_, _ = w.Write(Fixture(s.t, fixture))
	})
}

// Fixture reads testdata/name.
func Fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err, "fixture %s", name)
	return b
}

// JSONEq asserts that body is the JSON want (ignoring key order and spacing).
func JSONEq(t testing.TB, want string, body []byte) {
	t.Helper()
	assert.JSONEq(t, want, string(body))
}

// JSONEqFixture asserts that body equals the JSON in testdata/name.
func JSONEqFixture(t testing.TB, name string, body []byte) {
	t.Helper()
	assert.JSONEq(t, string(Fixture(t, name)), string(body))
}

// Query asserts query parameters of r (other than access_token).
func Query(t testing.TB, r *http.Request, want map[string]string) {
	t.Helper()
	got := map[string]string{}
	for k, v := range r.URL.Query() {
		if k != "access_token" {
			got[k] = strings.Join(v, ",")
		}
	}
	assert.Equal(t, want, got, "query of %s", r.URL.Path)
}

// Decode unmarshals body into a map, for ad-hoc assertions.
func Decode(t testing.TB, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(body, &m))
	return m
}

// ErrorJSON answers with a WeChat error body.
func ErrorJSON(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json; encoding=utf-8")
	_, _ = io.WriteString(w, `{"errcode":`+itoa(code)+`,"errmsg":"`+msg+` rid: 6543210f-12345678-abcdef01"}`)
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// ReplyError answers method+path with the WeChat error code and message.
func (s *Server) ReplyError(method, path string, code int, msg string) {
	s.Handle(method, path, func(w http.ResponseWriter, r *http.Request) { ErrorJSON(w, code, msg) })
}

// RefuseAll fails the test on any request that no other handler takes: for
// tests of validation that must refuse before sending.
func (s *Server) RefuseAll() {
	s.Mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
	})
}

// RequireAPIError asserts that err is an *mp.APIError with code, and that
// its text does not leak the access_token.
func RequireAPIError(t testing.TB, err error, code mp.ErrorCode) {
	t.Helper()
	var apiErr *mp.APIError
	require.True(t, errors.As(err, &apiErr), "want *mp.APIError, got %T: %v", err, err)
	assert.Equal(t, code, apiErr.Code)
	assert.NotContains(t, err.Error(), AccessToken)
}

// RequireValidation asserts that err is an *mp.ValidationError on field.
func RequireValidation(t testing.TB, err error, field string) {
	t.Helper()
	var ve *mp.ValidationError
	require.True(t, errors.As(err, &ve), "want *mp.ValidationError, got %T: %v", err, err)
	assert.Equal(t, field, ve.Field)
}
