package redact

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestJSONMasksCredentialValues(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"access_token":"AT","expires_in":7200}`, `{"access_token":"REDACTED","expires_in":7200}`},
		{`{"a":1, "refresh_token" : 12345}`, `{"a":1, "refresh_token" : "REDACTED"}`},
		{`{"ticket":"abc\"def","x":"ticket"}`, `{"ticket":"REDACTED","x":"ticket"}`},
		{`{"session_key":{"v":["s1","s2"]},"openid":"o"}`, `{"session_key":{"REDACTED":["REDACTED","REDACTED"]},"openid":"o"}`},
		{`{"access_token":"unterminated`, `{"access_token":"REDACTED`},
		{`{"openid":"o","nickname":"n"}`, `{"openid":"o","nickname":"n"}`},
		{`not json access_token`, `not json access_token`},
	}
	for _, c := range cases {
		got, _ := JSON([]byte(c.in))
		if string(got) != c.want {
			t.Errorf("JSON(%s) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestJSONErrorDropsLiterals(t *testing.T) {
	var v struct {
		T int8 `json:"t"`
	}
	err := json.Unmarshal([]byte(`{"t":123456789}`), &v)
	if err == nil || !strings.Contains(err.Error(), "123456789") {
		t.Skipf("encoding/json no longer quotes the literal: %v", err)
	}
	if got := JSONError(err, nil).Error(); strings.Contains(got, "123456789") {
		t.Errorf("JSONError kept the literal: %s", got)
	}
}

func FuzzJSON(f *testing.F) {
	f.Add([]byte(`{"access_token":"AT","expires_in":7200}`))
	f.Add([]byte(`{"a":{"ticket":[1,"x",{"k":"v"}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Never panics, and valid JSON stays valid.
		out, _ := JSON(data)
		if json.Valid(data) && !json.Valid(out) {
			t.Fatalf("valid JSON became invalid: %q -> %q", data, out)
		}
		_ = Snippet(data, 16)
	})
}
