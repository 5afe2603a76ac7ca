package mp_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/sim"
)

// callLog records the path and errcode of every request the client sends,
// so an end-to-end test sees the conversation with the simulator.
type callLog struct {
	mu    sync.Mutex
	calls []loggedCall
}

type loggedCall struct {
	Path    string
	ErrCode int
}

func (l *callLog) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	var e struct {
		ErrCode int `json:"errcode"`
	}
	_ = json.Unmarshal(body, &e)
	l.mu.Lock()
	l.calls = append(l.calls, loggedCall{Path: r.URL.Path, ErrCode: e.ErrCode})
	l.mu.Unlock()
	resp.Body = io.NopCloser(strings.NewReader(string(body)))
	return resp, nil
}

func (l *callLog) take() []loggedCall {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.calls
	l.calls = nil
	return out
}

// TestEndToEndTokenAgainstSimulator: the client fetches its access_token
// from the simulator (stable and classic token APIs), and when the platform
// invalidates every token (as an AppSecret reset does) the next call gets
// 40001, refreshes the token once and succeeds.
func TestEndToEndTokenAgainstSimulator(t *testing.T) {
	t.Parallel()
	for _, classic := range []bool{false, true} {
		name := "stable_token"
		tokenPath := "/cgi-bin/stable_token"
		if classic {
			name, tokenPath = "classic", "/cgi-bin/token"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := sim.New(sim.Options{})
			t.Cleanup(s.Close)
			acct := s.Account()
			log := &callLog{}
			opts := []mp.Option{mp.WithHost(s.URL), mp.WithHTTPClient(&http.Client{Transport: log})}
			if classic {
				opts = append(opts, mp.WithClassicToken())
			}
			client, err := mp.New(mp.Config{AppID: acct.AppID, AppSecret: acct.AppSecret}, opts...)
			require.NoError(t, err)
			ctx := context.Background()

			tok, err := client.AccessToken(ctx)
			require.NoError(t, err)
			assert.NotEmpty(t, tok)
			again, err := client.AccessToken(ctx)
			require.NoError(t, err)
			assert.Equal(t, tok, again, "the token is cached")

			var tags struct {
				Tags []struct {
					ID   int    `json:"id"`
					Name string `json:"name"`
				} `json:"tags"`
			}
			require.NoError(t, client.Do(ctx, &mp.Request{Method: http.MethodGet, Path: "/cgi-bin/tags/get"}, &tags))
			assert.Equal(t, []loggedCall{{tokenPath, 0}, {"/cgi-bin/tags/get", 0}}, log.take())

			s.InvalidateTokens()
			require.NoError(t, client.Do(ctx, &mp.Request{Method: http.MethodGet, Path: "/cgi-bin/tags/get"}, &tags))
			assert.Equal(t, []loggedCall{
				{"/cgi-bin/tags/get", int(mp.CodeInvalidCredential)},
				{tokenPath, 0},
				{"/cgi-bin/tags/get", 0},
			}, log.take(), "one 40001, one refresh, one successful retry")

			fresh, err := client.AccessToken(ctx)
			require.NoError(t, err)
			assert.NotEqual(t, tok, fresh)

			// A wrong AppSecret is the platform's 40125 (or 40001), typed
			// and without the secret in the message.
			bad, err := mp.New(mp.Config{AppID: acct.AppID, AppSecret: "0123456789abcdef0123456789abcdef"}, opts[:1]...)
			require.NoError(t, err)
			_, err = bad.AccessToken(ctx)
			require.Error(t, err)
			assert.True(t, mp.IsCode(err, mp.CodeInvalidAppSecret, mp.CodeInvalidCredential), "%v", err)
			assert.NotContains(t, err.Error(), "0123456789abcdef0123456789abcdef")
		})
	}
}
