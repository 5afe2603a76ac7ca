package media

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
)

func TestUpload(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ      MediaType
		name     string
		wantName string
		wantCT   string
	}{
		{Image, "photo.PNG", "photo.PNG", "image/png"},
		{Image, "dir/sub/a.jpeg", "a.jpeg", "image/jpeg"},
		{Image, `C:\pics\a.gif`, "a.gif", "image/gif"},
		{Voice, "hello.amr", "hello.amr", "audio/amr"},
		{Voice, "hello.mp3", "hello.mp3", "audio/mpeg"},
		{Video, "clip.mp4", "clip.mp4", "video/mp4"},
		{Thumb, "t.jpg", "t.jpg", "image/jpeg"},
	}
	for _, tt := range tests {
		t.Run(string(tt.typ)+"/"+tt.name, func(t *testing.T) {
			t.Parallel()
			srv, svc := newTest(t)
			content := []byte("file-bytes-" + tt.name)
			srv.Handle("POST", "/cgi-bin/media/upload", func(w http.ResponseWriter, r *http.Request) {
				mptest.Query(t, r, map[string]string{"type": string(tt.typ)})
				assert.Equal(t, mptest.AccessToken, r.URL.Query().Get("access_token"))
				u := readUpload(t, r)
				assert.Equal(t, "media", u.Field)
				assert.Equal(t, tt.wantName, u.FileName)
				assert.Equal(t, tt.wantCT, u.ContentType)
				assert.Equal(t, content, u.Data)
				assert.Empty(t, u.Fields)
				answer(t, w, "media_upload.json")
			})
			got, err := svc.Upload(context.Background(), tt.typ, File{Name: tt.name, Reader: bytes.NewReader(content)})
			require.NoError(t, err)
			assert.Equal(t, &TempMedia{Type: Image, MediaID: "MEDIA_ID", CreatedAt: 1672500000}, got)
			assert.Equal(t, time.Unix(1672500000, 0), got.CreatedAt.Time())
		})
	}
}

func TestUploadThumbAnswersThumbMediaID(t *testing.T) {
	t.Parallel()
	srv, svc := newTest(t)
	srv.Reply("POST", "/cgi-bin/media/upload", "media_upload_thumb.json", nil)
	got, err := svc.Upload(context.Background(), Thumb, File{Name: "t.jpg", Reader: strings.NewReader("jpg")})
	require.NoError(t, err)
	assert.Equal(t, "THUMB_MEDIA_ID", got.MediaID)
	assert.Equal(t, "THUMB_MEDIA_ID", got.ThumbMediaID)
	assert.Equal(t, Thumb, got.Type)
}

func TestUploadSizeSources(t *testing.T) {
	t.Parallel()
	// Len() only (bytes.Buffer), declared Size on a plain reader, unknown
	// size (chunked): the body arrives whole each time.
	data := bytes.Repeat([]byte("x"), 3000)
	tests := map[string]File{
		"len":      {Name: "a.jpg", Reader: bytes.NewBuffer(data)},
		"declared": {Name: "a.jpg", Reader: io.MultiReader(bytes.NewReader(data)), Size: int64(len(data))},
		"unknown":  {Name: "a.jpg", Reader: io.MultiReader(bytes.NewReader(data))},
		"seek":     {Name: "a.jpg", Reader: io.NewSectionReader(bytes.NewReader(data), 0, int64(len(data)))},
	}
	for name, f := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, svc := newTest(t)
			srv.Handle("POST", "/cgi-bin/media/upload", func(w http.ResponseWriter, r *http.Request) {
				if name == "unknown" {
					assert.Equal(t, int64(-1), r.ContentLength, "chunked")
				} else {
					assert.Greater(t, r.ContentLength, int64(len(data)))
				}
				assert.Equal(t, data, readUpload(t, r).Data)
				answer(t, w, "media_upload.json")
			})
			_, err := svc.Upload(context.Background(), Image, f)
			require.NoError(t, err)
		})
	}
}

