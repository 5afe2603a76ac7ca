package token

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Token is a credential value and the instant it stops being usable.
//
// Expiry is the moment WeChat stops accepting the value (issue time plus
// expires_in); the Source applies its own safety margin before that.
type Token struct {
	Value  string
	Expiry time.Time
}

// String reports the expiry and hides the value.
func (t Token) String() string {
	if t.Value == "" {
		return "token.Token{<empty>}"
	}
	return fmt.Sprintf("token.Token{Value: <redacted>, Expiry: %s}", t.Expiry.UTC().Format(time.RFC3339))
}

// GoString is String, so that %#v does not print the value either.
func (t Token) GoString() string { return t.String() }

// Fetcher obtains a fresh credential from upstream.
//
// force asks for a new value even if upstream would return the current one
// (stable_token's force_refresh); a Source sets it only after upstream handed
// back a value that was just rejected. Fetchers that always issue a new value
// ignore it.
type Fetcher interface {
	Fetch(ctx context.Context, force bool) (Token, error)
}

// FetcherFunc adapts a function to [Fetcher].
type FetcherFunc func(ctx context.Context, force bool) (Token, error)

// Fetch calls f.
func (f FetcherFunc) Fetch(ctx context.Context, force bool) (Token, error) { return f(ctx, force) }

// ErrEmptyToken is returned (wrapped) when a fetcher hands back an empty value
// or one that has already expired: the Source refuses to cache it.
var ErrEmptyToken = errors.New("token: upstream returned an empty or expired token")
