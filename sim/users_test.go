package sim

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUsers(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := newSim(t, Options{Clock: clk.Now, UserPageSize: 2})
	newDevServer(t, s, nil)
	tok := token(t, s)
	var us []*Follower
	for _, n := range []string{"A", "B", "C"} {
		u := s.NewUser(n)
		_, err := u.Follow(ctx(t))
		require.NoError(t, err)
		us = append(us, u)
	}
	stranger := s.NewUser("D")

	info := api(t, s, tok, "GET", "/cgi-bin/user/info", nil, "openid", us[0].OpenID(), "lang", "zh_CN")
	assert.EqualValues(t, 1, info["subscribe"])
	assert.Equal(t, us[0].OpenID(), info["openid"])
	assert.Equal(t, us[0].UnionID(), info["unionid"])
	assert.EqualValues(t, clk.Now().Unix(), info["subscribe_time"])
	assert.Equal(t, "ADD_SCENE_SEARCH", info["subscribe_scene"])
	assert.Equal(t, []any{}, info["tagid_list"])
	info = api(t, s, tok, "GET", "/cgi-bin/user/info", nil, "openid", stranger.OpenID())
	assert.EqualValues(t, 0, info["subscribe"])
	_, has := info["subscribe_time"]
	assert.False(t, has)
	assert.Equal(t, 40003, errcode(api(t, s, tok, "GET", "/cgi-bin/user/info", nil, "openid", "nobody")))

	// Paging.
	p1 := api(t, s, tok, "GET", "/cgi-bin/user/get", nil)
	assert.EqualValues(t, 3, p1["total"])
	assert.EqualValues(t, 2, p1["count"])
	assert.Equal(t, []any{us[0].OpenID(), us[1].OpenID()}, p1["data"].(map[string]any)["openid"])
	assert.Equal(t, us[1].OpenID(), p1["next_openid"])
	p2 := api(t, s, tok, "GET", "/cgi-bin/user/get", nil, "next_openid", us[1].OpenID())
	assert.EqualValues(t, 1, p2["count"])
	p3 := api(t, s, tok, "GET", "/cgi-bin/user/get", nil, "next_openid", us[2].OpenID())
	assert.EqualValues(t, 0, p3["count"])
	assert.Equal(t, "", p3["next_openid"])

	batch := api(t, s, tok, "POST", "/cgi-bin/user/info/batchget", map[string]any{"user_list": []any{
		map[string]string{"openid": us[0].OpenID(), "lang": "zh_CN"}, map[string]string{"openid": stranger.OpenID()}}})
	assert.Len(t, batch["user_info_list"], 2)
	assert.Equal(t, 40003, errcode(api(t, s, tok, "POST", "/cgi-bin/user/info/batchget", map[string]any{"user_list": []any{map[string]string{"openid": "x"}}})))
	assert.Equal(t, 40032, errcode(api(t, s, tok, "POST", "/cgi-bin/user/info/batchget", map[string]any{"user_list": []any{}})))

	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/cgi-bin/user/info/updateremark", map[string]string{"openid": us[0].OpenID(), "remark": "pangzi"})))
	assert.Equal(t, "pangzi", api(t, s, tok, "GET", "/cgi-bin/user/info", nil, "openid", us[0].OpenID())["remark"])
	assert.Equal(t, 45002, errcode(api(t, s, tok, "POST", "/cgi-bin/user/info/updateremark", map[string]string{"openid": us[0].OpenID(), "remark": strings.Repeat("长", 30)})))

	// Unfollowing removes the user from the list.
	require.NoError(t, us[2].Unfollow(ctx(t)))
	assert.EqualValues(t, 2, api(t, s, tok, "GET", "/cgi-bin/user/get", nil)["total"])
}

