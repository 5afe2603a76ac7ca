package jssdk_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/jssdk"
)

const docTicket = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg"

// fixtureTicket is the ticket of testdata/cgi-bin_ticket_getticket.json.
const fixtureTicket = "bxLdikRXVbTPdHSM05e5u5sUoXNKd8-41ZO3MhKoyN5OfkWITDGgnr2fwJ0m9E8NYzWKVZvdVtaUgWvsdshFKA"

// TestSignKnownAnswers checks the worked examples of the official
// documentation (附录1 JS-SDK使用权限签名算法).
func TestSignKnownAnswers(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "0f9de62fce790f9a083d5c99e95740ceb90c27ed",
		jssdk.Sign(docTicket, "Wm3WZYTPz0wzccnW", 1414587457, "http://mp.weixin.qq.com?params=value"))
	// The older revision of the page signed url=http://mp.weixin.qq.com.
	assert.Equal(t, "f4d90daf4b3bca3078ab155816175ba34c443a7b",
		jssdk.Sign(docTicket, "Wm3WZYTPz0wzccnW", 1414587457, "http://mp.weixin.qq.com"))
}

func TestSignStripsFragment(t *testing.T) {
	t.Parallel()
	want := jssdk.Sign(docTicket, "Wm3WZYTPz0wzccnW", 1414587457, "http://mp.weixin.qq.com?params=value")
	for _, u := range []string{
		"http://mp.weixin.qq.com?params=value#",
		"http://mp.weixin.qq.com?params=value#/spa/route?x=1",
		"http://mp.weixin.qq.com?params=value#a#b",
	} {
		assert.Equal(t, want, jssdk.Sign(docTicket, "Wm3WZYTPz0wzccnW", 1414587457, u), u)
	}
	// Values are signed raw: an escaped URL is another URL.
	assert.NotEqual(t, want, jssdk.Sign(docTicket, "Wm3WZYTPz0wzccnW", 1414587457, "http%3A%2F%2Fmp.weixin.qq.com%3Fparams%3Dvalue"))
}

func TestGetTicket(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("GET", "/cgi-bin/ticket/getticket", "cgi-bin_ticket_getticket.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{"type": "jsapi"})
		assert.Empty(t, body)
	})
	got, err := jssdk.New(c).GetTicket(context.Background())
	require.NoError(t, err)
	assert.Equal(t, &jssdk.Ticket{ErrCode: 0, ErrMsg: "ok", Ticket: fixtureTicket, ExpiresIn: 7200}, got)
	assert.NotContains(t, fmt.Sprintf("%v %+v %#v", got, *got, got), fixtureTicket)
}

func TestGetTicketError(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Handle("GET", "/cgi-bin/ticket/getticket", func(w http.ResponseWriter, r *http.Request) {
		mptest.ErrorJSON(w, 45009, "reach max api daily quota limit")
	})
	s := jssdk.New(c)
	_, err := s.GetTicket(context.Background())
	var apiErr *mp.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, mp.CodeQuotaExceeded, apiErr.Code)

	_, err = s.Config(context.Background(), "https://example.com/")
	assert.True(t, mp.IsCode(err, mp.CodeQuotaExceeded), "got %v", err)
}

func TestGetTicketEmpty(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Handle("GET", "/cgi-bin/ticket/getticket", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
	})
	_, err := jssdk.New(c).GetTicket(context.Background())
	var de *mp.DecodeError
	require.ErrorAs(t, err, &de)
}

var nonceRE = regexp.MustCompile(`^[A-Z2-7]{16}$`)

func TestConfig(t *testing.T) {
	t.Parallel()
	clock := func() time.Time { return time.Unix(1414587457, 0) }
	srv, c := mptest.New(t, mp.WithClock(clock))
	srv.Reply("GET", "/cgi-bin/ticket/getticket", "cgi-bin_ticket_getticket.json", nil)
	s := jssdk.New(c, jssdk.WithClock(clock))
	cfg, err := s.Config(context.Background(), "https://example.com/page?id=1#/route", "updateAppMessageShareData", "scanQRCode")
	require.NoError(t, err)
	assert.Equal(t, mptest.AppID, cfg.AppID)
	assert.Equal(t, int64(1414587457), cfg.Timestamp)
	assert.Regexp(t, nonceRE, cfg.NonceStr)
	assert.Equal(t, jssdk.Sign(fixtureTicket, cfg.NonceStr, 1414587457, "https://example.com/page?id=1"), cfg.Signature)
	assert.Equal(t, []string{"updateAppMessageShareData", "scanQRCode"}, cfg.JSAPIList)

	b, err := json.Marshal(cfg)
	require.NoError(t, err)
	assert.JSONEq(t, fmt.Sprintf(`{"debug":false,"appId":%q,"timestamp":1414587457,"nonceStr":%q,"signature":%q,
		"jsApiList":["updateAppMessageShareData","scanQRCode"],"openTagList":[]}`, mptest.AppID, cfg.NonceStr, cfg.Signature), string(b))
	assert.NotContains(t, string(b), fixtureTicket)

	other, err := s.Config(context.Background(), "https://example.com/page?id=1")
	require.NoError(t, err)
	assert.NotEqual(t, cfg.NonceStr, other.NonceStr, "a fresh nonce every time")
	assert.Equal(t, []string{}, other.JSAPIList)
}

