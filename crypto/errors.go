package crypto

import "errors"

// Sentinel errors. Every error returned by this package is, or wraps, one of
// these values, so callers can branch with [errors.Is]. Messages are static:
// they never contain keys, tokens, plaintext or ciphertext.
var (
	// ErrInvalidAESKey reports an EncodingAESKey that is not 43 characters
	// long or does not decode (base64, after appending "=") to 32 bytes.
	ErrInvalidAESKey = errors.New("crypto: invalid EncodingAESKey: want 43 base64 characters decoding to 32 bytes")

	// ErrInvalidAppID reports an empty AppID given to [NewCipher].
	ErrInvalidAppID = errors.New("crypto: invalid AppID: must not be empty")

	// ErrInvalidToken reports an empty Token given to [NewEnvelope].
	ErrInvalidToken = errors.New("crypto: invalid Token: must not be empty")

	// ErrInvalidSignature reports a signature / msg_signature that does not
	// match the request (消息体签名校验失败).
	ErrInvalidSignature = errors.New("crypto: signature mismatch")

	// ErrInvalidBase64 reports a ciphertext that is not canonical standard
	// base64.
	ErrInvalidBase64 = errors.New("crypto: ciphertext is not valid base64")

	// ErrInvalidBlockSize reports a decoded ciphertext whose length is not a
	// multiple of the AES block size or is shorter than one 32-byte block.
	ErrInvalidBlockSize = errors.New("crypto: ciphertext length is not a valid multiple of the AES block size")

	// ErrInvalidPadding reports a PKCS#7 padding outside 1..32 or with
	// inconsistent pad bytes.
	ErrInvalidPadding = errors.New("crypto: invalid PKCS#7 padding")

	// ErrInvalidLength reports a 4-byte message length field that is larger
	// than the decrypted data (or a message too large to encrypt).
	ErrInvalidLength = errors.New("crypto: invalid message length")

	// ErrAppIDMismatch reports a decrypted message whose trailing AppID is not
	// the one the [Cipher] was created with.
	ErrAppIDMismatch = errors.New("crypto: AppID mismatch")

	// ErrMalformedEnvelope reports a callback body without a well-formed,
	// non-empty Encrypt element.
	ErrMalformedEnvelope = errors.New("crypto: malformed envelope: no well-formed Encrypt element")

	// ErrInvalidTimestamp reports a timestamp for [Envelope.Seal] that is not
	// a non-empty string of ASCII digits.
	ErrInvalidTimestamp = errors.New("crypto: invalid timestamp: want decimal digits")

	// ErrInvalidNonce reports a nonce for [Envelope.Seal] that is empty, not
	// printable ASCII, or contains "]]>".
	ErrInvalidNonce = errors.New("crypto: invalid nonce")
)

// ErrorCode maps an error of this package to the numeric error code used by
// the official WXBizMsgCrypt sample code (消息加解密 错误码), for callers that
// want to log or report the codes documented by WeChat:
//
//	    0  nil (OK)
//	-40001 ErrInvalidSignature (ValidateSignature_Error)
//	-40002 ErrMalformedEnvelope (ParseXml_Error)
//	-40004 ErrInvalidAESKey (IllegalAesKey)
//	-40005 ErrAppIDMismatch, ErrInvalidAppID (ValidateAppid_Error)
//	-40007 ErrInvalidBlockSize, ErrInvalidPadding (DecryptAES_Error)
//	-40008 ErrInvalidLength (IllegalBuffer)
//	-40010 ErrInvalidBase64 (DecodeBase64_Error)
//	-40011 ErrInvalidTimestamp, ErrInvalidNonce, ErrInvalidToken (GenReturnXml_Error)
//
// Any other non-nil error maps to -1.
func ErrorCode(err error) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, ErrInvalidSignature):
		return -40001
	case errors.Is(err, ErrMalformedEnvelope):
		return -40002
	case errors.Is(err, ErrInvalidAESKey):
		return -40004
	case errors.Is(err, ErrAppIDMismatch), errors.Is(err, ErrInvalidAppID):
		return -40005
	case errors.Is(err, ErrInvalidBlockSize), errors.Is(err, ErrInvalidPadding):
		return -40007
	case errors.Is(err, ErrInvalidLength):
		return -40008
	case errors.Is(err, ErrInvalidBase64):
		return -40010
	case errors.Is(err, ErrInvalidTimestamp), errors.Is(err, ErrInvalidNonce), errors.Is(err, ErrInvalidToken):
		return -40011
	default:
		return -1
	}
}
