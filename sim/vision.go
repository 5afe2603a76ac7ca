package sim

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	_ "image/gif"  // image sizes of uploaded GIFs
	_ "image/jpeg" // image sizes of uploaded JPEGs
	"image/png"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

func init() {
	registerRoutes(func(s *Sim) map[string]route {
		t := map[string]route{}
		for path, kind := range visionPaths {
			t[path] = postRoute(true, func(c *call) { s.handleVision(c, kind) })
		}
		return t
	})
	registerErrMsgs(map[int]string{101000: "invalid image url or image url not accessible"})
}

// visionPaths are the 智能接口 endpoints and the answer each gives.
var visionPaths = map[string]string{
	"/cv/ocr/idcard":          "idcard",
	"/cv/ocr/bankcard":        "bankcard",
	"/cv/ocr/driving":         "driving",
	"/cv/ocr/drivinglicense":  "drivinglicense",
	"/cv/ocr/bizlicense":      "bizlicense",
	"/cv/ocr/comm":            "comm",
	"/cv/ocr/platenum":        "platenum",
	"/cv/img/qrcode":          "qrcode",
	"/cv/img/superresolution": "superresolution",
	"/cv/img/aicrop":          "aicrop",
}

// MaxVisionImageSize is the picture limit of 智能接口 (小于2M): the
// simulator refuses a picture of this size or more with 40009.
const MaxVisionImageSize = 2 << 20

// visionMarker separates a VisionImage's PNG from the text it carries.
const visionMarker = "\x00wxsim-vision:"

// VisionImage returns a picture made by the simulator that carries text:
// a 320×200 PNG followed (after its IEND, where decoders do not look) by
// the text. The simulator's 智能接口 read that text back, standing in for
// real recognition: cv/img/qrcode decodes it as one QR_CODE, cv/ocr/comm
// reads its lines, cv/ocr/platenum reads it as the plate number, and
// cv/ocr/idcard reads the back of a card when it is "back" (the front when
// "front"). Other pictures get answers derived from the SHA-256 of their
// bytes (stable for the same bytes) and no codes.
func VisionImage(text string) []byte {
	const w, h = 320, 200
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	sum := sha256.Sum256([]byte(text))
	for y := range h {
		for x := range w {
			on := sum[(x/20+y/20*16)%32]&(1<<((x/20+y/20)%8)) != 0
			c := color.RGBA{0xff, 0xff, 0xff, 0xff}
			if on {
				c = color.RGBA{0, 0, 0, 0xff}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	buf.WriteString(visionMarker)
	buf.WriteString(text)
	return buf.Bytes()
}

// readVisionImage returns the picture of a 智能接口 call: the img_url (the
// simulator's own media URLs give their bytes; any other http(s) URL is
// not fetched, its text stands for the picture), else the multipart field
// img. It answers the errcode itself: 101000 for an img_url that is not an
// http(s) URL, 41005 without any picture, 40009 for 2 MB or more.
func (c *call) readVisionImage() (data []byte, form map[string]string, ok bool) {
	form = map[string]string{}
	if ct, _, err := mime.ParseMediaType(c.r.Header.Get("Content-Type")); err == nil && ct == "multipart/form-data" {
		c.r.Body = http.MaxBytesReader(c.w, c.r.Body, 4<<20)
		if err := c.r.ParseMultipartForm(1 << 20); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				c.fail(40009)
			} else {
				c.fail(41005)
			}
			return nil, nil, false
		}
		defer c.r.MultipartForm.RemoveAll()
		for k, v := range c.r.MultipartForm.Value {
			if len(v) > 0 {
				form[k] = v[0]
			}
		}
		if f, _, err := c.r.FormFile("img"); err == nil {
			defer f.Close()
			data, err = io.ReadAll(io.LimitReader(f, MaxVisionImageSize))
			if err != nil {
				c.fail(41005)
				return nil, nil, false
			}
			if len(data) >= MaxVisionImageSize {
				c.fail(40009)
				return nil, nil, false
			}
		}
	}
	if raw := c.query("img_url"); raw != "" {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			c.fail(101000)
			return nil, nil, false
		}
		data = []byte(raw)
		if id, found := strings.CutPrefix(u.Path, "/sim/media/"); found && strings.HasPrefix(raw, c.s.URL) {
			c.s.mu.Lock()
			if m, ok := c.s.media[id]; ok {
				data = m.data
			}
			c.s.mu.Unlock()
		}
	}
	if len(data) == 0 {
		c.fail(41005)
		return nil, nil, false
	}
	return data, form, true
}

// visionFacts are the simulated readings of one picture.
type visionFacts struct {
	sum    [32]byte
	text   string // the VisionImage text, if any
	marked bool
	w, h   int
}

