package main

import (
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
)

var startMain sync.Once

// TestFirstBot runs main, the README's bot, with the simulator's
// development credentials and has a simulated follower talk to it.
func TestFirstBot(t *testing.T) {
	useSimulator()
	// main registers on http.DefaultServeMux and serves until the test
	// binary exits: start it once however often the test runs (-count), on
	// a free port (the conversation goes to the mux in memory).
	startMain.Do(func() {
		os.Setenv("PORT", "0")
		go main()
	})
	var out strings.Builder
	if err := converse(t.Context(), http.DefaultServeMux, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "bot (passive reply, encrypted and signed): "+Want) {
		t.Fatalf("conversation:\n%s", out.String())
	}
}

// block returns the lines from the first line equal to start (after
// removing prefix from each line) to the next line equal to "}".
func block(t *testing.T, path, prefix, start string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	in := false
	for _, l := range strings.Split(string(b), "\n") {
		l, ok := strings.CutPrefix(l, prefix)
		if !ok {
			continue
		}
		if l == start {
			in = true
		}
		if in {
			out = append(out, l)
			if l == "}" {
				return strings.Join(out, "\n")
			}
		}
	}
	t.Fatalf("%s: no block starting %q", path, start)
	return ""
}

// TestTheDocsShowThisProgram keeps the README's and the package
// documentation's first bot identical to main, which CI runs.
func TestTheDocsShowThisProgram(t *testing.T) {
	want := block(t, "main.go", "", "func main() {")
	if got := block(t, "../../README.md", "", "func main() {"); got != want {
		t.Errorf("README.md's first bot differs from examples/firstbot/main.go:\n%s", got)
	}
	if got := block(t, "../../doc.go", "//\t", "func main() {"); got != want {
		t.Errorf("doc.go's first bot differs from examples/firstbot/main.go:\n%s", got)
	}
}
