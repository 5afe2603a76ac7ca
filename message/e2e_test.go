package message_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/customer"
	"github.com/wxkit/mp/internal/simtest"
	"github.com/wxkit/mp/media"
	"github.com/wxkit/mp/menu"
	"github.com/wxkit/mp/message"
	"github.com/wxkit/mp/sim"
)

// e2eBot is a small bot built with the SDK: a Router behind a
// message.Server, with late replies going out through 客服消息.
type e2eBot struct {
	mu   sync.Mutex
	seen []string // "MsgType/Event" of every push the handlers saw
}

func (b *e2eBot) saw(m message.Message) {
	h := m.MessageHeader()
	b.mu.Lock()
	b.seen = append(b.seen, h.MsgType+"/"+h.Event)
	b.mu.Unlock()
}

func (b *e2eBot) pushes() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.seen...)
}

func (b *e2eBot) router(slow <-chan struct{}) *message.Router {
	r := message.NewRouter()
	r.Event(message.EventSubscribe, func(_ context.Context, m message.Message) (message.Reply, error) {
		b.saw(m)
		return message.TextReply{Content: "欢迎关注 <wxkit> & co, " + m.MessageHeader().FromUserName}, nil
	})
	r.Event(message.EventUnsubscribe, func(_ context.Context, m message.Message) (message.Reply, error) {
		b.saw(m)
		return nil, nil
	})
	r.EventKey(message.EventClick, "V1001_TODAY_MUSIC", func(_ context.Context, m message.Message) (message.Reply, error) {
		b.saw(m)
		return message.NewsReply{Articles: []message.Article{
			{Title: "今日歌曲", Description: "点击收听", PicURL: "https://example.com/a.png", URL: "https://example.com/music?a=1&b=2"},
			{Title: "更多", URL: "https://example.com/more"},
		}}, nil
	})
	r.Keyword("hello", func(_ context.Context, m message.Message) (message.Reply, error) {
		b.saw(m)
		return message.TextReply{Content: "hi " + m.(*message.Text).Content}, nil
	})
	r.Keyword("slow", func(ctx context.Context, m message.Message) (message.Reply, error) {
		b.saw(m)
		select {
		case <-slow:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return message.TextReply{Content: "sorry for the wait"}, nil
	})
	r.Handle(message.MsgTypeImage, func(_ context.Context, m message.Message) (message.Reply, error) {
		b.saw(m)
		// Echo the picture back: the simulator checks the media_id exists.
		return message.ImageReply{MediaID: m.(*message.Image).MediaID}, nil
	})
	r.Default(func(_ context.Context, m message.Message) (message.Reply, error) {
		b.saw(m)
		return nil, nil
	})
	return r
}

// TestEndToEndCallbackServer pushes a follower's subscribe, text, image and
// CLICK to our message.Server, in plaintext and in safe mode; the simulator
// checks each passive reply (addressing, format and, in safe mode, the
// signature and encryption) as WeChat does.
func TestEndToEndCallbackServer(t *testing.T) {
	t.Parallel()
	for _, safe := range []bool{false, true} {
		name := "plaintext"
		if safe {
			name = "safe"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, client := simtest.New(t, sim.Options{SafeMode: safe})
			acct := s.Account()

			cfg := message.Config{AppID: acct.AppID, Token: acct.Token}
			if safe {
				cfg.EncodingAESKey = acct.EncodingAESKey
			}
			bot := &e2eBot{}
			srv, err := message.NewServer(cfg, bot.router(nil))
			require.NoError(t, err)
			assert.Equal(t, safe, srv.Encrypted())
			hs := httptest.NewServer(srv)
			t.Cleanup(hs.Close)
			s.SetCallbackURL(hs.URL + "/wechat")

			ctx := context.Background()
			require.NoError(t, menu.New(client).Create(ctx,
				menu.Click("今日歌曲", "V1001_TODAY_MUSIC"),
				menu.Parent("菜单", menu.View("搜索", "https://www.soso.com/"), menu.Click("赞一下", "V1001_GOOD"))))

			alice := s.NewUser("Alice")
			reply, err := alice.Follow(ctx)
			require.NoError(t, err)
			require.NotNil(t, reply)
			assert.Equal(t, "text", reply.MsgType)
			assert.Equal(t, "欢迎关注 <wxkit> & co, "+alice.OpenID(), reply.Content)
			assert.Equal(t, alice.OpenID(), reply.ToUserName)
			assert.Equal(t, acct.OriginalID, reply.FromUserName)

			reply, err = alice.SendText(ctx, "  hello ")
			require.NoError(t, err)
			require.NotNil(t, reply)
			assert.Equal(t, "hi   hello ", reply.Content)

			reply, err = alice.SendText(ctx, "something else")
			require.NoError(t, err)
			assert.Nil(t, reply, "no reply: the server answered success")

			reply, err = alice.SendImage(ctx, "https://example.com/cat.jpg")
			require.NoError(t, err)
			require.NotNil(t, reply)
			assert.Equal(t, "image", reply.MsgType)
			assert.NotEmpty(t, reply.MediaID)

			reply, err = alice.ClickMenu(ctx, "V1001_TODAY_MUSIC")
			require.NoError(t, err)
			require.NotNil(t, reply)
			assert.Equal(t, "news", reply.MsgType)
			require.Len(t, reply.Articles, 2)
			assert.Equal(t, "今日歌曲", reply.Articles[0].Title)
			assert.Equal(t, "https://example.com/music?a=1&b=2", reply.Articles[0].URL)

			reply, err = alice.ClickMenu(ctx, "V1001_GOOD")
			require.NoError(t, err)
			assert.Nil(t, reply)

			require.NoError(t, alice.Unfollow(ctx))

			assert.Equal(t, []string{"event/subscribe", "text/", "text/", "image/", "event/CLICK", "event/CLICK", "event/unsubscribe"}, bot.pushes())
			var kinds []sim.DeliveryKind
			for _, d := range alice.Inbox() {
				kinds = append(kinds, d.Kind)
			}
			assert.Equal(t, []sim.DeliveryKind{sim.DeliveryReply, sim.DeliveryReply, sim.DeliveryReply, sim.DeliveryReply}, kinds,
				"four passive replies and no 'service unavailable' notice")
		})
	}
}

