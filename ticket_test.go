package mp_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
)

func TestGetTicket(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	var hits atomic.Int64
	f.mux.HandleFunc("GET /cgi-bin/ticket/getticket", func(w http.ResponseWriter, r *http.Request) {
		assert.True(t, f.accepts(r))
		switch r.URL.Query().Get("type") {
		case "jsapi":
			n := hits.Add(1)
			fmt.Fprintf(w, `{"errcode":0,"errmsg":"ok","ticket":"T%d","expires_in":7200}`, n)
		case "empty":
			io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
		default:
			io.WriteString(w, `{"errcode":40097,"errmsg":"invalid args"}`)
		}
	})
	c := f.client(t)
	ctx := context.Background()

	got, err := c.GetTicket(ctx, "jsapi")
	require.NoError(t, err)
	assert.Equal(t, &mp.Ticket{ErrCode: 0, ErrMsg: "ok", Ticket: "T1", ExpiresIn: 7200}, got)
	assert.NotContains(t, fmt.Sprintf("%v %#v", got, got), "T1")

	_, err = c.GetTicket(ctx, "empty")
	var de *mp.DecodeError
	require.ErrorAs(t, err, &de)
	mptest.RequireAPIError(t, func() error { _, err := c.GetTicket(ctx, "bad"); return err }(), 40097)

	var clock atomic.Int64 // the fetch reads the clock given (nil: the client's)
	src := c.TicketSource("jsapi_ticket", "jsapi", func() time.Time { clock.Add(1); return time.Now() })
	v, err := src.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, "T2", v)
	v, err = src.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, "T2", v, "cached")
	require.NoError(t, src.Invalidate(ctx, "T2"))
	v, err = src.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, "T3", v)
	assert.EqualValues(t, 2, clock.Load())
	v, err = c.TicketSource("other_ticket", "jsapi", nil).Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, "T4", v)
}
