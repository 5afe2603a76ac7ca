package crypto

import (
	"crypto/sha1"
	"crypto/subtle"
	"encoding/hex"
)

// sigStackLen is the size of the on-stack buffer the signature input is
// assembled in; larger inputs (long ciphertexts) fall back to one heap
// allocation.
const sigStackLen = 1024

// sigHexLen is the length of a hex-encoded SHA1 signature.
const sigHexLen = 2 * sha1.Size

// Signature returns the lowercase hex SHA1 of parts sorted in ascending byte
// order and concatenated without separators. This is the signature scheme of
// the WeChat callback (服务器配置 / 验证消息的确来自微信服务器 signature, and
// the msg_signature of 消息加解密): for example
// Signature(token, timestamp, nonce) or Signature(token, timestamp, nonce, encrypt).
//
// The caller's slice is not modified.
func Signature(parts ...string) string {
	sum := sortedSum(parts, nil, false)
	var h [sigHexLen]byte
	hex.Encode(h[:], sum[:])
	return string(h[:])
}

// CheckSignature reports whether signature is the signature of the URL
// verification request / plaintext-mode message push (接入指引 / 明文模式:
// signature = sha1(sort(token, timestamp, nonce))). The comparison is
// constant time; signature must be lowercase hex, as WeChat sends it.
func CheckSignature(token, timestamp, nonce, signature string) bool {
	sum := sortedSum([]string{token, timestamp, nonce}, nil, false)
	return hexEqual(&sum, signature)
}

// MsgSignature returns the safe-mode message signature (安全模式 msg_signature):
// sha1(sort(token, timestamp, nonce, encrypt)) in lowercase hex.
func MsgSignature(token, timestamp, nonce, encrypt string) string {
	return Signature(token, timestamp, nonce, encrypt)
}

// CheckMsgSignature reports whether msgSignature is the safe-mode signature
// (msg_signature) of token, timestamp, nonce and the base64 Encrypt field.
// The comparison is constant time.
func CheckMsgSignature(token, timestamp, nonce, encrypt, msgSignature string) bool {
	sum := sortedSum([]string{token, timestamp, nonce, encrypt}, nil, false)
	return hexEqual(&sum, msgSignature)
}

// checkMsgSignatureBytes is CheckMsgSignature with the ciphertext as bytes,
// so the envelope hot path never converts it to a string.
func checkMsgSignatureBytes(token, timestamp, nonce string, encrypt []byte, msgSignature string) bool {
	sum := sortedSum([]string{token, timestamp, nonce}, encrypt, true)
	return hexEqual(&sum, msgSignature)
}

// sortedSum hashes the byte-wise ascending sort of parts (plus extra when
// hasExtra) concatenated. It never modifies parts and, for inputs up to
// sigStackLen bytes and 8 parts, does not allocate.
func sortedSum(parts []string, extra []byte, hasExtra bool) [sha1.Size]byte {
	var arr [8]string
	var ss []string
	if len(parts) <= len(arr) {
		ss = arr[:len(parts)]
	} else {
		ss = make([]string, len(parts))
	}
	copy(ss, parts)
	// Insertion sort: the inputs are 3 or 4 strings.
	for i := 1; i < len(ss); i++ {
		for j := i; j > 0 && ss[j] < ss[j-1]; j-- {
			ss[j], ss[j-1] = ss[j-1], ss[j]
		}
	}

	total := len(extra)
	for _, s := range ss {
		total += len(s)
	}
	var stack [sigStackLen]byte
	var buf []byte
	if total <= len(stack) {
		buf = stack[:0]
	} else {
		buf = make([]byte, 0, total)
	}
	placed := !hasExtra
	for _, s := range ss {
		if !placed && string(extra) < s {
			buf = append(buf, extra...)
			placed = true
		}
		buf = append(buf, s...)
	}
	if !placed {
		buf = append(buf, extra...)
	}
	return sha1.Sum(buf)
}

// hexEqual compares the lowercase hex form of sum with sig in constant time
// (the length of sig is not secret).
func hexEqual(sum *[sha1.Size]byte, sig string) bool {
	if len(sig) != sigHexLen {
		return false
	}
	var h [sigHexLen]byte
	hex.Encode(h[:], sum[:])
	var v byte
	for i := range h {
		v |= h[i] ^ sig[i]
	}
	return subtle.ConstantTimeByteEq(v, 0) == 1
}
