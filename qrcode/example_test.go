package qrcode_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/qrcode"
)

func ExampleSceneFromEventKey() {
	// EventKey of a subscribe event sent when a new follower scanned the code.
	scene, ok := qrcode.SceneFromEventKey("qrscene_123")
	fmt.Println(scene, ok)
	// EventKey of a SCAN event sent when a follower scanned it.
	scene, ok = qrcode.SceneFromEventKey("123")
	fmt.Println(scene, ok)
	id, _ := strconv.ParseUint(scene, 10, 32)
	fmt.Println(id)
	// A plain subscribe has no scene.
	_, ok = qrcode.SceneFromEventKey("")
	fmt.Println(ok)
	// Output:
	// 123 true
	// 123 true
	// 123
	// false
}

func ExampleService_ImageURL() {
	client, err := mp.New(mp.Config{AppID: "wx1234567890abcdef", AppSecret: "APPSECRET"})
	if err != nil {
		panic(err)
	}
	codes := qrcode.New(client)
	fmt.Println(codes.ImageURL("gQH47joAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xL2taZ2Z3TVRtNzJXV1Brb3ZhYmJJAAIEZ23sUwMEmm3sUw=="))
	// Output:
	// https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=gQH47joAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xL2taZ2Z3TVRtNzJXV1Brb3ZhYmJJAAIEZ23sUwMEmm3sUw%3D%3D
}

func ExampleService_CreateTemporaryStr() {
	// A stand-in for api.weixin.qq.com and mp.weixin.qq.com.
	mux := http.NewServeMux()
	mux.HandleFunc("POST /cgi-bin/stable_token", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"access_token":"TOKEN","expires_in":7200}`)
	})
	mux.HandleFunc("POST /cgi-bin/qrcode/create", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"ticket":"TICKET==","expire_seconds":604800,"url":"http:\/\/weixin.qq.com\/q\/kZgfwMTm72WWPkovabbI"}`)
	})
	mux.HandleFunc("GET /cgi-bin/showqrcode", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/jpg")
		_, _ = w.Write([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10})
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	client, err := mp.New(mp.Config{AppID: "wx1234567890abcdef", AppSecret: "APPSECRET"},
		mp.WithHost(srv.URL)) // in production: leave out WithHost
	if err != nil {
		panic(err)
	}
	codes := qrcode.New(client)
	ctx := context.Background()

	t, err := codes.CreateTemporaryStr(ctx, "invite:42", 7*24*time.Hour)
	if err != nil {
		panic(err)
	}
	fmt.Println(t.ExpireSeconds, t.URL)

	var img bytes.Buffer
	d, err := codes.Download(ctx, t.Ticket, &img)
	if err != nil {
		panic(err)
	}
	fmt.Println(d.ContentType, d.Written)
	// Output:
	// 604800 http://weixin.qq.com/q/kZgfwMTm72WWPkovabbI
	// image/jpg 6
}
