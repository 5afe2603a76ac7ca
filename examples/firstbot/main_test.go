package main

import (
	"net/http"
	"strings"
	"testing"
)

// TestFirstBot runs main, the README's bot, with the simulator's
// development credentials and has a simulated follower talk to it.
func TestFirstBot(t *testing.T) {
	useSimulator()
	go main() // serves until the test binary exits
	var out strings.Builder
	if err := converse(t.Context(), http.DefaultServeMux, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "bot (passive reply, encrypted and signed): "+Want) {
		t.Fatalf("conversation:\n%s", out.String())
	}
}
