package media_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/media"
)

// fakeWeChat starts a stand-in for api.weixin.qq.com and a client on it.
func fakeWeChat(h http.HandlerFunc) (*mp.Client, func()) {
	srv := httptest.NewServer(h)
	c, err := mp.New(mp.Config{AppID: "wx1234567890abcdef"},
		mp.WithHost(srv.URL), mp.WithTokenSource(mptest.StaticToken("ACCESS_TOKEN")))
	if err != nil {
		panic(err)
	}
	return c, srv.Close
}

func ExampleService_Upload() {
	client, stop := fakeWeChat(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, `{"type":"image","media_id":"MEDIA_ID","created_at":1672500000}`)
	})
	defer stop()

	// Any io.Reader: an *os.File, an HTTP response body, a pipe...
	photo := strings.NewReader("...jpeg bytes...")
	m, err := media.New(client).Upload(context.Background(), media.Image, media.File{Name: "photo.jpg", Reader: photo})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.MediaID, m.CreatedAt.Time().UTC().Format(time.DateOnly))
	// Output: MEDIA_ID 2022-12-31
}

func ExampleService_Upload_tooLarge() {
	client, stop := fakeWeChat(func(w http.ResponseWriter, r *http.Request) {
		mptest.ErrorJSON(w, 45001, "media size out of limit") // never reached
	})
	defer stop()

	// A 100 KB thumb is refused before anything is sent (the limit is 64 KB).
	thumb := io.NewSectionReader(strings.NewReader(strings.Repeat("x", 100<<10)), 0, 100<<10)
	_, err := media.New(client).Upload(context.Background(), media.Thumb, media.File{Name: "cover.jpg", Reader: thumb})
	var ve *mp.ValidationError
	fmt.Println(errors.Is(err, media.ErrTooLarge), errors.As(err, &ve), ve.Field)
	// Output: true true media
}

func ExampleService_WaitPublished() {
	polls := 0
	client, stop := fakeWeChat(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/cgi-bin/freepublish/submit":
			_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok","publish_id":"100000001"}`)
		case "/cgi-bin/freepublish/get":
			if polls++; polls < 3 {
				_, _ = io.WriteString(w, `{"publish_id":"100000001","publish_status":1}`)
				return
			}
			_, _ = io.WriteString(w, `{"publish_id":"100000001","publish_status":0,"article_id":"ARTICLE_ID",
				"article_detail":{"count":1,"item":[{"idx":1,"article_url":"https://mp.weixin.qq.com/s/abc"}]}}`)
		}
	})
	defer stop()

	// WithSleep only speeds the example up; leave it out in real code.
	svc := media.New(client, media.WithSleep(func(context.Context, time.Duration) error { return nil }))
	ctx := context.Background()
	job, err := svc.Publish(ctx, "DRAFT_MEDIA_ID")
	if err != nil {
		fmt.Println(err)
		return
	}
	st, err := svc.WaitPublished(ctx, job.PublishID.String(), 5*time.Second)
	if err != nil {
		fmt.Println(err) // a *media.PublishError when the job failed
		return
	}
	fmt.Println(st.Status, st.ArticleDetail.Item[0].ArticleURL)
	// Output: success https://mp.weixin.qq.com/s/abc
}

func ExampleService_AllMaterials() {
	client, stop := fakeWeChat(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if strings.Contains(string(body), `"offset":0`) {
			_, _ = io.WriteString(w, `{"total_count":2,"item_count":1,"item":[{"media_id":"M1","name":"a.jpg","update_time":1620000000}]}`)
			return
		}
		_, _ = io.WriteString(w, `{"total_count":2,"item_count":1,"item":[{"media_id":"M2","name":"b.jpg","update_time":1620000000}]}`)
	})
	defer stop()

	for item, err := range media.New(client).AllMaterials(context.Background(), media.Image) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(item.MediaID, item.Name)
	}
	// Output:
	// M1 a.jpg
	// M2 b.jpg
}

func ExampleService_Get() {
	client, stop := fakeWeChat(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("media_id") == "VIDEO_ID" {
			_, _ = io.WriteString(w, `{"video_url":"http://example.com/video.mp4"}`)
			return
		}
		w.Header().Set("Content-Type", "voice/amr")
		_, _ = io.WriteString(w, "#!AMR...")
	})
	defer stop()

	svc := media.New(client)
	var file strings.Builder // an *os.File in real code
	d, _ := svc.Get(context.Background(), "VOICE_ID", &file)
	fmt.Println(d.ContentType, d.Written)
	d, _ = svc.Get(context.Background(), "VIDEO_ID", &file)
	fmt.Println(d.VideoURL)
	// Output:
	// voice/amr 8
	// http://example.com/video.mp4
}
