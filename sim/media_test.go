package sim

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// upload posts a multipart "media" field (plus extra form fields).
func upload(t testing.TB, s *Sim, tok, path, typ, name string, data []byte, fields ...string) map[string]any {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("media", name)
	require.NoError(t, err)
	_, _ = fw.Write(data)
	for i := 0; i+1 < len(fields); i += 2 {
		require.NoError(t, mw.WriteField(fields[i], fields[i+1]))
	}
	require.NoError(t, mw.Close())
	u := s.URL + path + "?access_token=" + tok
	if typ != "" {
		u += "&type=" + typ
	}
	resp, err := http.Post(u, mw.FormDataContentType(), &buf)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	require.NoError(t, json.Unmarshal(raw, &out), string(raw))
	return out
}

func uploadMedia(t testing.TB, s *Sim, tok, path, typ, name string, data []byte) string {
	t.Helper()
	out := upload(t, s, tok, path, typ, name, data)
	require.Equal(t, 0, errcode(out), out)
	return out["media_id"].(string)
}

func TestTemporaryMedia(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := newSim(t, Options{Clock: clk.Now})
	tok := token(t, s)
	out := upload(t, s, tok, "/cgi-bin/media/upload", "image", "cat.png", samplePNG())
	assert.Equal(t, "image", out["type"])
	assert.EqualValues(t, clk.Now().Unix(), out["created_at"])
	id := out["media_id"].(string)
	status, body, hdr := doRaw(t, s, "GET", "/cgi-bin/media/get?access_token="+tok+"&media_id="+id, nil, nil)
	assert.Equal(t, 200, status)
	assert.Equal(t, samplePNG(), body)
	assert.Contains(t, hdr.Get("Content-Disposition"), `filename="cat.png"`)

	thumb := upload(t, s, tok, "/cgi-bin/media/upload", "thumb", "t.jpg", []byte("jpg"))
	assert.Equal(t, thumb["media_id"], thumb["thumb_media_id"])

	vid := uploadMedia(t, s, tok, "/cgi-bin/media/upload", "video", "v.mp4", []byte("mp4"))
	v := api(t, s, tok, "GET", "/cgi-bin/media/get", nil, "media_id", vid)
	assert.True(t, strings.HasPrefix(v["video_url"].(string), s.URL+"/sim/media/"))
	status, body, _ = doRaw(t, s, "GET", strings.TrimPrefix(v["video_url"].(string), s.URL), nil, nil)
	assert.Equal(t, 200, status)
	assert.Equal(t, "mp4", string(body))

	assert.Equal(t, 40004, errcode(upload(t, s, tok, "/cgi-bin/media/upload", "hologram", "a.png", []byte("x"))))
	assert.Equal(t, 40005, errcode(upload(t, s, tok, "/cgi-bin/media/upload", "image", "a.exe", []byte("x"))))
	assert.Equal(t, 40012, errcode(upload(t, s, tok, "/cgi-bin/media/upload", "thumb", "a.jpg", make([]byte, 64<<10+1))))
	assert.Equal(t, 40010, errcode(upload(t, s, tok, "/cgi-bin/media/upload", "voice", "a.mp3", make([]byte, 2<<20+1))))
	assert.Equal(t, 41005, errcode(do(t, s, "POST", "/cgi-bin/media/upload", map[string][]string{"access_token": {tok}, "type": {"image"}}, "x")))
	assert.Equal(t, 40007, errcode(api(t, s, tok, "GET", "/cgi-bin/media/get", nil, "media_id", "nope")))

	// Temporary media live 3 days.
	clk.Advance(TemporaryMediaTTL)
	tok = token(t, s)
	assert.Equal(t, 40007, errcode(api(t, s, tok, "GET", "/cgi-bin/media/get", nil, "media_id", id)))

	img := upload(t, s, tok, "/cgi-bin/media/uploadimg", "", "in-article.jpg", []byte("jpg"))
	assert.True(t, strings.HasPrefix(img["url"].(string), s.URL+"/sim/media/"))
	assert.Equal(t, 40005, errcode(upload(t, s, tok, "/cgi-bin/media/uploadimg", "", "a.gif", []byte("gif"))))
}

