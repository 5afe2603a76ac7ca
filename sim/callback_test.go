package sim

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/crypto"
)

// A bot whose GET handling is broken receives no push: the simulator
// verifies the callback URL first, as saving 服务器配置 does.
func TestCallbackURLVerification(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	var mu sync.Mutex
	mode := "broken" // "broken", "wrong", "ok"
	var gets []http.Request
	posts := 0
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.Method == http.MethodPost {
			posts++
			_, _ = io.WriteString(w, "success")
			return
		}
		gets = append(gets, *r)
		switch mode {
		case "broken":
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		case "wrong":
			_, _ = io.WriteString(w, "success")
		default:
			_, _ = io.WriteString(w, r.URL.Query().Get("echostr"))
		}
	}))
	t.Cleanup(bot.Close)

	require.ErrorIs(t, s.VerifyCallbackURL(ctx(t)), ErrNoCallbackURL)
	s.SetCallbackURL(bot.URL + "/wx?x=1")
	alice := s.NewUser("Alice")
	_, err := alice.Follow(ctx(t))
	require.ErrorIs(t, err, ErrURLVerification)
	var ve *URLVerificationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, http.StatusMethodNotAllowed, ve.StatusCode)
	assert.Contains(t, ve.Error(), "answered HTTP 405")
	mu.Lock()
	assert.Zero(t, posts, "nothing pushed to an unverified URL")
	require.Len(t, gets, 1)
	q := gets[0].URL.Query()
	assert.Equal(t, "1", q.Get("x"), "the URL's own query is kept")
	assert.True(t, crypto.CheckSignature(DefaultToken, q.Get("timestamp"), q.Get("nonce"), q.Get("signature")))
	assert.NotEmpty(t, q.Get("echostr"))
	mode = "wrong"
	mu.Unlock()

	err = s.VerifyCallbackURL(ctx(t))
	require.ErrorAs(t, err, &ve)
	assert.Contains(t, ve.Reason, "want the echostr")

	mu.Lock()
	mode = "ok"
	mu.Unlock()
	require.NoError(t, s.VerifyCallbackURL(ctx(t)))
	_, err = alice.SendText(ctx(t), "hi")
	require.NoError(t, err)
	_, err = alice.SendText(ctx(t), "again")
	require.NoError(t, err)
	mu.Lock()
	assert.Equal(t, 2, posts)
	assert.Len(t, gets, 3, "a verified URL is not verified again")
	mode = "broken"
	mu.Unlock()

	s.SetCallbackURL(bot.URL + "/other")
	_, err = alice.SendText(ctx(t), "moved")
	require.True(t, errors.Is(err, ErrURLVerification), "a new URL is verified again: %v", err)

	mu.Lock()
	mode = "ok"
	mu.Unlock()
	_, err = alice.SendText(ctx(t), "fixed")
	require.NoError(t, err)
	mu.Lock()
	mode, n := "broken", len(gets)
	mu.Unlock()
	s.SetCallbackURL(bot.URL + "/other") // saved again: verified again
	_, err = alice.SendText(ctx(t), "broken again")
	require.ErrorIs(t, err, ErrURLVerification)
	mu.Lock()
	assert.Len(t, gets, n+1)
	mu.Unlock()

	s.SetCallbackURL("http://127.0.0.1:1/closed")
	err = s.VerifyCallbackURL(ctx(t))
	require.ErrorAs(t, err, &ve)
	assert.Zero(t, ve.StatusCode)
	assert.Error(t, ve.Err)
}
