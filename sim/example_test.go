package sim_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/wxkit/mp/crypto"
	"github.com/wxkit/mp/sim"
)

// A developer's server, written with the crypto package only: it checks the
// signature of every push and answers text messages with a passive reply.
func echoBot(acct sim.Account) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if !crypto.CheckSignature(acct.Token, q.Get("timestamp"), q.Get("nonce"), q.Get("signature")) {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		if r.Method == http.MethodGet { // URL verification: echo echostr
			_, _ = io.WriteString(w, q.Get("echostr"))
			return
		}
		var msg struct {
			ToUserName, FromUserName, MsgType, Content string
		}
		body, _ := io.ReadAll(r.Body)
		if err := xml.Unmarshal(body, &msg); err != nil || msg.MsgType != "text" {
			_, _ = io.WriteString(w, "success")
			return
		}
		fmt.Fprintf(w, "<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>"+
			"<CreateTime>0</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[you said: %s]]></Content></xml>",
			msg.FromUserName, msg.ToUserName, msg.Content)
	})
}

func Example() {
	s := sim.New(sim.Options{})
	defer s.Close()
	bot := httptest.NewServer(echoBot(s.Account()))
	defer bot.Close()
	s.SetCallbackURL(bot.URL)

	ctx := context.Background()
	alice := s.NewUser("Alice")
	if _, err := alice.Follow(ctx); err != nil {
		fmt.Println(err)
		return
	}
	reply, err := alice.SendText(ctx, "hello")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(reply.MsgType, reply.Content)

	// The bot's API calls go to s.URL: a token, then a customer-service message.
	resp, err := http.Get(s.URL + "/cgi-bin/token?" + url.Values{"grant_type": {"client_credential"},
		"appid": {sim.DefaultAppID}, "secret": {sim.DefaultAppSecret}}.Encode())
	if err != nil {
		fmt.Println(err)
		return
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	body := `{"touser":"` + alice.OpenID() + `","msgtype":"text","text":{"content":"a later answer"}}`
	resp, err = http.Post(s.URL+"/cgi-bin/message/custom/send?access_token="+tok.AccessToken, "application/json", strings.NewReader(body))
	if err != nil {
		fmt.Println(err)
		return
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(string(out))

	for _, d := range alice.Inbox() {
		fmt.Println(d.Kind, d.Content)
	}
	// Output:
	// text you said: hello
	// {"errcode":0,"errmsg":"ok"}
	// reply you said: hello
	// custom a later answer
}

// A bad passive reply is reported as a *sim.ReplyError, and the follower
// sees WeChat's "service unavailable" notice.
func ExampleReplyError() {
	s := sim.New(sim.Options{})
	defer s.Close()
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			_, _ = io.WriteString(w, r.URL.Query().Get("echostr"))
			return
		}
		_, _ = io.WriteString(w, "<xml><MsgType>text</MsgType></xml>")
	}))
	defer bot.Close()
	s.SetCallbackURL(bot.URL)

	bob := s.NewUser("Bob")
	_, err := bob.Follow(context.Background())
	fmt.Println(err)
	fmt.Println(bob.Inbox()[0].Content)
	// Output:
	// sim: invalid passive reply: missing ToUserName
	// 该公众号暂时无法提供服务，请稍后再试
}

// Setting a callback URL is checked like saving 服务器配置: WeChat's GET with
// echostr must be echoed, else nothing is pushed to the URL.
func ExampleSim_VerifyCallbackURL() {
	s := sim.New(sim.Options{})
	defer s.Close()
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "success") // forgets to echo echostr
	}))
	defer bot.Close()
	s.SetCallbackURL(bot.URL)

	err := s.VerifyCallbackURL(context.Background())
	fmt.Println(errors.Is(err, sim.ErrURLVerification))
	_, err = s.NewUser("Carol").Follow(context.Background())
	fmt.Println(errors.Is(err, sim.ErrURLVerification))
	// Output:
	// true
	// true
}
