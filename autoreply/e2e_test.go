package autoreply_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/autoreply"
	"github.com/wxkit/mp/internal/simtest"
	"github.com/wxkit/mp/sim"
)

// TestEndToEndAutoReply reads the simulator's default rules, then the rules
// after the "website" changed them.
func TestEndToEndAutoReply(t *testing.T) {
	t.Parallel()
	s, client := simtest.New(t, sim.Options{})
	svc := autoreply.New(client)
	ctx := context.Background()

	got, err := svc.Get(ctx)
	require.NoError(t, err)
	assert.True(t, got.IsAutoreplyOpen.On())
	require.NotNil(t, got.AddFriendAutoreplyInfo)
	assert.Equal(t, autoreply.Text, got.AddFriendAutoreplyInfo.Type)
	require.Len(t, got.KeywordAutoreplyInfo.List, 2)
	assert.Equal(t, autoreply.MatchEqual, got.KeywordAutoreplyInfo.List[0].KeywordListInfo[0].MatchMode)
	news := got.KeywordAutoreplyInfo.List[1]
	assert.Equal(t, autoreply.ReplyAll, news.ReplyMode)
	require.NotNil(t, news.ReplyListInfo[0].NewsInfo)
	assert.True(t, news.ReplyListInfo[0].NewsInfo.List[0].ShowCover.On())

	s.SetAutoReplyInfo(sim.AutoReplyInfo{
		IsAutoreplyOpen:             1,
		MessageDefaultAutoreplyInfo: &sim.AutoReply{Type: "img", Content: "MEDIA_ID"},
		KeywordAutoreplyInfo: sim.KeywordAutoReplies{List: []sim.AutoReplyRule{{
			RuleName: "价格", CreateTime: 1700000000, ReplyMode: "reply_all",
			KeywordListInfo: []sim.AutoReplyKeyword{{Type: "text", MatchMode: "contain", Content: "价格"}},
			ReplyListInfo:   []sim.AutoReply{{Type: "text", Content: "9.9元"}, {Type: "voice", Content: "VOICE_ID"}},
		}}},
	})
	got, err = svc.Get(ctx)
	require.NoError(t, err)
	assert.False(t, got.IsAddFriendReplyOpen.On())
	assert.Nil(t, got.AddFriendAutoreplyInfo)
	assert.Equal(t, &autoreply.Reply{Type: autoreply.Image, Content: "MEDIA_ID"}, got.MessageDefaultAutoreplyInfo)
	assert.Equal(t, []autoreply.Rule{{
		RuleName: "价格", CreateTime: 1700000000, ReplyMode: autoreply.ReplyAll,
		KeywordListInfo: []autoreply.Keyword{{Type: autoreply.Text, MatchMode: autoreply.MatchContain, Content: "价格"}},
		ReplyListInfo:   []autoreply.Reply{{Type: autoreply.Text, Content: "9.9元"}, {Type: autoreply.Voice, Content: "VOICE_ID"}},
	}}, got.KeywordAutoreplyInfo.List)
}
