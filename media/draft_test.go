package media

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/mptest"
)

func newsArticle() Article {
	return Article{
		ArticleType: ArticleNews, Title: "TITLE", Author: "AUTHOR", Digest: "DIGEST", Content: "CONTENT",
		ContentSourceURL: "CONTENT_SOURCE_URL", ThumbMediaID: "THUMB_MEDIA_ID",
		PicCrop235To1: "0.1945_0_1_0.5236", PicCrop1To1: "0.166454_0_0.833545_1",
	}
}

func TestAddDraft(t *testing.T) {
	t.Parallel()
	srv, svc := newTest(t)
	srv.Reply("POST", "/cgi-bin/draft/add", "draft_add.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEqFixture(t, "draft_add_request.json", body)
		// Raw <, > and & (no HTML escaping).
		assert.Contains(t, string(body), "<p>CONTENT & more</p>")
	})
	got, err := svc.AddDraft(context.Background(),
		Article{
			ArticleType: ArticleNews, Title: "TITLE", Author: "麦多多", Digest: "DIGEST", Content: "<p>CONTENT & more</p>",
			ContentSourceURL: "https://example.com/source?a=1&b=2",
			ThumbMediaID:     "R7Ifp6ogGOmtr3u-l6KIJfD6AX2foQ7Ktp4flZtYJbtO2H-Tmfg4xO0sl9mh9ByJ",
			NeedOpenComment:  1, OnlyFansCanComment: 1,
			PicCrop235To1: "0.1945_0_1_0.5236", PicCrop1To1: "0.166454_0_0.833545_1",
		},
		Article{
			ArticleType: ArticleNewsPic, Title: "TITLE", Content: "CONTENT",
			ImageInfo:   &ImageInfo{ImageList: []ImageItem{{ImageMediaID: "IMAGE_MEDIA_ID"}}},
			CoverInfo:   &CoverInfo{CropPercentList: []CropPercent{{Ratio: "1_1", X1: "0.166454", Y1: "0", X2: "0.833545", Y2: "1"}}},
			ProductInfo: &ProductInfo{FooterProductInfo: &FooterProductInfo{ProductKey: "PRODUCT_KEY"}},
		},
	)
	require.NoError(t, err)
	assert.Equal(t, &DraftRef{MediaID: "MEDIA_ID"}, got)
}

