package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/wxkit/mp"
)

// File is a file to upload. Its bytes are streamed from Reader while the
// request is sent: nothing is read into memory first.
type File struct {
	// Name is the file name WeChat sees, with an extension that tells the
	// format ("cover.jpg", "intro.mp4"). Only the base name is sent.
	Name string
	// Reader yields the file's bytes.
	Reader io.Reader
	// Size is the byte count Reader will yield, or 0 if unknown. When it is
	// 0 the size is taken from Len() or Seek if Reader has them; otherwise
	// the file is sent chunked and the upload fails with ErrTooLarge as soon
	// as Reader yields more than the limit, before those bytes are sent.
	Size int64
}

// Size limits of the official documentation (新增临时素材, 上传永久素材,
// 上传图文消息图片). Voice is also limited to 60 s of playback, which cannot be
// checked here: WeChat refuses longer files itself.
const (
	MaxImageSize        = 10 << 20 // image: 10 MB
	MaxVoiceSize        = 2 << 20  // voice: 2 MB, at most 60 s
	MaxVideoSize        = 10 << 20 // video: 10 MB
	MaxThumbSize        = 64 << 10 // thumb: 64 KB
	MaxArticleImageSize = 1 << 20  // article body image (uploadimg): 1 MB
)

// Sentinels for refused files. The error returned is also an
// *mp.ValidationError: use errors.Is for the cause and errors.As for the
// field and reason.
var (
	ErrTooLarge          = errors.New("media: file exceeds the size limit")
	ErrUnsupportedFormat = errors.New("media: unsupported file format")
	ErrEmptyFile         = errors.New("media: empty file")
)

func refuse(op string, kind error, reason string) error {
	return &mp.ValidationError{Op: op, Field: "media", Reason: reason, Kind: kind}
}

// rule is the limit of one kind of upload: its size cap (0: none) and its
// file extensions (nil: any).
type rule struct {
	what string
	max  int64
	exts []string
}

func tempRule(t MediaType) (rule, bool) {
	switch t {
	case Image:
		return rule{"temporary image", MaxImageSize, []string{".png", ".jpeg", ".jpg", ".gif"}}, true
	case Voice:
		return rule{"temporary voice", MaxVoiceSize, []string{".amr", ".mp3"}}, true
	case Video:
		return rule{"temporary video", MaxVideoSize, []string{".mp4"}}, true
	case Thumb:
		return rule{"temporary thumb", MaxThumbSize, []string{".jpg", ".jpeg"}}, true
	}
	return rule{}, false
}

func permanentRule(t MediaType) (rule, bool) {
	switch t {
	case Image:
		return rule{"image material", MaxImageSize, []string{".bmp", ".png", ".jpeg", ".jpg", ".gif"}}, true
	case Voice:
		return rule{"voice material", MaxVoiceSize, []string{".mp3", ".wma", ".wav", ".amr"}}, true
	case Video:
		return rule{"video material", MaxVideoSize, []string{".mp4"}}, true
	case Thumb:
		return rule{"thumb material", MaxThumbSize, []string{".jpg", ".jpeg"}}, true
	}
	return rule{}, false
}

var articleImageRule = rule{"article image", MaxArticleImageSize, []string{".jpg", ".jpeg", ".png"}}

// contentType is the part's Content-Type for a known extension.
func contentType(ext string) string {
	switch ext {
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".png":
		return "image/png"
	case ".gif":
		return "image/gif"
	case ".bmp":
		return "image/bmp"
	case ".mp3":
		return "audio/mpeg"
	case ".amr":
		return "audio/amr"
	case ".wav":
		return "audio/wav"
	case ".wma":
		return "audio/x-ms-wma"
	case ".mp4":
		return "video/mp4"
	}
	return "application/octet-stream"
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// upload validates f against r and sends it as the multipart field "media"
// (plus fields) to path, decoding the answer into out.
func (s *Service) upload(ctx context.Context, op, apiPath string, q url.Values, fields []mp.FormField, f File, r rule, out any) error {
	if err := s.check(); err != nil {
		return err
	}
	if f.Reader == nil {
		return invalid(op, "media", "File.Reader is nil")
	}
	if f.Size < 0 {
		return invalid(op, "media", "File.Size is negative")
	}
	name := path.Base(strings.ReplaceAll(strings.TrimSpace(f.Name), `\`, "/"))
	if name == "" || name == "." || name == "/" {
		return invalid(op, "media", "File.Name is required: WeChat tells the format from its extension")
	}
	ext := strings.ToLower(path.Ext(name))
	if r.exts != nil && !slices.Contains(r.exts, ext) {
		return refuse(op, ErrUnsupportedFormat, fmt.Sprintf("%q: a %s must be one of %s", name, r.what, strings.Join(r.exts, ", ")))
	}
	up, err := mp.PrepareUpload("media", name, contentType(ext), f.Reader, f.Size, r.max)
	if err != nil {
		return fmt.Errorf("mp: %s: sizing %q: %w", op, name, err)
	}
	if up.Known && up.Size == 0 {
		return refuse(op, ErrEmptyFile, fmt.Sprintf("%q is empty", name))
	}
	if up.Known && r.max > 0 && up.Size > r.max {
		return refuse(op, ErrTooLarge, fmt.Sprintf("%q is %d bytes, over the %s limit of %s", name, up.Size, r.what, humanSize(r.max)))
	}
	err = s.c.Do(ctx, &mp.Request{
		Method: "POST",
		Path:   apiPath,
		Query:  q,
		Form:   &mp.Multipart{Fields: fields, Files: []mp.FormFile{up.File}},
	}, out)
	if up.Exceeded() {
		return refuse(op, ErrTooLarge, fmt.Sprintf("%q yielded more than the %s limit of %s; the upload was stopped", name, r.what, humanSize(r.max)))
	}
	return err
}
