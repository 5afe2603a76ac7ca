package pay

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Sentinel errors returned (wrapped) by response and notification
// verification (验签). Test for them with errors.Is.
var (
	// ErrSignatureInvalid reports a Wechatpay-Signature that does not verify
	// with the key selected by Wechatpay-Serial, or that is malformed.
	ErrSignatureInvalid = errors.New("wechatpay: signature invalid")
	// ErrTimestampSkew reports a Wechatpay-Timestamp that is 5 minutes or
	// more away from the local clock (replay protection).
	ErrTimestampSkew = errors.New("wechatpay: timestamp outside the allowed window")
	// ErrSignTestProbe reports a signature that starts with
	// "WECHATPAY/SIGNTEST/": WeChat Pay sends such probes to check that
	// merchants really verify signatures (签名探测流量); they must be rejected.
	ErrSignTestProbe = errors.New("wechatpay: signature test probe rejected")
	// ErrUnknownSerial reports a Wechatpay-Serial that matches neither a known
	// platform certificate (平台证书) nor the WeChat Pay public key ID (微信支付公钥ID).
	ErrUnknownSerial = errors.New("wechatpay: unknown platform serial")
	// ErrMissingSignatureHeaders reports a response or notification without
	// the Wechatpay-Timestamp, Wechatpay-Nonce, Wechatpay-Signature and
	// Wechatpay-Serial headers.
	ErrMissingSignatureHeaders = errors.New("wechatpay: missing signature headers")

	// ErrBillHashMismatch reports a downloaded bill (账单) whose SHA-1 digest
	// differs from hash_value. The writer passed to DownloadBill has already
	// received the (bad) data and must be discarded.
	ErrBillHashMismatch = errors.New("wechatpay: bill hash mismatch")
	// ErrDecrypt reports an AEAD_AES_256_GCM resource or certificate that
	// cannot be decrypted: bad lengths, bad base64 or failed authentication.
	ErrDecrypt = errors.New("wechatpay: decryption failed")
	// ErrNoEncryptionKey reports that no platform certificate or WeChat Pay
	// public key is available to encrypt a sensitive field (敏感信息加密).
	ErrNoEncryptionKey = errors.New("wechatpay: no platform certificate or public key to encrypt with")
	// ErrInvalidNotification reports a notification body (回调通知) that is not
	// a well-formed WeChat Pay v3 notification.
	ErrInvalidNotification = errors.New("wechatpay: invalid notification")
	// ErrEventType reports a typed accessor (Notification.Transaction or
	// Notification.Refund) used on a notification of another event type.
	ErrEventType = errors.New("wechatpay: unexpected notification event type")
)

// ConfigError reports an invalid Config or Option passed to NewClient, or an
// invalid key given to a loader. It never contains key material.
type ConfigError struct {
	Field  string // the offending field or option, e.g. "APIv3Key"
	Reason string
}

func (e *ConfigError) Error() string {
	return "wechatpay: invalid config " + e.Field + ": " + e.Reason
}

// ArgumentError reports an invalid argument to an API method (for example an
// empty out_trade_no). The request is not sent.
type ArgumentError struct {
	Name   string // the argument or JSON field name
	Reason string
}

func (e *ArgumentError) Error() string {
	return "wechatpay: invalid argument " + e.Name + ": " + e.Reason
}

// APIError is a non-2xx answer of WeChat Pay APIv3, decoded from the v3 error
// body {"code":"PARAM_ERROR","message":"...","detail":{...}} and the
// Request-ID response header. Use errors.As to get it.
type APIError struct {
	StatusCode int             // HTTP status, e.g. 400
	Code       string          // e.g. "PARAM_ERROR", "ORDER_NOT_EXIST", "SIGN_ERROR"
	Message    string          // human readable reason from WeChat Pay
	Detail     json.RawMessage // optional "detail" object, verbatim
	RequestID  string          // Request-ID header; quote it to WeChat Pay support
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "wechatpay: HTTP %d", e.StatusCode)
	if e.Code != "" {
		b.WriteString(" ")
		b.WriteString(e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RequestID != "" {
		b.WriteString(" (request id ")
		b.WriteString(e.RequestID)
		b.WriteString(")")
	}
	return b.String()
}

// decodeAPIError builds an *APIError from a non-2xx response. It never fails:
// a body that is not the v3 error JSON leaves Code empty and keeps a short,
// sanitised excerpt of the body in Message.
func decodeAPIError(status int, header http.Header, body []byte) *APIError {
	e := &APIError{StatusCode: status, RequestID: header.Get("Request-ID")}
	var v struct {
		Code    string          `json:"code"`
		Message string          `json:"message"`
		Detail  json.RawMessage `json:"detail"`
	}
	if err := json.Unmarshal(body, &v); err == nil {
		e.Code, e.Message = v.Code, v.Message
		if len(v.Detail) > 0 && string(v.Detail) != "null" {
			e.Detail = v.Detail
		}
		return e
	}
	msg := strings.TrimSpace(string(body))
	if len(msg) > 200 {
		msg = msg[:200]
	}
	e.Message = strings.ToValidUTF8(msg, "?")
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	return e
}
