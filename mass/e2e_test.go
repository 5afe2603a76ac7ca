package mass_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/simtest"
	"github.com/wxkit/mp/mass"
	"github.com/wxkit/mp/media"
	"github.com/wxkit/mp/message"
	"github.com/wxkit/mp/sim"
	"github.com/wxkit/mp/user"
)

func massDeliveries(f *sim.Follower) []sim.Delivery {
	var out []sim.Delivery
	for _, d := range f.Inbox() {
		if d.Kind == sim.DeliveryMass {
			out = append(out, d)
		}
	}
	return out
}

// TestEndToEndMass runs 群发 against the simulator: a text to all
// followers (the blacklisted one excluded) with its MASSSENDJOBFINISH event
// on our callback server, a send to a tag, an article from a draft to a
// list of openids, a preview, the status, a repeated clientmsgid, delete
// and the speed.
func TestEndToEndMass(t *testing.T) {
	t.Parallel()
	s, client := simtest.New(t, sim.Options{})
	acct := s.Account()
	svc := mass.New(client)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	finished := make(chan *message.MassSendJobFinish, 8)
	r := message.NewRouter()
	r.Event(message.EventMassSendJobFinish, func(_ context.Context, m message.Message) (message.Reply, error) {
		finished <- m.(*message.MassSendJobFinish)
		return nil, nil
	})
	srv, err := message.NewServer(message.Config{Token: acct.Token}, r)
	require.NoError(t, err)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	s.SetCallbackURL(hs.URL)

	var fans []*sim.Follower
	for _, name := range []string{"A", "B", "C", "D"} {
		f := s.NewUser(name)
		_, err := f.Follow(ctx)
		require.NoError(t, err)
		fans = append(fans, f)
	}
	a, b, c, d := fans[0], fans[1], fans[2], fans[3]
	outsider := s.NewUser("Outsider") // never follows
	users := user.New(client)
	require.NoError(t, users.Block(ctx, []string{d.OpenID()}))

	// To all followers.
	all, err := svc.SendAll(ctx, &mass.SendAllRequest{Filter: mass.ToAll(), Message: mass.Text("周末全场 8 折 <限时> & 包邮")})
	require.NoError(t, err)
	require.NotZero(t, all.MsgID)
	assert.False(t, all.Duplicate)
	for _, f := range []*sim.Follower{a, b, c} {
		got := massDeliveries(f)
		require.Len(t, got, 1, f.Name())
		assert.Equal(t, "text", got[0].MsgType)
		assert.Equal(t, "周末全场 8 折 <限时> & 包邮", got[0].Content)
		assert.Equal(t, all.MsgID, got[0].MsgID)
	}
	assert.Empty(t, massDeliveries(d), "blacklisted")
	assert.Empty(t, massDeliveries(outsider))
	select {
	case ev := <-finished:
		assert.Equal(t, all.MsgID, ev.MsgID)
		assert.Equal(t, "send success", ev.Status)
		assert.Equal(t, 4, ev.TotalCount)
		assert.Equal(t, 3, ev.SentCount)
		assert.Equal(t, 1, ev.ErrorCount)
	case <-ctx.Done():
		t.Fatal("no MASSSENDJOBFINISH event")
	}

	// To a tag.
	tag, err := users.CreateTag(ctx, "北京")
	require.NoError(t, err)
	require.NoError(t, users.TagUsers(ctx, tag.ID, []string{b.OpenID()}))
	byTag, err := svc.SendAll(ctx, &mass.SendAllRequest{Filter: mass.ToTag(int64(tag.ID)), Message: mass.Text("北京专场")})
	require.NoError(t, err)
	assert.Len(t, massDeliveries(a), 1)
	require.Len(t, massDeliveries(b), 2)
	assert.Equal(t, "北京专场", massDeliveries(b)[1].Content)
	assert.Equal(t, byTag.MsgID, massDeliveries(b)[1].MsgID)

	// An article (a draft) to a list of openids, with a repeated and an
	// unfollowed one.
	var pic bytes.Buffer
	require.NoError(t, png.Encode(&pic, image.NewGray(image.Rect(0, 0, 8, 8))))
	ms := media.New(client)
	cover, err := ms.AddMaterial(ctx, media.Image, media.File{Name: "cover.png", Reader: &pic})
	require.NoError(t, err)
	draft, err := ms.AddDraft(ctx, media.Article{Title: "本周精选", Content: "<p>精选</p>", ThumbMediaID: cover.MediaID})
	require.NoError(t, err)
	list, err := svc.Send(ctx, &mass.SendRequest{ToUser: []string{a.OpenID(), c.OpenID(), a.OpenID(), outsider.OpenID()},
		Message: mass.MPNews(draft.MediaID), ClientMsgID: "weekly-2025-09"})
	require.NoError(t, err)
	require.Len(t, list.Chunks, 1)
	assert.Equal(t, 3, list.Chunks[0].Count, "the repeated openid is sent to once")
	assert.NotZero(t, list.Chunks[0].MsgID)
	assert.NotZero(t, list.Chunks[0].MsgDataID)
	for _, f := range []*sim.Follower{a, c} {
		got := massDeliveries(f)
		require.Len(t, got, 2, f.Name())
		assert.Equal(t, "mpnews", got[1].MsgType)
		assert.Equal(t, draft.MediaID, got[1].MediaID)
	}
	assert.Len(t, massDeliveries(b), 2, "not on the list")

	// The same clientmsgid again within 24 hours: WeChat refuses the send
	// (45065) and names the earlier one.
	again, err := svc.Send(ctx, &mass.SendRequest{ToUser: []string{a.OpenID(), c.OpenID()},
		Message: mass.MPNews(draft.MediaID), ClientMsgID: "weekly-2025-09"})
	require.NoError(t, err)
	require.Len(t, again.Chunks, 1)
	assert.True(t, again.Chunks[0].Duplicate)
	assert.Equal(t, list.Chunks[0].MsgID, again.Chunks[0].MsgID, "the existing send's msg_id")
	assert.Len(t, massDeliveries(a), 2, "nothing sent twice")

	// A list of one is refused before sending.
	_, err = svc.Send(ctx, &mass.SendRequest{ToUser: []string{a.OpenID(), a.OpenID()}, Message: mass.Text("x")})
	assert.Error(t, err)

	// Preview to one follower.
	pv, err := svc.Preview(ctx, &mass.PreviewRequest{ToUser: c.OpenID(), Message: mass.Text("预览")})
	require.NoError(t, err)
	assert.NotNil(t, pv)
	got := massDeliveries(c)
	assert.Equal(t, "预览", got[len(got)-1].Content)

	// Status and delete.
	st, err := svc.Status(ctx, all.MsgID)
	require.NoError(t, err)
	assert.Equal(t, mass.StatusSendSuccess, st.MsgStatus)
	assert.Equal(t, all.MsgID, st.MsgID)
	require.NoError(t, svc.Delete(ctx, &mass.DeleteRequest{MsgID: all.MsgID}))
	st, err = svc.Status(ctx, all.MsgID)
	require.NoError(t, err)
	assert.Equal(t, mass.StatusDelete, st.MsgStatus)

	// Speed.
	require.NoError(t, svc.SetSpeed(ctx, 2))
	sp, err := svc.Speed(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, sp.Speed)
	assert.Equal(t, 45, sp.RealSpeed)
	s.WaitIdle()
}
