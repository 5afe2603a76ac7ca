package card_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/card"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/token"
)

// The worked example of 附录4 卡券签名: code=1434008071,
// timestamp=1404896688, card_id=pjZ8Yt1XGILfi-FUsewpnnolGgZk,
// api_ticket=ojZ8YtyVyr30HheH3CM73y7h4jJE, nonce_str=123 give
// sha1(12314048966881434008071ojZ8YtyVyr30HheH3CM73y7h4jJEpjZ8Yt1XGILfi-FUsewpnnolGgZk)
// = f137ab68b7f8112d20ee528ab6074564e2796250.
const (
	docTicket = "ojZ8YtyVyr30HheH3CM73y7h4jJE"
	docCardID = "pjZ8Yt1XGILfi-FUsewpnnolGgZk"
	docSig    = "f137ab68b7f8112d20ee528ab6074564e2796250"
)

func TestSignDocumentedExample(t *testing.T) {
	t.Parallel()
	assert.Equal(t, docSig, card.Sign(docTicket, "1404896688", docCardID, "1434008071", "", "123"))
	ext := card.SignCardExt(docTicket, docCardID, 1404896688, "123", card.ExtOptions{Code: "1434008071"})
	assert.Equal(t, docSig, ext.Signature)
	assert.Equal(t, `{"code":"1434008071","timestamp":"1404896688","nonce_str":"123","signature":"`+docSig+`"}`, ext.String())
}

// TestSignChooseCard: cardSign sorts api_ticket, app_id, location_id,
// times_tamp, nonce_str, card_id and card_type. The documentation has no
// worked example for cardSign; the vector was computed outside Go:
// printf '%s\n' <values> | LC_ALL=C sort | tr -d '\n' | sha1sum.
func TestSignChooseCard(t *testing.T) {
	t.Parallel()
	c := card.SignChooseCard(docTicket, "wx1234567890abcdef", "291710000", 1404896688, "123", docCardID, "CASH")
	assert.Equal(t, "69042cb16538fd01d4a8db1f3fc4197f66bd14b6", c.CardSign)
	assert.Equal(t, "SHA1", c.SignType)
	assert.Equal(t, "291710000", c.ShopID)
}

func TestGetTicket(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("GET", "/cgi-bin/ticket/getticket", "ticket.json", func(t testing.TB, r *http.Request, _ []byte) {
		mptest.Query(t, r, map[string]string{"type": "wx_card"})
	})
	tk, err := svc.GetTicket(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "bxLdikRXVbTPdHSM05e5u5sUoXNKdvsdshFKA", tk.Ticket)
	assert.Equal(t, int64(7200), tk.ExpiresIn)
	assert.NotContains(t, fmt.Sprintf("%v %#v", tk, tk), tk.Ticket)
	assert.NotContains(t, svc.String(), "bxLdik")
}

func TestGetTicketErrors(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.ReplyError("GET", "/cgi-bin/ticket/getticket", 40001, "invalid credential")
	_, err := svc.CardExt(context.Background(), "p", card.ExtOptions{})
	mptest.RequireAPIError(t, err, 40001)
	_, err = svc.ChooseCard(context.Background(), "", "", "")
	mptest.RequireAPIError(t, err, 40001)
	srv2, svc2 := newService(t)
	srv2.Handle("GET", "/cgi-bin/ticket/getticket", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
	})
	_, err = svc2.GetTicket(context.Background())
	require.Error(t, err)
	mptest.RequireValidation(t, noRequests(t).SetPayCell(context.Background(), "", true), "card_id")
	_, err = noRequests(t).CardExt(context.Background(), "", card.ExtOptions{})
	mptest.RequireValidation(t, err, "card_id")
}

// TestConcurrentSignaturesOneTicketFetch: 1,000 card pages signing at once
// cause exactly one wx_card ticket fetch, and every signature verifies.
func TestConcurrentSignaturesOneTicketFetch(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	var fetches atomic.Int32
	release := make(chan struct{})
	srv.Handle("GET", "/cgi-bin/ticket/getticket", func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		<-release // hold the fetch until every caller waits on it
		_, _ = w.Write(mptest.Fixture(t, "ticket.json"))
	})
	const n = 1000
	var wg sync.WaitGroup
	exts := make([]*card.CardExt, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				exts[i], errs[i] = svc.CardExt(context.Background(), docCardID, card.ExtOptions{OuterStr: "page"})
				return
			}
			var c *card.ChooseCard
			c, errs[i] = svc.ChooseCard(context.Background(), "", docCardID, card.KindCash)
			if c != nil {
				exts[i] = &card.CardExt{Signature: c.CardSign, NonceStr: c.NonceStr, Timestamp: fmt.Sprint(c.Timestamp)}
			}
		}()
	}
	close(release)
	wg.Wait()
	assert.Equal(t, int32(1), fetches.Load())
	const ticket = "bxLdikRXVbTPdHSM05e5u5sUoXNKdvsdshFKA"
	for i := range n {
		require.NoError(t, errs[i])
		e := exts[i]
		if i%2 == 0 {
			assert.Equal(t, card.Sign(ticket, e.Timestamp, docCardID, e.NonceStr), e.Signature)
			var m map[string]any
			require.NoError(t, json.Unmarshal([]byte(e.String()), &m))
			assert.Equal(t, "page", m["outer_str"])
		} else {
			assert.Equal(t, card.Sign(ticket, mptest.AppID, e.Timestamp, e.NonceStr, docCardID, "CASH"), e.Signature)
		}
	}
}

// TestTicketSharedStore: two processes (two clients) sharing a store fetch
// the api_ticket once, and it lives apart from the jsapi_ticket key.
func TestTicketSharedStore(t *testing.T) {
	t.Parallel()
	store := token.NewMemoryStore()
	srv, svc1 := newService(t, mp.WithTokenStore(store))
	var fetches atomic.Int32
	srv.Handle("GET", "/cgi-bin/ticket/getticket", func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		_, _ = w.Write(mptest.Fixture(t, "ticket.json"))
	})
	c2, err := mp.New(mp.Config{AppID: mptest.AppID, AppSecret: "APPSECRET"}, mp.WithHost(srv.URL+mptest.BasePath),
		mp.WithTokenSource(mptest.StaticToken(mptest.AccessToken)), mp.WithTokenStore(store))
	require.NoError(t, err)
	svc2 := card.New(c2)
	t1, err := svc1.APITicket(context.Background())
	require.NoError(t, err)
	t2, err := svc2.APITicket(context.Background())
	require.NoError(t, err)
	assert.Equal(t, t1, t2)
	assert.Equal(t, int32(1), fetches.Load())
}
