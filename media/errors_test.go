package media

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
)

func assertAPICode(t *testing.T, err error, code mp.ErrorCode) {
	t.Helper()
	var ae *mp.APIError
	require.ErrorAs(t, err, &ae, "want *mp.APIError, got %v", err)
	assert.Equal(t, code, ae.Code)
	assert.NotContains(t, err.Error(), mptest.AccessToken)
}

// Every endpoint turns an errcode answer into *mp.APIError with its code.
func TestAPIErrors(t *testing.T) {
	t.Parallel()
	jpg := func() File { return File{Name: "a.jpg", Reader: strings.NewReader("x")} }
	tests := []struct {
		method, path string
		code         int
		call         func(s *Service) error
	}{
		{"POST", "/cgi-bin/media/upload", 40004, func(s *Service) error { _, err := s.Upload(context.Background(), Image, jpg()); return err }},
		{"GET", "/cgi-bin/media/get", 40007, func(s *Service) error { _, err := s.Get(context.Background(), "M", io.Discard); return err }},
		{"GET", "/cgi-bin/media/get/jssdk", 40007, func(s *Service) error { _, err := s.GetHDVoice(context.Background(), "M", io.Discard); return err }},
		{"POST", "/cgi-bin/material/add_material", 45001, func(s *Service) error { _, err := s.AddMaterial(context.Background(), Image, jpg()); return err }},
		{"POST", "/cgi-bin/material/add_material", 45001, func(s *Service) error {
			_, err := s.AddVideo(context.Background(), File{Name: "a.mp4", Reader: strings.NewReader("x")}, VideoDescription{})
			return err
		}},
		{"POST", "/cgi-bin/media/uploadimg", 40009, func(s *Service) error { _, err := s.UploadImage(context.Background(), jpg()); return err }},
		{"POST", "/cgi-bin/material/get_material", 40007, func(s *Service) error {
			_, err := s.GetMaterial(context.Background(), "M", &bytes.Buffer{})
			return err
		}},
		{"POST", "/cgi-bin/material/del_material", 40007, func(s *Service) error { return s.DeleteMaterial(context.Background(), "M") }},
		{"GET", "/cgi-bin/material/get_materialcount", 48001, func(s *Service) error { _, err := s.CountMaterials(context.Background()); return err }},
		{"POST", "/cgi-bin/material/batchget_material", 40004, func(s *Service) error {
			_, err := s.ListMaterials(context.Background(), News, 0, 20)
			return err
		}},
		{"POST", "/cgi-bin/draft/add", 53404, func(s *Service) error { _, err := s.AddDraft(context.Background(), newsArticle()); return err }},
		{"POST", "/cgi-bin/draft/get", 40007, func(s *Service) error { _, err := s.GetDraft(context.Background(), "M"); return err }},
		{"POST", "/cgi-bin/draft/update", 40114, func(s *Service) error { return s.UpdateDraft(context.Background(), "M", 3, newsArticle()) }},
		{"POST", "/cgi-bin/draft/delete", 40007, func(s *Service) error { return s.DeleteDraft(context.Background(), "M") }},
		{"GET", "/cgi-bin/draft/count", 48001, func(s *Service) error { _, err := s.CountDrafts(context.Background()); return err }},
		{"POST", "/cgi-bin/draft/batchget", 48001, func(s *Service) error { _, err := s.ListDrafts(context.Background(), 0, 1, false); return err }},
		{"POST", "/cgi-bin/freepublish/submit", 53503, func(s *Service) error { _, err := s.Publish(context.Background(), "M"); return err }},
		{"POST", "/cgi-bin/freepublish/get", 48001, func(s *Service) error { _, err := s.GetPublishStatus(context.Background(), "P"); return err }},
		{"POST", "/cgi-bin/freepublish/getarticle", 53600, func(s *Service) error { _, err := s.GetArticle(context.Background(), "A"); return err }},
		{"POST", "/cgi-bin/freepublish/batchget", 48001, func(s *Service) error {
			_, err := s.ListPublished(context.Background(), 0, 1, false)
			return err
		}},
		{"POST", "/cgi-bin/freepublish/delete", 48001, func(s *Service) error { return s.DeletePublished(context.Background(), "A", 1) }},
		{"POST", "/cgi-bin/draft/batchget", 45009, func(s *Service) error {
			for _, err := range s.AllDrafts(context.Background(), true) {
				return err
			}
			return nil
		}},
		{"POST", "/cgi-bin/freepublish/batchget", 45009, func(s *Service) error {
			for _, err := range s.AllPublished(context.Background(), true) {
				return err
			}
			return nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			srv, svc := newTest(t)
			srv.Handle(tt.method, tt.path, func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				mptest.ErrorJSON(w, tt.code, "some error")
			})
			err := tt.call(svc)
			assertAPICode(t, err, mp.ErrorCode(tt.code))
			assert.Contains(t, err.Error(), tt.path)
		})
	}
}
