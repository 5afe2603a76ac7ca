package paysim

import (
	"bytes"
	"crypto/aes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
)

// notifyV2 delivers an API v2 notification body (XML) to url in the
// background. A delivery is acknowledged when the merchant answers HTTP 200
// with return_code SUCCESS (<xml><return_code><![CDATA[SUCCESS]]></return_code></xml>);
// otherwise it is retried on the configured schedule.
func (p *Platform) notifyV2(eventType, url string, body []byte) {
	id := "V2-" + p.now().In(cst).Format("20060102150405") + randString(digits, 5)
	p.goAsync(func() {
		p.deliverWith(id, eventType, url, func() (int, string, bool) { return p.postV2(url, body) })
	})
}

func (p *Platform) postV2(url string, body []byte) (int, string, bool) {
	req, err := http.NewRequestWithContext(p.ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err.Error(), false
	}
	req.Header.Set("Content-Type", "text/xml")
	req.Header.Set("User-Agent", "Mozilla/4.0 (paysim)")
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, err.Error(), false
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return resp.StatusCode, err.Error(), false
	}
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, "", false
	}
	f, err := parseV2XML(reply)
	if err != nil {
		return resp.StatusCode, "acknowledgement is not API v2 XML", false
	}
	if f["return_code"] != V2Success {
		return resp.StatusCode, "return_code " + f["return_code"] + ": " + f["return_msg"], false
	}
	return resp.StatusCode, "", true
}

// v2ReqInfoKey is the AES-256 key of req_info: the lower-case hex MD5 of the
// API key (32 ASCII bytes).
func v2ReqInfoKey(apiKey string) []byte {
	sum := md5.Sum([]byte(apiKey))
	return []byte(hex.EncodeToString(sum[:]))
}

// EncryptV2ReqInfo encrypts plaintext as the req_info of an API v2 退款结果通知:
// AES-256-ECB with PKCS#7 padding under the lower-case hex MD5 of apiKey,
// base64-encoded. Exported for tests and demo programs.
func EncryptV2ReqInfo(apiKey string, plaintext []byte) (string, error) {
	block, err := aes.NewCipher(v2ReqInfoKey(apiKey))
	if err != nil {
		return "", err
	}
	bs := block.BlockSize()
	pad := bs - len(plaintext)%bs
	buf := append(bytes.Clone(plaintext), bytes.Repeat([]byte{byte(pad)}, pad)...)
	for i := 0; i < len(buf); i += bs {
		block.Encrypt(buf[i:i+bs], buf[i:i+bs])
	}
	return base64.StdEncoding.EncodeToString(buf), nil
}

// DecryptV2ReqInfo reverses [EncryptV2ReqInfo] (解密步骤 of 退款结果通知). Every
// failure returns the same error, which never contains the key.
func DecryptV2ReqInfo(apiKey, reqInfo string) ([]byte, error) {
	errBad := errors.New("paysim: req_info decryption failed")
	data, err := base64.StdEncoding.DecodeString(reqInfo)
	if err != nil || len(data) == 0 || len(data)%aes.BlockSize != 0 {
		return nil, errBad
	}
	block, err := aes.NewCipher(v2ReqInfoKey(apiKey))
	if err != nil {
		return nil, errBad
	}
	out := make([]byte, len(data))
	for i := 0; i < len(data); i += aes.BlockSize {
		block.Decrypt(out[i:i+aes.BlockSize], data[i:i+aes.BlockSize])
	}
	pad := int(out[len(out)-1])
	if pad == 0 || pad > aes.BlockSize {
		return nil, errBad
	}
	for _, b := range out[len(out)-pad:] {
		if int(b) != pad {
			return nil, errBad
		}
	}
	return out[:len(out)-pad], nil
}