func TestPermanentMaterial(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	tok := token(t, s)
	img := upload(t, s, tok, "/cgi-bin/material/add_material", "image", "p.png", samplePNG())
	require.Equal(t, 0, errcode(img))
	assert.NotEmpty(t, img["url"])
	imgID := img["media_id"].(string)
	assert.Equal(t, 40097, errcode(upload(t, s, tok, "/cgi-bin/material/add_material", "video", "v.mp4", []byte("mp4"))))
	vid := upload(t, s, tok, "/cgi-bin/material/add_material", "video", "v.mp4", []byte("mp4"), "description", `{"title":"VIDEO_TITLE", "introduction":"INTRODUCTION"}`)
	require.Equal(t, 0, errcode(vid))

	status, body, _ := doRaw(t, s, "POST", "/cgi-bin/material/get_material?access_token="+tok, nil, map[string]string{"media_id": imgID})
	assert.Equal(t, 200, status)
	assert.Equal(t, samplePNG(), body)
	v := api(t, s, tok, "POST", "/cgi-bin/material/get_material", map[string]string{"media_id": vid["media_id"].(string)})
	assert.Equal(t, "VIDEO_TITLE", v["title"])
	assert.Equal(t, "INTRODUCTION", v["description"])
	assert.NotEmpty(t, v["down_url"])

	cnt := api(t, s, tok, "GET", "/cgi-bin/material/get_materialcount", nil)
	assert.EqualValues(t, 1, cnt["image_count"])
	assert.EqualValues(t, 1, cnt["video_count"])
	assert.EqualValues(t, 0, cnt["voice_count"])
	list := api(t, s, tok, "POST", "/cgi-bin/material/batchget_material", map[string]any{"type": "image", "offset": 0, "count": 20})
	assert.EqualValues(t, 1, list["total_count"])
	assert.Equal(t, imgID, list["item"].([]any)[0].(map[string]any)["media_id"])
	assert.Equal(t, 40097, errcode(api(t, s, tok, "POST", "/cgi-bin/material/batchget_material", map[string]any{"type": "image", "count": 21})))

	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/cgi-bin/material/del_material", map[string]string{"media_id": imgID})))
	assert.Equal(t, 40007, errcode(api(t, s, tok, "POST", "/cgi-bin/material/del_material", map[string]string{"media_id": imgID})))
	assert.Equal(t, 40007, errcode(api(t, s, tok, "POST", "/cgi-bin/material/get_material", map[string]string{"media_id": imgID})))
}

