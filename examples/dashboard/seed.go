package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"sync/atomic"
	"time"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/comment"
	"github.com/wxkit/mp/message"
	"github.com/wxkit/mp/sim"
)

// simClock is the simulator's clock: set back in time while the activity is
// played, then back to now.
type simClock struct{ offset atomic.Int64 }

func (c *simClock) Now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

func (c *simClock) SetDay(daysAgo int, hour int) {
	now := time.Now()
	china := time.FixedZone("CST", 8*3600)
	y, m, d := now.In(china).Date()
	at := time.Date(y, m, d-daysAgo, hour, 17, 0, 0, china)
	c.offset.Store(int64(at.Sub(now)))
}

// Growth is the deterministic simulated activity of day i (0 the oldest):
// how many people follow, leave and send messages.
func Growth(i int) (follows, leaves, messages int) {
	return 2 + (i*7)%5, (i%3 + 1) / 2, 3 + (i*5)%7
}

// seededSimulator starts the simulator and a tiny bot, plays `days` days of
// activity ending yesterday, publishes an article with comments and returns
// the dashboard on it.
func seededSimulator(ctx context.Context, days int) (*dashboard, func(), error) {
	clk := &simClock{}
	s, err := sim.Start(sim.Options{Clock: clk.Now})
	if err != nil {
		return nil, nil, err
	}
	r := message.NewRouter()
	r.Default(func(context.Context, message.Message) (message.Reply, error) {
		return message.TextReply{Content: "收到"}, nil
	})
	bot, err := message.NewServer(message.Config{AppID: s.Account().AppID, Token: s.Account().Token}, r, message.WithClock(clk.Now))
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	hs := httptest.NewServer(bot)
	cleanup := func() { hs.Close(); s.Close() }
	s.SetCallbackURL(hs.URL)

	var followers []*sim.Follower
	n := 0
	for i := 0; i < days; i++ {
		clk.SetDay(days-i, 9+i%10)
		follows, leaves, messages := Growth(i)
		for j := 0; j < follows; j++ {
			n++
			f := s.NewUser(fmt.Sprintf("粉丝%d", n))
			if _, err := f.Follow(ctx); err != nil {
				cleanup()
				return nil, nil, err
			}
			followers = append(followers, f)
		}
		for j := 0; j < leaves && len(followers) > 1; j++ {
			if err := followers[0].Unfollow(ctx); err != nil {
				cleanup()
				return nil, nil, err
			}
			followers = followers[1:]
		}
		for j := 0; j < messages; j++ {
			if _, err := followers[j%len(followers)].SendText(ctx, "你好"); err != nil {
				cleanup()
				return nil, nil, err
			}
		}
	}
	clk.SetDay(1, 20)
	pub := s.PublishArticle("本周新品上架", "<p>欢迎留言</p>", true)
	for i, text := range []string{"期待！", "什么时候发货？", "写得真好", "已下单"} {
		if _, err := followers[i%len(followers)].Comment(ctx, pub.MsgDataID, pub.Index, text); err != nil {
			cleanup()
			return nil, nil, err
		}
	}
	clk.offset.Store(0)

	acct := s.Account()
	client, err := mp.New(mp.Config{AppID: acct.AppID, AppSecret: acct.AppSecret}, mp.WithHost(s.URL), mp.WithClock(clk.Now))
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	d := newDashboard(client, days, []comment.Article{{MsgDataID: pub.MsgDataID, Index: pub.Index}})
	d.mode = "simulator"
	return d, cleanup, nil
}
