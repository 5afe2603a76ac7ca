package message

import (
	"net/url"
	"strings"
)

// callbackQuery holds the query parameters of a WeChat push or URL
// verification request.
type callbackQuery struct {
	signature    string
	msgSignature string
	timestamp    string
	nonce        string
	echostr      string
	encryptType  string
	openid       string
}

// parseCallbackQuery extracts the parameters the server needs from a raw
// query string without building a url.Values: values are substrings of raw
// unless they are percent-encoded. The first occurrence of a key wins;
// undecodable values are treated as absent.
func parseCallbackQuery(raw string) callbackQuery {
	var q callbackQuery
	for raw != "" {
		var kv string
		kv, raw, _ = strings.Cut(raw, "&")
		k, v, _ := strings.Cut(kv, "=")
		if strings.ContainsAny(k, "%+") {
			var err error
			if k, err = url.QueryUnescape(k); err != nil {
				continue
			}
		}
		var dst *string
		switch k {
		case "signature":
			dst = &q.signature
		case "msg_signature":
			dst = &q.msgSignature
		case "timestamp":
			dst = &q.timestamp
		case "nonce":
			dst = &q.nonce
		case "echostr":
			dst = &q.echostr
		case "encrypt_type":
			dst = &q.encryptType
		case "openid":
			dst = &q.openid
		default:
			continue
		}
		if *dst != "" {
			continue
		}
		if strings.ContainsAny(v, "%+") {
			var err error
			if v, err = url.QueryUnescape(v); err != nil {
				continue
			}
		}
		*dst = v
	}
	return q
}
