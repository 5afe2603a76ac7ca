package crypto

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"testing"
)

// officialVectors mirrors testdata/official_vectors.json; see its _comment
// for where every value comes from.
type officialVectors struct {
	AES []struct {
		Name           string `json:"name"`
		EncodingAESKey string `json:"encoding_aes_key"`
		AppID          string `json:"app_id"`
		Token          string `json:"token"`
		Timestamp      string `json:"timestamp"`
		Nonce          string `json:"nonce"`
		Random         string `json:"random"`
		Plaintext      string `json:"plaintext"`
		Ciphertext     string `json:"ciphertext"`
	} `json:"aes_vectors"`
	Envelopes []struct {
		Name           string `json:"name"`
		Token          string `json:"token"`
		EncodingAESKey string `json:"encoding_aes_key"`
		AppID          string `json:"app_id"`
		MsgSignature   string `json:"msg_signature"`
		Timestamp      string `json:"timestamp"`
		Nonce          string `json:"nonce"`
		Body           string `json:"body"`
		Random         string `json:"random"`
		Plaintext      string `json:"plaintext"`
	} `json:"envelope_vectors"`
	MsgSignatures []struct {
		Name           string `json:"name"`
		Token          string `json:"token"`
		EncodingAESKey string `json:"encoding_aes_key"`
		AppID          string `json:"app_id"`
		MsgSignature   string `json:"msg_signature"`
		Timestamp      string `json:"timestamp"`
		Nonce          string `json:"nonce"`
		Encrypt        string `json:"encrypt"`
		Random         string `json:"random"`
		Plaintext      string `json:"plaintext"`
	} `json:"msg_signature_vectors"`
	Signatures []struct {
		Name      string `json:"name"`
		Token     string `json:"token"`
		Timestamp string `json:"timestamp"`
		Nonce     string `json:"nonce"`
		Signature string `json:"signature"`
	} `json:"signature_vectors"`
}

func loadVectors(t testing.TB) *officialVectors {
	t.Helper()
	b, err := os.ReadFile("testdata/official_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v officialVectors
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.AES) == 0 || len(v.Envelopes) == 0 || len(v.MsgSignatures) == 0 || len(v.Signatures) == 0 {
		t.Fatal("incomplete vectors file")
	}
	return &v
}

// fixedRandom is a stateless io.Reader that returns its bytes cyclically; it
// is safe for concurrent use.
type fixedRandom []byte

func (f fixedRandom) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = f[i%len(f)]
	}
	return len(p), nil
}

// rawDecrypt returns the full decrypted, still padded plaintext of a base64
// ciphertext, for recovering the random prefix in tests.
func rawDecrypt(t testing.TB, c *Cipher, ciphertext string) []byte {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(ciphertext)
	if err != nil || len(raw)%16 != 0 || len(raw) == 0 {
		t.Fatalf("rawDecrypt: bad ciphertext (%v)", err)
	}
	c.cbcDecrypt(raw)
	return raw
}

// encryptRaw AES-CBC encrypts an arbitrary (block-aligned) plaintext with
// the Cipher's key, to build corrupted envelopes.
func encryptRaw(c *Cipher, raw []byte) string {
	b := append([]byte(nil), raw...)
	c.cbcEncrypt(b)
	return base64.StdEncoding.EncodeToString(b)
}

func TestOfficialAESVectors(t *testing.T) {
	t.Parallel()
	v := loadVectors(t)
	for _, tc := range v.AES {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			c, err := NewCipher(tc.EncodingAESKey, tc.AppID, WithRandom(fixedRandom(tc.Random)))
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.Decrypt(tc.Ciphertext)
			if err != nil {
				t.Fatalf("Decrypt: %v", err)
			}
			if string(got) != tc.Plaintext {
				t.Fatalf("Decrypt = %q, want %q", got, tc.Plaintext)
			}
			if r := rawDecrypt(t, c, tc.Ciphertext)[:16]; string(r) != tc.Random {
				t.Fatalf("random prefix = %q, want %q", r, tc.Random)
			}
			ct, err := c.Encrypt([]byte(tc.Plaintext))
			if err != nil {
				t.Fatal(err)
			}
			if ct != tc.Ciphertext {
				t.Fatalf("Encrypt =\n%s\nwant\n%s", ct, tc.Ciphertext)
			}
		})
	}
}

