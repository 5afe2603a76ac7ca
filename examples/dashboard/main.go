// Command dashboard is a small web page for an Official Account's operator
// (运营): follower growth (new, cancelled, cumulative) and messages per day
// as server-rendered SVG charts (数据统计, package datacube), the latest
// comments on articles with elect and reply buttons (留言管理, package
// comment), and the API quota table (openApi管理, package openapi). No
// JavaScript, no CDN.
//
// It reads the account from the environment:
//
//	WECHAT_APPID      the AppID
//	WECHAT_APPSECRET  the AppSecret
//	WECHAT_BASE_URL   another API host, such as a local simulator (optional)
//	WECHAT_ARTICLES   articles whose comments to show, as msg_data_id_index
//	                  separated by commas, e.g. 2247490098_0 (optional)
//
// With neither WECHAT_APPID nor WECHAT_APPSECRET set it starts the built-in
// simulator in process and first plays 14 days of simulated activity on the
// simulator's clock (followers following and leaving, sending messages,
// commenting on a published article), so the charts describe what happened.
//
// Flags: -addr (default 127.0.0.1:8090) and -days (default 14). With -once
// it renders the page once, checks it, prints a summary and exits: the mode
// CI runs.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/comment"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	code := realMain(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func realMain(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("dashboard", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8090", "address to serve the dashboard on")
	days := fs.Int("days", 14, "days of statistics to chart")
	once := fs.Bool("once", false, "render the page once, check it, print a summary and exit")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *days < 2 || *days > 90 {
		fmt.Fprintln(stderr, "dashboard: -days must be 2..90")
		return 2
	}
	d, cleanup, err := setup(ctx, getenv, *days, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "dashboard:", err)
		return 1
	}
	defer cleanup()
	if *once {
		return runOnce(ctx, d, stdout, stderr)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, "dashboard:", err)
		return 1
	}
	fmt.Fprintf(stdout, "dashboard: http://%s/\n", ln.Addr())
	srv := &http.Server{Handler: d, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(stderr, "dashboard:", err)
		return 1
	}
	return 0
}

// setup builds the dashboard against WeChat (WECHAT_* set) or the seeded
// simulator.
func setup(ctx context.Context, getenv func(string) string, days int, stderr io.Writer) (*dashboard, func(), error) {
	appid, secret := getenv("WECHAT_APPID"), getenv("WECHAT_APPSECRET")
	if appid != "" || secret != "" {
		if appid == "" || secret == "" {
			return nil, nil, fmt.Errorf("set both WECHAT_APPID and WECHAT_APPSECRET, or neither to use the built-in simulator")
		}
		var opts []mp.Option
		if base := getenv("WECHAT_BASE_URL"); base != "" {
			opts = append(opts, mp.WithHost(base))
		}
		client, err := mp.New(mp.Config{AppID: appid, AppSecret: secret}, opts...)
		if err != nil {
			return nil, nil, err
		}
		articles, err := parseArticles(getenv("WECHAT_ARTICLES"))
		if err != nil {
			return nil, nil, err
		}
		return newDashboard(client, days, articles), func() {}, nil
	}
	fmt.Fprintln(stderr, "no WECHAT_* environment: running against the built-in simulator with", days, "days of simulated activity")
	return seededSimulator(ctx, days)
}

func parseArticles(s string) ([]comment.Article, error) {
	var out []comment.Article
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		a, b, ok := strings.Cut(part, "_")
		id, err1 := strconv.ParseInt(a, 10, 64)
		idx, err2 := strconv.Atoi(b)
		if !ok || err1 != nil || err2 != nil {
			return nil, fmt.Errorf("WECHAT_ARTICLES: %q is not msg_data_id_index", part)
		}
		out = append(out, comment.Article{MsgDataID: id, Index: idx})
	}
	return out, nil
}
