package user_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/sim"
	"github.com/wxkit/mp/user"
)

// fakeWeChat stands in for api.weixin.qq.com in the examples: it hands out
// an access_token and answers the follower list in two pages.
func fakeWeChat() *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /cgi-bin/stable_token", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"access_token":"TOKEN","expires_in":7200}`)
	})
	mux.HandleFunc("GET /cgi-bin/user/get", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("next_openid") {
		case "":
			_, _ = io.WriteString(w, `{"total":3,"count":2,"data":{"openid":["OPENID1","OPENID2"]},"next_openid":"OPENID2"}`)
		case "OPENID2":
			_, _ = io.WriteString(w, `{"total":3,"count":1,"data":{"openid":["OPENID3"]},"next_openid":"OPENID3"}`)
		default:
			_, _ = io.WriteString(w, `{"total":3,"count":0,"next_openid":""}`)
		}
	})
	mux.HandleFunc("POST /cgi-bin/tags/create", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"errcode":45157,"errmsg":"invalid tag name rid: 65432-abcdef"}`)
	})
	return httptest.NewServer(mux)
}

func ExampleService_AllFollowers() {
	srv := fakeWeChat() // in production: leave out mp.WithHost
	defer srv.Close()
	client, err := mp.New(mp.Config{AppID: "wx1234567890abcdef", AppSecret: "APPSECRET"}, mp.WithHost(srv.URL))
	if err != nil {
		panic(err)
	}
	users := user.New(client)

	ctx := context.Background()
	for openid, err := range users.AllFollowers(ctx) {
		if err != nil {
			fmt.Println("error:", err)
			break
		}
		fmt.Println(openid)
	}
	// Output:
	// OPENID1
	// OPENID2
	// OPENID3
}

func ExampleService_CreateTag() {
	srv := fakeWeChat()
	defer srv.Close()
	client, _ := mp.New(mp.Config{AppID: "wx1234567890abcdef", AppSecret: "APPSECRET"}, mp.WithHost(srv.URL))
	users := user.New(client)

	_, err := users.CreateTag(context.Background(), "广东")
	var apiErr *mp.APIError
	if errors.As(err, &apiErr) && apiErr.Code == 45157 {
		fmt.Println("a tag with that name exists:", apiErr.Message)
	}

	// Limits are checked before anything is sent.
	_, err = users.CreateTag(context.Background(), "")
	fmt.Println(err)
	// Output:
	// a tag with that name exists: invalid tag name
	// mp: user.CreateTag: tag.name: is required
}

func ExampleRefs() {
	refs := user.Refs(user.LangZhCN, "OPENID1", "OPENID2")
	fmt.Printf("%+v\n", refs)
	// Output:
	// [{OpenID:OPENID1 Lang:zh_CN} {OpenID:OPENID2 Lang:zh_CN}]
}

// ExampleService_ChangeOpenID converts the openids of an account migrated
// into this one; an openid WeChat cannot convert is reported on its own.
func ExampleService_ChangeOpenID() {
	s, err := sim.Start(sim.Options{}) // in production: no simulator, no WithHost
	if err != nil {
		panic(err)
	}
	defer s.Close()
	s.SetMigratedFrom("wx0ld0000000000001")
	acct := s.Account()
	client, err := mp.New(mp.Config{AppID: acct.AppID, AppSecret: acct.AppSecret}, mp.WithHost(s.URL))
	if err != nil {
		panic(err)
	}

	results, err := user.New(client).ChangeOpenID(context.Background(), "wx0ld0000000000001",
		[]string{"oEmYbwN-n24jxvk4Sox81qedINkQ", "bad"})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	for _, r := range results {
		if err := r.Err(); err != nil {
			fmt.Println(r.OriOpenID, "not converted:", r.ErrMsg)
			continue
		}
		fmt.Println(r.OriOpenID, "->", len(r.NewOpenID), "characters")
	}
	// Output:
	// oEmYbwN-n24jxvk4Sox81qedINkQ -> 28 characters
	// bad not converted: ori_openid error
}
