package mass

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
)

func TestErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, path string
		code       int
		call       func(*Service) error
	}{
		{"SendAll", pathSendAll, 40152, func(s *Service) error {
			_, err := s.SendAll(context.Background(), &SendAllRequest{Filter: ToTag(9), Message: Text("x")})
			return err
		}},
		{"Send", pathSend, 40003, func(s *Service) error {
			_, err := s.Send(context.Background(), &SendRequest{ToUser: []string{"a", "b"}, Message: Text("x")})
			return err
		}},
		{"Preview", pathPreview, 43004, func(s *Service) error {
			_, err := s.Preview(context.Background(), &PreviewRequest{ToUser: "o", Message: Text("x")})
			return err
		}},
		{"Status", pathGet, 40007, func(s *Service) error {
			_, err := s.Status(context.Background(), 1)
			return err
		}},
		{"Delete", pathDelete, 40007, func(s *Service) error {
			return s.Delete(context.Background(), &DeleteRequest{MsgID: 1})
		}},
		{"Speed", pathSpeedGet, 48001, func(s *Service) error {
			_, err := s.Speed(context.Background())
			return err
		}},
		{"SetSpeed", pathSpeedSet, 48001, func(s *Service) error {
			return s.SetSpeed(context.Background(), 0)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, c := mptest.New(t)
			srv.Handle("POST", tc.path, func(w http.ResponseWriter, _ *http.Request) {
				mptest.ErrorJSON(w, tc.code, "some error")
			})
			err := tc.call(New(c))
			var apiErr *mp.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, mp.ErrorCode(tc.code), apiErr.Code)
			assert.Equal(t, tc.path, apiErr.Path)
			assert.NotContains(t, err.Error(), mptest.AccessToken)
		})
	}
}

func TestNilService(t *testing.T) {
	t.Parallel()
	var s *Service
	_, err := s.Speed(context.Background())
	assert.ErrorIs(t, err, errNoClient)
}
