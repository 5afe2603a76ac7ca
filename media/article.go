package media

import (
	"fmt"
	"unicode/utf8"
)

// Article types (文章类型).
const (
	ArticleNews    = "news"    // 图文消息 (the default)
	ArticleNewsPic = "newspic" // 图片消息
)

// Article is one article of a draft (草稿), a published message (已发布图文)
// or a news material (图文素材). The fields under "answers only" are filled
// by WeChat and ignored when sending.
type Article struct {
	ArticleType string `json:"article_type,omitempty"` // ArticleNews (default) or ArticleNewsPic
	Title       string `json:"title"`                  // required, at most 32 characters
	Author      string `json:"author,omitempty"`       // at most 16 characters
	Digest      string `json:"digest,omitempty"`       // at most 128 characters; single-article messages only
	// Content is the HTML body (news) or plain text (newspic): under 20000
	// characters of text (HTML tags are not counted) and under 1 MB in
	// all; JS is removed and images must come from [Service.UploadImage].
	Content          string `json:"content"`
	ContentSourceURL string `json:"content_source_url,omitempty"` // 阅读原文 link, at most 1 KB
	// ThumbMediaID is the cover, a permanent image material; required for
	// news articles.
	ThumbMediaID       string `json:"thumb_media_id,omitempty"`
	ShowCoverPic       int    `json:"show_cover_pic,omitempty"`        // legacy: 1 shows the cover in the body
	NeedOpenComment    int    `json:"need_open_comment,omitempty"`     // 1 opens comments
	OnlyFansCanComment int    `json:"only_fans_can_comment,omitempty"` // 1 lets only followers comment
	// PicCrop235To1 and PicCrop1To1 crop the cover to 2.35:1 and 1:1 as
	// "X1_Y1_X2_Y2" in [0,1] coordinates, e.g. "0.1945_0_1_0.5236".
	PicCrop235To1 string       `json:"pic_crop_235_1,omitempty"`
	PicCrop1To1   string       `json:"pic_crop_1_1,omitempty"`
	ImageInfo     *ImageInfo   `json:"image_info,omitempty"`   // newspic: 1 to 20 images, the first is the cover
	CoverInfo     *CoverInfo   `json:"cover_info,omitempty"`   // newspic: cover crops
	ProductInfo   *ProductInfo `json:"product_info,omitempty"` // a product card at the end

	// Answers only.
	URL       string `json:"url,omitempty"`        // article (or draft preview) URL
	ThumbURL  string `json:"thumb_url,omitempty"`  // cover image URL
	IsDeleted bool   `json:"is_deleted,omitempty"` // the published article was deleted
}

// ImageInfo lists the images of a newspic article.
type ImageInfo struct {
	ImageList []ImageItem `json:"image_list"`
}

// ImageItem is one image of a newspic article: a permanent image material.
type ImageItem struct {
	ImageMediaID string `json:"image_media_id"`
}

// CoverInfo holds the cover crops of a newspic article.
type CoverInfo struct {
	CropPercentList []CropPercent `json:"crop_percent_list,omitempty"`
}

// CropPercent is one cover crop: Ratio "1_1", "16_9" or "2.35_1", and the
// corners in [0,1] coordinates of the image (top-left is 0,0).
type CropPercent struct {
	Ratio string `json:"ratio,omitempty"`
	X1    string `json:"x1,omitempty"`
	Y1    string `json:"y1,omitempty"`
	X2    string `json:"x2,omitempty"`
	Y2    string `json:"y2,omitempty"`
}

// ProductInfo inserts a product card (商品卡片).
type ProductInfo struct {
	FooterProductInfo *FooterProductInfo `json:"footer_product_info,omitempty"`
}

// FooterProductInfo is the product card at the end of the article.
type FooterProductInfo struct {
	ProductKey string `json:"product_key,omitempty"`
}

// Documented article limits (新增草稿).
const (
	MaxTitleLen            = 32
	MaxAuthorLen           = 16
	MaxDigestLen           = 128
	MaxContentChars        = 20000 // content must be shorter than this
	MaxContentBytes        = 1 << 20
	MaxContentSourceURLLen = 1024
	MaxNewsPicImages       = 20
)

// validate checks a on behalf of op; field is the article's path, e.g.
// "articles[2]".
func (a *Article) validate(op, field string) error {
	bad := func(f, reason string) error { return invalid(op, field+"."+f, reason) }
	switch a.ArticleType {
	case "", ArticleNews, ArticleNewsPic:
	default:
		return bad("article_type", "must be news or newspic, got "+quote(a.ArticleType))
	}
	if a.Title == "" {
		return bad("title", "is required")
	}
	if n := utf8.RuneCountInString(a.Title); n > MaxTitleLen {
		return bad("title", fmt.Sprintf("has %d characters, at most %d", n, MaxTitleLen))
	}
	if n := utf8.RuneCountInString(a.Author); n > MaxAuthorLen {
		return bad("author", fmt.Sprintf("has %d characters, at most %d", n, MaxAuthorLen))
	}
	if n := utf8.RuneCountInString(a.Digest); n > MaxDigestLen {
		return bad("digest", fmt.Sprintf("has %d characters, at most %d", n, MaxDigestLen))
	}
	if a.Content == "" {
		return bad("content", "is required")
	}
	if len(a.Content) >= MaxContentBytes {
		return bad("content", fmt.Sprintf("is %d bytes, must be under 1 MB", len(a.Content)))
	}
	if n := textRunes(a.Content); n >= MaxContentChars {
		return bad("content", fmt.Sprintf("has %d characters of text, must be under %d", n, MaxContentChars))
	}
	if len(a.ContentSourceURL) > MaxContentSourceURLLen {
		return bad("content_source_url", fmt.Sprintf("is %d bytes, at most %d", len(a.ContentSourceURL), MaxContentSourceURLLen))
	}
	if a.ArticleType == ArticleNewsPic {
		if a.ImageInfo == nil || len(a.ImageInfo.ImageList) == 0 {
			return bad("image_info.image_list", "a newspic article needs at least one image")
		}
		if n := len(a.ImageInfo.ImageList); n > MaxNewsPicImages {
			return bad("image_info.image_list", fmt.Sprintf("has %d images, at most %d", n, MaxNewsPicImages))
		}
		for i, im := range a.ImageInfo.ImageList {
			if im.ImageMediaID == "" {
				return bad(fmt.Sprintf("image_info.image_list[%d].image_media_id", i), "must not be empty")
			}
		}
	} else if a.ThumbMediaID == "" {
		return bad("thumb_media_id", "is required for a news article (a permanent image material)")
	}
	return nil
}

// textRunes counts the characters of content outside HTML tags: the docs
// limit the article's text (少于2万字符), while the markup of a rich article
// can be much longer, and the 1 MB limit already bounds the whole body.
func textRunes(content string) int {
	n, inTag := 0, false
	for _, r := range content {
		switch {
		case inTag:
			inTag = r != '>'
		case r == '<':
			inTag = true
		default:
			n++
		}
	}
	return n
}
