package component_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"

	"github.com/redis/go-redis/v9"

	"github.com/wxkit/mp/component"
	compredis "github.com/wxkit/mp/component/redisstore"
	"github.com/wxkit/mp/message"
	msgredis "github.com/wxkit/mp/message/redisstore"
	"github.com/wxkit/mp/user"
)

func ExamplePlatform_AuthURL() {
	p, err := component.New(component.Config{AppID: "wx_component_appid", AppSecret: "APPSECRET"})
	if err != nil {
		log.Fatal(err)
	}
	// pre_auth_code comes from p.PreAuthCode(ctx).
	u, err := p.AuthURL(component.AuthURLOptions{PreAuthCode: "PRE_AUTH_CODE", RedirectURI: "https://platform.example/authorized"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u)
	// Output:
	// https://mp.weixin.qq.com/cgi-bin/componentloginpage?component_appid=wx_component_appid&pre_auth_code=PRE_AUTH_CODE&redirect_uri=https%3A%2F%2Fplatform.example%2Fauthorized&auth_type=1
}

// A platform server: the ticket and authorization pushes, the redirect
// after authorization, and one callback URL for every account.
func ExampleNew() {
	p, err := component.New(component.Config{AppID: "wx_component_appid", AppSecret: "APPSECRET",
		Token: "TOKEN", EncodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"},
		// Production: component/redisstore (or your database) for tickets
		// and refresh tokens, token/redisstore for the tokens.
		component.WithEventHandler(func(ctx context.Context, push *component.Push) error {
			log.Printf("authorization event: %v", push)
			return nil
		}))
	if err != nil {
		log.Fatal(err)
	}
	http.Handle("/wechat/ticket", p.PushHandler())
	http.HandleFunc("/authorized", func(w http.ResponseWriter, r *http.Request) {
		auth, err := p.QueryAuth(r.Context(), r.URL.Query().Get("auth_code"))
		if err != nil {
			http.Error(w, "authorization failed", http.StatusBadGateway)
			return
		}
		fmt.Fprintf(w, "authorized by %s", auth.AuthorizerAppID)
	})
	callbacks, err := component.NewCallbackServer(p, message.HandlerFunc(func(ctx context.Context, m message.Message) (message.Reply, error) {
		return message.TextReply{Content: "hello from " + component.AuthorizerAppID(ctx)}, nil
	}))
	if err != nil {
		log.Fatal(err)
	}
	http.Handle("/wechat/", callbacks) // /wechat/{authorizer appid}
}

// Families work unchanged on an authorized account's client.
func ExamplePlatform_Client() {
	var p *component.Platform // from component.New
	ctx := context.Background()
	c, err := p.Client("wx_authorizer_appid")
	if err != nil {
		log.Fatal(err)
	}
	info, err := user.New(c).Info(ctx, "OPENID", user.LangZhCN)
	if errors.Is(err, component.ErrNotAuthorized) {
		log.Print("the account revoked the authorization")
		return
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.Nickname)
}

// A platform running as several instances behind a load balancer: every
// instance shares the push record and the ticket through one Redis, so a
// push replayed to another instance, or reaching two at once, is handled
// once, and a late older component_verify_ticket never replaces a newer one.
func ExampleWithPushDedupStore() {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	st := compredis.New(rdb, "wx_component_appid")
	p, err := component.New(component.Config{AppID: "wx_component_appid", AppSecret: "APPSECRET",
		Token: "TOKEN", EncodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"},
		component.WithPushDedupStore(msgredis.NewDedupStore(rdb, "")),
		component.WithTicketStore(st), // a component.NewestTicketStore
		component.WithRefreshTokenStore(st))
	if err != nil {
		log.Fatal(err)
	}
	http.Handle("/wechat/ticket", p.PushHandler()) // 授权事件接收URL
}
