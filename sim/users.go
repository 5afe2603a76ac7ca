package sim

import (
	"slices"
	"sort"
)

type tag struct {
	id   int
	name string
}

// userInfoLocked renders user/info for u. s.mu held.
func userInfoLocked(u *userState) map[string]any {
	if !u.subscribed {
		return map[string]any{"subscribe": 0, "openid": u.openid, "unionid": u.unionid}
	}
	tags := append([]int{}, u.tags...)
	return map[string]any{
		"subscribe":       1,
		"openid":          u.openid,
		"language":        u.language,
		"subscribe_time":  u.subscribeTime.Unix(),
		"unionid":         u.unionid,
		"remark":          u.remark,
		"groupid":         0,
		"tagid_list":      tags,
		"subscribe_scene": u.subscribeScene,
		"qr_scene":        u.qrScene,
		"qr_scene_str":    u.qrSceneStr,
	}
}

// handleUserInfo serves GET /cgi-bin/user/info (获取用户基本信息); 40003 for an
// unknown openid. Users who do not follow answer only subscribe=0, openid
// and unionid.
func (s *Sim) handleUserInfo(c *call) {
	openid := c.query("openid")
	if openid == "" {
		c.fail(41009)
		return
	}
	s.mu.Lock()
	u, ok := s.users[openid]
	var out map[string]any
	if ok {
		out = userInfoLocked(u)
	}
	s.mu.Unlock()
	if !ok {
		c.fail(40003)
		return
	}
	c.json(out)
}

// handleUserBatchGet serves POST /cgi-bin/user/info/batchget (批量获取用户基本信息),
// up to 100 users (40032 otherwise).
func (s *Sim) handleUserBatchGet(c *call) {
	var req struct {
		UserList []struct {
			OpenID string `json:"openid"`
			Lang   string `json:"lang"`
		} `json:"user_list"`
	}
	if !c.decode(&req) {
		return
	}
	if len(req.UserList) == 0 || len(req.UserList) > 100 {
		c.fail(40032)
		return
	}
	s.mu.Lock()
	list := make([]map[string]any, 0, len(req.UserList))
	for _, it := range req.UserList {
		u, ok := s.users[it.OpenID]
		if !ok {
			s.mu.Unlock()
			c.fail(40003)
			return
		}
		list = append(list, userInfoLocked(u))
	}
	s.mu.Unlock()
	c.json(map[string]any{"user_info_list": list})
}

// pageOf returns the page of ids after `after` ("" = from the start).
func pageOf(ids []string, after string, size int) ([]string, string, bool) {
	start := 0
	if after != "" {
		i := slices.Index(ids, after)
		if i < 0 {
			return nil, "", false
		}
		start = i + 1
	}
	end := min(start+size, len(ids))
	page := ids[start:end]
	next := ""
	if len(page) > 0 {
		next = page[len(page)-1]
	}
	return page, next, true
}

func listBody(total int, page []string, next string) map[string]any {
	out := map[string]any{"total": total, "count": len(page), "next_openid": next}
	if len(page) > 0 {
		out["data"] = map[string]any{"openid": page}
	}
	return out
}

// followersLocked lists the openids of current followers in order. s.mu held.
func (s *Sim) followersLocked(pred func(*userState) bool) []string {
	var ids []string
	for _, id := range s.order {
		u := s.users[id]
		if u.subscribed && (pred == nil || pred(u)) {
			ids = append(ids, id)
		}
	}
	return ids
}

// handleUserGet serves GET /cgi-bin/user/get (获取用户列表): pages of up to
// 10000 openids (Options.UserPageSize), continued with next_openid.
func (s *Sim) handleUserGet(c *call) {
	s.mu.Lock()
	ids := s.followersLocked(nil)
	s.mu.Unlock()
	page, next, ok := pageOf(ids, c.query("next_openid"), s.opts.UserPageSize)
	if !ok {
		c.fail(40003)
		return
	}
	c.json(listBody(len(ids), page, next))
}

