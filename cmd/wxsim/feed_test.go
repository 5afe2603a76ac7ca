package main

import (
	"fmt"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/sim"
)

// push builds a callback XML the way the official documentation shows it
// (接收普通消息 / 接收事件推送).
func push(msgType, fields string) []byte {
	return []byte(`<xml><ToUserName><![CDATA[gh_51a0de000001]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName>` +
		`<CreateTime>1348831860</CreateTime><MsgType><![CDATA[` + msgType + `]]></MsgType>` + fields + `</xml>`)
}

func TestItemFromCallback(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		xml   []byte
		check func(t *testing.T, it chatItem)
	}{
		{"text", push("text", `<Content><![CDATA[this is a test]]></Content><MsgId>1234567890123456</MsgId>`), func(t *testing.T, it chatItem) {
			assert.Equal(t, chatItem{From: fromUser, Kind: "message", MsgType: "text", Text: "this is a test", OpenID: "o1"}, it)
		}},
		{"image", push("image", `<PicUrl><![CDATA[http://127.0.0.1/sim/media/m1]]></PicUrl><MediaId><![CDATA[m1]]></MediaId><MsgId>1</MsgId>`), func(t *testing.T, it chatItem) {
			assert.Equal(t, "[图片]", it.Text)
			assert.Equal(t, "http://127.0.0.1/sim/media/m1", it.ImageURL)
			assert.Equal(t, "m1", it.MediaID)
		}},
		{"voice", push("voice", `<MediaId><![CDATA[v1]]></MediaId><Format><![CDATA[amr]]></Format><Recognition><![CDATA[腾讯微信团队]]></Recognition>`), func(t *testing.T, it chatItem) {
			assert.Equal(t, "[语音] 腾讯微信团队", it.Text)
		}},
		{"voice without recognition", push("voice", `<MediaId><![CDATA[v1]]></MediaId>`), func(t *testing.T, it chatItem) {
			assert.Equal(t, "[语音]", it.Text)
		}},
		{"location", push("location", `<Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y><Scale>20</Scale><Label><![CDATA[位置信息]]></Label>`), func(t *testing.T, it chatItem) {
			assert.Equal(t, "[位置] 位置信息", it.Text)
			assert.Equal(t, &chatLocation{Lat: "23.134521", Lng: "113.358803", Scale: "20", Label: "位置信息"}, it.Location)
		}},
		{"link", push("link", `<Title><![CDATA[公众平台官网链接]]></Title><Description><![CDATA[公众平台官网链接]]></Description><Url><![CDATA[url]]></Url>`), func(t *testing.T, it chatItem) {
			assert.Equal(t, "公众平台官网链接", it.Text)
			assert.Equal(t, []chatArticle{{Title: "公众平台官网链接", Description: "公众平台官网链接", URL: "url"}}, it.Articles)
		}},
		{"video", push("shortvideo", `<MediaId><![CDATA[x]]></MediaId>`), func(t *testing.T, it chatItem) {
			assert.Equal(t, "[视频]", it.Text)
		}},
		{"unknown type", push("file", ``), func(t *testing.T, it chatItem) {
			assert.Equal(t, "[file]", it.Text)
		}},
		{"subscribe", push("event", `<Event><![CDATA[subscribe]]></Event>`), func(t *testing.T, it chatItem) {
			assert.Equal(t, chatItem{From: fromSystem, Kind: "event", MsgType: "event", Event: "subscribe", Text: "关注了公众号 / followed", OpenID: "o1"}, it)
		}},
		{"subscribe via QR", push("event", `<Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_123123]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket>`), func(t *testing.T, it chatItem) {
			assert.Equal(t, "关注了公众号 / followed (扫码 / QR scene 123123)", it.Text)
			assert.Equal(t, "qrscene_123123", it.EventKey)
		}},
		{"unsubscribe", push("event", `<Event><![CDATA[unsubscribe]]></Event>`), func(t *testing.T, it chatItem) {
			assert.Equal(t, "取消关注 / unfollowed", it.Text)
		}},
		{"scan", push("event", `<Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[SCENE_VALUE]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket>`), func(t *testing.T, it chatItem) {
			assert.Equal(t, "扫描二维码 / scanned QR scene SCENE_VALUE", it.Text)
		}},
		{"click", push("event", `<Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[EVENTKEY]]></EventKey>`), func(t *testing.T, it chatItem) {
			assert.Equal(t, "点击菜单 / clicked menu key EVENTKEY", it.Text)
		}},
		{"view", push("event", `<Event><![CDATA[VIEW]]></Event><EventKey><![CDATA[www.qq.com]]></EventKey>`), func(t *testing.T, it chatItem) {
			assert.Equal(t, "打开菜单链接 / opened www.qq.com", it.Text)
			assert.Equal(t, "www.qq.com", it.URL)
		}},
		{"job finish", push("event", `<Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>200163836</MsgID><Status><![CDATA[success]]></Status>`), func(t *testing.T, it chatItem) {
			assert.Equal(t, "TEMPLATESENDJOBFINISH success", it.Text)
			assert.True(t, it.Quiet)
		}},
		{"garbage", []byte("<xml><MsgType>"), func(t *testing.T, it chatItem) {
			assert.Equal(t, "unreadable push", it.Text)
			assert.Equal(t, fromSystem, it.From)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			it, ok := itemFromEvent(sim.Event{Kind: sim.EventCallback, OpenID: "o1", XML: tc.xml})
			require.True(t, ok)
			tc.check(t, it)
		})
	}
}

