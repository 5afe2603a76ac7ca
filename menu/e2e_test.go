package menu_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/menu"
	"github.com/wxkit/mp/message"
	"github.com/wxkit/mp/sim"
	"github.com/wxkit/mp/user"
)

// countingTransport counts the requests that reach the network.
type countingTransport struct{ n atomic.Int64 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

// leaves returns bs with the empty sub_button lists of leaf buttons (menu/get
// answers "sub_button":[] for them) set to nil, for comparisons.
func leaves(bs []menu.Button) []menu.Button {
	out := make([]menu.Button, len(bs))
	for i, b := range bs {
		out[i] = b
		if len(b.SubButtons) == 0 {
			out[i].SubButtons = nil
		} else {
			out[i].SubButtons = leaves(b.SubButtons)
		}
	}
	return out
}

// TestEndToEndMenu creates a menu with the builders, reads it back through
// both query APIs, lets a follower click it (the CLICK and VIEW events reach
// our callback server), adds a conditional menu for a tag, and checks that
// an invalid menu is refused by our validation without a request.
func TestEndToEndMenu(t *testing.T) {
	t.Parallel()
	s := sim.New(sim.Options{SafeMode: true})
	t.Cleanup(s.Close)
	acct := s.Account()
	transport := &countingTransport{}
	client, err := mp.New(mp.Config{AppID: acct.AppID, AppSecret: acct.AppSecret}, mp.WithHost(s.URL),
		mp.WithHTTPClient(&http.Client{Transport: transport}))
	require.NoError(t, err)
	menus := menu.New(client)
	ctx := context.Background()

	r := message.NewRouter()
	r.Event(message.EventClick, func(_ context.Context, m message.Message) (message.Reply, error) {
		return message.TextReply{Content: "clicked " + m.MessageHeader().EventKey}, nil
	})
	views := make(chan *message.View, 1)
	r.Event(message.EventView, func(_ context.Context, m message.Message) (message.Reply, error) {
		views <- m.(*message.View)
		return nil, nil
	})
	srv, err := message.NewServer(message.Config{AppID: acct.AppID, Token: acct.Token, EncodingAESKey: acct.EncodingAESKey}, r)
	require.NoError(t, err)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	s.SetCallbackURL(hs.URL)

	// Nothing yet: 46003.
	_, err = menus.Get(ctx)
	assert.True(t, mp.IsCode(err, mp.CodeMenuNotFound), "%v", err)

	buttons := []menu.Button{
		menu.Click("今日歌曲", "V1001_TODAY_MUSIC"),
		menu.Parent("菜单",
			menu.View("搜索", "https://www.soso.com/?q=a&b=c"),
			menu.MiniProgram("wxa", "https://mp.weixin.qq.com", "wx286b93c14bbf93aa", "pages/lunar/index"),
			menu.Click("赞一下我们", "V1001_GOOD"),
			menu.ScanCodePush("扫码", "rselfmenu_0_1"),
		),
		menu.LocationSelect("发送位置", "rselfmenu_2_0"),
	}
	require.NoError(t, menus.Create(ctx, buttons...))

	got, err := menus.Get(ctx)
	require.NoError(t, err)
	assert.Equal(t, buttons, leaves(got.Menu.Buttons), "the menu comes back as created")
	assert.Empty(t, got.Conditional)
	// What Get answers can be created again as it is.
	require.NoError(t, menu.Validate(got.Menu.Buttons))
	require.NoError(t, menus.Create(ctx, got.Menu.Buttons...))

	self, err := menus.CurrentSelfMenu(ctx)
	require.NoError(t, err)
	assert.True(t, self.IsOpen())

	// A follower clicks.
	alice := s.NewUser("Alice")
	_, err = alice.Follow(ctx)
	require.NoError(t, err)
	reply, err := alice.ClickMenu(ctx, "V1001_GOOD")
	require.NoError(t, err)
	require.NotNil(t, reply)
	assert.Equal(t, "clicked V1001_GOOD", reply.Content)
	_, err = alice.ViewMenu(ctx, "https://www.soso.com/?q=a&b=c")
	require.NoError(t, err)
	v := <-views
	assert.Equal(t, "https://www.soso.com/?q=a&b=c", v.EventKey)
	_, err = alice.ClickMenu(ctx, "NOT_IN_MENU")
	assert.ErrorIs(t, err, sim.ErrNoSuchMenuButton)

	// A conditional menu for the followers carrying a tag.
	users := user.New(client)
	vip, err := users.CreateTag(ctx, "VIP")
	require.NoError(t, err)
	bob := s.NewUser("Bob")
	_, err = bob.Follow(ctx)
	require.NoError(t, err)
	require.NoError(t, users.TagUsers(ctx, vip.ID, []string{bob.OpenID()}))
	vipButtons := []menu.Button{menu.Click("VIP 专享", "VIP_OFFER")}
	id, err := menus.AddConditional(ctx, &menu.ConditionalMenu{Buttons: vipButtons, MatchRule: menu.MatchRule{TagID: strconv.Itoa(vip.ID)}})
	require.NoError(t, err)
	assert.NotEmpty(t, id)

	got, err = menus.Get(ctx)
	require.NoError(t, err)
	require.Len(t, got.Conditional, 1)
	assert.Equal(t, id, got.Conditional[0].MenuID)
	assert.Equal(t, vipButtons, leaves(got.Conditional[0].Buttons))
	assert.Equal(t, strconv.Itoa(vip.ID), got.Conditional[0].MatchRule.TagID)
	assert.NotEmpty(t, got.Menu.MenuID)

	match, err := menus.TryMatch(ctx, bob.OpenID())
	require.NoError(t, err)
	assert.Equal(t, vipButtons, leaves(match.Buttons))
	match, err = menus.TryMatch(ctx, alice.OpenID())
	require.NoError(t, err)
	assert.Equal(t, buttons, leaves(match.Buttons))

	reply, err = bob.ClickMenu(ctx, "VIP_OFFER")
	require.NoError(t, err)
	assert.Equal(t, "clicked VIP_OFFER", reply.Content)
	_, err = alice.ClickMenu(ctx, "VIP_OFFER")
	assert.ErrorIs(t, err, sim.ErrNoSuchMenuButton, "Alice sees the default menu")

	// Rules on gender/region/language are refused before sending (65320).
	sent := transport.n.Load()
	_, err = menus.AddConditional(ctx, &menu.ConditionalMenu{Buttons: vipButtons, MatchRule: menu.MatchRule{Sex: "1"}})
	require.Error(t, err)
	assert.Equal(t, sent, transport.n.Load())

	require.NoError(t, menus.DeleteConditional(ctx, id))
	got, err = menus.Get(ctx)
	require.NoError(t, err)
	assert.Empty(t, got.Conditional)

	// Invalid menus never leave the process.
	sent = transport.n.Load()
	invalid := [][]menu.Button{
		{menu.Click("a", "a"), menu.Click("b", "b"), menu.Click("c", "c"), menu.Click("d", "d")}, // 4 top-level buttons
		{menu.Click("这个按钮的名字实在是太长了", "k")},                                                       // name over 16 bytes
		{menu.Parent("p", menu.Click("1", "1"), menu.Click("2", "2"), menu.Click("3", "3"), menu.Click("4", "4"), menu.Click("5", "5"), menu.Click("6", "6"))},
		{menu.Click("k", "")},
		{},
	}
	for i, bs := range invalid {
		err := menus.Create(ctx, bs...)
		var ve *mp.ValidationError
		assert.True(t, errors.As(err, &ve), "menu %d: %v", i, err)
	}
	assert.Equal(t, sent, transport.n.Load(), "no request was sent")
	assert.Len(t, s.Menu(), 3, "the platform's menu is unchanged")

	// What only the platform knows: a view button must link to http(s).
	err = menus.Create(ctx, menu.View("v", "ftp://example.com/"))
	assert.True(t, mp.IsCode(err, 40055), "%v", err)

	require.NoError(t, menus.Delete(ctx))
	_, err = menus.Get(ctx)
	assert.True(t, mp.IsCode(err, mp.CodeMenuNotFound), "%v", err)
	_, err = alice.ClickMenu(ctx, "V1001_GOOD")
	assert.ErrorIs(t, err, sim.ErrNoSuchMenuButton)
}
