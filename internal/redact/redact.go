// Package redact masks credentials in the text of answers that end up in
// errors and logs: the values of credential-looking JSON keys
// (access_token, refresh_token, ticket, secret, session_key...) and the
// literals that encoding/json copies into its error messages.
//
// It works on malformed JSON too (a truncated answer, a proxy's rewrite), so
// a decode error can quote the body without quoting a token.
package redact

import (
	"encoding/json"
	"errors"
	"strings"
)

// Mask is what replaces a secret.
const Mask = "REDACTED"

// SensitiveKey reports whether a JSON key names a credential.
func SensitiveKey(k string) bool {
	k = strings.ToLower(k)
	return strings.Contains(k, "token") || strings.Contains(k, "ticket") || strings.Contains(k, "secret") ||
		strings.Contains(k, "session_key") || strings.Contains(k, "password") || k == "code"
}

// JSON returns data with the value of every sensitive key replaced by
// "REDACTED" (valid JSON stays valid; objects and arrays under such a key
// have every scalar masked), and the list of values it masked, so the caller
// can mask them in other messages too.
func JSON(data []byte) (out []byte, secrets []string) {
	if !hasSensitiveKey(data) {
		return data, nil
	}
	out = make([]byte, 0, len(data))
	depth := 0
	maskBelow := -1 // mask every scalar while depth > maskBelow (-1: off)
	lastKey := ""   // the string just read, when it may be a key
	armed := false  // a sensitive key and its colon were read: mask the next value
	i := 0
	for i < len(data) {
		c := data[i]
		switch {
		case c == '"':
			end := stringEnd(data, i)
			s := data[i+1 : end]
			closed := end < len(data)
			if armed || (maskBelow >= 0 && depth > maskBelow) {
				// A masked value (or anything inside a masked container).
				secrets = appendSecret(secrets, string(s))
				out = append(out, '"')
				out = append(out, Mask...)
				if closed {
					out = append(out, '"')
				}
				armed = false
				lastKey = ""
			} else {
				lastKey = string(s)
				if closed {
					out = append(out, data[i:end+1]...)
				} else {
					out = append(out, data[i:]...)
				}
			}
			i = end + 1
			continue
		case c == ':':
			if lastKey != "" && SensitiveKey(lastKey) {
				armed = true
			}
			lastKey = ""
			out = append(out, c)
		case c == '{' || c == '[':
			if armed {
				maskBelow = depth
				armed = false
			}
			depth++
			lastKey = ""
			out = append(out, c)
		case c == '}' || c == ']':
			depth--
			if maskBelow >= 0 && depth <= maskBelow {
				maskBelow = -1
			}
			lastKey = ""
			armed = false
			out = append(out, c)
		case c == ',':
			lastKey = ""
			armed = false
			out = append(out, c)
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			out = append(out, c)
		default:
			// A bare literal (number, true, null, or junk) up to a delimiter.
			j := i
			for j < len(data) && !strings.ContainsRune(",:{}[]\" \t\r\n", rune(data[j])) {
				j++
			}
			if armed || (maskBelow >= 0 && depth > maskBelow) {
				secrets = appendSecret(secrets, string(data[i:j]))
				out = append(out, '"')
				out = append(out, Mask...)
				out = append(out, '"')
				armed = false
			} else {
				out = append(out, data[i:j]...)
			}
			lastKey = ""
			i = j
			continue
		}
		i++
	}
	return out, secrets
}

// stringEnd returns the index of the closing quote of the JSON string that
// starts at data[i] (a quote), or len(data) when it is unterminated.
func stringEnd(data []byte, i int) int {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j
		}
	}
	return len(data)
}

func appendSecret(list []string, s string) []string {
	// Very short values (0, true) are not worth masking elsewhere: masking
	// them in messages would garble the text without hiding anything.
	if len(s) < 4 {
		return list
	}
	return append(list, s)
}

// hasSensitiveKey is a cheap pre-check: most answers name no credential.
func hasSensitiveKey(data []byte) bool {
	s := strings.ToLower(string(data))
	return strings.Contains(s, "token") || strings.Contains(s, "ticket") || strings.Contains(s, "secret") ||
		strings.Contains(s, "session_key") || strings.Contains(s, "password") || strings.Contains(s, `"code"`)
}

// Snippet returns the first n bytes of data with credentials masked (masked
// before cutting, so a half token is never shown), "..." marking a cut.
func Snippet(data []byte, n int) string {
	m, _ := JSON(data)
	if len(m) > n {
		return string(m[:n]) + "..."
	}
	return string(m)
}

// Strings replaces every occurrence of each secret in msg by REDACTED.
func Strings(msg string, secrets []string) string {
	for _, s := range secrets {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, Mask)
		}
	}
	return msg
}

// JSONError returns err without the literal values encoding/json copies
// into its messages (a *json.UnmarshalTypeError names "number 123456"):
// only the kind is kept. Other errors are returned as they are, with the
// given secrets masked from their message.
func JSONError(err error, secrets []string) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		c := *te
		if k, _, ok := strings.Cut(c.Value, " "); ok {
			c.Value = k
		}
		return &c
	}
	if err == nil {
		return nil
	}
	if msg := err.Error(); Strings(msg, secrets) != msg {
		return &masked{msg: Strings(msg, secrets), err: err}
	}
	return err
}

type masked struct {
	msg string
	err error
}

func (e *masked) Error() string { return e.msg }

// Unwrap keeps errors.Is working (io.ErrUnexpectedEOF...).
func (e *masked) Unwrap() error { return e.err }
