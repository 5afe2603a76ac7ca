package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// TemporaryMediaTTL is how long a temporary media (临时素材) stays
// downloadable: 3 days.
const TemporaryMediaTTL = 72 * time.Hour

type mediaItem struct {
	id           string
	typ          string // image, voice, video, thumb
	name         string
	data         []byte
	created      time.Time
	permanent    bool
	title, intro string
}

func (m *mediaItem) url(base string) string { return base + "/sim/media/" + m.id }

// mediaExists reports whether id names a stored, unexpired media, material
// or draft.
func (s *Sim) mediaExists(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mediaExistsLocked(id)
}

func (s *Sim) mediaExistsLocked(id string) bool {
	if m, ok := s.media[id]; ok {
		return m.permanent || s.now().Sub(m.created) < TemporaryMediaTTL
	}
	_, ok := s.drafts[id]
	return ok
}

func (s *Sim) newMediaLocked(typ, name string, data []byte, permanent bool) *mediaItem {
	id := randText(64)
	if permanent {
		id = randText(43)
	}
	m := &mediaItem{id: id, typ: typ, name: name, data: data, created: s.now(), permanent: permanent}
	s.media[id] = m
	return m
}

// storeUserMedia stores a temporary media sent by a follower.
func (s *Sim) storeUserMedia(typ, name string, data []byte) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newMediaLocked(typ, name, data, false).id
}

// mediaRules returns the allowed extensions, size limit and size errcode of
// a media type (素材管理: image 10MB bmp/png/jpeg/jpg/gif, voice 2MB amr/mp3,
// video 10MB mp4, thumb 64KB jpg).
func mediaRules(typ string) (exts []string, limit int, code int, ok bool) {
	switch typ {
	case "image":
		return []string{".bmp", ".png", ".jpeg", ".jpg", ".gif"}, 10 << 20, 40009, true
	case "voice":
		return []string{".amr", ".mp3", ".speex"}, 2 << 20, 40010, true
	case "video":
		return []string{".mp4"}, 10 << 20, 40011, true
	case "thumb":
		return []string{".jpg", ".jpeg"}, 64 << 10, 40012, true
	}
	return nil, 0, 0, false
}

// readUpload reads the multipart field "media" of an upload and checks it
// against the type's rules. It answers the errcode itself on failure.
func (c *call) readUpload(typ string) (name string, data []byte, ok bool) {
	exts, limit, sizeCode, known := mediaRules(typ)
	if !known {
		c.fail(40004)
		return "", nil, false
	}
	c.r.Body = http.MaxBytesReader(c.w, c.r.Body, 21<<20)
	if err := c.r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			c.fail(45001)
		} else {
			c.fail(41005)
		}
		return "", nil, false
	}
	defer c.r.MultipartForm.RemoveAll()
	f, hdr, err := c.r.FormFile("media")
	if err != nil {
		c.fail(41005)
		return "", nil, false
	}
	defer f.Close()
	data, err = io.ReadAll(f)
	if err != nil {
		c.fail(41005)
		return "", nil, false
	}
	if len(data) == 0 {
		c.fail(41005)
		return "", nil, false
	}
	name = path.Base(hdr.Filename)
	if !slices.Contains(exts, strings.ToLower(path.Ext(name))) {
		c.fail(40005)
		return "", nil, false
	}
	if len(data) > limit {
		c.fail(sizeCode)
		return "", nil, false
	}
	return name, data, true
}

// handleMediaUpload serves POST /cgi-bin/media/upload?type= (新增临时素材),
// multipart field "media". Temporary media expire after 3 days.
func (s *Sim) handleMediaUpload(c *call) {
	typ := c.query("type")
	name, data, ok := c.readUpload(typ)
	if !ok {
		return
	}
	s.mu.Lock()
	m := s.newMediaLocked(typ, name, data, false)
	s.mu.Unlock()
	out := map[string]any{"type": typ, "media_id": m.id, "created_at": m.created.Unix()}
	if typ == "thumb" {
		out["thumb_media_id"] = m.id
	}
	c.json(out)
}

