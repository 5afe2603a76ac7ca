package card

import (
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
)

// Ticket is the answer of 获取卡券api_ticket (GET /cgi-bin/ticket/getticket?type=wx_card).
type Ticket struct {
	Ticket    string `json:"ticket"`
	ExpiresIn int64  `json:"expires_in"`
}

// String describes the ticket without its value.
func (t Ticket) String() string {
	v := `""`
	if t.Ticket != "" {
		v = "<redacted>"
	}
	return fmt.Sprintf("card.Ticket{Ticket: %s, ExpiresIn: %d}", v, t.ExpiresIn)
}

// GoString is String.
func (t Ticket) GoString() string { return t.String() }

// GetTicket calls 获取卡券api_ticket directly, bypassing the cache. Its quota
// is small: use [Service.APITicket].
func (s *Service) GetTicket(ctx context.Context) (*Ticket, error) {
	t, err := s.c.GetTicket(ctx, "wx_card")
	if err != nil {
		return nil, err
	}
	return &Ticket{Ticket: t.Ticket, ExpiresIn: t.ExpiresIn}, nil
}

// APITicket returns a valid wx_card api_ticket from the cache, fetching it
// when needed; concurrent callers share one fetch.
func (s *Service) APITicket(ctx context.Context) (string, error) { return s.tickets.Token(ctx) }

// InvalidateTicket reports that WeChat rejected ticket; if it is still the
// cached one it is replaced.
func (s *Service) InvalidateTicket(ctx context.Context, ticket string) error {
	return s.tickets.Invalidate(ctx, ticket)
}

// Sign is the card signature (附录4 卡券签名): the hex SHA1 of the
// concatenation of the non-empty values, sorted as strings. It serves both
// the cardExt signature (api_ticket, timestamp, card_id, code, openid,
// nonce_str) and chooseCard's cardSign (api_ticket, app_id, location_id,
// times_tamp, nonce_str, card_id, card_type).
func Sign(values ...string) string {
	var arr [8]string
	vs := arr[:0]
	for _, v := range values {
		if v == "" {
			continue
		}
		// Insertion sort: at most seven values, no allocation.
		i := len(vs)
		vs = append(vs, v)
		for ; i > 0 && vs[i-1] > v; i-- {
			vs[i] = vs[i-1]
		}
		vs[i] = v
	}
	var buf [512]byte
	b := buf[:0]
	for _, v := range vs {
		b = append(b, v...)
	}
	sum := sha1.Sum(b)
	var out [40]byte
	hex.Encode(out[:], sum[:])
	return string(out[:])
}

// NonceStr returns a random 16-character nonce (at most 32 allowed).
func NonceStr() string { return rand.Text()[:16] }

// ExtOptions are the optional parts of a cardExt.
type ExtOptions struct {
	Code                string // custom-code cards
	OpenID              string // bind_openid cards
	FixedBeginTimestamp int64  // DATE_TYPE_FIX_TERM cards
	OuterStr            string // the channel, back in user_get_card
}

// CardExt is the cardExt of wx.addCard (卡券扩展字段). Marshal it to JSON
// and pass the string as cardList[i].cardExt.
type CardExt struct {
	Code                string `json:"code,omitempty"`
	OpenID              string `json:"openid,omitempty"`
	Timestamp           string `json:"timestamp"`
	NonceStr            string `json:"nonce_str"`
	FixedBeginTimestamp int64  `json:"fixed_begintimestamp,omitempty"`
	OuterStr            string `json:"outer_str,omitempty"`
	Signature           string `json:"signature"`
}

// String returns the cardExt JSON string.
func (e CardExt) String() string {
	b, _ := json.Marshal(e)
	return string(b)
}

// SignCardExt signs a cardExt with a known ticket, timestamp and nonce.
func SignCardExt(apiTicket, cardID string, timestamp int64, nonce string, o ExtOptions) CardExt {
	ts := strconv.FormatInt(timestamp, 10)
	return CardExt{Code: o.Code, OpenID: o.OpenID, Timestamp: ts, NonceStr: nonce,
		FixedBeginTimestamp: o.FixedBeginTimestamp, OuterStr: o.OuterStr,
		Signature: Sign(apiTicket, ts, cardID, o.Code, o.OpenID, nonce)}
}

// CardExt returns a signed cardExt for wx.addCard of cardID, with the
// cached api_ticket, the current time and a fresh nonce.
func (s *Service) CardExt(ctx context.Context, cardID string, o ExtOptions) (*CardExt, error) {
	const op = "card.CardExt"
	if err := need(op, "card_id", cardID); err != nil {
		return nil, err
	}
	if len(o.OuterStr) > 128 {
		return nil, verr(op, "outer_str", "is over 128 bytes")
	}
	t, err := s.tickets.Token(ctx)
	if err != nil {
		return nil, fmt.Errorf("card: getting the wx_card api_ticket: %w", err)
	}
	e := SignCardExt(t, cardID, s.now().Unix(), NonceStr(), o)
	return &e, nil
}

// ChooseCard is the argument of wx.chooseCard (拉取适用卡券列表).
type ChooseCard struct {
	ShopID    string `json:"shopId"`
	CardType  string `json:"cardType"`
	CardID    string `json:"cardId"`
	Timestamp int64  `json:"timestamp"`
	NonceStr  string `json:"nonceStr"`
	SignType  string `json:"signType"`
	CardSign  string `json:"cardSign"`
}

// SignChooseCard computes chooseCard's cardSign with a known ticket,
// timestamp and nonce.
func SignChooseCard(apiTicket, appID, locationID string, timestamp int64, nonce, cardID, cardType string) ChooseCard {
	ts := strconv.FormatInt(timestamp, 10)
	return ChooseCard{ShopID: locationID, CardType: cardType, CardID: cardID, Timestamp: timestamp, NonceStr: nonce,
		SignType: "SHA1", CardSign: Sign(apiTicket, appID, locationID, ts, nonce, cardID, cardType)}
}

// ChooseCard returns the signed argument of wx.chooseCard for the page;
// locationID, cardID and cardType narrow the list and may be empty.
func (s *Service) ChooseCard(ctx context.Context, locationID, cardID string, cardType Kind) (*ChooseCard, error) {
	t, err := s.tickets.Token(ctx)
	if err != nil {
		return nil, fmt.Errorf("card: getting the wx_card api_ticket: %w", err)
	}
	c := SignChooseCard(t, s.c.AppID(), locationID, s.now().Unix(), NonceStr(), cardID, string(cardType))
	return &c, nil
}
