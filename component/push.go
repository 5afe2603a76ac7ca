package component

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// InfoType values of the platform's pushes.
const (
	InfoVerifyTicket     = "component_verify_ticket" // 验证票据, every 10 minutes
	InfoAuthorized       = "authorized"              // 授权成功
	InfoUpdateAuthorized = "updateauthorized"        // 授权更新
	InfoUnauthorized     = "unauthorized"            // 取消授权
)

// Push is one push to the platform's authorization-event URL (授权事件接收URL):
// the component_verify_ticket or an authorization change (授权变更通知).
type Push struct {
	AppID      string `xml:"AppId"` // the component_appid
	CreateTime int64  `xml:"CreateTime"`
	InfoType   string `xml:"InfoType"`
	// ComponentVerifyTicket is set for InfoType component_verify_ticket.
	ComponentVerifyTicket string `xml:"ComponentVerifyTicket"`
	// Set for the authorization events.
	AuthorizerAppID              string `xml:"AuthorizerAppid"`
	AuthorizationCode            string `xml:"AuthorizationCode"`
	AuthorizationCodeExpiredTime int64  `xml:"AuthorizationCodeExpiredTime"`
	PreAuthCode                  string `xml:"PreAuthCode"`
}

// String describes the push without the ticket or authorization code.
func (p Push) String() string {
	return fmt.Sprintf("component.Push{AppID: %q, InfoType: %q, AuthorizerAppID: %q, CreateTime: %d}",
		p.AppID, p.InfoType, p.AuthorizerAppID, p.CreateTime)
}

// GoString is String.
func (p Push) GoString() string { return p.String() }

// Format prints String for every verb.
func (p Push) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, p.String()) }

// LogValue is String for log/slog.
func (p Push) LogValue() slog.Value { return slog.StringValue(p.String()) }

// ErrInvalidPush reports a push body that is not a well-formed push.
var ErrInvalidPush = errors.New("component: invalid push")

// ParsePush decodes the decrypted XML of a push. It checks that InfoType is
// present, and the fields each known InfoType requires.
func ParsePush(b []byte) (*Push, error) {
	var p Push
	if err := xml.NewDecoder(bytes.NewReader(b)).Decode(&p); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidPush, err)
	}
	switch p.InfoType {
	case "":
		return nil, fmt.Errorf("%w: no InfoType", ErrInvalidPush)
	case InfoVerifyTicket:
		if p.ComponentVerifyTicket == "" {
			return nil, fmt.Errorf("%w: no ComponentVerifyTicket", ErrInvalidPush)
		}
	case InfoAuthorized, InfoUpdateAuthorized, InfoUnauthorized:
		if p.AuthorizerAppID == "" {
			return nil, fmt.Errorf("%w: no AuthorizerAppid", ErrInvalidPush)
		}
	}
	return &p, nil
}

// TicketStore keeps the latest component_verify_ticket.
type TicketStore interface {
	// GetTicket returns the ticket; ok is false when none was received yet.
	GetTicket(ctx context.Context, componentAppID string) (ticket string, ok bool, err error)
	// PutTicket saves the ticket just pushed.
	PutTicket(ctx context.Context, componentAppID, ticket string) error
}

// MemoryTicketStore is a TicketStore in process memory.
type MemoryTicketStore struct {
	mu sync.Mutex
	m  map[string]string
}

// NewMemoryTicketStore returns an empty MemoryTicketStore.
func NewMemoryTicketStore() *MemoryTicketStore { return &MemoryTicketStore{m: map[string]string{}} }

// GetTicket implements TicketStore.
func (s *MemoryTicketStore) GetTicket(_ context.Context, appid string) (string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.m[appid]
	return t, ok, nil
}

// PutTicket implements TicketStore.
func (s *MemoryTicketStore) PutTicket(_ context.Context, appid, ticket string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[appid] = ticket
	return nil
}

// maxPushBody caps a push body.
const maxPushBody = 64 << 10

// PushHandler returns the handler of the authorization-event URL
// (授权事件接收URL). It verifies msg_signature, decrypts the body with the
// platform's key, stores a component_verify_ticket, deletes the refresh token
// of an account that cancelled its authorization, hands other pushes to the
// WithEventHandler function, and answers "success".
func (p *Platform) PushHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.env == nil {
			http.Error(w, "component: Token and EncodingAESKey are not configured", http.StatusInternalServerError)
			return
		}
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxPushBody+1))
		if err != nil || len(body) > maxPushBody {
			http.Error(w, "body too large or unreadable", http.StatusBadRequest)
			return
		}
		q := r.URL.Query()
		if _, err := strconv.ParseInt(q.Get("timestamp"), 10, 64); err != nil {
			http.Error(w, "bad timestamp", http.StatusBadRequest)
			return
		}
		plain, err := p.env.Open(q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce"), body)
		if err != nil {
			p.logger.LogAttrs(r.Context(), slog.LevelWarn, "component push refused", slog.String("error", err.Error()))
			http.Error(w, "invalid signature or ciphertext", http.StatusForbidden)
			return
		}
		push, err := ParsePush(plain)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if push.AppID != p.cfg.AppID {
			http.Error(w, "push for another platform", http.StatusForbidden)
			return
		}
		if err := p.HandlePush(r.Context(), push); err != nil {
			p.logger.LogAttrs(r.Context(), slog.LevelError, "component push failed",
				slog.Any("push", push), slog.String("error", err.Error()))
			http.Error(w, "push not handled", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "success")
	})
}

// HandlePush acts on a decoded push, as PushHandler does.
func (p *Platform) HandlePush(ctx context.Context, push *Push) error {
	switch push.InfoType {
	case InfoVerifyTicket:
		return p.tickets.PutTicket(ctx, p.cfg.AppID, push.ComponentVerifyTicket)
	case InfoUnauthorized:
		// The account revoked the platform: its refresh token is dead.
		if err := p.refresh.Delete(ctx, push.AuthorizerAppID); err != nil {
			return err
		}
		p.forget(push.AuthorizerAppID)
	}
	if p.onEvent != nil {
		return p.onEvent(ctx, push)
	}
	return nil
}

// ExpiresAt returns AuthorizationCodeExpiredTime as a time.
func (p *Push) ExpiresAt() time.Time { return time.Unix(p.AuthorizationCodeExpiredTime, 0) }
