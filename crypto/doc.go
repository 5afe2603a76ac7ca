// Package crypto implements the signatures and the AES message envelope of
// WeChat Official Account callbacks (公众号 消息加解密, the scheme of the official
// WXBizMsgCrypt sample code). It uses the standard library only and is the
// single implementation the rest of the SDK (the callback server, the
// platform simulator) builds on.
//
// # Signatures
//
// [Signature] is the SHA1 of its parts sorted ascending and concatenated.
// [CheckSignature] verifies the signature query parameter of the URL
// verification request (服务器配置 验证消息的确来自微信服务器) and of plaintext-mode
// pushes; [MsgSignature] / [CheckMsgSignature] compute and verify the
// msg_signature of safe mode (安全模式), which also covers the Encrypt field.
// Checks are constant time.
//
// # Envelope
//
// [Cipher] is the AES-256-CBC envelope: AESKey = base64(EncodingAESKey+"="),
// IV = AESKey[:16], plaintext = 16 random bytes | 4-byte big-endian length |
// msg | AppID, PKCS#7-padded to a multiple of 32 bytes, then base64.
// [Envelope] combines a Token and a Cipher to process whole callback bodies:
// [Envelope.Open] verifies msg_signature before decrypting an incoming push,
// [Envelope.Seal] encrypts and signs a passive reply (被动回复). [ExtractEncrypt]
// is the small scanner Open uses to find the Encrypt element without
// encoding/xml.
//
// The Append* forms (AppendEncrypt, AppendDecrypt, AppendOpen, AppendSeal)
// write into a caller-supplied buffer and do not allocate when it has room,
// for use on hot paths.
//
// # Errors and secrets
//
// Failures are reported with the sentinel errors of this package (errors.Is),
// such as [ErrInvalidSignature] or [ErrAppIDMismatch]; [ErrorCode] maps them
// to the numeric codes of the official sample (-40001 ...). No error message,
// String, GoString, fmt verb or slog value ever contains the EncodingAESKey,
// the AES key or the Token. Nothing in the package panics on bad input, logs,
// or keeps package-level mutable state.
package crypto