func (c *call) writeFile(m *mediaItem) {
	ct := mime.TypeByExtension(path.Ext(m.name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	c.w.Header().Set("Content-Type", ct)
	c.w.Header().Set("Content-Disposition", `attachment; filename="`+strings.ReplaceAll(m.name, `"`, "")+`"`)
	c.w.Header().Set("Content-Length", strconv.Itoa(len(m.data)))
	_, _ = c.w.Write(m.data)
}

// handleMediaGet serves GET /cgi-bin/media/get (获取临时素材): the file, or
// {"video_url"} for a video; 40007 for unknown or expired ids.
func (s *Sim) handleMediaGet(c *call) {
	id := c.query("media_id")
	s.mu.Lock()
	m, ok := s.media[id]
	ok = ok && !m.permanent && c.now.Sub(m.created) < TemporaryMediaTTL
	s.mu.Unlock()
	if !ok {
		c.fail(40007)
		return
	}
	if m.typ == "video" {
		c.json(map[string]string{"video_url": m.url(s.URL)})
		return
	}
	c.writeFile(m)
}

// handleMediaFile serves the URLs the simulator hands out for media
// (/sim/media/<id>), standing in for mmbiz.qpic.cn.
func (s *Sim) handleMediaFile(c *call) {
	id := strings.TrimPrefix(c.r.URL.Path, "/sim/media/")
	s.mu.Lock()
	m, ok := s.media[id]
	s.mu.Unlock()
	if !ok {
		http.NotFound(c.w, c.r)
		return
	}
	c.writeFile(m)
}

// handleUploadImg serves POST /cgi-bin/media/uploadimg (上传图文消息内的图片获取URL):
// jpg/png up to 1MB.
func (s *Sim) handleUploadImg(c *call) {
	name, data, ok := c.readUpload("image")
	if !ok {
		return
	}
	if ext := strings.ToLower(path.Ext(name)); ext != ".jpg" && ext != ".jpeg" && ext != ".png" {
		c.fail(40005)
		return
	}
	if len(data) > 1<<20 {
		c.fail(40009)
		return
	}
	s.mu.Lock()
	m := s.newMediaLocked("image", name, data, true)
	delete(s.media, m.id) // not a material: reachable only by URL
	s.media["img_"+m.id] = m
	m.id = "img_" + m.id
	s.mu.Unlock()
	c.json(map[string]string{"url": m.url(s.URL)})
}

// handleAddMaterial serves POST /cgi-bin/material/add_material?type= (新增其他类型永久素材).
// Videos need the form field description={"title","introduction"}.
func (s *Sim) handleAddMaterial(c *call) {
	typ := c.query("type")
	name, data, ok := c.readUpload(typ)
	if !ok {
		return
	}
	var desc struct {
		Title        string `json:"title"`
		Introduction string `json:"introduction"`
	}
	if typ == "video" {
		if err := json.Unmarshal([]byte(c.r.FormValue("description")), &desc); err != nil || desc.Title == "" {
			c.fail(40097)
			return
		}
	}
	s.mu.Lock()
	m := s.newMediaLocked(typ, name, data, true)
	m.title, m.intro = desc.Title, desc.Introduction
	s.mu.Unlock()
	out := map[string]string{"media_id": m.id}
	if typ == "image" {
		out["url"] = m.url(s.URL)
	}
	c.json(out)
}

func (s *Sim) permanentMaterial(c *call) (*mediaItem, bool) {
	var req struct {
		MediaID string `json:"media_id"`
	}
	if !c.decode(&req) {
		return nil, false
	}
	s.mu.Lock()
	m, ok := s.media[req.MediaID]
	s.mu.Unlock()
	if !ok || !m.permanent || strings.HasPrefix(m.id, "img_") {
		c.fail(40007)
		return nil, false
	}
	return m, true
}

// handleGetMaterial serves POST /cgi-bin/material/get_material (获取永久素材):
// the file, or {"title","description","down_url"} for a video.
func (s *Sim) handleGetMaterial(c *call) {
	m, ok := s.permanentMaterial(c)
	if !ok {
		return
	}
	if m.typ == "video" {
		c.json(map[string]string{"title": m.title, "description": m.intro, "down_url": m.url(s.URL)})
		return
	}
	c.writeFile(m)
}

// handleDelMaterial serves POST /cgi-bin/material/del_material (删除永久素材).
func (s *Sim) handleDelMaterial(c *call) {
	m, ok := s.permanentMaterial(c)
	if !ok {
		return
	}
	s.mu.Lock()
	delete(s.media, m.id)
	s.mu.Unlock()
	c.ok()
}

func (s *Sim) materialsLocked(typ string) []*mediaItem {
	var out []*mediaItem
	for _, m := range s.media {
		if m.permanent && m.typ == typ && !strings.HasPrefix(m.id, "img_") {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b *mediaItem) int {
		if c := b.created.Compare(a.created); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	return out
}

// handleMaterialCount serves GET /cgi-bin/material/get_materialcount (获取素材总数).
func (s *Sim) handleMaterialCount(c *call) {
	s.mu.Lock()
	out := map[string]int{
		"voice_count": len(s.materialsLocked("voice")),
		"video_count": len(s.materialsLocked("video")),
		"image_count": len(s.materialsLocked("image")) + len(s.materialsLocked("thumb")),
		"news_count":  0,
	}
	s.mu.Unlock()
	c.json(out)
}

// handleBatchGetMaterial serves POST /cgi-bin/material/batchget_material
// (获取素材列表): type image/video/voice/news, count 1..20.
func (s *Sim) handleBatchGetMaterial(c *call) {
	var req struct {
		Type   string `json:"type"`
		Offset int    `json:"offset"`
		Count  int    `json:"count"`
	}
	if !c.decode(&req) {
		return
	}
	if req.Type != "image" && req.Type != "video" && req.Type != "voice" && req.Type != "news" {
		c.fail(40004)
		return
	}
	if req.Count < 1 || req.Count > 20 || req.Offset < 0 {
		c.fail(40097)
		return
	}
	s.mu.Lock()
	all := s.materialsLocked(req.Type)
	if req.Type == "image" {
		all = append(all, s.materialsLocked("thumb")...)
	}
	items := []map[string]any{}
	for i := req.Offset; i < len(all) && len(items) < req.Count; i++ {
		m := all[i]
		items = append(items, map[string]any{"media_id": m.id, "name": m.name, "update_time": m.created.Unix(), "url": m.url(s.URL)})
	}
	s.mu.Unlock()
	c.json(map[string]any{"total_count": len(all), "item_count": len(items), "item": items})
}

// Drafts (草稿箱) and publishing (发布能力).

type article struct {
	Title              string `json:"title"`
	Author             string `json:"author"`
	Digest             string `json:"digest"`
	Content            string `json:"content,omitempty"`
	ContentSourceURL   string `json:"content_source_url"`
	ThumbMediaID       string `json:"thumb_media_id"`
	NeedOpenComment    int    `json:"need_open_comment"`
	OnlyFansCanComment int    `json:"only_fans_can_comment"`
	URL                string `json:"url,omitempty"`
	ThumbURL           string `json:"thumb_url,omitempty"`
	IsDeleted          *bool  `json:"is_deleted,omitempty"`
}

type draft struct {
	id       string
	articles []article
	updated  time.Time
}

type publication struct {
	publishID string
	articleID string
	articles  []article
	deleted   []bool
	updated   time.Time
}

// checkArticleLocked validates one article: title up to 64 characters,
// content required (44003), thumb_media_id a permanent image or thumb
// (40007). s.mu held.
func (s *Sim) checkArticleLocked(a *article) int {
	if a.Title == "" || a.Content == "" {
		return 44003
	}
	if len([]rune(a.Title)) > 64 {
		return 45002
	}
	m, ok := s.media[a.ThumbMediaID]
	if !ok || !m.permanent || (m.typ != "image" && m.typ != "thumb") || strings.HasPrefix(m.id, "img_") {
		return 40007
	}
	a.ThumbURL = m.url(s.URL)
	return 0
}

// handleDraftAdd serves POST /cgi-bin/draft/add (新建草稿): 1..8 articles.
func (s *Sim) handleDraftAdd(c *call) {
	var req struct {
		Articles []article `json:"articles"`
	}
	if !c.decode(&req) {
		return
	}
	if len(req.Articles) == 0 {
		c.fail(44003)
		return
	}
	if len(req.Articles) > 8 {
		c.fail(45008)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range req.Articles {
		if code := s.checkArticleLocked(&req.Articles[i]); code != 0 {
			c.fail(code)
			return
		}
		req.Articles[i].URL, req.Articles[i].IsDeleted = "", nil
	}
	d := &draft{id: randText(43), articles: req.Articles, updated: c.now}
	for i := range d.articles {
		d.articles[i].URL = s.URL + "/s?__biz=sim&draft=" + d.id + "&idx=" + itoa(int64(i+1))
	}
	s.drafts[d.id] = d
	s.draftOrder = append(s.draftOrder, d.id)
	c.json(map[string]string{"media_id": d.id})
}

func (s *Sim) findDraft(c *call, id string) (*draft, bool) {
	d, ok := s.drafts[id]
	if !ok {
		c.fail(40007)
	}
	return d, ok
}

func newsItems(as []article, noContent bool) []article {
	out := append([]article{}, as...)
	if noContent {
		for i := range out {
			out[i].Content = ""
		}
	}
	return out
}

// handleDraftGet serves POST /cgi-bin/draft/get (获取草稿).
func (s *Sim) handleDraftGet(c *call) {
	var req struct {
		MediaID string `json:"media_id"`
	}
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.findDraft(c, req.MediaID)
	if !ok {
		return
	}
	c.json(map[string]any{"news_item": newsItems(d.articles, false)})
}

// handleDraftUpdate serves POST /cgi-bin/draft/update (修改草稿); index is
// 0-based.
func (s *Sim) handleDraftUpdate(c *call) {
	var req struct {
		MediaID  string  `json:"media_id"`
		Index    int     `json:"index"`
		Articles article `json:"articles"`
	}
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.findDraft(c, req.MediaID)
	if !ok {
		return
	}
	if req.Index < 0 || req.Index >= len(d.articles) {
		c.fail(40097)
		return
	}
	if code := s.checkArticleLocked(&req.Articles); code != 0 {
		c.fail(code)
		return
	}
	req.Articles.URL, req.Articles.IsDeleted = d.articles[req.Index].URL, nil
	d.articles[req.Index] = req.Articles
	d.updated = c.now
	c.ok()
}

// handleDraftDelete serves POST /cgi-bin/draft/delete (删除草稿).
func (s *Sim) handleDraftDelete(c *call) {
	var req struct {
		MediaID string `json:"media_id"`
	}
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.findDraft(c, req.MediaID); !ok {
		return
	}
	s.removeDraftLocked(req.MediaID)
	c.ok()
}

func (s *Sim) removeDraftLocked(id string) {
	delete(s.drafts, id)
	s.draftOrder = slices.DeleteFunc(s.draftOrder, func(x string) bool { return x == id })
}

// handleDraftCount serves GET /cgi-bin/draft/count (获取草稿总数).
func (s *Sim) handleDraftCount(c *call) {
	s.mu.Lock()
	n := len(s.drafts)
	s.mu.Unlock()
	c.json(map[string]int{"total_count": n})
}

type pageReq struct {
	Offset    int `json:"offset"`
	Count     int `json:"count"`
	NoContent int `json:"no_content"`
}

// handleDraftBatchGet serves POST /cgi-bin/draft/batchget (获取草稿列表),
// newest first, count 1..20.
func (s *Sim) handleDraftBatchGet(c *call) {
	var req pageReq
	if !c.decode(&req) {
		return
	}
	if req.Count < 1 || req.Count > 20 || req.Offset < 0 {
		c.fail(40097)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	items := []map[string]any{}
	for i := len(s.draftOrder) - 1 - req.Offset; i >= 0 && len(items) < req.Count; i-- {
		d := s.drafts[s.draftOrder[i]]
		items = append(items, map[string]any{"media_id": d.id, "content": map[string]any{"news_item": newsItems(d.articles, req.NoContent == 1)}, "update_time": d.updated.Unix()})
	}
	c.json(map[string]any{"total_count": len(s.draftOrder), "item_count": len(items), "item": items})
}

// handlePublishSubmit serves POST /cgi-bin/freepublish/submit (发布接口): the
// draft is published at once (and leaves the draft box) and a
// PUBLISHJOBFINISH event (publish_status 0) is pushed to the callback.
func (s *Sim) handlePublishSubmit(c *call) {
	var req struct {
		MediaID string `json:"media_id"`
	}
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	d, ok := s.findDraft(c, req.MediaID)
	if !ok {
		s.mu.Unlock()
		return
	}
	p := &publication{publishID: itoa(s.nextSeq() % 10000000000), articleID: randText(43), updated: c.now}
	for i, a := range d.articles {
		a.URL = s.URL + "/s?__biz=sim&mid=" + p.publishID + "&idx=" + itoa(int64(i+1))
		p.articles = append(p.articles, a)
		p.deleted = append(p.deleted, false)
	}
	s.publishes[p.publishID] = p
	s.articles[p.articleID] = p
	s.pubOrder = append(s.pubOrder, p.articleID)
	s.removeDraftLocked(d.id)
	x := s.header(s.adminOpenID(), "event", c.now)
	x.cdata("Event", "PUBLISHJOBFINISH")
	x.raw("<PublishEventInfo>")
	x.num("publish_id", p.publishID)
	x.num("publish_status", "0")
	x.cdata("article_id", p.articleID)
	x.raw("<article_detail>")
	x.num("count", itoa(int64(len(p.articles))))
	for i, a := range p.articles {
		x.raw("<item>")
		x.num("idx", itoa(int64(i+1)))
		x.cdata("article_url", a.URL)
		x.raw("</item>")
	}
	x.raw("</article_detail></PublishEventInfo>")
	s.mu.Unlock()
	s.pushSystem(s.adminOpenID(), x.done())
	c.json(map[string]any{"errcode": 0, "errmsg": "ok", "publish_id": p.publishID})
}

// adminOpenID is the openid platform notifications (job-finish events) come
// from.
func (s *Sim) adminOpenID() string { return "o" + hashID(27, s.acct.AppID, "admin") }

func rawString(m json.RawMessage) string {
	return strings.Trim(strings.TrimSpace(string(bytes.TrimSpace(m))), `"`)
}

// handlePublishGet serves POST /cgi-bin/freepublish/get (发布状态轮询);
// publications always succeed (publish_status 0).
func (s *Sim) handlePublishGet(c *call) {
	var req struct {
		PublishID json.RawMessage `json:"publish_id"`
	}
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.publishes[rawString(req.PublishID)]
	if !ok {
		c.fail(53600)
		return
	}
	items := []map[string]any{}
	for i, a := range p.articles {
		if !p.deleted[i] {
			items = append(items, map[string]any{"idx": i + 1, "article_url": a.URL})
		}
	}
	c.json(map[string]any{"publish_id": p.publishID, "publish_status": 0, "article_id": p.articleID,
		"article_detail": map[string]any{"count": len(items), "item": items}, "fail_idx": []int{}})
}

func (p *publication) items(noContent bool) []article {
	out := newsItems(p.articles, noContent)
	for i := range out {
		d := p.deleted[i]
		out[i].IsDeleted = &d
	}
	return out
}

// handlePublishGetArticle serves POST /cgi-bin/freepublish/getarticle (通过 article_id 获取已发布文章).
func (s *Sim) handlePublishGetArticle(c *call) {
	var req struct {
		ArticleID string `json:"article_id"`
	}
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.articles[req.ArticleID]
	if !ok {
		c.fail(53600)
		return
	}
	c.json(map[string]any{"news_item": p.items(false)})
}

// handlePublishBatchGet serves POST /cgi-bin/freepublish/batchget (获取成功发布列表).
func (s *Sim) handlePublishBatchGet(c *call) {
	var req pageReq
	if !c.decode(&req) {
		return
	}
	if req.Count < 1 || req.Count > 20 || req.Offset < 0 {
		c.fail(40097)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var live []*publication
	for i := len(s.pubOrder) - 1; i >= 0; i-- {
		p := s.articles[s.pubOrder[i]]
		if slices.Contains(p.deleted, false) {
			live = append(live, p)
		}
	}
	items := []map[string]any{}
	for i := req.Offset; i < len(live) && len(items) < req.Count; i++ {
		p := live[i]
		items = append(items, map[string]any{"article_id": p.articleID, "content": map[string]any{"news_item": p.items(req.NoContent == 1)}, "update_time": p.updated.Unix()})
	}
	c.json(map[string]any{"total_count": len(live), "item_count": len(items), "item": items})
}

// handlePublishDelete serves POST /cgi-bin/freepublish/delete (删除发布文章):
// index 0 (or absent) deletes every article, else the 1-based article.
func (s *Sim) handlePublishDelete(c *call) {
	var req struct {
		ArticleID string `json:"article_id"`
		Index     int    `json:"index"`
	}
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.articles[req.ArticleID]
	if !ok {
		c.fail(53600)
		return
	}
	if req.Index < 0 || req.Index > len(p.articles) {
		c.fail(40097)
		return
	}
	for i := range p.deleted {
		if req.Index == 0 || req.Index == i+1 {
			p.deleted[i] = true
		}
	}
	c.ok()
}
