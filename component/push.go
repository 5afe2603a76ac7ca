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

	"github.com/wxkit/mp/message"
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

// NewestTicketStore is implemented by TicketStores that keep the newest
// component_verify_ticket across processes. A platform running as several
// instances receives each ticket push on one of them, and a push delivered
// late (or an older push replayed inside the timestamp window) must not
// replace a newer ticket another instance stored: PutTicketIfNewer compares
// the push's CreateTime with the stored ticket's and writes both together,
// atomically. PushHandler uses it when the store has it; with a plain
// TicketStore it compares CreateTimes within its own process only.
// MemoryTicketStore and component/redisstore.Store implement it.
type NewestTicketStore interface {
	TicketStore
	// PutTicketIfNewer saves ticket, pushed at createTime (the push's
	// CreateTime, Unix seconds), unless the stored ticket was pushed
	// later; stored reports whether it was saved. A ticket saved by
	// PutTicket, or stored without its time, counts as older than any.
	PutTicketIfNewer(ctx context.Context, componentAppID, ticket string, createTime int64) (stored bool, err error)
}

// MemoryTicketStore is a TicketStore in process memory.
type MemoryTicketStore struct {
	mu sync.Mutex
	m  map[string]memTicket
}

type memTicket struct {
	ticket  string
	created int64 // CreateTime of its push; 0 when unknown (PutTicket)
}

var _ NewestTicketStore = (*MemoryTicketStore)(nil)

// NewMemoryTicketStore returns an empty MemoryTicketStore.
func NewMemoryTicketStore() *MemoryTicketStore { return &MemoryTicketStore{m: map[string]memTicket{}} }

// GetTicket implements TicketStore.
func (s *MemoryTicketStore) GetTicket(_ context.Context, appid string) (string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.m[appid]
	return t.ticket, ok, nil
}

// PutTicket implements TicketStore.
func (s *MemoryTicketStore) PutTicket(_ context.Context, appid, ticket string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[appid] = memTicket{ticket: ticket}
	return nil
}

// PutTicketIfNewer implements NewestTicketStore.
func (s *MemoryTicketStore) PutTicketIfNewer(_ context.Context, appid, ticket string, createTime int64) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.m[appid]; ok && createTime < t.created {
		return false, nil
	}
	s.m[appid] = memTicket{ticket: ticket, created: createTime}
	return true, nil
}

// maxPushBody caps a push body.
const maxPushBody = 64 << 10

// PushHandler returns the handler of the authorization-event URL
// (授权事件接收URL). It refuses timestamps outside the window
// ([WithPushTimestampWindow]), verifies msg_signature, decrypts the body
// with the platform's key, answers a push already recorded in the dedup
// store ([WithPushDedupStore]) "success" without handling it again, stores
// a component_verify_ticket unless a newer one is stored
// ([NewestTicketStore]), deletes the refresh token of an account that
// cancelled its authorization, hands other pushes to the WithEventHandler
// function, and answers "success". A push whose handling failed is
// answered 500 and forgotten by the dedup store, so WeChat's retry runs it
// again.
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
		ts, err := strconv.ParseInt(q.Get("timestamp"), 10, 64)
		if err != nil {
			http.Error(w, "bad timestamp", http.StatusBadRequest)
			return
		}
		if !p.freshTimestamp(ts) {
			p.logger.LogAttrs(r.Context(), slog.LevelWarn, "component push refused: timestamp outside the window", slog.Int64("timestamp", ts))
			http.Error(w, "stale timestamp", http.StatusForbidden)
			return
		}
		sig := q.Get("msg_signature")
		plain, err := p.env.Open(sig, q.Get("timestamp"), q.Get("nonce"), body)
		if err != nil {
			p.logger.LogAttrs(r.Context(), slog.LevelWarn, "component push refused", slog.String("error", err.Error()))
			http.Error(w, "invalid signature or ciphertext", http.StatusForbidden)
			return
		}
		ctx := r.Context()
		key, seen := p.recordPush(ctx, sig)
		if seen {
			// The same push again (a replay, to this instance or another,
			// or WeChat's retry of a push whose answer it missed): it was
			// handled, or is being handled, so it is not again.
			writePushSuccess(w)
			return
		}
		push, err := ParsePush(plain)
		if err != nil {
			p.forgetPush(ctx, key)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if push.AppID != p.cfg.AppID {
			p.forgetPush(ctx, key)
			http.Error(w, "push for another platform", http.StatusForbidden)
			return
		}
		if err := p.HandlePush(ctx, push); err != nil {
			p.forgetPush(ctx, key)
			p.logger.LogAttrs(ctx, slog.LevelError, "component push failed",
				slog.Any("push", push), slog.String("error", err.Error()))
			http.Error(w, "push not handled", http.StatusInternalServerError)
			return
		}
		writePushSuccess(w)
	})
}

