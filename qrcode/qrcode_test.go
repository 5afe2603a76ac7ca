package qrcode_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/qrcode"
)

const docTicket = "gQH47joAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xL2taZ2Z3TVRtNzJXV1Brb3ZhYmJJAAIEZ23sUwMEmm3sUw=="

func TestCreate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	week := 7 * 24 * time.Hour
	for _, tt := range []struct {
		name, request, answer string
		call                  func(*qrcode.Service) (*qrcode.Ticket, error)
		want                  qrcode.Ticket
	}{
		{"QR_SCENE", "qrcode_create_qr_scene_request.json", "qrcode_create.json",
			func(s *qrcode.Service) (*qrcode.Ticket, error) { return s.CreateTemporary(ctx, 123, week) },
			qrcode.Ticket{Ticket: docTicket, ExpireSeconds: 60, URL: "http://weixin.qq.com/q/kZgfwMTm72WWPkovabbI"}},
		{"QR_STR_SCENE", "qrcode_create_qr_str_scene_request.json", "qrcode_create.json",
			func(s *qrcode.Service) (*qrcode.Ticket, error) { return s.CreateTemporaryStr(ctx, "test", week) },
			qrcode.Ticket{Ticket: docTicket, ExpireSeconds: 60, URL: "http://weixin.qq.com/q/kZgfwMTm72WWPkovabbI"}},
		{"QR_LIMIT_SCENE", "qrcode_create_qr_limit_scene_request.json", "qrcode_create_permanent.json",
			func(s *qrcode.Service) (*qrcode.Ticket, error) { return s.CreatePermanent(ctx, 123) },
			qrcode.Ticket{Ticket: docTicket, URL: "http://weixin.qq.com/q/kZgfwMTm72WWPkovabbI"}},
		{"QR_LIMIT_STR_SCENE", "qrcode_create_qr_limit_str_scene_request.json", "qrcode_create_permanent.json",
			func(s *qrcode.Service) (*qrcode.Ticket, error) { return s.CreatePermanentStr(ctx, "test") },
			qrcode.Ticket{Ticket: docTicket, URL: "http://weixin.qq.com/q/kZgfwMTm72WWPkovabbI"}},
		{"raw request", "qrcode_create_qr_scene_request.json", "qrcode_create.json",
			func(s *qrcode.Service) (*qrcode.Ticket, error) {
				return s.Create(ctx, &qrcode.CreateRequest{ExpireSeconds: 604800, ActionName: qrcode.ActionScene,
					ActionInfo: qrcode.ActionInfo{Scene: qrcode.Scene{SceneID: 123}}})
			},
			qrcode.Ticket{Ticket: docTicket, ExpireSeconds: 60, URL: "http://weixin.qq.com/q/kZgfwMTm72WWPkovabbI"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, svc := newService(t)
			srv.Reply("POST", "/cgi-bin/qrcode/create", tt.answer, func(t testing.TB, r *http.Request, body []byte) {
				mptest.Query(t, r, map[string]string{})
				mptest.JSONEqFixture(t, tt.request, body)
			})
			got, err := tt.call(svc)
			require.NoError(t, err)
			assert.Equal(t, &tt.want, got)
		})
	}
}

func TestCreateDefaultExpiry(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("POST", "/cgi-bin/qrcode/create", "qrcode_create.json", func(t testing.TB, r *http.Request, body []byte) {
		// No expire_seconds: WeChat applies its default.
		mptest.JSONEq(t, `{"action_name":"QR_SCENE","action_info":{"scene":{"scene_id":4294967295}}}`, body)
	})
	_, err := svc.CreateTemporary(context.Background(), math.MaxUint32, 0)
	require.NoError(t, err)
}

func TestCreateExpiryRounding(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("POST", "/cgi-bin/qrcode/create", "qrcode_create.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.JSONEq(t, `{"expire_seconds":61,"action_name":"QR_STR_SCENE","action_info":{"scene":{"scene_str":"a<b&c"}}}`, body)
	})
	_, err := svc.CreateTemporaryStr(context.Background(), "a<b&c", time.Minute+time.Millisecond)
	require.NoError(t, err)
}

func TestCreateError(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.ReplyError("POST", "/cgi-bin/qrcode/create", 45009, "reach max api daily quota limit")
	_, err := svc.CreatePermanent(context.Background(), 1)
	mptest.RequireAPIError(t, err, mp.CodeQuotaExceeded)
}

func TestCreateValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := noRequests(t)
	scene64 := strings.Repeat("场", 64)
	for _, tt := range []struct {
		name, field string
		call        func() (*qrcode.Ticket, error)
	}{
		{"temporary scene_id 0", "action_info.scene.scene_id", func() (*qrcode.Ticket, error) { return svc.CreateTemporary(ctx, 0, time.Hour) }},
		{"permanent scene_id 0", "action_info.scene.scene_id", func() (*qrcode.Ticket, error) { return svc.CreatePermanent(ctx, 0) }},
		{"permanent scene_id over 100000", "action_info.scene.scene_id", func() (*qrcode.Ticket, error) { return svc.CreatePermanent(ctx, 100001) }},
		{"empty scene_str", "action_info.scene.scene_str", func() (*qrcode.Ticket, error) { return svc.CreatePermanentStr(ctx, "") }},
		{"scene_str over 64", "action_info.scene.scene_str", func() (*qrcode.Ticket, error) { return svc.CreateTemporaryStr(ctx, scene64+"x", 0) }},
		{"expiry under a minute", "expire_seconds", func() (*qrcode.Ticket, error) { return svc.CreateTemporary(ctx, 1, 59*time.Second) }},
		{"expiry over 30 days", "expire_seconds", func() (*qrcode.Ticket, error) { return svc.CreateTemporary(ctx, 1, 30*24*time.Hour+time.Second) }},
		{"negative expiry", "expire_seconds", func() (*qrcode.Ticket, error) { return svc.CreateTemporaryStr(ctx, "a", -time.Hour) }},
		{"huge expiry", "expire_seconds", func() (*qrcode.Ticket, error) { return svc.CreateTemporaryStr(ctx, "a", math.MaxInt64) }},
		{"permanent with expiry", "expire_seconds", func() (*qrcode.Ticket, error) {
			return svc.Create(ctx, &qrcode.CreateRequest{ExpireSeconds: 600, ActionName: qrcode.ActionLimitScene,
				ActionInfo: qrcode.ActionInfo{Scene: qrcode.Scene{SceneID: 1}}})
		}},
		{"integer kind with scene_str", "action_info.scene.scene_str", func() (*qrcode.Ticket, error) {
			return svc.Create(ctx, &qrcode.CreateRequest{ActionName: qrcode.ActionScene,
				ActionInfo: qrcode.ActionInfo{Scene: qrcode.Scene{SceneID: 1, SceneStr: "x"}}})
		}},
		{"string kind with scene_id", "action_info.scene.scene_id", func() (*qrcode.Ticket, error) {
			return svc.Create(ctx, &qrcode.CreateRequest{ActionName: qrcode.ActionLimitStrScene,
				ActionInfo: qrcode.ActionInfo{Scene: qrcode.Scene{SceneID: 1, SceneStr: "x"}}})
		}},
		{"no action_name", "action_name", func() (*qrcode.Ticket, error) { return svc.Create(ctx, &qrcode.CreateRequest{}) }},
		{"bad action_name", "action_name", func() (*qrcode.Ticket, error) {
			return svc.Create(ctx, &qrcode.CreateRequest{ActionName: "QR_FOREVER"})
		}},
		{"nil request", "", func() (*qrcode.Ticket, error) { return svc.Create(ctx, nil) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.call()
			assert.Nil(t, got)
			mptest.RequireValidation(t, err, tt.field)
		})
	}
}

func TestCreateLimits(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("POST", "/cgi-bin/qrcode/create", "qrcode_create.json", nil)
	ctx := context.Background()
	_, err := svc.CreatePermanent(ctx, qrcode.MaxPermanentSceneID)
	require.NoError(t, err)
	_, err = svc.CreatePermanentStr(ctx, strings.Repeat("场", 64))
	require.NoError(t, err)
	_, err = svc.CreateTemporary(ctx, 1, 30*24*time.Hour)
	require.NoError(t, err)
	_, err = svc.CreateTemporary(ctx, 1, time.Minute)
	require.NoError(t, err)
	assert.True(t, qrcode.ActionStrScene.Temporary())
	assert.False(t, qrcode.ActionLimitScene.Temporary())
}

func TestImageURL(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	assert.Equal(t, srv.URL+mptest.BasePath+"/cgi-bin/showqrcode?ticket=gQH47joAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xL2taZ2Z3TVRtNzJXV1Brb3ZhYmJJAAIEZ23sUwMEmm3sUw%3D%3D",
		svc.ImageURL(docTicket))
	assert.Contains(t, svc.ImageURL("a+b/c&d"), "ticket=a%2Bb%2Fc%26d")
	assert.NotContains(t, svc.ImageURL(docTicket), "access_token")
}

func TestDownload(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	img := append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte{0x42}, 64<<10)...)
	srv.Handle("GET", "/cgi-bin/showqrcode", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, map[string][]string{"ticket": {docTicket}}, map[string][]string(r.URL.Query()), "no access_token")
		w.Header().Set("Content-Type", "image/jpg")
		_, _ = w.Write(img)
	})
	var buf bytes.Buffer
	d, err := svc.Download(context.Background(), docTicket, &buf)
	require.NoError(t, err)
	assert.Equal(t, img, buf.Bytes())
	assert.Equal(t, int64(len(img)), d.Written)
	assert.Equal(t, "image/jpg", d.ContentType)
}

func TestDownloadErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("errcode", func(t *testing.T) {
		t.Parallel()
		srv, svc := newService(t)
		srv.ReplyError("GET", "/cgi-bin/showqrcode", 40097, "invalid args")
		_, err := svc.Download(ctx, "expired", io.Discard)
		mptest.RequireAPIError(t, err, mp.CodeInvalidParameter)
	})
	t.Run("not found", func(t *testing.T) {
		t.Parallel()
		srv, svc := newService(t)
		srv.Handle("GET", "/cgi-bin/showqrcode", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "", http.StatusNotFound)
		})
		_, err := svc.Download(ctx, "unknown", io.Discard)
		var he *mp.HTTPError
		require.True(t, errors.As(err, &he), "%T %v", err, err)
		assert.Equal(t, http.StatusNotFound, he.StatusCode)
	})
	t.Run("json without errcode", func(t *testing.T) {
		t.Parallel()
		srv, svc := newService(t)
		srv.Handle("GET", "/cgi-bin/showqrcode", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{}`))
		})
		_, err := svc.Download(ctx, "x", io.Discard)
		assert.ErrorIs(t, err, qrcode.ErrNotImage)
	})
	t.Run("validation", func(t *testing.T) {
		t.Parallel()
		svc := noRequests(t)
		_, err := svc.Download(ctx, "", io.Discard)
		mptest.RequireValidation(t, err, "ticket")
		_, err = svc.Download(ctx, "x", nil)
		mptest.RequireValidation(t, err, "w")
	})
}
