package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/wxkit/mp/sim"
	"github.com/wxkit/mp/sim/paysim"
)

// DefaultAddr is where the simulator listens unless --addr says otherwise;
// examples/echo defaults to it.
const DefaultAddr = "127.0.0.1:8090"

// serveConfig is the configuration of "wxsim serve".
type serveConfig struct {
	Addr         string
	ForwardTo    string
	SafeMode     bool
	Pay          bool
	PayDir       string
	ReplyTimeout time.Duration
	Retries      int
	Verbose      bool
	// The account's rules (公众号类型, 微信认证, 关联小程序).
	AccountType  string
	Unverified   bool
	MiniPrograms string // comma-separated appids of linked mini programs
	// Accounts is how many Official Accounts the simulator hosts
	// (--accounts, at least 1 + len(MoreAccounts)); the first is the one
	// the other flags describe, the others take numbered defaults.
	Accounts int
	// MoreAccounts are the credentials of the accounts after the first
	// (--account APPID[:SECRET], repeatable).
	MoreAccounts []accountSpec
	// AllowHosts are Host values accepted besides loopback ones
	// (--allow-host); "*" accepts any.
	AllowHosts []string
	// readTimeout and writeTimeout replace the server's defaults (tests).
	readTimeout, writeTimeout time.Duration
	Quiet                     bool
}

func defaultPayDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "wxsim", "pay")
}

// parseServe reads the flags of "wxsim serve".
func parseServe(args []string, stderr io.Writer) (serveConfig, error) {
	fs := flag.NewFlagSet("wxsim serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c serveConfig
	var plaintext bool
	fs.StringVar(&c.Addr, "addr", DefaultAddr, "listen address (keep it on loopback)")
	fs.StringVar(&c.ForwardTo, "forward-to", "", "the bot's callback URL (服务器地址) followers push to, e.g. http://127.0.0.1:8080/wechat")
	fs.BoolVar(&c.SafeMode, "safe-mode", true, "encrypt callbacks (安全模式) and require encrypted replies")
	fs.BoolVar(&plaintext, "plaintext", false, "plaintext callbacks (明文模式): the same as --safe-mode=false")
	fs.BoolVar(&c.Pay, "pay", true, "simulate WeChat Pay APIv3 (/v3/, /sim/pay) on the same server")
	fs.StringVar(&c.PayDir, "pay-dir", defaultPayDir(), "where the simulated merchant's keys are kept (reused on restart)")
	fs.DurationVar(&c.ReplyTimeout, "reply-timeout", sim.DefaultReplyTimeout, "how long a push waits for the bot's passive reply")
	fs.IntVar(&c.Retries, "retries", 0, "retries of a push that timed out or failed to connect (WeChat retries 3 times)")
	fs.BoolVar(&c.Verbose, "v", false, "log the simulator's activity to stderr")
	fs.StringVar(&c.AccountType, "account-type", "service", "the account type: service (服务号) or subscription (订阅号); interfaces it lacks answer 48001")
	fs.BoolVar(&c.Unverified, "unverified", false, "simulate an account without 微信认证 (interfaces needing it answer 48001)")
	fs.StringVar(&c.MiniPrograms, "linked-miniprograms", "", "comma-separated appids of the mini programs linked to the account (others answer 40166)")
	fs.Var((*hostList)(&c.AllowHosts), "allow-host", "a Host name to accept besides 127.0.0.1, ::1 and localhost (repeatable; \"*\" accepts any): needed to reach a non-loopback --addr")
	fs.BoolVar(&c.Quiet, "q", false, "do not print a line for each push and reply")
	fs.IntVar(&c.Accounts, "accounts", 1, fmt.Sprintf("how many Official Accounts to host at the same address (1 to %d): the first is the one the other flags describe, the others get numbered credentials (AppID wx51a0de0000000002, ...); the control API (?account=APPID), the subcommands (--account APPID) and the chat page select one", maxAccounts))
	fs.Var((*accountList)(&c.MoreAccounts), "account", "host one more Official Account, after the first, with the credentials `APPID[:SECRET]` (a numbered AppSecret when omitted; repeatable; --accounts counts them)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: wxsim [serve] [flags]\n\nRuns the simulated WeChat platform, the chat page and WeChat Pay.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	pos, err := parseArgs(fs, args)
	if err != nil {
		return c, err
	}
	if len(pos) > 0 {
		return c, usagef("unexpected argument %q", pos[0])
	}
	if plaintext {
		c.SafeMode = false
	}
	if c.ForwardTo != "" && !isHTTPURL(c.ForwardTo) {
		return c, usagef("--forward-to must be an http(s) URL, got %q", c.ForwardTo)
	}
	if c.ReplyTimeout <= 0 {
		return c, usagef("--reply-timeout must be positive")
	}
	if c.AccountType != string(sim.ServiceAccount) && c.AccountType != string(sim.SubscriptionAccount) {
		return c, usagef("--account-type must be service or subscription, got %q", c.AccountType)
	}
	if c.Retries < 0 {
		return c, usagef("--retries must not be negative")
	}
	if c.Accounts < 1 || c.Accounts > maxAccounts {
		return c, usagef("--accounts must be between 1 and %d, got %d", maxAccounts, c.Accounts)
	}
	if n := 1 + len(c.MoreAccounts); n > c.Accounts {
		if n > maxAccounts {
			return c, usagef("at most %d accounts, got %d", maxAccounts, n)
		}
		c.Accounts = n
	}
	return c, nil
}

// serve runs the simulator until ctx is done (SIGINT or SIGTERM).
func serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseServe(args, stderr)
	if err != nil {
		var ue *usageError
		if errors.As(err, &ue) {
			return exitStatus(stderr, "wxsim", err)
		}
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage // the flag package printed the problem
	}
	return exitStatus(stderr, "wxsim", runServer(ctx, cfg, stdout, stderr))
}

// server is a started simulator program.
type server struct {
	app  *app
	sim  *sim.Sim
	pay  *paysim.Platform
	keys *payKeys
	http *http.Server
	ln   net.Listener
	url  string
}

// startServer listens, builds the platform and starts serving.
func startServer(cfg serveConfig, logger *slog.Logger) (*server, error) {
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("%w (is another wxsim running? choose another --addr)", err)
	}
	base := "http://" + browsable(ln.Addr().(*net.TCPAddr))
	srv := &server{ln: ln, url: base}
	fail := func(err error) (*server, error) {
		_ = ln.Close()
		if srv.pay != nil {
			_ = srv.pay.Close()
		}
		return nil, err
	}
	opts := sim.Options{BaseURL: base, CallbackURL: cfg.ForwardTo, SafeMode: cfg.SafeMode,
		ReplyTimeout: cfg.ReplyTimeout, Retries: cfg.Retries, Logger: logger,
		AccountType: sim.AccountType(cfg.AccountType), Unverified: cfg.Unverified}
	for _, id := range strings.Split(cfg.MiniPrograms, ",") {
		if id = strings.TrimSpace(id); id != "" {
			opts.LinkedMiniPrograms = append(opts.LinkedMiniPrograms, id)
		}
	}
	if cfg.Pay {
		keys, err := loadOrCreatePayKeys(cfg.PayDir)
		if err != nil {
			return fail(err)
		}
		srv.keys = keys
		srv.pay, err = paysim.New(paysim.Options{
			Merchants:   []paysim.Merchant{keys.Merchant.Merchant},
			PlatformKey: keys.PlatformKey, PublicKeyKey: keys.PublicKeyKey, PublicKeyID: keys.PublicKeyID,
			BaseURL: base, Logger: logger,
		})
		if err != nil {
			return fail(fmt.Errorf("starting the WeChat Pay simulator: %w", err))
		}
		opts.Pay = srv.pay.Handler()
	}
	srv.sim, err = sim.NewHandler(opts)
	if err != nil {
		return fail(err)
	}
	if err := addAccounts(srv.sim, cfg, opts); err != nil {
		srv.sim.Close()
		return fail(err)
	}
	mchid := ""
	if srv.keys != nil {
		mchid = srv.keys.Merchant.MchID
	}
	srv.app = newApp(srv.sim, srv.pay, mchid, logger)
	srv.http = &http.Server{Handler: hostGuard(srv.app.handler(), cfg.AllowHosts),
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: cmp.Or(cfg.readTimeout, serverReadTimeout),
		WriteTimeout: cmp.Or(cfg.writeTimeout, serverWriteTimeout(cfg)), IdleTimeout: serverIdleTimeout}
	go func() { _ = srv.http.Serve(ln) }()
	return srv, nil
}

