package card_test

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"testing"

	"github.com/wxkit/mp/card"
)

// BenchmarkSign is the cardExt signature of the documented example.
func BenchmarkSign(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = card.Sign(docTicket, "1404896688", docCardID, "1434008071", "", "123")
	}
}

// BenchmarkSignFloor is the same SHA1 over the already sorted
// concatenation, with the standard library only: the least the signature
// can cost.
func BenchmarkSignFloor(b *testing.B) {
	b.ReportAllocs()
	s := []byte("12314048966881434008071" + docTicket + docCardID)
	for b.Loop() {
		sum := sha1.Sum(s)
		_ = hex.EncodeToString(sum[:])
	}
}

// BenchmarkCardExt is a page's whole signing: the cached api_ticket, a
// nonce, the timestamp and the signature.
func BenchmarkCardExt(b *testing.B) {
	srv, svc := newService(b)
	srv.Reply("GET", "/cgi-bin/ticket/getticket", "ticket.json", nil)
	ctx := context.Background()
	if _, err := svc.APITicket(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := svc.CardExt(ctx, docCardID, card.ExtOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
