package sim

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strconv"
	"time"
)

type qrCode struct {
	ticket   string
	action   string
	sceneID  int64
	sceneStr string
	created  time.Time
	seq      int64
	expires  time.Time // zero: permanent
	url      string
}

func (q *qrCode) scene() string {
	if q.sceneStr != "" {
		return q.sceneStr
	}
	return itoa(q.sceneID)
}

func (q *qrCode) expired(now time.Time) bool { return !q.expires.IsZero() && !now.Before(q.expires) }

// findQRLocked finds a QR code by ticket, or else by scene (the newest
// unexpired code with that scene). s.mu held.
func (s *Sim) findQRLocked(v string, now time.Time) (*qrCode, error) {
	if q, ok := s.qrs[v]; ok {
		if q.expired(now) {
			return nil, ErrQRCodeExpired
		}
		return q, nil
	}
	var best *qrCode
	sawExpired := false
	for _, q := range s.qrs {
		if q.scene() != v {
			continue
		}
		if q.expired(now) {
			sawExpired = true
			continue
		}
		if best == nil || q.seq > best.seq {
			best = q
		}
	}
	switch {
	case best != nil:
		return best, nil
	case sawExpired:
		return nil, ErrQRCodeExpired
	}
	return nil, ErrUnknownQRCode
}

// QRCodeTicket returns the ticket of the newest unexpired QR code with the
// given scene, for tests that drive followers by scene.
func (s *Sim) QRCodeTicket(scene string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, err := s.findQRLocked(scene, s.now())
	if err != nil {
		return "", false
	}
	return q.ticket, true
}

