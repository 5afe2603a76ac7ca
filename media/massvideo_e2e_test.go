package media_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/internal/simtest"
	"github.com/wxkit/mp/media"
	"github.com/wxkit/mp/sim"
)

// TestEndToEndMassVideoAndProductCard turns an uploaded video into a
// mass-send video and fetches product cards, against the simulator.
func TestEndToEndMassVideoAndProductCard(t *testing.T) {
	t.Parallel()
	s, client := simtest.New(t, sim.Options{})
	svc := media.New(client)
	ctx := context.Background()

	video, err := svc.Upload(ctx, media.Video, media.File{Name: "intro.mp4", Reader: bytes.NewReader([]byte("\x00\x00\x00\x18ftypmp42 not a real movie"))})
	require.NoError(t, err)
	mv, err := svc.UploadMassVideo(ctx, &media.MassVideoRequest{MediaID: video.MediaID, Title: "发布会", Description: "完整视频"})
	require.NoError(t, err)
	assert.Equal(t, media.Video, mv.Type)
	assert.NotEmpty(t, mv.MediaID)
	assert.NotEqual(t, video.MediaID, mv.MediaID)
	assert.WithinDuration(t, time.Now(), mv.CreatedAt.Time(), time.Minute)

	// Only videos can be mass-sent as mpvideo.
	img, err := svc.Upload(ctx, media.Image, media.File{Name: "a.png", Reader: bytes.NewReader([]byte("\x89PNG fake"))})
	require.NoError(t, err)
	_, err = svc.UploadMassVideo(ctx, &media.MassVideoRequest{MediaID: img.MediaID, Title: "x"})
	mptest.RequireAPIError(t, err, 40007)
	_, err = svc.UploadMassVideo(ctx, &media.MassVideoRequest{MediaID: "no-such-media"})
	mptest.RequireAPIError(t, err, 40007)

	card, err := svc.ProductCard(ctx, &media.ProductCardRequest{ProductID: "1000000000", ArticleType: media.CardInNews, CardType: media.CardLarge})
	require.NoError(t, err)
	assert.Equal(t, s.ProductKey("1000000000"), card.ProductKey)
	assert.Contains(t, card.DOM, card.ProductKey)
	again, err := svc.ProductCard(ctx, &media.ProductCardRequest{ProductID: "1000000000", ArticleType: media.CardInNewsPic, CardType: media.CardBar})
	require.NoError(t, err)
	assert.Equal(t, card.ProductKey, again.ProductKey, "the key is the product's")
	_, err = svc.ProductCard(ctx, &media.ProductCardRequest{ProductID: "not-a-product", ArticleType: media.CardInNews, CardType: media.CardSmall})
	mptest.RequireAPIError(t, err, 40097)
}
