package customer_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/customer"
	"github.com/wxkit/mp/internal/simtest"
	"github.com/wxkit/mp/sim"
)

// TestEndToEndSessions runs 客服管理 against the simulator: an account is
// added, invited and bound, serves a session with a follower, and the
// message it sends appears in the chat record (获取聊天记录).
func TestEndToEndSessions(t *testing.T) {
	t.Parallel()
	s, client := simtest.New(t, sim.Options{})
	cs := customer.New(client)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	alice := s.NewUser("Alice")
	_, err := alice.Follow(ctx)
	require.ErrorIs(t, err, sim.ErrNoCallbackURL)

	require.NoError(t, cs.AddAccount(ctx, "amy@gh_sim", "Amy"))
	require.NoError(t, cs.UpdateAccount(ctx, "amy@gh_sim", "Amy 2"))
	err = cs.CreateSession(ctx, "amy@gh_sim", alice.OpenID())
	var ae *mp.APIError
	require.True(t, errors.As(err, &ae), "%v", err)
	assert.Equal(t, mp.ErrorCode(65402), ae.Code, "not bound to a WeChat user yet")
	require.NoError(t, cs.InviteWorker(ctx, "amy@gh_sim", "amy_wx"))
	require.NoError(t, s.AcceptKfInvite("amy@gh_sim"))

	online, err := cs.ListOnlineAccounts(ctx)
	require.NoError(t, err)
	require.Len(t, online.KFOnlineList, 1)
	assert.Equal(t, "amy@gh_sim", online.KFOnlineList[0].KFAccount)

	start := time.Now().Add(-time.Minute)
	require.NoError(t, cs.CreateSession(ctx, "amy@gh_sim", alice.OpenID()))
	us, err := cs.GetSession(ctx, alice.OpenID())
	require.NoError(t, err)
	assert.Equal(t, "amy@gh_sim", us.KFAccount)
	list, err := cs.ListSessions(ctx, "amy@gh_sim")
	require.NoError(t, err)
	require.Len(t, list.SessionList, 1)
	assert.Equal(t, alice.OpenID(), list.SessionList[0].OpenID)
	waiting, err := cs.ListWaitingSessions(ctx)
	require.NoError(t, err)
	assert.Zero(t, waiting.Count)

	require.NoError(t, cs.SendText(ctx, alice.OpenID(), "your parcel left"))
	var records []customer.MsgRecord
	for r, err := range cs.AllMsgRecords(ctx, start, start.Add(time.Hour), 1) {
		require.NoError(t, err)
		records = append(records, r)
	}
	require.Len(t, records, 1)
	assert.Equal(t, customer.OperSend, records[0].OperCode)
	assert.Equal(t, "amy@gh_sim", records[0].Worker)
	assert.Equal(t, "your parcel left", records[0].Text)

	require.NoError(t, cs.CloseSession(ctx, "amy@gh_sim", alice.OpenID()))
	err = cs.CloseSession(ctx, "amy@gh_sim", alice.OpenID())
	require.True(t, errors.As(err, &ae))
	assert.Equal(t, mp.ErrorCode(65413), ae.Code)
	require.NoError(t, cs.DeleteAccount(ctx, "amy@gh_sim"))
}
