package template_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strconv"
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

// TestEndToEndSubscribeNotification runs 订阅通知 against the simulator: a
// template chosen from the public library, refused by bizsend (43101)
// until the follower accepts it in a popup; the bot reads the popup and the
// delivery result as typed events.
func TestEndToEndSubscribeNotification(t *testing.T) {
	t.Parallel()
	s, client := simtest.New(t, sim.Options{})
	acct := s.Account()
	tpl := template.New(client)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	popups := make(chan *message.SubscribeMsgPopupEvent, 2)
	sent := make(chan *message.SubscribeMsgSentEvent, 2)
	r := message.NewRouter()
	r.Event(message.EventSubscribeMsgPopup, func(_ context.Context, m message.Message) (message.Reply, error) {
		popups <- m.(*message.SubscribeMsgPopupEvent)
		return nil, nil
	})
	r.Event(message.EventSubscribeMsgSent, func(_ context.Context, m message.Message) (message.Reply, error) {
		sent <- m.(*message.SubscribeMsgSentEvent)
		return nil, nil
	})
	srv, err := message.NewServer(message.Config{AppID: acct.AppID, Token: acct.Token}, r)
	require.NoError(t, err)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	simtest.Callback(t, s, hs.URL)

	cats, err := tpl.SubscribeCategories(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, cats.Data)
	var tid int
	for title, err := range tpl.AllPubTemplateTitles(ctx, []int{cats.Data[0].ID, cats.Data[1].ID}) {
		require.NoError(t, err)
		if title.Type == template.TypeOneTime {
			tid = title.TID
			break
		}
	}
	require.NotZero(t, tid)
	kws, err := tpl.PubTemplateKeywords(ctx, itoa(tid))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(kws.Data), 2)
	added, err := tpl.AddSubscribeTemplate(ctx, &template.AddSubscribeTemplateRequest{TID: itoa(tid),
		KIDList: []int{kws.Data[0].KID, kws.Data[1].KID}, SceneDesc: "发货提醒"})
	require.NoError(t, err)
	list, err := tpl.ListSubscribeTemplates(ctx)
	require.NoError(t, err)
	require.Len(t, list.Data, 1)
	keys := list.Data[0].Keys()
	require.Len(t, keys, 2)
	data := template.SubscribeData{}
	for _, k := range keys {
		data[k] = "x1"
	}

	alice := s.NewUser("Alice")
	msg := &template.SubscribeMessage{ToUser: alice.OpenID(), TemplateID: added.PriTmplID, Data: data}
	err = tpl.SendSubscribe(ctx, msg)
	var ae *mp.APIError
	require.True(t, errors.As(err, &ae), "%v", err)
	assert.Equal(t, mp.ErrorCode(43101), ae.Code)

	_, err = alice.AnswerSubscribePopup(ctx, sim.SubscribeChoice{TemplateID: added.PriTmplID, Accept: true})
	require.NoError(t, err)
	p := <-popups
	require.Len(t, p.List, 1)
	assert.Equal(t, added.PriTmplID, p.List[0].TemplateID)
	assert.True(t, p.List[0].Accepted())

	require.NoError(t, tpl.SendSubscribe(ctx, msg))
	d, err := alice.WaitFor(ctx, func(d sim.Delivery) bool { return d.Kind == sim.DeliverySubscribe })
	require.NoError(t, err)
	assert.Equal(t, added.PriTmplID, d.TemplateID)
	e := <-sent
	require.Len(t, e.List, 1)
	assert.Equal(t, "success", e.List[0].ErrorStatus)
	assert.Equal(t, itoa64(d.MsgID), e.List[0].MsgID)

	require.NoError(t, tpl.DeleteSubscribeTemplate(ctx, added.PriTmplID))
}

func itoa(n int) string { return strconv.Itoa(n) }

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
