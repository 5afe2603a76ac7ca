package media

import (
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
)

// newTest returns a fake API and a Service on it.
func newTest(t *testing.T, opts ...Option) (*mptest.Server, *Service) {
	t.Helper()
	srv, c := mptest.New(t)
	return srv, New(c, opts...)
}

// upload is a multipart request as the server saw it.
type upload struct {
	Fields      map[string]string
	Field       string // the file part's form name
	FileName    string
	ContentType string
	Data        []byte
}

// readUpload parses a multipart request body with one file part.
func readUpload(t testing.TB, r *http.Request) upload {
	t.Helper()
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	require.NoError(t, err)
	require.Equal(t, "multipart/form-data", mt)
	mr := multipart.NewReader(r.Body, params["boundary"])
	u := upload{Fields: map[string]string{}}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		data, err := io.ReadAll(p)
		require.NoError(t, err)
		if p.FileName() == "" {
			u.Fields[p.FormName()] = string(data)
			continue
		}
		u.Field, u.FileName, u.ContentType, u.Data = p.FormName(), p.FileName(), p.Header.Get("Content-Type"), data
	}
	return u
}

// answer writes a fixture as a JSON answer.
func answer(t testing.TB, w http.ResponseWriter, fixture string) {
	w.Header().Set("Content-Type", "application/json; encoding=utf-8")
	_, _ = w.Write(mptest.Fixture(t, fixture))
}

// refuseAll fails the test if any request reaches the server.
func refuseAll(t *testing.T, srv *mptest.Server) {
	srv.Handle("", "/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
		mptest.ErrorJSON(w, 40097, "invalid args")
	})
}

func assertValidation(t *testing.T, err error, field string) *mp.ValidationError {
	t.Helper()
	var ve *mp.ValidationError
	require.ErrorAs(t, err, &ve, "want *mp.ValidationError, got %v", err)
	assert.Equal(t, field, ve.Field, "field of %v", err)
	return ve
}

// genReader yields n bytes made on the fly: no Len, no Seek, no backing slice.
type genReader struct{ left int64 }

func (g *genReader) Read(p []byte) (int, error) {
	if g.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > g.left {
		p = p[:g.left]
	}
	for i := range p {
		p[i] = byte('a' + i%26)
	}
	g.left -= int64(len(p))
	return len(p), nil
}

// zeros is an io.ReaderAt of zero bytes, to make big seekable files that
// take no memory (io.NewSectionReader(zeros{}, 0, n)).
type zeros struct{}

func (zeros) ReadAt(p []byte, _ int64) (int, error) {
	clear(p)
	return len(p), nil
}

func mustFixture(t testing.TB, name string) []byte { return mptest.Fixture(t, name) }
