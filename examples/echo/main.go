// Command echo is a runnable WeChat Official Account callback server built
// on package message: it answers a text message with a text whose content
// is exactly the received content, a subscription with a welcome text, the
// click of its menu button "hello" with "你好！", and everything else with
// "success".
//
// When it can call the API (an AppSecret is configured, or it runs on the
// simulator's development credentials) it also creates its menu: a click
// button "Hello" (key hello) and a view button "Profile" that opens /profile,
// a page behind WeChat web authorization (网页授权, snsapi_userinfo) that
// greets the visitor by openid.
//
// Configure it with the environment:
//
//	WECHAT_TOKEN             the callback Token (令牌)
//	WECHAT_ENCODING_AES_KEY  optional: the EncodingAESKey (消息加解密密钥);
//	                         plaintext mode only when empty
//	WECHAT_APPID             the AppID (required with an EncodingAESKey)
//	WECHAT_APPSECRET         optional: the AppSecret, for the menu and /profile
//	WECHAT_BASE_URL          optional: the API host (a simulator); real WeChat
//	                         when empty. With the development credentials it
//	                         defaults to the simulator at http://127.0.0.1:8090
//
// When WECHAT_TOKEN is unset it uses the platform simulator's development
// credentials (safe mode) and says so on stderr. The flag -addr sets the
// listen address (default 127.0.0.1:8080), -public-url the address browsers
// reach it at (default http://<addr>); the callback path is /wechat.
// SIGINT or SIGTERM shuts it down cleanly. With -smoke it runs one scripted
// conversation against an in-process simulator and exits.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/wxkit/mp/message"
)

// The simulator's well-known development credentials.
const (
	devAppID          = "wx51a0de0000000001"
	devToken          = "wxkitsim"
	devEncodingAESKey = "wxkitSimulatorEncodingAESKey0123456789abcde"
	devAppSecret      = "51a0de00000000000000000000000001"
	devBaseURL        = "http://127.0.0.1:8090" // cmd/wxsim's default address
)

// Path is where the callback server is mounted.
const Path = "/wechat"

// Welcome is the reply to a subscription.
const Welcome = "Welcome! Send me any text and I will echo it."

// HelloKey is the key of the menu's click button, answered with HelloReply.
const (
	HelloKey   = "hello"
	HelloReply = "你好！"
)

// loadConfig reads the environment; dev reports that the development
// credentials were used.
func loadConfig(getenv func(string) string) (cfg message.Config, dev bool) {
	if getenv("WECHAT_TOKEN") == "" {
		return message.Config{AppID: devAppID, Token: devToken, EncodingAESKey: devEncodingAESKey}, true
	}
	return message.Config{
		AppID:          getenv("WECHAT_APPID"),
		Token:          getenv("WECHAT_TOKEN"),
		EncodingAESKey: getenv("WECHAT_ENCODING_AES_KEY"),
	}, false
}

// newHandler returns the HTTP handler of the echo server: the callback
// server on Path.
func newHandler(cfg message.Config, opts ...message.Option) (*http.ServeMux, error) {
	r := message.NewRouter()
	r.Use(message.Recovery(nil))
	r.Handle(message.MsgTypeText, func(_ context.Context, m message.Message) (message.Reply, error) {
		return message.TextReply{Content: m.(*message.Text).Content}, nil
	})
	r.Event(message.EventSubscribe, func(context.Context, message.Message) (message.Reply, error) {
		return message.TextReply{Content: Welcome}, nil
	})
	r.EventKey(message.EventClick, HelloKey, func(context.Context, message.Message) (message.Reply, error) {
		return message.TextReply{Content: HelloReply}, nil
	})
	srv, err := message.NewServer(cfg, r, opts...)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle(Path, srv)
	return mux, nil
}

func main() {
	if err := run(os.Args[1:], os.Getenv, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "echo:", err)
		os.Exit(1)
	}
}

func run(args []string, getenv func(string) string, stderr io.Writer) error {
	fs := flag.NewFlagSet("echo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	public := fs.String("public-url", "", "the URL browsers reach this server at (default http://<addr>)")
	smoke := fs.Bool("smoke", false, "run one scripted conversation against an in-process simulator and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *smoke {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return runSmoke(ctx, os.Stdout, stderr)
	}
	if *public == "" {
		*public = "http://" + *addr
	}
	cfg, dev := loadConfig(getenv)
	if dev {
		fmt.Fprintln(stderr, "echo: WECHAT_TOKEN is unset: using the simulator's development credentials (safe mode)")
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	h, err := newHandler(cfg, message.WithLogger(logger))
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if api, ok := loadAPIConfig(getenv, dev, *public); ok {
		setupMenu, err := addWeb(h, cfg.AppID, api, stderr)
		if err != nil {
			return err
		}
		go setupMenu(ctx)
	}
	server := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}

	errc := make(chan error, 1)
	go func() { errc <- server.ListenAndServe() }()
	mode := "plaintext"
	if cfg.EncodingAESKey != "" {
		mode = "plaintext, compatible and safe"
	}
	fmt.Fprintf(stderr, "echo: listening on http://%s%s (%s mode)\n", *addr, Path, mode)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(stderr, "echo: shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := server.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
