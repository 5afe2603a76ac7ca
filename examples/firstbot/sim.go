package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/wxkit/mp/sim"
	"github.com/wxkit/mp/wxtest"
)

// Want is the bot's answer to "hello".
const Want = "Hello from wxkit!"

// init switches to the simulator when no account is configured: main then
// runs with the simulator's development credentials on a random port, and
// a simulated follower talks to the bot that main mounted.
func init() {
	if os.Getenv("WECHAT_TOKEN") != "" || testing.Testing() {
		return
	}
	fmt.Fprintln(os.Stderr, "firstbot: WECHAT_TOKEN is unset: running against the built-in simulator (development credentials, safe mode)")
	useSimulator()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := converse(ctx, http.DefaultServeMux, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "firstbot: FAILED:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}()
}

// useSimulator sets the environment main reads to the simulator's public
// development account, and a random port.
func useSimulator() {
	for k, v := range map[string]string{"WECHAT_APPID": sim.DefaultAppID, "WECHAT_TOKEN": sim.DefaultToken,
		"WECHAT_ENCODING_AES_KEY": sim.DefaultEncodingAESKey, "PORT": "0"} {
		_ = os.Setenv(k, v)
	}
}

// converse waits until main has mounted the bot on mux, then starts a
// simulator (safe mode) whose follower Alice follows and says hello, pushed
// to mux in memory, and prints the conversation.
func converse(ctx context.Context, mux *http.ServeMux, out io.Writer) error {
	probe, _ := http.NewRequest(http.MethodPost, "/wechat", nil)
	for {
		if _, pattern := mux.Handler(probe); pattern == "/wechat" {
			break
		}
		select {
		case <-ctx.Done():
			return errors.New("the bot was never mounted at /wechat")
		case <-time.After(10 * time.Millisecond):
		}
	}
	s, err := sim.Start(sim.Options{SafeMode: true, CallbackURL: "http://firstbot.invalid/wechat", HTTPClient: wxtest.HandlerClient(mux)})
	if err != nil {
		return err
	}
	defer s.Close()
	alice := s.NewUser("Alice")
	if _, err := alice.Follow(ctx); err != nil {
		return fmt.Errorf("follow: %w", err)
	}
	fmt.Fprintln(out, "Alice follows the account")
	fmt.Fprintln(out, "Alice: hello")
	reply, err := alice.SendText(ctx, "hello")
	if err != nil {
		return fmt.Errorf("send: %w", err)
	}
	if reply == nil || reply.Content != Want {
		return fmt.Errorf("passive reply %+v, want the text %q", reply, Want)
	}
	fmt.Fprintf(out, "bot (passive reply, encrypted and signed): %s\n", reply.Content)
	return nil
}
