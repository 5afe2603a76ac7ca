package mp_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
)

// The observer sees one call per attempt, with WeChat's errcode (which
// arrives inside HTTP 200), and never the query; every request carries the
// SDK's User-Agent.
func TestObserverSeesEveryAttempt(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	var calls atomic.Int64
	var agents sync.Map
	f.mux.HandleFunc("POST /flaky", func(w http.ResponseWriter, r *http.Request) {
		agents.Store(r.UserAgent(), true)
		_, _ = io.Copy(io.Discard, r.Body)
		if calls.Add(1) == 1 {
			busy(w)
			return
		}
		ok(w)
	})
	var mu sync.Mutex
	var seen []mp.Attempt
	c := f.client(t, mp.WithObserver(func(ctx context.Context, a mp.Attempt) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, a)
	}))
	require.NoError(t, c.Do(context.Background(), &mp.Request{Path: "/flaky", Body: map[string]string{"a": "b"},
		Query: map[string]string{"x": "1"}}, nil))

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, seen, 3, "the token fetch and two attempts")
	assert.Equal(t, "/cgi-bin/stable_token", seen[0].Path)
	assert.Equal(t, http.StatusOK, seen[0].StatusCode)
	for i, a := range seen[1:] {
		assert.Equal(t, "POST", a.Method)
		assert.Equal(t, "/flaky", a.Path)
		assert.Equal(t, i+1, a.Attempt)
		assert.Equal(t, http.StatusOK, a.StatusCode)
		assert.EqualValues(t, len(`{"a":"b"}`), a.RequestBytes)
		assert.Positive(t, a.ResponseBytes)
		assert.Positive(t, a.Duration)
	}
	assert.Equal(t, mp.CodeSystemBusy, seen[1].ErrCode)
	assert.Error(t, seen[1].Err)
	assert.Equal(t, mp.ErrorCode(0), seen[2].ErrCode)
	assert.NoError(t, seen[2].Err)
	for _, a := range seen {
		s := fmt.Sprintf("%+v", a)
		assert.NotContains(t, s, "tok-")
		assert.NotContains(t, s, secret)
		assert.False(t, strings.Contains(a.Path, "?"))
	}
	_, sent := agents.Load(mp.UserAgent)
	assert.True(t, sent, "User-Agent %q", mp.UserAgent)
	assert.True(t, strings.HasPrefix(mp.UserAgent, "wxkit-mp/"+mp.Version+" "))
}

func TestObserverRejectsNil(t *testing.T) {
	t.Parallel()
	_, err := mp.New(mp.Config{AppID: "wx1"}, mp.WithObserver(nil))
	assert.Error(t, err)
}
