package paysim

import (
	"bytes"
	"io"
	"net/http"
	"time"
)

// Notification is the body WeChat Pay POSTs to a notify_url (回调通知).
type Notification struct {
	ID           string               `json:"id"`
	CreateTime   string               `json:"create_time"`
	ResourceType string               `json:"resource_type"`
	EventType    string               `json:"event_type"`
	Summary      string               `json:"summary"`
	Resource     NotificationResource `json:"resource"`
}

// NotificationResource is the encrypted resource of a [Notification],
// AEAD_AES_256_GCM under the merchant's APIv3 key.
type NotificationResource struct {
	OriginalType   string `json:"original_type"`
	Algorithm      string `json:"algorithm"`
	Ciphertext     string `json:"ciphertext"`
	AssociatedData string `json:"associated_data"`
	Nonce          string `json:"nonce"`
}

// Event types of notifications (通知类型).
const (
	EventTransactionSuccess = "TRANSACTION.SUCCESS"
	EventRefundSuccess      = "REFUND.SUCCESS"
	EventRefundAbnormal     = "REFUND.ABNORMAL"
	EventRefundClosed       = "REFUND.CLOSED"

	// EventV2Payment marks an API v2 支付结果通知 (signed XML) in
	// [NotificationAttempt.EventType].
	EventV2Payment = "V2.PAYMENT"
	// EventV2Refund marks an API v2 退款结果通知 (XML with encrypted req_info).
	EventV2Refund = "V2.REFUND"
)

// NotificationAttempt records one delivery attempt of a notification.
type NotificationAttempt struct {
	// ID is the notification id; retries of one notification share it.
	ID        string
	EventType string
	URL       string
	// Attempt counts from 1.
	Attempt int
	// Status is the merchant's HTTP status, 0 when no answer came.
	Status int
	// Err describes a transport failure.
	Err string
	// Acknowledged is true for HTTP 200 or 204 (API v3), or HTTP 200 with
	// return_code SUCCESS (API v2), which ends the retries.
	Acknowledged bool
	Time         time.Time
}

// Notifications returns every delivery attempt so far, oldest first.
func (p *Platform) Notifications() []NotificationAttempt {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]NotificationAttempt(nil), p.notifications...)
}

// notify encrypts payload and delivers it to notifyURL in the background,
// retrying on the configured schedule.
func (p *Platform) notify(apiV3Key, notifyURL, eventType, summary, originalType string, payload any, s signer) error {
	nonce := randString(alnum, 12)
	ct, err := encryptAEAD([]byte(apiV3Key), nonce, originalType, marshal(payload))
	if err != nil {
		return err
	}
	now := p.now()
	n := Notification{
		ID:           "EV-" + now.In(cst).Format("20060102150405") + randString(digits, 5),
		CreateTime:   now.In(cst).Format(time.RFC3339),
		ResourceType: "encrypt-resource",
		EventType:    eventType,
		Summary:      summary,
		Resource: NotificationResource{
			OriginalType:   originalType,
			Algorithm:      AlgorithmAEADAES256GCM,
			Ciphertext:     ct,
			AssociatedData: originalType,
			Nonce:          nonce,
		},
	}
	body := marshal(n)
	p.goAsync(func() { p.deliver(n.ID, eventType, notifyURL, body, s) })
	return nil
}

func (p *Platform) deliver(id, eventType, notifyURL string, body []byte, s signer) {
	p.deliverWith(id, eventType, notifyURL, func() (int, string, bool) {
		status, errText := p.post(notifyURL, body, s)
		return status, errText, status == http.StatusOK || status == http.StatusNoContent
	})
}

// deliverWith runs send until it reports an acknowledgement or the retry
// schedule is exhausted, recording every attempt.
func (p *Platform) deliverWith(id, eventType, notifyURL string, send func() (status int, errText string, ack bool)) {
	for attempt := 1; ; attempt++ {
		rec := NotificationAttempt{ID: id, EventType: eventType, URL: notifyURL, Attempt: attempt, Time: p.now()}
		rec.Status, rec.Err, rec.Acknowledged = send()
		p.mu.Lock()
		p.notifications = append(p.notifications, rec)
		p.mu.Unlock()
		p.log.Info("paysim notification", "id", id, "event_type", eventType, "attempt", attempt, "status", rec.Status, "acknowledged", rec.Acknowledged)
		if rec.Acknowledged || attempt > len(p.retryDelays) {
			return
		}
		t := time.NewTimer(p.retryDelays[attempt-1])
		select {
		case <-t.C:
		case <-p.ctx.Done():
			t.Stop()
			return
		}
	}
}

func (p *Platform) post(notifyURL string, body []byte, s signer) (int, string) {
	req, err := http.NewRequestWithContext(p.ctx, http.MethodPost, notifyURL, bytes.NewReader(body))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "*/*")
	req.Header.Set("User-Agent", "Mozilla/4.0 (paysim)")
	p.signHeaders(req.Header, s, body)
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	return resp.StatusCode, ""
}

func (p *Platform) notifySigner(pubKey bool) signer {
	switch {
	case p.mode == ModePublicKey, p.mode == ModeBoth && pubKey:
		return p.pubSigner()
	}
	return p.certSigner()
}
