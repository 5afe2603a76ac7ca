package mp

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"time"

	"github.com/wxkit/mp/token"
)

// Ticket is the answer of 获取api_ticket (GET /cgi-bin/ticket/getticket),
// the ticket the JS-SDK (type=jsapi) and the card API (type=wx_card) sign
// with. Families wrap it in their own Ticket types.
type Ticket struct {
	ErrCode   int    `json:"errcode"`
	ErrMsg    string `json:"errmsg"`
	Ticket    string `json:"ticket"`
	ExpiresIn int64  `json:"expires_in"` // seconds (7200)
}

// String describes the ticket without its value.
func (t Ticket) String() string {
	v := `""`
	if t.Ticket != "" {
		v = "<redacted>"
	}
	return "mp.Ticket{Ticket: " + v + ", ExpiresIn: " + strconv.FormatInt(t.ExpiresIn, 10) + "}"
}

// GoString is String, so %#v hides the ticket too.
func (t Ticket) GoString() string { return t.String() }

// GetTicket calls 获取api_ticket (GET /cgi-bin/ticket/getticket?type=typ)
// directly, bypassing any cache; an answer without a ticket is a
// *DecodeError. Its quota is small: cache it with TicketSource.
func (c *Client) GetTicket(ctx context.Context, typ string) (*Ticket, error) {
	const path = "/cgi-bin/ticket/getticket"
	var t Ticket
	if err := c.Do(ctx, &Request{Method: "GET", Path: path, Query: url.Values{"type": {typ}}}, &t); err != nil {
		return nil, err
	}
	if t.Ticket == "" {
		return nil, &DecodeError{Method: "GET", Path: path, Err: errors.New("answer without ticket")}
	}
	return &t, nil
}

// TicketSource returns the cache of the getticket ticket of type typ, as the
// credential kind (see CredentialSource). Expiry is expires_in after the
// fetch started, by now (the client's clock when nil). getticket always
// answers the current ticket, so a forced refresh fetches the same way.
func (c *Client) TicketSource(kind, typ string, now func() time.Time) *token.Source {
	if now == nil {
		now = c.Now
	}
	return c.CredentialSource(kind, token.FetcherFunc(func(ctx context.Context, _ bool) (token.Token, error) {
		start := now()
		t, err := c.GetTicket(ctx, typ)
		if err != nil {
			return token.Token{}, err
		}
		return token.Token{Value: t.Ticket, Expiry: start.Add(time.Duration(t.ExpiresIn) * time.Second)}, nil
	}))
}
