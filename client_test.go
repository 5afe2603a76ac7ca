package mp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/token"
)

const (
	appID  = "wx1234567890abcdef"
	secret = "APPSECRET_0123456789abcdef012345"
)

// fake is a WeChat API with a counting token endpoint that issues tok-N.
type fake struct {
	*httptest.Server
	mux       *http.ServeMux
	tokenHits atomic.Int64
	tokens    atomic.Int64
	forced    atomic.Int64
	mu        sync.Mutex
	valid     string // the token the API currently accepts
	tokenFail func(w http.ResponseWriter) bool
}

func newFake(t *testing.T) *fake {
	t.Helper()
	f := &fake{mux: http.NewServeMux()}
	f.mux.HandleFunc("POST /cgi-bin/stable_token", func(w http.ResponseWriter, r *http.Request) {
		f.tokenHits.Add(1)
		if f.tokenFail != nil && f.tokenFail(w) {
			return
		}
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body["appid"] != appID || body["secret"] != secret || body["grant_type"] != "client_credential" {
			http.Error(w, "bad token request", 400)
			return
		}
		if body["force_refresh"] == true {
			f.forced.Add(1)
		}
		f.issue(w)
	})
	f.mux.HandleFunc("GET /cgi-bin/token", func(w http.ResponseWriter, r *http.Request) {
		f.tokenHits.Add(1)
		if f.tokenFail != nil && f.tokenFail(w) {
			return
		}
		q := r.URL.Query()
		if q.Get("appid") != appID || q.Get("secret") != secret || q.Get("grant_type") != "client_credential" {
			http.Error(w, "bad token request", 400)
			return
		}
		f.issue(w)
	})
	f.Server = httptest.NewServer(http.StripPrefix("/base", f.mux))
	t.Cleanup(f.Close)
	return f
}

func (f *fake) issue(w http.ResponseWriter) {
	tok := fmt.Sprintf("tok-%d", f.tokens.Add(1))
	f.mu.Lock()
	f.valid = tok
	f.mu.Unlock()
	fmt.Fprintf(w, `{"access_token":%q,"expires_in":7200}`, tok)
}

func (f *fake) accepts(r *http.Request) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return r.URL.Query().Get("access_token") == f.valid
}

func noSleep() mp.RetryPolicy {
	return mp.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond,
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }}
}

func (f *fake) client(t *testing.T, opts ...mp.Option) *mp.Client {
	t.Helper()
	all := append([]mp.Option{mp.WithBaseURL(f.URL + "/base"), mp.WithRetryPolicy(noSleep())}, opts...)
	c, err := mp.New(mp.Config{AppID: appID, AppSecret: secret, Token: "CALLBACK_TOKEN", EncodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"}, all...)
	require.NoError(t, err)
	return c
}

func TestDoSendsTokenAndRawJSON(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.mux.HandleFunc("POST /cgi-bin/message/custom/send", func(w http.ResponseWriter, r *http.Request) {
		assert.True(t, f.accepts(r))
		assert.Equal(t, "x", r.URL.Query().Get("extra"))
		assert.Equal(t, "application/json; charset=utf-8", r.Header.Get("Content-Type"))
		b, _ := io.ReadAll(r.Body)
		assert.Equal(t, `{"touser":"o1","text":{"content":"<a href=\"https://x.cn/?a=1&b=2\">你好</a>"}}`, string(b))
		io.WriteString(w, `{"errcode":0,"errmsg":"ok","msgid":42}`)
	})
	c := f.client(t)
	type text struct {
		Content string `json:"content"`
	}
	body := struct {
		ToUser string `json:"touser"`
		Text   text   `json:"text"`
	}{"o1", text{`<a href="https://x.cn/?a=1&b=2">你好</a>`}}
	var out struct {
		MsgID int64 `json:"msgid"`
	}
	err := c.Do(context.Background(), &mp.Request{Path: "/cgi-bin/message/custom/send", Query: map[string][]string{"extra": {"x"}}, Body: body}, &out)
	require.NoError(t, err)
	assert.EqualValues(t, 42, out.MsgID)
	assert.EqualValues(t, 1, f.tokenHits.Load())
}

func TestQueryStruct(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.mux.HandleFunc("GET /cgi-bin/user/info", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "o1", r.URL.Query().Get("openid"))
		assert.Equal(t, "zh_CN", r.URL.Query().Get("lang"))
		io.WriteString(w, `{"openid":"o1"}`)
	})
	c := f.client(t)
	q := struct {
		OpenID string `url:"openid"`
		Lang   string `url:"lang,omitempty"`
	}{"o1", "zh_CN"}
	var out map[string]any
	require.NoError(t, c.Do(context.Background(), &mp.Request{Path: "/cgi-bin/user/info", Query: q}, &out))
	assert.Equal(t, "o1", out["openid"])
	// A query that go-querystring cannot encode is a clear error.
	require.Error(t, c.Do(context.Background(), &mp.Request{Path: "/x", Query: 42}, nil))
}

