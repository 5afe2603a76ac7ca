package webdriver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// WebDriver error codes (W3C WebDriver, "Errors") that tests commonly meet.
// The Code of an [*Error] holds one of these, or any other code the remote
// end sends.
const (
	CodeNoSuchElement           = "no such element"
	CodeStaleElementReference   = "stale element reference"
	CodeElementNotInteractable  = "element not interactable"
	CodeElementClickIntercepted = "element click intercepted"
	CodeInvalidSelector         = "invalid selector"
	CodeInvalidArgument         = "invalid argument"
	CodeInvalidSessionID        = "invalid session id"
	CodeJavaScriptError         = "javascript error"
	CodeNoSuchWindow            = "no such window"
	CodeSessionNotCreated       = "session not created"
	CodeTimeout                 = "timeout"
	CodeUnknownCommand          = "unknown command"
	CodeUnknownError            = "unknown error"
)

// ErrWaitTimeout is wrapped by the errors of [Session.WaitFor] and
// [Session.WaitForText] when the condition did not hold in time.
var ErrWaitTimeout = errors.New("webdriver: wait timed out")

// Error is an error returned by the WebDriver remote end (chromedriver), as
// in {"value":{"error":"no such element","message":"..."}}.
type Error struct {
	// Code is the WebDriver error code, e.g. [CodeNoSuchElement].
	Code string
	// Message is the remote end's human readable message.
	Message string
	// Status is the HTTP status code of the response.
	Status int
	// Command is the command that failed, as "METHOD /path" relative to
	// the session (e.g. "POST /element").
	Command string
}

// Error implements error. The stack trace of the remote end is left out.
func (e *Error) Error() string {
	msg := e.Message
	if i := firstLineEnd(msg); i >= 0 {
		msg = msg[:i]
	}
	if e.Command != "" {
		return fmt.Sprintf("webdriver: %s: %s: %s", e.Command, e.Code, msg)
	}
	return fmt.Sprintf("webdriver: %s: %s", e.Code, msg)
}

func firstLineEnd(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' || s[i] == '\r' {
			return i
		}
	}
	return -1
}

// IsCode reports whether err is, or wraps, an [*Error] with the given
// WebDriver error code.
func IsCode(err error, code string) bool {
	var we *Error
	return errors.As(err, &we) && we.Code == code
}

// ProtocolError is returned when the remote end answers with something that
// is not a WebDriver response (not JSON, or JSON without a "value").
type ProtocolError struct {
	Status  int
	Command string
	// Reason says what was wrong with the response.
	Reason string
	// Body is the start of the response body (at most 200 bytes).
	Body string
}

func (e *ProtocolError) Error() string {
	return fmt.Sprintf("webdriver: %s: bad response (HTTP %d): %s: %q", e.Command, e.Status, e.Reason, e.Body)
}

// response is the envelope of every WebDriver response.
type response struct {
	Value json.RawMessage `json:"value"`
}

type errorValue struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

// decodeResponse parses a WebDriver response body received with the given
// HTTP status and returns its "value", or the error it carries.
func decodeResponse(command string, status int, body []byte) (json.RawMessage, error) {
	var r response
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, &ProtocolError{Status: status, Command: command, Reason: "invalid JSON", Body: clip(body)}
	}
	if len(r.Value) == 0 {
		return nil, &ProtocolError{Status: status, Command: command, Reason: `no "value"`, Body: clip(body)}
	}
	// Success is a 2xx status; its value can be anything, even an object
	// with an "error" member (a script may return one).
	if status >= 200 && status <= 299 {
		return r.Value, nil
	}
	if v := bytes.TrimSpace(r.Value); len(v) > 0 && v[0] == '{' {
		var ev errorValue
		if json.Unmarshal(v, &ev) == nil && ev.Error != "" {
			return nil, &Error{Code: ev.Error, Message: ev.Message, Status: status, Command: command}
		}
	}
	return nil, &ProtocolError{Status: status, Command: command, Reason: "error status without error code", Body: clip(body)}
}

func clip(b []byte) string {
	const limit = 200
	if len(b) > limit {
		return string(b[:limit]) + "…"
	}
	return string(b)
}
