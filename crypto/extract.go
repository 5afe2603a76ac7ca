package crypto

import "bytes"

const (
	cdataOpen  = "<![CDATA["
	cdataClose = "]]>"
	encOpen    = "<Encrypt"
	encClose   = "</Encrypt"
)

// ExtractEncrypt returns the content of the first Encrypt element of a
// safe-mode or compatible-mode callback body (安全模式 / 兼容模式 消息体), such as
//
//	<xml><ToUserName><![CDATA[gh_..]]></ToUserName><Encrypt><![CDATA[..]]></Encrypt></xml>
//
// The content may be a CDATA section or plain text (surrounding XML
// whitespace is ignored). CDATA sections, comments and processing
// instructions elsewhere in the body are skipped, so an "<Encrypt>" written
// inside, say, a compatible-mode Content field is never mistaken for the real
// element. The result aliases body (its capacity is clipped) and is not
// copied. A missing, empty, unterminated or otherwise malformed element
// yields [ErrMalformedEnvelope]. ExtractEncrypt is a small scanner, not a
// full XML parser: it does not decode entities or validate the rest of the
// document.
func ExtractEncrypt(body []byte) ([]byte, error) {
	i := 0
	for {
		j := bytes.IndexByte(body[i:], '<')
		if j < 0 {
			return nil, ErrMalformedEnvelope
		}
		i += j
		rest := body[i:]
		switch {
		case hasPrefix(rest, cdataOpen):
			k := indexStr(rest[len(cdataOpen):], cdataClose)
			if k < 0 {
				return nil, ErrMalformedEnvelope
			}
			i += len(cdataOpen) + k + len(cdataClose)
		case hasPrefix(rest, "<!--"):
			k := indexStr(rest[4:], "-->")
			if k < 0 {
				return nil, ErrMalformedEnvelope
			}
			i += 4 + k + 3
		case hasPrefix(rest, "<?"):
			k := indexStr(rest[2:], "?>")
			if k < 0 {
				return nil, ErrMalformedEnvelope
			}
			i += 2 + k + 2
		case hasPrefix(rest, encOpen):
			if p, ok := tagEnd(rest[len(encOpen):]); ok {
				return encryptContent(rest[len(encOpen)+p:])
			}
			i++ // e.g. <EncryptType>: not our element
		default:
			i++
		}
	}
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
// </Encrypt>.
func encryptContent(b []byte) ([]byte, error) {
	var val, after []byte
	k := skipSpace(b)
	if hasPrefix(b[k:], cdataOpen) {
		c := b[k+len(cdataOpen):]
		e := indexStr(c, cdataClose)
		if e < 0 {
			return nil, ErrMalformedEnvelope
		}
		val = c[:e]
		after = c[e+len(cdataClose):]
		after = after[skipSpace(after):]
	} else {
		e := bytes.IndexByte(b, '<')
		if e < 0 {
			return nil, ErrMalformedEnvelope
		}
		val = trimSpace(b[:e])
		after = b[e:]
	}
	if len(val) == 0 || !hasPrefix(after, encClose) {
		return nil, ErrMalformedEnvelope
	}
	if _, ok := tagEnd(after[len(encClose):]); !ok {
		return nil, ErrMalformedEnvelope
	}
	return val[:len(val):len(val)], nil
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