func TestAPIErrorTyped(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.mux.HandleFunc("POST /cgi-bin/message/custom/send", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"errcode":45015,"errmsg":"response out of time limit or subscription is canceled rid: 6543210f-12345678-abcdef01"}`)
	})
	c := f.client(t)
	err := c.Do(context.Background(), &mp.Request{Path: "/cgi-bin/message/custom/send", Body: map[string]string{"a": "b"}}, nil)
	var apiErr *mp.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, mp.CodeReplyTimeLimit, apiErr.Code)
	assert.Equal(t, "6543210f-12345678-abcdef01", apiErr.RID)
	assert.JSONEq(t, `{"errcode":45015,"errmsg":"response out of time limit or subscription is canceled rid: 6543210f-12345678-abcdef01"}`, string(apiErr.Raw))
	assert.Equal(t, "response out of time limit or subscription is canceled", apiErr.Message)
	assert.Equal(t, "mp: POST /cgi-bin/message/custom/send: errcode 45015: response out of time limit or subscription is canceled (rid: 6543210f-12345678-abcdef01)", err.Error())
	assert.True(t, mp.IsCode(err, mp.CodeQuotaExceeded, mp.CodeReplyTimeLimit))
	assert.False(t, mp.IsCode(err, mp.CodeQuotaExceeded))
	assert.False(t, mp.IsCode(errors.New("x"), mp.CodeReplyTimeLimit))
	assert.ErrorIs(t, err, &mp.APIError{Code: mp.CodeReplyTimeLimit})
	assert.NotErrorIs(t, err, &mp.APIError{Code: mp.CodeQuotaExceeded})
	assert.Equal(t, "mp: errcode 40001", (&mp.APIError{Code: 40001}).Error())
}

func TestTokenErrorRetriesOnceWithNewToken(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	var calls atomic.Int64
	f.mux.HandleFunc("GET /cgi-bin/get_api_domain_ip", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Query().Get("access_token") == "tok-1" {
			w.Write(mustRead(t, "testdata/error_40001.json"))
			return
		}
		io.WriteString(w, `{"ip_list":["1.1.1.1"]}`)
	})
	c := f.client(t)
	var out struct {
		IPList []string `json:"ip_list"`
	}
	require.NoError(t, c.Do(context.Background(), &mp.Request{Path: "/cgi-bin/get_api_domain_ip"}, &out))
	assert.Equal(t, []string{"1.1.1.1"}, out.IPList)
	assert.EqualValues(t, 2, calls.Load())
	assert.EqualValues(t, 2, f.tokenHits.Load())
}

func TestTokenErrorTwiceIsReturned(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	var calls atomic.Int64
	f.mux.HandleFunc("GET /always-42001", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		io.WriteString(w, `{"errcode":42001,"errmsg":"access_token expired"}`)
	})
	c := f.client(t)
	err := c.Do(context.Background(), &mp.Request{Path: "/always-42001"}, nil)
	assert.True(t, mp.IsCode(err, mp.CodeAccessTokenExpired))
	assert.EqualValues(t, 2, calls.Load(), "exactly one retry")
	assert.True(t, mp.CodeAccessTokenExpired.IsTokenError())
}

// A burst of 1,000 calls all answered 40001 for the same token causes one
// refresh, and every call then succeeds with the new token.
func TestTokenErrorBurstOneRefresh(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.mux.HandleFunc("GET /api", func(w http.ResponseWriter, r *http.Request) {
		if !f.accepts(r) {
			io.WriteString(w, `{"errcode":40001,"errmsg":"invalid credential"}`)
			return
		}
		io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
	})
	c := f.client(t)
	ctx := context.Background()
	_, err := c.AccessToken(ctx)
	require.NoError(t, err)
	// WeChat now rejects tok-1 (somebody else refreshed it).
	f.mu.Lock()
	f.valid = "tok-2"
	f.tokens.Store(1)
	f.mu.Unlock()
	var wg sync.WaitGroup
	var failed atomic.Int64
	for i := 0; i < 1000; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.Do(ctx, &mp.Request{Path: "/api"}, nil); err != nil {
				failed.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.Zero(t, failed.Load())
	assert.EqualValues(t, 2, f.tokenHits.Load(), "one initial fetch and exactly one refresh")
}

// 10,000 goroutines on an empty cache cause one request to the token API.
func TestTokenColdCacheOneRequest(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	c := f.client(t)
	var wg sync.WaitGroup
	for i := 0; i < 10000; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := c.AccessToken(context.Background())
			assert.NoError(t, err)
			assert.Equal(t, "tok-1", v)
		}()
	}
	wg.Wait()
	assert.EqualValues(t, 1, f.tokenHits.Load())
}

func TestClassicToken(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	c := f.client(t, mp.WithClassicToken())
	v, err := c.AccessToken(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "tok-1", v)
}

func TestStableTokenForceRefreshWhenSameTokenReturned(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	// Upstream keeps answering the same token unless forced.
	f.tokenFail = func(w http.ResponseWriter) bool { return false }
	c := f.client(t)
	ctx := context.Background()
	old, _ := c.AccessToken(ctx)
	f.tokens.Store(0) // the next non-forced answer is tok-1 again
	require.NoError(t, c.Tokens().Invalidate(ctx, old))
	v, _ := c.AccessToken(ctx)
	assert.Equal(t, "tok-2", v)
	assert.EqualValues(t, 1, f.forced.Load())
}

func TestRetriesTransient(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		method    string
		idem      bool
		answers   []func(w http.ResponseWriter)
		wantCalls int64
		wantErr   func(t *testing.T, err error)
	}{
		{name: "busy then ok", method: "POST", answers: []func(http.ResponseWriter){busy, ok}, wantCalls: 2},
		{name: "busy thrice", method: "GET", answers: []func(http.ResponseWriter){busy, busy, busy, ok}, wantCalls: 3,
			wantErr: func(t *testing.T, err error) { assert.True(t, mp.IsCode(err, mp.CodeSystemBusy)) }},
		{name: "5xx GET retried", method: "GET", answers: []func(http.ResponseWriter){status(502), ok}, wantCalls: 2},
		{name: "5xx idempotent POST retried", method: "POST", idem: true, answers: []func(http.ResponseWriter){status(503), ok}, wantCalls: 2},
		{name: "5xx POST not retried", method: "POST", answers: []func(http.ResponseWriter){status(500), ok}, wantCalls: 1,
			wantErr: func(t *testing.T, err error) {
				var h *mp.HTTPError
				require.ErrorAs(t, err, &h)
				assert.Equal(t, 500, h.StatusCode)
			}},
		{name: "quota at once", method: "GET", answers: []func(http.ResponseWriter){quota, ok}, wantCalls: 1,
			wantErr: func(t *testing.T, err error) {
				assert.True(t, mp.IsCode(err, mp.CodeQuotaExceeded))
				var e *mp.APIError
				require.ErrorAs(t, err, &e)
				assert.True(t, e.Code.IsQuotaError())
			}},
		{name: "4xx with errcode", method: "GET", answers: []func(http.ResponseWriter){func(w http.ResponseWriter) {
			w.WriteHeader(400)
			io.WriteString(w, `{"errcode":40013,"errmsg":"invalid appid"}`)
		}}, wantCalls: 1, wantErr: func(t *testing.T, err error) { assert.True(t, mp.IsCode(err, mp.CodeInvalidAppID)) }},
		{name: "garbage", method: "GET", answers: []func(http.ResponseWriter){func(w http.ResponseWriter) { io.WriteString(w, "<html>") }}, wantCalls: 1,
			wantErr: func(t *testing.T, err error) {
				var d *mp.DecodeError
				require.ErrorAs(t, err, &d)
				assert.Contains(t, err.Error(), "<html>")
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			var calls atomic.Int64
			f.mux.HandleFunc("/api", func(w http.ResponseWriter, r *http.Request) {
				n := calls.Add(1)
				tc.answers[n-1](w)
			})
			c := f.client(t)
			var body any
			if tc.method == "POST" {
				body = map[string]int{"a": 1}
			}
			var out map[string]any
			err := c.Do(context.Background(), &mp.Request{Method: tc.method, Path: "/api", Body: body, Idempotent: tc.idem}, &out)
			assert.Equal(t, tc.wantCalls, calls.Load())
			if tc.wantErr != nil {
				require.Error(t, err)
				tc.wantErr(t, err)
			} else {
				require.NoError(t, err)
				assert.Equal(t, "yes", out["ok"])
			}
		})
	}
}

func busy(w http.ResponseWriter) { io.WriteString(w, `{"errcode":-1,"errmsg":"system error"}`) }
func quota(w http.ResponseWriter) {
	io.WriteString(w, `{"errcode":45009,"errmsg":"reach max api daily quota limit"}`)
}
func ok(w http.ResponseWriter) { io.WriteString(w, `{"errcode":0,"ok":"yes"}`) }
func status(code int) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) { w.WriteHeader(code); io.WriteString(w, "upstream error") }
}

func TestTimeoutRetriedForGET(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	var calls atomic.Int64
	f.mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		ok(w)
	})
	// The first attempt times out, the way http.Client reports it; no
	// clock is involved, so a loaded machine cannot change the outcome.
	var timedOut atomic.Bool
	hc := doerFunc(func(r *http.Request) (*http.Response, error) {
		if r.URL.Path == "/base/slow" && timedOut.CompareAndSwap(false, true) {
			return nil, &url.Error{Op: r.Method, URL: r.URL.String(), Err: timeoutError{}}
		}
		return http.DefaultClient.Do(r)
	})
	c := f.client(t, mp.WithHTTPClient(hc))
	require.NoError(t, c.Do(context.Background(), &mp.Request{Path: "/slow"}, nil))
	assert.True(t, timedOut.Load())
	assert.EqualValues(t, 1, calls.Load(), "the retry reached the server")
}

type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

// timeoutError is a net.Error that timed out, like a client deadline.
type timeoutError struct{}

func (timeoutError) Error() string {
	return "context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
}
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

func TestBackoffHonoursContext(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.mux.HandleFunc("/busy", func(w http.ResponseWriter, r *http.Request) { busy(w) })
	c := f.client(t, mp.WithRetryPolicy(mp.RetryPolicy{MaxAttempts: 5, BaseDelay: time.Hour, MaxDelay: time.Hour}))
	_, err := c.AccessToken(context.Background())
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = c.Do(ctx, &mp.Request{Path: "/busy"}, nil)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.True(t, mp.IsCode(err, mp.CodeSystemBusy))
}

func TestDefaultRetryPolicyDelays(t *testing.T) {
	t.Parallel()
	p := mp.DefaultRetryPolicy()
	assert.Equal(t, 3, p.MaxAttempts)
	assert.Equal(t, 1, mp.NoRetry().MaxAttempts)
	// Exercise the real timer path with a tiny delay.
	f := newFake(t)
	var calls atomic.Int64
	f.mux.HandleFunc("/busy-once", func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			busy(w)
			return
		}
		ok(w)
	})
	c := f.client(t, mp.WithRetryPolicy(mp.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}))
	require.NoError(t, c.Do(context.Background(), &mp.Request{Path: "/busy-once"}, nil))
}

// Token endpoint faults: bounded retries, typed errors, and a still-valid
// cached token keeps being served.
func TestTokenEndpointFaults(t *testing.T) {
	t.Parallel()
	faults := map[string]func(w http.ResponseWriter) bool{
		"500":     func(w http.ResponseWriter) bool { w.WriteHeader(500); return true },
		"busy":    func(w http.ResponseWriter) bool { busy(w); return true },
		"garbage": func(w http.ResponseWriter) bool { io.WriteString(w, "{not json"); return true },
		"timeout": nil, // injected by the transport below
	}
	for name, fault := range faults {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			var failing atomic.Bool
			f.tokenFail = func(w http.ResponseWriter) bool {
				if failing.Load() && fault != nil {
					return fault(w)
				}
				return false
			}
			// A timeout as http.Client reports it, without a clock: a
			// loaded machine cannot turn a good answer into a timeout.
			hc := doerFunc(func(r *http.Request) (*http.Response, error) {
				if fault == nil && failing.Load() && strings.HasSuffix(r.URL.Path, "/stable_token") {
					return nil, &url.Error{Op: r.Method, URL: r.URL.String(), Err: timeoutError{}}
				}
				return http.DefaultClient.Do(r)
			})
			var mu sync.Mutex
			now := time.Now()
			clk := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
			c := f.client(t, mp.WithHTTPClient(hc), mp.WithClock(clk),
				mp.WithTokenOptions(token.WithMinRetryInterval(0)))
			ctx := context.Background()
			v, err := c.AccessToken(ctx)
			require.NoError(t, err)
			require.Equal(t, "tok-1", v)

			failing.Store(true)
			before := f.tokenHits.Load()
			// Inside the refresh window: the cached token is still served.
			mu.Lock()
			now = now.Add(7200*time.Second - token.DefaultSafetyMargin - token.DefaultRefreshAhead + time.Second)
			mu.Unlock()
			v, err = c.AccessToken(ctx)
			require.NoError(t, err)
			assert.Equal(t, "tok-1", v)
			// Expired: a typed error, never an empty token, after bounded tries.
			mu.Lock()
			now = now.Add(time.Hour)
			mu.Unlock()
			require.Eventually(t, func() bool {
				v, err = c.AccessToken(ctx)
				return err != nil
			}, 5*time.Second, 10*time.Millisecond)
			assert.Empty(t, v)
			hits := f.tokenHits.Load() - before
			assert.LessOrEqual(t, hits, int64(2*3), "bounded retries")
			switch name {
			case "busy":
				assert.True(t, mp.IsCode(err, mp.CodeSystemBusy))
			case "500":
				var h *mp.HTTPError
				assert.ErrorAs(t, err, &h)
			case "garbage":
				var d *mp.DecodeError
				assert.ErrorAs(t, err, &d)
			}
			assert.NotContains(t, err.Error(), secret)
		})
	}
}

func TestSecretsNeverInErrorsOrLogs(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	// /hang times out the way http.Client reports it: a *url.Error with
	// the whole URL, access_token included.
	hc := doerFunc(func(r *http.Request) (*http.Response, error) {
		if r.URL.Path == "/base/hang" {
			return nil, &url.Error{Op: r.Method, URL: r.URL.String(), Err: timeoutError{}}
		}
		return http.DefaultClient.Do(r)
	})
	c := f.client(t, mp.WithLogger(logger), mp.WithHTTPClient(hc))
	ctx := context.Background()
	tok, err := c.AccessToken(ctx)
	require.NoError(t, err)

	var errs []error
	errs = append(errs, c.Do(ctx, &mp.Request{Path: "/hang"}, nil))
	// A closed port: net/http's *url.Error carries the whole URL.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := l.Addr().String()
	l.Close()
	c2 := f.client(t, mp.WithLogger(logger), mp.WithBaseURL("http://"+dead))
	errs = append(errs, c2.Do(ctx, &mp.Request{Path: "/x", Query: map[string][]string{"secret": {secret}, "refresh_token": {"RT_SECRET"}}}, nil))
	_, err = c2.AccessToken(ctx)
	errs = append(errs, err)
	c3 := f.client(t, mp.WithClassicToken(), mp.WithBaseURL("http://"+dead))
	_, err = c3.AccessToken(ctx)
	errs = append(errs, err)
	for _, err := range errs {
		require.Error(t, err)
		for e := err; e != nil; e = errors.Unwrap(e) {
			assert.NotContains(t, e.Error(), tok)
			assert.NotContains(t, e.Error(), secret)
			assert.NotContains(t, e.Error(), "RT_SECRET")
		}
	}
	mu.Lock()
	out := logs.String()
	mu.Unlock()
	assert.Contains(t, out, "access_token=REDACTED")
	assert.NotContains(t, out, tok)
	assert.NotContains(t, out, secret)

	cfg := c.Config()
	for _, s := range []string{cfg.String(), fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg), c.String(), fmt.Sprint(c)} {
		assert.NotContains(t, s, secret)
		assert.NotContains(t, s, "CALLBACK_TOKEN")
		assert.NotContains(t, s, "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestRedactURL(t *testing.T) {
	t.Parallel()
	u := mustURL("https://api.weixin.qq.com/sns/oauth2/access_token?appid=wx1&secret=S&code=C&grant_type=authorization_code")
	got := mp.RedactURL(u)
	assert.NotContains(t, got, "=S&")
	assert.Contains(t, got, "secret=REDACTED")
	assert.Contains(t, got, "code=REDACTED")
	assert.Equal(t, "https://x/y", mp.RedactURL(mustURL("https://x/y")))
	assert.Equal(t, "https://x/y?a=1", mp.RedactURL(mustURL("https://x/y?a=1")))
	assert.Equal(t, "", mp.RedactURL(nil))
}

func TestDownloadStreamsBinaryAndDecodesJSON(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	img := bytes.Repeat([]byte{0xff, 0xd8, 0x00}, 1000)
	f.mux.HandleFunc("GET /cgi-bin/media/get", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("media_id") {
		case "img":
			w.Header().Set("Content-Type", "image/jpeg")
			w.Header().Set("Content-Disposition", `attachment; filename="a.jpg"`)
			w.Write(img)
		case "video":
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, `{"video_url":"http://v.example/1.mp4"}`)
		default:
			w.Header().Set("Content-Type", "application/json; encoding=utf-8")
			io.WriteString(w, `{"errcode":40007,"errmsg":"invalid media_id"}`)
		}
	})
	c := f.client(t)
	ctx := context.Background()
	var buf bytes.Buffer
	d, err := c.Download(ctx, &mp.Request{Path: "/cgi-bin/media/get", Query: map[string][]string{"media_id": {"img"}}}, &buf, nil)
	require.NoError(t, err)
	assert.Equal(t, img, buf.Bytes())
	assert.Equal(t, "a.jpg", d.FileName)
	assert.EqualValues(t, len(img), d.Written)
	assert.False(t, d.JSON)

	var v struct {
		VideoURL string `json:"video_url"`
	}
	buf.Reset()
	d, err = c.Download(ctx, &mp.Request{Path: "/cgi-bin/media/get", Query: map[string][]string{"media_id": {"video"}}}, &buf, &v)
	require.NoError(t, err)
	assert.True(t, d.JSON)
	assert.Equal(t, "http://v.example/1.mp4", v.VideoURL)
	assert.Zero(t, buf.Len())

	_, err = c.Download(ctx, &mp.Request{Path: "/cgi-bin/media/get", Query: map[string][]string{"media_id": {"bad"}}}, &buf, nil)
	assert.True(t, mp.IsCode(err, mp.CodeInvalidMediaID))

	// A writer that fails mid-stream: the error says so and is not retried.
	_, err = c.Download(ctx, &mp.Request{Path: "/cgi-bin/media/get", Query: map[string][]string{"media_id": {"img"}}}, failWriter{}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "streaming the download")
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestMultipartUpload(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	var calls atomic.Int64
	f.mux.HandleFunc("POST /cgi-bin/media/upload", func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		assert.Equal(t, "image", r.URL.Query().Get("type"))
		require.NoError(t, r.ParseMultipartForm(1<<20))
		assert.Equal(t, "v1", r.FormValue("k1"))
		file, hdr, err := r.FormFile("media")
		require.NoError(t, err)
		b, _ := io.ReadAll(file)
		assert.Equal(t, "PNGDATA", string(b))
		assert.Equal(t, `a "b".png`, hdr.Filename)
		assert.Equal(t, "image/png", hdr.Header.Get("Content-Type"))
		if r.URL.Query().Get("want") == "retry" && n == 1 {
			io.WriteString(w, `{"errcode":40001,"errmsg":"invalid credential"}`)
			return
		}
		fmt.Fprintf(w, `{"type":"image","media_id":"M","created_at":1,"cl":%d}`, r.ContentLength)
	})
	c := f.client(t)
	ctx := context.Background()
	var out struct {
		MediaID string `json:"media_id"`
		CL      int64  `json:"cl"`
	}
	form := func(r io.Reader) *mp.Multipart {
		return &mp.Multipart{Fields: []mp.FormField{{Name: "k1", Value: "v1"}},
			Files: []mp.FormFile{{Field: "media", FileName: `a "b".png`, ContentType: "image/png", Reader: r}}}
	}
	// Seekable reader: exact Content-Length, and replayed after a token error.
	require.NoError(t, c.Do(ctx, &mp.Request{Path: "/cgi-bin/media/upload", Query: map[string][]string{"type": {"image"}, "want": {"retry"}}, Form: form(strings.NewReader("PNGDATA"))}, &out))
	assert.Equal(t, "M", out.MediaID)
	assert.Greater(t, out.CL, int64(0), "Content-Length known")
	assert.EqualValues(t, 2, calls.Load())

	// Plain reader: chunked; a token error cannot be replayed and is returned.
	calls.Store(0)
	require.NoError(t, c.Do(ctx, &mp.Request{Path: "/cgi-bin/media/upload", Query: map[string][]string{"type": {"image"}}, Form: form(io.MultiReader(strings.NewReader("PNG"), strings.NewReader("DATA")))}, &out))
	assert.EqualValues(t, -1, out.CL)
	calls.Store(0)
	err := c.Do(ctx, &mp.Request{Path: "/cgi-bin/media/upload", Query: map[string][]string{"type": {"image"}, "want": {"retry"}}, Form: form(io.MultiReader(strings.NewReader("PNGDATA")))}, &out)
	assert.True(t, mp.IsCode(err, mp.CodeInvalidCredential))
	assert.EqualValues(t, 1, calls.Load())

	// Len() reader: Content-Length known without seeking.
	require.NoError(t, c.Do(ctx, &mp.Request{Path: "/cgi-bin/media/upload", Query: map[string][]string{"type": {"image"}}, Form: form(lenReader{strings.NewReader("PNGDATA")})}, &out))
	assert.Greater(t, out.CL, int64(0))

	err = c.Do(ctx, &mp.Request{Path: "/cgi-bin/media/upload", Form: &mp.Multipart{Files: []mp.FormFile{{Field: "media"}}}}, nil)
	assert.ErrorContains(t, err, "nil reader")
}

// lenReader hides Seek but keeps Len.
type lenReader struct{ r *strings.Reader }

func (l lenReader) Read(p []byte) (int, error) { return l.r.Read(p) }
func (l lenReader) Len() int                   { return l.r.Len() }

func TestOptionsValidate(t *testing.T) {
	t.Parallel()
	cfg := mp.Config{AppID: appID, AppSecret: secret}
	bad := []mp.Option{
		mp.WithBaseURL("api.weixin.qq.com"), mp.WithOpenBaseURL("::"), mp.WithMPBaseURL("ftp://x"), mp.WithHost(""),
		mp.WithHTTPClient(nil), mp.WithLogger(nil), mp.WithRetryPolicy(mp.RetryPolicy{}), mp.WithTokenStore(nil),
		mp.WithTokenSource(nil), mp.WithMaxResponseBytes(0), mp.WithClock(nil),
	}
	for i, o := range bad {
		_, err := mp.New(cfg, o)
		assert.Error(t, err, "option %d", i)
	}
	_, err := mp.New(mp.Config{})
	assert.Error(t, err)

	c, err := mp.New(cfg, mp.WithHost("http://127.0.0.1:9/sim/"), mp.WithTokenStore(token.NewMemoryStore()))
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:9/sim", c.BaseURL())
	assert.Equal(t, "http://127.0.0.1:9/sim", c.OpenBaseURL())
	assert.Equal(t, "http://127.0.0.1:9/sim", c.MPBaseURL())
	assert.Equal(t, "http://127.0.0.1:9/sim/cgi-bin/showqrcode?ticket=a%2Bb", c.MPURL("/cgi-bin/showqrcode", map[string][]string{"ticket": {"a+b"}}))
	assert.Equal(t, "http://127.0.0.1:9/sim/x", c.APIURL("/x", nil))
	assert.Equal(t, "http://127.0.0.1:9/sim/connect", c.OpenURL("/connect", nil))
	assert.Equal(t, appID, c.AppID())
	assert.NotNil(t, c.Logger())

	d, err := mp.New(mp.Config{AppID: appID})
	require.NoError(t, err)
	assert.Equal(t, mp.DefaultBaseURL, d.BaseURL())
	_, err = d.AccessToken(context.Background())
	assert.ErrorIs(t, err, mp.ErrNoAppSecret)
	assert.NoError(t, d.Tokens().Invalidate(context.Background(), "x"))
	err = d.Do(context.Background(), &mp.Request{Path: "/x"}, nil)
	assert.ErrorIs(t, err, mp.ErrNoAppSecret)
}

func TestMaxResponseBytes(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"a":"`+strings.Repeat("x", 100)+`"}`)
	})
	c := f.client(t, mp.WithMaxResponseBytes(50))
	err := c.Do(context.Background(), &mp.Request{Path: "/big"}, nil)
	assert.ErrorContains(t, err, "exceeds 50 bytes")
}

