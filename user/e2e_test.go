package user_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/simtest"
	"github.com/wxkit/mp/sim"
	"github.com/wxkit/mp/user"
)

// drainIDs drains an iterator of openids.
func drainIDs(t *testing.T, seq func(func(string, error) bool)) []string {
	t.Helper()
	var out []string
	for id, err := range seq {
		require.NoError(t, err)
		out = append(out, id)
	}
	return out
}

// TestEndToEndUserManagement runs 用户管理 against the simulator with 25
// followers and pages of 10: profiles one by one and in batches, the
// follower list through the paging iterator, tags, remarks and the
// blacklist.
func TestEndToEndUserManagement(t *testing.T) {
	t.Parallel()
	s, client := simtest.New(t, sim.Options{UserPageSize: 10})
	users := user.New(client)
	ctx := context.Background()

	var followers []*sim.Follower
	var openids []string
	for i := range 25 {
		f := s.NewUser(fmt.Sprintf("用户%02d", i))
		_, err := f.Follow(ctx)
		require.ErrorIs(t, err, sim.ErrNoCallbackURL)
		require.True(t, f.Following())
		followers = append(followers, f)
		openids = append(openids, f.OpenID())
	}
	stranger := s.NewUser("Stranger") // never follows

	// 获取用户列表, page by page and through the iterator.
	first, err := users.Followers(ctx, "")
	require.NoError(t, err)
	assert.Equal(t, 25, first.Total)
	assert.Equal(t, 10, first.Count)
	assert.Len(t, first.OpenIDs(), 10)
	assert.Equal(t, first.OpenIDs()[9], first.NextOpenID)
	second, err := users.Followers(ctx, first.NextOpenID)
	require.NoError(t, err)
	assert.Equal(t, 10, second.Count)
	assert.NotContains(t, second.OpenIDs(), first.NextOpenID)

	all := drainIDs(t, users.AllFollowers(ctx))
	assert.ElementsMatch(t, openids, all)
	assert.Len(t, all, 25, "no openid twice")

	// 获取用户基本信息.
	info, err := users.Info(ctx, followers[3].OpenID(), user.LangZhCN)
	require.NoError(t, err)
	assert.True(t, info.Subscribed())
	assert.Equal(t, followers[3].OpenID(), info.OpenID)
	assert.Equal(t, user.SceneSearch, info.SubscribeScene)
	assert.False(t, info.SubscribedAt().IsZero())
	assert.Equal(t, followers[3].UnionID(), info.UnionID)

	info, err = users.Info(ctx, stranger.OpenID(), "")
	require.NoError(t, err)
	assert.False(t, info.Subscribed())
	assert.Equal(t, stranger.OpenID(), info.OpenID)

	// 批量获取用户基本信息 (at most 100 a call; 25 fit in one).
	batch, err := users.BatchInfo(ctx, user.Refs(user.LangZhCN, openids...))
	require.NoError(t, err)
	require.Len(t, batch, 25)
	for i, u := range batch {
		assert.Equal(t, openids[i], u.OpenID, "answers come in the order asked")
		assert.True(t, u.Subscribed())
	}

	// 设置用户备注名.
	require.NoError(t, users.UpdateRemark(ctx, followers[0].OpenID(), "VIP 客户"))
	info, err = users.Info(ctx, followers[0].OpenID(), "")
	require.NoError(t, err)
	assert.Equal(t, "VIP 客户", info.Remark)
	// The documented limits (remark shorter than 30 characters, tag names
	// of at most 30 bytes) are where the platform draws them: the longest
	// allowed values go through, the next ones are refused before sending.
	require.NoError(t, users.UpdateRemark(ctx, followers[1].OpenID(), strings.Repeat("备", user.MaxRemarkLength)))
	info, err = users.Info(ctx, followers[1].OpenID(), "")
	require.NoError(t, err)
	assert.Equal(t, strings.Repeat("备", 29), info.Remark)
	var ve *mp.ValidationError
	assert.ErrorAs(t, users.UpdateRemark(ctx, followers[1].OpenID(), strings.Repeat("备", 30)), &ve)
	long, err := users.CreateTag(ctx, strings.Repeat("标", 10))
	require.NoError(t, err, "ten Chinese characters are 30 bytes")
	require.NoError(t, users.DeleteTag(ctx, long.ID))
	_, err = users.CreateTag(ctx, strings.Repeat("标", 11))
	assert.ErrorAs(t, err, &ve)

	// 用户标签管理.
	tag, err := users.CreateTag(ctx, "广东")
	require.NoError(t, err)
	assert.Equal(t, "广东", tag.Name)
	assert.False(t, user.IsReserved(tag.ID), "new tags get ids above the reserved ones")
	require.NoError(t, users.TagUsers(ctx, tag.ID, openids[:12]))
	tags, err := users.Tags(ctx)
	require.NoError(t, err)
	i := slices.IndexFunc(tags, func(x user.Tag) bool { return x.ID == tag.ID })
	require.GreaterOrEqual(t, i, 0, "%+v", tags)
	assert.Equal(t, 12, tags[i].Count)

	fans := drainIDs(t, users.AllTagFans(ctx, tag.ID))
	assert.ElementsMatch(t, openids[:12], fans, "fans of the tag, over two pages")
	ids, err := users.UserTagIDs(ctx, openids[5])
	require.NoError(t, err)
	assert.Equal(t, []int{tag.ID}, ids)
	info, err = users.Info(ctx, openids[5], "")
	require.NoError(t, err)
	assert.Equal(t, []int{tag.ID}, info.TagIDList)

	require.NoError(t, users.UntagUsers(ctx, tag.ID, openids[:2]))
	fans = drainIDs(t, users.AllTagFans(ctx, tag.ID))
	assert.ElementsMatch(t, openids[2:12], fans)
	ids, err = users.UserTagIDs(ctx, openids[0])
	require.NoError(t, err)
	assert.Empty(t, ids)

	require.NoError(t, users.UpdateTag(ctx, tag.ID, "广东省"))
	tags, err = users.Tags(ctx)
	require.NoError(t, err)
	i = slices.IndexFunc(tags, func(x user.Tag) bool { return x.ID == tag.ID })
	require.GreaterOrEqual(t, i, 0)
	assert.Equal(t, "广东省", tags[i].Name)

	_, err = users.CreateTag(ctx, "广东省")
	assert.Error(t, err, "tag names are unique (45157)")

	require.NoError(t, users.DeleteTag(ctx, tag.ID))
	tags, err = users.Tags(ctx)
	require.NoError(t, err)
	assert.False(t, slices.ContainsFunc(tags, func(x user.Tag) bool { return x.ID == tag.ID }))

	// 黑名单管理.
	require.NoError(t, users.Block(ctx, openids[20:]))
	blocked := drainIDs(t, users.AllBlacklist(ctx))
	assert.ElementsMatch(t, openids[20:], blocked)
	_, err = followers[21].SendText(ctx, "hello?")
	assert.ErrorIs(t, err, sim.ErrBlacklisted, "a blacklisted user cannot message the account")
	require.NoError(t, users.Unblock(ctx, openids[20:22]))
	blocked = drainIDs(t, users.AllBlacklist(ctx))
	assert.ElementsMatch(t, openids[22:], blocked)

	// An unknown openid is WeChat's 40003.
	_, err = users.Info(ctx, "o6_bmjrPTlm6_2sgVt7hMZOPfL2M", "")
	assert.True(t, mp.IsCode(err, mp.CodeInvalidOpenID), "%v", err)

	// Unfollowing leaves the follower list.
	require.ErrorIs(t, followers[24].Unfollow(ctx), sim.ErrNoCallbackURL, "unfollowed; nothing to push to")
	all = drainIDs(t, users.AllFollowers(ctx))
	assert.Len(t, all, 24)
	assert.NotContains(t, all, openids[24])
}
