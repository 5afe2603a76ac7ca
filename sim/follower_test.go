package sim

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/wxkit/mp/crypto"
)

func TestFollowerPlaintext(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := newSim(t, Options{Clock: clk.Now})
	dev := newDevServer(t, s, func(p pushed) string {
		if p.Msg["MsgType"] == "text" {
			return textReply(p, "echo: "+p.Msg["Content"])
		}
		return ""
	})
	alice := s.NewUser("Alice")
	assert.True(t, strings.HasPrefix(alice.OpenID(), "o"))
	assert.Len(t, alice.OpenID(), 28)
	assert.Len(t, alice.UnionID(), 29)

	_, err := alice.SendText(ctx(t), "too early")
	require.ErrorIs(t, err, ErrNotFollowing)

	r, err := alice.Follow(ctx(t))
	require.NoError(t, err)
	assert.Nil(t, r)
	_, err = alice.Follow(ctx(t))
	require.ErrorIs(t, err, ErrAlreadyFollowing)

	r, err = alice.SendText(ctx(t), "hello <b>&]]>")
	require.NoError(t, err)
	require.NotNil(t, r)
	assert.Equal(t, "text", r.MsgType)
	assert.Equal(t, "echo: hello <b>&]]>", r.Content)
	assert.Equal(t, alice.OpenID(), r.ToUserName)

	ps := dev.pushes()
	require.Len(t, ps, 2)
	sub, msg := ps[0], ps[1]
	assert.Equal(t, "subscribe", sub.Msg["Event"])
	assert.Equal(t, "event", sub.Msg["MsgType"])
	q := msg.Query
	assert.Equal(t, alice.OpenID(), q.Get("openid"))
	assert.Equal(t, crypto.Signature(DefaultToken, q.Get("timestamp"), q.Get("nonce")), q.Get("signature"))
	assert.Equal(t, itoa(clk.Now().Unix()), q.Get("timestamp"))
	assert.Empty(t, q.Get("encrypt_type"))
	assert.Equal(t, DefaultOriginalID, msg.Msg["ToUserName"])
	assert.Equal(t, alice.OpenID(), msg.Msg["FromUserName"])
	assert.Equal(t, itoa(clk.Now().Unix()), msg.Msg["CreateTime"])
	assert.Equal(t, "text", msg.Msg["MsgType"])
	assert.Equal(t, "hello <b>&]]>", msg.Msg["Content"])
	assert.NotEmpty(t, msg.Msg["MsgId"])

	inbox := alice.Inbox()
	require.Len(t, inbox, 1)
	assert.Equal(t, DeliveryReply, inbox[0].Kind)
	assert.Equal(t, "echo: hello <b>&]]>", inbox[0].Content)

	// Other message types carry the documented fields.
	_, err = alice.SendImage(ctx(t), "")
	require.NoError(t, err)
	_, err = alice.SendVoice(ctx(t), "你好")
	require.NoError(t, err)
	_, err = alice.SendLocation(ctx(t), 23.134521, 113.358803, 20, "位置信息")
	require.NoError(t, err)
	_, err = alice.SendLink(ctx(t), "公众平台官网链接", "公众平台官网链接", "https://mp.weixin.qq.com")
	require.NoError(t, err)
	ps = dev.pushes()
	img, voice, loc, link := ps[2].Msg, ps[3].Msg, ps[4].Msg, ps[5].Msg
	assert.Equal(t, "image", img["MsgType"])
	assert.True(t, strings.HasPrefix(img["PicUrl"], s.URL+"/sim/media/"))
	assert.True(t, s.mediaExists(img["MediaId"]))
	assert.Equal(t, "amr", voice["Format"])
	assert.Equal(t, "你好", voice["Recognition"])
	assert.Equal(t, "23.134521", loc["Location_X"])
	assert.Equal(t, "113.358803", loc["Location_Y"])
	assert.Equal(t, "20", loc["Scale"])
	assert.Equal(t, "位置信息", loc["Label"])
	assert.Equal(t, "https://mp.weixin.qq.com", link["Url"])
	ids := map[string]bool{}
	for _, p := range ps[1:] {
		assert.False(t, ids[p.Msg["MsgId"]], "MsgId must be unique")
		ids[p.Msg["MsgId"]] = true
	}

	// The developer can download the image the follower sent.
	tok := token(t, s)
	status, body, hdr := doRaw(t, s, "GET", "/cgi-bin/media/get?access_token="+tok+"&media_id="+img["MediaId"], nil, nil)
	assert.Equal(t, 200, status)
	assert.Equal(t, "image/png", hdr.Get("Content-Type"))
	assert.True(t, strings.HasPrefix(string(body), "\x89PNG"))

	require.NoError(t, alice.Unfollow(ctx(t)))
	assert.Equal(t, "unsubscribe", dev.pushes()[6].Msg["Event"])
	assert.False(t, alice.Following())
	require.ErrorIs(t, alice.Unfollow(ctx(t)), ErrNotFollowing)
}

