package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/wxkit/mp/sim"
)

// logActivity prints one line to w for every push to the bot and every
// answer (passive reply, no reply, rejected reply) and every message the
// account sends a follower through the API (客服消息, 模板消息, 群发), until
// stop is called. It is wxsim's default terminal output; -q turns it off.
func logActivity(s *sim.Sim, w io.Writer) (stop func()) { return logActivityAs(s, w, "") }

// logActivityAs is logActivity naming the follower "NAME@LABEL" when label
// is not empty (the account, when several are hosted).
func logActivityAs(s *sim.Sim, w io.Writer, label string) (stop func()) {
	events, cancel := s.Subscribe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range events {
			if line := activityLine(s, ev, label); line != "" {
				fmt.Fprintln(w, line)
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			select {
			case <-done:
			case <-time.After(2 * time.Second):
			}
		})
	}
}

// activityLine describes one event in a line, or "" for events not logged.
func activityLine(s *sim.Sim, ev sim.Event, label string) string {
	who := ev.OpenID
	if f, ok := s.User(ev.OpenID); ok {
		who = f.Name()
	}
	if label != "" {
		who += "@" + label
	}
	ts := ev.Time.Local().Format("15:04:05")
	switch ev.Kind {
	case sim.EventCallback:
		it, _ := itemFromEvent(ev)
		what := ev.MsgType
		if ev.Event != "" {
			what = "event " + ev.Event
		}
		return fmt.Sprintf("%s push   %s → bot: %s %s", ts, who, what, short(it.Text))
	case sim.EventReply:
		r := ev.Reply
		if r == nil {
			return ""
		}
		text := r.Content
		switch {
		case r.MsgType == "news" && len(r.Articles) > 0:
			text = r.Articles[0].Title
		case text == "" && r.MediaID != "":
			text = r.MediaID
		}
		return fmt.Sprintf("%s reply  bot → %s: passive reply (被动回复) %s %s", ts, who, r.MsgType, short(text))
	case sim.EventNoReply:
		return fmt.Sprintf("%s reply  bot → %s: no passive reply (empty or \"success\")", ts, who)
	case sim.EventReplyError:
		return fmt.Sprintf("%s reply  bot ✗ %s: REJECTED, the follower sees %q: %s", ts, who, sim.ServiceUnavailableNotice, short(ev.Err))
	case sim.EventDelivered:
		d := ev.Delivery
		if d == nil {
			return ""
		}
		label := map[sim.DeliveryKind]string{sim.DeliveryCustom: "customer-service message (客服消息)",
			sim.DeliveryTemplate: "template message (模板消息)", sim.DeliveryMass: "mass message (群发)"}[d.Kind]
		if label == "" {
			return "" // passive replies and notices are logged as replies
		}
		it, _ := itemFromEvent(ev)
		return fmt.Sprintf("%s send   bot → %s: %s %s %s", ts, who, label, d.MsgType, short(it.Text))
	}
	return ""
}

// short puts text on one line of at most 100 characters.
func short(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) <= 100 {
		return text
	}
	r := []rune(text)
	return string(r[:99]) + "…"
}
