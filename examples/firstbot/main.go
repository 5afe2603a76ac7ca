// Command firstbot is the first bot of the README and of the package
// documentation, verbatim: a callback server (message.Server) with a router
// that answers the keyword "hello", logging through log/slog. main below is
// the whole program a real account needs; point the account's 服务器地址(URL)
// at http://<host>:8080/wechat and set WECHAT_APPID, WECHAT_TOKEN and
// WECHAT_ENCODING_AES_KEY (PORT changes the port).
//
// When WECHAT_TOKEN is unset (as in CI), sim.go runs the same program
// against the built-in simulator instead: the development credentials, and
// a simulated follower who follows and says hello, pushed to the bot in
// memory; it prints the conversation and exits 0 when the bot answered.
package main

import (
	"cmp"
	"context"
	"log"
	"log/slog"
	"net/http"
	"os"

	"github.com/wxkit/mp/message"
)

func main() {
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	router := message.NewRouter()
	router.Keyword("hello", func(context.Context, message.Message) (message.Reply, error) {
		return message.TextReply{Content: "Hello from wxkit!"}, nil
	})
	cfg := message.Config{AppID: os.Getenv("WECHAT_APPID"), Token: os.Getenv("WECHAT_TOKEN"), EncodingAESKey: os.Getenv("WECHAT_ENCODING_AES_KEY")}
	bot, err := message.NewServer(cfg, router, message.WithLogger(logger))
	if err != nil {
		log.Fatal(err)
	}
	http.Handle("/wechat", bot)
	log.Fatal(http.ListenAndServe("127.0.0.1:"+cmp.Or(os.Getenv("PORT"), "8080"), nil))
}