func TestItemFromEvent(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	reply := &sim.Reply{MsgType: "news", Articles: []sim.ReplyArticle{{Title: "A", Description: "d", PicURL: "http://p", URL: "http://u"}}}
	tests := []struct {
		name string
		ev   sim.Event
		want chatItem
		ok   bool
	}{
		{"valid reply is shown as its delivery", sim.Event{Kind: sim.EventReply, Reply: reply}, chatItem{}, false},
		{"delivery without body", sim.Event{Kind: sim.EventDelivered}, chatItem{}, false},
		{"unknown kind", sim.Event{Kind: "other"}, chatItem{}, false},
		{"news reply", sim.Event{Kind: sim.EventDelivered, OpenID: "o", Time: now, Delivery: &sim.Delivery{Kind: sim.DeliveryReply, MsgType: "news", Reply: reply}},
			chatItem{Time: now, OpenID: "o", From: fromBot, Kind: "reply", MsgType: "news", Text: "A",
				Articles: []chatArticle{{Title: "A", Description: "d", PicURL: "http://p", URL: "http://u"}}}, true},
		{"image reply", sim.Event{Kind: sim.EventDelivered, Delivery: &sim.Delivery{Kind: sim.DeliveryReply, MsgType: "image", MediaID: "m1", Time: now}},
			chatItem{Time: now, From: fromBot, Kind: "reply", MsgType: "image", MediaID: "m1", Text: "[图片]", ImageURL: "/sim/media/m1"}, true},
		{"music", sim.Event{Kind: sim.EventDelivered, Delivery: &sim.Delivery{Kind: sim.DeliveryCustom, MsgType: "music", Content: "Song"}},
			chatItem{From: fromBot, Kind: "custom", MsgType: "music", Text: "[音乐] Song"}, true},
		{"voice", sim.Event{Kind: sim.EventDelivered, Delivery: &sim.Delivery{Kind: sim.DeliveryCustom, MsgType: "voice", MediaID: "v"}},
			chatItem{From: fromBot, Kind: "custom", MsgType: "voice", MediaID: "v", Text: "[语音]"}, true},
		{"video", sim.Event{Kind: sim.EventDelivered, Delivery: &sim.Delivery{Kind: sim.DeliveryCustom, MsgType: "video", Content: "Clip"}},
			chatItem{From: fromBot, Kind: "custom", MsgType: "video", Text: "[视频] Clip"}, true},
		{"mpnews", sim.Event{Kind: sim.EventDelivered, Delivery: &sim.Delivery{Kind: sim.DeliveryMass, MsgType: "mpnews", MediaID: "n1"}},
			chatItem{From: fromBot, Kind: "mass", MsgType: "mpnews", MediaID: "n1", Text: "[图文消息] n1"}, true},
		{"transfer", sim.Event{Kind: sim.EventDelivered, Delivery: &sim.Delivery{Kind: sim.DeliveryReply, MsgType: "transfer_customer_service"}},
			chatItem{From: fromBot, Kind: "reply", MsgType: "transfer_customer_service", Text: "[转接客服 / transferred to customer service]"}, true},
		{"wxcard", sim.Event{Kind: sim.EventDelivered, Delivery: &sim.Delivery{Kind: sim.DeliveryCustom, MsgType: "wxcard", Content: "card1"}},
			chatItem{From: fromBot, Kind: "custom", MsgType: "wxcard", Text: "card1"}, true},
		{"empty other", sim.Event{Kind: sim.EventDelivered, Delivery: &sim.Delivery{Kind: sim.DeliveryCustom, MsgType: "mpnewsarticle"}},
			chatItem{From: fromBot, Kind: "custom", MsgType: "mpnewsarticle", Text: "[mpnewsarticle]"}, true},
		{"custom news from raw", sim.Event{Kind: sim.EventDelivered, Delivery: &sim.Delivery{Kind: sim.DeliveryCustom, MsgType: "news", Content: "T",
			Raw: []byte(`{"touser":"o","msgtype":"news","news":{"articles":[{"title":"T","description":"D","url":"http://u","picurl":"http://p"}]}}`)}},
			chatItem{From: fromBot, Kind: "custom", MsgType: "news", Text: "T", Articles: []chatArticle{{Title: "T", Description: "D", URL: "http://u", PicURL: "http://p"}}}, true},
		{"news without raw", sim.Event{Kind: sim.EventDelivered, Delivery: &sim.Delivery{Kind: sim.DeliveryCustom, MsgType: "news", Content: "T", URL: "http://u"}},
			chatItem{From: fromBot, Kind: "custom", MsgType: "news", Text: "T", Articles: []chatArticle{{Title: "T", URL: "http://u"}}}, true},
		{"error notice", sim.Event{Kind: sim.EventDelivered, Delivery: &sim.Delivery{Kind: sim.DeliveryError, MsgType: "text", Content: sim.ServiceUnavailableNotice}},
			chatItem{From: fromBot, Kind: "error", MsgType: "text", Text: sim.ServiceUnavailableNotice}, true},
		{"reply error", sim.Event{Kind: sim.EventReplyError, OpenID: "o", Err: "bad"},
			chatItem{OpenID: "o", From: fromSystem, Kind: "reply_error", Error: "bad", Text: "the bot's answer was rejected: bad"}, true},
		{"menu", sim.Event{Kind: sim.EventMenuChanged}, chatItem{From: fromSystem, Kind: "menu", Text: "菜单已更新 / the menu changed"}, true},
		{"user", sim.Event{Kind: sim.EventUserCreated, OpenID: "o"}, chatItem{OpenID: "o", From: fromSystem, Kind: "user_created", Text: "user created", Quiet: true}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := itemFromEvent(tc.ev)
			require.Equal(t, tc.ok, ok)
			if ok {
				assert.Equal(t, tc.want, got)
			}
		})
	}
}

