package paysim

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// upload posts a v3 multipart upload signed over meta.
func (f *fixture) upload(t *testing.T, uri, filename string, data []byte, sha string) *response {
	t.Helper()
	if sha == "" {
		sum := sha256.Sum256(data)
		sha = hex.EncodeToString(sum[:])
	}
	meta := fmt.Sprintf(`{"filename":%q,"sha256":%q}`, filename, sha)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mp, _ := mw.CreateFormField("meta")
	_, _ = io.WriteString(mp, meta)
	fp, _ := mw.CreateFormFile("file", filename)
	_, _ = fp.Write(data)
	require.NoError(t, mw.Close())
	req, _ := http.NewRequest("POST", f.srv.URL+uri, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", f.authHeader("POST", uri, []byte(meta), time.Now(), f.key))
	resp, err := f.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return &response{status: resp.StatusCode, header: resp.Header, body: b}
}

func TestUploads(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := f.upload(t, "/v3/merchant/media/upload", "a.png", tinyPNG, "")
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	f.requireSigned(t, r)
	var out struct {
		MediaID string `json:"media_id"`
	}
	r.json(t, &out)
	assert.NotEmpty(t, out.MediaID)

	for name, c := range map[string]struct {
		uri, file string
		data      []byte
		sha       string
	}{
		"sha mismatch":   {"/v3/merchant/media/upload", "a.png", tinyPNG, "00"},
		"gif":            {"/v3/merchant/media/upload", "a.gif", tinyPNG, ""},
		"too big":        {"/v3/merchant/media/upload", "a.jpg", make([]byte, 2<<20+1), ""},
		"image as video": {"/v3/merchant/media/video_upload", "a.png", tinyPNG, ""},
	} {
		r := f.upload(t, c.uri, c.file, c.data, c.sha)
		assert.Equal(t, http.StatusBadRequest, r.status, name)
	}
	r = f.upload(t, "/v3/merchant/media/video_upload", "a.mp4", make([]byte, 5<<20), "")
	assert.Equal(t, http.StatusOK, r.status)

	// The signature covers meta: a forged one is refused.
	req, _ := http.NewRequest("POST", f.srv.URL+"/v3/merchant-service/images/upload", bytes.NewReader(nil))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	req.Header.Set("Authorization", f.authHeader("POST", "/v3/merchant-service/images/upload", []byte("{}"), time.Now(), f.key))
	resp, err := f.srv.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
}

// FuzzUpload sends arbitrary multipart bodies to the upload endpoint: the
// simulator answers an error or a media_id, never panics.
func FuzzUpload(f *testing.F) {
	f.Add("x", "--x\r\nContent-Disposition: form-data; name=\"meta\"\r\n\r\n{\"filename\":\"a.png\",\"sha256\":\"00\"}\r\n--x--\r\n")
	f.Add("b", "")
	fx := newFixture(f)
	h := fx.p.Handler()
	meta := `{"filename":"a.png","sha256":"00"}` // what a matching body's meta part would be
	auth := fx.authHeader("POST", "/v3/merchant/media/upload", []byte(meta), time.Now(), fx.key)
	f.Fuzz(func(t *testing.T, boundary, body string) {
		req := httptest.NewRequest("POST", "/v3/merchant/media/upload", strings.NewReader(body))
		req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
		req.Header.Set("Authorization", auth)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code == 0 {
			t.Fatal("no answer")
		}
	})
}
