package media

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
)

func TestAddMaterial(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ  MediaType
		name string
		ct   string
	}{
		{Image, "a.bmp", "image/bmp"},
		{Image, "a.jpg", "image/jpeg"},
		{Voice, "a.wma", "audio/x-ms-wma"},
		{Voice, "a.wav", "audio/wav"},
		{Thumb, "a.JPG", "image/jpeg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, svc := newTest(t)
			srv.Handle("POST", "/cgi-bin/material/add_material", func(w http.ResponseWriter, r *http.Request) {
				mptest.Query(t, r, map[string]string{"type": string(tt.typ)})
				u := readUpload(t, r)
				assert.Equal(t, upload{Fields: map[string]string{}, Field: "media", FileName: tt.name, ContentType: tt.ct, Data: []byte("bytes")}, u)
				answer(t, w, "material_add_image.json")
			})
			got, err := svc.AddMaterial(context.Background(), tt.typ, File{Name: tt.name, Reader: strings.NewReader("bytes")})
			require.NoError(t, err)
			assert.Equal(t, &AddedMaterial{MediaID: "MEDIA_ID_654321", URL: "https://example.com/image.jpg"}, got)
		})
	}
}

func TestAddMaterialValidation(t *testing.T) {
	t.Parallel()
	srv, svc := newTest(t)
	refuseAll(t, srv)
	ctx := context.Background()
	f := File{Name: "a.jpg", Reader: strings.NewReader("x")}
	_, err := svc.AddMaterial(ctx, Video, File{Name: "a.mp4", Reader: strings.NewReader("x")})
	assertValidation(t, err, "type")
	_, err = svc.AddMaterial(ctx, News, f)
	assertValidation(t, err, "type")
	_, err = svc.AddMaterial(ctx, Voice, File{Name: "a.ogg", Reader: strings.NewReader("x")})
	assert.ErrorIs(t, err, ErrUnsupportedFormat)
	_, err = svc.AddMaterial(ctx, Image, File{Name: "a.png", Reader: io.NewSectionReader(zeros{}, 0, MaxImageSize+1)})
	assert.ErrorIs(t, err, ErrTooLarge)
	_, err = svc.AddMaterial(ctx, Thumb, File{Name: "a.jpg", Reader: io.NewSectionReader(zeros{}, 0, MaxThumbSize+1)})
	assert.ErrorIs(t, err, ErrTooLarge)
	_, err = svc.AddMaterial(ctx, Voice, File{Name: "a.amr", Reader: io.NewSectionReader(zeros{}, 0, MaxVoiceSize+1)})
	assert.ErrorIs(t, err, ErrTooLarge)
	_, err = svc.AddVideo(ctx, File{Name: "a.mp4", Reader: io.NewSectionReader(zeros{}, 0, MaxVideoSize+1)}, VideoDescription{})
	assert.ErrorIs(t, err, ErrTooLarge)
	_, err = svc.AddVideo(ctx, File{Name: "a.avi", Reader: strings.NewReader("x")}, VideoDescription{})
	assert.ErrorIs(t, err, ErrUnsupportedFormat)
}

func TestAddVideo(t *testing.T) {
	t.Parallel()
	srv, svc := newTest(t)
	srv.Handle("POST", "/cgi-bin/material/add_material", func(w http.ResponseWriter, r *http.Request) {
		mptest.Query(t, r, map[string]string{"type": "video"})
		u := readUpload(t, r)
		// The description is JSON without HTML escaping.
		assert.Equal(t, map[string]string{"description": `{"title":"视频标题","introduction":"简介 <b>&</b>"}`}, u.Fields)
		assert.Equal(t, "clip.mp4", u.FileName)
		assert.Equal(t, "video/mp4", u.ContentType)
		assert.Equal(t, []byte("mp4 bytes"), u.Data)
		answer(t, w, "material_add_video.json")
	})
	got, err := svc.AddVideo(context.Background(), File{Name: "clip.mp4", Reader: strings.NewReader("mp4 bytes")},
		VideoDescription{Title: "视频标题", Introduction: "简介 <b>&</b>"})
	require.NoError(t, err)
	assert.Equal(t, &AddedMaterial{MediaID: "MEDIA_ID_123456"}, got)
}

func TestUploadImage(t *testing.T) {
	t.Parallel()
	srv, svc := newTest(t)
	srv.Handle("POST", "/cgi-bin/media/uploadimg", func(w http.ResponseWriter, r *http.Request) {
		mptest.Query(t, r, map[string]string{})
		u := readUpload(t, r)
		assert.Equal(t, "media", u.Field)
		assert.Equal(t, "body.png", u.FileName)
		assert.Equal(t, "image/png", u.ContentType)
		answer(t, w, "media_uploadimg.json")
	})
	got, err := svc.UploadImage(context.Background(), File{Name: "body.png", Reader: strings.NewReader("png")})
	require.NoError(t, err)
	assert.Equal(t, &ArticleImage{URL: "http://mmbiz.qpic.cn/XXXXX"}, got)

	srv2, svc2 := newTest(t)
	refuseAll(t, srv2)
	_, err = svc2.UploadImage(context.Background(), File{Name: "a.gif", Reader: strings.NewReader("gif")})
	assert.ErrorIs(t, err, ErrUnsupportedFormat)
	_, err = svc2.UploadImage(context.Background(), File{Name: "a.jpg", Reader: io.NewSectionReader(zeros{}, 0, MaxArticleImageSize+1)})
	assert.ErrorIs(t, err, ErrTooLarge)
	assert.Contains(t, err.Error(), "1 MB")
}