func TestUploadValidation(t *testing.T) {
	t.Parallel()
	big := func(n int64) io.Reader { return io.NewSectionReader(zeros{}, 0, n) }
	tests := []struct {
		name  string
		typ   MediaType
		file  File
		field string
		kind  error
	}{
		{"bad type", "file", File{Name: "a.jpg", Reader: strings.NewReader("x")}, "type", nil},
		{"news is not uploadable", News, File{Name: "a.jpg", Reader: strings.NewReader("x")}, "type", nil},
		{"nil reader", Image, File{Name: "a.jpg"}, "media", nil},
		{"no name", Image, File{Reader: strings.NewReader("x")}, "media", nil},
		{"blank name", Image, File{Name: "  ", Reader: strings.NewReader("x")}, "media", nil},
		{"negative size", Image, File{Name: "a.jpg", Reader: strings.NewReader("x"), Size: -1}, "media", nil},
		{"image bmp is permanent only", Image, File{Name: "a.bmp", Reader: strings.NewReader("x")}, "media", ErrUnsupportedFormat},
		{"image no extension", Image, File{Name: "photo", Reader: strings.NewReader("x")}, "media", ErrUnsupportedFormat},
		{"voice wav", Voice, File{Name: "a.wav", Reader: strings.NewReader("x")}, "media", ErrUnsupportedFormat},
		{"video mov", Video, File{Name: "a.mov", Reader: strings.NewReader("x")}, "media", ErrUnsupportedFormat},
		{"thumb png", Thumb, File{Name: "a.png", Reader: strings.NewReader("x")}, "media", ErrUnsupportedFormat},
		{"empty", Image, File{Name: "a.jpg", Reader: strings.NewReader("")}, "media", ErrEmptyFile},
		{"image over 10 MB", Image, File{Name: "a.jpg", Reader: big(MaxImageSize + 1)}, "media", ErrTooLarge},
		{"voice over 2 MB", Voice, File{Name: "a.mp3", Reader: big(MaxVoiceSize + 1)}, "media", ErrTooLarge},
		{"video over 10 MB", Video, File{Name: "a.mp4", Reader: big(MaxVideoSize + 1)}, "media", ErrTooLarge},
		{"thumb over 64 KB", Thumb, File{Name: "a.jpg", Reader: big(MaxThumbSize + 1)}, "media", ErrTooLarge},
		{"declared size over", Voice, File{Name: "a.mp3", Reader: strings.NewReader("x"), Size: MaxVoiceSize + 1}, "media", ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, svc := newTest(t)
			refuseAll(t, srv)
			_, err := svc.Upload(context.Background(), tt.typ, tt.file)
			ve := assertValidation(t, err, tt.field)
			assert.Equal(t, "media.Upload", ve.Op)
			if tt.kind != nil {
				assert.ErrorIs(t, err, tt.kind)
			}
		})
	}
}

func TestUploadAtLimit(t *testing.T) {
	t.Parallel()
	// Exactly the limit passes, whether the size is known or counted.
	for name, r := range map[string]func() io.Reader{
		"known":   func() io.Reader { return io.NewSectionReader(zeros{}, 0, MaxThumbSize) },
		"counted": func() io.Reader { return &genReader{left: MaxThumbSize} },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, svc := newTest(t)
			srv.Handle("POST", "/cgi-bin/media/upload", func(w http.ResponseWriter, r *http.Request) {
				assert.Len(t, readUpload(t, r).Data, MaxThumbSize)
				answer(t, w, "media_upload_thumb.json")
			})
			_, err := svc.Upload(context.Background(), Thumb, File{Name: "t.jpg", Reader: r()})
			require.NoError(t, err)
		})
	}
}

// A reader of unknown size that passes the limit stops the upload before the
// excess is sent, with ErrTooLarge.
func TestUploadStopsAtLimitWhenSizeUnknown(t *testing.T) {
	t.Parallel()
	srv, svc := newTest(t)
	var received atomic.Int64
	done := make(chan struct{})
	srv.Handle("POST", "/cgi-bin/media/upload", func(w http.ResponseWriter, r *http.Request) {
		defer close(done)
		n, _ := io.Copy(io.Discard, r.Body)
		received.Store(n)
		answer(t, w, "media_upload.json")
	})
	_, err := svc.Upload(context.Background(), Video, File{Name: "v.mp4", Reader: &genReader{left: 3 * MaxVideoSize}})
	require.ErrorIs(t, err, ErrTooLarge)
	assertValidation(t, err, "media")
	assert.Contains(t, err.Error(), "10 MB")
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("handler did not finish")
	}
	// The body carries the multipart framing (a few hundred bytes) and at
	// most the limit of file bytes.
	assert.LessOrEqual(t, received.Load(), int64(MaxVideoSize+1024))
}

func TestUploadRetry(t *testing.T) {
	t.Parallel()
	// A seekable file is sent again after -1 system busy; a plain reader is not.
	for _, seekable := range []bool{true, false} {
		t.Run(map[bool]string{true: "seekable", false: "plain"}[seekable], func(t *testing.T) {
			t.Parallel()
			srv, svc := newTest(t)
			var calls atomic.Int32
			srv.Handle("POST", "/cgi-bin/media/upload", func(w http.ResponseWriter, r *http.Request) {
				assert.Equal(t, []byte("payload"), readUpload(t, r).Data)
				if calls.Add(1) == 1 {
					mptest.ErrorJSON(w, -1, "system error")
					return
				}
				answer(t, w, "media_upload.json")
			})
			var r io.Reader = strings.NewReader("payload")
			if !seekable {
				r = io.MultiReader(r)
			}
			_, err := svc.Upload(context.Background(), Image, File{Name: "a.jpg", Reader: r})
			if seekable {
				require.NoError(t, err)
				assert.Equal(t, int32(2), calls.Load())
			} else {
				assert.True(t, mp.IsCode(err, mp.CodeSystemBusy), "got %v", err)
				assert.Equal(t, int32(1), calls.Load())
			}
		})
	}
}

