package media_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/simtest"
	"github.com/wxkit/mp/media"
	"github.com/wxkit/mp/message"
	"github.com/wxkit/mp/sim"
)

// e2eImage draws a w×h picture in the given format ("png" or "jpeg").
func e2eImage(t *testing.T, format string, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 7), uint8(y * 13), uint8(x ^ y), 0xff})
		}
	}
	var buf bytes.Buffer
	if format == "png" {
		require.NoError(t, png.Encode(&buf, img))
	} else {
		require.NoError(t, jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}))
	}
	return buf.Bytes()
}

// unsized hides Len and Seek so that the upload is streamed chunked, its
// size unknown in advance.
type unsized struct{ r io.Reader }

func (u unsized) Read(p []byte) (int, error) { return u.r.Read(p) }

// TestEndToEndMedia runs 素材管理, 草稿箱 and 发布能力 against the
// simulator: a temporary image uploaded as a stream comes back byte for
// byte; permanent materials are counted and listed; a draft is created,
// updated, published and waited for, and the publication is listed and
// deleted.
func TestEndToEndMedia(t *testing.T) {
	t.Parallel()
	s, client := simtest.New(t, sim.Options{})
	acct := s.Account()
	svc := media.New(client)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// Our callback server sees the PUBLISHJOBFINISH event.
	published := make(chan *message.PublishJobFinish, 1)
	r := message.NewRouter()
	r.Event(message.EventPublishJobFinish, func(_ context.Context, m message.Message) (message.Reply, error) {
		if e, ok := m.(*message.PublishJobFinish); ok {
			published <- e
		}
		return nil, nil
	})
	srv, err := message.NewServer(message.Config{Token: acct.Token}, r)
	require.NoError(t, err)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	s.SetCallbackURL(hs.URL)

	// 新增临时素材, streamed, and 获取临时素材: byte-identical.
	pic := e2eImage(t, "png", 120, 80)
	tmp, err := svc.Upload(ctx, media.Image, media.File{Name: "photos/cat.png", Reader: unsized{io.MultiReader(bytes.NewReader(pic[:100]), bytes.NewReader(pic[100:]))}})
	require.NoError(t, err)
	assert.Equal(t, media.Image, tmp.Type)
	assert.NotEmpty(t, tmp.MediaID)
	assert.WithinDuration(t, time.Now(), tmp.CreatedAt.Time(), time.Minute)
	var got bytes.Buffer
	dl, err := svc.Get(ctx, tmp.MediaID, &got)
	require.NoError(t, err)
	assert.Equal(t, pic, got.Bytes(), "byte-identical download")
	assert.EqualValues(t, len(pic), dl.Written)
	assert.Equal(t, "image/png", dl.ContentType)
	assert.Equal(t, "cat.png", dl.FileName)
	assert.Empty(t, dl.VideoURL)

	// A thumb answers thumb_media_id; the SDK fills MediaID with it.
	thumbBytes := e2eImage(t, "jpeg", 32, 32)
	thumb, err := svc.Upload(ctx, media.Thumb, media.File{Name: "thumb.jpg", Reader: bytes.NewReader(thumbBytes)})
	require.NoError(t, err)
	assert.NotEmpty(t, thumb.MediaID)
	assert.Equal(t, thumb.ThumbMediaID, thumb.MediaID)

	// A temporary video downloads as a URL.
	vid, err := svc.Upload(ctx, media.Video, media.File{Name: "intro.mp4", Reader: strings.NewReader("\x00\x00\x00\x18ftypmp42 fake video")})
	require.NoError(t, err)
	dl, err = svc.Get(ctx, vid.MediaID, io.Discard)
	require.NoError(t, err)
	assert.NotEmpty(t, dl.VideoURL)
	assert.Zero(t, dl.Written)

	// An unknown media_id is 40007.
	_, err = svc.Get(ctx, "no-such-media", io.Discard)
	assert.True(t, mp.IsCode(err, mp.CodeInvalidMediaID), "%v", err)

	// 永久素材: add, count, list, get.
	before, err := svc.CountMaterials(ctx)
	require.NoError(t, err)
	assert.Zero(t, before.ImageCount)
	var ids []string
	for i := range 3 {
		m, err := svc.AddMaterial(ctx, media.Image, media.File{Name: "cover.png", Reader: bytes.NewReader(e2eImage(t, "png", 40+i, 40))})
		require.NoError(t, err)
		assert.NotEmpty(t, m.URL, "image materials come with a URL")
		ids = append(ids, m.MediaID)
	}
	video, err := svc.AddVideo(ctx, media.File{Name: "intro.mp4", Reader: strings.NewReader("\x00\x00\x00\x18ftypmp42 fake video")},
		media.VideoDescription{Title: "品牌介绍", Introduction: "30 秒看懂我们"})
	require.NoError(t, err)
	count, err := svc.CountMaterials(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, count.ImageCount)
	assert.Equal(t, 1, count.VideoCount)

	page, err := svc.ListMaterials(ctx, media.Image, 0, 2)
	require.NoError(t, err)
	assert.Equal(t, 3, page.TotalCount)
	assert.Equal(t, 2, page.ItemCount)
	require.Len(t, page.Item, 2)
	assert.Equal(t, "cover.png", page.Item[0].Name)
	var listed []string
	for it, err := range svc.AllMaterials(ctx, media.Image) {
		require.NoError(t, err)
		listed = append(listed, it.MediaID)
	}
	assert.ElementsMatch(t, ids, listed)

	got.Reset()
	mat, err := svc.GetMaterial(ctx, ids[0], &got)
	require.NoError(t, err)
	require.NotNil(t, mat.File)
	assert.EqualValues(t, got.Len(), mat.File.Written)
	_, err = png.DecodeConfig(bytes.NewReader(got.Bytes()))
	assert.NoError(t, err)
	mat, err = svc.GetMaterial(ctx, video.MediaID, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "品牌介绍", mat.Title)
	assert.Equal(t, "30 秒看懂我们", mat.Description)
	assert.NotEmpty(t, mat.DownURL)

	// An image inside an article's HTML (上传图文消息内的图片获取URL).
	inline, err := svc.UploadImage(ctx, media.File{Name: "inline.png", Reader: bytes.NewReader(pic)})
	require.NoError(t, err)
	assert.NotEmpty(t, inline.URL)

	// 草稿箱: add, get, update, count.
	content := `<p>春季上新 &amp; 8 折</p><img src="` + inline.URL + `">`
	ref, err := svc.AddDraft(ctx,
		media.Article{Title: "春季上新", Author: "小编", Digest: "新品速览", Content: content, ThumbMediaID: ids[0],
			ContentSourceURL: "https://example.com/spring?a=1&b=2", NeedOpenComment: 1},
		media.Article{Title: "会员须知", Content: "<p>规则</p>", ThumbMediaID: ids[1]})
	require.NoError(t, err)
	d, err := svc.GetDraft(ctx, ref.MediaID)
	require.NoError(t, err)
	require.Len(t, d.NewsItem, 2)
	assert.Equal(t, "春季上新", d.NewsItem[0].Title)
	assert.Equal(t, content, d.NewsItem[0].Content)
	assert.Equal(t, "https://example.com/spring?a=1&b=2", d.NewsItem[0].ContentSourceURL)
	assert.Equal(t, 1, d.NewsItem[0].NeedOpenComment)
	assert.NotEmpty(t, d.NewsItem[0].URL)
	require.NoError(t, svc.UpdateDraft(ctx, ref.MediaID, 1, media.Article{Title: "会员须知（新）", Content: "<p>新规则</p>", ThumbMediaID: ids[2]}))
	d, err = svc.GetDraft(ctx, ref.MediaID)
	require.NoError(t, err)
	assert.Equal(t, "会员须知（新）", d.NewsItem[1].Title, "index 1 is the second article")
	assert.Equal(t, "春季上新", d.NewsItem[0].Title)
	dc, err := svc.CountDrafts(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, dc.TotalCount)
	// A cover that is not a permanent image is refused by the platform.
	_, err = svc.AddDraft(ctx, media.Article{Title: "x", Content: "<p>x</p>", ThumbMediaID: tmp.MediaID})
	assert.True(t, mp.IsCode(err, mp.CodeInvalidMediaID), "%v", err)

	// 发布能力: publish, wait, read back, list, delete.
	job, err := svc.Publish(ctx, ref.MediaID)
	require.NoError(t, err)
	require.NotEmpty(t, job.PublishID)
	st, err := svc.WaitPublished(ctx, string(job.PublishID), 10*time.Millisecond)
	require.NoError(t, err)
	assert.Equal(t, media.PublishSuccess, st.Status)
	assert.Equal(t, job.PublishID, st.PublishID)
	require.NotEmpty(t, st.ArticleID)
	assert.Equal(t, 2, st.ArticleDetail.Count)
	require.Len(t, st.ArticleDetail.Item, 2)
	assert.NotEmpty(t, st.ArticleDetail.Item[0].ArticleURL)

	select {
	case ev := <-published:
		assert.Equal(t, string(job.PublishID), ev.PublishID)
		assert.Equal(t, 0, ev.PublishStatus)
		assert.Equal(t, st.ArticleID, ev.ArticleID)
		require.Len(t, ev.Articles, 2)
		assert.Equal(t, st.ArticleDetail.Item[0].ArticleURL, ev.Articles[0].ArticleURL)
	case <-ctx.Done():
		t.Fatal("no PUBLISHJOBFINISH event")
	}

	art, err := svc.GetArticle(ctx, st.ArticleID)
	require.NoError(t, err)
	require.Len(t, art.NewsItem, 2)
	assert.Equal(t, "会员须知（新）", art.NewsItem[1].Title)
	assert.False(t, art.NewsItem[0].IsDeleted)

	dc, err = svc.CountDrafts(ctx)
	require.NoError(t, err)
	assert.Zero(t, dc.TotalCount, "a published draft leaves the draft box")

	pubs, err := svc.ListPublished(ctx, 0, 10, true)
	require.NoError(t, err)
	assert.Equal(t, 1, pubs.TotalCount)
	require.Len(t, pubs.Item, 1)
	assert.Equal(t, st.ArticleID, pubs.Item[0].ArticleID)

	require.NoError(t, svc.DeletePublished(ctx, st.ArticleID, 2))
	art, err = svc.GetArticle(ctx, st.ArticleID)
	require.NoError(t, err)
	assert.False(t, art.NewsItem[0].IsDeleted)
	assert.True(t, art.NewsItem[1].IsDeleted, "index 2 is the second article")
	require.NoError(t, svc.DeletePublished(ctx, st.ArticleID, 0))
	pubs, err = svc.ListPublished(ctx, 0, 10, true)
	require.NoError(t, err)
	assert.Zero(t, pubs.TotalCount)

	require.NoError(t, svc.DeleteMaterial(ctx, ids[2]))
	count, err = svc.CountMaterials(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, count.ImageCount)
	s.WaitIdle()
}
