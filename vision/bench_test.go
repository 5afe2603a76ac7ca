package vision_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/vision"
)

// benchPic is a picture just under the 2 MB limit.
var benchPic = bytes.Repeat([]byte{0xff, 0xd8, 0x42, 0x17}, (vision.MaxImageSize-4)/4)

func benchServer(b *testing.B) (*mptest.Server, *vision.Service) {
	srv, c := mptest.New(b)
	srv.Mux.HandleFunc("/cv/ocr/platenum", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = w.Write([]byte(`{"errcode":0,"errmsg":"ok","number":"粤A123456"}`))
	})
	return srv, vision.New(c)
}

// BenchmarkUpload2MB streams a picture of almost 2 MB through the SDK.
func BenchmarkUpload2MB(b *testing.B) {
	_, svc := benchServer(b)
	ctx := context.Background()
	b.SetBytes(int64(len(benchPic)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.PlateNumber(ctx, vision.ImageFromReader("p.jpg", bytes.NewReader(benchPic))); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUpload2MBFloor is the same upload with the standard library
// alone: mime/multipart through an io.Pipe, http.Client.Do, JSON read.
func BenchmarkUpload2MBFloor(b *testing.B) {
	srv, _ := benchServer(b)
	u := srv.URL + mptest.BasePath + "/cv/ocr/platenum?access_token=" + mptest.AccessToken
	client := srv.Client()
	b.SetBytes(int64(len(benchPic)))
	b.ReportAllocs()
	for b.Loop() {
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			part, err := mw.CreateFormFile("img", "p.jpg")
			if err == nil {
				_, err = io.Copy(part, bytes.NewReader(benchPic))
			}
			if err == nil {
				err = mw.Close()
			}
			pw.CloseWithError(err)
		}()
		req, err := http.NewRequest("POST", u, pr)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
