package pay_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/wxkit/mp/pay"
)

// mediaServer is a fake upload endpoint: it parses the multipart body while
// streaming it, checks the signature over the meta part and the file's
// SHA-256, and answers a signed {"media_id"}.
type mediaServer struct {
	srv  *httptest.Server
	mu   sync.Mutex
	seen []mediaUpload
	keep bool // keep file bytes (tests), or discard them (benchmarks)
}

type mediaUpload struct {
	path, meta, fileName, fileType string
	size                           int64
	data                           []byte
}

func newMediaServer(t testing.TB, keep bool) *mediaServer {
	m := &mediaServer{keep: keep}
	m.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fail := func(code int, msg string) {
			body := fmt.Sprintf(`{"code":"PARAM_ERROR","message":%q}`, msg)
			for k, v := range signedHeader(loadFixtures().platKey, testPlatSerial, testNow, []byte(body)) {
				w.Header()[k] = v
			}
			w.WriteHeader(code)
			_, _ = io.WriteString(w, body)
		}
		mr, err := r.MultipartReader()
		if err != nil {
			fail(400, "not multipart")
			return
		}
		part, err := mr.NextPart()
		if err != nil || part.FormName() != "meta" || part.Header.Get("Content-Type") != "application/json" {
			fail(400, "meta first")
			return
		}
		meta, _ := io.ReadAll(part)
		floor := r.Header.Get("Authorization") == "" && !m.keep // unsigned, otherwise the same work
		if err := checkAuthorization(r, meta); err != nil && !floor {
			fail(401, "signature over meta: "+err.Error())
			return
		}
		var md struct{ Filename, Sha256 string }
		_ = json.Unmarshal(meta, &md)
		file, err := mr.NextPart()
		if err != nil || file.FormName() != "file" {
			fail(400, "file second")
			return
		}
		h := sha256.New()
		var dst io.Writer = h
		var buf bytes.Buffer
		if m.keep {
			dst = io.MultiWriter(h, &buf)
		}
		n, _ := io.Copy(dst, file)
		if hex.EncodeToString(h.Sum(nil)) != md.Sha256 {
			fail(400, "sha256 mismatch")
			return
		}
		if m.keep {
			m.mu.Lock()
			m.seen = append(m.seen, mediaUpload{path: r.URL.Path, meta: string(meta), fileName: file.FileName(),
				fileType: file.Header.Get("Content-Type"), size: n, data: buf.Bytes()})
			m.mu.Unlock()
		}
		body := `{"media_id":"6uqyGjGrCf2GtyXP8bxrbuH9-aAoTjH-rKeSl3Lf4_So6kdkQu4w8BYVP3bzLtvR38lxt4PjtCDXsQpzqge_hQEovHzOhsLleGFQVRF-U_0"}`
		for k, v := range signedHeader(loadFixtures().platKey, testPlatSerial, testNow, []byte(body)) {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(m.srv.Close)
	return m
}

func (m *mediaServer) client(t testing.TB) *pay.Client {
	c, err := pay.NewClient(testConfig(), pay.WithBaseURL(m.srv.URL), pay.WithClock(testClock), pay.WithHTTPClient(m.srv.Client()),
		pay.WithPlatformCertificate(loadFixtures().platCert), pay.WithoutCertificateDownload())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fakeJPEG is size bytes that start like a JPEG.
func fakeJPEG(size int) []byte {
	b := bytes.Repeat([]byte{0x5A}, size)
	copy(b, []byte{0xFF, 0xD8, 0xFF, 0xE0})
	return b
}

func TestUploadImage(t *testing.T) {
	t.Parallel()
	m := newMediaServer(t, true)
	c := m.client(t)
	img := fakeJPEG(300 << 10)
	r := bytes.NewReader(img)
	_, _ = r.Seek(0, io.SeekStart)
	resp, err := c.UploadImage(context.Background(), "dir/filea.jpg", r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(resp.MediaID, "6uqyGjGrCf2GtyXP8bxrbuH9") {
		t.Fatalf("%+v", resp)
	}
	sum := sha256.Sum256(img)
	got := m.seen[0]
	if got.path != "/v3/merchant/media/upload" || got.fileName != "filea.jpg" || got.fileType != "image/jpeg" || !bytes.Equal(got.data, img) {
		t.Fatalf("%+v", got.path)
	}
	jsonEq(t, `{"filename":"filea.jpg","sha256":"`+hex.EncodeToString(sum[:])+`"}`, []byte(got.meta))

	// Video and complaint image endpoints.
	if _, err := c.UploadVideo(context.Background(), "clip.MP4", bytes.NewReader(bytes.Repeat([]byte{1}, 1000))); err != nil {
		t.Fatal(err)
	}
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{2}, 100)...)
	if _, err := c.UploadComplaintImage(context.Background(), "proof.png", bytes.NewReader(png)); err != nil {
		t.Fatal(err)
	}
	if m.seen[1].path != "/v3/merchant/media/video_upload" || m.seen[1].fileType != "video/mp4" ||
		m.seen[2].path != "/v3/merchant-service/images/upload" || m.seen[2].fileType != "image/png" {
		t.Fatalf("%+v %+v", m.seen[1].path, m.seen[2].path)
	}
}

func TestUploadMediaValidation(t *testing.T) {
	t.Parallel()
	c := offlineClient(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name, file, field string
		data              []byte
		video             bool
	}{
		{"too big image", "a.jpg", "file", fakeJPEG(pay.MaxImageSize + 1), false},
		{"too big video", "a.mp4", "file", make([]byte, pay.MaxVideoSize+1), true},
		{"empty", "a.jpg", "file", nil, false},
		{"gif", "a.gif", "filename", fakeJPEG(10), false},
		{"not an image", "a.png", "file", []byte("hello world"), false},
		{"video as image", "a.jpg", "filename", fakeJPEG(10), true},
		{"no name", "", "filename", fakeJPEG(10), false},
		{"quote in name", `a".jpg`, "filename", fakeJPEG(10), false},
	} {
		var err error
		if tc.video {
			_, err = c.UploadVideo(ctx, tc.file, bytes.NewReader(tc.data))
		} else {
			_, err = c.UploadImage(ctx, tc.file, bytes.NewReader(tc.data))
		}
		t.Run(tc.name, func(t *testing.T) { requireArgument(t, err, tc.field) })
	}
	_, err := c.UploadImage(ctx, "a.jpg", nil)
	requireArgument(t, err, "file")
}

func TestUploadMediaErrors(t *testing.T) {
	t.Parallel()
	m := newMediaServer(t, true)
	bad := m.client(t)
	// A body whose hash the server disagrees with: the server refuses.
	_, err := bad.UploadImage(context.Background(), "a.jpg", &shifty{data: fakeJPEG(100)})
	requireAPIError(t, err, 400, "PARAM_ERROR")
}

// shifty returns different bytes on the second read pass, as a file changed
// between the hash and the upload would.
type shifty struct {
	data []byte
	off  int64
	pass int
	read bool
}

func (s *shifty) Read(p []byte) (int, error) {
	if s.off >= int64(len(s.data)) {
		return 0, io.EOF
	}
	s.read = true
	n := copy(p, s.data[s.off:])
	if s.pass > 0 {
		for i := range p[:n] {
			if s.off+int64(i) > 10 {
				p[i] ^= 0xFF
			}
		}
	}
	s.off += int64(n)
	return n, nil
}

func (s *shifty) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
		if off == 0 && s.read {
			s.pass++
		}
		s.off = off
	case io.SeekEnd:
		s.off = int64(len(s.data)) + off
	}
	return s.off, nil
}

