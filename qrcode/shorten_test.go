package qrcode_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/qrcode"
)

func TestGenShortKey(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("POST", "/cgi-bin/shorten/gen", "shorten_gen.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEqFixture(t, "shorten_gen_request.json", body)
	})
	key, err := svc.GenShortKey(context.Background(), "loooooong data", 24*time.Hour)
	require.NoError(t, err)
	assert.Equal(t, "iTqRJFSEqk9RvPk", key)
}

func TestGenShortKeyDefaultExpiry(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("POST", "/cgi-bin/shorten/gen", "shorten_gen.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.JSONEq(t, `{"long_data":"a&b","expire_seconds":2592000}`, body)
	})
	_, err := svc.GenShortKey(context.Background(), "a&b", 0)
	require.NoError(t, err)
}

func TestFetchShortKey(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("POST", "/cgi-bin/shorten/fetch", "shorten_fetch.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEqFixture(t, "shorten_fetch_request.json", body)
	})
	d, err := svc.FetchShortKey(context.Background(), "iTqRJFSEqk9RvPk")
	require.NoError(t, err)
	assert.Equal(t, &qrcode.LongData{LongData: "loooooong data", CreateTime: 1611047541, ExpireSeconds: 86300}, d)
	assert.Equal(t, time.Unix(1611047541, 0), d.Created())
}

func TestShortKeyErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("gen", func(t *testing.T) {
		t.Parallel()
		srv, svc := newService(t)
		srv.ReplyError("POST", "/cgi-bin/shorten/gen", 9410010, "long_data too long")
		_, err := svc.GenShortKey(ctx, "x", 0)
		mptest.RequireAPIError(t, err, 9410010)
	})
	t.Run("fetch", func(t *testing.T) {
		t.Parallel()
		srv, svc := newService(t)
		srv.ReplyError("POST", "/cgi-bin/shorten/fetch", 9410012, "short_key not exist")
		_, err := svc.FetchShortKey(ctx, "nope")
		mptest.RequireAPIError(t, err, 9410012)
	})
}

func TestShortKeyValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := noRequests(t)
	_, err := svc.GenShortKey(ctx, "", 0)
	mptest.RequireValidation(t, err, "long_data")
	_, err = svc.GenShortKey(ctx, strings.Repeat("x", qrcode.MaxLongDataBytes+1), 0)
	mptest.RequireValidation(t, err, "long_data")
	_, err = svc.GenShortKey(ctx, strings.Repeat("长", 1366), 0) // 4098 bytes of UTF-8
	mptest.RequireValidation(t, err, "long_data")
	_, err = svc.GenShortKey(ctx, "x", 31*24*time.Hour)
	mptest.RequireValidation(t, err, "expire_seconds")
	_, err = svc.GenShortKey(ctx, "x", -time.Second)
	mptest.RequireValidation(t, err, "expire_seconds")
	_, err = svc.FetchShortKey(ctx, "")
	mptest.RequireValidation(t, err, "short_key")
}

func TestGenShortKeyLimit(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("POST", "/cgi-bin/shorten/gen", "shorten_gen.json", nil)
	_, err := svc.GenShortKey(context.Background(), strings.Repeat("x", qrcode.MaxLongDataBytes), 30*24*time.Hour)
	require.NoError(t, err, "4096 bytes and 30 days are within the limits")
}
