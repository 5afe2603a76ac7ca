package mp

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"strings"
	"sync/atomic"
)

// Multipart is a multipart/form-data body that is streamed: file contents
// are read from their readers while the request is sent, never buffered.
type Multipart struct {
	Fields []FormField
	Files  []FormFile
}

// FormField is a plain form value, written before the files.
type FormField struct {
	Name, Value string
}

// FormFile is one file part.
type FormFile struct {
	Field       string // form field name, e.g. "media"
	FileName    string
	ContentType string // default application/octet-stream
	Reader      io.Reader
	// Size is the byte count the reader will yield, or 0 to find it out
	// (from Len() or Seek when the reader has them) or send chunked.
	Size int64
}

// formBody renders a Multipart. When every reader's size is known the
// request gets an exact Content-Length; when every reader can seek it can be
// sent again (retries).
type formBody struct {
	m           *Multipart
	boundary    string
	contentType string
	length      int64 // -1 when unknown
	offsets     []int64
	seekable    bool
}

func newFormBody(m *Multipart) (*formBody, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	f := &formBody{m: m, boundary: "wxkit" + hex.EncodeToString(b[:]), seekable: true}
	f.contentType = "multipart/form-data; boundary=" + f.boundary
	total := int64(0)
	known := true
	for i, file := range m.Files {
		if file.Reader == nil {
			return nil, fmt.Errorf("multipart: file %d (%s) has a nil reader", i, file.Field)
		}
		size := file.Size
		s, isSeeker := file.Reader.(io.Seeker)
		if isSeeker {
			off, err := s.Seek(0, io.SeekCurrent)
			if err != nil {
				isSeeker = false
			} else {
				f.offsets = append(f.offsets, off)
				if size == 0 {
					end, err := s.Seek(0, io.SeekEnd)
					if err == nil {
						_, err = s.Seek(off, io.SeekStart)
					}
					if err != nil {
						return nil, fmt.Errorf("multipart: sizing file %s: %w", file.FileName, err)
					}
					size = end - off
				}
			}
		}
		if !isSeeker {
			f.seekable = false
			if l, ok := file.Reader.(interface{ Len() int }); ok && size == 0 {
				size = int64(l.Len())
			}
		}
		if size <= 0 && !isSeeker {
			known = false
		}
		total += size
	}
	f.length = -1
	if known {
		var frame bytes.Buffer
		if err := f.write(&frame, true); err != nil {
			return nil, err
		}
		f.length = int64(frame.Len()) + total
	}
	return f, nil
}

// write renders the body to w; with framingOnly the file contents are
// skipped (to measure the framing).
func (f *formBody) write(w io.Writer, framingOnly bool) error {
	mw := multipart.NewWriter(w)
	if err := mw.SetBoundary(f.boundary); err != nil {
		return err
	}
	for _, fld := range f.m.Fields {
		if err := mw.WriteField(fld.Name, fld.Value); err != nil {
			return err
		}
	}
	for _, file := range f.m.Files {
		h := make(textproto.MIMEHeader)
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, escapeQuotes(file.Field), escapeQuotes(file.FileName)))
		ct := file.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		h.Set("Content-Type", ct)
		pw, err := mw.CreatePart(h)
		if err != nil {
			return err
		}
		if !framingOnly {
			if _, err := io.Copy(pw, file.Reader); err != nil {
				return err
			}
		}
	}
	return mw.Close()
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"")

func escapeQuotes(s string) string { return quoteEscaper.Replace(s) }

// reader streams the body through a pipe.
func (f *formBody) reader() io.Reader {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(f.write(pw, false)) }()
	return pr
}

func (f *formBody) replayable() bool { return f == nil || f.seekable }

// rewind puts every reader back to where it started.
func (f *formBody) rewind() error {
	if f == nil {
		return nil
	}
	if !f.seekable {
		return errors.New("mp: multipart body cannot be sent again: its readers do not seek")
	}
	for i, file := range f.m.Files {
		if _, err := file.Reader.(io.Seeker).Seek(f.offsets[i], io.SeekStart); err != nil {
			return fmt.Errorf("mp: rewinding %s: %w", file.FileName, err)
		}
	}
	return nil
}

// Upload is one file prepared for a streamed, size-limited upload by
// [PrepareUpload]: its size is found before sending when it can be, and a
// reader of unknown size is counted so it never sends more than the limit.
type Upload struct {
	// File is the part to put in [Multipart.Files]; its Size is set when
	// Known.
	File FormFile
	// Size is the byte count the reader will yield, when Known.
	Size int64
	// Known reports that Size is the declared size, Len() or what Seek found.
	Known bool
	lr    *limitReader
}

// PrepareUpload measures r (the declared size when positive, else Seek,
// else Len()) and returns the part to send as field/name. When limit > 0
// and r cannot be rewound, its bytes are counted while they are sent and
// the upload is stopped after limit bytes ([Upload.Exceeded] then reports
// it). A non-nil error is the failure of a Seek used for sizing.
func PrepareUpload(field, name, contentType string, r io.Reader, declared, limit int64) (*Upload, error) {
	size, known, seekable, err := measureReader(r, declared)
	if err != nil {
		return nil, err
	}
	u := &Upload{Size: size, Known: known}
	body := r
	if limit > 0 && !seekable {
		u.lr = &limitReader{r: r, limit: limit}
		body = u.lr
	}
	u.File = FormFile{Field: field, FileName: name, ContentType: contentType, Reader: body}
	if known {
		u.File.Size = size
	}
	return u, nil
}

// Exceeded reports that the reader yielded more than the limit, so the
// upload was stopped. Check it after the request, before its error.
func (u *Upload) Exceeded() bool { return u != nil && u.lr != nil && u.lr.exceeded.Load() }

// measureReader finds the size of r: the declared size, else Len(), else
// Seek. seekable reports that r can be rewound (so the upload can be
// retried and needs no counting wrapper).
func measureReader(r io.Reader, declared int64) (size int64, known, seekable bool, err error) {
	if sk, ok := r.(io.Seeker); ok {
		if cur, err := sk.Seek(0, io.SeekCurrent); err == nil {
			seekable = true
			if declared == 0 {
				end, err := sk.Seek(0, io.SeekEnd)
				if err == nil {
					_, err = sk.Seek(cur, io.SeekStart)
				}
				if err != nil {
					return 0, false, false, err
				}
				return end - cur, true, true, nil
			}
		}
	}
	if declared > 0 {
		return declared, true, seekable, nil
	}
	if l, ok := r.(interface{ Len() int }); ok {
		return int64(l.Len()), true, false, nil
	}
	return 0, false, false, nil
}

// errUploadTooLarge stops a counted upload that passed its limit.
var errUploadTooLarge = errors.New("mp: upload exceeds its size limit")

// limitReader passes at most limit bytes through and then fails, so a file
// of unknown size never sends more than the limit.
type limitReader struct {
	r        io.Reader
	limit    int64
	n        int64
	exceeded atomic.Bool // read after the request by another goroutine
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.exceeded.Load() {
		return 0, errUploadTooLarge
	}
	if room := l.limit - l.n + 1; int64(len(p)) > room {
		p = p[:room]
	}
	k, err := l.r.Read(p)
	l.n += int64(k)
	if l.n > l.limit {
		l.exceeded.Store(true)
		return k - int(l.n-l.limit), errUploadTooLarge
	}
	return k, err
}
