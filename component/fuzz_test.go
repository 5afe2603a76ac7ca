package component_test

import (
	"os"
	"testing"

	"github.com/wxkit/mp/component"
)

func FuzzParsePush(f *testing.F) {
	for _, name := range []string{"verify_ticket.xml", "authorized.xml", "unauthorized.xml"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("<xml><InfoType>x</InfoType>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := component.ParsePush(b)
		if err == nil && p.InfoType == "" {
			t.Fatal("a push without InfoType was accepted")
		}
	})
}
