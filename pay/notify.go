package pay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
)

// Notification event types (通知类型, event_type).
const (
	EventTransactionSuccess = "TRANSACTION.SUCCESS" // 支付成功
	EventRefundSuccess      = "REFUND.SUCCESS"      // 退款成功
	EventRefundAbnormal     = "REFUND.ABNORMAL"     // 退款异常
	EventRefundClosed       = "REFUND.CLOSED"       // 退款关闭
)

// DefaultNotifyMaxBody caps notification bodies read by NotifyHandler.
const DefaultNotifyMaxBody = 1 << 20

// Notification is a verified and decrypted WeChat Pay notification (支付通知 /
// 退款通知). Its ID is unique per event: WeChat Pay resends the same
// notification until it is acknowledged, so handlers must be idempotent.
type Notification struct {
	ID           string             `json:"id"`
	CreateTime   string             `json:"create_time"`
	EventType    string             `json:"event_type"`
	ResourceType string             `json:"resource_type"` // "encrypt-resource"
	Summary      string             `json:"summary"`
	Resource     *EncryptedResource `json:"resource"`

	plaintext []byte
}

// Plaintext returns the decrypted resource JSON.
func (n *Notification) Plaintext() []byte { return n.plaintext }

// Decode unmarshals the decrypted resource into v.
func (n *Notification) Decode(v any) error {
	if err := json.Unmarshal(n.plaintext, v); err != nil {
		return fmt.Errorf("%w: resource: %v", ErrInvalidNotification, err)
	}
	return nil
}

// Transaction decodes the resource of a TRANSACTION.* notification
// (支付成功通知). Check Transaction.TradeState before shipping goods.
func (n *Notification) Transaction() (*Transaction, error) {
	if !strings.HasPrefix(n.EventType, "TRANSACTION.") {
		return nil, fmt.Errorf("%w: %q is not a transaction event", ErrEventType, truncate(n.EventType, 32))
	}
	var t Transaction
	if err := n.Decode(&t); err != nil {
		return nil, err
	}
	return &t, nil
}

// RefundNotifyAmount is the amount part of a RefundNotification.
type RefundNotifyAmount struct {
	Total       int64 `json:"total"`
	Refund      int64 `json:"refund"`
	PayerTotal  int64 `json:"payer_total"`
	PayerRefund int64 `json:"payer_refund"`
}

// RefundNotification is the resource of REFUND.SUCCESS, REFUND.ABNORMAL and
// REFUND.CLOSED notifications (退款结果通知).
type RefundNotification struct {
	MchID               string             `json:"mchid"`
	TransactionID       string             `json:"transaction_id"`
	OutTradeNo          string             `json:"out_trade_no"`
	RefundID            string             `json:"refund_id"`
	OutRefundNo         string             `json:"out_refund_no"`
	RefundStatus        string             `json:"refund_status"`
	SuccessTime         string             `json:"success_time,omitempty"`
	UserReceivedAccount string             `json:"user_received_account"`
	Amount              RefundNotifyAmount `json:"amount"`
}

// Refund decodes the resource of a REFUND.* notification.
func (n *Notification) Refund() (*RefundNotification, error) {
	if !strings.HasPrefix(n.EventType, "REFUND.") {
		return nil, fmt.Errorf("%w: %q is not a refund event", ErrEventType, truncate(n.EventType, 32))
	}
	var r RefundNotification
	if err := n.Decode(&r); err != nil {
		return nil, err
	}
	return &r, nil
}

// DecryptResource decrypts a notification resource with the APIv3 key.
func (c *Client) DecryptResource(r *EncryptedResource) ([]byte, error) {
	return decryptResourceWith(c.gcm, r)
}

// ParseNotification verifies and decrypts a notification whose body was
// already read (for frameworks other than net/http): the Wechatpay-*
// signature headers are checked like API responses (an unknown serial
// triggers the rate-limited certificate refresh), then the resource is
// decrypted with the APIv3 key. Signature errors wrap the verification
// sentinels; malformed bodies wrap ErrInvalidNotification; undecryptable
// resources wrap ErrDecrypt.
func (c *Client) ParseNotification(ctx context.Context, header http.Header, body []byte) (*Notification, error) {
	if ctx == nil {
		return nil, &ArgumentError{Name: "ctx", Reason: "nil context"}
	}
	if err := c.verifyResponse(ctx, header, body); err != nil {
		return nil, err
	}
	var n Notification
	if err := json.Unmarshal(body, &n); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidNotification, err)
	}
	if n.ID == "" || n.EventType == "" || n.Resource == nil {
		return nil, fmt.Errorf("%w: missing id, event_type or resource", ErrInvalidNotification)
	}
	pt, err := c.DecryptResource(n.Resource)
	if err != nil {
		return nil, err
	}
	n.plaintext = pt
	return &n, nil
}

