package mp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/wxkit/mp"
)

// A client for one Official Account. Every family package (user, menu,
// message, ...) is built on it: users := user.New(client).
func ExampleNew() {
	client, err := mp.New(mp.Config{AppID: "wx1234567890abcdef", AppSecret: "your-app-secret"},
		mp.WithBaseURL("https://api2.weixin.qq.com"), // a regional domain; mp.WithHost(sim.URL) for the simulator
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(client) // secrets are never printed
	// Output: mp.Client{AppID: "wx1234567890abcdef", BaseURL: "https://api2.weixin.qq.com"}
}

// WeChat's errcode/errmsg become one *mp.APIError, whatever the endpoint.
func ExampleAPIError() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"errcode":45015,"errmsg":"response out of time limit or subscription is canceled rid: 6543210f-12345678"}`)
	}))
	defer srv.Close()
	client, _ := mp.New(mp.Config{AppID: "wx1234567890abcdef"}, mp.WithBaseURL(srv.URL), mp.WithTokenSource(staticSource("TOKEN")))

	err := client.Do(context.Background(), &mp.Request{Path: "/cgi-bin/message/custom/send", Body: map[string]string{"touser": "o1"}}, nil)
	var apiErr *mp.APIError
	if errors.As(err, &apiErr) && apiErr.Code == mp.CodeReplyTimeLimit {
		fmt.Println("outside the 48-hour window; rid", apiErr.RID)
	}
	fmt.Println(mp.IsCode(err, mp.CodeReplyTimeLimit, mp.CodeUserBlocked))
	// Output:
	// outside the 48-hour window; rid 6543210f-12345678
	// true
}

// Do is the one request helper every family uses: access_token in the query,
// JSON without HTML escaping, errcode checked, the answer decoded.
func ExampleClient_Do() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println(r.Method, r.URL.Path, r.URL.Query().Get("access_token") != "")
		body, _ := io.ReadAll(r.Body)
		fmt.Println(string(body))
		io.WriteString(w, `{"tag":{"id":134,"name":"广东"}}`)
	}))
	defer srv.Close()
	client, _ := mp.New(mp.Config{AppID: "wx1234567890abcdef"}, mp.WithBaseURL(srv.URL), mp.WithTokenSource(staticSource("TOKEN")))

	var out struct {
		Tag struct {
			ID   int    `json:"id"`
			Name string `json:"name"`
		} `json:"tag"`
	}
	body := map[string]any{"tag": map[string]string{"name": "广东 & <深圳>"}}
	if err := client.Do(context.Background(), &mp.Request{Path: "/cgi-bin/tags/create", Body: body}, &out); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out.Tag.ID, out.Tag.Name)
	// Output:
	// POST /cgi-bin/tags/create true
	// {"tag":{"name":"广东 & <深圳>"}}
	// 134 广东
}
