package sim

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Interfaces an account type lacks answer 48001 (接口权限); the zero value
// is a verified service account that may call them all.
func TestAccountTypePermissions(t *testing.T) {
	t.Parallel()
	calls := []struct {
		method, path string
		body         any
	}{
		{"POST", "/cgi-bin/message/template/send", map[string]string{"touser": "o", "template_id": "t"}},
		{"POST", "/cgi-bin/qrcode/create", map[string]any{"action_name": "QR_LIMIT_STR_SCENE", "action_info": map[string]any{"scene": map[string]string{"scene_str": "x"}}}},
		{"GET", "/cgi-bin/user/get", nil},
		{"POST", "/cgi-bin/message/custom/send", map[string]any{"touser": "o", "msgtype": "text", "text": map[string]string{"content": "x"}}},
		{"POST", "/cgi-bin/message/mass/sendall", map[string]any{"filter": map[string]bool{"is_to_all": true}, "msgtype": "text", "text": map[string]string{"content": "x"}}},
		{"POST", "/cgi-bin/message/mass/send", map[string]any{"touser": []string{"a", "b"}, "msgtype": "text", "text": map[string]string{"content": "x"}}},
		{"POST", "/cgi-bin/menu/addconditional", map[string]any{}},
		{"GET", "/wxaapi/newtmpl/getcategory", nil},
		{"GET", "/cgi-bin/material/get_materialcount", nil},
		{"GET", "/cgi-bin/menu/get", nil},
	}
	// denied[i] per account: which of the calls above answer 48001.
	cases := []struct {
		name   string
		opts   Options
		denied []bool
	}{
		{"verified service", Options{}, []bool{false, false, false, false, false, false, false, false, false, false}},
		{"unverified service", Options{Unverified: true}, []bool{true, true, true, true, true, true, true, false, false, false}},
		{"verified subscription", Options{AccountType: SubscriptionAccount}, []bool{true, true, false, false, false, true, false, true, false, false}},
		{"unverified subscription", Options{AccountType: SubscriptionAccount, Unverified: true}, []bool{true, true, true, true, true, true, true, true, false, false}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newSim(t, tc.opts)
			tok := token(t, s)
			for i, c := range calls {
				code := errcode(api(t, s, tok, c.method, c.path, c.body))
				if tc.denied[i] {
					assert.Equal(t, 48001, code, c.path)
				} else {
					assert.NotEqual(t, 48001, code, c.path)
				}
			}
		})
	}
}

func massText(content string) map[string]any {
	return map[string]any{"filter": map[string]bool{"is_to_all": true}, "msgtype": "text", "text": map[string]string{"content": content}}
}

// A subscription account mass sends once a day (45028 after).
func TestMassFrequencySubscription(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := newSim(t, Options{AccountType: SubscriptionAccount, Clock: clk.Now})
	tok := token(t, s)
	require.Zero(t, errcode(api(t, s, tok, "POST", "/cgi-bin/message/mass/sendall", massText("one"))))
	out := api(t, s, tok, "POST", "/cgi-bin/message/mass/sendall", massText("two"))
	assert.Equal(t, 45028, errcode(out))
	assert.Equal(t, "has no masssend quota", out["errmsg"])
	clk.Advance(24 * time.Hour)
	tok = token(t, s)
	require.Zero(t, errcode(api(t, s, tok, "POST", "/cgi-bin/message/mass/sendall", massText("next day"))))
}

// A follower of a service account receives four mass messages a month.
func TestMassFrequencyService(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := newSim(t, Options{Clock: clk.Now})
	newDevServer(t, s, nil)
	alice := s.NewUser("Alice")
	_, err := alice.Follow(ctx(t))
	require.NoError(t, err)
	tok := token(t, s)
	for i := range 5 {
		require.Zero(t, errcode(api(t, s, tok, "POST", "/cgi-bin/message/mass/sendall", massText(sprintf("m%d", i)))))
	}
	s.WaitIdle()
	mass := func() int {
		n := 0
		for _, d := range alice.Inbox() {
			if d.Kind == DeliveryMass {
				n++
			}
		}
		return n
	}
	assert.Equal(t, 4, mass(), "the fifth mass message of the month is not delivered")
	clk.Advance(32 * 24 * time.Hour)
	tok = token(t, s)
	require.Zero(t, errcode(api(t, s, tok, "POST", "/cgi-bin/message/mass/sendall", massText("next month"))))
	assert.Equal(t, 5, mass())
}

// A template message opening a mini program not linked to the account is
// refused with 40166.
func TestTemplateMiniProgramLinked(t *testing.T) {
	t.Parallel()
	for _, linked := range []bool{false, true} {
		opts := Options{}
		if linked {
			opts.LinkedMiniPrograms = []string{"wxmini0001"}
		}
		s := newSim(t, opts)
		newDevServer(t, s, nil)
		alice := s.NewUser("Alice")
		_, err := alice.Follow(ctx(t))
		require.NoError(t, err)
		tok := token(t, s)
		out := api(t, s, tok, "POST", "/cgi-bin/message/template/send", map[string]any{
			"touser": alice.OpenID(), "template_id": DefaultTemplateID,
			"miniprogram": map[string]string{"appid": "wxmini0001", "pagepath": "pages/index"},
			"data":        map[string]any{"first": map[string]string{"value": "x"}}})
		if linked {
			assert.Zero(t, errcode(out))
		} else {
			assert.Equal(t, 40166, errcode(out))
			assert.Equal(t, "invalid weapp appid", out["errmsg"])
		}
	}
}

func newsReply(p pushed, n int) string {
	var b strings.Builder
	b.WriteString("<xml><ToUserName><![CDATA[" + p.Msg["FromUserName"] + "]]></ToUserName><FromUserName><![CDATA[" +
		p.Msg["ToUserName"] + "]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[news]]></MsgType>")
	b.WriteString("<ArticleCount>" + itoa(int64(n)) + "</ArticleCount><Articles>")
	for i := range n {
		b.WriteString("<item><Title><![CDATA[a" + itoa(int64(i)) + "]]></Title><Url><![CDATA[http://x/" + itoa(int64(i)) + "]]></Url></item>")
	}
	return b.String() + "</Articles></xml>"
}

// A news reply to a user message shows its first article only; to an event
// (here subscribe) up to eight.
func TestNewsReplyFirstArticleOnly(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	newDevServer(t, s, func(p pushed) string { return newsReply(p, 3) })
	alice := s.NewUser("Alice")
	r, err := alice.Follow(ctx(t))
	require.NoError(t, err)
	assert.Len(t, r.Articles, 3, "an event's news reply shows its articles")
	r, err = alice.SendText(ctx(t), "news please")
	require.NoError(t, err)
	require.Len(t, r.Articles, 1, "a message's news reply shows its first article only")
	assert.Equal(t, "a0", r.Articles[0].Title)
	in := alice.Inbox()
	last := in[len(in)-1]
	assert.Len(t, last.Reply.Articles, 1)
	assert.Contains(t, string(last.Raw), "<ArticleCount>3</ArticleCount>", "Raw keeps what the bot sent")
}
