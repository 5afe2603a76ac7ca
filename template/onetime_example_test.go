package template_test

import (
	"context"
	"fmt"
	"net/url"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/sim"
	"github.com/wxkit/mp/template"
)

// Example_oneTime runs 一次性订阅消息 end to end on the simulator: the link,
// the user's confirmation, reading redirect_url, the one message.
func Example_oneTime() {
	s, err := sim.Start(sim.Options{}) // in production: no simulator, no WithHost
	if err != nil {
		panic(err)
	}
	defer s.Close()
	acct := s.Account()
	client, err := mp.New(mp.Config{AppID: acct.AppID, AppSecret: acct.AppSecret}, mp.WithHost(s.URL))
	if err != nil {
		panic(err)
	}
	tpl := template.New(client)
	ctx := context.Background()

	// 1. The link to open in WeChat (reserved: your CSRF value).
	link, err := tpl.OneTimeAuthURL(template.OneTimeAuthRequest{Scene: 1000,
		TemplateID: sim.DefaultOneTimeTemplateID, RedirectURL: "https://example.com/subscribed", Reserved: "s3ssion"})
	if err != nil {
		panic(err)
	}
	// 2. The user confirms; WeChat sends the browser to redirect_url.
	back, err := s.SubscribeOnce(s.NewUser("小明"), link, true)
	if err != nil {
		panic(err)
	}
	// 3. Your redirect_url handler reads the answer (ParseOneTimeAuthRequest(r) in a handler).
	u, _ := url.Parse(back)
	auth, err := template.ParseOneTimeAuth(u.Query())
	if err != nil || !auth.Confirmed() || auth.Reserved != "s3ssion" {
		fmt.Println("not allowed:", err)
		return
	}
	// 4. One message.
	msg := &template.OneTimeMessage{ToUser: auth.OpenID, TemplateID: auth.TemplateID, Scene: auth.Scene,
		Title: "到货提醒", Data: template.OneTimeData{Content: template.OneTimeValue{Value: "您关注的商品已到货"}}}
	fmt.Println("first:", tpl.SendOneTime(ctx, msg))
	err = tpl.SendOneTime(ctx, msg)
	fmt.Println("second refused:", mp.IsCode(err, 43101))
	// Output:
	// first: <nil>
	// second refused: true
}