// NotifyFunc processes one verified notification. Returning nil acknowledges
// it; returning an error makes WeChat Pay retry later.
type NotifyFunc func(ctx context.Context, n *Notification) error

// NotifyHandler is an http.Handler for the notify_url (支付结果通知 / 退款结果通知).
type NotifyHandler struct {
	client  *Client
	fn      NotifyFunc
	maxBody int64
	logger  *slog.Logger
}

// NotifyOption configures a NotifyHandler.
type NotifyOption func(*NotifyHandler)

// WithNotifyMaxBody caps the request body (default DefaultNotifyMaxBody).
func WithNotifyMaxBody(n int64) NotifyOption {
	return func(h *NotifyHandler) {
		if n > 0 {
			h.maxBody = n
		}
	}
}

// WithNotifyLogger reports rejected and failed notifications to l instead
// of the client's logger (WithLogger) or, without one, slog.Default().
// slog.New(slog.DiscardHandler) silences them.
func WithNotifyLogger(l *slog.Logger) NotifyOption {
	return func(h *NotifyHandler) {
		if l != nil {
			h.logger = l
		}
	}
}

// log returns the handler's logger: WithNotifyLogger's, the client's
// WithLogger, else the current slog.Default().
func (h *NotifyHandler) log() *slog.Logger {
	switch {
	case h.logger != nil:
		return h.logger
	case h.client.userLog != nil:
		return h.client.userLog
	default:
		return slog.Default()
	}
}

// NewNotifyHandler returns a handler that reads the body (capped), verifies
// and decrypts it with client (see ParseNotification), then calls fn.
//
// It answers 200 with an empty body when fn returns nil (接收成功: 200 or 204,
// no body) and otherwise a 4xx/5xx status with {"code":"FAIL","message":"..."}
// so that WeChat Pay retries: 401 for signature failures, 400 for malformed
// or undecryptable notifications, 413 for oversized bodies, 500 when fn fails.
// Rejections and failures are logged at WARN with the reason (see
// WithNotifyLogger), never with the notification's content.
//
// WeChat Pay resends a notification until it is acknowledged, and may send
// it more than once even then, so fn must be idempotent: record what was
// processed (e.g. transaction_id or the notification ID in a database with a
// unique key) and return nil for duplicates without doing the work again.
func NewNotifyHandler(client *Client, fn NotifyFunc, opts ...NotifyOption) *NotifyHandler {
	h := &NotifyHandler{client: client, fn: fn, maxBody: DefaultNotifyMaxBody}
	for _, o := range opts {
		if o != nil {
			o(h)
		}
	}
	return h
}

func (h *NotifyHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.client == nil || h.fn == nil {
		notifyFail(w, http.StatusInternalServerError, "handler not configured")
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		notifyFail(w, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.log().LogAttrs(r.Context(), slog.LevelWarn, "wechatpay notification rejected",
				slog.String("reason", "body too large"), slog.Int64("limit", h.maxBody))
			notifyFail(w, http.StatusRequestEntityTooLarge, "body too large")
			return
		}
		notifyFail(w, http.StatusBadRequest, "cannot read body")
		return
	}
	ctx := r.Context()
	n, err := h.client.ParseNotification(ctx, r.Header, body)
	if err != nil {
		h.log().LogAttrs(ctx, slog.LevelWarn, "wechatpay notification rejected", slog.String("reason", err.Error()))
		switch {
		case errors.Is(err, ErrSignatureInvalid), errors.Is(err, ErrTimestampSkew), errors.Is(err, ErrSignTestProbe),
			errors.Is(err, ErrUnknownSerial), errors.Is(err, ErrMissingSignatureHeaders):
			notifyFail(w, http.StatusUnauthorized, "signature verification failed")
		default:
			notifyFail(w, http.StatusBadRequest, "invalid notification")
		}
		return
	}
	if err := h.fn(ctx, n); err != nil {
		h.log().LogAttrs(ctx, slog.LevelWarn, "wechatpay notification handler failed",
			slog.String("id", n.ID), slog.String("event_type", n.EventType), slog.String("error", err.Error()))
		notifyFail(w, http.StatusInternalServerError, "processing failed")
		return
	}
	w.WriteHeader(http.StatusOK)
}

func notifyFail(w http.ResponseWriter, status int, msg string) {
	var b bytes.Buffer
	_ = json.NewEncoder(&b).Encode(struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}{"FAIL", msg})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}
