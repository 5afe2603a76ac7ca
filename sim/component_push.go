package sim

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/wxkit/mp/crypto"
)

// componentExchange returns how a follower push reaches the third-party
// platform (第三方平台) hosting the account, or nil when the account is not
// authorized to it or the platform has no MessageURL: then the push goes to
// the account's own callback. WeChat sends the messages and events of an
// authorized account to the platform's 消息与事件接收URL ("$APPID$" replaced
// by the account's AppID), encrypted with the platform's Token,
// EncodingAESKey and component AppID, and expects the passive reply
// encrypted with the same key. The platform's URL is not verified with an
// echostr GET (it is configured on the platform, not per account).
func (s *Sim) componentExchange(openid string, plain []byte) func(context.Context) (*Reply, *ReplyError) {
	st := s.hostedBy()
	if st == nil {
		return nil
	}
	st.mu.Lock()
	target := strings.ReplaceAll(st.opts.MessageURL, "$APPID$", s.acct.AppID)
	token, env := st.opts.Token, st.env
	st.mu.Unlock()
	if target == "" {
		return nil
	}
	return func(ctx context.Context) (*Reply, *ReplyError) {
		return s.exchangeComponent(ctx, target, token, env, openid, plain)
	}
}

// exchangeComponent is exchange for the platform: always encrypted, with
// the platform's key, and the same retries.
func (s *Sim) exchangeComponent(ctx context.Context, target, token string, env *crypto.Envelope, openid string, plain []byte) (*Reply, *ReplyError) {
	enc, err := env.Cipher().Encrypt(plain)
	if err != nil {
		return nil, &ReplyError{Reason: "sim: encrypting the push failed", Err: err}
	}
	ts, nonce := itoa(s.now().Unix()), randDigits(10)
	q := url.Values{"signature": {crypto.Signature(token, ts, nonce)}, "timestamp": {ts}, "nonce": {nonce},
		"openid": {openid}, "encrypt_type": {"aes"}, "msg_signature": {crypto.MsgSignature(token, ts, nonce, enc)}}
	x := &xmlBuilder{}
	x.raw("<xml>")
	x.cdata("ToUserName", s.acct.OriginalID)
	x.cdata("Encrypt", enc)
	body := x.done()
	if strings.Contains(target, "?") {
		target += "&" + q.Encode()
	} else {
		target += "?" + q.Encode()
	}
	attempts := 1 + s.opts.Retries
	var last *ReplyError
	for i := 0; i < attempts; i++ {
		status, answer, err := s.post(ctx, target, body)
		if err == nil {
			return s.checkComponentAnswer(env, openid, status, answer)
		}
		if ctx.Err() != nil {
			return nil, &ReplyError{Reason: "push canceled", Err: ctx.Err()}
		}
		last = &ReplyError{Reason: "platform callback failed: " + err.Error(), Err: err}
		if errors.Is(err, context.DeadlineExceeded) {
			last = &ReplyError{Reason: "no reply within " + s.opts.ReplyTimeout.String(), Timeout: true, Err: context.DeadlineExceeded}
		}
	}
	if attempts > 1 {
		last.Reason += " (" + itoa(int64(attempts)) + " attempts)"
	}
	return nil, last
}

// checkComponentAnswer is checkAnswer with the reply decrypted by the
// platform's key.
func (s *Sim) checkComponentAnswer(env *crypto.Envelope, openid string, status int, body []byte) (*Reply, *ReplyError) {
	if status != http.StatusOK {
		e := badReply("platform callback answered HTTP "+itoa(int64(status)), body)
		e.StatusCode = status
		return nil, e
	}
	t := bytes.TrimSpace(body)
	if len(t) == 0 || string(t) == "success" {
		return nil, nil
	}
	plain, e := openSafeReplyWith(env, t)
	if e != nil {
		e.Reason = "platform reply: " + e.Reason
		e.StatusCode = status
		return nil, e
	}
	return s.checkReply(openid, status, plain)
}

// NewPreAuthCode issues a pre_auth_code as api_create_preauthcode does, so
// that an operator can authorize the platform (AuthorizeComponent) without
// the platform asking for one first.
func (s *Sim) NewPreAuthCode() string {
	code := "preauthcode@@@" + randText(48)
	st := s.comp()
	st.mu.Lock()
	st.preAuth[code] = s.now().Add(preAuthCodeTTL)
	st.mu.Unlock()
	return code
}
