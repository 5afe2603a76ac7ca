package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/syncbuf"
	"github.com/wxkit/mp/sim"
)

func TestLogActivityOneLineEach(t *testing.T) {
	e := newTestEnv(t, envOptions{safe: true, noPay: true})
	var out syncbuf.Buffer
	stop := logActivity(e.sim, &out)
	defer stop()
	alice := e.sim.NewUser("Alice")
	ctx := context.Background()
	_, err := alice.Follow(ctx)
	require.NoError(t, err)
	_, err = alice.SendText(ctx, "hello")
	require.NoError(t, err)
	_, err = alice.SendLocation(ctx, 39.9, 116.4, 15, "天安门")
	require.NoError(t, err)
	_, err = alice.SendText(ctx, badReplyText)
	require.Error(t, err)
	e.platform(t, "/cgi-bin/message/custom/send", `{"touser":"`+alice.OpenID()+`","msgtype":"text","text":{"content":"a customer-service hello"}}`)

	want := []string{
		"push   Alice → bot: event subscribe 关注了公众号 / followed",
		"reply  bot → Alice: passive reply (被动回复) text welcome",
		"push   Alice → bot: text hello",
		"reply  bot → Alice: passive reply (被动回复) text hello",
		"push   Alice → bot: location [位置] 天安门",
		"reply  bot → Alice: no passive reply (empty or \"success\")",
		"push   Alice → bot: text " + badReplyText,
		"reply  bot ✗ Alice: REJECTED, the follower sees",
		"send   bot → Alice: customer-service message (客服消息) text a customer-service hello",
	}
	deadline := time.Now().Add(5 * time.Second)
	for strings.Count(out.String(), "\n") < len(want) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, len(want), out.String())
	for i, l := range lines {
		_, rest, _ := strings.Cut(l, " ") // the time
		assert.True(t, strings.HasPrefix(rest, want[i]), "line %d: %q, want prefix %q", i, rest, want[i])
	}
}

func TestShortKeepsOneLine(t *testing.T) {
	assert.Equal(t, "a b c", short("a\n b\tc "))
	long := strings.Repeat("长", 150)
	got := short(long)
	assert.Equal(t, 100, len([]rune(got)))
	assert.True(t, strings.HasSuffix(got, "…"))
}

func TestBannerListsTemplatesWithKeys(t *testing.T) {
	e := newTestEnv(t, envOptions{noPay: true})
	id := e.sim.AddTemplate("发货通知", "{{first.DATA}}\n单号：{{thing1.DATA}}\n时间：{{time2.DATA}}")
	var out bytes.Buffer
	printTemplates(&out, e.sim)
	s := out.String()
	assert.Contains(t, s, sim.DefaultTemplateID)
	assert.Regexp(t, sim.DefaultTemplateID+` +keys: first, keyword1, keyword2, remark`, s)
	assert.Regexp(t, id+` +keys: first, thing1, time2 +发货通知`, s)
}

func TestVersionFlag(t *testing.T) {
	for _, arg := range []string{"--version", "-version", "version"} {
		var out bytes.Buffer
		code := run(context.Background(), []string{arg}, &out, io.Discard, func(string) string { return "" })
		assert.Equal(t, exitOK, code)
		assert.True(t, strings.HasPrefix(out.String(), "wxsim "), out.String())
		assert.Contains(t, out.String(), "go1.")
	}
}

func TestQuietFlag(t *testing.T) {
	c, err := parseServe(nil, io.Discard)
	require.NoError(t, err)
	assert.False(t, c.Quiet, "logging is on by default")
	c, err = parseServe([]string{"-q"}, io.Discard)
	require.NoError(t, err)
	assert.True(t, c.Quiet)
}

func TestSendPrintsCustomerServiceMessagesLabeled(t *testing.T) {
	e := newTestEnv(t, envOptions{noPay: true})
	code, _, errs := e.wxsim(t, "follow", "--user", "Alice")
	require.Equal(t, exitOK, code, errs)
	openid := e.sim.Users()[0].OpenID()
	c := &apiClient{base: e.URL, http: e.srv.Client()}
	since := c.lastSeq(context.Background(), "Alice")
	require.NotZero(t, since)
	e.platform(t, "/cgi-bin/message/custom/send", `{"touser":"`+openid+`","msgtype":"text","text":{"content":"hello"}}`)
	var out bytes.Buffer
	require.NoError(t, c.printDeliveries(context.Background(), &out, "Alice", since, 0))
	assert.Equal(t, "customer-service message (客服消息): hello\n", out.String())

	code, out2, _ := e.wxsim(t, "send", "--user", "Alice", "hello")
	assert.Equal(t, exitOK, code)
	assert.Equal(t, labelPassive+"hello\n", out2, "the echo is labeled as the bot's reply")
}
