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

func TestPreviewDocSamples(t *testing.T) {
	t.Parallel()
	card := WxCard("123dsdajkasd231jhksad")
	card.WxCard.CardExt = `{"code":"","openid":"","timestamp":"1402057159","signature":"017bb17407c8e0058a66d72dcc61632b70f511ad"}`
	cases := []struct {
		fixture string
		req     PreviewRequest
	}{
		{"preview_mpnews.json", PreviewRequest{ToUser: "OPENID", Message: MPNews("123dsdajkasd231jhksad")}},
		{"preview_towxname.json", PreviewRequest{ToWxName: "示例的微信号", Message: MPNews("123dsdajkasd231jhksad")}},
		{"preview_image.json", PreviewRequest{ToUser: "OPENID", Message: Image("123dsdajkasd231jhksad")}},
		{"preview_image.json", PreviewRequest{ToUser: "OPENID", Message: Images("123dsdajkasd231jhksad")}},
		{"preview_wxcard.json", PreviewRequest{ToUser: "OPENID", Message: card}},
	}
	for _, tc := range cases {
		t.Run(tc.fixture, func(t *testing.T) {
			t.Parallel()
			srv, c := mptest.New(t)
			srv.Reply("POST", "/cgi-bin/message/mass/preview", "preview_resp.json", func(t testing.TB, r *http.Request, body []byte) {
				mptest.Query(t, r, map[string]string{})
				mptest.JSONEqFixture(t, tc.fixture, body)
			})
			got, err := New(c).Preview(context.Background(), &tc.req)
			require.NoError(t, err)
			assert.Equal(t, &PreviewResponse{ErrMsg: "preview success", MsgID: 34182}, got)
		})
	}
}

func TestPreviewValidation(t *testing.T) {
	t.Parallel()
	s := New(nil)
	cases := []struct {
		name  string
		req   *PreviewRequest
		field string
	}{
		{"nil", nil, ""},
		{"no recipient", &PreviewRequest{Message: Text("x")}, "touser"},
		{"two recipients", &PreviewRequest{ToUser: "o", ToWxName: "w", Message: Text("x")}, "touser"},
		{"two images", &PreviewRequest{ToUser: "o", Message: Images("a", "b")}, "images.media_ids"},
		{"bad message", &PreviewRequest{ToUser: "o", Message: Voice("")}, "voice.media_id"},
	}
	for _, tc := range cases {
		_, err := s.Preview(context.Background(), tc.req)
		var ve *mp.ValidationError
		require.ErrorAs(t, err, &ve, tc.name)
		assert.Equal(t, "mass.Preview", ve.Op, tc.name)
		assert.Equal(t, tc.field, ve.Field, tc.name)
	}
}
