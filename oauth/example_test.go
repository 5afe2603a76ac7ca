package oauth_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/oauth"
)

// The authorization link of the official documentation's snsapi_userinfo
// example.
func ExampleService_AuthCodeURL() {
	client, err := mp.New(mp.Config{AppID: "wx807d86fb6b3d4fd2", AppSecret: "APPSECRET"})
	if err != nil {
		panic(err)
	}
	link, err := oauth.New(client).AuthCodeURL("http://developers.weixin.qq.com", oauth.ScopeUserInfo, "STATE")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(link)
	// Output: https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx807d86fb6b3d4fd2&redirect_uri=http%3A%2F%2Fdevelopers.weixin.qq.com&response_type=code&scope=snsapi_userinfo&state=STATE#wechat_redirect
}

// A site whose pages need a WeChat login, run against a stand-in for
// WeChat that consents at once.
func ExampleMiddleware() {
	wechat := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/connect/oauth2/authorize": // the user consents
			q := r.URL.Query()
			http.Redirect(w, r, q.Get("redirect_uri")+"?code=CODE&state="+q.Get("state"), http.StatusFound)
		case "/sns/oauth2/access_token":
			fmt.Fprint(w, `{"access_token":"USER_TOKEN","expires_in":7200,"refresh_token":"REFRESH","openid":"oAbc123","scope":"snsapi_userinfo"}`)
		case "/sns/userinfo":
			fmt.Fprint(w, `{"openid":"oAbc123","nickname":"小明","sex":0,"province":"","city":"","country":"","headimgurl":"","privilege":[]}`)
		}
	}))
	defer wechat.Close()
	client, err := mp.New(mp.Config{AppID: "wx1234567890abcdef", AppSecret: "APPSECRET"}, mp.WithHost(wechat.URL))
	if err != nil {
		panic(err)
	}

	mux := http.NewServeMux()
	site := httptest.NewServer(mux)
	defer site.Close()
	mw, err := oauth.New(client).NewMiddleware(oauth.MiddlewareConfig{
		RedirectURL: site.URL + "/auth/wechat/callback",
		Scope:       oauth.ScopeUserInfo,
		Key:         []byte("an example key of 32 bytes, use crypto/rand"),
	})
	if err != nil {
		panic(err)
	}
	mux.Handle("/", mw.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := oauth.UserFromContext(r.Context())
		fmt.Fprintf(w, "Hello %s (%s) at %s", u.Profile.Nickname, u.OpenID, r.URL.Path)
	})))

	// A browser: it follows redirects and keeps cookies.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	resp, err := browser.Get(site.URL + "/orders")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(string(body))
	// Output: Hello 小明 (oAbc123) at /orders
}