// TestEndToEndLateReply is the 5-second rule: a handler slower than the
// reply deadline gets "success" answered for it, and its reply reaches the
// follower later through customer.Service (客服消息).
func TestEndToEndLateReply(t *testing.T) {
	t.Parallel()
	for _, safe := range []bool{false, true} {
		name := "plaintext"
		if safe {
			name = "safe"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, client := simtest.New(t, sim.Options{SafeMode: safe, ReplyTimeout: 2 * time.Second})
			acct := s.Account()

			cfg := message.Config{AppID: acct.AppID, Token: acct.Token}
			if safe {
				cfg.EncodingAESKey = acct.EncodingAESKey
			}
			slow := make(chan struct{})
			bot := &e2eBot{}
			srv, err := message.NewServer(cfg, bot.router(slow),
				message.WithReplyDeadline(50*time.Millisecond), message.WithLateReply(customer.New(client)))
			require.NoError(t, err)
			hs := httptest.NewServer(srv)
			t.Cleanup(hs.Close)
			s.SetCallbackURL(hs.URL)

			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			bob := s.NewUser("Bob")
			_, err = bob.Follow(ctx)
			require.NoError(t, err)

			start := time.Now()
			reply, err := bob.SendText(ctx, "slow")
			require.NoError(t, err, "the server answered in time")
			assert.Nil(t, reply, "the server answered success, not a reply")
			assert.Less(t, time.Since(start), time.Second)
			close(slow)

			d, err := bob.WaitFor(ctx, func(d sim.Delivery) bool { return d.Kind == sim.DeliveryCustom })
			require.NoError(t, err)
			assert.Equal(t, "text", d.MsgType)
			assert.Equal(t, "sorry for the wait", d.Content)
			assert.True(t, strings.Contains(string(d.Raw), bob.OpenID()), "the custom message is addressed to Bob: %s", d.Raw)
			for _, d := range bob.Inbox() {
				assert.NotEqual(t, sim.DeliveryError, d.Kind, "no 'service unavailable' notice")
			}
		})
	}
}