func TestArticleValidation(t *testing.T) {
	t.Parallel()
	pic := func(n int) *ImageInfo {
		ii := &ImageInfo{}
		for range n {
			ii.ImageList = append(ii.ImageList, ImageItem{ImageMediaID: "I"})
		}
		return ii
	}
	tests := []struct {
		name  string
		edit  func(a *Article)
		field string
	}{
		{"bad type", func(a *Article) { a.ArticleType = "video" }, "articles[0].article_type"},
		{"no title", func(a *Article) { a.Title = "" }, "articles[0].title"},
		{"title 33 chars", func(a *Article) { a.Title = strings.Repeat("标", 33) }, "articles[0].title"},
		{"author 17 chars", func(a *Article) { a.Author = strings.Repeat("作", 17) }, "articles[0].author"},
		{"digest 129 chars", func(a *Article) { a.Digest = strings.Repeat("d", 129) }, "articles[0].digest"},
		{"no content", func(a *Article) { a.Content = "" }, "articles[0].content"},
		{"content 20000 chars", func(a *Article) { a.Content = strings.Repeat("字", MaxContentChars) }, "articles[0].content"},
		{"content 1 MB", func(a *Article) { a.Content = strings.Repeat("<p></p>", MaxContentBytes/7+1) }, "articles[0].content"},
		{"source url over 1 KB", func(a *Article) { a.ContentSourceURL = "https://x/" + strings.Repeat("a", 1015) }, "articles[0].content_source_url"},
		{"news without cover", func(a *Article) { a.ThumbMediaID = "" }, "articles[0].thumb_media_id"},
		{"default type without cover", func(a *Article) { a.ArticleType, a.ThumbMediaID = "", "" }, "articles[0].thumb_media_id"},
		{"newspic without images", func(a *Article) { a.ArticleType = ArticleNewsPic }, "articles[0].image_info.image_list"},
		{"newspic 21 images", func(a *Article) { a.ArticleType, a.ImageInfo = ArticleNewsPic, pic(21) }, "articles[0].image_info.image_list"},
		{"newspic empty image id", func(a *Article) {
			a.ArticleType, a.ImageInfo = ArticleNewsPic, &ImageInfo{ImageList: []ImageItem{{}}}
		}, "articles[0].image_info.image_list[0].image_media_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, svc := newTest(t)
			refuseAll(t, srv)
			a := newsArticle()
			tt.edit(&a)
			_, err := svc.AddDraft(context.Background(), a)
			ve := assertValidation(t, err, tt.field)
			assert.Equal(t, "media.AddDraft", ve.Op)
		})
	}
	// The limits themselves pass.
	a := newsArticle()
	a.Title, a.Author, a.Digest = strings.Repeat("标", 32), strings.Repeat("作", 16), strings.Repeat("d", 128)
	a.Content = strings.Repeat("字", MaxContentChars-1)
	require.NoError(t, a.validate("op", "a"), "19,999 characters")
	// Markup does not count: a rich article with 19,999 characters of text.
	a.Content = strings.Repeat(`<p style="color:#333">字</p>`, MaxContentChars-1)
	a.ContentSourceURL = "https://x/" + strings.Repeat("a", 1014)
	require.NoError(t, a.validate("op", "a"))
	b := Article{ArticleType: ArticleNewsPic, Title: "T", Content: "C", ImageInfo: pic(20)}
	require.NoError(t, b.validate("op", "b"))

	srv, svc := newTest(t)
	refuseAll(t, srv)
	_, err := svc.AddDraft(context.Background())
	assertValidation(t, err, "articles")
	_, err = svc.AddDraft(context.Background(), newsArticle(), Article{})
	assertValidation(t, err, "articles[1].title")
}

func TestGetDraft(t *testing.T) {
	t.Parallel()
	srv, svc := newTest(t)
	srv.Reply("POST", "/cgi-bin/draft/get", "draft_get.json", func(t testing.TB, _ *http.Request, body []byte) {
		mptest.JSONEq(t, `{"media_id":"MEDIA_ID"}`, body)
	})
	got, err := svc.GetDraft(context.Background(), "MEDIA_ID")
	require.NoError(t, err)
	assert.Equal(t, &Draft{NewsItem: []Article{
		{
			ArticleType: "news", Title: "TITLE", Author: "AUTHOR", Digest: "DIGEST", Content: "CONTENT",
			ContentSourceURL: "CONTENT_SOURCE_URL", ThumbMediaID: "THUMB_MEDIA_ID", URL: "URL",
		},
		{
			ArticleType: "newspic", Title: "TITLE", Content: "CONTENT", ThumbMediaID: "THUMB_MEDIA_ID",
			ImageInfo:   &ImageInfo{ImageList: []ImageItem{{ImageMediaID: "IMAGE_MEDIA_ID"}}},
			ProductInfo: &ProductInfo{FooterProductInfo: &FooterProductInfo{ProductKey: "PRODUCT_KEY"}},
			URL:         "URL",
		},
	}}, got)
	_, err = svc.GetDraft(context.Background(), "")
	assertValidation(t, err, "media_id")
}

func TestUpdateDraft(t *testing.T) {
	t.Parallel()
	srv, svc := newTest(t)
	srv.Reply("POST", "/cgi-bin/draft/update", "ok.json", func(t testing.TB, _ *http.Request, body []byte) {
		mptest.JSONEqFixture(t, "draft_update_request.json", body)
	})
	require.NoError(t, svc.UpdateDraft(context.Background(), "MEDIA_ID", 1, newsArticle()))

	srv2, svc2 := newTest(t)
	refuseAll(t, srv2)
	ctx := context.Background()
	assertValidation(t, svc2.UpdateDraft(ctx, "", 0, newsArticle()), "media_id")
	assertValidation(t, svc2.UpdateDraft(ctx, "M", -1, newsArticle()), "index")
	assertValidation(t, svc2.UpdateDraft(ctx, "M", 0, Article{Title: "T"}), "articles.content")
}

