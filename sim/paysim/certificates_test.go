package paysim

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCertificatesEndpoint(t *testing.T) {
	t.Parallel()
	for _, mode := range []Mode{ModeCertificate, ModeBoth} {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, func(o *Options) { o.Mode = mode })
			r := f.do("GET", "/v3/certificates", nil)
			require.Equal(t, http.StatusOK, r.status, string(r.body))
			f.requireSigned(t, r)
			assert.Equal(t, f.p.CertificateSerial(), r.header.Get("Wechatpay-Serial"))
			assert.Equal(t, AuthScheme, r.header.Get("Wechatpay-Signature-Type"))

			var cr CertificatesResponse
			r.json(t, &cr)
			require.Len(t, cr.Data, 1)
			c := cr.Data[0]
			assert.Equal(t, f.p.CertificateSerial(), c.SerialNo)
			assert.Regexp(t, `^[0-9A-F]{40}$`, c.SerialNo)
			assert.Equal(t, "AEAD_AES_256_GCM", c.EncryptCertificate.Algorithm)
			assert.Equal(t, "certificate", c.EncryptCertificate.AssociatedData)
			assert.Len(t, c.EncryptCertificate.Nonce, 12)
			eff, err := time.Parse(time.RFC3339, c.EffectiveTime)
			require.NoError(t, err)
			exp, err := time.Parse(time.RFC3339, c.ExpireTime)
			require.NoError(t, err)
			assert.True(t, eff.Before(time.Now()) && exp.After(time.Now().AddDate(4, 0, 0)))

			plain, err := DecryptResource(f.apiV3Key, c.EncryptCertificate.Nonce, c.EncryptCertificate.AssociatedData, c.EncryptCertificate.Ciphertext)
			require.NoError(t, err)
			block, _ := pem.Decode(plain)
			require.NotNil(t, block)
			cert, err := x509.ParseCertificate(block.Bytes)
			require.NoError(t, err)
			assert.Equal(t, f.p.Certificate().Raw, cert.Raw)
			require.NoError(t, cert.CheckSignatureFrom(cert), "self-signed")
			// The certificate verifies the response that carried it.
			require.NoError(t, VerifySignature(cert.PublicKey.(*rsa.PublicKey), r.header.Get("Wechatpay-Timestamp"),
				r.header.Get("Wechatpay-Nonce"), r.body, r.header.Get("Wechatpay-Signature")))
			assert.Equal(t, f.p.CertificatePEM(), plain)

			_, err = DecryptResource("0123456789abcdefghijABCDEFGHIJ99", c.EncryptCertificate.Nonce, "certificate", c.EncryptCertificate.Ciphertext)
			assert.Error(t, err, "another APIv3 key cannot decrypt")
		})
	}
}

func TestCertificatesPublicKeyMode(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *Options) { o.Mode = ModePublicKey; o.PublicKeyID = "PUB_KEY_ID_0114232134912410000000000000" })
	r := f.do("GET", "/v3/certificates", nil)
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Equal(t, CodeNotFound, r.apiError(t).Code)
	assert.Equal(t, "PUB_KEY_ID_0114232134912410000000000000", r.header.Get("Wechatpay-Serial"))
	f.requireSigned(t, r)
	block, _ := pem.Decode(f.p.PublicKeyPEM())
	require.NotNil(t, block)
	assert.Equal(t, "PUBLIC KEY", block.Type)
	pk, err := x509.ParsePKIXPublicKey(block.Bytes)
	require.NoError(t, err)
	assert.True(t, pk.(*rsa.PublicKey).Equal(f.p.PublicKey()))
	assert.Equal(t, ModePublicKey, f.p.Mode())
}