func TestConfigValidation(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Handle("GET", "/cgi-bin/ticket/getticket", func(w http.ResponseWriter, r *http.Request) {
		t.Error("no ticket fetch for invalid input")
	})
	s := jssdk.New(c)
	for _, tc := range []struct {
		url   string
		apis  []string
		field string
	}{
		{"", nil, "url"},
		{"#only", nil, "url"},
		{"/relative/page", nil, "url"},
		{"ftp://example.com/", nil, "url"},
		{"https://example.com/", []string{""}, "jsApiList[0]"},
		{"https://example.com/", []string{"scanQRCode", "bad name"}, "jsApiList[1]"},
	} {
		_, err := s.Config(context.Background(), tc.url, tc.apis...)
		var ve *mp.ValidationError
		require.ErrorAs(t, err, &ve, tc.url)
		assert.Equal(t, tc.field, ve.Field)
		assert.Equal(t, "jssdk.Config", ve.Op)
	}
}

// TestTicketFetchedOnce runs 1,000 concurrent Config calls on a cold cache:
// WeChat sees one getticket request.
func TestTicketFetchedOnce(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	var hits atomic.Int32
	srv.Handle("GET", "/cgi-bin/ticket/getticket", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		time.Sleep(50 * time.Millisecond) // keep the flight open while callers arrive
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(mptest.Fixture(t, "cgi-bin_ticket_getticket.json"))
	})
	s := jssdk.New(c)
	var wg sync.WaitGroup
	var failures atomic.Int32
	for i := range 1000 {
		wg.Go(func() {
			cfg, err := s.Config(context.Background(), fmt.Sprintf("https://example.com/p/%d", i), "scanQRCode")
			if err != nil || cfg.Signature != jssdk.Sign(fixtureTicket, cfg.NonceStr, cfg.Timestamp, fmt.Sprintf("https://example.com/p/%d", i)) {
				failures.Add(1)
			}
		})
	}
	wg.Wait()
	assert.Zero(t, failures.Load())
	assert.Equal(t, int32(1), hits.Load())
}

func TestInvalidateTicket(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	var hits atomic.Int32
	srv.Handle("GET", "/cgi-bin/ticket/getticket", func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		fmt.Fprintf(w, `{"errcode":0,"errmsg":"ok","ticket":"TICKET_%d","expires_in":7200}`, n)
	})
	s := jssdk.New(c)
	ctx := context.Background()
	first, err := s.JSAPITicket(ctx)
	require.NoError(t, err)
	assert.Equal(t, "TICKET_1", first)
	again, _ := s.JSAPITicket(ctx)
	assert.Equal(t, "TICKET_1", again, "cached")

	require.NoError(t, s.InvalidateTicket(ctx, "TICKET_1"))
	fresh, _ := s.JSAPITicket(ctx)
	assert.Equal(t, "TICKET_2", fresh)
	require.NoError(t, s.InvalidateTicket(ctx, "TICKET_1"), "a stale rejection does nothing")
	assert.Equal(t, int32(2), hits.Load())
	assert.NotContains(t, s.String(), "TICKET")
}

// TestTicketSharedThroughStore: two services (two processes sharing Redis,
// here the client's store) fetch the ticket once.
func TestTicketSharedThroughStore(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	var hits atomic.Int32
	srv.Handle("GET", "/cgi-bin/ticket/getticket", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = w.Write(mptest.Fixture(t, "cgi-bin_ticket_getticket.json"))
	})
	a, b := jssdk.New(c), jssdk.New(c)
	ta, err := a.JSAPITicket(context.Background())
	require.NoError(t, err)
	tb, err := b.JSAPITicket(context.Background())
	require.NoError(t, err)
	assert.Equal(t, ta, tb)
	assert.Equal(t, int32(1), hits.Load())
}

func BenchmarkSign(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = jssdk.Sign(docTicket, "Wm3WZYTPz0wzccnW", 1414587457, "http://mp.weixin.qq.com?params=value")
	}
}

func BenchmarkConfig(b *testing.B) {
	srv, c := mptest.New(b)
	srv.Reply("GET", "/cgi-bin/ticket/getticket", "cgi-bin_ticket_getticket.json", nil)
	s := jssdk.New(c)
	ctx := context.Background()
	_, err := s.Config(ctx, "https://example.com/page?id=1", "scanQRCode")
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Config(ctx, "https://example.com/page?id=1", "scanQRCode"); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzSign(f *testing.F) {
	f.Add(docTicket, "Wm3WZYTPz0wzccnW", int64(1414587457), "http://mp.weixin.qq.com?params=value#frag")
	f.Add("", "", int64(-1), "#")
	f.Fuzz(func(t *testing.T, ticket, nonce string, ts int64, u string) {
		sig := jssdk.Sign(ticket, nonce, ts, u)
		if len(sig) != 40 {
			t.Fatalf("signature %q", sig)
		}
		if sig != jssdk.Sign(ticket, nonce, ts, u+"#extra") {
			t.Fatal("the fragment changed the signature")
		}
	})
}
