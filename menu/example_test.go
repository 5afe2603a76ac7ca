package menu_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/menu"
)

// fakeWeChat starts a stand-in for api.weixin.qq.com that answers the menu
// endpoints with the official sample answers, and a client pointed at it.
func fakeWeChat() (*httptest.Server, *mp.Client) {
	answers := map[string]string{
		"/cgi-bin/menu/create":               "ok.json",
		"/cgi-bin/menu/get":                  "menu_get_conditional.json",
		"/cgi-bin/menu/addconditional":       "addconditional.json",
		"/cgi-bin/get_current_selfmenu_info": "selfmenu_website.json",
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		b, err := os.ReadFile("testdata/" + answers[r.URL.Path])
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	}))
	c, err := mp.New(mp.Config{AppID: "wx1234567890abcdef"},
		mp.WithHost(srv.URL), mp.WithTokenSource(mptest.StaticToken("ACCESS_TOKEN")))
	if err != nil {
		panic(err)
	}
	return srv, c
}

func Example() {
	srv, client := fakeWeChat()
	defer srv.Close()
	ctx := context.Background()

	svc := menu.New(client)
	err := svc.Create(ctx,
		menu.Click("今日歌曲", "V1001_TODAY_MUSIC"),
		menu.Parent("菜单",
			menu.View("搜索", "http://www.soso.com/"),
			menu.MiniProgram("wxa", "http://mp.weixin.qq.com", "wx286b93c14bbf93aa", "pages/lunar/index"),
			menu.Click("赞一下我们", "V1001_GOOD"),
		),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	menus, err := svc.Get(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, b := range menus.Menu.Buttons {
		fmt.Println(b)
	}
	for _, c := range menus.Conditional {
		fmt.Printf("conditional menu %s for platform %s:\n", c.MenuID, c.MatchRule.ClientPlatformType)
		for _, b := range c.Buttons {
			fmt.Println(" ", b)
			for _, sub := range b.SubButtons {
				fmt.Println("   ", sub)
			}
		}
	}
	// Output:
	// 今日歌曲 [click key=V1001_TODAY_MUSIC]
	// conditional menu 208396993 for platform 2:
	//   今日歌曲 [click key=V1001_TODAY_MUSIC]
	//   菜单 (3 sub-buttons)
	//     搜索 [view url=http://www.soso.com/]
	//     视频 [view url=http://v.qq.com/]
	//     赞一下我们 [click key=V1001_GOOD]
}

func ExampleValidate() {
	err := menu.Validate([]menu.Button{
		menu.Click("今日歌曲", "V1001_TODAY_MUSIC"),
		menu.Parent("菜单",
			menu.View("搜索", "http://www.soso.com/"),
			menu.MiniProgram("wxa", "http://mp.weixin.qq.com", "", "pages/lunar/index"),
		),
	})
	fmt.Println(err)
	// Output:
	// mp: menu.Validate: button[1].sub_button[1].appid: appid is required for type miniprogram
}

func ExampleParent() {
	m := []menu.Button{
		menu.Parent("菜单",
			menu.View("搜索", "http://www.soso.com/"),
			menu.Click("赞一下我们", "V1001_GOOD"),
		),
	}
	b, _ := json.Marshal(m)
	fmt.Println(string(b))
	// Output:
	// [{"name":"菜单","sub_button":[{"type":"view","name":"搜索","url":"http://www.soso.com/"},{"type":"click","name":"赞一下我们","key":"V1001_GOOD"}]}]
}

func ExampleService_AddConditional() {
	srv, client := fakeWeChat()
	defer srv.Close()

	id, err := menu.New(client).AddConditional(context.Background(), &menu.ConditionalMenu{
		Buttons:   []menu.Button{menu.View("会员中心", "https://example.com/vip")},
		MatchRule: menu.MatchRule{TagID: "100"},
	})
	fmt.Println(id, err)
	// Output:
	// 208379533 <nil>
}

func ExampleService_CurrentSelfMenu() {
	srv, client := fakeWeChat()
	defer srv.Close()

	info, err := menu.New(client).CurrentSelfMenu(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("open:", info.IsOpen())
	for _, b := range info.SelfMenu.Buttons {
		fmt.Printf("%s (%s) %d sub-buttons\n", b.Name, b.Type, len(b.Subs()))
	}
	// Output:
	// open: true
	// button () 4 sub-buttons
	// text (text) 0 sub-buttons
	// photo (img) 0 sub-buttons
}
