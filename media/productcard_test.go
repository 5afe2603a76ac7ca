package media_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/media"
)

func TestProductCard(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("POST", "/channels/ec/service/product/getcardinfo", "product_getcardinfo.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		mptest.JSONEqFixture(t, "product_getcardinfo_request.json", body)
	})
	got, err := media.New(c).ProductCard(context.Background(), &media.ProductCardRequest{
		ProductID: "1000000000", ArticleType: media.CardInNewsPic, CardType: media.CardTextLink})
	require.NoError(t, err)
	assert.Equal(t, "PRODUCT_KEY", got.ProductKey)
	assert.Equal(t, `<mp-common-product data-productkey="PRODUCT_KEY" data-cardtype="2"></mp-common-product>`, got.DOM)
}

// TestProductCardLargeCard sends card_type 0, which must not be left out.
func TestProductCardLargeCard(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("POST", "/channels/ec/service/product/getcardinfo", "product_getcardinfo.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.JSONEq(t, `{"product_id":"42","article_type":"news","card_type":0}`, body)
	})
	_, err := media.New(c).ProductCard(context.Background(), &media.ProductCardRequest{ProductID: "42", ArticleType: media.CardInNews, CardType: media.CardLarge})
	require.NoError(t, err)
}

func TestProductCardError(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.ReplyError("POST", "/channels/ec/service/product/getcardinfo", 40097, "invalid args")
	_, err := media.New(c).ProductCard(context.Background(), &media.ProductCardRequest{ProductID: "1", ArticleType: media.CardInNews, CardType: media.CardSmall})
	mptest.RequireAPIError(t, err, 40097)
}

func TestProductCardValidation(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.RefuseAll()
	svc := media.New(c)
	for _, tt := range []struct {
		name, field string
		req         *media.ProductCardRequest
	}{
		{"nil", "", nil},
		{"no product", "product_id", &media.ProductCardRequest{ArticleType: media.CardInNews}},
		{"no article type", "article_type", &media.ProductCardRequest{ProductID: "1"}},
		{"bad article type", "article_type", &media.ProductCardRequest{ProductID: "1", ArticleType: "video"}},
		{"large card in newspic", "card_type", &media.ProductCardRequest{ProductID: "1", ArticleType: media.CardInNewsPic, CardType: media.CardLarge}},
		{"bar card in news", "card_type", &media.ProductCardRequest{ProductID: "1", ArticleType: media.CardInNews, CardType: media.CardBar}},
		{"unknown card", "card_type", &media.ProductCardRequest{ProductID: "1", ArticleType: media.CardInNews, CardType: 9}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := svc.ProductCard(context.Background(), tt.req)
			assert.Nil(t, got)
			mptest.RequireValidation(t, err, tt.field)
		})
	}
}
