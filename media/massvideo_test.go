package media_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/media"
)

func TestUploadMassVideo(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("POST", "/cgi-bin/media/uploadvideo", "media_uploadvideo.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEqFixture(t, "media_uploadvideo_request.json", body)
	})
	got, err := media.New(c).UploadMassVideo(context.Background(), &media.MassVideoRequest{
		MediaID: "rF4UdIMfYK3efUfyoddYRMU50zMiRmmt_l0kszupYh_SzrcW5Gaheq05p_lHuOTQ", Title: "TITLE", Description: "Description"})
	require.NoError(t, err)
	assert.Equal(t, &media.MassVideo{Type: media.Video,
		MediaID: "IhdaAQXuvJtGzwwc0abfXnzeezfO0NgPK6AQYShD8RQYMTtfzbLdBIQkQziv2XJc", CreatedAt: 1398848981}, got)
}

func TestUploadMassVideoError(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.ReplyError("POST", "/cgi-bin/media/uploadvideo", 40007, "invalid media_id")
	got, err := media.New(c).UploadMassVideo(context.Background(), &media.MassVideoRequest{MediaID: "gone"})
	assert.Nil(t, got)
	mptest.RequireAPIError(t, err, 40007)
}

func TestUploadMassVideoValidation(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.RefuseAll()
	svc := media.New(c)
	_, err := svc.UploadMassVideo(context.Background(), nil)
	mptest.RequireValidation(t, err, "")
	_, err = svc.UploadMassVideo(context.Background(), &media.MassVideoRequest{Title: "t"})
	mptest.RequireValidation(t, err, "media_id")
}
