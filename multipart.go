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
