package payv2

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"hash"
	"slices"
	"strings"
)

// SignType names a WeChat Pay v2 signature algorithm (签名类型).
type SignType string

// Supported signature algorithms (安全规范 / 签名算法).
const (
	SignTypeMD5        SignType = "MD5"
	SignTypeHMACSHA256 SignType = "HMAC-SHA256"
)

func (t SignType) valid() bool { return t == SignTypeMD5 || t == SignTypeHMACSHA256 }

// Sign computes the WeChat Pay v2 signature (签名算法) of params with the
// merchant API key: the "sign" key and empty values are dropped, the
// remaining keys are sorted in ASCII order and joined as k=v with '&',
// "&key=APIKEY" is appended, and the result is hashed with MD5 or
// HMAC-SHA256 (keyed with the API key) and rendered as UPPERCASE hex.
//
// params is not modified. The API key never appears in a returned error.
func Sign(params map[string]string, signType SignType, apiKey string) (string, error) {
	if !signType.valid() {
		return "", fmt.Errorf("%w: %q", ErrUnsupportedSignType, string(signType))
	}
	var h hash.Hash
	if signType == SignTypeHMACSHA256 {
		h = hmac.New(sha256.New, []byte(apiKey))
	} else {
		h = md5.New()
	}
	writeSignString(h, params, apiKey)
	sum := h.Sum(make([]byte, 0, sha256.Size))
	return upperHex(sum), nil
}

// writeSignString writes the canonical string to sign into h.
func writeSignString(h hash.Hash, params map[string]string, apiKey string) {
	keys := make([]string, 0, len(params))
	for k, v := range params {
		if k == "sign" || v == "" {
			continue
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	n := len(apiKey) + 5
	for _, k := range keys {
		n += len(k) + len(params[k]) + 2
	}
	b.Grow(n)
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(params[k])
		b.WriteByte('&')
	}
	b.WriteString("key=")
	b.WriteString(apiKey)
	_, _ = h.Write([]byte(b.String()))
}

func upperHex(sum []byte) string {
	const digits = "0123456789ABCDEF"
	out := make([]byte, len(sum)*2)
	for i, c := range sum {
		out[2*i] = digits[c>>4]
		out[2*i+1] = digits[c&0x0f]
	}
	return string(out)
}

// VerifySignature checks the "sign" field of a received message over ALL of
// its other fields, unknown ones included. The algorithm is taken from the
// message's sign_type field when present, otherwise from the length of the
// received sign (32 hex digits = MD5, 64 = HMAC-SHA256). The comparison is
// constant-time. It returns nil, ErrSignatureMissing, ErrUnsupportedSignType
// or ErrSignatureInvalid.
func VerifySignature(params map[string]string, apiKey string) error {
	got := params["sign"]
	if got == "" {
		return ErrSignatureMissing
	}
	var t SignType
	if st := params["sign_type"]; st != "" {
		t = SignType(st)
		if !t.valid() {
			return fmt.Errorf("%w: %q", ErrUnsupportedSignType, st)
		}
	} else {
		switch len(got) {
		case 2 * md5.Size:
			t = SignTypeMD5
		case 2 * sha256.Size:
			t = SignTypeHMACSHA256
		default:
			return ErrSignatureInvalid
		}
	}
	want, err := Sign(params, t, apiKey)
	if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare([]byte(want), []byte(strings.ToUpper(got))) != 1 {
		return ErrSignatureInvalid
	}
	return nil
}
