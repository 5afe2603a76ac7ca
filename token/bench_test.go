package token_test

import (
	"context"
	"testing"
	"time"

	"github.com/wxkit/mp/token"
)

// BenchmarkTokenCached is the steady-state read: goal 0 allocs, < 50 ns.
func BenchmarkTokenCached(b *testing.B) {
	s := token.NewSource("k", token.FetcherFunc(func(context.Context, bool) (token.Token, error) {
		return token.Token{Value: "tok", Expiry: time.Now().Add(2 * time.Hour)}, nil
	}))
	ctx := context.Background()
	if _, err := s.Token(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Token(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTokenCachedParallel(b *testing.B) {
	s := token.NewSource("k", token.FetcherFunc(func(context.Context, bool) (token.Token, error) {
		return token.Token{Value: "tok", Expiry: time.Now().Add(2 * time.Hour)}, nil
	}))
	ctx := context.Background()
	_, _ = s.Token(ctx)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_, _ = s.Token(ctx)
		}
	})
}