func writePushSuccess(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "success")
}

// freshTimestamp applies message.Server's rule: the push's timestamp is
// within the window of the clock, either way.
func (p *Platform) freshTimestamp(ts int64) bool {
	if p.window <= 0 {
		return true
	}
	d := p.api.Now().Unix() - ts
	if d < 0 {
		d = -d
	}
	return d <= int64(p.window/time.Second)
}

// seenTTL is how long a handled push's signature is remembered: as long as
// its timestamp can pass the window check (as message.Server does).
func (p *Platform) seenTTL() time.Duration {
	w := p.window
	if w <= 0 {
		w = message.DefaultTimestampWindow
	}
	return 2*w + time.Minute
}

// pushKey is the dedup key of the push signed sig. The signature covers
// the ciphertext, timestamp and nonce, so it names the push; the prefix
// scopes it to this platform when the store is shared.
func (p *Platform) pushKey(sig string) string {
	return "wxkit:component:" + p.cfg.AppID + ":push:" + sig
}

// recordPush records the push signed sig in the dedup store (set-if-absent,
// for seenTTL) and reports whether it was already there. It runs before
// the push is parsed, so that a replay costs no more than its signature
// check. key is "" when nothing was recorded: the store failed, which is
// logged, and the push is handled anyway (message.Server's rule).
func (p *Platform) recordPush(ctx context.Context, sig string) (key string, seen bool) {
	key = p.pushKey(sig)
	seen, err := p.dedup.SeenBefore(ctx, key, p.seenTTL())
	if err != nil {
		p.logger.LogAttrs(ctx, slog.LevelWarn, "component push: dedup store failed; handling the push anyway",
			slog.String("error", err.Error()))
		return "", false
	}
	if seen {
		if p.logger.Enabled(ctx, slog.LevelDebug) {
			p.logger.LogAttrs(ctx, slog.LevelDebug, "component push: duplicate answered with success")
		}
		return "", true
	}
	return key, false
}

// forgetPush drops the record of a push that was not handled (its handling
// failed, or it was refused), so that WeChat's retry runs it again
// (message.Server's WithRetryOnError). A store that cannot forget (no
// message.DedupForgetter) drops the retries.
func (p *Platform) forgetPush(ctx context.Context, key string) {
	f, ok := p.dedup.(message.DedupForgetter)
	if key == "" || !ok {
		return
	}
	if err := f.Forget(context.WithoutCancel(ctx), key); err != nil {
		p.logger.LogAttrs(ctx, slog.LevelWarn, "component push: dedup store failed to forget a failed push; WeChat's retries will be dropped",
			slog.String("error", err.Error()))
	}
}

// HandlePush acts on a decoded push, as PushHandler does.
func (p *Platform) HandlePush(ctx context.Context, push *Push) error {
	switch push.InfoType {
	case InfoVerifyTicket:
		// A ticket older than the one stored (a delayed push, or a replay
		// of an older one) does not replace it.
		if st, ok := p.tickets.(NewestTicketStore); ok {
			_, err := st.PutTicketIfNewer(ctx, p.cfg.AppID, push.ComponentVerifyTicket, push.CreateTime)
			return err
		}
		// A store without the comparison: compare in this process only.
		p.pushMu.Lock()
		older := push.CreateTime < p.lastTicketAt
		if !older {
			p.lastTicketAt = push.CreateTime
		}
		p.pushMu.Unlock()
		if older {
			return nil
		}
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
