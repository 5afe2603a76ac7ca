package mp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wxkit/mp"
)

const benchAnswer = `{"subscribe":1,"openid":"o6_bmjrPTlm6_2sgVt7hMZOPfL2M","language":"zh_CN","subscribe_time":1382694957,"unionid":"o6_bmasdasdsad6_2sgVt7hMZOPfL","remark":"","groupid":0,"tagid_list":[128,2],"subscribe_scene":"ADD_SCENE_QR_CODE","qr_scene":98765,"qr_scene_str":""}`

type benchUser struct {
	Subscribe     int     `json:"subscribe"`
	OpenID        string  `json:"openid"`
	Language      string  `json:"language"`
	SubscribeTime int64   `json:"subscribe_time"`
	UnionID       string  `json:"unionid"`
	TagIDList     []int64 `json:"tagid_list"`
}

func benchServer(b *testing.B) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, benchAnswer)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkDo is one GET through the shared request helper with a cached
// token: query building, token, send, errcode check, decode.
func BenchmarkDo(b *testing.B) {
	srv := benchServer(b)
	c, err := mp.New(mp.Config{AppID: "wxbench"}, mp.WithBaseURL(srv.URL), mp.WithTokenSource(staticSource("TOKEN")))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		var u benchUser
		if err := c.Do(ctx, &mp.Request{Path: "/cgi-bin/user/info", Query: map[string]string{"openid": "o1", "lang": "zh_CN"}}, &u); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFloorDo is the same call written directly on net/http and
// encoding/json: the floor the helper is measured against. Like the
// client's default, it bounds the wait on the transport
// (ResponseHeaderTimeout), not with http.Client.Timeout.
func BenchmarkFloorDo(b *testing.B) {
	floorDo(b, &http.Client{Transport: &http.Transport{ResponseHeaderTimeout: 30 * time.Second}})
}

// BenchmarkFloorDoClientTimeout is the floor with http.Client.Timeout, the
// client's default before 0.1.0: what that timeout costs.
func BenchmarkFloorDoClientTimeout(b *testing.B) {
	floorDo(b, &http.Client{Timeout: 30 * time.Second})
}

func floorDo(b *testing.B, hc *http.Client) {
	srv := benchServer(b)

	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/cgi-bin/user/info?access_token=TOKEN&lang=zh_CN&openid=o1", nil)
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var u benchUser
		if err := json.Unmarshal(data, &u); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDoObserved is BenchmarkDo with an observer that counts: what
// the hook costs when set (unset, it is one nil check).
func BenchmarkDoObserved(b *testing.B) {
	srv := benchServer(b)
	var n int
	c, err := mp.New(mp.Config{AppID: "wxbench"}, mp.WithBaseURL(srv.URL), mp.WithTokenSource(staticSource("TOKEN")),
		mp.WithObserver(func(context.Context, mp.Attempt) { n++ }))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		var u benchUser
		if err := c.Do(ctx, &mp.Request{Path: "/cgi-bin/user/info", Query: map[string]string{"openid": "o1", "lang": "zh_CN"}}, &u); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDoLargePage reads a 300 KB answer (a follower page of 10000
// OpenIDs) with its Content-Length: into one buffer of that size.
func BenchmarkDoLargePage(b *testing.B) {
	page := largePage()
	srv := httptest.NewServer(pageHandler(page))
	b.Cleanup(srv.Close)
	c, err := mp.New(mp.Config{AppID: "wxbench"}, mp.WithBaseURL(srv.URL), mp.WithTokenSource(staticSource("TOKEN")))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		var raw []byte
		if err := c.Do(ctx, &mp.Request{Path: "/cgi-bin/user/get"}, &raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFloorLargePage is the same read with io.ReadAll.
func BenchmarkFloorLargePage(b *testing.B) {
	page := largePage()
	srv := httptest.NewServer(pageHandler(page))
	b.Cleanup(srv.Close)
	hc := &http.Client{Transport: &http.Transport{}}
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		resp, err := hc.Get(srv.URL + "/cgi-bin/user/get?access_token=TOKEN")
		if err != nil {
			b.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		_ = append([]byte(nil), data...)
	}
}

func pageHandler(page []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(page)))
		_, _ = w.Write(page)
	})
}

func largePage() []byte {
	var sb strings.Builder
	sb.WriteString(`{"total":10000,"count":10000,"data":{"openid":[`)
	for i := range 10000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `"o6_bmjrPTlm6_2sgVt7hMZ%06d"`, i)
	}
	sb.WriteString(`]},"next_openid":"o6_bmjrPTlm6_2sgVt7hMZ009999"}`)
	return []byte(sb.String())
}
