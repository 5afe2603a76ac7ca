package vision_test

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/vision"
)

func newService(t testing.TB) (*mptest.Server, *vision.Service) {
	t.Helper()
	srv, c := mptest.New(t)
	return srv, vision.New(c)
}

func noRequests(t testing.TB) *vision.Service {
	t.Helper()
	srv, svc := newService(t)
	srv.RefuseAll()
	return svc
}

// form is a multipart body as the server saw it.
type form struct {
	Fields          map[string]string
	Field, FileName string
	ContentType     string
	Data            []byte
	HasFile         bool
}

func readForm(t testing.TB, r *http.Request, body []byte) form {
	t.Helper()
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	require.NoError(t, err)
	require.Equal(t, "multipart/form-data", mt)
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	f := form{Fields: map[string]string{}}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return f
		}
		require.NoError(t, err)
		data, err := io.ReadAll(p)
		require.NoError(t, err)
		if p.FileName() == "" {
			f.Fields[p.FormName()] = string(data)
			continue
		}
		f.HasFile = true
		f.Field, f.FileName, f.ContentType, f.Data = p.FormName(), p.FileName(), p.Header.Get("Content-Type"), data
	}
}
