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

func TestSpeed(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("POST", "/cgi-bin/message/mass/speed/get", "speed_get.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEq(t, `{}`, body)
	})
	srv.Reply("POST", "/cgi-bin/message/mass/speed/set", "ok.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEq(t, `{"speed":1}`, body)
	})
	s := New(c)
	got, err := s.Speed(context.Background())
	require.NoError(t, err)
	assert.Equal(t, &Speed{Speed: Speed30w, RealSpeed: 15}, got)
	require.NoError(t, s.SetSpeed(context.Background(), Speed60w))
	for _, bad := range []int{-1, 5} {
		var ve *mp.ValidationError
		require.ErrorAs(t, s.SetSpeed(context.Background(), bad), &ve)
		assert.Equal(t, "speed", ve.Field)
	}
}
