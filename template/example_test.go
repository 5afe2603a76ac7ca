package template_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/template"
)

// staticToken hands out a fixed access_token (tokens managed elsewhere).
type staticToken string

func (s staticToken) Token(context.Context) (string, error)  { return string(s), nil }
func (staticToken) Invalidate(context.Context, string) error { return nil }

// fakeWeChat stands in for api.weixin.qq.com: it prints each request and
// answers with reply.
func fakeWeChat(reply string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fmt.Printf("%s %s %s%s\n", r.Method, r.URL.Path, r.URL.Query().Get("ids"), body)
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
	srv := fakeWeChat(`{"errcode":0,"errmsg":"ok","msgid":200228332}`)
	defer srv.Close()
	svc := template.New(newClient(srv.URL))

	res, err := svc.Send(context.Background(), &template.Message{
		ToUser:      "OPENID",
		TemplateID:  "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY",
		URL:         "https://example.com/orders?id=42&from=wx",
		ClientMsgID: "order-42-shipped", // safe to retry
		Data: template.Data{
			"thing1":  {Value: "巧克力"},
			"amount2": {Value: "39.8元"},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("msgid", res.MsgID)
	// Output:
	// POST /cgi-bin/message/template/send {"touser":"OPENID","template_id":"ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY","url":"https://example.com/orders?id=42&from=wx","client_msg_id":"order-42-shipped","data":{"amount2":{"value":"39.8元"},"thing1":{"value":"巧克力"}}}
	// msgid 200228332
}

func ExampleService_SendSubscribe() {
	srv := fakeWeChat(`{"errcode":0,"errmsg":"ok"}`)
	defer srv.Close()
	svc := template.New(newClient(srv.URL))

	err := svc.SendSubscribe(context.Background(), &template.SubscribeMessage{
		ToUser:      "OPENID",
		TemplateID:  "9Aw5ZV1j9xdWTFEkqCpZ7jWySL7aGN6rQom4gXINfJs",
		MiniProgram: &template.MiniProgram{AppID: "wxappid", PagePath: "pages/order?id=42"},
		Data:        template.SubscribeData{"thing1": "巧克力", "time2": "2019年8月8日 15:01"},
	})
	fmt.Println(err)
	// Output:
	// POST /cgi-bin/message/subscribe/bizsend {"touser":"OPENID","template_id":"9Aw5ZV1j9xdWTFEkqCpZ7jWySL7aGN6rQom4gXINfJs","miniprogram":{"appid":"wxappid","pagepath":"pages/order?id=42"},"data":{"thing1":{"value":"巧克力"},"time2":{"value":"2019年8月8日 15:01"}}}
	// <nil>
}

func ExampleService_AllPubTemplateTitles() {
	srv := fakeWeChat(`{"count":2,"data":[{"tid":99,"title":"付款成功通知","type":2,"categoryId":"616"},{"tid":100,"title":"退款通知","type":2,"categoryId":"616"}],"errcode":0,"errmsg":"ok"}`)
	defer srv.Close()
	svc := template.New(newClient(srv.URL))

	for t, err := range svc.AllPubTemplateTitles(context.Background(), []int{616}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(t.TID, t.Title)
	}
	// Output:
	// GET /wxaapi/newtmpl/getpubtemplatetitles 616
	// 99 付款成功通知
	// 100 退款通知
}

func ExampleParseKeys() {
	content := "商品名称:{{thing1.DATA}}\n支付金额:{{amount2.DATA}}\n支付时间:{{time3.DATA}}"
	fmt.Println(template.ParseKeys(content))
	data, _ := template.NewData("thing1", "巧克力", "amount2", "39.8元")
	fmt.Println(template.CheckData(content, data))
	// Output:
	// [thing1 amount2 time3]
	// mp: template.CheckData: data: missing keywords time3
}

func ExampleSubscribeValueLimit() {
	for _, k := range []string{"thing1", "phrase2", "time3"} {
		n, ok := template.SubscribeValueLimit(k)
		fmt.Println(k, n, ok)
	}
	// Output:
	// thing1 20 true
	// phrase2 5 true
	// time3 0 false
}
