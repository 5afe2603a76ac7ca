// Command template sends one template message (模板消息) with wxkit/mp.
//
// Configure it through the environment:
//
//	WECHAT_APPID        the Official Account's AppID
//	WECHAT_APPSECRET    its AppSecret
//	WECHAT_TEMPLATE_ID  a template_id from the account's template list
//	WECHAT_OPENID       the OpenID of a follower to notify
//	WECHAT_BASE_URL     optional: another host for every WeChat API (a local simulator)
//
// The template should use the keywords thing1 and time2 (for example
// "事项:{{thing1.DATA}}\n时间:{{time2.DATA}}"); extra keywords are ignored by
// WeChat and missing ones show empty.
//
// When none of the first four variables is set it starts the built-in
// platform simulator (package github.com/wxkit/mp/sim) in process, says so on
// stderr, adds such a template there, creates a follower and sends the
// message to them, then prints what the follower received.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"time"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/template"
)

// env lists the variables the program reads; the first four are required.
var env = []string{"WECHAT_APPID", "WECHAT_APPSECRET", "WECHAT_TEMPLATE_ID", "WECHAT_OPENID", "WECHAT_BASE_URL"}

// simNotice is what the program says on stderr when it runs against the
// built-in simulator.
const simNotice = "no WECHAT_* environment: running against the built-in simulator"

func main() {
	os.Exit(realMain(os.Getenv, os.Stdout, os.Stderr))
}

// realMain reads the configuration with getenv and runs, against the
// built-in simulator when none of the required variables is set; it returns
// the exit code.
func realMain(getenv func(string) string, stdout, stderr io.Writer) int {
	var missing []string
	for _, k := range env[:4] {
		if getenv(k) == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) == len(env[:4]) {
		fmt.Fprintln(stderr, simNotice)
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := runSimulator(ctx, stdout); err != nil {
			fmt.Fprintln(stderr, "error:", err)
			return 1
		}
		return 0
	}
	if len(missing) > 0 {
		fmt.Fprintln(stdout, "This example sends one WeChat template message. Set these environment variables:")
		fmt.Fprintln(stdout, "  WECHAT_APPID        the Official Account's AppID")
		fmt.Fprintln(stdout, "  WECHAT_APPSECRET    its AppSecret")
		fmt.Fprintln(stdout, "  WECHAT_TEMPLATE_ID  a template_id of the account (keywords thing1, time2)")
		fmt.Fprintln(stdout, "  WECHAT_OPENID       the OpenID of a follower to notify")
		fmt.Fprintln(stdout, "  WECHAT_BASE_URL     optional: send every call to this host instead (a local simulator)")
		fmt.Fprintln(stdout, "or none of the first four to run against the built-in simulator.")
		fmt.Fprintf(stdout, "Missing: %v\n", missing)
		return 0
	}

	opts := []mp.Option{
		mp.WithLogger(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))),
	}
	if base := getenv("WECHAT_BASE_URL"); base != "" {
		opts = append(opts, mp.WithHost(base))
	}
	client, err := mp.New(mp.Config{AppID: getenv("WECHAT_APPID"), AppSecret: getenv("WECHAT_APPSECRET")}, opts...)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()

	if err := run(ctx, client, getenv("WECHAT_TEMPLATE_ID"), getenv("WECHAT_OPENID"), stdout); err != nil {
		fmt.Fprintln(stderr, "error:", err) // errors never carry the AppSecret or access_token
		return 1
	}
	return 0
}

// run sends one template message to openID and prints its msgid to out.
func run(ctx context.Context, client *mp.Client, templateID, openID string, out io.Writer) error {
	svc := template.New(client)
	now := time.Now()
	res, err := svc.Send(ctx, &template.Message{
		ToUser:     openID,
		TemplateID: templateID,
		URL:        "https://github.com/wxkit/mp",
		// One message per openid + client_msg_id within 10 minutes: the
		// client may retry it after a timeout without sending it twice.
		ClientMsgID: fmt.Sprintf("wxkit-example-%d", now.UnixNano()),
		Data: template.Data{
			"thing1": {Value: "wxkit/mp 模板消息示例"},
			"time2":  {Value: now.Format("2006-01-02 15:04")},
		},
	})
	if err != nil {
		return fmt.Errorf("sending the template message: %w", err)
	}
	fmt.Fprintf(out, "sent template message %s to %s: msgid %d\n", templateID, openID, res.MsgID)
	return nil
}
