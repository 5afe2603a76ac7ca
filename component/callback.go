package component

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/message"
)

type appIDKey struct{}

// AuthorizerAppID returns the AppID of the account a message handled by a
// [NewCallbackServer] handler belongs to ("" outside one).
func AuthorizerAppID(ctx context.Context) string {
	v, _ := ctx.Value(appIDKey{}).(string)
	return v
}

// WithAuthorizerAppID returns ctx carrying appid, as the callback server
// sets it (for tests of handlers).
func WithAuthorizerAppID(ctx context.Context, appid string) context.Context {
	return context.WithValue(ctx, appIDKey{}, appid)
}

// NewCallbackServer returns the one callback server of every authorized
// account (消息与事件接收URL, e.g. https://example.com/wechat/$APPID$): the
// last path element is the authorizer's AppID, and messages are encrypted with
// the platform's Token and EncodingAESKey (the AppID inside the envelope is
// the component_appid). It is a message.Server (signature, decryption,
// deduplication, the 5-second rule and replies are unchanged) in front of
// which the AppID is taken from the path and put in the handler's context:
// read it with [AuthorizerAppID] and answer with the account's client from
// [Platform.Client]. A path without a well-formed AppID is answered 404.
// Replies that miss the 5-second deadline go out as customer-service
// messages of the right account ([Platform.LateReplySender]) unless opts
// set another message.WithLateReply.
func NewCallbackServer(p *Platform, h message.Handler, opts ...message.Option) (http.Handler, error) {
	if p.cfg.Token == "" || p.cfg.EncodingAESKey == "" {
		return nil, errors.New("component: NewCallbackServer needs Config.Token and Config.EncodingAESKey")
	}
	srv, err := message.NewServer(message.Config{AppID: p.cfg.AppID, Token: p.cfg.Token, EncodingAESKey: p.cfg.EncodingAESKey},
		h, append([]message.Option{message.WithLateReply(p.LateReplySender())}, opts...)...)
	if err != nil {
		return nil, err
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		appid := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		if !validAppID(appid) {
			http.NotFound(w, r)
			return
		}
		srv.ServeHTTP(w, r.WithContext(WithAuthorizerAppID(r.Context(), appid)))
	}), nil
}

func validAppID(s string) bool {
	if len(s) < 2 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_' || b == '-') {
			return false
		}
	}
	return true
}

// LateReplySender returns a message.CustomerSender that sends through the
// client of the account in the context ([AuthorizerAppID]): 客服消息
// POST /cgi-bin/message/custom/send on its behalf.
func (p *Platform) LateReplySender() message.CustomerSender { return lateSender{p} }

type lateSender struct{ p *Platform }

func (l lateSender) SendRaw(ctx context.Context, body json.RawMessage) error {
	appid := AuthorizerAppID(ctx)
	if appid == "" {
		return errors.New("component: late reply without an authorizer AppID in the context")
	}
	c, err := l.p.Client(appid)
	if err != nil {
		return err
	}
	return c.Do(ctx, &mp.Request{Method: "POST", Path: "/cgi-bin/message/custom/send", Body: body}, nil)
}
