package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

const usageText = `wxsim: a local WeChat Official Account platform (公众号) with simulated
followers and WeChat Pay (微信支付), for developing bots without a public URL.

Usage:
  wxsim [serve] [flags]            run the simulator (default 127.0.0.1:8090);
                                   -q: no line per push and reply
  wxsim --version                  print the version
  wxsim send --user NAME TEXT      send a text message, print the bot's reply
  wxsim follow --user NAME [--scene S]
  wxsim unfollow --user NAME
  wxsim click --user NAME KEY      click a menu button (CLICK event)
  wxsim view --user NAME URL       open a view button (VIEW event)
  wxsim scan --user NAME SCENE     scan a parametric QR code
  wxsim pay --prepay-id ID | --out-trade-no NO | --code-url URL
  wxsim menu                       print the current menu
  wxsim inbox --user NAME [-f]     print (and follow) a conversation
  wxsim users                      list the simulated users
  wxsim callback [URL | none]      print or set the callback URL (服务器地址)

Several Official Accounts: "wxsim --accounts 3" hosts three at one address
(the 2nd is AppID wx51a0de0000000002 ...; "--account APPID[:SECRET]" names
one); the banner lists their credentials. The subcommands act on the first
unless given --account APPID ($WXSIM_ACCOUNT); the chat page has a switcher.

The subcommands talk to a running simulator: --sim URL (default $WXSIM_URL,
else http://127.0.0.1:8090). Run "wxsim COMMAND -h" for a command's flags.
Exit status: 0 ok, 1 failure, 2 usage error.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// run runs one command line and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	args = hoistSimFlag(args)
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version" || args[0] == "version") {
		fmt.Fprintln(stdout, versionLine())
		return exitOK
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") && args[0] != "-h" && args[0] != "--help" && args[0] != "-help" {
		return serve(ctx, args, stdout, stderr)
	}
	name, rest := args[0], args[1:]
	switch name {
	case "serve":
		return serve(ctx, rest, stdout, stderr)
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usageText)
		return exitOK
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "wxsim: unknown command %q\n\n%s", name, usageText)
		return exitUsage
	}
	return runCommand(ctx, name, cmd, rest, stdout, stderr, getenv)
}

// versionLine is what --version prints: the module version wxsim was built
// from (set by "go install ...@version"; "(devel)" in a working tree) and
// the Go version.
func versionLine() string {
	v, goV := "(devel)", runtime.Version()
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		goV = bi.GoVersion
	}
	return "wxsim " + v + " (github.com/wxkit/mp, " + goV + ")"
}

// hoistSimFlag moves the --sim and --account flags given before the
// subcommand ("wxsim --sim URL --account APPID send ...") after it, where
// the subcommand parses them. Flags of serve ("wxsim --account APPID"
// hosts one more account) stay where they are.
func hoistSimFlag(args []string) []string {
	n, sim := 0, false
	for n < len(args) {
		flagName, _, hasValue := strings.Cut(strings.TrimLeft(args[n], "-"), "=")
		if !strings.HasPrefix(args[n], "-") || flagName != "sim" && flagName != "account" {
			break
		}
		sim = sim || flagName == "sim"
		n += 2
		if hasValue {
			n--
		}
	}
	if n == 0 || len(args) <= n {
		return args
	}
	if _, ok := commands[args[n]]; !ok && (!sim || strings.HasPrefix(args[n], "-")) {
		return args // a flag of serve, or a mistake serve reports
	}
	out := append([]string{args[n]}, args[:n]...)
	return append(out, args[n+1:]...)
}

// usageError is a mistake in the command line (exit status 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// parseArgs parses flags that may come before, between or after the
// positional arguments ("send hello --user Alice"), and returns the
// positional ones.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// exitStatus turns an error into an exit status, printing it.
func exitStatus(stderr io.Writer, prog string, err error) int {
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "%s: %s\nRun \"%s -h\" for usage.\n", prog, ue.msg, prog)
		return exitUsage
	}
	fmt.Fprintf(stderr, "%s: %s\n", prog, err)
	return exitFailure
}
