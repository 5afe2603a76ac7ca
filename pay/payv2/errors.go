package payv2

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors. Use errors.Is to test for them; the concrete errors
// returned by the package wrap them with more context (never secrets).
var (
	// ErrInvalidConfig is matched by every *ConfigError from NewClient.
	ErrInvalidConfig = errors.New("payv2: invalid config")
	// ErrInvalidParam is matched by every *ParamError (bad request input).
	ErrInvalidParam = errors.New("payv2: invalid parameter")
	// ErrSignatureMissing means a message that must be signed carried no sign field.
	ErrSignatureMissing = errors.New("payv2: signature missing")
	// ErrSignatureInvalid means the sign field did not match the content (签名错误).
	ErrSignatureInvalid = errors.New("payv2: signature invalid")
	// ErrUnsupportedSignType means sign_type named an algorithm other than MD5 or HMAC-SHA256.
	ErrUnsupportedSignType = errors.New("payv2: unsupported sign type")
	// ErrMalformedXML means a body was not a flat <xml>…</xml> document.
	ErrMalformedXML = errors.New("payv2: malformed XML")
	// ErrMalformedResponse means a verified message carried a field of the wrong shape
	// (for example a non-numeric total_fee).
	ErrMalformedResponse = errors.New("payv2: malformed response field")
	// ErrBodyTooLarge means a response or notification body exceeded the size cap.
	ErrBodyTooLarge = errors.New("payv2: body too large")
	// ErrMerchantMismatch means a signed message named a different mch_id than the client's.
	ErrMerchantMismatch = errors.New("payv2: mch_id mismatch")
	// ErrCertificateRequired means a /secapi endpoint was called on a client configured
	// without a merchant certificate (Config.TLSCert) or WithSecureHTTPClient.
	ErrCertificateRequired = errors.New("payv2: merchant certificate required for /secapi endpoint")
	// ErrDecrypt is matched by every req_info decryption failure.
	ErrDecrypt = errors.New("payv2: req_info decryption failed")
	// ErrBadPadding means the decrypted req_info did not end in valid PKCS#7 padding
	// (usually a wrong API key). It also matches ErrDecrypt.
	ErrBadPadding = errors.New("payv2: bad PKCS#7 padding")
	// ErrPaymentNotCompleted is matched by *MicropayError: a 付款码支付 did not end paid.
	ErrPaymentNotCompleted = errors.New("payv2: micropay not completed")
)

// Error is the single error type for WeChat Pay v2 failures reported in the
// response body: a communication failure (return_code=FAIL, return_msg) or a
// business failure (result_code=FAIL, err_code, err_code_des). Use errors.As.
type Error struct {
	ReturnCode string // SUCCESS/FAIL: communication status (通信标识)
	ReturnMsg  string // reason when ReturnCode is FAIL
	ResultCode string // SUCCESS/FAIL: business status (业务结果)
	ErrCode    string // business error code, e.g. ORDERPAID, USERPAYING, SYSTEMERROR
	ErrCodeDes string // human-readable description of ErrCode
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("payv2: ")
	if e.ReturnCode != "SUCCESS" {
		b.WriteString("return_code=")
		b.WriteString(e.ReturnCode)
		if e.ReturnMsg != "" {
			b.WriteString(" return_msg=")
			b.WriteString(strconv.Quote(e.ReturnMsg))
		}
		if e.ErrCode != "" {
			b.WriteString(" err_code=")
			b.WriteString(e.ErrCode)
		}
		return b.String()
	}
	b.WriteString("result_code=")
	b.WriteString(e.ResultCode)
	if e.ErrCode != "" {
		b.WriteString(" err_code=")
		b.WriteString(e.ErrCode)
	}
	if e.ErrCodeDes != "" {
		b.WriteString(" err_code_des=")
		b.WriteString(strconv.Quote(e.ErrCodeDes))
	}
	return b.String()
}

// Communication reports whether the failure is at the communication level
// (return_code is not SUCCESS) rather than a business failure.
func (e *Error) Communication() bool { return e.ReturnCode != "SUCCESS" }

// ErrCodeOf returns the err_code carried by a *Error inside err, or "".
func ErrCodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.ErrCode
	}
	return ""
}

// ConfigError reports an invalid Config field or Option. It matches ErrInvalidConfig.
type ConfigError struct {
	Field  string
	Reason string
}

func (e *ConfigError) Error() string {
	return "payv2: invalid config: " + e.Field + ": " + e.Reason
}

// Is makes errors.Is(err, ErrInvalidConfig) true.
func (e *ConfigError) Is(target error) bool { return target == ErrInvalidConfig }

// ParamError reports invalid request input caught before anything is sent.
// It matches ErrInvalidParam.
type ParamError struct {
	API    string // e.g. "unifiedorder"
	Field  string // wire name, e.g. "out_trade_no"
	Reason string
}

func (e *ParamError) Error() string {
	return "payv2: " + e.API + ": invalid " + e.Field + ": " + e.Reason
}

// Is makes errors.Is(err, ErrInvalidParam) true.
func (e *ParamError) Is(target error) bool { return target == ErrInvalidParam }

// HTTPError reports a non-200 HTTP status from the WeChat Pay server.
type HTTPError struct {
	StatusCode int
	Path       string
}

func (e *HTTPError) Error() string {
	return "payv2: " + e.Path + ": unexpected HTTP status " + strconv.Itoa(e.StatusCode)
}
