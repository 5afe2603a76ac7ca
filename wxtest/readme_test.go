package wxtest_test

import (
	"os"
	"strings"
	"testing"
)

// TestTheDocsShowTestBot keeps the README's and the package documentation's
// complete test identical to TestBot, which runs.
func TestTheDocsShowTestBot(t *testing.T) {
	block := func(path, prefix string) string {
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
			in = in || l == "func TestBot(t *testing.T) {"
			if in {
				out = append(out, l)
				if l == "}" {
					return strings.Join(out, "\n")
				}
			}
		}
		t.Fatalf("%s: no TestBot", path)
		return ""
	}
	want := block("wxtest_test.go", "")
	if got := block("../README.md", ""); got != want {
		t.Errorf("README.md's test differs from TestBot:\n%s", got)
	}
	if got := block("doc.go", "//\t"); got != want {
		t.Errorf("doc.go's test differs from TestBot:\n%s", got)
	}
	if n := strings.Count(want, "\n") + 1; n >= 20 {
		t.Errorf("TestBot is %d lines; the README promises under 20", n)
	}
}