func TestTags(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	newDevServer(t, s, nil)
	tok := token(t, s)
	a, b := s.NewUser("A"), s.NewUser("B")
	_, _ = a.Follow(ctx(t))
	_, _ = b.Follow(ctx(t))
	created := api(t, s, tok, "POST", "/cgi-bin/tags/create", map[string]any{"tag": map[string]string{"name": "广东"}})
	tg := created["tag"].(map[string]any)
	assert.Equal(t, "广东", tg["name"])
	id := int(tg["id"].(float64))
	assert.GreaterOrEqual(t, id, 100)
	assert.Equal(t, 45157, errcode(api(t, s, tok, "POST", "/cgi-bin/tags/create", map[string]any{"tag": map[string]string{"name": "广东"}})))
	assert.Equal(t, 45158, errcode(api(t, s, tok, "POST", "/cgi-bin/tags/create", map[string]any{"tag": map[string]string{"name": strings.Repeat("x", 31)}})))

	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/cgi-bin/tags/members/batchtagging", map[string]any{"openid_list": []string{a.OpenID(), b.OpenID()}, "tagid": id})))
	got := api(t, s, tok, "GET", "/cgi-bin/tags/get", nil)["tags"].([]any)[0].(map[string]any)
	assert.EqualValues(t, 2, got["count"])
	members := api(t, s, tok, "POST", "/cgi-bin/user/tag/get", map[string]any{"tagid": id, "next_openid": ""})
	assert.EqualValues(t, 2, members["count"])
	ids := api(t, s, tok, "POST", "/cgi-bin/tags/getidlist", map[string]string{"openid": a.OpenID()})
	assert.Equal(t, []any{float64(id)}, ids["tagid_list"])
	assert.Equal(t, []any{float64(id)}, api(t, s, tok, "GET", "/cgi-bin/user/info", nil, "openid", a.OpenID())["tagid_list"])

	assert.Equal(t, 45159, errcode(api(t, s, tok, "POST", "/cgi-bin/tags/members/batchtagging", map[string]any{"openid_list": []string{a.OpenID()}, "tagid": 999})))
	assert.Equal(t, 40003, errcode(api(t, s, tok, "POST", "/cgi-bin/tags/members/batchtagging", map[string]any{"openid_list": []string{"x"}, "tagid": id})))
	many := make([]string, 51)
	for i := range many {
		many[i] = a.OpenID()
	}
	assert.Equal(t, 40032, errcode(api(t, s, tok, "POST", "/cgi-bin/tags/members/batchtagging", map[string]any{"openid_list": many, "tagid": id})))

	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/cgi-bin/tags/members/batchuntagging", map[string]any{"openid_list": []string{b.OpenID()}, "tagid": id})))
	assert.EqualValues(t, 1, api(t, s, tok, "POST", "/cgi-bin/user/tag/get", map[string]any{"tagid": id})["count"])

	assert.Equal(t, 45058, errcode(api(t, s, tok, "POST", "/cgi-bin/tags/update", map[string]any{"tag": map[string]any{"id": 2, "name": "x"}})))
	assert.Equal(t, 45159, errcode(api(t, s, tok, "POST", "/cgi-bin/tags/update", map[string]any{"tag": map[string]any{"id": 555, "name": "x"}})))
	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/cgi-bin/tags/update", map[string]any{"tag": map[string]any{"id": id, "name": "广东人"}})))
	assert.Equal(t, 45058, errcode(api(t, s, tok, "POST", "/cgi-bin/tags/delete", map[string]any{"tag": map[string]any{"id": 1}})))
	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/cgi-bin/tags/delete", map[string]any{"tag": map[string]any{"id": id}})))
	assert.Empty(t, api(t, s, tok, "POST", "/cgi-bin/tags/getidlist", map[string]string{"openid": a.OpenID()})["tagid_list"])
	assert.Empty(t, api(t, s, tok, "GET", "/cgi-bin/tags/get", nil)["tags"])
}

func TestBlacklist(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	newDevServer(t, s, nil)
	tok := token(t, s)
	a := s.NewUser("A")
	_, _ = a.Follow(ctx(t))
	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/cgi-bin/tags/members/batchblacklist", map[string]any{"openid_list": []string{a.OpenID()}})))
	bl := api(t, s, tok, "POST", "/cgi-bin/tags/members/getblacklist", map[string]string{"begin_openid": ""})
	assert.EqualValues(t, 1, bl["total"])
	assert.Equal(t, []any{a.OpenID()}, bl["data"].(map[string]any)["openid"])
	big := make([]string, 21)
	for i := range big {
		big[i] = a.OpenID()
	}
	assert.Equal(t, 40032, errcode(api(t, s, tok, "POST", "/cgi-bin/tags/members/batchblacklist", map[string]any{"openid_list": big})))
	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/cgi-bin/tags/members/batchunblacklist", map[string]any{"openid_list": []string{a.OpenID()}})))
	assert.EqualValues(t, 0, api(t, s, tok, "POST", "/cgi-bin/tags/members/getblacklist", map[string]string{})["total"])
}
