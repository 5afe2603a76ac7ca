package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// command is a subcommand that talks to a running simulator.
type command struct {
	summary string
	// setup declares the command's own flags.
	setup func(fs *flag.FlagSet, o *cmdOptions)
	// run performs the command with the positional arguments.
	run func(ctx context.Context, c *apiClient, o *cmdOptions, args []string, stdout io.Writer) error
}

// cmdOptions are the flags of every subcommand.
type cmdOptions struct {
	Sim        string
	Account    string // the appid of the account to act on ("" = the first)
	User       string
	JSON       bool
	Scene      string
	Image      bool
	Location   string
	PrepayID   string
	OutTradeNo string
	CodeURL    string
	Follow     bool
	Interval   time.Duration
	Article    string // comment --article (comments.go)
	Wait       time.Duration
}

func userFlag(fs *flag.FlagSet, o *cmdOptions) {
	fs.StringVar(&o.User, "user", "", "the simulated follower: a name (e.g. Alice) or an openid")
}

var commands = map[string]command{
	"send": {
		summary: "send --user NAME TEXT: send a message and print the bot's passive reply and customer-service messages, labeled",
		setup: func(fs *flag.FlagSet, o *cmdOptions) {
			userFlag(fs, o)
			fs.DurationVar(&o.Wait, "wait", 0, "also wait this long for customer-service messages (客服消息) the bot sends afterwards")
			fs.BoolVar(&o.Image, "image", false, "send an image message (TEXT, if any, is its PicUrl)")
			fs.StringVar(&o.Location, "location", "", `send a location message: "LAT,LNG[,LABEL]"`)
		},
		run: cmdSend,
	},
	"follow": {
		summary: "follow --user NAME [--scene S]: follow the account (via a QR scene)",
		setup: func(fs *flag.FlagSet, o *cmdOptions) {
			userFlag(fs, o)
			fs.StringVar(&o.Scene, "scene", "", "follow by scanning the QR code of this scene (created when missing)")
		},
		run: func(ctx context.Context, c *apiClient, o *cmdOptions, args []string, w io.Writer) error {
			if len(args) > 0 {
				return usagef("unexpected argument %q", args[0])
			}
			return c.act(ctx, w, o, "follow", actionRequest{Scene: o.Scene})
		},
	},
	"unfollow": {
		summary: "unfollow --user NAME: unfollow the account",
		setup:   userFlag,
		run: func(ctx context.Context, c *apiClient, o *cmdOptions, args []string, w io.Writer) error {
			if len(args) > 0 {
				return usagef("unexpected argument %q", args[0])
			}
			return c.act(ctx, w, o, "unfollow", actionRequest{})
		},
	},
	"click": {
		summary: "click --user NAME KEY: click the menu button with that key",
		setup:   userFlag,
		run: func(ctx context.Context, c *apiClient, o *cmdOptions, args []string, w io.Writer) error {
			if len(args) != 1 {
				return usagef("want exactly one menu key")
			}
			return c.act(ctx, w, o, "click", actionRequest{Key: args[0]})
		},
	},
	"view": {
		summary: "view --user NAME URL: open the menu's view button with that URL",
		setup:   userFlag,
		run: func(ctx context.Context, c *apiClient, o *cmdOptions, args []string, w io.Writer) error {
			if len(args) != 1 {
				return usagef("want exactly one URL")
			}
			return c.act(ctx, w, o, "view", actionRequest{URL: args[0]})
		},
	},
	"scan": {
		summary: "scan --user NAME SCENE: scan a parametric QR code (follows if not yet following)",
		setup:   userFlag,
		run: func(ctx context.Context, c *apiClient, o *cmdOptions, args []string, w io.Writer) error {
			if len(args) != 1 {
				return usagef("want exactly one scene")
			}
			return c.act(ctx, w, o, "scan", actionRequest{Scene: args[0]})
		},
	},
	"pay": {
		summary: "pay --prepay-id ID | --out-trade-no NO | --code-url URL: pay an order as a user",
		setup: func(fs *flag.FlagSet, o *cmdOptions) {
			fs.StringVar(&o.PrepayID, "prepay-id", "", "the prepay_id of a JSAPI/APP order")
			fs.StringVar(&o.OutTradeNo, "out-trade-no", "", "the merchant's order number (商户订单号)")
			fs.StringVar(&o.CodeURL, "code-url", "", "the code_url of a Native order")
			fs.StringVar(&o.User, "user", "", "the payer: a follower's name or an openid (default the order's payer)")
		},
		run: cmdPay,
	},
	"menu": {
		summary: "menu [--user NAME]: print the current menu",
		setup: func(fs *flag.FlagSet, o *cmdOptions) {
			fs.StringVar(&o.User, "user", "", "print the menu this follower sees (conditional menus)")
		},
		run: cmdMenu,
	},
	"inbox": {
		summary: "inbox --user NAME [-f]: print a follower's conversation",
		setup: func(fs *flag.FlagSet, o *cmdOptions) {
			userFlag(fs, o)
			fs.BoolVar(&o.Follow, "f", false, "keep printing new messages until interrupted")
			fs.DurationVar(&o.Interval, "interval", 500*time.Millisecond, "how often -f polls")
		},
		run: cmdInbox,
	},
	"users": {
		summary: "users: list the simulated users",
		setup:   func(*flag.FlagSet, *cmdOptions) {},
		run:     cmdUsers,
	},
}

