package template

import (
	"sort"
	"strings"

	"github.com/wxkit/mp"
)

// Service calls the template-message and subscription-notification APIs of
// one Official Account.
type Service struct {
	c *mp.Client
}

// New returns a Service that sends its calls through c.
func New(c *mp.Client) *Service { return &Service{c: c} }

func invalid(op, field, reason string) error {
	return &mp.ValidationError{Op: op, Field: field, Reason: reason}
}

// MiniProgram makes a notification open a Mini Program page (跳小程序). The
// Mini Program must be linked to the Official Account.
type MiniProgram struct {
	AppID    string `json:"appid"`
	PagePath string `json:"pagepath,omitempty"` // e.g. index?foo=bar
}

func (m *MiniProgram) validate(op string) error {
	if m != nil && m.AppID == "" {
		return invalid(op, "miniprogram.appid", "required when miniprogram is set")
	}
	return nil
}

// ParseKeys returns the keywords a template's content expects, in order of
// appearance and without repeats: "{{thing1.DATA}}\n{{amount2.DATA}}"
// gives [thing1 amount2]. Spaces inside the braces are tolerated ("{ {x.DATA} }"
// as the documentation prints it). Use it with [PrivateTemplate].Content or
// [SubscribeTemplate].Content to check Data before sending (see [CheckData]).
func ParseKeys(content string) []string {
	const suffix = ".DATA"
	var keys []string
	seen := map[string]bool{}
	for off := 0; ; {
		i := strings.Index(content[off:], suffix)
		if i < 0 {
			return keys
		}
		dot := off + i
		off = dot + len(suffix)
		k := dot
		for k > 0 && isKeyByte(content[k-1]) {
			k--
		}
		key := content[k:dot]
		if key == "" || !braces(content[:k], true) || !braces(content[off:], false) || seen[key] {
			continue
		}
		seen[key] = true
		keys = append(keys, key)
	}
}

func isKeyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// braces reports whether s ends (before) or starts (after) with two braces,
// allowing spaces around them.
func braces(s string, before bool) bool {
	want := byte('}')
	if before {
		want = '{'
	}
	found := 0
	for n := 0; n < len(s) && found < 2; n++ {
		c := s[n]
		if before {
			c = s[len(s)-1-n]
		}
		switch c {
		case ' ':
		case want:
			found++
		default:
			return false
		}
	}
	return found == 2
}

// missingKeys returns the keys of want that have does not hold, sorted.
func missingKeys[V any](want []string, have map[string]V) []string {
	var miss []string
	for _, k := range want {
		if _, ok := have[k]; !ok {
			miss = append(miss, k)
		}
	}
	sort.Strings(miss)
	return miss
}
