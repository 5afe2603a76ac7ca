package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/wxkit/mp/sim"
)

// Backoff of the callback URL check while the bot fails it.
const (
	verifyFirstRetry = time.Second
	verifyMaxRetry   = 30 * time.Second
)

// watchCallback performs WeChat's URL verification (服务器配置: the GET with
// echostr) of the --forward-to URL at start and tells the developer whether
// their bot passes it. The bot may start after wxsim: while it fails, the
// check is retried with backoff, saying so once per distinct problem, until
// it passes (said once too) or ctx ends. It never stops the server.
func watchCallback(ctx context.Context, s *sim.Sim, stderr io.Writer, first, max time.Duration) {
	url := s.CallbackURL()
	if url == "" {
		return
	}
	wait, last := first, ""
	for {
		err := s.VerifyCallbackURL(ctx)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			if last != "" {
				fmt.Fprintf(stderr, "wxsim: OK: your bot at %s now passes URL verification; followers' messages are pushed to it\n", url)
			} else {
				fmt.Fprintf(stderr, "wxsim: your bot at %s passes URL verification (GET with echostr)\n", url)
			}
			return
		}
		if s.CallbackURL() != url { // changed through the control API meanwhile
			return
		}
		if key := problemKey(err); key != last {
			fmt.Fprintln(stderr, verifyAdvice(url, err))
			last = key
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, max)
	}
}

// problemKey tells whether two failed verifications are the same problem:
// their reasons without the echostr, which changes at every attempt (it is
// in the answer wanted and in the URL of a connection error).
func problemKey(err error) string {
	var ve *sim.URLVerificationError
	switch {
	case !errors.As(err, &ve):
		return err.Error()
	case ve.StatusCode == 0:
		return "unreachable"
	}
	reason, _, _ := strings.Cut(ve.Reason, ", want the echostr")
	return strconv.Itoa(ve.StatusCode) + " " + reason
}

// verifyAdvice explains a failed URL verification to the developer.
func verifyAdvice(url string, err error) string {
	var ve *sim.URLVerificationError
	if !errors.As(err, &ve) {
		return "wxsim: checking your bot at " + url + ": " + err.Error()
	}
	if ve.StatusCode == 0 {
		return "wxsim: your bot at " + url + " is not reachable yet (" + ve.Reason + "); " +
			"nothing will be pushed until it answers WeChat's URL verification. Retrying in the background ..."
	}
	return "wxsim: WARNING: your bot at " + url + " FAILS WeChat's URL verification: " + ve.Reason + ".\n" +
		"       WeChat checks the URL with GET ?signature=&timestamp=&nonce=&echostr= and your bot must answer\n" +
		"       HTTP 200 with exactly the echostr (after checking the signature). Nothing is pushed until it does.\n" +
		"       Retrying in the background ..."
}

// UnmarshalJSON reads an action request whose scene may be given as a
// string ("123", "promo") or as a number (123), as QR scenes are numbers
// (scene_id) or strings (scene_str).
func (q *actionRequest) UnmarshalJSON(b []byte) error {
	type plain actionRequest
	v := struct {
		*plain
		Scene json.RawMessage `json:"scene"`
	}{plain: (*plain)(q)}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	raw := strings.TrimSpace(string(v.Scene))
	switch {
	case raw == "" || raw == "null":
		q.Scene = ""
	case raw[0] == '"':
		return json.Unmarshal(v.Scene, &q.Scene)
	default:
		n, err := strconv.ParseUint(raw, 10, 32)
		if err != nil || n == 0 {
			return fmt.Errorf("scene must be a string or a positive integer scene_id, got %s", raw)
		}
		q.Scene = strconv.FormatUint(n, 10)
	}
	return nil
}
