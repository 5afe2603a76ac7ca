// Command menu creates a custom menu (自定义菜单) for an Official Account,
// reads it back and prints it.
//
// It reads the account from the environment:
//
//	WECHAT_APPID      the AppID (required)
//	WECHAT_APPSECRET  the AppSecret (required)
//	WECHAT_BASE_URL   another API host, such as a local simulator (optional)
//
// When neither WECHAT_APPID nor WECHAT_APPSECRET is set it starts the
// built-in platform simulator (package github.com/wxkit/mp/sim) in process,
// says so on stderr and runs against it with the simulator's development
// credentials. When only one of them is set it prints what to set and exits
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
	"github.com/wxkit/mp/sim"
)

const usage = "menu: set both WECHAT_APPID and WECHAT_APPSECRET (and optionally WECHAT_BASE_URL, e.g. a local simulator) to run this example, or neither to run it against the built-in simulator"

// simNotice is what the program says on stderr when it runs against the
// built-in simulator.
const simNotice = "no WECHAT_* environment: running against the built-in simulator"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	code := realMain(ctx, os.Getenv, os.Stdout, os.Stderr)
	cancel()
	stop()
	os.Exit(code)
}

// realMain reads the account with getenv and runs against it, or against an
// in-process simulator when WECHAT_APPID and WECHAT_APPSECRET are both
// unset; it returns the exit code.
func realMain(ctx context.Context, getenv func(string) string, stdout, stderr io.Writer) int {
	client, err := clientFromEnv(getenv)
	if err != nil {
		fmt.Fprintln(stderr, "menu:", err)
		return 1
	}
	if client == nil {
		if getenv("WECHAT_APPID") != "" || getenv("WECHAT_APPSECRET") != "" {
			fmt.Fprintln(stdout, usage)
			return 0
		}
		fmt.Fprintln(stderr, simNotice)
		s, err := sim.Start(sim.Options{})
		if err != nil {
			fmt.Fprintln(stderr, "menu: starting the simulator:", err)
			return 1
		}
		defer s.Close()
		acct := s.Account()
		if client, err = mp.New(mp.Config{AppID: acct.AppID, AppSecret: acct.AppSecret}, mp.WithHost(s.URL)); err != nil {
			fmt.Fprintln(stderr, "menu:", err)
			return 1
		}
	}
	if err := run(ctx, client, stdout); err != nil {
		fmt.Fprintln(stderr, "menu:", err)
		return 1
	}
	return 0
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
