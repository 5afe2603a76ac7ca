package mp_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/wxkit/mp"
)

func TestValidationErrorKind(t *testing.T) {
	errBig := errors.New("too large")
	err := fmt.Errorf("wrapped: %w", &mp.ValidationError{Op: "media.Upload", Field: "media", Reason: "over 10 MB", Kind: errBig})
	var ve *mp.ValidationError
	if !errors.Is(err, errBig) || !errors.As(err, &ve) || ve.Field != "media" {
		t.Fatalf("errors.Is/As fail on %v", err)
	}
	if got, want := ve.Error(), "mp: media.Upload: media: over 10 MB"; got != want {
		t.Fatalf("Error() = %q, want %q (Kind is not shown)", got, want)
	}
	if errors.Is(&mp.ValidationError{Op: "x", Reason: "y"}, errBig) {
		t.Fatal("a ValidationError without Kind matches a sentinel")
	}
}
