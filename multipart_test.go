package mp_test

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/wxkit/mp"
)

// onlyReader hides every method but Read.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func TestPrepareUploadSizes(t *testing.T) {
	for _, tc := range []struct {
		name     string
		r        io.Reader
		declared int64
		size     int64
		known    bool
		counted  bool
	}{
		{"seek", strings.NewReader("hello"), 0, 5, true, false},
		{"declared seeker", strings.NewReader("hello"), 3, 3, true, false},
		{"len", bytes.NewBufferString("hello"), 0, 5, true, true},
		{"declared", onlyReader{strings.NewReader("hello")}, 5, 5, true, true},
		{"unknown", onlyReader{strings.NewReader("hello")}, 0, 0, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			up, err := mp.PrepareUpload("media", "a.jpg", "image/jpeg", tc.r, tc.declared, 10)
			if err != nil {
				t.Fatal(err)
			}
			if up.Size != tc.size || up.Known != tc.known || up.File.Size != tc.size {
				t.Fatalf("size %d known %v file.Size %d; want %d %v", up.Size, up.Known, up.File.Size, tc.size, tc.known)
			}
			if counted := up.File.Reader != tc.r; counted != tc.counted {
				t.Fatalf("counted %v, want %v", counted, tc.counted)
			}
			if up.File.Field != "media" || up.File.FileName != "a.jpg" || up.File.ContentType != "image/jpeg" {
				t.Fatalf("part %+v", up.File)
			}
		})
	}
}

func TestPrepareUploadStopsAtLimit(t *testing.T) {
	up, err := mp.PrepareUpload("img", "a.jpg", "", onlyReader{strings.NewReader("0123456789")}, 0, 4)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(up.File.Reader)
	if err == nil || len(got) != 4 || !up.Exceeded() {
		t.Fatalf("read %q, err %v, exceeded %v; want 4 bytes, an error, exceeded", got, err, up.Exceeded())
	}

	up, err = mp.PrepareUpload("img", "a.jpg", "", onlyReader{strings.NewReader("0123")}, 0, 4)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := io.ReadAll(up.File.Reader); err != nil || string(got) != "0123" || up.Exceeded() {
		t.Fatalf("read %q, err %v, exceeded %v; want all 4 bytes", got, err, up.Exceeded())
	}
}
