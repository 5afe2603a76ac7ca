package payv2

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// maxXMLFields bounds the number of fields ParseXML accepts in one document.
const maxXMLFields = 1024

// ParseXML decodes a flat WeChat Pay v2 XML document such as
//
//	<xml><return_code><![CDATA[SUCCESS]]></return_code><total_fee>1</total_fee></xml>
//
// into a map of every child element's name to its text (CDATA or plain,
// kept byte for byte, no trimming). The root element's name is not checked
// ("xml" for messages, "root" for a decrypted req_info). Nested elements,
// duplicate fields, namespaced names, DOCTYPE directives and text outside the
// fields are rejected with an error matching ErrMalformedXML, so every field
// that a signature could cover is in the map. It never panics.
func ParseXML(data []byte) (map[string]string, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	out := make(map[string]string)
	const (
		before = iota
		inside
		after
	)
	state := before
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			if state != after {
				return nil, fmt.Errorf("%w: unexpected end of document", ErrMalformedXML)
			}
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformedXML, err)
		}
		switch t := tok.(type) {
		case xml.ProcInst, xml.Comment:
			// <?xml version="1.0"?> and comments carry no data.
		case xml.Directive:
			return nil, fmt.Errorf("%w: directives are not allowed", ErrMalformedXML)
		case xml.CharData:
			if len(bytes.TrimSpace(t)) != 0 {
				return nil, fmt.Errorf("%w: text outside a field", ErrMalformedXML)
			}
		case xml.StartElement:
			switch state {
			case before:
				state = inside
			case inside:
				if t.Name.Space != "" {
					return nil, fmt.Errorf("%w: namespaced field", ErrMalformedXML)
				}
				name := t.Name.Local
				if _, dup := out[name]; dup {
					return nil, fmt.Errorf("%w: duplicate field %q", ErrMalformedXML, name)
				}
				if len(out) >= maxXMLFields {
					return nil, fmt.Errorf("%w: too many fields", ErrMalformedXML)
				}
				v, err := readFieldText(d)
				if err != nil {
					return nil, err
				}
				out[name] = v
			default:
				return nil, fmt.Errorf("%w: more than one root element", ErrMalformedXML)
			}
		case xml.EndElement:
			// Only the root's end element reaches here; Token checks nesting.
			state = after
		}
	}
}

// readFieldText reads a field's text up to its end element.
func readFieldText(d *xml.Decoder) (string, error) {
	var b strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return "", fmt.Errorf("%w: %v", ErrMalformedXML, err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			b.Write(t)
		case xml.EndElement:
			return b.String(), nil
		case xml.StartElement:
			return "", fmt.Errorf("%w: nested element in field", ErrMalformedXML)
		case xml.Directive:
			return "", fmt.Errorf("%w: directives are not allowed", ErrMalformedXML)
		}
	}
}

// encodeXML renders params as <xml><k><![CDATA[v]]></k>…</xml> with keys in
// ASCII order and empty values dropped. Keys and values must have passed
// checkParam.
func encodeXML(params map[string]string) []byte {
	keys := make([]string, 0, len(params))
	n := 11
	for k, v := range params {
		if v == "" {
			continue
		}
		keys = append(keys, k)
		n += 2*len(k) + len(v) + 17
	}
	slices.Sort(keys)
	var b bytes.Buffer
	b.Grow(n)
	b.WriteString("<xml>")
	for _, k := range keys {
		b.WriteByte('<')
		b.WriteString(k)
		b.WriteString("><![CDATA[")
		// "]]>" cannot appear inside CDATA: close and reopen around the '>'.
		b.WriteString(strings.ReplaceAll(params[k], "]]>", "]]]]><![CDATA[>"))
		b.WriteString("]]></")
		b.WriteString(k)
		b.WriteByte('>')
	}
	b.WriteString("</xml>")
	return b.Bytes()
}

// validKey reports whether k is a field name we are willing to put on the
// wire: an ASCII identifier as used by every v2 field.
func validKey(k string) bool {
	if k == "" || len(k) > 64 {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// validValue reports whether v can be carried in XML 1.0 text.
func validValue(v string) bool {
	if !utf8.ValidString(v) {
		return false
	}
	for _, r := range v {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
			return false
		}
		if r == 0xFFFE || r == 0xFFFF {
			return false
		}
	}
	return true
}
