package crypto

import "bytes"

const (
	cdataOpen  = "<![CDATA["
	cdataClose = "]]>"
	encOpen    = "<Encrypt"
	encClose   = "</Encrypt"
)

// ExtractEncrypt returns the content of the Encrypt child of the root
// element of a safe-mode or compatible-mode callback body (安全模式 / 兼容模式
// 消息体), such as
//
//	<xml><ToUserName><![CDATA[gh_..]]></ToUserName><Encrypt><![CDATA[..]]></Encrypt></xml>
//
// The content may be a CDATA section or plain text (surrounding XML
// whitespace is ignored). CDATA sections, comments and processing
// instructions elsewhere in the body are skipped, so an "<Encrypt>" written
// inside, say, a compatible-mode Content field is never mistaken for the real
// element; neither is an Encrypt element deeper in the document. The result
// aliases body (its capacity is clipped) and is not copied. A missing,
// repeated, empty, unterminated or otherwise malformed element, a value
// holding a reference ('&') or a carriage return (a ciphertext is base64),
// and a DOCTYPE or other declaration yield [ErrMalformedEnvelope], so that
// whenever encoding/xml also accepts the body both read the same value.
// ExtractEncrypt is a small scanner, not a full XML parser: it does not
// validate the rest of the document.
func ExtractEncrypt(body []byte) ([]byte, error) {
	var found []byte
	// bad reports a malformed body; once the Encrypt element is found, only
	// a second one matters: a broken remainder is left to the signature.
	bad := func() ([]byte, error) {
		if found != nil {
			return found, nil
		}
		return nil, ErrMalformedEnvelope
	}
	depth := 0
	rootDone := false // the root element has ended: no other element may start
	for i := 0; ; {
		j := bytes.IndexByte(body[i:], '<')
		if j < 0 {
			break
		}
		i += j
		rest := body[i:]
		switch {
		case hasPrefix(rest, cdataOpen):
			k := indexStr(rest[len(cdataOpen):], cdataClose)
			if k < 0 {
				return bad()
			}
			i += len(cdataOpen) + k + len(cdataClose)
		case hasPrefix(rest, "<!--"):
			k := indexStr(rest[4:], "-->")
			if k < 0 {
				return bad()
			}
			i += 4 + k + 3
		case hasPrefix(rest, "<?"):
			k := indexStr(rest[2:], "?>")
			if k < 0 {
				return bad()
			}
			i += 2 + k + 2
		case hasPrefix(rest, "<!"):
			// DOCTYPE (and its entities): never in a push.
			return bad()
		case hasPrefix(rest, "</"):
			k := bytes.IndexByte(rest, '>')
			if k < 0 || depth == 0 {
				return bad()
			}
			depth--
			if depth == 0 {
				rootDone = true
			}
			i += k + 1
		case depth == 1 && hasPrefix(rest, encOpen) && (len(rest) == len(encOpen) || !isNameByte(rest[len(encOpen)])):
			p, ok := tagEnd(rest[len(encOpen):])
			if !ok || found != nil {
				// Attributes, self-closing or a second Encrypt: ambiguous.
				return nil, ErrMalformedEnvelope
			}
			val, n, err := encryptContent(rest[len(encOpen)+p:])
			if err != nil {
				return nil, err
			}
			found = val
			i += len(encOpen) + p + n
		default: // start tag
			k := startTagEnd(rest)
			if k < 0 || len(rest) < 2 || !isNameStart(rest[1]) || (depth == 0 && rootDone) {
				// No name ("<>", "<<"), or a second root element.
				return bad()
			}
			if rest[k-1] != '/' {
				depth++
			} else if depth == 0 {
				rootDone = true // a self-closing root has no children
			}
			i += k + 1
		}
	}
	if found == nil {
		return nil, ErrMalformedEnvelope
	}
	return found, nil
}

// isNameByte reports whether c continues an XML element name (ASCII and
// any non-ASCII byte).
func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '-' || c == '.' || c == ':' || c >= 0x80
}

// isNameStart reports whether c can start an XML element name.
func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || c >= 0x80
}

// startTagEnd returns the offset of the '>' closing the start tag at b[0],
// skipping quoted attribute values, or -1.
func startTagEnd(b []byte) int {
	var quote byte
	for i := 1; i < len(b); i++ {
		switch c := b[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i
		}
	}
	return -1
}

// tagEnd reports whether b starts with optional XML whitespace followed by
// '>' and returns the offset just past the '>'.
func tagEnd(b []byte) (int, bool) {
	k := skipSpace(b)
	if k < len(b) && b[k] == '>' {
		return k + 1, true
	}
	return 0, false
}

// encryptContent parses the content after <Encrypt> up to and including
// </Encrypt>, returning the value and the length consumed.
func encryptContent(b []byte) ([]byte, int, error) {
	var val, after []byte
	k := skipSpace(b)
	if hasPrefix(b[k:], cdataOpen) {
		c := b[k+len(cdataOpen):]
		e := indexStr(c, cdataClose)
		if e < 0 {
			return nil, 0, ErrMalformedEnvelope
		}
		val = c[:e]
		after = c[e+len(cdataClose):]
		after = after[skipSpace(after):]
	} else {
		e := bytes.IndexByte(b, '<')
		if e < 0 {
			return nil, 0, ErrMalformedEnvelope
		}
		val = trimSpace(b[:e])
		after = b[e:]
	}
	if len(val) == 0 || !hasPrefix(after, encClose) || bytes.IndexByte(val, '&') >= 0 || bytes.IndexByte(val, '\r') >= 0 {
		return nil, 0, ErrMalformedEnvelope
	}
	p, ok := tagEnd(after[len(encClose):])
	if !ok {
		return nil, 0, ErrMalformedEnvelope
	}
	return val[:len(val):len(val)], len(b) - len(after) + len(encClose) + p, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(b []byte) int {
	i := 0
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

func trimSpace(b []byte) []byte {
	b = b[skipSpace(b):]
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func hasPrefix(b []byte, s string) bool {
	return len(b) >= len(s) && string(b[:len(s)]) == s
}

// indexStr is bytes.Index for a non-empty string separator, without
// converting it to a byte slice.
func indexStr(b []byte, s string) int {
	for i := 0; ; i++ {
		j := bytes.IndexByte(b[i:], s[0])
		if j < 0 {
			return -1
		}
		i += j
		if len(b)-i < len(s) {
			return -1
		}
		if string(b[i:i+len(s)]) == s {
			return i
		}
	}
}
