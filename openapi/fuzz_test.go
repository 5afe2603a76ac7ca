package openapi_test

import (
	"testing"

	"github.com/wxkit/mp/openapi"
)

// FuzzPingResult reads WeChat's ping strings: never a panic.
func FuzzPingResult(f *testing.F) {
	f.Add("23.079ms", "0%")
	f.Add("", "100%")
	f.Fuzz(func(t *testing.T, tm, loss string) {
		p := openapi.PingResult{Time: tm, PackageLoss: loss}
		_ = p.Duration()
		_ = p.Lost()
	})
}
