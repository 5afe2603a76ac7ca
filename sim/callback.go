package sim

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/wxkit/mp/crypto"
)

// ErrURLVerification is wrapped by every *URLVerificationError.
var ErrURLVerification = errors.New("sim: callback URL verification failed")

// URLVerificationError reports that the developer's server failed WeChat's
// URL verification (服务器配置 验证消息的确来自微信服务器): the GET with
// signature, timestamp, nonce and echostr must be answered with HTTP 200
// and exactly echostr as the body. WeChat refuses to save such a URL, so
// the simulator pushes nothing to it.
type URLVerificationError struct {
	URL        string // the callback URL, without the verification query
	Reason     string // what was wrong, e.g. "answered HTTP 404"
	StatusCode int    // the HTTP status, 0 if no answer arrived
	Body       []byte // the start (at most 1 KiB) of the answer's body
	Err        error  // the transport error, if any
}

func (e *URLVerificationError) Error() string {
	return "sim: callback URL " + strconv.Quote(e.URL) + " failed URL verification (GET with echostr): " + e.Reason
}

// Unwrap returns ErrURLVerification and the transport error, if any.
func (e *URLVerificationError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrURLVerification, e.Err}
	}
	return []error{ErrURLVerification}
}

// VerifyCallbackURL performs WeChat's URL verification of the current
// callback URL, as saving 服务器配置 does: a GET with signature, timestamp,
// nonce and echostr, which the developer's server must answer with HTTP 200
// and the echostr. It returns ErrNoCallbackURL when none is set, or a
// *URLVerificationError. Pushes verify a URL first by themselves (once per
// URL set), so a bot whose GET handling is broken never receives a push;
// call this to check a URL as soon as it is set.
func (s *Sim) VerifyCallbackURL(ctx context.Context) error {
	s.mu.Lock()
	cb := s.callbackURL
	s.mu.Unlock()
	if cb == "" {
		return ErrNoCallbackURL
	}
	return s.verifyURL(ctx, cb, "")
}

// verifyURL verifies cb unless it is the URL verified last; a failure is
// reported in the feed for openid (the follower whose push waits), if any.
func (s *Sim) verifyURL(ctx context.Context, cb, openid string) error {
	s.mu.Lock()
	done := s.callbackVerified == cb
	s.mu.Unlock()
	if done {
		return nil
	}
	if err := s.urlVerification(ctx, cb); err != nil {
		s.log.Debug("sim: callback URL verification failed", "reason", err.Reason)
		s.emit(Event{Kind: EventReplyError, OpenID: openid, Err: err.Error()})
		return err
	}
	s.mu.Lock()
	if s.callbackURL == cb {
		s.callbackVerified = cb
	}
	s.mu.Unlock()
	return nil
}

func (s *Sim) urlVerification(ctx context.Context, cb string) *URLVerificationError {
	fail := func(reason string) *URLVerificationError { return &URLVerificationError{URL: cb, Reason: reason} }
	ts := itoa(s.now().Unix())
	nonce := randDigits(10)
	echo := randDigits(19)
	q := url.Values{}
	q.Set("signature", crypto.Signature(s.acct.Token, ts, nonce))
	q.Set("timestamp", ts)
	q.Set("nonce", nonce)
	q.Set("echostr", echo)
	target := cb + "?" + q.Encode()
	if strings.Contains(cb, "?") {
		target = cb + "&" + q.Encode()
	}
	actx, cancel := context.WithTimeout(ctx, s.opts.ReplyTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, target, nil)
	if err != nil {
		e := fail("bad URL: " + err.Error())
		e.Err = err
		return e
	}
	req.Header.Set("User-Agent", "Mozilla/4.0 (wxkit sim)")
	resp, err := s.client.Do(req)
	if err != nil {
		e := fail("no answer: " + err.Error())
		if actx.Err() != nil && ctx.Err() == nil {
			e.Reason = "no answer within " + s.opts.ReplyTimeout.String()
		}
		e.Err = err
		return e
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	e := fail("")
	e.StatusCode, e.Body = resp.StatusCode, body
	switch got := string(bytes.TrimSpace(body)); {
	case resp.StatusCode != http.StatusOK:
		e.Reason = "answered HTTP " + itoa(int64(resp.StatusCode)) + ", want 200 with the echostr"
	case got != echo:
		e.Reason = "answered " + strconv.Quote(truncate(got, 64)) + ", want the echostr " + strconv.Quote(echo)
	default:
		return nil
	}
	return e
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
