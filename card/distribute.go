package card

import (
	"context"
	"strconv"
	"unicode/utf8"

	"github.com/wxkit/mp"
)

// QR-code kinds of 创建卡券二维码.
const (
	QRCard         = "QR_CARD"          // one card
	QRMultipleCard = "QR_MULTIPLE_CARD" // several cards on one code
)

// QRCard is action_info.card of a QR_CARD code.
type QRCardInfo struct {
	CardID       string `json:"card_id"`
	Code         string `json:"code,omitempty"`
	OpenID       string `json:"openid,omitempty"`
	IsUniqueCode bool   `json:"is_unique_code,omitempty"`
	// OuterStr (≤ 128 bytes) comes back in user_get_card, attributing the
	// claim to the code (the poster, the shop).
	OuterStr string `json:"outer_str,omitempty"`
	OuterID  int    `json:"outer_id,omitempty"`
}

// QRRequest is the body of 创建卡券二维码 (POST /card/qrcode/create).
type QRRequest struct {
	ActionName    string `json:"action_name"`
	ExpireSeconds int    `json:"expire_seconds,omitempty"` // 60..1800; 0 for a permanent code
	ActionInfo    struct {
		Card         *QRCardInfo `json:"card,omitempty"`
		MultipleCard *struct {
			CardList []QRCardInfo `json:"card_list"`
		} `json:"multiple_card,omitempty"`
	} `json:"action_info"`
}

// SingleCardQR is a QR_CARD request for cardID with outerStr; expire 0 is
// a permanent code.
func SingleCardQR(cardID, outerStr string, expireSeconds int) *QRRequest {
	r := &QRRequest{ActionName: QRCard, ExpireSeconds: expireSeconds}
	r.ActionInfo.Card = &QRCardInfo{CardID: cardID, OuterStr: outerStr}
	return r
}

// MultipleCardQR is a QR_MULTIPLE_CARD request for several cards (at most 5).
func MultipleCardQR(expireSeconds int, cards ...QRCardInfo) *QRRequest {
	r := &QRRequest{ActionName: QRMultipleCard, ExpireSeconds: expireSeconds}
	r.ActionInfo.MultipleCard = &struct {
		CardList []QRCardInfo `json:"card_list"`
	}{CardList: cards}
	return r
}

// QRTicket is a created card QR code.
type QRTicket struct {
	Ticket        string `json:"ticket"`
	ExpireSeconds int    `json:"expire_seconds"`
	URL           string `json:"url"`
	// ShowQRCodeURL is the image (showqrcode?ticket=…).
	ShowQRCodeURL string `json:"show_qrcode_url"`
}

// Validate checks r against the documented limits.
func (r *QRRequest) Validate() error {
	const op = "card.CreateQRCode"
	checkOne := func(p string, c QRCardInfo) error {
		if c.CardID == "" {
			return verr(op, p+".card_id", "is required")
		}
		if len(c.OuterStr) > 128 {
			return verr(op, p+".outer_str", "is "+strconv.Itoa(len(c.OuterStr))+" bytes, the limit is 128")
		}
		return nil
	}
	switch r.ActionName {
	case QRCard:
		if r.ActionInfo.Card == nil || r.ActionInfo.MultipleCard != nil {
			return verr(op, "action_info.card", "QR_CARD takes exactly action_info.card")
		}
		if err := checkOne("action_info.card", *r.ActionInfo.Card); err != nil {
			return err
		}
	case QRMultipleCard:
		m := r.ActionInfo.MultipleCard
		if m == nil || r.ActionInfo.Card != nil || len(m.CardList) == 0 {
			return verr(op, "action_info.multiple_card.card_list", "QR_MULTIPLE_CARD takes 1..5 cards")
		}
		if len(m.CardList) > 5 {
			return verr(op, "action_info.multiple_card.card_list", strconv.Itoa(len(m.CardList))+" cards, the limit is 5")
		}
		for i, c := range m.CardList {
			if err := checkOne("action_info.multiple_card.card_list["+strconv.Itoa(i)+"]", c); err != nil {
				return err
			}
		}
	case "":
		return verr(op, "action_name", "is required")
	default:
		return verr(op, "action_name", strconv.Quote(r.ActionName)+" is not QR_CARD or QR_MULTIPLE_CARD")
	}
	if r.ExpireSeconds != 0 && (r.ExpireSeconds < 60 || r.ExpireSeconds > 1800) {
		return verr(op, "expire_seconds", strconv.Itoa(r.ExpireSeconds)+" is outside 60..1800")
	}
	return nil
}

