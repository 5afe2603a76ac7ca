package media

import (
	"context"
	"strconv"

	"github.com/wxkit/mp"
)

// CardArticleType is the kind of article a product card goes into
// (article_type).
type CardArticleType string

// Article types that take product cards.
const (
	CardInNewsPic CardArticleType = "newspic" // 图片消息
	CardInNews    CardArticleType = "news"    // 图文消息
)

// CardType is the look of a product card (card_type).
type CardType int

// Product card types.
const (
	CardLarge    CardType = 0 // 大卡: news only
	CardSmall    CardType = 1 // 小卡: news and newspic
	CardTextLink CardType = 2 // 文字链接: news and newspic
	CardBar      CardType = 3 // 条卡: newspic only
)

// ProductCardRequest is the body of [Service.ProductCard].
type ProductCardRequest struct {
	ProductID   string          `json:"product_id"` // 商品ID of the WeChat Channels shop (视频号小店)
	ArticleType CardArticleType `json:"article_type"`
	CardType    CardType        `json:"card_type"`
}

// Validate checks r against the documentation: a product, an article type
// and a card type that article type supports (图片消息: 小卡, 文字链接, 条卡;
// 图文消息: 大卡, 小卡, 文字链接).
func (r *ProductCardRequest) Validate() error {
	const op = "media.ProductCard"
	if r.ProductID == "" {
		return invalid(op, "product_id", "must not be empty")
	}
	var ok bool
	switch r.ArticleType {
	case CardInNewsPic:
		ok = r.CardType == CardSmall || r.CardType == CardTextLink || r.CardType == CardBar
	case CardInNews:
		ok = r.CardType == CardLarge || r.CardType == CardSmall || r.CardType == CardTextLink
	case "":
		return invalid(op, "article_type", "must not be empty")
	default:
		return invalid(op, "article_type", "must be newspic or news, got "+quote(string(r.ArticleType)))
	}
	if !ok {
		return invalid(op, "card_type", strconv.Itoa(int(r.CardType))+" is not a card type of "+string(r.ArticleType)+" articles")
	}
	return nil
}

// ProductCard is the answer of [Service.ProductCard].
type ProductCard struct {
	// ProductKey is what some article types insert instead of the DOM.
	ProductKey string `json:"product_key"`
	// DOM is the card's HTML, to insert into the article content of a
	// draft (草稿箱) where the card should appear.
	DOM string `json:"DOM"`
}

// ProductCard gets the DOM of a product card for an article (获取商品卡片DOM
// 结构, POST /channels/ec/service/product/getcardinfo), to insert a WeChat
// Channels shop product into a draft.
func (s *Service) ProductCard(ctx context.Context, req *ProductCardRequest) (*ProductCard, error) {
	if req == nil {
		return nil, invalid("media.ProductCard", "", "nil request")
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	var out ProductCard
	// A read: asking again gives the same card.
	if err := s.do(ctx, &mp.Request{Method: "POST", Path: "/channels/ec/service/product/getcardinfo", Body: req, Idempotent: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
