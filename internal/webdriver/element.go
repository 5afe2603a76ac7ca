package webdriver

import (
	"encoding/json"
	"net/url"
)

// elementKey is the W3C web element identifier.
const elementKey = "element-6066-11e4-a52e-4f735466cecf"

// Keys for [Element.SendKeys] (W3C WebDriver, "Keyboard actions").
const (
	Enter     = "\ue007"
	Tab       = "\ue004"
	Backspace = "\ue003"
	Escape    = "\ue00c"
)

// Element is a reference to an element of the page shown. It goes stale
// (code [CodeStaleElementReference]) when the element leaves the document.
type Element struct {
	s  *Session
	id string
}

// ID returns the WebDriver element id.
func (e *Element) ID() string { return e.id }

// MarshalJSON encodes the element as a W3C element reference, so that an
// element passed to [Session.ExecuteScript] arrives as the DOM element.
func (e *Element) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{elementKey: e.id})
}

func (e *Element) path(suffix string) string { return "/element/" + url.PathEscape(e.id) + suffix }

// Click scrolls the element into view and clicks its centre.
func (e *Element) Click() error {
	_, err := e.s.cmd("POST", e.path("/click"), struct{}{})
	return err
}

// SendKeys focuses the element and types text into it. Special keys are
// written as their code points: [Enter] ("\ue007") submits a form.
func (e *Element) SendKeys(text string) error {
	_, err := e.s.cmd("POST", e.path("/value"), map[string]string{"text": text})
	return err
}

// Clear empties an input or textarea.
func (e *Element) Clear() error {
	_, err := e.s.cmd("POST", e.path("/clear"), struct{}{})
	return err
}

// Text returns the element's rendered text, as a person would read it.
func (e *Element) Text() (string, error) {
	return e.s.cmdString("GET", e.path("/text"), nil)
}

// Attribute returns the value of the element's HTML attribute name, or ""
// when it has none. For the current value of an input, use
// Property("value").
func (e *Element) Attribute(name string) (string, error) {
	return e.s.cmdString("GET", e.path("/attribute/"+url.PathEscape(name)), nil)
}

// Property returns the JSON-encoded value of the element's DOM property
// name (e.g. "value", "checked"); null when it has none.
func (e *Element) Property(name string) (json.RawMessage, error) {
	return e.s.cmd("GET", e.path("/property/"+url.PathEscape(name)), nil)
}

// Find returns the first descendant of the element matching the CSS
// selector.
func (e *Element) Find(css string) (*Element, error) {
	return e.s.find(e.path("/element"), css)
}

// FindAll returns the descendants of the element matching the CSS selector.
func (e *Element) FindAll(css string) ([]*Element, error) {
	return e.s.findAll(e.path("/elements"), css)
}
