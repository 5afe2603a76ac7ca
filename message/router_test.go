package message_test

import (
	"context"
	"errors"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/message"
)

func named(name string) message.HandlerFunc {
	return func(context.Context, message.Message) (message.Reply, error) {
		return message.TextReply{Content: name}, nil
	}
}

func route(t *testing.T, h message.Handler, m message.Message) string {
	t.Helper()
	r, err := h.ServeMessage(context.Background(), m)
	require.NoError(t, err)
	if r == nil {
		return ""
	}
	return r.(message.TextReply).Content
}

func text(content string) *message.Text {
	return &message.Text{Header: message.Header{ToUserName: "gh", FromUserName: "u1", MsgType: "text"}, Content: content}
}

func event(ev, key string) message.Message {
	return &message.Click{Header: message.Header{ToUserName: "gh", FromUserName: "u1", MsgType: "event", Event: ev, EventKey: key}}
}

func TestRouterMatchingOrder(t *testing.T) {
	t.Parallel()
	r := message.NewRouter()
	r.KeywordRegexp(regexp.MustCompile(`^he`), named("regexp"))
	r.KeywordPrefix("hel", named("prefix-hel"))
	r.KeywordPrefix("help", named("prefix-help")) // registered later: loses to "hel"
	r.Keyword("help", named("exact"))
	r.Handle(message.MsgTypeText, named("type-text"))
	r.Handle(message.MsgTypeEvent, named("type-event"))
	r.Event(message.EventClick, named("event"))
	r.EventKey(message.EventClick, "MENU_1", named("key-exact"))
	r.EventKeyPrefix(message.EventClick, "MENU_", named("key-prefix"))
	r.EventKeyPrefix(message.EventSubscribe, message.QRScenePrefix, named("qr-subscribe"))
	r.Default(named("default"))

	assert.Equal(t, "exact", route(t, r, text("  help \n")))
	assert.Equal(t, "prefix-hel", route(t, r, text("helpme")))
	assert.Equal(t, "regexp", route(t, r, text("hey")))
	assert.Equal(t, "type-text", route(t, r, text("other")))
	assert.Equal(t, "key-exact", route(t, r, event("CLICK", "MENU_1")))
	assert.Equal(t, "key-prefix", route(t, r, event("CLICK", "MENU_2")))
	assert.Equal(t, "event", route(t, r, event("CLICK", "X")))
	assert.Equal(t, "qr-subscribe", route(t, r, event("subscribe", "qrscene_7")))
	assert.Equal(t, "type-event", route(t, r, event("subscribe", "")))
	assert.Equal(t, "default", route(t, r, &message.Image{Header: message.Header{MsgType: "image"}}))

	empty := message.NewRouter()
	assert.Equal(t, "", route(t, empty, text("x")))
	assert.Equal(t, "", route(t, empty, nil))
}

func TestRouterMiddleware(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var order []string
	var obs []message.Observation
	trace := func(name string) message.Middleware {
		return func(next message.Handler) message.Handler {
			return message.HandlerFunc(func(ctx context.Context, m message.Message) (message.Reply, error) {
				mu.Lock()
				order = append(order, name)
				mu.Unlock()
				return next.ServeMessage(ctx, m)
			})
		}
	}
	sink := &logSink{}
	logger := slog.New(sink)
	r := message.NewRouter()
	r.Use(message.Logging(logger), message.Recovery(logger), trace("a"), trace("b"),
		message.Metrics(func(_ context.Context, o message.Observation) {
			mu.Lock()
			obs = append(obs, o)
			mu.Unlock()
		}))
	r.Keyword("panic", func(context.Context, message.Message) (message.Reply, error) { panic("kaboom") })
	r.Keyword("fail", func(context.Context, message.Message) (message.Reply, error) { return nil, errors.New("nope") })
	r.Default(named("ok"))

	assert.Equal(t, "ok", route(t, r, text("x")))
	assert.Equal(t, []string{"a", "b"}, order)
	assert.Equal(t, "", route(t, r, text("panic")), "a panic becomes a nil reply")
	_, err := r.ServeMessage(context.Background(), text("fail"))
	assert.EqualError(t, err, "nope")
	require.Len(t, obs, 2, "metrics sees the calls that did not panic below it")
	assert.True(t, obs[0].Replied)
	assert.Equal(t, "text", obs[0].MsgType)
	assert.EqualError(t, obs[1].Err, "nope")
	logs := strings.Join(sink.lines(), "\n")
	assert.Contains(t, logs, "kaboom")
	assert.Contains(t, logs, "handler panicked")
	assert.Contains(t, logs, "err=nope")
}

// billingFlow is the flow of the package example: a menu, then a question.
func billingFlow(r *message.Router) *message.Flow {
	billing := r.Flow("billing", func(ctx context.Context, s *message.Session, m message.Message) (message.Reply, error) {
		t, ok := m.(*message.Text)
		if !ok {
			return nil, message.ErrNotHandled // events etc. are routed normally
		}
		in := strings.TrimSpace(t.Content)
		switch s.Step {
		case "menu":
			switch in {
			case "1":
				s.End()
				return message.TextReply{Content: "balance 42.00"}, nil
			case "2":
				s.Next("month")
				return message.TextReply{Content: "which month?"}, nil
			}
			return message.TextReply{Content: "reply 1 or 2"}, nil
		case "month":
			s.Set("month", in)
			s.Next("confirm")
			return message.TextReply{Content: "send bill of " + in + "? y/n"}, nil
		case "confirm":
			s.End()
			if in == "y" {
				return message.TextReply{Content: "bill of " + s.Get("month") + " sent"}, nil
			}
			return message.TextReply{Content: "cancelled"}, nil
		}
		s.End()
		return nil, nil
	})
	r.Keyword("account", func(ctx context.Context, m message.Message) (message.Reply, error) {
		return message.TextReply{Content: "reply 1 for balance, 2 for bill"}, billing.Start(ctx, m, "menu")
	})
	r.Default(named("default"))
	r.Event(message.EventClick, named("click"))
	return billing
}

