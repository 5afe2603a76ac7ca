package vision

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"

	"github.com/wxkit/mp"
)

// MaxImageSize is the documented size limit of a picture (小于2M): a
// picture must be smaller than this.
const MaxImageSize = 2 << 20

// Service is 智能接口 (OCR and image processing) of one Official Account.
type Service struct {
	c *mp.Client
}

// New returns the OCR and image-processing API on c.
func New(c *mp.Client) *Service { return &Service{c: c} }

// Image is the picture a call analyzes: a URL WeChat downloads (img_url),
// or a file uploaded from Reader (the multipart field img). Build it with
// [ImageFromURL] or [ImageFromReader].
type Image struct {
	// URL is the picture's address (img_url); when set, Reader is unused.
	URL string
	// Name is the uploaded file's name; its extension tells the format
	// ("card.jpg"). Default "image.jpg".
	Name string
	// Reader yields the picture's bytes; they are streamed, not buffered.
	Reader io.Reader
	// Size is the byte count Reader yields, or 0 to find it out from Len()
	// or Seek, or to count it while sending.
	Size int64
}

// ImageFromURL is a picture WeChat downloads from u.
func ImageFromURL(u string) Image { return Image{URL: u} }

// ImageFromReader is a picture uploaded from r under the file name name.
func ImageFromReader(name string, r io.Reader) Image { return Image{Name: name, Reader: r} }

// Sentinels of refused pictures; the error is also an *mp.ValidationError
// on the field "img".
var (
	ErrTooLarge   = errors.New("vision: image is not smaller than 2 MB")
	ErrEmptyImage = errors.New("vision: empty image")
)

func refuse(op string, kind error, reason string) error {
	return &mp.ValidationError{Op: op, Field: "img", Reason: reason, Kind: kind}
}

func invalid(op, field, reason string) error {
	return &mp.ValidationError{Op: op, Field: field, Reason: reason}
}

// Point is a corner of a found region, in pixels.
type Point struct {
	X int `json:"x"`
	Y int `json:"y"`
}

// Pos is the quadrilateral of a found region (位置).
type Pos struct {
	LeftTop     Point `json:"left_top"`
	RightTop    Point `json:"right_top"`
	RightBottom Point `json:"right_bottom"`
	LeftBottom  Point `json:"left_bottom"`
}

// Position wraps a Pos as the licence answers send it ({"pos": {...}}).
type Position struct {
	Pos Pos `json:"pos"`
}

// Size is the size of the analyzed picture (img_size), in pixels.
type Size struct {
	W int `json:"w"`
	H int `json:"h"`
}

// contentType is the part's Content-Type for a file name.
func contentType(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".png":
		return "image/png"
	case ".gif":
		return "image/gif"
	case ".bmp":
		return "image/bmp"
	case ".webp":
		return "image/webp"
	}
	return "application/octet-stream"
}

// call sends img to apiPath (with q and the form fields) and decodes the
// answer into out.
func (s *Service) call(ctx context.Context, op, apiPath string, q url.Values, fields []mp.FormField, img Image, out any) error {
	if s == nil || s.c == nil {
		return errors.New("vision: Service has no *mp.Client (use vision.New(client))")
	}
	if q == nil {
		q = url.Values{}
	}
	req := &mp.Request{Method: "POST", Path: apiPath, Query: q, Idempotent: true}
	if img.URL != "" {
		u, err := url.Parse(img.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return invalid(op, "img_url", "must be an absolute http or https URL")
		}
		q.Set("img_url", img.URL)
		if len(fields) > 0 {
			req.Form = &mp.Multipart{Fields: fields}
		}
		return s.c.Do(ctx, req, out)
	}
	if img.Reader == nil {
		return invalid(op, "img", "an image URL or a reader is required")
	}
	if img.Size < 0 {
		return invalid(op, "img", "Image.Size is negative")
	}
	name := path.Base(strings.ReplaceAll(strings.TrimSpace(img.Name), `\`, "/"))
	if name == "" || name == "." || name == "/" {
		name = "image.jpg"
	}
	up, err := mp.PrepareUpload("img", name, contentType(name), img.Reader, img.Size, MaxImageSize-1)
	if err != nil {
		return fmt.Errorf("mp: %s: sizing %q: %w", op, name, err)
	}
	if up.Known && up.Size == 0 {
		return refuse(op, ErrEmptyImage, fmt.Sprintf("%q is empty", name))
	}
	if up.Known && up.Size >= MaxImageSize {
		return refuse(op, ErrTooLarge, fmt.Sprintf("%q is %d bytes; images must be smaller than 2 MB", name, up.Size))
	}
	req.Form = &mp.Multipart{Fields: fields, Files: []mp.FormFile{up.File}}
	err = s.c.Do(ctx, req, out)
	if up.Exceeded() {
		return refuse(op, ErrTooLarge, fmt.Sprintf("%q yielded 2 MB or more; the upload was stopped", name))
	}
	return err
}