func TestDeleteDraft(t *testing.T) {
	t.Parallel()
	srv, svc := newTest(t)
	srv.Reply("POST", "/cgi-bin/draft/delete", "ok.json", func(t testing.TB, _ *http.Request, body []byte) {
		mptest.JSONEq(t, `{"media_id":"MEDIA_ID"}`, body)
	})
	require.NoError(t, svc.DeleteDraft(context.Background(), "MEDIA_ID"))
	assertValidation(t, svc.DeleteDraft(context.Background(), ""), "media_id")
}

func TestCountDrafts(t *testing.T) {
	t.Parallel()
	srv, svc := newTest(t)
	srv.Reply("GET", "/cgi-bin/draft/count", "draft_count.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		assert.Empty(t, body)
	})
	got, err := svc.CountDrafts(context.Background())
	require.NoError(t, err)
	assert.Equal(t, &DraftCount{TotalCount: 15}, got)
}

func TestListDrafts(t *testing.T) {
	t.Parallel()
	srv, svc := newTest(t)
	srv.Reply("POST", "/cgi-bin/draft/batchget", "draft_batchget.json", func(t testing.TB, _ *http.Request, body []byte) {
		mptest.JSONEq(t, `{"offset":0,"count":10,"no_content":1}`, body)
	})
	got, err := svc.ListDrafts(context.Background(), 0, 10, true)
	require.NoError(t, err)
	require.Len(t, got.Item, 1)
	assert.Equal(t, 1, got.TotalCount)
	assert.Equal(t, 1, got.ItemCount)
	it := got.Item[0]
	assert.Equal(t, "MEDIA_ID", it.MediaID)
	assert.Equal(t, Timestamp(1620000000), it.UpdateTime)
	require.Len(t, it.Content.NewsItem, 2)
	assert.Equal(t, "news", it.Content.NewsItem[0].ArticleType)
	assert.Equal(t, "IMAGE_MEDIA_ID", it.Content.NewsItem[1].ImageInfo.ImageList[0].ImageMediaID)
	assert.Equal(t, "PRODUCT_KEY", it.Content.NewsItem[1].ProductInfo.FooterProductInfo.ProductKey)

	_, err = svc.ListDrafts(context.Background(), 0, 21, false)
	assertValidation(t, err, "count")
	_, err = svc.ListDrafts(context.Background(), -5, 1, false)
	assertValidation(t, err, "offset")
}

func TestAllDrafts(t *testing.T) {
	t.Parallel()
	srv, svc := newTest(t)
	var bodies []string
	srv.Handle("POST", "/cgi-bin/draft/batchget", func(w http.ResponseWriter, r *http.Request) {
		b := string(mustRead(r))
		bodies = append(bodies, b)
		w.Header().Set("Content-Type", "application/json")
		if strings.Contains(b, `"offset":0,`) {
			_, _ = w.Write([]byte(`{"total_count":21,"item_count":20,"item":[` + strings.TrimSuffix(strings.Repeat(`{"media_id":"D","content":{"news_item":[]},"update_time":1},`, 20), ",") + `]}`))
			return
		}
		_, _ = w.Write([]byte(`{"total_count":21,"item_count":1,"item":[{"media_id":"LAST","content":{"news_item":[]},"update_time":2}]}`))
	})
	var last DraftItem
	n := 0
	for it, err := range svc.AllDrafts(context.Background(), false) {
		require.NoError(t, err)
		last = it
		n++
	}
	assert.Equal(t, 21, n)
	assert.Equal(t, "LAST", last.MediaID)
	assert.Equal(t, []string{`{"offset":0,"count":20,"no_content":0}`, `{"offset":20,"count":20,"no_content":0}`}, bodies)
}