func TestOfficialEnvelopeVectors(t *testing.T) {
	t.Parallel()
	v := loadVectors(t)
	for _, tc := range v.Envelopes {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			e, err := NewEnvelope(tc.Token, tc.EncodingAESKey, tc.AppID)
			if err != nil {
				t.Fatal(err)
			}
			enc, err := ExtractEncrypt([]byte(tc.Body))
			if err != nil {
				t.Fatal(err)
			}
			if got := MsgSignature(tc.Token, tc.Timestamp, tc.Nonce, string(enc)); got != tc.MsgSignature {
				t.Fatalf("MsgSignature = %s, want %s", got, tc.MsgSignature)
			}
			got, err := e.Open(tc.MsgSignature, tc.Timestamp, tc.Nonce, []byte(tc.Body))
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if string(got) != tc.Plaintext {
				t.Fatalf("Open = %q, want %q", got, tc.Plaintext)
			}
			// Re-encrypting with the recovered random bytes reproduces the
			// published ciphertext byte for byte.
			random := rawDecrypt(t, e.Cipher(), string(enc))[:16]
			if string(random) != tc.Random {
				t.Fatalf("recovered random = %q, want %q", random, tc.Random)
			}
			e2, err := NewEnvelope(tc.Token, tc.EncodingAESKey, tc.AppID, WithRandom(fixedRandom(random)))
			if err != nil {
				t.Fatal(err)
			}
			sealed, err := e2.Seal([]byte(tc.Plaintext), tc.Timestamp, tc.Nonce)
			if err != nil {
				t.Fatal(err)
			}
			want := sealPrefix + string(enc) + sealSig + tc.MsgSignature + sealTS + tc.Timestamp + sealNonce + tc.Nonce + sealSuffix
			if string(sealed) != want {
				t.Fatalf("Seal =\n%s\nwant\n%s", sealed, want)
			}
		})
	}
}

func TestOfficialMsgSignatureVectors(t *testing.T) {
	t.Parallel()
	v := loadVectors(t)
	for _, tc := range v.MsgSignatures {
		if got := MsgSignature(tc.Token, tc.Timestamp, tc.Nonce, tc.Encrypt); got != tc.MsgSignature {
			t.Errorf("%s: MsgSignature = %s, want %s", tc.Name, got, tc.MsgSignature)
		}
		if !CheckMsgSignature(tc.Token, tc.Timestamp, tc.Nonce, tc.Encrypt, tc.MsgSignature) {
			t.Errorf("%s: CheckMsgSignature = false", tc.Name)
		}
		c, err := NewCipher(tc.EncodingAESKey, tc.AppID, WithRandom(fixedRandom(tc.Random)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Decrypt(tc.Encrypt)
		if err != nil || string(got) != tc.Plaintext {
			t.Errorf("%s: Decrypt = %q, %v; want %q", tc.Name, got, err, tc.Plaintext)
		}
		if ct, err := c.Encrypt(got); err != nil || ct != tc.Encrypt {
			t.Errorf("%s: re-Encrypt = %s, %v; want %s", tc.Name, ct, err, tc.Encrypt)
		}
	}
}

func TestOfficialSignatureVectors(t *testing.T) {
	t.Parallel()
	v := loadVectors(t)
	for _, tc := range v.Signatures {
		if got := Signature(tc.Token, tc.Timestamp, tc.Nonce); got != tc.Signature {
			t.Errorf("%s: Signature = %s, want %s", tc.Name, got, tc.Signature)
		}
		if !CheckSignature(tc.Token, tc.Timestamp, tc.Nonce, tc.Signature) {
			t.Errorf("%s: CheckSignature = false", tc.Name)
		}
		if CheckSignature(tc.Token+"x", tc.Timestamp, tc.Nonce, tc.Signature) {
			t.Errorf("%s: CheckSignature accepted a wrong token", tc.Name)
		}
	}
}
