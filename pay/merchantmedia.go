package pay

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path"
	"strings"
)

// Documented size limits of the v3 media uploads.
const (
	MaxImageSize = 2 << 20 // 图片上传: 2 MB
	MaxVideoSize = 5 << 20 // 视频上传: 5 MB
)

var (
	imageTypes = map[string]string{".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".bmp": "image/bmp"}
	videoTypes = map[string]string{".avi": "video/x-msvideo", ".wmv": "video/x-ms-wmv", ".mpeg": "video/mpeg",
		".mp4": "video/mp4", ".mov": "video/quicktime", ".mkv": "video/x-matroska", ".flv": "video/x-flv",
		".f4v": "video/x-f4v", ".m4v": "video/x-m4v", ".rmvb": "application/vnd.rn-realmedia-vbr"}
)

// MediaUploadResponse is the answer of the media uploads.
type MediaUploadResponse struct {
	MediaID string `json:"media_id"`
}

// UploadImage calls 图片上传 (POST /v3/merchant/media/upload): a jpg, png or
// bmp image of at most 2 MB, used by merchant-side APIs (e.g. 特约商户进件,
// 商家券). The file is read twice (a SHA-256 pass, then the upload), never
// held in memory, so r must be seekable, e.g. an *os.File or a
// *bytes.Reader. The type is checked from the file name and the content's
// magic bytes, the size from r, before anything is sent.
func (c *Client) UploadImage(ctx context.Context, filename string, r io.ReadSeeker) (*MediaUploadResponse, error) {
	return c.uploadMedia(ctx, "/v3/merchant/media/upload", filename, r, imageTypes, MaxImageSize, true)
}

// UploadVideo calls 视频上传 (POST /v3/merchant/media/video_upload): an avi,
// wmv, mpeg, mp4, mov, mkv, flv, f4v, m4v or rmvb video of at most 5 MB,
// streamed like UploadImage.
func (c *Client) UploadVideo(ctx context.Context, filename string, r io.ReadSeeker) (*MediaUploadResponse, error) {
	return c.uploadMedia(ctx, "/v3/merchant/media/video_upload", filename, r, videoTypes, MaxVideoSize, false)
}

// UploadComplaintImage calls 商户上传反馈图片 (POST
// /v3/merchant-service/images/upload), for the response_images of
// RespondComplaint and the reject_media_list of UpdateComplaintRefundProgress:
// jpg, png or bmp, at most 2 MB, streamed like UploadImage.
func (c *Client) UploadComplaintImage(ctx context.Context, filename string, r io.ReadSeeker) (*MediaUploadResponse, error) {
	return c.uploadMedia(ctx, "/v3/merchant-service/images/upload", filename, r, imageTypes, MaxImageSize, true)
}

// sniffImage reports whether head starts like a JPEG, PNG or BMP file.
func sniffImage(head []byte) bool {
	return bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}) ||
		bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")) ||
		bytes.HasPrefix(head, []byte("BM"))
}