func testFlows(t *testing.T, store message.FlowStore) {
	r := message.NewRouter(message.WithFlowStore(store), message.WithFlowTTL(time.Minute))
	billing := billingFlow(r)
	assert.Equal(t, "billing", billing.Name())
	u1 := func(c string) *message.Text { return text(c) }
	u2 := func(c string) *message.Text { m := text(c); m.FromUserName = "u2"; return m }

	assert.Equal(t, "default", route(t, r, u1("1")), "not in a flow yet")
	assert.Equal(t, "reply 1 for balance, 2 for bill", route(t, r, u1("account")))
	assert.Equal(t, "default", route(t, r, u2("1")), "flows are per user")
	assert.Equal(t, "reply 1 or 2", route(t, r, u1("what")))
	assert.Equal(t, "click", route(t, r, event("CLICK", "k")), "ErrNotHandled falls through to routes")
	assert.Equal(t, "which month?", route(t, r, u1("2")))
	assert.Equal(t, "send bill of 2024-05? y/n", route(t, r, u1("2024-05")))
	assert.Equal(t, "bill of 2024-05 sent", route(t, r, u1("y")))
	assert.Equal(t, "default", route(t, r, u1("y")), "flow ended")

	assert.Equal(t, "reply 1 for balance, 2 for bill", route(t, r, u1("account")))
	assert.Equal(t, "balance 42.00", route(t, r, u1("1")))
	assert.Equal(t, "default", route(t, r, u1("1")))

	// Stop from outside.
	require.NoError(t, billing.Start(context.Background(), u1("x"), "menu"))
	require.NoError(t, billing.Stop(context.Background(), u1("x")))
	assert.Equal(t, "default", route(t, r, u1("1")))
}

func TestFlowsMemory(t *testing.T) {
	t.Parallel()
	testFlows(t, message.NewMemoryFlowStore(0))
}

func TestFlowExpiry(t *testing.T) {
	t.Parallel()
	r := message.NewRouter(message.WithFlowTTL(30 * time.Millisecond))
	billingFlow(r)
	assert.Equal(t, "reply 1 for balance, 2 for bill", route(t, r, text("account")))
	time.Sleep(60 * time.Millisecond)
	assert.Equal(t, "default", route(t, r, text("1")), "the flow expired")
}

func TestFlowStartFromStepSwitchesFlow(t *testing.T) {
	t.Parallel()
	r := message.NewRouter()
	var second *message.Flow
	first := r.Flow("first", func(ctx context.Context, s *message.Session, m message.Message) (message.Reply, error) {
		return message.TextReply{Content: "to second"}, second.Start(ctx, m, "s1")
	})
	second = r.Flow("second", func(ctx context.Context, s *message.Session, m message.Message) (message.Reply, error) {
		s.End()
		return message.TextReply{Content: "second " + s.Step}, nil
	})
	require.NoError(t, first.Start(context.Background(), text("x"), "a"))
	assert.Equal(t, "to second", route(t, r, text("x")))
	assert.Equal(t, "second s1", route(t, r, text("x")))
	assert.Equal(t, "", route(t, r, text("x")))
}

type brokenFlowStore struct{}

func (brokenFlowStore) LoadFlow(context.Context, string) (message.FlowState, bool, error) {
	return message.FlowState{}, false, errors.New("down")
}
func (brokenFlowStore) SaveFlow(context.Context, string, message.FlowState, time.Duration) error {
	return errors.New("down")
}
func (brokenFlowStore) DeleteFlow(context.Context, string) error { return errors.New("down") }

func TestFlowStoreFailureRoutesNormally(t *testing.T) {
	t.Parallel()
	sink := &logSink{}
	r := message.NewRouter(message.WithFlowStore(brokenFlowStore{}), message.WithRouterLogger(slog.New(sink)))
	billingFlow(r)
	assert.Equal(t, "default", route(t, r, text("1")))
	assert.Contains(t, strings.Join(sink.lines(), "\n"), "flow store load failed")
}

func TestMemoryFlowStoreCapacity(t *testing.T) {
	t.Parallel()
	s := message.NewMemoryFlowStore(2)
	ctx := context.Background()
	require.NoError(t, s.SaveFlow(ctx, "a", message.FlowState{Flow: "f", Step: "1"}, time.Minute))
	require.NoError(t, s.SaveFlow(ctx, "b", message.FlowState{Flow: "f", Step: "1"}, 2*time.Minute))
	require.NoError(t, s.SaveFlow(ctx, "c", message.FlowState{Flow: "f", Step: "1", Data: map[string]string{"k": "v"}}, 3*time.Minute))
	_, ok, _ := s.LoadFlow(ctx, "a")
	assert.False(t, ok, "the entry closest to expiry is dropped")
	st, ok, _ := s.LoadFlow(ctx, "c")
	assert.True(t, ok)
	assert.Equal(t, "v", st.Data["k"])
}
