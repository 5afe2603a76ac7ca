package paysim

import (
	"net/http"
	"time"
)

// EncryptCertificate is the encrypted certificate of GET /v3/certificates.
type EncryptCertificate struct {
	Algorithm      string `json:"algorithm"`
	Nonce          string `json:"nonce"`
	AssociatedData string `json:"associated_data"`
	Ciphertext     string `json:"ciphertext"`
}

// CertificateInfo is one element of the certificates list (平台证书).
type CertificateInfo struct {
	SerialNo           string             `json:"serial_no"`
	EffectiveTime      string             `json:"effective_time"`
	ExpireTime         string             `json:"expire_time"`
	EncryptCertificate EncryptCertificate `json:"encrypt_certificate"`
}

// CertificatesResponse is the body of GET /v3/certificates (下载平台证书).
type CertificatesResponse struct {
	Data []CertificateInfo `json:"data"`
}

// certificates serves GET /v3/certificates: the platform certificate PEM
// encrypted with AEAD_AES_256_GCM under the caller's APIv3 key, associated
// data "certificate".
func (p *Platform) certificates(c *call) (int, any, *APIError) {
	if p.mode == ModePublicKey {
		return 0, nil, apiErr(http.StatusNotFound, CodeNotFound, "无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥。")
	}
	nonce := randString(alnum, 12)
	ct, err := encryptAEAD([]byte(c.m.APIv3Key), nonce, "certificate", p.certPEM)
	if err != nil {
		return 0, nil, apiErr(http.StatusInternalServerError, CodeSystemError, "系统异常，请稍后重试")
	}
	return http.StatusOK, CertificatesResponse{Data: []CertificateInfo{{
		SerialNo:      p.certSerial,
		EffectiveTime: p.cert.NotBefore.In(cst).Format(time.RFC3339),
		ExpireTime:    p.cert.NotAfter.In(cst).Format(time.RFC3339),
		EncryptCertificate: EncryptCertificate{
			Algorithm:      AlgorithmAEADAES256GCM,
			Nonce:          nonce,
			AssociatedData: "certificate",
			Ciphertext:     ct,
		},
	}}}, nil
}
