package mp

import (
	"errors"
	"strings"
	"testing"
)

// FuzzDecodeJSON feeds arbitrary answer bodies to the one decoder every call
// goes through: it never panics, an errcode other than 0 is always an
// *APIError, and the access_token-free error text is well formed.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"errcode":0,"errmsg":"ok"}`,
		`{"errcode":40001,"errmsg":"invalid credential rid: 1-2-3"}`,
		`{"errcode":-1}`, `{"access_token":"x","expires_in":7200}`, `{"errcode":"40001"}`,
		`[]`, `null`, `{"errcode":1e99}`, "\xff", `{"errmsg":"rid:"}`, "",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var out map[string]any
		err := decodeJSON(data, &out, "GET", "/x")
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			if apiErr.Code == 0 {
				t.Fatalf("APIError with code 0 from %q", data)
			}
			if !strings.HasPrefix(apiErr.Error(), "mp: GET /x: errcode ") {
				t.Fatalf("error text %q", apiErr.Error())
			}
		}
		_ = decodeJSON(data, nil, "POST", "/y")
	})
}