// browsable returns host:port a browser on this machine can open: an
// unspecified listen address (0.0.0.0, ::) becomes 127.0.0.1.
func browsable(a *net.TCPAddr) string {
	host := a.IP.String()
	if a.IP == nil || a.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, fmt.Sprint(a.Port))
}

// shutdown stops serving: event streams end first so that in-flight
// requests can finish.
func (s *server) shutdown() error {
	s.app.close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.http.Shutdown(ctx)
	s.sim.Close()
	if s.pay != nil {
		_ = s.pay.Close()
	}
	return err
}

func runServer(ctx context.Context, cfg serveConfig, stdout, stderr io.Writer) error {
	logger := slog.New(slog.DiscardHandler)
	if cfg.Verbose {
		logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if cfg.Pay {
		fmt.Fprintln(stderr, "wxsim: preparing the simulated WeChat Pay merchant ...")
	}
	srv, err := startServer(cfg, logger)
	if err != nil {
		return err
	}
	warnExposed(stderr, srv.ln.Addr().(*net.TCPAddr), cfg)
	printBanner(stdout, cfg, srv)
	go watchCallback(ctx, srv.sim, stderr, verifyFirstRetry, verifyMaxRetry)
	if !cfg.Quiet {
		defer logAllActivity(srv.sim, stdout)()
	}
	<-ctx.Done()
	fmt.Fprintln(stderr, "wxsim: shutting down")
	return srv.shutdown()
}

// printBanner prints what a developer copies into their bot's environment.
func printBanner(w io.Writer, cfg serveConfig, srv *server) {
	acct := srv.sim.Account()
	fmt.Fprintf(w, "wxsim: WeChat Official Account platform simulator (公众号平台模拟器)\n\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  Platform API\t%s\n", srv.url)
	fmt.Fprintf(tw, "  Chat page\t%s/\n", srv.url)
	mode := "safe mode: encrypted callbacks (安全模式)"
	if !cfg.SafeMode {
		mode = "plaintext callbacks (明文模式)"
	}
	if cfg.ForwardTo != "" {
		fmt.Fprintf(tw, "  Forwarding to\t%s (%s)\n", cfg.ForwardTo, mode)
	} else {
		fmt.Fprintf(tw, "  Forwarding to\tnothing yet: restart with --forward-to http://127.0.0.1:8080/wechat (%s)\n", mode)
	}
	fmt.Fprintf(tw, "  Original ID\t%s (原始ID)\n", acct.OriginalID)
	_ = tw.Flush()

	if n := len(srv.sim.Accounts()); n > 1 {
		fmt.Fprintf(w, "\nOfficial Account credentials (account 1 of %d, the default one), for your bot's environment:\n\n", n)
	} else {
		fmt.Fprintf(w, "\nOfficial Account credentials, for your bot's environment:\n\n")
	}
	fmt.Fprintf(w, "WECHAT_APPID=%s\n", acct.AppID)
	fmt.Fprintf(w, "WECHAT_APPSECRET=%s\n", acct.AppSecret)
	fmt.Fprintf(w, "WECHAT_TOKEN=%s\n", acct.Token)
	if cfg.SafeMode {
		fmt.Fprintf(w, "WECHAT_ENCODING_AES_KEY=%s\n", acct.EncodingAESKey)
	} else {
		fmt.Fprintf(w, "WECHAT_ENCODING_AES_KEY=%s   # optional in plaintext mode\n", acct.EncodingAESKey)
	}
	fmt.Fprintf(w, "WECHAT_BASE_URL=%s\n", srv.url)
	printMoreAccounts(w, srv.sim)
	printTemplates(w, srv.sim)
	if k := srv.keys; k != nil {
		how := "generated"
		if k.Reused {
			how = "reused"
		}
		fmt.Fprintf(w, "\nWeChat Pay APIv3 merchant (微信支付商户, %s, kept in %s):\n\n", how, filepath.Dir(k.PrivateKeyPath))
		fmt.Fprintf(w, "WECHATPAY_MCHID=%s\n", k.Merchant.MchID)
		fmt.Fprintf(w, "WECHATPAY_APIV3_KEY=%s\n", k.Merchant.APIv3Key)
		fmt.Fprintf(w, "WECHATPAY_SERIAL=%s\n", k.Merchant.MerchantSerial)
		fmt.Fprintf(w, "WECHATPAY_PRIVATE_KEY_FILE=%s\n", k.PrivateKeyPath)
		fmt.Fprintf(w, "WECHATPAY_PUBLIC_KEY_ID=%s\n", k.PublicKeyID)
		fmt.Fprintf(w, "WECHATPAY_PUBLIC_KEY_FILE=%s\n", k.PublicKeyPath)
		fmt.Fprintf(w, "WECHATPAY_BASE_URL=%s   # the pay API base URL (examples/pay: -base-url)\n", srv.url)
		fmt.Fprintf(w, "\nPay an order: wxsim pay --prepay-id ID, or open %s/sim/pay?prepay_id=ID\n", srv.url)
	}
	simFlag := ""
	if srv.url != "http://"+DefaultAddr {
		simFlag = " --sim " + srv.url
	}
	fmt.Fprintf(w, "\nTry: wxsim%s follow --user Alice, then wxsim%s send --user Alice hello\n", simFlag, simFlag)
	fmt.Fprintf(w, "     (or open %s/ in a browser)\n", srv.url)
	fmt.Fprintf(w, "Press Ctrl+C to stop.\n")
}

// warnExposed warns loudly when the listener is reachable from other
// machines: the simulator has no authentication.
func warnExposed(stderr io.Writer, tcp *net.TCPAddr, cfg serveConfig) {
	if !tcp.IP.IsLoopback() {
		fmt.Fprintf(stderr, "\nwxsim: WARNING: listening on %s: reachable from other machines.\n"+
			"wxsim: WARNING: the simulator has NO authentication: its credentials are public development ones and its\n"+
			"wxsim: WARNING: control API (/sim/api) lets anyone who reaches it act as any simulated user.\n", tcp)
		if len(cfg.AllowHosts) == 0 {
			fmt.Fprintf(stderr, "wxsim: WARNING: requests are still accepted only with a loopback Host; add --allow-host NAME for each name other machines use.\n\n")
		} else {
			fmt.Fprintf(stderr, "wxsim: WARNING: accepting the Host names %s.\n\n", strings.Join(cfg.AllowHosts, ", "))
		}
	}
}
