package paysim

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
)

// Size limits of the v3 uploads (图片上传 2 MB, 视频上传 5 MB).
const (
	maxImageUpload = 2 << 20
	maxVideoUpload = 5 << 20
)

var (
	imageExts = map[string]string{".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".bmp": "image/bmp"}
	videoExts = map[string]string{".avi": "", ".wmv": "", ".mpeg": "", ".mp4": "", ".mov": "", ".mkv": "", ".flv": "", ".f4v": "", ".m4v": "", ".rmvb": ""}
)

type mediaFile struct {
	mchid, filename, contentType string
	data                         []byte
}

func (p *Platform) routesMedia(mux *http.ServeMux) {
	mux.Handle("POST /v3/merchant/media/upload", p.upload(imageExts, maxImageUpload))
	mux.Handle("POST /v3/merchant/media/video_upload", p.upload(videoExts, maxVideoUpload))
	mux.Handle("POST /v3/merchant-service/images/upload", p.upload(imageExts, maxImageUpload))
	mux.HandleFunc("GET /v3/merchant-service/images/{media_id}", p.downloadImage)
}

// upload serves the multipart uploads: part "meta" is the JSON
// {"filename","sha256"} that the Authorization signature covers, part
// "file" the content, whose SHA-256, size and type are checked.
func (p *Platform) upload(exts map[string]string, max int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sig := p.responseSigner(r.Header.Get("Wechatpay-Serial"))
		fail := func(e *APIError) { p.writeJSON(w, r, sig, e.Status, e.body()) }
		r.Body = http.MaxBytesReader(w, r.Body, max+64<<10)
		mr, err := r.MultipartReader()
		if err != nil {
			fail(apiErr(http.StatusBadRequest, CodeParamError, "请求须为multipart/form-data"))
			return
		}
		part, err := mr.NextPart()
		if err != nil || part.FormName() != "meta" {
			fail(missing("/body/meta", "媒体文件元信息"))
			return
		}
		meta, err := io.ReadAll(io.LimitReader(part, 4<<10))
		if err != nil {
			fail(apiErr(http.StatusBadRequest, CodeParamError, "meta读取失败"))
			return
		}
		m, aerr := p.authenticate(r, meta)
		if aerr != nil {
			fail(aerr)
			return
		}
		var md struct {
			Filename string `json:"filename"`
			SHA256   string `json:"sha256"`
		}
		if json.Unmarshal(meta, &md) != nil || md.Filename == "" || md.SHA256 == "" {
			fail(missing("/body/meta/filename", "文件名称"))
			return
		}
		ctype, ok := exts[strings.ToLower(path.Ext(md.Filename))]
		if !ok {
			fail(paramErr("/body/meta/filename", "文件名称", "文件格式不支持"))
			return
		}
		file, err := mr.NextPart()
		if err != nil || file.FormName() != "file" {
			fail(missing("/body/file", "媒体文件"))
			return
		}
		h := sha256.New()
		var buf bytes.Buffer
		n, err := io.Copy(io.MultiWriter(h, &buf), io.LimitReader(file, max+1))
		if err != nil {
			fail(apiErr(http.StatusBadRequest, CodeParamError, "文件大小超过限制"))
			return
		}
		switch {
		case n == 0:
			fail(missing("/body/file", "媒体文件"))
			return
		case n > max:
			fail(paramErr("/body/file", "媒体文件", "文件大小超过限制"))
			return
		case !strings.EqualFold(hex.EncodeToString(h.Sum(nil)), md.SHA256):
			fail(apiErr(http.StatusBadRequest, CodeParamError, "文件sha256与meta中的sha256不一致"))
			return
		}
		if ctype == "" {
			ctype = mime.TypeByExtension(path.Ext(md.Filename))
		}
		id := p.storeMedia(m.MchID, md.Filename, ctype, buf.Bytes())
		p.writeJSON(w, r, sig, http.StatusOK, marshal(map[string]string{"media_id": id}))
	})
}

// storeMedia keeps a file and returns its media_id.
func (p *Platform) storeMedia(mchid, filename, ctype string, data []byte) string {
	id := randString(alnum+"-_", 64)
	p.mu.Lock()
	p.ext().media[id] = &mediaFile{mchid: mchid, filename: filename, contentType: ctype, data: data}
	p.mu.Unlock()
	return id
}

// hasMedia reports whether mchid uploaded media id. p.mu is held.
func (p *Platform) hasMedia(mchid, id string) bool {
	f := p.ext().media[id]
	return f != nil && (f.mchid == mchid || f.mchid == "")
}

// downloadImage serves GET /v3/merchant-service/images/{media_id} (图片请求
// 接口): the bytes of an image a user attached to a complaint, to a signed
// request; the answer itself is not signed.
func (p *Platform) downloadImage(w http.ResponseWriter, r *http.Request) {
	sig := p.responseSigner(r.Header.Get("Wechatpay-Serial"))
	m, aerr := p.authenticate(r, nil)
	if aerr != nil {
		p.writeJSON(w, r, sig, aerr.Status, aerr.body())
		return
	}
	p.mu.Lock()
	f := p.ext().media[r.PathValue("media_id")]
	ok := f != nil && (f.mchid == m.MchID || f.mchid == "")
	p.mu.Unlock()
	if !ok {
		e := apiErr(http.StatusNotFound, CodeResourceNotExists, "图片不存在")
		p.writeJSON(w, r, sig, e.Status, e.body())
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(f.data)
}