func TestGetMaterial(t *testing.T) {
	t.Parallel()
	t.Run("news", func(t *testing.T) {
		t.Parallel()
		srv, svc := newTest(t)
		srv.Reply("POST", "/cgi-bin/material/get_material", "material_get_news.json", func(t testing.TB, _ *http.Request, body []byte) {
			mptest.JSONEq(t, `{"media_id":"NEWS_ID"}`, body)
		})
		m, err := svc.GetMaterial(context.Background(), "NEWS_ID", nil)
		require.NoError(t, err)
		assert.Equal(t, &Material{NewsItem: []Article{{
			Title: "TITLE", ThumbMediaID: "THUMB_MEDIA_ID", ShowCoverPic: 1, Author: "AUTHOR", Digest: "DIGEST",
			Content: "CONTENT", URL: "URL", ContentSourceURL: "CONTENT_SOURCE_URL",
		}}}, m)
	})
	t.Run("video", func(t *testing.T) {
		t.Parallel()
		srv, svc := newTest(t)
		srv.Reply("POST", "/cgi-bin/material/get_material", "material_get_video.json", func(t testing.TB, _ *http.Request, body []byte) {
			mptest.JSONEq(t, `{"media_id":"VIDEO_ID"}`, body)
		})
		var buf bytes.Buffer
		m, err := svc.GetMaterial(context.Background(), "VIDEO_ID", &buf)
		require.NoError(t, err)
		assert.Equal(t, &Material{Title: "TITLE", Description: "DESCRIPTION", DownURL: "DOWN_URL"}, m)
		assert.Zero(t, buf.Len())
	})
	t.Run("file", func(t *testing.T) {
		t.Parallel()
		srv, svc := newTest(t)
		img := bytes.Repeat([]byte{0x89, 'P', 'N', 'G'}, 4096)
		srv.Handle("POST", "/cgi-bin/material/get_material", func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			mptest.JSONEq(t, `{"media_id":"IMAGE_ID"}`, body)
			assert.Equal(t, mptest.AccessToken, r.URL.Query().Get("access_token"))
			w.Header().Set("Content-Type", "image/png")
			_, _ = w.Write(img)
		})
		var buf bytes.Buffer
		m, err := svc.GetMaterial(context.Background(), "IMAGE_ID", &buf)
		require.NoError(t, err)
		assert.Equal(t, &Material{File: &FileInfo{ContentType: "image/png", Written: int64(len(img))}}, m)
		assert.Equal(t, img, buf.Bytes())

		_, err = svc.GetMaterial(context.Background(), "IMAGE_ID", nil)
		assert.ErrorIs(t, err, errNilWriter)
	})
	t.Run("validation", func(t *testing.T) {
		t.Parallel()
		srv, svc := newTest(t)
		refuseAll(t, srv)
		_, err := svc.GetMaterial(context.Background(), "", nil)
		assertValidation(t, err, "media_id")
	})
}

func TestDeleteMaterial(t *testing.T) {
	t.Parallel()
	srv, svc := newTest(t)
	srv.Reply("POST", "/cgi-bin/material/del_material", "ok.json", func(t testing.TB, _ *http.Request, body []byte) {
		mptest.JSONEq(t, `{"media_id":"MEDIA_ID"}`, body)
	})
	require.NoError(t, svc.DeleteMaterial(context.Background(), "MEDIA_ID"))
	assertValidation(t, svc.DeleteMaterial(context.Background(), ""), "media_id")
}

func TestCountMaterials(t *testing.T) {
	t.Parallel()
	srv, svc := newTest(t)
	srv.Reply("GET", "/cgi-bin/material/get_materialcount", "material_count.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		assert.Empty(t, body)
	})
	got, err := svc.CountMaterials(context.Background())
	require.NoError(t, err)
	assert.Equal(t, &MaterialCount{VoiceCount: 5, VideoCount: 3, ImageCount: 10, NewsCount: 7}, got)
}

