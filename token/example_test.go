package token_test

import (
	"context"
	"fmt"
	"time"

	"github.com/wxkit/mp/token"
)

// A Source caches any credential with an expiry. The SDK builds one for the
// access_token (mp.New) and one for the jsapi_ticket (jssdk.New); to share
// them between processes, pass token.WithStore(redisstore.New(rdb)).
func ExampleSource() {
	fetches := 0
	src := token.NewSource("wxkit:mp:wx1234567890abcdef:access_token",
		token.FetcherFunc(func(ctx context.Context, force bool) (token.Token, error) {
			fetches++
			return token.Token{Value: fmt.Sprintf("token-%d", fetches), Expiry: time.Now().Add(2 * time.Hour)}, nil
		}))
	ctx := context.Background()
	a, _ := src.Token(ctx)
	b, _ := src.Token(ctx) // cached: no fetch
	fmt.Println(a, b, fetches)

	// WeChat answered 40001 for a: replace it (once, however many callers
	// report it).
	_ = src.Invalidate(ctx, a)
	c, _ := src.Token(ctx)
	fmt.Println(c, fetches)
	// Output:
	// token-1 token-1 1
	// token-2 2
}
