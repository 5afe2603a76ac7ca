package mp

import (
	"errors"
	"io"
	"net/url"
	"strings"
)

var errUnexpectedEOF = io.ErrUnexpectedEOF

// sensitiveParams are query parameters whose values never leave the client
// in an error or a log line.
var sensitiveParams = [...]string{"access_token", "component_access_token", "secret", "appsecret", "refresh_token", "code", "jsapi_ticket", "ticket_key"}

// RedactURL returns u with the values of credential parameters
// (access_token, secret, refresh_token, code...) replaced by REDACTED.
func RedactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	if u.RawQuery == "" {
		return u.String()
	}
	q := u.Query()
	changed := false
	for _, k := range sensitiveParams {
		if _, ok := q[k]; ok {
			q.Set(k, "REDACTED")
			changed = true
		}
	}
	if !changed {
		return u.String()
	}
	c := *u
	c.RawQuery = q.Encode()
	return c.String()
}

// redactError removes credentials from a transport error: net/http puts the
// whole request URL (with access_token) into *url.Error. Any other
// occurrence of a secret in the message is masked as well.
func redactError(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		c := *ue
		if u, perr := url.Parse(ue.URL); perr == nil {
			c.URL = RedactURL(u)
		} else {
			c.URL = "<unparsable URL>"
		}
		err = &c
	}
	msg := err.Error()
	for _, s := range secrets {
		if s != "" && strings.Contains(msg, s) {
			return &maskedError{msg: maskAll(msg, secrets), err: err}
		}
	}
	return err
}

func maskAll(msg string, secrets []string) string {
	for _, s := range secrets {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, "REDACTED")
		}
	}
	return msg
}

// maskedError carries a message with secrets masked. It unwraps to the
// original for errors.Is checks (timeouts, context errors).
type maskedError struct {
	msg string
	err error
}

func (e *maskedError) Error() string { return e.msg }
func (e *maskedError) Unwrap() error { return e.err }