func (c *Client) uploadMedia(ctx context.Context, apiPath, filename string, r io.ReadSeeker, types map[string]string, max int64, image bool) (*MediaUploadResponse, error) {
	if ctx == nil {
		return nil, &ArgumentError{Name: "ctx", Reason: "nil context"}
	}
	if r == nil {
		return nil, &ArgumentError{Name: "file", Reason: "nil reader"}
	}
	name := path.Base(strings.ReplaceAll(filename, "\\", "/"))
	if filename == "" || name == "." || name == "/" || strings.ContainsAny(name, "\"\r\n") || len(name) > 128 {
		return nil, &ArgumentError{Name: "filename", Reason: "required, a plain file name of at most 128 bytes"}
	}
	ctype, ok := types[strings.ToLower(path.Ext(name))]
	if !ok {
		return nil, &ArgumentError{Name: "filename", Reason: "unsupported file type " + truncate(path.Ext(name), 16)}
	}
	start, err := r.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, fmt.Errorf("wechatpay: seeking media: %w", err)
	}
	end, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, fmt.Errorf("wechatpay: seeking media: %w", err)
	}
	size := end - start
	switch {
	case size <= 0:
		return nil, &ArgumentError{Name: "file", Reason: "empty"}
	case size > max:
		return nil, &ArgumentError{Name: "file", Reason: fmt.Sprintf("%d bytes, more than the %d allowed", size, max)}
	}
	if _, err := r.Seek(start, io.SeekStart); err != nil {
		return nil, fmt.Errorf("wechatpay: seeking media: %w", err)
	}
	// First pass: the SHA-256 that goes into the signed meta.
	h := sha256.New()
	var head [8]byte
	n, _ := io.ReadFull(r, head[:])
	h.Write(head[:n])
	if image && !sniffImage(head[:n]) {
		return nil, &ArgumentError{Name: "file", Reason: "content is not a jpg, png or bmp image"}
	}
	if m, err := io.Copy(h, r); err != nil || int64(n)+m != size {
		return nil, fmt.Errorf("wechatpay: reading media: short read or %v", err)
	}
	if _, err := r.Seek(start, io.SeekStart); err != nil {
		return nil, fmt.Errorf("wechatpay: seeking media: %w", err)
	}
	meta, err := json.Marshal(struct {
		Filename string `json:"filename"`
		SHA256   string `json:"sha256"`
	}{name, hex.EncodeToString(h.Sum(nil))})
	if err != nil {
		return nil, err
	}
	var b [16]byte
	if _, err := io.ReadFull(rand.Reader, b[:]); err != nil {
		return nil, err
	}
	boundary := hex.EncodeToString(b[:])
	head1 := "--" + boundary + "\r\nContent-Disposition: form-data; name=\"meta\";\r\nContent-Type: application/json\r\n\r\n" +
		string(meta) + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name +
		"\";\r\nContent-Type: " + ctype + "\r\n\r\n"
	tail := "\r\n--" + boundary + "--\r\n"
	body := io.MultiReader(strings.NewReader(head1), io.LimitReader(r, size), strings.NewReader(tail))

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+apiPath, body)
	if err != nil {
		return nil, fmt.Errorf("wechatpay: building request: %w", err)
	}
	req.ContentLength = int64(len(head1)) + size + int64(len(tail))
	nonce, err := c.nonce()
	if err != nil {
		return nil, err
	}
	// For uploads the signed body is the meta JSON (图片上传/视频上传签名).
	auth, err := c.authorization(http.MethodPost, req.URL.RequestURI(), meta, c.clock().Unix(), nonce)
	if err != nil {
		return nil, fmt.Errorf("wechatpay: signing request: %w", err)
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgentStr)
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
	if id := c.keys.PublicKeyID(); id != "" {
		req.Header.Set(HeaderSerial, id)
	}
	resp, err := c.httpClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("wechatpay: POST %s: %w", apiPath, err)
	}
	defer resp.Body.Close()
	c.log.LogAttrs(ctx, slog.LevelDebug, "wechatpay request", slog.String("method", http.MethodPost),
		slog.String("path", apiPath), slog.Int("status", resp.StatusCode), slog.String("request_id", resp.Header.Get("Request-ID")))
	rb, err := readCapped(resp.Body, 64<<10)
	if err != nil {
		return nil, fmt.Errorf("wechatpay: reading response: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		if hasSignatureHeaders(resp.Header) && c.verify {
			if err := c.verifyResponse(ctx, resp.Header, rb); err != nil {
				return nil, err
			}
		}
		return nil, decodeAPIError(resp.StatusCode, resp.Header, rb)
	}
	if c.verify {
		if err := c.verifyResponse(ctx, resp.Header, rb); err != nil {
			return nil, err
		}
	}
	var out MediaUploadResponse
	if err := json.Unmarshal(rb, &out); err != nil || out.MediaID == "" {
		return nil, fmt.Errorf("wechatpay: decoding upload response: no media_id")
	}
	return &out, nil
}