func TestFollowerSafeMode(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{SafeMode: true})
	dev := newDevServer(t, s, func(p pushed) string { return textReply(p, "secret hello") })
	bob := s.NewUser("Bob")
	r, err := bob.Follow(ctx(t))
	require.NoError(t, err)
	assert.Equal(t, "secret hello", r.Content)

	p := dev.pushes()[0]
	assert.Equal(t, "aes", p.Query.Get("encrypt_type"))
	assert.NotEmpty(t, p.Query.Get("msg_signature"))
	assert.Contains(t, string(p.Body), "<Encrypt><![CDATA[")
	assert.Contains(t, string(p.Body), "<ToUserName><![CDATA["+DefaultOriginalID+"]]></ToUserName>")
	assert.NotContains(t, string(p.Body), "subscribe")
	assert.Equal(t, "subscribe", p.Msg["Event"])

	// A plaintext reply in safe mode is rejected.
	dev.setRaw(func(w http.ResponseWriter, p pushed) bool {
		_, _ = w.Write([]byte(textReply(p, "plain")))
		return true
	})
	_, err = bob.SendText(ctx(t), "x")
	var re *ReplyError
	require.ErrorAs(t, err, &re)
	assert.Contains(t, re.Reason, "not encrypted")

	// A reply signed with the wrong token is rejected.
	dev.setRaw(func(w http.ResponseWriter, p pushed) bool {
		other, err := crypto.NewEnvelope("othertoken", DefaultEncodingAESKey, DefaultAppID)
		require.NoError(t, err)
		sealed, err := other.Seal([]byte(textReply(p, "forged")), p.Query.Get("timestamp"), p.Query.Get("nonce"))
		require.NoError(t, err)
		_, _ = w.Write(sealed)
		return true
	})
	_, err = bob.SendText(ctx(t), "x")
	require.ErrorAs(t, err, &re)
	require.ErrorIs(t, err, crypto.ErrInvalidSignature)
	inbox := bob.Inbox()
	assert.Equal(t, DeliveryError, inbox[len(inbox)-1].Kind)
	assert.Equal(t, ServiceUnavailableNotice, inbox[len(inbox)-1].Content)
}

func TestFollowerBadReplies(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	var mode atomic.Value
	mode.Store("")
	dev := newDevServer(t, s, nil)
	dev.setRaw(func(w http.ResponseWriter, p pushed) bool {
		switch mode.Load().(string) {
		case "wrong-to":
			_, _ = w.Write([]byte(strings.Replace(textReply(p, "x"), p.Msg["FromUserName"], "oSomeoneElse", 1)))
		case "wrong-from":
			_, _ = w.Write([]byte(strings.Replace(textReply(p, "x"), DefaultOriginalID, "gh_other", 1)))
		case "garbage":
			_, _ = w.Write([]byte("hello world"))
		case "500":
			w.WriteHeader(500)
		case "unknown-media":
			_, _ = w.Write([]byte("<xml><ToUserName><![CDATA[" + p.Msg["FromUserName"] + "]]></ToUserName><FromUserName><![CDATA[" + DefaultOriginalID +
				"]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[image]]></MsgType><Image><MediaId><![CDATA[nope]]></MediaId></Image></xml>"))
		case "empty":
		default:
			_, _ = w.Write([]byte("success"))
		}
		return true
	})
	u := s.NewUser("Carol")
	_, err := u.Follow(ctx(t))
	require.NoError(t, err)
	events, cancel := s.Subscribe()
	defer cancel()
	for _, m := range []string{"wrong-to", "wrong-from", "garbage", "500", "unknown-media"} {
		mode.Store(m)
		r, err := u.SendText(ctx(t), "hi")
		assert.Nil(t, r, m)
		var re *ReplyError
		require.ErrorAs(t, err, &re, m)
		assert.NotEmpty(t, re.Reason, m)
	}
	mode.Store("empty")
	r, err := u.SendText(ctx(t), "hi")
	require.NoError(t, err)
	assert.Nil(t, r)
	errs := 0
	for _, d := range u.Inbox() {
		if d.Kind == DeliveryError {
			errs++
		}
	}
	assert.Equal(t, 5, errs)
	kinds := map[EventKind]int{}
	for len(events) > 0 {
		kinds[(<-events).Kind]++
	}
	assert.Equal(t, 6, kinds[EventCallback])
	assert.Equal(t, 5, kinds[EventReplyError])
	assert.Equal(t, 5, kinds[EventDelivered])
}