// needsUser lists the commands that require --user.
var needsUser = map[string]bool{"send": true, "follow": true, "unfollow": true, "click": true, "view": true, "scan": true, "inbox": true}

// runCommand parses a subcommand's flags and runs it.
func runCommand(ctx context.Context, name string, cmd command, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	prog := "wxsim " + name
	fs := flag.NewFlagSet(prog, flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := &cmdOptions{}
	def := getenv("WXSIM_URL")
	if def == "" {
		def = "http://" + DefaultAddr
	}
	fs.StringVar(&o.Sim, "sim", def, "the running simulator's URL ($WXSIM_URL)")
	fs.BoolVar(&o.JSON, "json", false, "print the API's JSON answer")
	fs.StringVar(&o.Account, "account", getenv("WXSIM_ACCOUNT"), "the `APPID` of the Official Account to act on, when the simulator hosts several ($WXSIM_ACCOUNT; default the first)")
	cmd.setup(fs, o)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: wxsim %s\n\nFlags:\n", cmd.summary)
		fs.PrintDefaults()
	}
	pos, err := parseArgs(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if needsUser[name] && o.User == "" {
		return exitStatus(stderr, prog, usagef("--user is required"))
	}
	if !isHTTPURL(o.Sim) {
		return exitStatus(stderr, prog, usagef("--sim must be an http(s) URL, got %q", o.Sim))
	}
	c := &apiClient{base: strings.TrimRight(o.Sim, "/"), account: o.Account, http: &http.Client{Timeout: 30 * time.Second}}
	return exitStatus(stderr, prog, cmd.run(ctx, c, o, pos, stdout))
}

// apiClient calls the control API of a running simulator.
type apiClient struct {
	base    string
	account string // added to every request as account=APPID when not ""
	http    *http.Client
}

// url returns the URL of a control-API path, naming the client's account.
func (c *apiClient) url(path string) string {
	if c.account == "" {
		return c.base + path
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return c.base + path + sep + "account=" + url.QueryEscape(c.account)
}

// statusError is a non-2xx answer of the control API.
type statusError struct {
	Status int
	apiError
	Body []byte
}

func (e *statusError) Error() string {
	if e.apiError.Error != "" {
		if e.Code != "" {
			return e.apiError.Error + " (" + e.Code + ")"
		}
		return e.apiError.Error
	}
	return fmt.Sprintf("the simulator answered HTTP %d", e.Status)
}

// do sends a request and decodes a JSON answer into out. A non-2xx answer
// is a *statusError holding the body (also decoded into out when it is a
// 502 of a follower action).
func (c *apiClient) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.url(path), body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("cannot reach the simulator at %s (is \"wxsim\" running? see --sim): %w", c.base, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("reading the simulator's answer: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		se := &statusError{Status: resp.StatusCode, Body: raw}
		_ = json.Unmarshal(raw, &se.apiError)
		if resp.StatusCode == http.StatusBadGateway && out != nil {
			_ = json.Unmarshal(raw, out)
		}
		return se
	}
	if out == nil {
		return nil
	}
	if raw2, ok := out.(*json.RawMessage); ok {
		*raw2 = append((*raw2)[:0], raw...)
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%s %s: the simulator's answer is not the expected JSON (is %s a wxsim?)", method, path, c.base)
	}
	return nil
}

func userPath(user string) string { return "/sim/api/followers/" + url.PathEscape(user) }

// act performs a follower action and prints the outcome.
func (c *apiClient) act(ctx context.Context, w io.Writer, o *cmdOptions, action string, req actionRequest) error {
	var resp actionResponse
	err := c.do(ctx, http.MethodPost, userPath(o.User)+"/"+action, req, &resp)
	var se *statusError
	if err != nil && !(errors.As(err, &se) && se.Status == http.StatusBadGateway) {
		return err
	}
	if o.JSON {
		if se != nil {
			_, _ = w.Write(se.Body)
			return errors.New("the bot's answer was rejected")
		}
		return printJSON(w, resp)
	}
	who := fmt.Sprintf("%s (%s)", resp.Name, resp.OpenID)
	switch action {
	case "follow":
		fmt.Fprintf(w, "%s follows the account\n", who)
	case "unfollow":
		fmt.Fprintf(w, "%s unfollowed the account\n", who)
	}
	if resp.Warning != "" {
		fmt.Fprintf(w, "warning: %s\n", resp.Warning)
		return nil
	}
	if resp.ReplyError != nil {
		if resp.Notice != "" {
			fmt.Fprintf(w, "%s sees: %s\n", resp.Name, resp.Notice)
		}
		return fmt.Errorf("the bot's answer was rejected: %s", resp.ReplyError.Reason)
	}
	if action == "unfollow" {
		return nil
	}
	printReply(w, resp.Reply)
	return nil
}

// Labels of what the commands print, so that an echo is not mistaken for
// the input.
const (
	labelPassive = "passive reply (被动回复): "
	noPassive    = "no passive reply (the bot answered empty or \"success\")"
)

// printReply prints a passive reply as a person would read it, labeled.
func printReply(w io.Writer, r *replyJSON) {
	if r == nil {
		fmt.Fprintln(w, noPassive)
		return
	}
	switch r.MsgType {
	case "text":
		fmt.Fprintln(w, labelPassive+r.Content)
	case "news":
		fmt.Fprintln(w, labelPassive+"news")
		for i, a := range r.Articles {
			fmt.Fprintf(w, "  [news %d] %s\n", i+1, a.Title)
			if a.Description != "" {
				fmt.Fprintf(w, "    %s\n", a.Description)
			}
			if a.URL != "" {
				fmt.Fprintf(w, "    %s\n", a.URL)
			}
			if a.PicURL != "" {
				fmt.Fprintf(w, "    picture: %s\n", a.PicURL)
			}
		}
	case "transfer_customer_service":
		fmt.Fprintf(w, "%s[transferred to customer service %s]\n", labelPassive, r.KfAccount)
	default:
		line := "[" + r.MsgType
		if r.MediaID != "" {
			line += " " + r.MediaID
		}
		line += "]"
		if r.Title != "" {
			line += " " + r.Title
		}
		fmt.Fprintln(w, labelPassive+line)
	}
}

// deliveryLabels name what the account sends a follower through the API.
var deliveryLabels = map[string]string{
	"custom":   "customer-service message (客服消息): ",
	"template": "template message (模板消息): ",
	"mass":     "mass message (群发): ",
}

// lastSeq returns the sequence number of the follower's newest chat item
// (0 for an unknown follower).
func (c *apiClient) lastSeq(ctx context.Context, user string) int64 {
	var items []chatItem
	if err := c.do(ctx, http.MethodGet, userPath(user)+"/inbox", nil, &items); err != nil || len(items) == 0 {
		return 0
	}
	return items[len(items)-1].Seq
}

// printDeliveries prints, labeled, the messages the bot sent the follower
// through the API after since (customer-service messages sent while
// handling the push, late replies), waiting up to wait for more.
func (c *apiClient) printDeliveries(ctx context.Context, w io.Writer, user string, since int64, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		var items []chatItem
		if err := c.do(ctx, http.MethodGet, userPath(user)+"/inbox?since="+strconv.FormatInt(since, 10), nil, &items); err != nil {
			return err
		}
		for _, it := range items {
			since = it.Seq
			label, ok := deliveryLabels[it.Kind]
			if !ok || it.From != fromBot {
				continue
			}
			text := it.Text
			if it.Template != nil {
				text = strings.ReplaceAll(it.Template.Content, "\n", " / ")
			}
			fmt.Fprintln(w, label+text)
		}
		if !time.Now().Before(deadline) {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func cmdSend(ctx context.Context, c *apiClient, o *cmdOptions, args []string, w io.Writer) error {
	text := strings.Join(args, " ")
	var action string
	var req actionRequest
	switch {
	case o.Image && o.Location != "":
		return usagef("--image and --location are exclusive")
	case o.Wait < 0:
		return usagef("--wait must not be negative")
	case o.Image:
		if text != "" && !isHTTPURL(text) {
			return usagef("the picture must be an http(s) URL, got %q", text)
		}
		action, req = "image", actionRequest{PicURL: text}
	case o.Location != "":
		var err error
		if req, err = parseLocation(o.Location); err != nil {
			return err
		}
		action = "location"
	case text == "":
		return usagef("nothing to send: give the message text")
	default:
		action, req = "text", actionRequest{Content: text}
	}
	if o.JSON {
		return c.act(ctx, w, o, action, req)
	}
	since := c.lastSeq(ctx, o.User)
	if err := c.act(ctx, w, o, action, req); err != nil {
		return err
	}
	return c.printDeliveries(ctx, w, o.User, since, o.Wait)
}

// parseLocation reads "LAT,LNG[,LABEL]".
func parseLocation(v string) (actionRequest, error) {
	parts := strings.SplitN(v, ",", 3)
	if len(parts) < 2 {
		return actionRequest{}, usagef(`--location wants "LAT,LNG[,LABEL]", got %q`, v)
	}
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(parts[0]), 64)
	lng, err2 := strconv.ParseFloat(strings.TrimSpace(parts[1]), 64)
	if err1 != nil || err2 != nil {
		return actionRequest{}, usagef(`--location wants numbers "LAT,LNG[,LABEL]", got %q`, v)
	}
	req := actionRequest{Lat: &lat, Lng: &lng}
	if len(parts) == 3 {
		req.Label = strings.TrimSpace(parts[2])
	}
	return req, nil
}

func cmdPay(ctx context.Context, c *apiClient, o *cmdOptions, args []string, w io.Writer) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	req := payRequest{PrepayID: o.PrepayID, OutTradeNo: o.OutTradeNo, CodeURL: o.CodeURL, OpenID: o.User}
	n := 0
	for _, v := range []string{req.PrepayID, req.OutTradeNo, req.CodeURL} {
		if v != "" {
			n++
		}
	}
	if n != 1 {
		return usagef("give exactly one of --prepay-id, --out-trade-no and --code-url")
	}
	var tx json.RawMessage
	if err := c.do(ctx, http.MethodPost, "/sim/api/pay", req, &tx); err != nil {
		return err
	}
	if o.JSON {
		_, err := w.Write(append(tx, '\n'))
		return err
	}
	var t struct {
		OutTradeNo    string `json:"out_trade_no"`
		TransactionID string `json:"transaction_id"`
		TradeState    string `json:"trade_state"`
		Amount        struct {
			Total    int64  `json:"total"`
			Currency string `json:"currency"`
		} `json:"amount"`
		Payer *struct {
			OpenID string `json:"openid"`
		} `json:"payer"`
	}
	if err := json.Unmarshal(tx, &t); err != nil {
		return errors.New("the simulator's answer is not a transaction")
	}
	fmt.Fprintf(w, "paid: out_trade_no=%s transaction_id=%s trade_state=%s amount=%d %s\n",
		t.OutTradeNo, t.TransactionID, t.TradeState, t.Amount.Total, t.Amount.Currency)
	if t.Payer != nil {
		fmt.Fprintf(w, "payer: %s\n", t.Payer.OpenID)
	}
	fmt.Fprintln(w, "the TRANSACTION.SUCCESS notification (支付成功通知) is on its way to the order's notify_url")
	return nil
}

// menuJSON is the answer of GET /sim/api/menu.
type menuJSON struct {
	Button []menuButton `json:"button"`
}

type menuButton struct {
	Type      string       `json:"type"`
	Name      string       `json:"name"`
	Key       string       `json:"key"`
	URL       string       `json:"url"`
	MediaID   string       `json:"media_id"`
	AppID     string       `json:"appid"`
	PagePath  string       `json:"pagepath"`
	ArticleID string       `json:"article_id"`
	SubButton []menuButton `json:"sub_button"`
}

func cmdMenu(ctx context.Context, c *apiClient, o *cmdOptions, args []string, w io.Writer) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	path := "/sim/api/menu"
	if o.User != "" {
		path += "?user=" + url.QueryEscape(o.User)
	}
	var raw json.RawMessage
	if err := c.do(ctx, http.MethodGet, path, nil, &raw); err != nil {
		return err
	}
	if o.JSON {
		_, err := w.Write(append(raw, '\n'))
		return err
	}
	var m menuJSON
	if err := json.Unmarshal(raw, &m); err != nil {
		return errors.New("the simulator's answer is not a menu")
	}
	if len(m.Button) == 0 {
		fmt.Fprintln(w, "(no menu: the bot has not created one with menu/create)")
		return nil
	}
	for _, b := range m.Button {
		printButton(w, b, "")
		for i, sb := range b.SubButton {
			branch := "├─ "
			if i == len(b.SubButton)-1 {
				branch = "└─ "
			}
			printButton(w, sb, branch)
		}
	}
	return nil
}

func printButton(w io.Writer, b menuButton, indent string) {
	var detail string
	switch {
	case len(b.SubButton) > 0:
		detail = "sub-menu"
	case b.Key != "":
		detail = b.Type + ", key " + b.Key
	case b.URL != "":
		detail = b.Type + ", " + b.URL
	case b.MediaID != "":
		detail = b.Type + ", media " + b.MediaID
	case b.ArticleID != "":
		detail = b.Type + ", article " + b.ArticleID
	default:
		detail = b.Type
	}
	if b.AppID != "" {
		detail += ", mini program " + b.AppID + " " + b.PagePath
	}
	fmt.Fprintf(w, "%s%s (%s)\n", indent, b.Name, detail)
}

func cmdInbox(ctx context.Context, c *apiClient, o *cmdOptions, args []string, w io.Writer) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	if o.Interval <= 0 {
		return usagef("--interval must be positive")
	}
	var since int64
	var f followerJSON
	if err := c.do(ctx, http.MethodGet, userPath(o.User), nil, &f); err != nil {
		return err
	}
	name := f.Name
	for {
		var items []chatItem
		err := c.do(ctx, http.MethodGet, userPath(o.User)+"/inbox?since="+strconv.FormatInt(since, 10), nil, &items)
		if err != nil {
			if o.Follow && ctx.Err() != nil {
				return nil
			}
			return err
		}
		for _, it := range items {
			since = it.Seq
			if o.JSON {
				b, _ := json.Marshal(it)
				fmt.Fprintf(w, "%s\n", b)
				continue
			}
			if !it.Quiet {
				printItem(w, name, it)
			}
		}
		if !o.Follow {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(o.Interval):
		}
	}
}

