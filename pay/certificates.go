package pay

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net/http"
	"strings"
	"time"
)

// Certificate is one platform certificate (平台证书) from GET /v3/certificates,
// already decrypted.
type Certificate struct {
	SerialNo      string    // serial_no
	EffectiveTime time.Time // effective_time
	ExpireTime    time.Time // expire_time
	PEM           string    // decrypted certificate, PEM
	PublicKey     *rsa.PublicKey
}

type certificatesResponse struct {
	Data []struct {
		SerialNo           string             `json:"serial_no"`
		EffectiveTime      string             `json:"effective_time"`
		ExpireTime         string             `json:"expire_time"`
		EncryptCertificate *EncryptedResource `json:"encrypt_certificate"`
	} `json:"data"`
}

// parseCertificates decodes and decrypts a /v3/certificates body. It checks
// that each decrypted certificate has the announced serial.
func parseCertificates(body []byte, apiV3Key []byte) ([]Certificate, error) {
	var resp certificatesResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		return nil, fmt.Errorf("wechatpay: decoding certificates: %w", err)
	}
	out := make([]Certificate, 0, len(resp.Data))
	for _, d := range resp.Data {
		if d.EncryptCertificate == nil {
			return nil, fmt.Errorf("wechatpay: certificate %q: missing encrypt_certificate", truncate(d.SerialNo, 64))
		}
		pemBytes, err := decryptResource(apiV3Key, d.EncryptCertificate)
		if err != nil {
			return nil, fmt.Errorf("wechatpay: certificate %q: %w", truncate(d.SerialNo, 64), err)
		}
		cert, err := LoadCertificate(pemBytes)
		if err != nil {
			return nil, fmt.Errorf("wechatpay: certificate %q: %w", truncate(d.SerialNo, 64), err)
		}
		want, ok := new(big.Int).SetString(strings.TrimSpace(d.SerialNo), 16)
		if !ok || cert.SerialNumber == nil || want.Cmp(cert.SerialNumber) != 0 {
			return nil, fmt.Errorf("wechatpay: certificate %q: serial does not match the certificate", truncate(d.SerialNo, 64))
		}
		pub, ok := cert.PublicKey.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("wechatpay: certificate %q: key is not RSA", truncate(d.SerialNo, 64))
		}
		c := Certificate{SerialNo: strings.TrimSpace(d.SerialNo), PEM: string(pemBytes), PublicKey: pub,
			EffectiveTime: cert.NotBefore, ExpireTime: cert.NotAfter}
		if t, err := time.Parse(time.RFC3339, d.EffectiveTime); err == nil {
			c.EffectiveTime = t
		}
		if t, err := time.Parse(time.RFC3339, d.ExpireTime); err == nil {
			c.ExpireTime = t
		}
		out = append(out, c)
	}
	return out, nil
}

// DownloadCertificates calls 下载平台证书 (GET /v3/certificates), decrypts the
// certificates with the APIv3 key and verifies the response signature with
// the downloaded certificates themselves (bootstrap) or with keys already in
// the key store (e.g. the WeChat Pay public key). It does not change the key
// store; see RefreshCertificates. Merchants that only have a WeChat Pay
// public key get an *APIError with StatusCode 404.
func (c *Client) DownloadCertificates(ctx context.Context) ([]Certificate, error) {
	var certs []Certificate
	_, err := c.do(ctx, &apiRequest{
		method: http.MethodGet,
		path:   "/v3/certificates",
		verifier: func(h http.Header, body []byte) error {
			var err error
			if certs, err = parseCertificates(body, c.apiV3Key); err != nil {
				return err
			}
			if !c.verify {
				return nil
			}
			return verifySignature(h, body, c.clock(), func(serial string) (*rsa.PublicKey, bool) {
				for _, pc := range certs {
					if normSerial(pc.SerialNo) == normSerial(serial) {
						return pc.PublicKey, true
					}
				}
				return c.keys.Lookup(serial)
			})
		},
	}, nil)
	if err != nil {
		return nil, err
	}
	return certs, nil
}

