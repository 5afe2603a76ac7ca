package customer_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/customer"
	"github.com/wxkit/mp/sim"
)

// e2eClock is a settable clock shared by the simulator and the client.
type e2eClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *e2eClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *e2eClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// TestEndToEndCustomerService sends 客服消息 through the simulator: a text
// with a link and a news message reach the follower's inbox as sent; a
// named customer-service account signs a message; outside the 48-hour
// window the platform answers 45015, which IsOutsideWindow recognises.
func TestEndToEndCustomerService(t *testing.T) {
	t.Parallel()
	clock := &e2eClock{now: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
	s := sim.New(sim.Options{Clock: clock.Now})
	t.Cleanup(s.Close)
	acct := s.Account()
	client, err := mp.New(mp.Config{AppID: acct.AppID, AppSecret: acct.AppSecret}, mp.WithHost(s.URL), mp.WithClock(clock.Now))
	require.NoError(t, err)
	cs := customer.New(client)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	alice := s.NewUser("Alice")
	_, err = alice.Follow(ctx)
	require.ErrorIs(t, err, sim.ErrNoCallbackURL, "followed; no bot to push to")

	// A text with a link, sent unescaped.
	text := `订单已发货，<a href="https://example.com/track?id=42&lang=zh">查看物流</a>`
	require.NoError(t, cs.SendText(ctx, alice.OpenID(), text))
	d, err := alice.WaitFor(ctx, func(d sim.Delivery) bool { return d.Kind == sim.DeliveryCustom && d.MsgType == "text" })
	require.NoError(t, err)
	assert.Equal(t, text, d.Content)
	assert.Contains(t, string(d.Raw), `"touser":"`+alice.OpenID()+`"`)
	assert.Contains(t, string(d.Raw), `<a href=\"https://example.com/track?id=42&lang=zh\">`, "no HTML escaping on the wire")

	// News (one article).
	require.NoError(t, cs.Send(ctx, alice.OpenID(), customer.News{Articles: []customer.Article{{
		Title: "春季上新", Description: "新品 8 折", URL: "https://example.com/spring?a=1&b=2", PicURL: "https://example.com/spring.jpg"}}}))
	d, err = alice.WaitFor(ctx, func(d sim.Delivery) bool { return d.Kind == sim.DeliveryCustom && d.MsgType == "news" })
	require.NoError(t, err)
	assert.Equal(t, "春季上新", d.Content)
	assert.Equal(t, "https://example.com/spring?a=1&b=2", d.URL)

	// Typing status, and a message menu.
	require.NoError(t, cs.Typing(ctx, alice.OpenID()))
	require.NoError(t, cs.CancelTyping(ctx, alice.OpenID()))
	require.NoError(t, cs.Send(ctx, alice.OpenID(), customer.MsgMenu{HeadContent: "您对本次服务是否满意呢?",
		List: []customer.MenuItem{{ID: "101", Content: "满意"}, {ID: "102", Content: "不满意"}}, TailContent: "欢迎再次光临"}))
	d, err = alice.WaitFor(ctx, func(d sim.Delivery) bool { return d.MsgType == "msgmenu" })
	require.NoError(t, err)
	assert.Contains(t, d.Content, "满意")

	// A customer-service account, then a message signed by it.
	require.NoError(t, cs.AddAccount(ctx, "test1@wxkit", "客服小王"))
	accounts, err := cs.ListAccounts(ctx)
	require.NoError(t, err)
	require.Len(t, accounts.KFList, 1)
	assert.Equal(t, "test1@wxkit", accounts.KFList[0].KFAccount)
	assert.Equal(t, "客服小王", accounts.KFList[0].KFNick)
	require.NoError(t, cs.SendText(ctx, alice.OpenID(), "小王为您服务", customer.WithKFAccount("test1@wxkit")))
	d, err = alice.WaitFor(ctx, func(d sim.Delivery) bool { return d.Content == "小王为您服务" })
	require.NoError(t, err)
	assert.Contains(t, string(d.Raw), `"customservice":{"kf_account":"test1@wxkit"}`)

	// More than one news article is refused by our validation before
	// sending (WeChat would answer 45008).
	err = cs.Send(ctx, alice.OpenID(), customer.News{Articles: []customer.Article{{Title: "a", URL: "https://a"}, {Title: "b", URL: "https://b"}}})
	require.Error(t, err)

	// The 48-hour window: a follower who followed long ago and never
	// interacted since.
	bob := s.NewUser("Bob")
	_, err = bob.Follow(ctx)
	require.ErrorIs(t, err, sim.ErrNoCallbackURL)
	clock.Advance(sim.CustomerServiceWindow + time.Hour)
	err = cs.SendText(ctx, bob.OpenID(), "还在吗？")
	require.Error(t, err)
	assert.True(t, customer.IsOutsideWindow(err), "%v", err)
	assert.True(t, mp.IsCode(err, mp.CodeReplyTimeLimit))
	assert.Error(t, cs.Typing(ctx, bob.OpenID()))
	for _, d := range bob.Inbox() {
		assert.NotEqual(t, sim.DeliveryCustom, d.Kind)
	}

	// Once Bob writes again, the window reopens.
	_, err = bob.SendText(ctx, "在的")
	require.ErrorIs(t, err, sim.ErrNoCallbackURL)
	require.NoError(t, cs.SendText(ctx, bob.OpenID(), "您好"))
	_, err = bob.WaitFor(ctx, func(d sim.Delivery) bool { return d.Kind == sim.DeliveryCustom && d.Content == "您好" })
	require.NoError(t, err)

	// A user who never interacted at all: WeChat's 45015 reads "response
	// out of time limit or subscription is canceled".
	stranger := s.NewUser("Stranger")
	err = cs.SendText(ctx, stranger.OpenID(), "hi")
	assert.True(t, customer.IsOutsideWindow(err), "%v", err)
}
