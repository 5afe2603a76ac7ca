package message_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/wxkit/mp/crypto"
	"github.com/wxkit/mp/message"
)

// A plaintext-mode echo server, driven here with httptest.
func ExampleNewServer() {
	r := message.NewRouter()
	r.Handle(message.MsgTypeText, func(_ context.Context, m message.Message) (message.Reply, error) {
		return message.TextReply{Content: "you said: " + m.(*message.Text).Content}, nil
	})
	srv, err := message.NewServer(message.Config{Token: "wxkitsim"}, r,
		message.WithClock(func() time.Time { return time.Unix(1700000000, 0) })) // fixed clock for the example
	if err != nil {
		panic(err)
	}
	// Mount srv on any router: http.Handle("/wechat", srv).

	// What WeChat sends: the signature over Token, timestamp and nonce in
	// the query, the XML in the body.
	ts, nonce := "1700000000", "42"
	req := httptest.NewRequest(http.MethodPost,
		"/wechat?signature="+crypto.Signature("wxkitsim", ts, nonce)+"&timestamp="+ts+"&nonce="+nonce,
		strings.NewReader(`<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[openid]]></FromUserName>`+
			`<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content><MsgId>1</MsgId></xml>`))
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, req)
	fmt.Println(w.Code, w.Body.String())
	// Output:
	// 200 <xml><ToUserName><![CDATA[openid]]></ToUserName><FromUserName><![CDATA[gh_1]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[you said: hi]]></Content></xml>
}

func ExampleParse() {
	m, err := message.Parse([]byte(`<xml>
<ToUserName><![CDATA[toUser]]></ToUserName>
<FromUserName><![CDATA[FromUser]]></FromUserName>
<CreateTime>123456789</CreateTime>
<MsgType><![CDATA[event]]></MsgType>
<Event><![CDATA[subscribe]]></Event>
<EventKey><![CDATA[qrscene_123123]]></EventKey>
<Ticket><![CDATA[TICKET]]></Ticket>
</xml>`))
	if err != nil {
		panic(err)
	}
	switch m := m.(type) {
	case *message.Subscribe:
		fmt.Println("subscribed from QR scene", m.Scene(), "by", m.FromUserName)
	case *message.Unknown:
		fmt.Println("unknown", m.MsgType, m.Event)
	}
	// Output: subscribed from QR scene 123123 by FromUser
}

// A two-step conversation (流程回复): "account" opens a menu, the next
// message chooses.
func ExampleRouter_Flow() {
	r := message.NewRouter()
	billing := r.Flow("billing", func(ctx context.Context, s *message.Session, m message.Message) (message.Reply, error) {
		t, ok := m.(*message.Text)
		if !ok {
			return nil, message.ErrNotHandled // let menus and events through
		}
		switch strings.TrimSpace(t.Content) {
		case "1":
			s.End()
			return message.TextReply{Content: "Your balance is 42.00"}, nil
		case "2":
			s.End()
			return message.TextReply{Content: "Your bill is on its way"}, nil
		}
		return message.TextReply{Content: "Please reply 1 or 2"}, nil // stay on this step
	})
	r.Keyword("account", func(ctx context.Context, m message.Message) (message.Reply, error) {
		return message.TextReply{Content: "Reply 1 for balance, 2 for bill"}, billing.Start(ctx, m, "menu")
	})
	r.Default(func(context.Context, message.Message) (message.Reply, error) {
		return message.TextReply{Content: "Send \"account\""}, nil
	})

	for _, in := range []string{"hello", "account", "3", "1", "1"} {
		m := &message.Text{Header: message.Header{ToUserName: "gh_1", FromUserName: "openid", MsgType: "text"}, Content: in}
		reply, _ := r.ServeMessage(context.Background(), m)
		fmt.Printf("%s -> %s\n", in, reply.(message.TextReply).Content)
	}
	// Output:
	// hello -> Send "account"
	// account -> Reply 1 for balance, 2 for bill
	// 3 -> Please reply 1 or 2
	// 1 -> Your balance is 42.00
	// 1 -> Send "account"
}

func ExampleCustomerMessageJSON() {
	body, err := message.CustomerMessageJSON("OPENID", message.TextReply{Content: "Hello <World>"})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(body))
	// Output: {"touser":"OPENID","msgtype":"text","text":{"content":"Hello <World>"}}
}

func ExampleAppendReplyXML() {
	req := &message.Text{Header: message.Header{ToUserName: "gh_1", FromUserName: "openid", MsgType: "text"}}
	out, err := message.AppendReplyXML(nil, req, message.TextReply{Content: "a]]>b"}, 12345678)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(out))
	// Output: <xml><ToUserName><![CDATA[openid]]></ToUserName><FromUserName><![CDATA[gh_1]]></FromUserName><CreateTime>12345678</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[a]]]]><![CDATA[>b]]></Content></xml>
}