// RefreshCertificates downloads the platform certificates and adds them to
// the key store, dropping expired ones. Concurrent calls share one download
// (single flight). A 404 answer (merchants created with only a WeChat Pay
// public key have no platform certificates) is not an error: the client
// keeps working in public-key mode.
func (c *Client) RefreshCertificates(ctx context.Context) error {
	if ctx == nil {
		return &ArgumentError{Name: "ctx", Reason: "nil context"}
	}
	ch := c.certGroup.DoChan("certificates", func() (any, error) {
		// Detached from the first caller's cancellation so that other
		// waiters are not failed by it; bounded by its own timeout.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		return nil, c.refreshCertificates(rctx)
	})
	select {
	case res := <-ch:
		return res.Err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *Client) refreshCertificates(ctx context.Context) error {
	certs, err := c.DownloadCertificates(ctx)
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound {
		c.mu.Lock()
		c.noPlatform = true
		c.mu.Unlock()
		c.log.LogAttrs(ctx, slog.LevelInfo, "wechatpay: no platform certificates (404), using public key mode",
			slog.Bool("public_key_configured", c.keys.PublicKeyID() != ""))
		return nil
	}
	if err != nil {
		return err
	}
	for _, pc := range certs {
		c.keys.addCert(platformCert{serial: pc.SerialNo, key: pc.PublicKey, notBefore: pc.EffectiveTime, notAfter: pc.ExpireTime})
	}
	c.keys.removeExpired(c.clock())
	c.mu.Lock()
	c.noPlatform = false
	c.mu.Unlock()
	c.log.LogAttrs(ctx, slog.LevelDebug, "wechatpay platform certificates refreshed", slog.Int("count", len(certs)))
	return nil
}

// PublicKeyMode reports whether the last certificate refresh found no
// platform certificates (404), so only the WeChat Pay public key is used.
func (c *Client) PublicKeyMode() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.noPlatform
}

// allowTriggeredRefresh rate-limits refreshes caused by unknown serials.
func (c *Client) allowTriggeredRefresh() bool {
	now := c.clock()
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.lastTrigger.IsZero() && now.Sub(c.lastTrigger) < c.certMinInterval && now.Sub(c.lastTrigger) >= 0 {
		return false
	}
	c.lastTrigger = now
	return true
}

// Start refreshes the platform certificates now and then keeps them fresh in
// the background every WithCertRefreshInterval (12 h by default), retrying
// after WithCertMinInterval when a refresh fails. It returns the error of the
// first refresh (and then does not start). The background goroutine ends when
// ctx is cancelled or Stop is called. Calling Start twice without Stop is an
// error.
func (c *Client) Start(ctx context.Context) error {
	if ctx == nil {
		return &ArgumentError{Name: "ctx", Reason: "nil context"}
	}
	c.mu.Lock()
	running := c.refreshDone != nil
	c.mu.Unlock()
	if running {
		return errors.New("wechatpay: certificate refresher already started")
	}
	if err := c.RefreshCertificates(ctx); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.refreshDone != nil {
		return errors.New("wechatpay: certificate refresher already started")
	}
	lctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	c.stopRefresh, c.refreshDone = cancel, done
	go c.refreshLoop(lctx, done)
	return nil
}

func (c *Client) refreshLoop(ctx context.Context, done chan struct{}) {
	defer close(done)
	wait := c.certInterval
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		wait = c.certInterval
		if err := c.RefreshCertificates(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			c.log.LogAttrs(ctx, slog.LevelWarn, "wechatpay background certificate refresh failed", slog.String("error", err.Error()))
			if c.certMinInterval > 0 && c.certMinInterval < wait {
				wait = c.certMinInterval
			}
		}
		timer.Reset(wait)
	}
}

// Stop ends the background refresher started by Start and waits for it to
// exit. It is safe to call Stop more than once or without Start.
func (c *Client) Stop() {
	c.mu.Lock()
	cancel, done := c.stopRefresh, c.refreshDone
	c.stopRefresh, c.refreshDone = nil, nil
	c.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
}