func TestFeed(t *testing.T) {
	t.Parallel()
	ch := make(chan sim.Event, 16)
	f := newFeed(ch, 3)
	for i := range 5 {
		openid := "a"
		if i%2 == 1 {
			openid = "b"
		}
		ch <- sim.Event{Kind: sim.EventReplyError, OpenID: openid, Err: fmt.Sprint(i)}
	}
	ch <- sim.Event{Kind: sim.EventReply} // not shown
	f.sync()
	assert.Equal(t, int64(5), f.last())
	all, changed := f.since(0, "")
	require.Len(t, all, 3, "the oldest items are dropped")
	assert.Equal(t, []int64{3, 4, 5}, []int64{all[0].Seq, all[1].Seq, all[2].Seq})
	b, _ := f.since(0, "b")
	require.Len(t, b, 1)
	assert.Equal(t, "3", b[0].Error)
	later, _ := f.since(4, "a")
	require.Len(t, later, 1)
	assert.Equal(t, int64(5), later[0].Seq)
	none, _ := f.since(5, "")
	assert.Empty(t, none)

	// Global items (no openid) reach every follower's stream; readers wake.
	ch <- sim.Event{Kind: sim.EventMenuChanged}
	select {
	case <-changed:
	case <-time.After(5 * time.Second):
		t.Fatal("readers were not woken")
	}
	f.sync()
	a, _ := f.since(5, "a")
	require.Len(t, a, 1)
	assert.Equal(t, "menu", a[0].Kind)

	f.close()
	f.close() // idempotent
	<-f.done
	close(ch)
	<-f.stopped
	f.sync() // returns once the reader has stopped
}

