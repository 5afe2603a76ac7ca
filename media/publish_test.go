package media

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/mptest"
)

func TestPublish(t *testing.T) {
	t.Parallel()
	srv, svc := newTest(t)
	srv.Reply("POST", "/cgi-bin/freepublish/submit", "freepublish_submit.json", func(t testing.TB, _ *http.Request, body []byte) {
		mptest.JSONEq(t, `{"media_id":"MEDIA_ID"}`, body)
	})
	got, err := svc.Publish(context.Background(), "MEDIA_ID")
	require.NoError(t, err)
	assert.Equal(t, &PublishJob{PublishID: "100000001"}, got)
	_, err = svc.Publish(context.Background(), "")
	assertValidation(t, err, "media_id")
}

func TestPublishNumericIDs(t *testing.T) {
	t.Parallel()
	// Some answers carry publish_id and msg_data_id as JSON numbers.
	srv, svc := newTest(t)
	srv.Handle("POST", "/cgi-bin/freepublish/submit", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"errcode":0,"errmsg":"ok","publish_id":2247503051,"msg_data_id":2247483655}`))
	})
	got, err := svc.Publish(context.Background(), "MEDIA_ID")
	require.NoError(t, err)
	assert.Equal(t, &PublishJob{PublishID: "2247503051", MsgDataID: "2247483655"}, got)
}

func TestGetPublishStatus(t *testing.T) {
	t.Parallel()
	srv, svc := newTest(t)
	srv.Reply("POST", "/cgi-bin/freepublish/get", "freepublish_get_success.json", func(t testing.TB, _ *http.Request, body []byte) {
		mptest.JSONEq(t, `{"publish_id":"100000001"}`, body)
	})
	got, err := svc.GetPublishStatus(context.Background(), "100000001")
	require.NoError(t, err)
	assert.Equal(t, &PublishStatus{
		PublishID: "100000001", Status: PublishSuccess, ArticleID: "ARTICLE_ID",
		ArticleDetail: ArticleDetail{Count: 1, Item: []ArticleURL{{Idx: 1, ArticleURL: "ARTICLE_URL"}}},
		FailIdx:       []int{},
	}, got)
	_, err = svc.GetPublishStatus(context.Background(), "")
	assertValidation(t, err, "publish_id")
}

// statusSequence answers freepublish/get with the fixtures in turn (the last
// one repeats).
func statusSequence(t *testing.T, srv *mptest.Server, fixtures ...string) *atomic.Int32 {
	var calls atomic.Int32
	srv.Handle("POST", "/cgi-bin/freepublish/get", func(w http.ResponseWriter, r *http.Request) {
		mptest.JSONEq(t, `{"publish_id":"100000001"}`, mustRead(r))
		i := int(calls.Add(1)) - 1
		answer(t, w, fixtures[min(i, len(fixtures)-1)])
	})
	return &calls
}

func TestWaitPublished(t *testing.T) {
	t.Parallel()
	t.Run("success", func(t *testing.T) {
		t.Parallel()
		var waits []time.Duration
		srv, svc := newTest(t, WithSleep(func(ctx context.Context, d time.Duration) error {
			waits = append(waits, d)
			return nil
		}))
		calls := statusSequence(t, srv, "freepublish_get_publishing.json", "freepublish_get_publishing.json", "freepublish_get_success.json")
		st, err := svc.WaitPublished(context.Background(), "100000001", 2*time.Second)
		require.NoError(t, err)
		assert.Equal(t, PublishSuccess, st.Status)
		assert.Equal(t, "ARTICLE_URL", st.ArticleDetail.Item[0].ArticleURL)
		assert.Equal(t, int32(3), calls.Load())
		assert.Equal(t, []time.Duration{2 * time.Second, 2 * time.Second}, waits)
	})
	t.Run("failure", func(t *testing.T) {
		t.Parallel()
		srv, svc := newTest(t, WithSleep(func(context.Context, time.Duration) error { return nil }))
		statusSequence(t, srv, "freepublish_get_publishing.json", "freepublish_get_original_fail.json")
		st, err := svc.WaitPublished(context.Background(), "100000001", time.Second)
		var pe *PublishError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, &PublishError{PublishID: "100000001", Status: PublishOriginalFailed, FailIdx: []int{1, 2}}, pe)
		assert.Equal(t, "media: publish job 100000001 ended with status 2 (originality check failed), failed articles [1 2]", err.Error())
		assert.Equal(t, PublishOriginalFailed, st.Status)
	})
	t.Run("default interval", func(t *testing.T) {
		t.Parallel()
		var waits []time.Duration
		srv, svc := newTest(t, WithSleep(func(ctx context.Context, d time.Duration) error {
			waits = append(waits, d)
			return nil
		}))
		statusSequence(t, srv, "freepublish_get_publishing.json", "freepublish_get_success.json")
		_, err := svc.WaitPublished(context.Background(), "100000001", 0)
		require.NoError(t, err)
		assert.Equal(t, []time.Duration{DefaultPollInterval}, waits)
	})
	t.Run("cancelled", func(t *testing.T) {
		t.Parallel()
		// The real timer-based sleep, cancelled while waiting.
		srv, svc := newTest(t)
		statusSequence(t, srv, "freepublish_get_publishing.json")
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		start := time.Now()
		st, err := svc.WaitPublished(ctx, "100000001", time.Hour)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Less(t, time.Since(start), 10*time.Second)
		require.NotNil(t, st)
		assert.Equal(t, Publishing, st.Status)
	})
	t.Run("api error", func(t *testing.T) {
		t.Parallel()
		srv, svc := newTest(t)
		srv.Handle("POST", "/cgi-bin/freepublish/get", func(w http.ResponseWriter, r *http.Request) {
			mptest.ErrorJSON(w, 48001, "api unauthorized")
		})
		st, err := svc.WaitPublished(context.Background(), "100000001", time.Second)
		assert.Nil(t, st)
		assertAPICode(t, err, 48001)
	})
	t.Run("validation", func(t *testing.T) {
		t.Parallel()
		srv, svc := newTest(t)
		refuseAll(t, srv)
		_, err := svc.WaitPublished(context.Background(), "", time.Second)
		assertValidation(t, err, "publish_id")
	})
}

func TestPublishStateString(t *testing.T) {
	t.Parallel()
	for st, want := range map[PublishState]string{
		PublishSuccess: "success", Publishing: "publishing", PublishOriginalFailed: "originality check failed",
		PublishFailed: "failed", PublishRejected: "rejected by review", PublishDeleted: "deleted after publication",
		PublishBanned: "banned after publication", 9: "PublishState(9)",
	} {
		assert.Equal(t, want, st.String())
	}
	err := (&PublishError{PublishID: "1", Status: PublishFailed}).Error()
	assert.Equal(t, "media: publish job 1 ended with status 3 (failed)", err)
	assert.False(t, errors.Is(&PublishError{}, context.Canceled))
}

func TestGetArticle(t *testing.T) {
	t.Parallel()
	srv, svc := newTest(t)
	srv.Reply("POST", "/cgi-bin/freepublish/getarticle", "freepublish_getarticle.json", func(t testing.TB, _ *http.Request, body []byte) {
		mptest.JSONEq(t, `{"article_id":"ARTICLE_ID"}`, body)
	})
	got, err := svc.GetArticle(context.Background(), "ARTICLE_ID")
	require.NoError(t, err)
	assert.Equal(t, &PublishedArticle{NewsItem: []Article{{
		Title: "TITLE", Author: "AUTHOR", Digest: "DIGEST", Content: "CONTENT", ContentSourceURL: "CONTENT_SOURCE_URL",
		ThumbMediaID: "THUMB_MEDIA_ID", ThumbURL: "THUMB_URL", ShowCoverPic: 1, URL: "URL",
	}}}, got)
	_, err = svc.GetArticle(context.Background(), "")
	assertValidation(t, err, "article_id")
}

func TestListPublished(t *testing.T) {
	t.Parallel()
	srv, svc := newTest(t)
	srv.Reply("POST", "/cgi-bin/freepublish/batchget", "freepublish_batchget.json", func(t testing.TB, _ *http.Request, body []byte) {
		mptest.JSONEq(t, `{"offset":0,"count":10,"no_content":0}`, body)
	})
	got, err := svc.ListPublished(context.Background(), 0, 10, false)
	require.NoError(t, err)
	assert.Equal(t, &PublishedList{TotalCount: 100, ItemCount: 10, Item: []PublishedItem{{
		ArticleID: "ARTICLE_ID_1",
		Content: NewsContent{NewsItem: []Article{{
			Title: "示例标题", Author: "作者名", Digest: "摘要内容", Content: "HTML内容",
			ContentSourceURL: "https://example.com/source", ThumbMediaID: "MEDIA_ID_123", ShowCoverPic: 1,
			URL: "https://example.com/article",
		}}},
		UpdateTime: 1627891234,
	}}}, got)
	_, err = svc.ListPublished(context.Background(), 0, 0, false)
	assertValidation(t, err, "count")
}

func TestAllPublished(t *testing.T) {
	t.Parallel()
	srv, svc := newTest(t)
	item := func(i int) string {
		return `{"article_id":"A` + itoa(i) + `","content":{"news_item":[]},"update_time":1}`
	}
	offsets := pagedServer(t, srv, "/cgi-bin/freepublish/batchget", 40, item, -1)
	var ids []string
	for it, err := range svc.AllPublished(context.Background(), true) {
		require.NoError(t, err)
		ids = append(ids, it.ArticleID)
	}
	assert.Len(t, ids, 40)
	assert.Equal(t, []int{0, 20}, *offsets)
}

func TestDeletePublished(t *testing.T) {
	t.Parallel()
	for _, index := range []int{0, 2} {
		srv, svc := newTest(t)
		srv.Reply("POST", "/cgi-bin/freepublish/delete", "ok.json", func(t testing.TB, _ *http.Request, body []byte) {
			mptest.JSONEq(t, `{"article_id":"ARTICLE_ID","index":`+itoa(index)+`}`, body)
		})
		require.NoError(t, svc.DeletePublished(context.Background(), "ARTICLE_ID", index))
	}
	srv, svc := newTest(t)
	refuseAll(t, srv)
	assertValidation(t, svc.DeletePublished(context.Background(), "", 0), "article_id")
	err := svc.DeletePublished(context.Background(), "A", -1)
	assertValidation(t, err, "index")
	assert.True(t, strings.Contains(err.Error(), "0 deletes every article"))
}