// CreateQRCode creates a QR code that puts cards in the scanner's wallet
// (创建二维码投放卡券, POST /card/qrcode/create).
func (s *Service) CreateQRCode(ctx context.Context, r *QRRequest) (*QRTicket, error) {
	if r == nil {
		return nil, verr("card.CreateQRCode", "", "nil request")
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	var out QRTicket
	if err := s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/card/qrcode/create", Body: r}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// LandingPageRequest is the body of 创建货架 (POST /card/landingpage/create).
type LandingPageRequest struct {
	Banner    string            `json:"banner"`
	PageTitle string            `json:"page_title"`
	CanShare  bool              `json:"can_share"`
	Scene     string            `json:"scene"` // SCENE_NEAR_BY, SCENE_MENU, SCENE_QRCODE, SCENE_ARTICLE, SCENE_H5, SCENE_IVR, SCENE_CARD_CUSTOM_CELL
	CardList  []LandingPageCard `json:"card_list"`
}

// LandingPageCard is one card of a landing page.
type LandingPageCard struct {
	CardID   string `json:"card_id"`
	ThumbURL string `json:"thumb_url"`
}

// LandingPage is a created landing page.
type LandingPage struct {
	URL    string `json:"url"`
	PageID int64  `json:"page_id"`
}

var scenes = map[string]bool{"SCENE_NEAR_BY": true, "SCENE_MENU": true, "SCENE_QRCODE": true, "SCENE_ARTICLE": true,
	"SCENE_H5": true, "SCENE_IVR": true, "SCENE_CARD_CUSTOM_CELL": true}

// CreateLandingPage creates a card landing page (创建货架).
func (s *Service) CreateLandingPage(ctx context.Context, r *LandingPageRequest) (*LandingPage, error) {
	const op = "card.CreateLandingPage"
	if r == nil {
		return nil, verr(op, "", "nil request")
	}
	if err := need(op, "banner", r.Banner); err != nil {
		return nil, err
	}
	if n := utf8.RuneCountInString(r.PageTitle); n == 0 || n > 14 {
		return nil, verr(op, "page_title", "must be 1..14 characters")
	}
	if !scenes[r.Scene] {
		return nil, verr(op, "scene", strconv.Quote(r.Scene)+" is not a landing-page scene")
	}
	if len(r.CardList) == 0 {
		return nil, verr(op, "card_list", "is required")
	}
	for i, c := range r.CardList {
		if c.CardID == "" {
			return nil, verr(op, "card_list["+strconv.Itoa(i)+"].card_id", "is required")
		}
	}
	var out LandingPage
	if err := s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/card/landingpage/create", Body: r}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// MPNewsHTML returns the HTML to put a card in an article (图文消息群发卡券,
// POST /card/mpnews/gethtml).
func (s *Service) MPNewsHTML(ctx context.Context, cardID string) (string, error) {
	if err := need("card.MPNewsHTML", "card_id", cardID); err != nil {
		return "", err
	}
	var out struct {
		Content string `json:"content"`
	}
	if err := s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/card/mpnews/gethtml", Body: map[string]string{"card_id": cardID}}, &out); err != nil {
		return "", err
	}
	return out.Content, nil
}

// SetTestWhitelist lets the listed users claim cards still in review
// (设置测试白名单, POST /card/testwhitelist/set), by openid or WeChat id;
// at most 10 in all.
func (s *Service) SetTestWhitelist(ctx context.Context, openids, usernames []string) error {
	const op = "card.SetTestWhitelist"
	if len(openids)+len(usernames) == 0 {
		return verr(op, "openid", "give at least one openid or username")
	}
	if len(openids)+len(usernames) > 10 {
		return verr(op, "openid", "at most 10 users")
	}
	body := map[string][]string{}
	if len(openids) > 0 {
		body["openid"] = openids
	}
	if len(usernames) > 0 {
		body["username"] = usernames
	}
	return s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/card/testwhitelist/set", Body: body}, nil)
}

// SetPayCell turns the 快速买单 cell of a card on or off (设置买单接口,
// POST /card/paycell/set).
func (s *Service) SetPayCell(ctx context.Context, cardID string, open bool) error {
	if err := need("card.SetPayCell", "card_id", cardID); err != nil {
		return err
	}
	return s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/card/paycell/set", Body: map[string]any{"card_id": cardID, "is_open": open}}, nil)
}

// SelfConsumeCell is the body of 设置自助核销接口 (POST /card/selfconsumecell/set).
type SelfConsumeCell struct {
	CardID           string `json:"card_id"`
	IsOpen           bool   `json:"is_open"`
	NeedVerifyCode   bool   `json:"need_verify_cod"` // sic: the documented name
	NeedRemarkAmount bool   `json:"need_remark_amount"`
}

// SetSelfConsumeCell turns 自助核销 of a card on or off.
func (s *Service) SetSelfConsumeCell(ctx context.Context, r *SelfConsumeCell) error {
	if r == nil {
		return verr("card.SetSelfConsumeCell", "", "nil request")
	}
	if err := need("card.SetSelfConsumeCell", "card_id", r.CardID); err != nil {
		return err
	}
	return s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/card/selfconsumecell/set", Body: r}, nil)
}
