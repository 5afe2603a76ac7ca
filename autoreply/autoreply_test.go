package autoreply_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/autoreply"
	"github.com/wxkit/mp/internal/mptest"
)

func TestGet(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("GET", "/cgi-bin/get_current_autoreply_info", "get_current_autoreply_info.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		assert.Empty(t, body)
	})
	got, err := autoreply.New(c).Get(context.Background())
	require.NoError(t, err)
	assert.True(t, got.IsAddFriendReplyOpen.On())
	assert.True(t, got.IsAutoreplyOpen.On())
	assert.Equal(t, &autoreply.Reply{Type: autoreply.Text, Content: "Thanks for your attention!"}, got.AddFriendAutoreplyInfo)
	assert.Equal(t, &autoreply.Reply{Type: autoreply.Text, Content: "Hello, this is autoreply!"}, got.MessageDefaultAutoreplyInfo)
	rules := got.KeywordAutoreplyInfo.List
	require.Len(t, rules, 4)
	news := rules[0]
	assert.Equal(t, "autoreply-news", news.RuleName)
	assert.Equal(t, int64(1423028166), news.CreateTime)
	assert.Equal(t, autoreply.ReplyAll, news.ReplyMode)
	assert.Equal(t, []autoreply.Keyword{{Type: autoreply.Text, MatchMode: autoreply.MatchContain, Content: "news测试"}}, news.KeywordListInfo)
	require.Len(t, news.ReplyListInfo, 2)
	first := news.ReplyListInfo[0]
	assert.Equal(t, autoreply.News, first.Type)
	require.NotNil(t, first.NewsInfo)
	assert.Equal(t, autoreply.NewsItem{
		Title: "it's news", Author: "jim", Digest: "it's digest", ShowCover: 1,
		CoverURL:   "http://mmbiz.qpic.cn/mmbiz/GE7et87vE9vicuCibqXsX9GPPLuEtBfXfKbE8sWdt2DDcL0dMfQWJWTVn1N8DxI0gcRmrtqBOuwQHeuPKmFLK0ZQ/0",
		ContentURL: "http://mp.weixin.qq.com/s?__biz=MjM5ODUwNTM3Ng==&mid=203929886&idx=1&sn=628f964cf0c6d84c026881b6959aea8b#rd",
		SourceURL:  "http://www.url.com",
	}, first.NewsInfo.List[0])
	assert.Equal(t, "KQb_w_Tiz-nSdVLoTV35Psmty8hGBulGhEdbb9SKs-o", news.ReplyListInfo[1].Content)
	assert.False(t, news.ReplyListInfo[1].NewsInfo.List[0].ShowCover.On())
	assert.Equal(t, autoreply.ReplyRandomOne, rules[1].ReplyMode)
	assert.Equal(t, autoreply.Reply{Type: autoreply.Voice, Content: "NESsxgHEvAcg3egJTtYj4uG1PTL6iPhratdWKDLAXYErhN6oEEfMdVyblWtBY5vp"}, rules[1].ReplyListInfo[0])
	assert.Equal(t, autoreply.MatchEqual, rules[3].KeywordListInfo[0].MatchMode)
	assert.Equal(t, autoreply.Video, rules[3].ReplyListInfo[0].Type)
}

func TestGetNothingSet(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Handle("GET", "/cgi-bin/get_current_autoreply_info", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"is_add_friend_reply_open":0,"is_autoreply_open":0,"keyword_autoreply_info":{"list":[]}}`))
	})
	got, err := autoreply.New(c).Get(context.Background())
	require.NoError(t, err)
	assert.False(t, got.IsAddFriendReplyOpen.On())
	assert.Nil(t, got.AddFriendAutoreplyInfo)
	assert.Nil(t, got.MessageDefaultAutoreplyInfo)
	assert.Empty(t, got.KeywordAutoreplyInfo.List)
}

func TestGetError(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.ReplyError("GET", "/cgi-bin/get_current_autoreply_info", 48001, "api unauthorized")
	got, err := autoreply.New(c).Get(context.Background())
	assert.Nil(t, got)
	mptest.RequireAPIError(t, err, 48001)
}