// printItem prints one line (or card) of a conversation.
func printItem(w io.Writer, name string, it chatItem) {
	ts := it.Time.Local().Format("15:04:05")
	switch it.From {
	case fromUser:
		fmt.Fprintf(w, "%s  %s: %s\n", ts, name, it.Text)
		return
	case fromSystem:
		if it.Kind == "reply_error" {
			fmt.Fprintf(w, "%s  ! %s\n", ts, it.Text)
			return
		}
		fmt.Fprintf(w, "%s  * %s\n", ts, it.Text)
		return
	}
	label := map[string]string{"reply": "公众号", "custom": "公众号 (客服消息)", "template": "公众号 (模板消息)",
		"mass": "公众号 (群发)", "error": "公众号"}[it.Kind]
	if label == "" {
		label = "公众号"
	}
	switch {
	case it.Template != nil:
		fmt.Fprintf(w, "%s  %s %s:\n", ts, label, it.Template.TemplateID)
		for _, line := range strings.Split(it.Template.Content, "\n") {
			fmt.Fprintf(w, "    %s\n", line)
		}
		if it.Template.URL != "" {
			fmt.Fprintf(w, "    %s\n", it.Template.URL)
		}
	case len(it.Articles) > 0:
		for _, a := range it.Articles {
			fmt.Fprintf(w, "%s  %s: [news] %s %s\n", ts, label, a.Title, a.URL)
		}
	default:
		fmt.Fprintf(w, "%s  %s: %s\n", ts, label, it.Text)
	}
}

func cmdUsers(ctx context.Context, c *apiClient, o *cmdOptions, args []string, w io.Writer) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	var users []followerJSON
	if err := c.do(ctx, http.MethodGet, "/sim/api/followers", nil, &users); err != nil {
		return err
	}
	if o.JSON {
		return printJSON(w, users)
	}
	if len(users) == 0 {
		fmt.Fprintln(w, "(no simulated users yet: wxsim follow --user Alice)")
	}
	for _, u := range users {
		state := "not following"
		if u.Following {
			state = "following"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\n", u.Name, u.OpenID, state)
	}
	return nil
}
