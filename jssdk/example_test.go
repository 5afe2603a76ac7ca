package jssdk_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/jssdk"
)

// The signature of the official worked example (附录1).
func ExampleSign() {
	fmt.Println(jssdk.Sign(
		"sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
		"Wm3WZYTPz0wzccnW", 1414587457, "http://mp.weixin.qq.com?params=value"))
	// Output: 0f9de62fce790f9a083d5c99e95740ceb90c27ed
}

// A handler that hands the page its wx.config object.
func ExampleService_Config() {
	// A stand-in for the WeChat API.
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/cgi-bin/stable_token":
			fmt.Fprint(w, `{"access_token":"ACCESS_TOKEN","expires_in":7200}`)
		case "/cgi-bin/ticket/getticket":
			fmt.Fprint(w, `{"errcode":0,"errmsg":"ok","ticket":"sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg","expires_in":7200}`)
		}
	}))
	defer fake.Close()

	// A fixed clock, for a deterministic timestamp; the client and the
	// service share it.
	clock := func() time.Time { return time.Unix(1414587457, 0) }
	client, err := mp.New(mp.Config{AppID: "wx1234567890abcdef", AppSecret: "APPSECRET"},
		mp.WithHost(fake.URL), mp.WithClock(clock))
	if err != nil {
		panic(err)
	}
	js := jssdk.New(client, jssdk.WithClock(clock))

	cfg, err := js.Config(context.Background(), "http://mp.weixin.qq.com?params=value#top", "scanQRCode")
	if err != nil {
		fmt.Println(err)
		return
	}
	// The nonce is random; the signature covers it.
	ok := cfg.Signature == jssdk.Sign("sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
		cfg.NonceStr, cfg.Timestamp, "http://mp.weixin.qq.com?params=value")
	fmt.Println(cfg.AppID, cfg.Timestamp, cfg.JSAPIList, ok)
	// Output: wx1234567890abcdef 1414587457 [scanQRCode] true
}
