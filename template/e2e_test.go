package template_test

import (
	"context"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/simtest"
	"github.com/wxkit/mp/message"
	"github.com/wxkit/mp/sim"
	"github.com/wxkit/mp/template"
)

// TestEndToEndTemplateMessage sends 模板消息 through the simulator: the
// template list holds the default template, whose keywords our data must
// cover; the follower receives the rendered message; our callback server
// gets the TEMPLATESENDJOBFINISH event with the same msgid; a user who
// does not follow cannot receive one (43004) and an unknown template is
// 40037.
func TestEndToEndTemplateMessage(t *testing.T) {
	t.Parallel()
	s, client := simtest.New(t, sim.Options{SafeMode: true})
	acct := s.Account()
	tpl := template.New(client)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	finished := make(chan *message.TemplateSendJobFinish, 4)
	r := message.NewRouter()
	r.Event(message.EventTemplateSendJobFinish, func(_ context.Context, m message.Message) (message.Reply, error) {
		finished <- m.(*message.TemplateSendJobFinish)
		return nil, nil
	})
	srv, err := message.NewServer(message.Config{AppID: acct.AppID, Token: acct.Token, EncodingAESKey: acct.EncodingAESKey}, r)
	require.NoError(t, err)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	s.SetCallbackURL(hs.URL)

	list, err := tpl.ListTemplates(ctx)
	require.NoError(t, err)
	i := slices.IndexFunc(list.TemplateList, func(p template.PrivateTemplate) bool { return p.TemplateID == sim.DefaultTemplateID })
	require.GreaterOrEqual(t, i, 0, "%+v", list)
	def := list.TemplateList[i]
	assert.Equal(t, []string{"first", "keyword1", "keyword2", "remark"}, def.Keys())

	data, err := template.NewData("first", "您的订单已支付", "keyword1", "20250301-0042", "keyword2", "39.80元", "remark", "感谢惠顾 <3 & 再见")
	require.NoError(t, err)
	require.NoError(t, template.CheckData(def.Content, data))

	alice := s.NewUser("Alice")
	_, err = alice.Follow(ctx)
	require.NoError(t, err)
	resp, err := tpl.Send(ctx, &template.Message{ToUser: alice.OpenID(), TemplateID: sim.DefaultTemplateID,
		URL: "https://example.com/orders/42?from=tmpl&x=1", ClientMsgID: "order-42-paid", Data: data})
	require.NoError(t, err)
	assert.NotZero(t, resp.MsgID)

	d, err := alice.WaitFor(ctx, func(d sim.Delivery) bool { return d.Kind == sim.DeliveryTemplate })
	require.NoError(t, err)
	assert.Equal(t, sim.DefaultTemplateID, d.TemplateID)
	assert.Equal(t, resp.MsgID, d.MsgID)
	assert.Equal(t, "https://example.com/orders/42?from=tmpl&x=1", d.URL)
	assert.Equal(t, "20250301-0042", d.Data["keyword1"])
	assert.Equal(t, "您的订单已支付\n订单号：20250301-0042\n金额：39.80元\n感谢惠顾 <3 & 再见", d.Content)

	select {
	case ev := <-finished:
		assert.Equal(t, resp.MsgID, ev.MsgID)
		assert.Equal(t, "success", ev.Status)
		assert.Equal(t, alice.OpenID(), ev.FromUserName)
	case <-ctx.Done():
		t.Fatal("no TEMPLATESENDJOBFINISH event")
	}

	// Data that misses a keyword of the template is caught before sending.
	short, err := template.NewData("first", "hi")
	require.NoError(t, err)
	assert.Error(t, template.CheckData(def.Content, short))

	// A user who does not follow the account.
	bob := s.NewUser("Bob")
	_, err = tpl.Send(ctx, &template.Message{ToUser: bob.OpenID(), TemplateID: sim.DefaultTemplateID, Data: data})
	assert.True(t, mp.IsCode(err, mp.CodeRequireSubscribe), "%v", err)
	_, err = bob.Follow(ctx)
	require.NoError(t, err)
	require.NoError(t, bob.Unfollow(ctx))
	_, err = tpl.Send(ctx, &template.Message{ToUser: bob.OpenID(), TemplateID: sim.DefaultTemplateID, Data: data})
	assert.True(t, mp.IsCode(err, mp.CodeRequireSubscribe), "an unfollowed user: %v", err)
	assert.Empty(t, slices.DeleteFunc(bob.Inbox(), func(d sim.Delivery) bool { return d.Kind != sim.DeliveryTemplate }))

	// An unknown template.
	_, err = tpl.Send(ctx, &template.Message{ToUser: alice.OpenID(), TemplateID: "no-such-template", Data: data})
	assert.True(t, mp.IsCode(err, mp.CodeInvalidTemplateID), "%v", err)

	// Industry and private templates.
	require.NoError(t, tpl.SetIndustry(ctx, "1", "4"))
	ind, err := tpl.GetIndustry(ctx)
	require.NoError(t, err)
	assert.Equal(t, "IT科技", ind.PrimaryIndustry.FirstClass)
	assert.Equal(t, "电子技术", ind.SecondaryIndustry.SecondClass)
	added, err := tpl.AddTemplate(ctx, &template.AddTemplateRequest{TemplateIDShort: "TM00015"})
	require.NoError(t, err)
	require.NotEmpty(t, added.TemplateID)
	require.NoError(t, tpl.DeleteTemplate(ctx, added.TemplateID))
	list, err = tpl.ListTemplates(ctx)
	require.NoError(t, err)
	assert.False(t, slices.ContainsFunc(list.TemplateList, func(p template.PrivateTemplate) bool { return p.TemplateID == added.TemplateID }))
	s.WaitIdle()
}