func newVisionFacts(data []byte) visionFacts {
	f := visionFacts{sum: sha256.Sum256(data), w: 1280, h: 720}
	if i := bytes.Index(data, []byte(visionMarker)); i >= 0 {
		f.text, f.marked = string(data[i+len(visionMarker):]), true
	}
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil && cfg.Width > 0 && cfg.Height > 0 {
		f.w, f.h = cfg.Width, cfg.Height
	}
	return f
}

// digits returns n decimal digits drawn from the hash, starting at byte i.
func (f visionFacts) digits(i, n int) string {
	var b strings.Builder
	for k := 0; k < n; k++ {
		b.WriteByte('0' + f.sum[(i+k)%32]%10)
	}
	return b.String()
}

func (f visionFacts) pick(i int, list ...string) string { return list[int(f.sum[i%32])%len(list)] }

func (f visionFacts) size() map[string]int { return map[string]int{"w": f.w, "h": f.h} }

// rect is the pos of the rectangle (l,t)-(r,b).
func visionRect(l, t, r, b int) map[string]any {
	pt := func(x, y int) map[string]int { return map[string]int{"x": x, "y": y} }
	return map[string]any{"left_top": pt(l, t), "right_top": pt(r, t), "right_bottom": pt(r, b), "left_bottom": pt(l, b)}
}

// idNumber is an 18-digit resident ID number with a valid check digit.
func (f visionFacts) idNumber() string {
	year := 1960 + int(f.sum[3])%45
	body := "440106" + strconv.Itoa(year) + visionTwoDigits(1+int(f.sum[4])%12) + visionTwoDigits(1+int(f.sum[5])%28) + f.digits(6, 3)
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 17 {
		sum += int(body[i]-'0') * weights[i]
	}
	return body + string("10X98765432"[sum%11])
}

func visionTwoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// luhn completes digits with its Luhn check digit.
func visionLuhn(digits string) string {
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (len(digits)-i)%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return digits + strconv.Itoa((10-sum%10)%10)
}

func (f visionFacts) plate() string {
	if f.marked && f.text != "" {
		return f.text
	}
	return "粤" + f.pick(9, "A", "B", "C", "E") + strings.ToUpper(hex.EncodeToString(f.sum[10:13]))[:5]
}

func (f visionFacts) name() string {
	return f.pick(1, "张三", "李四", "王五", "赵六", "孙七", "周八", "吴九", "郑十")
}

