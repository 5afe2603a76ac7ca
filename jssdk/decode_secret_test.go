package jssdk_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/jssdk"
)

// TestTicketDecodeErrorHidesTheTicket: a getticket answer that fails to
// decode gives an error that does not quote the jsapi_ticket.
func TestTicketDecodeErrorHidesTheTicket(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Handle("GET", "/cgi-bin/ticket/getticket", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"errcode":0,"errmsg":"ok","ticket":"` + fixtureTicket + `","expires_in":"7200"}`))
	})
	s := jssdk.New(c)
	_, err := s.GetTicket(context.Background())
	require.Error(t, err)
	var de *mp.DecodeError
	require.True(t, errors.As(err, &de))
	assert.NotContains(t, err.Error(), fixtureTicket)
	assert.NotContains(t, err.Error(), fixtureTicket[:40])
	_, err = s.JSAPITicket(context.Background())
	require.Error(t, err)
	assert.NotContains(t, err.Error(), fixtureTicket[:40])
}
