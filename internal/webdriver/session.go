package webdriver

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"
)

// pollInterval is how often WaitFor and WaitForText look again.
const pollInterval = 50 * time.Millisecond

// Session is one browser session (one Chromium with one window). Its methods
// may be called from one goroutine at a time, as a person uses a browser.
type Session struct {
	c  *client
	id string
}

func newSession(c *client, id string) *Session { return &Session{c: c, id: id} }

// ID returns the WebDriver session id.
func (s *Session) ID() string { return s.id }

// cmd sends a command relative to the session, e.g. ("POST", "/url"). The
// remote end times page loads and scripts out itself after the command
// timeout; the extra seconds give it room to say so.
func (s *Session) cmd(method, path string, body any) (json.RawMessage, error) {
	ctx, cancel := context.WithTimeout(context.Background(), s.c.timeout+5*time.Second)
	defer cancel()
	return s.c.do(ctx, method, "/session/"+url.PathEscape(s.id)+path, method+" "+path, body)
}

// cmdString sends a command whose value is a string (null gives "").
func (s *Session) cmdString(method, path string, body any) (string, error) {
	v, err := s.cmd(method, path, body)
	if err != nil {
		return "", err
	}
	return decodeString(method+" "+path, v)
}

func decodeString(label string, v json.RawMessage) (string, error) {
	if string(v) == "null" {
		return "", nil
	}
	var str string
	if err := json.Unmarshal(v, &str); err != nil {
		return "", &ProtocolError{Status: 200, Command: label, Reason: "value is not a string", Body: clip(v)}
	}
	return str, nil
}

// Navigate opens rawURL in the window and waits for the page to load.
func (s *Session) Navigate(rawURL string) error {
	_, err := s.cmd("POST", "/url", map[string]string{"url": rawURL})
	return err
}

// Back goes one page back in the window's history.
func (s *Session) Back() error {
	_, err := s.cmd("POST", "/back", struct{}{})
	return err
}

// CurrentURL returns the URL of the page shown.
func (s *Session) CurrentURL() (string, error) { return s.cmdString("GET", "/url", nil) }

// Title returns the title of the page shown.
func (s *Session) Title() (string, error) { return s.cmdString("GET", "/title", nil) }

// PageSource returns the serialized DOM of the page shown, which helps to
// explain a failing test.
func (s *Session) PageSource() (string, error) { return s.cmdString("GET", "/source", nil) }

// Find returns the first element matching the CSS selector, or an [*Error]
// with code [CodeNoSuchElement].
func (s *Session) Find(css string) (*Element, error) {
	return s.find("/element", css)
}

// FindAll returns every element matching the CSS selector, in document
// order; none is not an error.
func (s *Session) FindAll(css string) ([]*Element, error) {
	return s.findAll("/elements", css)
}

type locator struct {
	Using string `json:"using"`
	Value string `json:"value"`
}

func (s *Session) find(path, css string) (*Element, error) {
	v, err := s.cmd("POST", path, locator{Using: "css selector", Value: css})
	if err != nil {
		return nil, err
	}
	return s.decodeElement("POST "+path, v)
}

func (s *Session) findAll(path, css string) ([]*Element, error) {
	v, err := s.cmd("POST", path, locator{Using: "css selector", Value: css})
	if err != nil {
		return nil, err
	}
	var refs []map[string]string
	if err := json.Unmarshal(v, &refs); err != nil {
		return nil, &ProtocolError{Status: 200, Command: "POST " + path, Reason: "value is not a list of elements", Body: clip(v)}
	}
	els := make([]*Element, 0, len(refs))
	for _, ref := range refs {
		id, ok := ref[elementKey]
		if !ok || id == "" {
			return nil, &ProtocolError{Status: 200, Command: "POST " + path, Reason: "element reference without id", Body: clip(v)}
		}
		els = append(els, &Element{s: s, id: id})
	}
	return els, nil
}