// BenchmarkUploadImage uploads 1 MB and 5 MB files: allocations stay flat in
// the file size, as the file is streamed (hash pass, then upload pass).
func BenchmarkUploadImage(b *testing.B) {
	for _, size := range []int{1 << 20, 5 << 20} {
		data := fakeJPEG(size)
		m := newMediaServer(b, false)
		c := m.client(b)
		b.Run(fmt.Sprintf("%dMB", size>>20), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(size))
			for b.Loop() {
				if _, err := c.UploadVideo(context.Background(), "a.mp4", bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkUploadFloor is the stdlib floor: the same multipart POST
// streamed with mime/multipart and io.Pipe, unsigned, to the same server
// (which streams and hashes it), hashing the file first like the real upload.
func BenchmarkUploadFloor(b *testing.B) {
	for _, size := range []int{1 << 20, 5 << 20} {
		data := fakeJPEG(size)
		m := newMediaServer(b, false)
		b.Run(fmt.Sprintf("%dMB", size>>20), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(size))
			for b.Loop() {
				sum := sha256.Sum256(data)
				pr, pw := io.Pipe()
				mw := multipart.NewWriter(pw)
				go func() {
					meta, _ := mw.CreateFormField("meta")
					fmt.Fprintf(meta, `{"filename":"a.mp4","sha256":"%x"}`, sum)
					f, _ := mw.CreateFormFile("file", "a.mp4")
					_, _ = io.Copy(f, bytes.NewReader(data))
					_ = pw.CloseWithError(mw.Close())
				}()
				resp, err := m.srv.Client().Post(m.srv.URL+"/v3/merchant/media/video_upload", mw.FormDataContentType(), pr)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
}