func TestMarshalJSON(t *testing.T) {
	t.Parallel()
	b, err := mp.MarshalJSON(map[string]string{"c": "<a>&中文"})
	require.NoError(t, err)
	assert.Equal(t, `{"c":"<a>&中文"}`, string(b))
	b, _ = mp.MarshalJSON([]byte(`{"raw":1}`))
	assert.Equal(t, `{"raw":1}`, string(b))
	b, _ = mp.MarshalJSON(json.RawMessage(`{"raw":2}`))
	assert.Equal(t, `{"raw":2}`, string(b))
	_, err = mp.MarshalJSON(func() {})
	assert.Error(t, err)
}

func TestRawBytesOut(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.mux.HandleFunc("/raw", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{"x":1}`) })
	c := f.client(t)
	var raw []byte
	require.NoError(t, c.Do(context.Background(), &mp.Request{Path: "/raw"}, &raw))
	assert.Equal(t, `{"x":1}`, string(raw))
}

func TestValidationErrorAndHTTPErrorText(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "mp: menu.Create: button[3].name: too long", (&mp.ValidationError{Op: "menu.Create", Field: "button[3].name", Reason: "too long"}).Error())
	assert.Equal(t, "mp: menu.Create: no buttons", (&mp.ValidationError{Op: "menu.Create", Reason: "no buttons"}).Error())
	assert.Equal(t, "mp: GET /x: HTTP 502: bad", (&mp.HTTPError{StatusCode: 502, Method: "GET", Path: "/x", Body: "bad"}).Error())
}

func TestSeveralAccountsSideBySide(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	st := token.NewMemoryStore()
	a := f.client(t, mp.WithTokenStore(st))
	b, err := mp.New(mp.Config{AppID: "wxother", AppSecret: "other"}, mp.WithBaseURL(f.URL+"/base"), mp.WithTokenStore(st),
		mp.WithTokenSource(staticSource("B_TOKEN")))
	require.NoError(t, err)
	va, _ := a.AccessToken(context.Background())
	vb, _ := b.AccessToken(context.Background())
	assert.Equal(t, "tok-1", va)
	assert.Equal(t, "B_TOKEN", vb)
	_, ok, _ := st.Load(context.Background(), "wxkit:mp:"+appID+":access_token")
	assert.True(t, ok, "keys namespaced by AppID")
}

type staticSource string

func (s staticSource) Token(context.Context) (string, error)  { return string(s), nil }
func (staticSource) Invalidate(context.Context, string) error { return nil }

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	return b
}
