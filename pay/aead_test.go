package pay_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/wxkit/mp/pay"
)

// Known answer computed independently with Python's cryptography package:
//
//	AESGCM(b"a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb").encrypt(b"fdasflkja484", pt, b"transaction")
const (
	katNonce      = "fdasflkja484"
	katAD         = "transaction"
	katPlaintext  = `{"mchid":"1230000109","out_trade_no":"1217752501201407033233368018","trade_state":"SUCCESS"}`
	katCiphertext = "Y/YEfUnbjBvKjySBXpexHPMC5wc2rJu6nKuwHvISC/UZfxhQECJX9VWTeqp3GrMTwQKJ4RkTZFgWfytjFansp2nL5fnwKHPSaE1umSYpa9j5wMOHaEdvToU37LKFZ0xC9WTNEaH8O2ldMljT"
)

func TestDecryptAES256GCMKnownAnswer(t *testing.T) {
	t.Parallel()
	ct, _ := base64.StdEncoding.DecodeString(katCiphertext)
	pt, err := pay.DecryptAES256GCM([]byte(testAPIv3Key), katNonce, katAD, ct)
	if err != nil || string(pt) != katPlaintext {
		t.Fatalf("%q %v", pt, err)
	}
	c, _ := pay.NewClient(testConfig())
	pt, err = c.DecryptResource(&pay.EncryptedResource{Algorithm: "AEAD_AES_256_GCM", Ciphertext: katCiphertext, AssociatedData: katAD, Nonce: katNonce, OriginalType: "transaction"})
	if err != nil || string(pt) != katPlaintext {
		t.Fatalf("%q %v", pt, err)
	}
}

func TestDecryptAES256GCMRejects(t *testing.T) {
	t.Parallel()
	ct, _ := base64.StdEncoding.DecodeString(katCiphertext)
	tampered := append([]byte(nil), ct...)
	tampered[3] ^= 1
	cases := map[string]struct {
		key, nonce, ad string
		ct             []byte
	}{
		"short key":       {"k", katNonce, katAD, ct},
		"long key":        {testAPIv3Key + "x", katNonce, katAD, ct},
		"short nonce":     {testAPIv3Key, "abc", katAD, ct},
		"long nonce":      {testAPIv3Key, katNonce + "x", katAD, ct},
		"empty ct":        {testAPIv3Key, katNonce, katAD, nil},
		"short ct":        {testAPIv3Key, katNonce, katAD, ct[:15]},
		"tag only":        {testAPIv3Key, katNonce, katAD, ct[len(ct)-16:]},
		"tampered":        {testAPIv3Key, katNonce, katAD, tampered},
		"wrong ad":        {testAPIv3Key, katNonce, "refund", ct},
		"wrong key":       {strings.Repeat("0", 32), katNonce, katAD, ct},
		"different nonce": {testAPIv3Key, "fdasflkja485", katAD, ct},
	}
	for name, tc := range cases {
		if _, err := pay.DecryptAES256GCM([]byte(tc.key), tc.nonce, tc.ad, tc.ct); !errors.Is(err, pay.ErrDecrypt) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	c, _ := pay.NewClient(testConfig())
	for name, r := range map[string]*pay.EncryptedResource{
		"nil":        nil,
		"algorithm":  {Algorithm: "AEAD_AES_128_GCM", Ciphertext: katCiphertext, Nonce: katNonce, AssociatedData: katAD},
		"not base64": {Algorithm: "AEAD_AES_256_GCM", Ciphertext: "%%%", Nonce: katNonce, AssociatedData: katAD},
	} {
		if _, err := c.DecryptResource(r); !errors.Is(err, pay.ErrDecrypt) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

// FuzzDecryptResource checks that forged resources never panic and that only
// authentic ones decrypt.
func FuzzDecryptResource(f *testing.F) {
	f.Add("AEAD_AES_256_GCM", katCiphertext, katAD, katNonce)
	f.Add("AEAD_AES_256_GCM", "", "", "")
	f.Add("AEAD_AES_256_GCM", "AAAAAAAAAAAAAAAAAAAAAA==", "", "123456789012")
	f.Add("AEAD_AES_256_GCM", "AA==", "x", "123456789012")
	f.Add("", "////", "\x00", "\xff")
	c, err := pay.NewClient(testConfig())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, alg, ciphertext, ad, nonce string) {
		pt, err := c.DecryptResource(&pay.EncryptedResource{Algorithm: alg, Ciphertext: ciphertext, AssociatedData: ad, Nonce: nonce})
		if err != nil {
			if !errors.Is(err, pay.ErrDecrypt) {
				t.Fatalf("error not wrapping ErrDecrypt: %v", err)
			}
			return
		}
		if ciphertext != katCiphertext || string(pt) != katPlaintext {
			// GCM forgery would be a real bug.
			t.Fatalf("unexpected successful decryption of %q", ciphertext)
		}
		raw, _ := base64.StdEncoding.DecodeString(ciphertext)
		if _, err := pay.DecryptAES256GCM([]byte(testAPIv3Key), nonce, ad, raw); err != nil {
			t.Fatal(err)
		}
	})
}