func TestGet(t *testing.T) {
	t.Parallel()
	srv, svc := newTest(t)
	jpeg := bytes.Repeat([]byte{0xff, 0xd8, 0x01}, 5000)
	srv.Handle("GET", "/cgi-bin/media/get", func(w http.ResponseWriter, r *http.Request) {
		mptest.Query(t, r, map[string]string{"media_id": "MEDIA_ID"})
		assert.Equal(t, mptest.AccessToken, r.URL.Query().Get("access_token"))
		w.Header().Set("Content-Type", "image/jpeg")
		w.Header().Set("Content-Disposition", `attachment; filename="MEDIA_ID.jpg"`)
		_, _ = w.Write(jpeg)
	})
	var buf bytes.Buffer
	d, err := svc.Get(context.Background(), "MEDIA_ID", &buf)
	require.NoError(t, err)
	assert.Equal(t, &Download{FileInfo: FileInfo{ContentType: "image/jpeg", FileName: "MEDIA_ID.jpg", Written: int64(len(jpeg))}}, d)
	assert.Equal(t, jpeg, buf.Bytes())
}

func TestGetVideoAnswersURL(t *testing.T) {
	t.Parallel()
	srv, svc := newTest(t)
	srv.Reply("GET", "/cgi-bin/media/get", "media_get_video.json", func(t testing.TB, r *http.Request, _ []byte) {
		mptest.Query(t, r, map[string]string{"media_id": "VIDEO_ID"})
	})
	var buf bytes.Buffer
	d, err := svc.Get(context.Background(), "VIDEO_ID", &buf)
	require.NoError(t, err)
	assert.Equal(t, &Download{VideoURL: "DOWN_URL"}, d)
	assert.Zero(t, buf.Len())
}

func TestGetUnexpectedJSON(t *testing.T) {
	t.Parallel()
	srv, svc := newTest(t)
	srv.Reply("GET", "/cgi-bin/media/get", "draft_count.json", nil)
	_, err := svc.Get(context.Background(), "X", io.Discard)
	var de *mp.DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "/cgi-bin/media/get", de.Path)
}

func TestGetHDVoice(t *testing.T) {
	t.Parallel()
	srv, svc := newTest(t)
	speex := []byte("Speex   \x01\x00\x00\x00 fake speex frames")
	srv.Handle("GET", "/cgi-bin/media/get/jssdk", func(w http.ResponseWriter, r *http.Request) {
		mptest.Query(t, r, map[string]string{"media_id": "SERVER_ID"})
		assert.Equal(t, mptest.AccessToken, r.URL.Query().Get("access_token"))
		w.Header().Set("Content-Type", "voice/speex")
		_, _ = w.Write(speex)
	})
	var buf bytes.Buffer
	fi, err := svc.GetHDVoice(context.Background(), "SERVER_ID", &buf)
	require.NoError(t, err)
	assert.Equal(t, &FileInfo{ContentType: "voice/speex", Written: int64(len(speex))}, fi)
	assert.Equal(t, speex, buf.Bytes())
}

func TestGetHDVoiceUnexpectedJSON(t *testing.T) {
	t.Parallel()
	srv, svc := newTest(t)
	srv.Reply("GET", "/cgi-bin/media/get/jssdk", "ok.json", nil)
	_, err := svc.GetHDVoice(context.Background(), "SERVER_ID", io.Discard)
	var de *mp.DecodeError
	require.ErrorAs(t, err, &de)
}

func TestDownloadValidation(t *testing.T) {
	t.Parallel()
	srv, svc := newTest(t)
	refuseAll(t, srv)
	ctx := context.Background()
	_, err := svc.Get(ctx, "", io.Discard)
	assertValidation(t, err, "media_id")
	_, err = svc.Get(ctx, "M", nil)
	assertValidation(t, err, "w")
	_, err = svc.GetHDVoice(ctx, "", io.Discard)
	assertValidation(t, err, "media_id")
	_, err = svc.GetHDVoice(ctx, "M", nil)
	assertValidation(t, err, "w")
}

func TestNilService(t *testing.T) {
	t.Parallel()
	var s *Service
	ctx := context.Background()
	_, err := s.CountDrafts(ctx)
	assert.ErrorIs(t, err, errNoClient)
	_, err = New(nil).Upload(ctx, Image, File{Name: "a.jpg", Reader: strings.NewReader("x")})
	assert.ErrorIs(t, err, errNoClient)
	_, err = New(nil).Get(ctx, "M", io.Discard)
	assert.ErrorIs(t, err, errNoClient)
	_, err = New(nil).GetMaterial(ctx, "M", nil)
	assert.ErrorIs(t, err, errNoClient)
}