// FuzzItemFromCallback feeds arbitrary bytes as a pushed callback XML: the
// chat item must be produced without panicking and carry valid UTF-8 JSON.
func FuzzItemFromCallback(f *testing.F) {
	f.Add(push("text", `<Content><![CDATA[hello]]></Content><MsgId>1</MsgId>`))
	f.Add(push("event", `<Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_1]]></EventKey>`))
	f.Add(push("location", `<Location_X>1</Location_X><Location_Y>2</Location_Y><Scale>3</Scale><Label><![CDATA[x]]></Label>`))
	f.Add([]byte("<xml><MsgType><![CDATA[link]]></MsgType><Title>]]></Title></xml>"))
	f.Add([]byte{0xff, '<'})
	f.Fuzz(func(t *testing.T, data []byte) {
		it, ok := itemFromEvent(sim.Event{Kind: sim.EventCallback, OpenID: "o", XML: data})
		if !ok {
			t.Fatal("callbacks are always shown")
		}
		if it.From == "" || it.Kind == "" {
			t.Fatalf("item without from/kind: %+v", it)
		}
		if it.From == fromUser && utf8.ValidString(string(data)) && !utf8.ValidString(it.Text) {
			t.Fatalf("invalid text from valid input: %q", it.Text)
		}
	})
}

// FuzzItemFromDelivery feeds arbitrary customer-service JSON (the Raw of a
// delivery) to the news renderer.
func FuzzItemFromDelivery(f *testing.F) {
	f.Add([]byte(`{"touser":"o","msgtype":"news","news":{"articles":[{"title":"T","url":"http://u","picurl":"http://p"}]}}`), "news")
	f.Add([]byte(`{"news":{"articles":null}}`), "news")
	f.Add([]byte(`[]`), "text")
	f.Fuzz(func(t *testing.T, raw []byte, msgType string) {
		it, ok := itemFromEvent(sim.Event{Kind: sim.EventDelivered, Delivery: &sim.Delivery{Kind: sim.DeliveryCustom, MsgType: msgType, Raw: raw}})
		if !ok || it.From != fromBot {
			t.Fatalf("deliveries are bot items: %+v", it)
		}
	})
}

func BenchmarkItemFromCallback(b *testing.B) {
	ev := sim.Event{Kind: sim.EventCallback, OpenID: "o", XML: push("text", `<Content><![CDATA[hello]]></Content><MsgId>1234567890123456</MsgId>`)}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := itemFromEvent(ev); !ok {
			b.Fatal("not shown")
		}
	}
}

func BenchmarkFeedSince(b *testing.B) {
	ch := make(chan sim.Event)
	f := newFeed(ch, 0)
	defer close(ch)
	for i := range defaultFeedLimit {
		f.add(chatItem{OpenID: fmt.Sprint("o", i%100), From: fromUser, Kind: "message", Text: "hi"})
	}
	b.ReportAllocs()
	for b.Loop() {
		items, _ := f.since(defaultFeedLimit-50, "o57")
		if len(items) != 1 {
			b.Fatalf("got %d items", len(items))
		}
	}
}
