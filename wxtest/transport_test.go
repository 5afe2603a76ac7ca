package wxtest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wxkit/mp/wxtest"
)

func TestHandlerClientServesInMemory(t *testing.T) {
	t.Parallel()
	var got *http.Request
	var body string
	c := wxtest.HandlerClient(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		b, _ := io.ReadAll(r.Body)
		body = string(b)
		w.Header().Set("X-Answer", "42")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, "made")
	}))
	resp, err := c.Post("http://nowhere.invalid/wechat?signature=x&nonce=1", "text/xml", strings.NewReader("<xml/>"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated || string(b) != "made" || resp.Header.Get("X-Answer") != "42" {
		t.Fatalf("response %d %q %v", resp.StatusCode, b, resp.Header)
	}
	if got.Method != http.MethodPost || got.URL.Path != "/wechat" || got.URL.Query().Get("nonce") != "1" ||
		got.RequestURI != "/wechat?signature=x&nonce=1" || got.Host != "nowhere.invalid" || got.RemoteAddr == "" {
		t.Fatalf("the handler saw %s %s (RequestURI %q, Host %q, RemoteAddr %q)", got.Method, got.URL, got.RequestURI, got.Host, got.RemoteAddr)
	}
	if body != "<xml/>" {
		t.Fatalf("body %q", body)
	}
}

func TestHandlerClientHonorsTheDeadline(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	defer close(release)
	c := wxtest.HandlerClient(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://bot.invalid/", nil)
	_, err := c.Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the deadline", err)
	}
}

func TestHandlerClientReportsPanics(t *testing.T) {
	t.Parallel()
	c := wxtest.HandlerClient(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	_, err := c.Get("http://bot.invalid/x")
	if err == nil || !strings.Contains(err.Error(), "panicked") || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("err = %v", err)
	}
}

func TestHandlerClientNilHandler(t *testing.T) {
	t.Parallel()
	if _, err := wxtest.HandlerClient(nil).Get("http://bot.invalid/"); err == nil {
		t.Fatal("no error without a handler")
	}
}