func (s *Session) decodeElement(label string, v json.RawMessage) (*Element, error) {
	var ref map[string]string
	if err := json.Unmarshal(v, &ref); err != nil || ref[elementKey] == "" {
		return nil, &ProtocolError{Status: 200, Command: label, Reason: "value is not an element reference", Body: clip(v)}
	}
	return &Element{s: s, id: ref[elementKey]}, nil
}

// WaitFor polls until an element matches the CSS selector and returns the
// first one. After timeout it returns an error wrapping [ErrWaitTimeout].
// Errors other than "no such element" (such as an invalid selector) end the
// wait at once.
func (s *Session) WaitFor(css string, timeout time.Duration) (*Element, error) {
	deadline := time.Now().Add(timeout)
	for {
		el, err := s.Find(css)
		if err == nil {
			return el, nil
		}
		if !IsCode(err, CodeNoSuchElement) {
			return nil, err
		}
		if !time.Now().Before(deadline) {
			return nil, fmt.Errorf("webdriver: no element matches %q after %v: %w", css, timeout, ErrWaitTimeout)
		}
		time.Sleep(pollInterval)
	}
}

// WaitForText polls until an element matching the CSS selector has visible
// text containing substr, and returns that element. After timeout it
// returns an error wrapping [ErrWaitTimeout] that quotes the texts last
// seen.
func (s *Session) WaitForText(css, substr string, timeout time.Duration) (*Element, error) {
	deadline := time.Now().Add(timeout)
	for {
		els, err := s.FindAll(css)
		if err != nil {
			return nil, err
		}
		seen := make([]string, 0, len(els))
		for _, el := range els {
			text, err := el.Text()
			if err != nil {
				// The page may change under us; look again.
				if IsCode(err, CodeStaleElementReference) {
					continue
				}
				return nil, err
			}
			if strings.Contains(text, substr) {
				return el, nil
			}
			seen = append(seen, text)
		}
		if !time.Now().Before(deadline) {
			return nil, fmt.Errorf("webdriver: no element matching %q contains %q after %v (%d seen: %s): %w",
				css, substr, timeout, len(els), quoteSome(seen), ErrWaitTimeout)
		}
		time.Sleep(pollInterval)
	}
}

// quoteSome quotes up to the last five texts, each cut to 80 bytes.
func quoteSome(texts []string) string {
	if len(texts) > 5 {
		texts = texts[len(texts)-5:]
	}
	q := make([]string, len(texts))
	for i, t := range texts {
		if len(t) > 80 {
			t = t[:80] + "…"
		}
		q[i] = fmt.Sprintf("%q", t)
	}
	return "[" + strings.Join(q, " ") + "]"
}

// ExecuteScript runs js as the body of a function in the page, synchronously,
// and returns its JSON-encoded return value. args are JSON-encoded and seen
// by the script as arguments[0], arguments[1], …; an [*Element] arrives as
// the DOM element.
func (s *Session) ExecuteScript(js string, args ...any) (json.RawMessage, error) {
	if args == nil {
		args = []any{}
	}
	return s.cmd("POST", "/execute/sync", map[string]any{"script": js, "args": args})
}

// Screenshot saves a PNG of the window's viewport to path.
func (s *Session) Screenshot(path string) error {
	png, err := s.ScreenshotPNG()
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		return fmt.Errorf("webdriver: save screenshot: %w", err)
	}
	return nil
}

// ScreenshotPNG returns a PNG of the window's viewport.
func (s *Session) ScreenshotPNG() ([]byte, error) {
	b64, err := s.cmdString("GET", "/screenshot", nil)
	if err != nil {
		return nil, err
	}
	png, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, &ProtocolError{Status: 200, Command: "GET /screenshot", Reason: "value is not base64", Body: clip([]byte(b64))}
	}
	return png, nil
}

// quit ends the session, closing the browser.
func (s *Session) quit(timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	_, err := s.c.do(ctx, "DELETE", "/session/"+url.PathEscape(s.id), "DELETE /session", nil)
	return err
}
