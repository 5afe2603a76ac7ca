package sim

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

func init() {
	registerRoutes(func(s *Sim) map[string]route {
		return map[string]route{
			"/cgi-bin/media/uploadvideo":               postRoute(true, s.handleUploadMassVideo),
			"/channels/ec/service/product/getcardinfo": postRoute(true, s.handleProductCardInfo),
		}
	})
}

// handleUploadMassVideo serves POST /cgi-bin/media/uploadvideo (群发视频):
// 41006 without media_id, 40007 unless it names a stored video. The answer
// is a new video media_id, usable by an mpvideo mass message.
func (s *Sim) handleUploadMassVideo(c *call) {
	var req struct {
		MediaID     string `json:"media_id"`
		Title       string `json:"title"`
		Description string `json:"description"`
	}
	if !c.decode(&req) {
		return
	}
	if req.MediaID == "" {
		c.fail(41006)
		return
	}
	s.mu.Lock()
	src, ok := s.media[req.MediaID]
	if !ok || src.typ != "video" || !s.mediaExistsLocked(req.MediaID) {
		s.mu.Unlock()
		c.fail(40007)
		return
	}
	m := s.newMediaLocked("video", src.name, src.data, false)
	m.title, m.intro = req.Title, req.Description
	s.mu.Unlock()
	c.json(map[string]any{"type": "video", "media_id": m.id, "created_at": m.created.Unix()})
}

// ProductKey is the product_key the simulator answers for a product of
// its account: 16 hex digits of SHA-256(appid ":" product_id).
func (s *Sim) ProductKey(productID string) string {
	sum := sha256.Sum256([]byte(s.acct.AppID + ":" + productID))
	return hex.EncodeToString(sum[:8])
}

// handleProductCardInfo serves POST /channels/ec/service/product/getcardinfo
// (获取商品卡片DOM结构). Any product_id of digits is a product of the
// simulated shop; anything else, an unknown article_type, or a card_type
// the article type does not take (newspic: 1, 2, 3; news: 0, 1, 2) answers
// 40097. The DOM is a placeholder element carrying the key and card type
// (WeChat documents no sample of it).
func (s *Sim) handleProductCardInfo(c *call) {
	var req struct {
		ProductID   string `json:"product_id"`
		ArticleType string `json:"article_type"`
		CardType    *int   `json:"card_type"`
	}
	if !c.decode(&req) {
		return
	}
	ok := req.ProductID != "" && req.CardType != nil
	for i := 0; ok && i < len(req.ProductID); i++ {
		ok = req.ProductID[i] >= '0' && req.ProductID[i] <= '9'
	}
	if ok {
		switch ct := *req.CardType; req.ArticleType {
		case "newspic":
			ok = ct >= 1 && ct <= 3
		case "news":
			ok = ct >= 0 && ct <= 2
		default:
			ok = false
		}
	}
	if !ok {
		c.fail(40097)
		return
	}
	key := s.ProductKey(req.ProductID)
	dom := `<mp-common-product data-productkey="` + key + `" data-cardtype="` + strconv.Itoa(*req.CardType) +
		`" data-articletype="` + req.ArticleType + `"></mp-common-product>`
	c.json(map[string]any{"errcode": 0, "errmsg": "ok", "product_key": key, "DOM": dom})
}
