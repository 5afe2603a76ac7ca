package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/wxkit/mp/message"
	"github.com/wxkit/mp/sim"
)

// runSmoke is echo -smoke: one scripted conversation against an in-process
// simulator (package github.com/wxkit/mp/sim) in safe mode. echo serves its
// handler on a free port of 127.0.0.1 with the development credentials and
// creates its menu on the simulator; a simulated follower follows
// (expecting Welcome), sends "hello" (expecting "hello") and clicks the
// Hello button (expecting HelloReply). Each step is printed; any failure is
// an error. The environment and the other flags are ignored.
func runSmoke(ctx context.Context, stdout, stderr io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	fmt.Fprintln(stderr, "echo: -smoke: running against the built-in simulator (safe mode)")

	s, err := sim.Start(sim.Options{SafeMode: true})
	if err != nil {
		return fmt.Errorf("starting the simulator: %w", err)
	}
	defer s.Close()

	cfg, _ := loadConfig(func(string) string { return "" }) // the development credentials
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	h, err := newHandler(cfg, message.WithLogger(logger))
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	public := "http://" + ln.Addr().String()
	setupMenu, err := addWeb(h, cfg.AppID, apiConfig{AppSecret: devAppSecret, BaseURL: s.URL, PublicURL: public}, stderr)
	if err != nil {
		_ = ln.Close()
		return err
	}
	server := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- server.Serve(ln) }()
	defer func() {
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer scancel()
		_ = server.Shutdown(sctx)
		<-errc
	}()
	s.SetCallbackURL(public + Path)
	fmt.Fprintf(stdout, "echo on %s%s, simulator on %s (safe mode)\n", public, Path, s.URL)

	setupMenu(ctx)
	if !hasClickButton(s.Menu(), HelloKey) {
		return errors.New("echo did not create its menu on the simulator")
	}
	fmt.Fprintln(stdout, "1. echo created its menu on the simulator (Hello, Profile)")

	alice := s.NewUser("Alice")
	steps := []struct {
		what string
		do   func(context.Context) (*sim.Reply, error)
		want string
	}{
		{"follows", alice.Follow, Welcome},
		{`sends "hello"`, func(ctx context.Context) (*sim.Reply, error) { return alice.SendText(ctx, "hello") }, "hello"},
		{"clicks Hello", func(ctx context.Context) (*sim.Reply, error) { return alice.ClickMenu(ctx, HelloKey) }, HelloReply},
	}
	for i, st := range steps {
		r, err := st.do(ctx)
		if err != nil {
			return fmt.Errorf("%s %s: %w", alice.Name(), st.what, err)
		}
		if r == nil || r.MsgType != "text" || r.Content != st.want {
			return fmt.Errorf("%s %s: got %s, want the text %q", alice.Name(), st.what, describe(r), st.want)
		}
		fmt.Fprintf(stdout, "%d. %s %s: echo replies %q (signed and encrypted, checked by the simulator)\n", i+2, alice.Name(), st.what, r.Content)
	}
	fmt.Fprintln(stdout, "smoke test passed")
	return nil
}

// hasClickButton reports whether menu has a click button with key.
func hasClickButton(menu []sim.Button, key string) bool {
	for _, b := range menu {
		if b.Type == "click" && b.Key == key || hasClickButton(b.SubButton, key) {
			return true
		}
	}
	return false
}

// describe summarizes a passive reply for an error message.
func describe(r *sim.Reply) string {
	if r == nil {
		return "no reply"
	}
	if r.MsgType == "text" {
		return fmt.Sprintf("the text %q", r.Content)
	}
	return "a " + r.MsgType + " reply"
}
