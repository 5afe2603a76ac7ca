package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/wxkit/mp/sim/paysim"
)

// The files of a pay directory (--pay-dir).
const (
	privateKeyFile = "apiclient_key.pem" // the merchant's private key (商户API私钥), 0600
	publicKeyFile  = "pub_key.pem"       // the WeChat Pay public key (微信支付公钥)
	payStateFile   = "wxsim-pay.json"    // merchant facts and the simulator's own keys, 0600
)

// payState is what wxsim keeps in the pay directory so that a restarted
// simulator has the same merchant and keys and the bot's environment stays
// valid.
type payState struct {
	MchID          string `json:"mchid"`
	APIv3Key       string `json:"apiv3_key"`
	MerchantSerial string `json:"merchant_serial"`
	PublicKeyID    string `json:"public_key_id"`
	// The simulator's signing keys, PKCS #8 PEM.
	PlatformKey  string `json:"platform_key"`
	PublicKeyKey string `json:"public_key_key"`
}

// payKeys is the simulated merchant and the platform's keys.
type payKeys struct {
	Merchant       *paysim.TestMerchant
	PlatformKey    *rsa.PrivateKey
	PublicKeyKey   *rsa.PrivateKey
	PublicKeyID    string
	PrivateKeyPath string // apiclient_key.pem
	PublicKeyPath  string // pub_key.pem
	Reused         bool   // loaded from an earlier run
}

// loadOrCreatePayKeys reads the merchant and keys of dir, or generates them
// (RSA-2048, which takes a moment) and writes them there.
func loadOrCreatePayKeys(dir string) (*payKeys, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("pay directory: %w", err)
	}
	k := &payKeys{PrivateKeyPath: filepath.Join(dir, privateKeyFile), PublicKeyPath: filepath.Join(dir, publicKeyFile)}
	raw, err := os.ReadFile(filepath.Join(dir, payStateFile))
	switch {
	case err == nil:
		if err := k.load(raw); err != nil {
			return nil, fmt.Errorf("pay directory %s: %w (remove it or pass another --pay-dir)", dir, err)
		}
		k.Reused = true
		return k, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("pay directory: %w", err)
	}
	if err := k.generate(); err != nil {
		return nil, err
	}
	if err := k.save(dir); err != nil {
		return nil, fmt.Errorf("pay directory: %w", err)
	}
	return k, nil
}

func (k *payKeys) generate() error {
	m, err := paysim.NewTestMerchant()
	if err != nil {
		return fmt.Errorf("generating the merchant key: %w", err)
	}
	k.Merchant = m
	if k.PlatformKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		return fmt.Errorf("generating the platform key: %w", err)
	}
	if k.PublicKeyKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		return fmt.Errorf("generating the WeChat Pay public key: %w", err)
	}
	// An ID in the documented shape PUB_KEY_ID_ + 32 digits, tied to the mchid.
	k.PublicKeyID = "PUB_KEY_ID_01" + m.MchID + strings.Repeat("0", max(0, 30-len(m.MchID)))
	return nil
}

func (k *payKeys) load(raw []byte) error {
	var st payState
	if err := json.Unmarshal(raw, &st); err != nil {
		return fmt.Errorf("reading %s: %w", payStateFile, err)
	}
	if st.MchID == "" || len(st.APIv3Key) != 32 || st.MerchantSerial == "" || st.PublicKeyID == "" {
		return fmt.Errorf("%s lacks mchid, a 32-byte apiv3_key, merchant_serial or public_key_id", payStateFile)
	}
	keyPEM, err := os.ReadFile(k.PrivateKeyPath)
	if err != nil {
		return err
	}
	m, err := paysim.NewTestMerchantFromPEM(keyPEM)
	if err != nil {
		return fmt.Errorf("reading %s: %w", privateKeyFile, err)
	}
	m.MchID, m.APIv3Key, m.MerchantSerial = st.MchID, st.APIv3Key, st.MerchantSerial
	k.Merchant, k.PublicKeyID = m, st.PublicKeyID
	if k.PlatformKey, err = paysim.ParsePrivateKeyPEM([]byte(st.PlatformKey)); err != nil {
		return fmt.Errorf("reading the platform key: %w", err)
	}
	if k.PublicKeyKey, err = paysim.ParsePrivateKeyPEM([]byte(st.PublicKeyKey)); err != nil {
		return fmt.Errorf("reading the public key's private key: %w", err)
	}
	return nil
}

func pkcs8PEM(key *rsa.PrivateKey) (string, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), nil
}

func (k *payKeys) save(dir string) error {
	plat, err := pkcs8PEM(k.PlatformKey)
	if err != nil {
		return err
	}
	pub, err := pkcs8PEM(k.PublicKeyKey)
	if err != nil {
		return err
	}
	st := payState{MchID: k.Merchant.MchID, APIv3Key: k.Merchant.APIv3Key, MerchantSerial: k.Merchant.MerchantSerial,
		PublicKeyID: k.PublicKeyID, PlatformKey: plat, PublicKeyKey: pub}
	raw, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&k.PublicKeyKey.PublicKey)
	if err != nil {
		return err
	}
	if err := writeFile(k.PrivateKeyPath, k.Merchant.PrivateKeyPEM, 0o600); err != nil {
		return err
	}
	if err := writeFile(k.PublicKeyPath, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}), 0o644); err != nil {
		return err
	}
	// The state file goes last: its presence means the directory is complete.
	return writeFile(filepath.Join(dir, payStateFile), raw, 0o600)
}

// writeFile writes data with the given permissions, also when the file
// existed with wider ones.
func writeFile(path string, data []byte, perm os.FileMode) error {
	if err := os.WriteFile(path, data, perm); err != nil {
		return err
	}
	return os.Chmod(path, perm)
}
