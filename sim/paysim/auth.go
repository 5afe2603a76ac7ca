package paysim

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxClockSkew is how far a request timestamp may be from the simulator's
// clock; a skew of five minutes or more is refused with 401 SIGN_ERROR.
const MaxClockSkew = 5 * time.Minute

// Authorization is a parsed API v3 Authorization header (签名认证信息):
//
//	WECHATPAY2-SHA256-RSA2048 mchid="..",nonce_str="..",signature="..",timestamp="..",serial_no=".."
type Authorization struct {
	MchID     string
	NonceStr  string
	Signature string
	Timestamp string
	SerialNo  string
}

// AuthError reports why an Authorization header could not be parsed.
type AuthError struct {
	Reason string
}

// Error implements error.
func (e *AuthError) Error() string { return "paysim: bad Authorization header: " + e.Reason }

// ParseAuthorization parses an Authorization header of the
// WECHATPAY2-SHA256-RSA2048 scheme. Parameters may come in any order, each
// value must be double-quoted, each of mchid, nonce_str, signature, timestamp
// and serial_no must appear exactly once and unknown parameters are refused.
// It never panics, whatever the input.
func ParseAuthorization(header string) (Authorization, error) {
	var a Authorization
	scheme, rest, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || scheme != AuthScheme {
		return a, &AuthError{Reason: "scheme must be " + AuthScheme}
	}
	seen := map[string]bool{}
	s := rest
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			break
		}
		eq := strings.IndexByte(s, '=')
		if eq <= 0 {
			return Authorization{}, &AuthError{Reason: "expected key=\"value\""}
		}
		key := strings.TrimSpace(s[:eq])
		s = strings.TrimLeft(s[eq+1:], " \t")
		if !strings.HasPrefix(s, `"`) {
			return Authorization{}, &AuthError{Reason: "value of " + quoteKey(key) + " must be quoted"}
		}
		end := strings.IndexByte(s[1:], '"')
		if end < 0 {
			return Authorization{}, &AuthError{Reason: "unterminated value of " + quoteKey(key)}
		}
		val := s[1 : 1+end]
		s = strings.TrimLeft(s[end+2:], " \t")
		if s != "" {
			if s[0] != ',' {
				return Authorization{}, &AuthError{Reason: "parameters must be separated by commas"}
			}
			s = s[1:]
			if strings.TrimSpace(s) == "" {
				return Authorization{}, &AuthError{Reason: "trailing comma"}
			}
		}
		if seen[key] {
			return Authorization{}, &AuthError{Reason: "duplicate parameter " + quoteKey(key)}
		}
		seen[key] = true
		switch key {
		case "mchid":
			a.MchID = val
		case "nonce_str":
			a.NonceStr = val
		case "signature":
			a.Signature = val
		case "timestamp":
			a.Timestamp = val
		case "serial_no":
			a.SerialNo = val
		default:
			return Authorization{}, &AuthError{Reason: "unknown parameter " + quoteKey(key)}
		}
	}
	for _, k := range [...]struct{ name, v string }{
		{"mchid", a.MchID}, {"nonce_str", a.NonceStr}, {"signature", a.Signature},
		{"timestamp", a.Timestamp}, {"serial_no", a.SerialNo},
	} {
		if k.v == "" {
			return Authorization{}, &AuthError{Reason: "missing " + k.name}
		}
	}
	return a, nil
}

// quoteKey keeps attacker-controlled keys short and printable in messages.
func quoteKey(k string) string {
	if len(k) > 32 {
		k = k[:32]
	}
	return strconv.Quote(k)
}

// authenticate checks the Authorization header of r, whose body is body, and
// returns the calling merchant.
func (p *Platform) authenticate(r *http.Request, body []byte) (*merchantState, *APIError) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, apiErr(http.StatusUnauthorized, CodeSignError, "Http头缺少Authorization或格式错误，请参考《微信支付商户REST API签名规则》")
	}
	a, err := ParseAuthorization(h)
	if err != nil {
		var ae *AuthError
		errors.As(err, &ae)
		return nil, apiErr(http.StatusUnauthorized, CodeSignError, "Http头Authorization值格式错误: "+ae.Reason)
	}
	p.mu.Lock()
	m := p.merchants[a.MchID]
	p.mu.Unlock()
	if m == nil {
		return nil, apiErr(http.StatusBadRequest, CodeMchNotExists, "商户号不存在")
	}
	if m.MerchantSerial != "" && !strings.EqualFold(a.SerialNo, m.MerchantSerial) {
		return nil, apiErr(http.StatusUnauthorized, CodeSignError, "商户证书序列号有误。请使用签名私钥匹配的证书序列号")
	}
	ts, perr := strconv.ParseInt(a.Timestamp, 10, 64)
	if perr != nil {
		return nil, apiErr(http.StatusUnauthorized, CodeSignError, "Http头Authorization中的timestamp格式错误")
	}
	skew := p.now().Sub(time.Unix(ts, 0))
	if skew < 0 {
		skew = -skew
	}
	if skew >= MaxClockSkew {
		return nil, apiErr(http.StatusUnauthorized, CodeSignError, "请求时间戳与当前时间相差超过5分钟，请检查系统时间")
	}
	msg := r.Method + "\n" + requestURI(r) + "\n" + a.Timestamp + "\n" + a.NonceStr + "\n" + string(body) + "\n"
	if err := verifySHA256(m.MerchantPublicKey, msg, a.Signature); err != nil {
		return nil, apiErr(http.StatusUnauthorized, CodeSignError, "签名错误，请检查后再试")
	}
	return m, nil
}

// requestURI is the path and query exactly as the client sent them, which is
// what the client signed.
func requestURI(r *http.Request) string {
	if strings.HasPrefix(r.RequestURI, "/") {
		return r.RequestURI
	}
	return r.URL.RequestURI()
}