func TestListMaterials(t *testing.T) {
	t.Parallel()
	t.Run("news", func(t *testing.T) {
		t.Parallel()
		srv, svc := newTest(t)
		srv.Reply("POST", "/cgi-bin/material/batchget_material", "material_batchget_news.json", func(t testing.TB, _ *http.Request, body []byte) {
			mptest.JSONEq(t, `{"type":"news","offset":0,"count":20}`, body)
		})
		got, err := svc.ListMaterials(context.Background(), News, 0, 20)
		require.NoError(t, err)
		assert.Equal(t, &MaterialList{TotalCount: 100, ItemCount: 20, Item: []MaterialItem{{
			MediaID: "MEDIA_ID",
			Content: &NewsContent{NewsItem: []Article{{
				Title: "TITLE", ThumbMediaID: "THUMB_MEDIA_ID", ShowCoverPic: 1, Author: "AUTHOR", Digest: "DIGEST",
				Content: "CONTENT", URL: "URL", ContentSourceURL: "CONTENT_SOURCE_URL",
			}}},
			UpdateTime: 1620000000,
		}}}, got)
	})
	t.Run("image", func(t *testing.T) {
		t.Parallel()
		srv, svc := newTest(t)
		srv.Reply("POST", "/cgi-bin/material/batchget_material", "material_batchget_image.json", func(t testing.TB, _ *http.Request, body []byte) {
			mptest.JSONEq(t, `{"type":"image","offset":40,"count":10}`, body)
		})
		got, err := svc.ListMaterials(context.Background(), Image, 40, 10)
		require.NoError(t, err)
		assert.Equal(t, &MaterialList{TotalCount: 50, ItemCount: 10, Item: []MaterialItem{{
			MediaID: "MEDIA_ID", Name: "IMAGE.jpg", UpdateTime: 1620000000, URL: "http://mmbiz.qpic.cn/xxx",
		}}}, got)
	})
	t.Run("validation", func(t *testing.T) {
		t.Parallel()
		srv, svc := newTest(t)
		refuseAll(t, srv)
		ctx := context.Background()
		_, err := svc.ListMaterials(ctx, Thumb, 0, 20)
		assertValidation(t, err, "type")
		_, err = svc.ListMaterials(ctx, Image, -1, 20)
		assertValidation(t, err, "offset")
		_, err = svc.ListMaterials(ctx, Image, 0, 0)
		assertValidation(t, err, "count")
		_, err = svc.ListMaterials(ctx, Image, 0, 21)
		assertValidation(t, err, "count")
	})
}

// pagedServer answers a list endpoint from total synthetic items, recording
// the offsets asked for; failAt makes the call at that offset fail.
func pagedServer(t *testing.T, srv *mptest.Server, path string, total int, item func(i int) string, failAt int) *[]int {
	var offsets []int
	srv.Handle("POST", path, func(w http.ResponseWriter, r *http.Request) {
		req := mptest.Decode(t, mustRead(r))
		off, count := int(req["offset"].(float64)), int(req["count"].(float64))
		assert.Equal(t, MaxPageSize, count)
		offsets = append(offsets, off)
		if off == failAt {
			mptest.ErrorJSON(w, 45009, "reach max api daily quota limit")
			return
		}
		var items []string
		for i := off; i < total && i < off+count; i++ {
			items = append(items, item(i))
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"total_count":`+itoa(total)+`,"item_count":`+itoa(len(items))+`,"item":[`+strings.Join(items, ",")+`]}`)
	})
	return &offsets
}

func mustRead(r *http.Request) []byte {
	b, _ := io.ReadAll(r.Body)
	return b
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestAllMaterials(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	item := func(i int) string { return `{"media_id":"M` + itoa(i) + `","name":"n.jpg","update_time":1,"url":"u"}` }
	t.Run("all pages", func(t *testing.T) {
		t.Parallel()
		srv, svc := newTest(t)
		offsets := pagedServer(t, srv, "/cgi-bin/material/batchget_material", 45, item, -1)
		var ids []string
		for it, err := range svc.AllMaterials(ctx, Image) {
			require.NoError(t, err)
			ids = append(ids, it.MediaID)
		}
		assert.Len(t, ids, 45)
		assert.Equal(t, "M44", ids[44])
		assert.Equal(t, []int{0, 20, 40}, *offsets)
	})
	t.Run("break stops fetching", func(t *testing.T) {
		t.Parallel()
		srv, svc := newTest(t)
		offsets := pagedServer(t, srv, "/cgi-bin/material/batchget_material", 45, item, -1)
		n := 0
		for _, err := range svc.AllMaterials(ctx, Image) {
			require.NoError(t, err)
			if n++; n == 21 {
				break
			}
		}
		assert.Equal(t, []int{0, 20}, *offsets)
	})
	t.Run("error once", func(t *testing.T) {
		t.Parallel()
		srv, svc := newTest(t)
		pagedServer(t, srv, "/cgi-bin/material/batchget_material", 45, item, 20)
		var errs []error
		n := 0
		for _, err := range svc.AllMaterials(ctx, Image) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			n++
		}
		assert.Equal(t, 20, n)
		require.Len(t, errs, 1)
		assert.True(t, mp.IsCode(errs[0], mp.CodeQuotaExceeded))
	})
	t.Run("bad type", func(t *testing.T) {
		t.Parallel()
		srv, svc := newTest(t)
		refuseAll(t, srv)
		var calls atomic.Int32
		for _, err := range svc.AllMaterials(ctx, "bogus") {
			calls.Add(1)
			assertValidation(t, err, "type")
		}
		assert.Equal(t, int32(1), calls.Load())
	})
}