func TestFollowerTimeoutRetries(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{ReplyTimeout: 80 * time.Millisecond, Retries: 2})
	var calls atomic.Int32
	release := make(chan struct{})
	dev := newDevServer(t, s, nil)
	t.Cleanup(func() { close(release) }) // after newDevServer: runs before its Close, which waits for handlers
	dev.setRaw(func(w http.ResponseWriter, p pushed) bool {
		if p.Msg["MsgType"] != "text" {
			return false // the follow event is answered at once, so no retry of it overlaps the count
		}
		calls.Add(1)
		<-release // never answers in time: every attempt times out, however loaded the machine
		return true
	})
	u := s.NewUser("Dan")
	_, err := u.Follow(ctx(t))
	require.NoError(t, err)
	before := len(dev.pushes())
	_, err = u.SendText(ctx(t), "slow")
	var re *ReplyError
	require.ErrorAs(t, err, &re)
	assert.True(t, re.Timeout)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.EqualValues(t, 3, calls.Load())
	ps := dev.pushes()[before:]
	require.Len(t, ps, 3)
	assert.Equal(t, ps[0].Msg["MsgId"], ps[2].Msg["MsgId"])
	assert.Equal(t, string(ps[0].Body), string(ps[1].Body))
}

func TestFollowerNoCallback(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	u := s.NewUser("Eve")
	_, err := u.Follow(ctx(t))
	require.ErrorIs(t, err, ErrNoCallbackURL)
	assert.True(t, u.Following())
	got, ok := s.User(u.OpenID())
	require.True(t, ok)
	assert.Equal(t, "Eve", got.Name())
	assert.Len(t, s.Users(), 1)
	_, ok = s.User("nobody")
	assert.False(t, ok)
}

func TestFollowerDeterministicIDs(t *testing.T) {
	t.Parallel()
	a := newSim(t, Options{})
	b := newSim(t, Options{})
	assert.Equal(t, a.NewUser("A").OpenID(), b.NewUser("A").OpenID())
	assert.NotEqual(t, a.NewUser("A").OpenID(), b.NewUser("B").OpenID())
}

func TestWaitFor(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	newDevServer(t, s, nil)
	u := s.NewUser("Fay")
	_, err := u.Follow(ctx(t))
	require.NoError(t, err)
	tok := token(t, s)
	done := make(chan Delivery, 1)
	go func() {
		d, err := u.WaitFor(ctx(t), func(d Delivery) bool { return d.Kind == DeliveryCustom })
		if err == nil {
			done <- d
		}
	}()
	time.Sleep(20 * time.Millisecond)
	out := api(t, s, tok, "POST", "/cgi-bin/message/custom/send", map[string]any{"touser": u.OpenID(), "msgtype": "text", "text": map[string]string{"content": "late answer"}})
	require.Equal(t, 0, errcode(out))
	select {
	case d := <-done:
		assert.Equal(t, "late answer", d.Content)
	case <-time.After(5 * time.Second):
		t.Fatal("WaitFor did not return")
	}
	c, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = u.WaitFor(c, func(d Delivery) bool { return false })
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestBlacklistedFollower(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	newDevServer(t, s, nil)
	u := s.NewUser("Gus")
	_, _ = u.Follow(ctx(t))
	tok := token(t, s)
	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/cgi-bin/tags/members/batchblacklist", map[string]any{"openid_list": []string{u.OpenID()}})))
	_, err := u.SendText(ctx(t), "hi")
	require.ErrorIs(t, err, ErrBlacklisted)
}

func TestConcurrentFollowers(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	newDevServer(t, s, func(p pushed) string {
		if p.Msg["MsgType"] == "text" {
			return textReply(p, "ok")
		}
		return ""
	})
	tok := token(t, s)
	events, cancel := s.Subscribe()
	defer cancel()
	const n = 8
	errc := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() {
			u := s.NewUser("user" + itoa(int64(i)))
			if _, err := u.Follow(context.Background()); err != nil {
				errc <- err
				return
			}
			for j := 0; j < 5; j++ {
				r, err := u.SendText(context.Background(), "m")
				if err != nil {
					errc <- err
					return
				}
				if r == nil || r.Content != "ok" {
					errc <- errors.New("bad reply")
					return
				}
			}
			errc <- nil
		}()
	}
	for i := 0; i < n; i++ {
		go func() {
			if resp, err := http.Get(s.URL + "/cgi-bin/user/get?access_token=" + tok); err == nil {
				_ = resp.Body.Close()
			}
		}()
	}
	for i := 0; i < n; i++ {
		require.NoError(t, <-errc)
	}
	out := api(t, s, tok, "GET", "/cgi-bin/user/get", nil)
	assert.EqualValues(t, n, out["total"])
	assert.NotEmpty(t, events)
}