// TestEndToEndMessageTypesAndReplies sends every kind of user message the
// simulator has (text, image, voice with recognition, location, link) and
// answers with every passive reply type (text, image, voice, video, music,
// news, transfer to customer service), in safe mode: the simulator's parser
// and ours must agree on each element name.
func TestEndToEndMessageTypesAndReplies(t *testing.T) {
	t.Parallel()
	s, client := simtest.New(t, sim.Options{SafeMode: true})
	acct := s.Account()
	ctx := context.Background()

	// Media the replies refer to (新增临时素材).
	up := func(typ media.MediaType, name, data string) string {
		m, err := media.New(client).Upload(ctx, typ, media.File{Name: name, Reader: strings.NewReader(data)})
		require.NoError(t, err)
		return m.MediaID
	}
	voice := up(media.Voice, "hello.amr", "#!AMR\n fake voice")
	video := up(media.Video, "clip.mp4", "\x00\x00\x00\x18ftypmp42 fake video")
	thumb := up(media.Thumb, "thumb.jpg", "\xff\xd8\xff\xe0 fake jpeg")

	r := message.NewRouter()
	r.Handle(message.MsgTypeVoice, func(_ context.Context, m message.Message) (message.Reply, error) {
		v := m.(*message.Voice)
		return message.TextReply{Content: "voice " + v.Format + " " + v.Recognition + " " + strconv.FormatBool(v.MediaID != "")}, nil
	})
	r.Handle(message.MsgTypeLocation, func(_ context.Context, m message.Message) (message.Reply, error) {
		l := m.(*message.Location)
		return message.TextReply{Content: fmt.Sprintf("location %.6f,%.6f %d %s", l.LocationX, l.LocationY, l.Scale, l.Label)}, nil
	})
	r.Handle(message.MsgTypeLink, func(_ context.Context, m message.Message) (message.Reply, error) {
		l := m.(*message.Link)
		return message.TextReply{Content: "link " + l.Title + "|" + l.Description + "|" + l.URL}, nil
	})
	r.Keyword("voice", func(context.Context, message.Message) (message.Reply, error) {
		return message.VoiceReply{MediaID: voice}, nil
	})
	r.Keyword("video", func(context.Context, message.Message) (message.Reply, error) {
		return message.VideoReply{MediaID: video, Title: "片花", Description: "30 秒"}, nil
	})
	r.Keyword("music", func(context.Context, message.Message) (message.Reply, error) {
		return message.MusicReply{Title: "歌", Description: "好听", MusicURL: "https://example.com/a.mp3?x=1&y=2",
			HQMusicURL: "https://example.com/a-hq.mp3", ThumbMediaID: thumb}, nil
	})
	r.Keyword("news", func(context.Context, message.Message) (message.Reply, error) {
		return message.NewsReply{Articles: []message.Article{{Title: "标题", Description: "描述", PicURL: "https://example.com/p.png", URL: "https://example.com/n"}}}, nil
	})
	r.Keyword("human", func(context.Context, message.Message) (message.Reply, error) {
		return message.TransferCustomerService{KfAccount: "test1@wxkit"}, nil
	})
	srv, err := message.NewServer(message.Config{AppID: acct.AppID, Token: acct.Token, EncodingAESKey: acct.EncodingAESKey}, r)
	require.NoError(t, err)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	s.SetCallbackURL(hs.URL)

	dan := s.NewUser("Dan")
	_, err = dan.Follow(ctx)
	require.NoError(t, err)

	reply, err := dan.SendVoice(ctx, "腾讯微信团队")
	require.NoError(t, err)
	assert.Equal(t, "voice amr 腾讯微信团队 true", reply.Content)
	reply, err = dan.SendLocation(ctx, 23.134521, 113.358803, 20, "广州市天河区")
	require.NoError(t, err)
	assert.Equal(t, "location 23.134521,113.358803 20 广州市天河区", reply.Content)
	reply, err = dan.SendLink(ctx, "公众平台官网链接", "公众平台 & 开发者", "https://mp.weixin.qq.com/?a=1&b=2")
	require.NoError(t, err)
	assert.Equal(t, "link 公众平台官网链接|公众平台 & 开发者|https://mp.weixin.qq.com/?a=1&b=2", reply.Content)

	reply, err = dan.SendText(ctx, "voice")
	require.NoError(t, err)
	assert.Equal(t, "voice", reply.MsgType)
	assert.Equal(t, voice, reply.MediaID)
	reply, err = dan.SendText(ctx, "video")
	require.NoError(t, err)
	assert.Equal(t, "video", reply.MsgType)
	assert.Equal(t, video, reply.MediaID)
	assert.Equal(t, "片花", reply.Title)
	assert.Equal(t, "30 秒", reply.Description)
	reply, err = dan.SendText(ctx, "music")
	require.NoError(t, err)
	assert.Equal(t, "music", reply.MsgType)
	require.NotNil(t, reply.Music)
	assert.Equal(t, "https://example.com/a.mp3?x=1&y=2", reply.Music.MusicURL)
	assert.Equal(t, thumb, reply.Music.ThumbMediaID)
	reply, err = dan.SendText(ctx, "news")
	require.NoError(t, err)
	assert.Equal(t, "news", reply.MsgType)
	require.Len(t, reply.Articles, 1)
	assert.Equal(t, "https://example.com/p.png", reply.Articles[0].PicURL)
	reply, err = dan.SendText(ctx, "human")
	require.NoError(t, err)
	assert.Equal(t, "transfer_customer_service", reply.MsgType)
	assert.Equal(t, "test1@wxkit", reply.KfAccount)
	for _, d := range dan.Inbox() {
		assert.NotEqual(t, sim.DeliveryError, d.Kind, d.Content)
	}
}