// handleUpdateRemark serves POST /cgi-bin/user/info/updateremark (设置用户备注名):
// the remark must be shorter than 30 characters (45002).
func (s *Sim) handleUpdateRemark(c *call) {
	var req struct {
		OpenID string `json:"openid"`
		Remark string `json:"remark"`
	}
	if !c.decode(&req) {
		return
	}
	if len([]rune(req.Remark)) >= 30 {
		c.fail(45002)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[req.OpenID]
	if !ok || !u.subscribed {
		c.fail(40003)
		return
	}
	u.remark = req.Remark
	c.ok()
}

// Tags (用户标签管理). Tag ids 0, 1 and 2 are reserved system tags.

func (s *Sim) checkTagName(name string, except int) int {
	if name == "" {
		return 45157
	}
	if len(name) > 30 {
		return 45158
	}
	for _, t := range s.tags {
		if t.name == name && t.id != except {
			return 45157
		}
	}
	return 0
}

type tagReq struct {
	Tag struct {
		ID   int    `json:"id"`
		Name string `json:"name"`
	} `json:"tag"`
}

// handleTagCreate serves POST /cgi-bin/tags/create (创建标签): names of 1..30
// bytes, unique (45157/45158), at most 100 tags (45056).
func (s *Sim) handleTagCreate(c *call) {
	var req tagReq
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if code := s.checkTagName(req.Tag.Name, -1); code != 0 {
		c.fail(code)
		return
	}
	if len(s.tags) >= 100 {
		c.fail(45056)
		return
	}
	t := &tag{id: s.nextTagID, name: req.Tag.Name}
	s.nextTagID++
	s.tags[t.id] = t
	c.json(map[string]any{"tag": map[string]any{"id": t.id, "name": t.name}})
}

// handleTagGet serves GET /cgi-bin/tags/get (获取已创建的标签).
func (s *Sim) handleTagGet(c *call) {
	s.mu.Lock()
	ids := make([]int, 0, len(s.tags))
	for id := range s.tags {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	list := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		n := 0
		for _, u := range s.users {
			if u.subscribed && slices.Contains(u.tags, id) {
				n++
			}
		}
		list = append(list, map[string]any{"id": id, "name": s.tags[id].name, "count": n})
	}
	s.mu.Unlock()
	c.json(map[string]any{"tags": list})
}

// handleTagUpdate serves POST /cgi-bin/tags/update (编辑标签).
func (s *Sim) handleTagUpdate(c *call) {
	var req tagReq
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if req.Tag.ID >= 0 && req.Tag.ID <= 2 {
		c.fail(45058)
		return
	}
	t, ok := s.tags[req.Tag.ID]
	if !ok {
		c.fail(45159)
		return
	}
	if code := s.checkTagName(req.Tag.Name, t.id); code != 0 {
		c.fail(code)
		return
	}
	t.name = req.Tag.Name
	c.ok()
}

// handleTagDelete serves POST /cgi-bin/tags/delete (删除标签); the tag is
// removed from every user.
func (s *Sim) handleTagDelete(c *call) {
	var req tagReq
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if req.Tag.ID >= 0 && req.Tag.ID <= 2 {
		c.fail(45058)
		return
	}
	if _, ok := s.tags[req.Tag.ID]; !ok {
		c.fail(45159)
		return
	}
	delete(s.tags, req.Tag.ID)
	for _, u := range s.users {
		u.tags = slices.DeleteFunc(u.tags, func(id int) bool { return id == req.Tag.ID })
	}
	c.ok()
}

// handleTagUsers serves POST /cgi-bin/user/tag/get (获取标签下粉丝列表).
func (s *Sim) handleTagUsers(c *call) {
	var req struct {
		TagID      int    `json:"tagid"`
		NextOpenID string `json:"next_openid"`
	}
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	_, ok := s.tags[req.TagID]
	ids := s.followersLocked(func(u *userState) bool { return slices.Contains(u.tags, req.TagID) })
	s.mu.Unlock()
	if !ok {
		c.fail(45159)
		return
	}
	page, next, ok := pageOf(ids, req.NextOpenID, s.opts.UserPageSize)
	if !ok {
		c.fail(40003)
		return
	}
	out := map[string]any{"count": len(page), "next_openid": next}
	if len(page) > 0 {
		out["data"] = map[string]any{"openid": page}
	}
	c.json(out)
}

type openidListReq struct {
	OpenIDList []string `json:"openid_list"`
	TagID      int      `json:"tagid"`
}

// usersLocked resolves an openid list of at most max entries (40032) to
// known followers (40003). s.mu held.
func (s *Sim) usersLocked(ids []string, max int) ([]*userState, int) {
	if len(ids) == 0 || len(ids) > max {
		return nil, 40032
	}
	out := make([]*userState, 0, len(ids))
	for _, id := range ids {
		u, ok := s.users[id]
		if !ok {
			return nil, 40003
		}
		out = append(out, u)
	}
	return out, 0
}

// handleBatchTagging serves POST /cgi-bin/tags/members/batchtagging (批量为用户打标签):
// at most 50 openids (40032), a user carries at most 20 tags (45059).
func (s *Sim) handleBatchTagging(c *call) { s.setTag(c, true) }

// handleBatchUntagging serves POST /cgi-bin/tags/members/batchuntagging (批量为用户取消标签).
func (s *Sim) handleBatchUntagging(c *call) { s.setTag(c, false) }

// setTag adds or removes the tag of the request on every listed user, or on
// none if any check fails.
func (s *Sim) setTag(c *call, add bool) {
	var req openidListReq
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.tags[req.TagID]; !ok {
		c.fail(45159)
		return
	}
	us, code := s.usersLocked(req.OpenIDList, 50)
	if code != 0 {
		c.fail(code)
		return
	}
	for _, u := range us {
		if add && !slices.Contains(u.tags, req.TagID) && len(u.tags) >= 20 {
			c.fail(45059)
			return
		}
	}
	for _, u := range us {
		if !add {
			u.tags = slices.DeleteFunc(u.tags, func(id int) bool { return id == req.TagID })
		} else if !slices.Contains(u.tags, req.TagID) {
			u.tags = append(u.tags, req.TagID)
		}
	}
	c.ok()
}

// handleTagIDList serves POST /cgi-bin/tags/getidlist (获取用户身上的标签列表).
func (s *Sim) handleTagIDList(c *call) {
	var req struct {
		OpenID string `json:"openid"`
	}
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	u, ok := s.users[req.OpenID]
	var ids []int
	if ok {
		ids = append([]int{}, u.tags...)
	}
	s.mu.Unlock()
	if !ok {
		c.fail(40003)
		return
	}
	c.json(map[string]any{"tagid_list": ids})
}

// handleGetBlacklist serves POST /cgi-bin/tags/members/getblacklist (获取公众号的黑名单列表).
func (s *Sim) handleGetBlacklist(c *call) {
	var req struct {
		BeginOpenID string `json:"begin_openid"`
	}
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	var ids []string
	for _, id := range s.order {
		if s.users[id].blacklisted {
			ids = append(ids, id)
		}
	}
	s.mu.Unlock()
	page, next, ok := pageOf(ids, req.BeginOpenID, s.opts.UserPageSize)
	if !ok {
		c.fail(40003)
		return
	}
	c.json(listBody(len(ids), page, next))
}

func (s *Sim) setBlacklist(c *call, black bool) {
	var req openidListReq
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	us, code := s.usersLocked(req.OpenIDList, 20)
	if code != 0 {
		c.fail(code)
		return
	}
	for _, u := range us {
		u.blacklisted = black
	}
	c.ok()
}

// handleBatchBlacklist serves POST /cgi-bin/tags/members/batchblacklist (拉黑用户),
// at most 20 openids (40032). Blacklisted users can no longer message the
// account and receive no mass messages.
func (s *Sim) handleBatchBlacklist(c *call) { s.setBlacklist(c, true) }

// handleBatchUnblacklist serves POST /cgi-bin/tags/members/batchunblacklist (取消拉黑用户).
func (s *Sim) handleBatchUnblacklist(c *call) { s.setBlacklist(c, false) }
