package customer_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/customer"
)

// staticToken hands out a fixed access_token (tokens managed elsewhere).
type staticToken string

func (s staticToken) Token(context.Context) (string, error)  { return string(s), nil }
func (staticToken) Invalidate(context.Context, string) error { return nil }

// fakeWeChat stands in for api.weixin.qq.com: it prints each request body
// and answers with reply.
func fakeWeChat(reply string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fmt.Printf("%s %s %s\n", r.Method, r.URL.Path, body)
		_, _ = io.WriteString(w, reply)
	}))
}

func newClient(base string) *mp.Client {
	c, err := mp.New(mp.Config{AppID: "wx1234567890abcdef"},
		mp.WithBaseURL(base), mp.WithTokenSource(staticToken("ACCESS_TOKEN")))
	if err != nil {
		panic(err)
	}
	return c
}

func ExampleService_Send() {
	srv := fakeWeChat(`{"errcode":0,"errmsg":"ok"}`)
	defer srv.Close()
	svc := customer.New(newClient(srv.URL))

	err := svc.Send(context.Background(), "OPENID",
		customer.Text{Content: `订单已发货 <a href="https://example.com/o?id=1&s=2">查看</a>`},
		customer.WithKFAccount("test1@kftest"))
	fmt.Println(err)
	// Output:
	// POST /cgi-bin/message/custom/send {"touser":"OPENID","msgtype":"text","text":{"content":"订单已发货 <a href=\"https://example.com/o?id=1&s=2\">查看</a>"},"customservice":{"kf_account":"test1@kftest"}}
	// <nil>
}

func ExampleService_Send_menu() {
	srv := fakeWeChat(`{"errcode":0,"errmsg":"ok"}`)
	defer srv.Close()
	svc := customer.New(newClient(srv.URL))

	_ = svc.Send(context.Background(), "OPENID", customer.MsgMenu{
		HeadContent: "您对本次服务是否满意呢?",
		List:        []customer.MenuItem{{ID: "101", Content: "满意"}, {ID: "102", Content: "不满意"}},
		TailContent: "欢迎再次光临",
	})
	// Output:
	// POST /cgi-bin/message/custom/send {"touser":"OPENID","msgtype":"msgmenu","msgmenu":{"head_content":"您对本次服务是否满意呢?","list":[{"id":"101","content":"满意"},{"id":"102","content":"不满意"}],"tail_content":"欢迎再次光临"}}
}

func ExampleIsOutsideWindow() {
	srv := fakeWeChat(`{"errcode":45015,"errmsg":"response out of time limit or subscription is canceled rid: 6543210f-12345678-abcdef01"}`)
	defer srv.Close()
	svc := customer.New(newClient(srv.URL))

	err := svc.SendText(context.Background(), "OPENID", "Are you still there?")
	if customer.IsOutsideWindow(err) {
		fmt.Println("outside the 48-hour window: fall back to a template message")
	}
	// Output:
	// POST /cgi-bin/message/custom/send {"touser":"OPENID","msgtype":"text","text":{"content":"Are you still there?"}}
	// outside the 48-hour window: fall back to a template message
}

func ExampleService_AllMsgRecords() {
	srv := fakeWeChat(`{"recordlist":[{"openid":"oDF3iY9WMaswOPWjCIp_f3Bnpljk","opercode":2002,"text":" 您好，客服test1为您服务。","time":1400563710,"worker":"test1@test"}],"number":1,"msgid":2}`)
	defer srv.Close()
	svc := customer.New(newClient(srv.URL))

	start := time.Unix(1400515200, 0)
	for rec, err := range svc.AllMsgRecords(context.Background(), start, start.Add(24*time.Hour), 100) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(rec.Worker, rec.OperCode, rec.Text)
	}
	// Output:
	// POST /customservice/msgrecord/getmsglist {"starttime":1400515200,"endtime":1400601600,"msgid":1,"number":100}
	// test1@test 2002  您好，客服test1为您服务。
}

func ExampleEncodeMessage() {
	body, _ := customer.EncodeMessage("OPENID", customer.MiniProgramPage{
		Title: "title", AppID: "appid", PagePath: "pages/index/index", ThumbMediaID: "thumb_media_id",
	})
	fmt.Println(string(body))
	// Output:
	// {"touser":"OPENID","msgtype":"miniprogrampage","miniprogrampage":{"title":"title","appid":"appid","pagepath":"pages/index/index","thumb_media_id":"thumb_media_id"}}
}

func ExampleParseAccount() {
	prefix, wechatID, err := customer.ParseAccount("test1@kftest")
	fmt.Println(prefix, wechatID, err)
	_, _, err = customer.ParseAccount("too-long-prefix@kftest")
	fmt.Println(err)
	// Output:
	// test1 kftest <nil>
	// customer: invalid kf_account: prefix longer than 10 characters
}