// handleVision serves the 智能接口 endpoints (visionPaths) with
// deterministic typed answers; see VisionImage.
func (s *Sim) handleVision(c *call, kind string) {
	data, form, ok := c.readVisionImage()
	if !ok {
		return
	}
	f := newVisionFacts(data)
	out := map[string]any{"errcode": 0, "errmsg": "ok"}
	id := f.idNumber()
	switch kind {
	case "idcard":
		if mode := c.query("type"); mode != "photo" && mode != "scan" {
			c.fail(40097)
			return
		}
		back := f.sum[0]%2 == 1
		if f.marked && (f.text == "back" || f.text == "front") {
			back = f.text == "back"
		}
		if back {
			from := 2010 + int(f.sum[7])%10
			out["type"] = "Back"
			out["valid_date"] = strconv.Itoa(from) + "0105-" + strconv.Itoa(from+20) + "0105"
			break
		}
		gender := "女"
		if (id[16]-'0')%2 == 1 {
			gender = "男"
		}
		out["type"] = "Front"
		out["name"] = f.name()
		out["id"] = id
		out["addr"] = "广东省广州市天河区模拟路" + strconv.Itoa(1+int(f.sum[8])%200) + "号"
		out["gender"] = gender
		out["nationality"] = "汉"
	case "bankcard":
		out["number"] = visionLuhn("6222" + f.digits(11, 11))
	case "driving":
		w, h := f.w, f.h
		out["plate_num"] = f.plate()
		out["vehicle_type"] = f.pick(12, "小型普通客车", "小型轿车", "轻型厢式货车")
		out["owner"] = f.name()
		out["addr"] = "广东省东莞市模拟路" + strconv.Itoa(1+int(f.sum[13])%200) + "号"
		out["use_character"] = f.pick(14, "非营运", "营运")
		out["model"] = "模拟牌SIM" + f.digits(15, 4)
		out["vin"] = "LSIM" + strings.ToUpper(hex.EncodeToString(f.sum[16:23]))[:13]
		out["engine_num"] = strings.ToUpper(hex.EncodeToString(f.sum[23:27]))[:7]
		out["register_date"] = "2018-07-06"
		out["issue_date"] = "2018-07-06"
		out["plate_num_b"] = f.plate()
		out["record"] = "4401" + f.digits(20, 8)
		out["passengers_num"] = strconv.Itoa(2+int(f.sum[21])%6) + "人"
		out["total_quality"] = strconv.Itoa(1500+int(f.sum[22])*4) + "kg"
		out["prepare_quality"] = strconv.Itoa(1200+int(f.sum[22])*3) + "kg"
		out["overall_size"] = "4582x1795x1458mm"
		out["card_position_front"] = map[string]any{"pos": visionRect(w/20, h/10, w/2-w/40, h-h/10)}
		out["card_position_back"] = map[string]any{"pos": visionRect(w/2+w/40, h/10, w-w/20, h-h/10)}
		out["img_size"] = f.size()
	case "drivinglicense":
		out["id_num"] = id
		out["name"] = f.name()
		out["sex"] = f.pick(2, "男", "女")
		out["nationality"] = "中国"
		out["address"] = "广东省广州市天河区模拟路" + strconv.Itoa(1+int(f.sum[8])%200) + "号"
		out["birth_date"] = id[6:10] + "-" + id[10:12] + "-" + id[12:14]
		out["issue_date"] = "2012-12-21"
		out["car_class"] = f.pick(24, "C1", "C2", "B2", "A1")
		out["valid_from"] = "2018-12-21"
		out["valid_to"] = "2028-12-21"
		out["official_seal"] = "广东省广州市公安局交通警察支队"
	case "bizlicense":
		out["reg_num"] = "91440101" + strings.ToUpper(hex.EncodeToString(f.sum[25:30]))
		out["serial"] = f.digits(26, 15)
		out["legal_representative"] = f.name()
		out["enterprise_name"] = "广州模拟" + f.pick(27, "科技", "贸易", "餐饮") + "有限公司"
		out["type_of_organization"] = "有限责任公司"
		out["address"] = "广州市天河区模拟路" + strconv.Itoa(1+int(f.sum[28])%200) + "号"
		out["type_of_enterprise"] = "有限责任公司(自然人独资)"
		out["business_scope"] = "软件开发；信息技术咨询服务。"
		out["registered_capital"] = strconv.Itoa(10+int(f.sum[29])) + "万元"
		out["paid_in_capital"] = strconv.Itoa(10+int(f.sum[29])) + "万元"
		out["valid_period"] = "长期"
		out["registered_date"] = "2018年1月1日"
		out["cert_position"] = map[string]any{"pos": visionRect(f.w/10, f.h/10, f.w-f.w/10, f.h-f.h/10)}
		out["img_size"] = f.size()
	case "comm":
		lines := []string{"微信模拟器", "SIM-" + strings.ToUpper(hex.EncodeToString(f.sum[:4]))}
		if f.marked {
			lines = strings.Split(f.text, "\n")
		}
		items := make([]map[string]any, 0, len(lines))
		lh := max(f.h/(2*len(lines)+1), 1)
		for i, l := range lines {
			if l == "" {
				continue
			}
			top := lh * (2*i + 1)
			items = append(items, map[string]any{"text": l, "pos": visionRect(f.w/10, top, f.w-f.w/10, top+lh)})
		}
		out["items"] = items
		out["img_size"] = f.size()
	case "platenum":
		out["number"] = f.plate()
	case "qrcode":
		codes := []map[string]any{}
		if f.marked {
			side := min(f.w, f.h) * 3 / 4
			l, t := (f.w-side)/2, (f.h-side)/2
			codes = append(codes, map[string]any{"type_name": "QR_CODE", "data": f.text, "pos": visionRect(l, t, l+side, t+side)})
		}
		out["code_results"] = codes
		out["img_size"] = f.size()
	case "superresolution":
		s.mu.Lock()
		m := s.newMediaLocked("image", "superresolution.png", data, false)
		s.mu.Unlock()
		out["media_id"] = m.id
	case "aicrop":
		var ratios []float64
		if raw := form["ratios"]; raw != "" {
			for _, p := range strings.Split(raw, ",") {
				r, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
				if err != nil || !(r > 0) || math.IsInf(r, 0) {
					c.fail(40097)
					return
				}
				ratios = append(ratios, r)
			}
			if len(ratios) > 5 {
				c.fail(40097)
				return
			}
		}
		if len(ratios) == 0 {
			ratios = []float64{float64(f.w) / float64(f.h)}
		}
		results := make([]map[string]int, 0, len(ratios))
		for _, r := range ratios {
			// The largest centered rectangle of ratio r (width/height).
			w, h := f.w, int(math.Round(float64(f.w)/r))
			if h > f.h {
				w, h = int(math.Round(float64(f.h)*r)), f.h
			}
			l, t := (f.w-w)/2, (f.h-h)/2
			results = append(results, map[string]int{"crop_left": l, "crop_top": t, "crop_right": l + w - 1, "crop_bottom": t + h - 1})
		}
		out["results"] = results
		out["img_size"] = f.size()
	}
	c.json(out)
}
