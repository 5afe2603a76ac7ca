package wxtest_test

import (
	"context"
	"testing"

	"github.com/wxkit/mp/message"
	"github.com/wxkit/mp/sim"
	"github.com/wxkit/mp/wxtest"
)

// TestBot is the complete test of a bot shown in the README, verbatim.
func TestBot(t *testing.T) {
	r := message.NewRouter()
	r.Keyword("hello", func(context.Context, message.Message) (message.Reply, error) {
		return message.TextReply{Content: "Hello from wxkit!"}, nil
	})
	bot, err := message.NewServer(wxtest.MessageConfig(), r)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := wxtest.StartBot(t, bot, sim.Options{SafeMode: true})
	reply, err := wxtest.Follow(t, s, "Alice").SendText(t.Context(), "hello")
	if err != nil || reply.Content != "Hello from wxkit!" {
		t.Fatalf("reply %+v, err %v", reply, err)
	}
}

func TestStartClientCallsTheSimulator(t *testing.T) {
	t.Parallel()
	s, client := wxtest.Start(t, sim.Options{})
	tok, err := client.AccessToken(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if tok == "" {
		t.Fatal("empty access_token from the simulator")
	}
	if s.URL == "" {
		t.Fatal("the simulator has no URL")
	}
}

func TestStartClosesTheSimulatorAtCleanup(t *testing.T) {
	t.Parallel()
	var s *sim.Sim
	t.Run("inner", func(t *testing.T) {
		s, _ = wxtest.Start(t, sim.Options{})
	})
	_, err := s.NewUser("Bob").SendText(context.Background(), "hi")
	if err == nil {
		t.Fatal("the simulator still answers after the test that started it ended")
	}
}

func TestStartBotPlaintextAndCallbackPath(t *testing.T) {
	t.Parallel()
	r := message.NewRouter()
	r.Default(func(_ context.Context, m message.Message) (message.Reply, error) {
		return message.TextReply{Content: "got " + m.(*message.Text).Content}, nil
	})
	cfg := wxtest.MessageConfig()
	cfg.EncodingAESKey = "" // a plaintext bot: with a key it would refuse plaintext pushes
	srv, err := message.NewServer(cfg, r)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := wxtest.StartBot(t, srv, sim.Options{})
	if got := s.CallbackURL(); got != wxtest.BotURL {
		t.Fatalf("CallbackURL = %q, want %q", got, wxtest.BotURL)
	}
	reply, err := wxtest.Follow(t, s, "Carol").SendText(t.Context(), "ping")
	if err != nil {
		t.Fatal(err)
	}
	if reply.Content != "got ping" {
		t.Fatalf("reply %q", reply.Content)
	}
}

func TestConfigsMatchTheDefaultSimulator(t *testing.T) {
	t.Parallel()
	s, _ := wxtest.Start(t, sim.Options{})
	a := s.Account()
	mc, cc := wxtest.MessageConfig(), wxtest.ClientConfig()
	if mc.AppID != a.AppID || mc.Token != a.Token || mc.EncodingAESKey != a.EncodingAESKey {
		t.Fatalf("MessageConfig does not match the simulator's account %v", a)
	}
	if cc.AppID != a.AppID || cc.AppSecret != a.AppSecret || cc.Token != a.Token || cc.EncodingAESKey != a.EncodingAESKey {
		t.Fatalf("ClientConfig does not match the simulator's account %v", a)
	}
}