func TestDraftsAndPublishing(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := newSim(t, Options{Clock: clk.Now})
	dev := newDevServer(t, s, nil)
	tok := token(t, s)
	thumb := uploadMedia(t, s, tok, "/cgi-bin/material/add_material", "thumb", "cover.jpg", []byte("jpg"))
	art := map[string]any{"title": "TITLE", "author": "AUTHOR", "digest": "DIGEST", "content": "<p>CONTENT</p>",
		"content_source_url": "http://src", "thumb_media_id": thumb, "need_open_comment": 0, "only_fans_can_comment": 0}
	assert.Equal(t, 44003, errcode(api(t, s, tok, "POST", "/cgi-bin/draft/add", map[string]any{"articles": []any{}})))
	bad := map[string]any{"title": "T", "content": "C", "thumb_media_id": "nope"}
	assert.Equal(t, 40007, errcode(api(t, s, tok, "POST", "/cgi-bin/draft/add", map[string]any{"articles": []any{bad}})))

	added := api(t, s, tok, "POST", "/cgi-bin/draft/add", map[string]any{"articles": []any{art}})
	require.Equal(t, 0, errcode(added), added)
	id := added["media_id"].(string)
	got := api(t, s, tok, "POST", "/cgi-bin/draft/get", map[string]string{"media_id": id})
	item := got["news_item"].([]any)[0].(map[string]any)
	assert.Equal(t, "TITLE", item["title"])
	assert.Equal(t, "<p>CONTENT</p>", item["content"])
	assert.NotEmpty(t, item["url"])
	assert.NotEmpty(t, item["thumb_url"])

	art["title"] = "NEW TITLE"
	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/cgi-bin/draft/update", map[string]any{"media_id": id, "index": 0, "articles": art})))
	assert.Equal(t, 40097, errcode(api(t, s, tok, "POST", "/cgi-bin/draft/update", map[string]any{"media_id": id, "index": 1, "articles": art})))
	assert.EqualValues(t, 1, api(t, s, tok, "GET", "/cgi-bin/draft/count", nil)["total_count"])
	list := api(t, s, tok, "POST", "/cgi-bin/draft/batchget", map[string]any{"offset": 0, "count": 20, "no_content": 1})
	assert.EqualValues(t, 1, list["item_count"])
	li := list["item"].([]any)[0].(map[string]any)["content"].(map[string]any)["news_item"].([]any)[0].(map[string]any)
	assert.Equal(t, "NEW TITLE", li["title"])
	_, hasContent := li["content"]
	assert.False(t, hasContent)

	// Publishing.
	assert.Equal(t, 40007, errcode(api(t, s, tok, "POST", "/cgi-bin/freepublish/submit", map[string]string{"media_id": "nope"})))
	sub := api(t, s, tok, "POST", "/cgi-bin/freepublish/submit", map[string]string{"media_id": id})
	require.Equal(t, 0, errcode(sub))
	pid := sub["publish_id"].(string)
	st := api(t, s, tok, "POST", "/cgi-bin/freepublish/get", map[string]string{"publish_id": pid})
	assert.EqualValues(t, 0, st["publish_status"])
	aid := st["article_id"].(string)
	assert.EqualValues(t, 1, st["article_detail"].(map[string]any)["count"])
	assert.EqualValues(t, 0, api(t, s, tok, "GET", "/cgi-bin/draft/count", nil)["total_count"])

	s.WaitIdle()
	p := dev.waitPush(func(p pushed) bool { return p.Msg["Event"] == "PUBLISHJOBFINISH" })
	assert.Equal(t, pid, p.Msg["publish_id"])
	assert.Equal(t, "0", p.Msg["publish_status"])
	assert.Equal(t, aid, p.Msg["article_id"])
	assert.Equal(t, "1", p.Msg["count"])

	ga := api(t, s, tok, "POST", "/cgi-bin/freepublish/getarticle", map[string]string{"article_id": aid})
	assert.Equal(t, false, ga["news_item"].([]any)[0].(map[string]any)["is_deleted"])
	bl := api(t, s, tok, "POST", "/cgi-bin/freepublish/batchget", map[string]any{"offset": 0, "count": 10})
	assert.EqualValues(t, 1, bl["total_count"])

	// The published article can be sent as a customer-service message.
	u := s.NewUser("Reader")
	_, _ = u.Follow(ctx(t))
	assert.Equal(t, 0, errcode(api(t, s, tok, "POST", "/cgi-bin/message/custom/send", map[string]any{"touser": u.OpenID(), "msgtype": "mpnewsarticle", "mpnewsarticle": map[string]string{"article_id": aid}})))

	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/cgi-bin/freepublish/delete", map[string]any{"article_id": aid, "index": 0})))
	assert.EqualValues(t, 0, api(t, s, tok, "POST", "/cgi-bin/freepublish/batchget", map[string]any{"offset": 0, "count": 10})["total_count"])
	assert.Equal(t, 53600, errcode(api(t, s, tok, "POST", "/cgi-bin/freepublish/getarticle", map[string]string{"article_id": "nope"})))
	assert.Equal(t, 53600, errcode(api(t, s, tok, "POST", "/cgi-bin/freepublish/get", map[string]string{"publish_id": "1"})))

	// Drafts can be deleted.
	again := api(t, s, tok, "POST", "/cgi-bin/draft/add", map[string]any{"articles": []any{art}})
	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/cgi-bin/draft/delete", map[string]string{"media_id": again["media_id"].(string)})))
	assert.Equal(t, 40007, errcode(api(t, s, tok, "POST", "/cgi-bin/draft/get", map[string]string{"media_id": again["media_id"].(string)})))
	_ = time.Second
}
