// Command menu creates a custom menu (自定义菜单) for an Official Account,
// reads it back and prints it.
//
// It reads the account from the environment:
//
//	WECHAT_APPID      the AppID (required)
//	WECHAT_APPSECRET  the AppSecret (required)
//	WECHAT_BASE_URL   another API host, such as a local simulator (optional)
//
// Without WECHAT_APPID and WECHAT_APPSECRET it prints what to set and exits
// successfully.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/menu"
)

const usage = "menu: set WECHAT_APPID and WECHAT_APPSECRET (and optionally WECHAT_BASE_URL, e.g. a local simulator) to run this example"

func main() {
	client, err := clientFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "menu:", err)
		os.Exit(1)
	}
	if client == nil {
		fmt.Println(usage)
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := run(ctx, client, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "menu:", err)
		os.Exit(1)
	}
}

// clientFromEnv builds the client from WECHAT_APPID, WECHAT_APPSECRET and
// WECHAT_BASE_URL; it returns nil, nil when the account is not set.
func clientFromEnv(getenv func(string) string) (*mp.Client, error) {
	appID, secret := getenv("WECHAT_APPID"), getenv("WECHAT_APPSECRET")
	if appID == "" || secret == "" {
		return nil, nil
	}
	var opts []mp.Option
	if base := getenv("WECHAT_BASE_URL"); base != "" {
		opts = append(opts, mp.WithHost(base))
	}
	return mp.New(mp.Config{AppID: appID, AppSecret: secret}, opts...)
}

// exampleMenu is the menu the program creates: a click button with the key
// "hello", a view button and a sub-menu.
func exampleMenu() []menu.Button {
	return []menu.Button{
		menu.Click("Hello", "hello"),
		menu.View("官网", "https://github.com/wxkit/mp"),
		menu.Parent("更多",
			menu.Click("关于我们", "about"),
			menu.View("帮助", "https://github.com/wxkit/mp#readme"),
		),
	}
}

// run creates the example menu with client, reads the menu back and prints
// it to out.
func run(ctx context.Context, client *mp.Client, out io.Writer) error {
	svc := menu.New(client)
	if err := svc.Create(ctx, exampleMenu()...); err != nil {
		return fmt.Errorf("creating the menu: %w", err)
	}
	fmt.Fprintln(out, "menu created")
	menus, err := svc.Get(ctx)
	if err != nil {
		return fmt.Errorf("reading the menu back: %w", err)
	}
	fmt.Fprintln(out, "current menu:")
	for _, b := range menus.Menu.Buttons {
		fmt.Fprintln(out, "-", b)
		for _, sub := range b.SubButtons {
			fmt.Fprintln(out, "  -", sub)
		}
	}
	if n := len(menus.Conditional); n > 0 {
		fmt.Fprintf(out, "and %d conditional menu(s)\n", n)
	}
	return nil
}