// handleQRCreate serves POST /cgi-bin/qrcode/create (生成带参数的二维码).
// QR_SCENE takes a non-zero 32-bit scene_id, QR_LIMIT_SCENE 1..100000,
// QR_STR_SCENE and QR_LIMIT_STR_SCENE a scene_str of 1..64 bytes (40053
// otherwise); unknown action names answer 40052. Temporary codes expire
// after expire_seconds (default 60, at most 2592000); a permanent scene
// always gets the same ticket.
func (s *Sim) handleQRCreate(c *call) {
	var req struct {
		ExpireSeconds int64  `json:"expire_seconds"`
		ActionName    string `json:"action_name"`
		ActionInfo    struct {
			Scene struct {
				SceneID  json.Number `json:"scene_id"`
				SceneStr string      `json:"scene_str"`
			} `json:"scene"`
		} `json:"action_info"`
	}
	if !c.decode(&req) {
		return
	}
	q := &qrCode{action: req.ActionName, created: c.now}
	sc := req.ActionInfo.Scene
	sceneID := func(max uint64) bool {
		n, err := strconv.ParseUint(sc.SceneID.String(), 10, 64)
		if err != nil || n == 0 || n > max {
			return false
		}
		q.sceneID = int64(n)
		return true
	}
	sceneStr := func() bool {
		if len(sc.SceneStr) < 1 || len(sc.SceneStr) > 64 {
			return false
		}
		q.sceneStr = sc.SceneStr
		return true
	}
	temporary := false
	var valid bool
	switch req.ActionName {
	case "QR_SCENE":
		temporary, valid = true, sceneID(1<<32-1)
	case "QR_STR_SCENE":
		temporary, valid = true, sceneStr()
	case "QR_LIMIT_SCENE":
		valid = sceneID(100000)
	case "QR_LIMIT_STR_SCENE":
		valid = sceneStr()
	default:
		c.fail(40052)
		return
	}
	if !valid {
		c.fail(40053)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !temporary {
		key := req.ActionName + "\x00" + q.scene()
		if t, ok := s.limitQR[key]; ok {
			old := s.qrs[t]
			c.json(map[string]any{"ticket": old.ticket, "url": old.url})
			return
		}
	}
	q.seq = s.nextSeq()
	q.ticket = "gQ" + base64.StdEncoding.EncodeToString([]byte(randText(60)))
	q.url = "http://weixin.qq.com/q/" + randText(22)
	s.qrs[q.ticket] = q
	if !temporary {
		s.limitQR[req.ActionName+"\x00"+q.scene()] = q.ticket
		c.json(map[string]any{"ticket": q.ticket, "url": q.url})
		return
	}
	exp := req.ExpireSeconds
	if exp <= 0 {
		exp = 60
	}
	if exp > 2592000 {
		exp = 2592000
	}
	q.expires = c.now.Add(time.Duration(exp) * time.Second)
	c.json(map[string]any{"ticket": q.ticket, "expire_seconds": exp, "url": q.url})
}

// handleShowQR serves GET /cgi-bin/showqrcode?ticket= (通过ticket换取二维码):
// a PNG for a valid ticket, HTTP 404 for an unknown or expired one.
func (s *Sim) handleShowQR(c *call) {
	t := c.query("ticket")
	s.mu.Lock()
	q, ok := s.qrs[t]
	valid := ok && !q.expired(c.now)
	s.mu.Unlock()
	if !valid {
		http.Error(c.w, "invalid ticket", http.StatusNotFound)
		return
	}
	c.w.Header().Set("Content-Type", "image/png")
	_, _ = c.w.Write(patternPNG(t, 21, 8))
}

// patternPNG renders a deterministic QR-code-like pattern of n×n modules of
// px pixels (a valid PNG; not a decodable QR code).
func patternPNG(seed string, n, px int) []byte {
	sum := sha256.Sum256([]byte(seed))
	size := (n + 8) * px
	img := image.NewGray(image.Rect(0, 0, size, size))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	finder := func(x, y int) bool {
		for _, o := range [][2]int{{0, 0}, {n - 7, 0}, {0, n - 7}} {
			dx, dy := x-o[0], y-o[1]
			if dx >= 0 && dx < 7 && dy >= 0 && dy < 7 {
				return dx == 0 || dy == 0 || dx == 6 || dy == 6 || (dx >= 2 && dx <= 4 && dy >= 2 && dy <= 4)
			}
		}
		return false
	}
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			bit := (y*n + x) % 256
			dark := finder(x, y) || (!inFinder(x, y, n) && sum[bit/8]>>(bit%8)&1 == 1)
			if !dark {
				continue
			}
			for py := 0; py < px; py++ {
				for pxx := 0; pxx < px; pxx++ {
					img.SetGray((x+4)*px+pxx, (y+4)*px+py, color.Gray{})
				}
			}
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

func inFinder(x, y, n int) bool {
	return (x < 8 && y < 8) || (x >= n-8 && y < 8) || (x < 8 && y >= n-8)
}

// samplePNG returns a small valid PNG for simulated follower images.
func samplePNG() []byte { return patternPNG("sample", 8, 2) }

type shortKey struct {
	data    string
	created time.Time
	expires time.Time
}

// handleShortenGen serves POST /cgi-bin/shorten/gen (生成短key): long_data of
// 1..4096 bytes, expire_seconds default and at most 2592000 (30 days).
func (s *Sim) handleShortenGen(c *call) {
	var req struct {
		LongData      string `json:"long_data"`
		ExpireSeconds int64  `json:"expire_seconds"`
	}
	if !c.decode(&req) {
		return
	}
	if req.LongData == "" {
		c.fail(40097)
		return
	}
	if len(req.LongData) > 4096 {
		c.fail(45002)
		return
	}
	exp := req.ExpireSeconds
	if exp <= 0 || exp > 2592000 {
		exp = 2592000
	}
	key := randText(15)
	s.mu.Lock()
	s.shortKeys[key] = &shortKey{data: req.LongData, created: c.now, expires: c.now.Add(time.Duration(exp) * time.Second)}
	s.mu.Unlock()
	c.json(map[string]any{"errcode": 0, "errmsg": "ok", "short_key": key})
}

// handleShortenFetch serves POST /cgi-bin/shorten/fetch (获取短key对应的长信息);
// unknown or expired keys answer 40097.
func (s *Sim) handleShortenFetch(c *call) {
	var req struct {
		ShortKey string `json:"short_key"`
	}
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	k, ok := s.shortKeys[req.ShortKey]
	s.mu.Unlock()
	if !ok || !c.now.Before(k.expires) {
		c.fail(40097)
		return
	}
	c.json(map[string]any{"errcode": 0, "errmsg": "ok", "long_data": k.data,
		"create_time": k.created.Unix(), "expire_seconds": int64(k.expires.Sub(c.now) / time.Second)})
}
