package pay

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"fmt"
)

// AlgorithmAEADAES256GCM is the only resource encryption algorithm of
// WeChat Pay APIv3 (notification resources and platform certificates).
const AlgorithmAEADAES256GCM = "AEAD_AES_256_GCM"

const (
	gcmKeySize   = 32
	gcmNonceSize = 12
	gcmTagSize   = 16
)

// DecryptAES256GCM decrypts AEAD_AES_256_GCM data (回调报文解密 / 证书解密):
// key is the 32-byte APIv3 key, nonce the 12-byte resource.nonce,
// associatedData resource.associated_data and ciphertext the base64-decoded
// resource.ciphertext (encrypted data followed by the 16-byte tag).
//
// Lengths are checked before decryption, so forged input returns an error
// wrapping ErrDecrypt instead of panicking.
func DecryptAES256GCM(key []byte, nonce, associatedData string, ciphertext []byte) ([]byte, error) {
	if len(key) != gcmKeySize {
		return nil, fmt.Errorf("%w: key must be %d bytes", ErrDecrypt, gcmKeySize)
	}
	if len(nonce) != gcmNonceSize {
		return nil, fmt.Errorf("%w: nonce must be %d bytes", ErrDecrypt, gcmNonceSize)
	}
	if len(ciphertext) < gcmTagSize {
		return nil, fmt.Errorf("%w: ciphertext shorter than the %d-byte tag", ErrDecrypt, gcmTagSize)
	}
	gcm, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	return openGCM(gcm, nonce, associatedData, ciphertext, nil)
}

// newGCM builds the AES-256-GCM AEAD of an APIv3 key. A Client builds it
// once: the key is fixed, and building it costs more than a small
// decryption.
func newGCM(key []byte) (cipher.AEAD, error) {
	if len(key) != gcmKeySize {
		return nil, fmt.Errorf("%w: key must be %d bytes", ErrDecrypt, gcmKeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDecrypt, err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDecrypt, err)
	}
	return gcm, nil
}

// openGCM checks the lengths, then decrypts and authenticates, appending
// the plaintext to dst (ciphertext[:0] decrypts in place).
func openGCM(gcm cipher.AEAD, nonce, associatedData string, ciphertext, dst []byte) ([]byte, error) {
	if len(nonce) != gcmNonceSize {
		return nil, fmt.Errorf("%w: nonce must be %d bytes", ErrDecrypt, gcmNonceSize)
	}
	if len(ciphertext) < gcmTagSize {
		return nil, fmt.Errorf("%w: ciphertext shorter than the %d-byte tag", ErrDecrypt, gcmTagSize)
	}
	pt, err := gcm.Open(dst, []byte(nonce), ciphertext, []byte(associatedData))
	if err != nil {
		return nil, fmt.Errorf("%w: authentication failed", ErrDecrypt)
	}
	return pt, nil
}

// EncryptedResource is the encrypted part of a notification (resource) or of
// a downloaded platform certificate (encrypt_certificate).
type EncryptedResource struct {
	Algorithm      string `json:"algorithm"`
	Ciphertext     string `json:"ciphertext"` // base64
	AssociatedData string `json:"associated_data"`
	OriginalType   string `json:"original_type,omitempty"` // e.g. "transaction", "refund"
	Nonce          string `json:"nonce"`
}

// decryptResource checks the algorithm, base64-decodes the ciphertext and
// decrypts it with key.
func decryptResource(key []byte, r *EncryptedResource) ([]byte, error) {
	gcm, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	return decryptResourceWith(gcm, r)
}

// decryptResourceWith is decryptResource with a ready AEAD.
func decryptResourceWith(gcm cipher.AEAD, r *EncryptedResource) ([]byte, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: no resource", ErrDecrypt)
	}
	if r.Algorithm != AlgorithmAEADAES256GCM {
		return nil, fmt.Errorf("%w: unsupported algorithm %q", ErrDecrypt, truncate(r.Algorithm, 32))
	}
	ct, err := base64.StdEncoding.DecodeString(r.Ciphertext)
	if err != nil {
		return nil, fmt.Errorf("%w: ciphertext is not base64", ErrDecrypt)
	}
	return openGCM(gcm, r.Nonce, r.AssociatedData, ct, ct[:0]) // ct is ours: decrypt in place
}
