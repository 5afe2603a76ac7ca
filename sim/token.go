package sim

import (
	"time"
)

type accessToken struct {
	expires time.Time
	stable  bool
}

type ticket struct {
	value   string
	expires time.Time
}

// newTokenValue returns a fresh access_token, shaped like WeChat's
// (a numeric prefix, an underscore and opaque characters).
func (s *Sim) newTokenValue() string {
	v := itoa(s.nextSeq()%90+10) + "_" + randText(136)
	s.hub.claim(v, s)
	return v
}

// validTokenShape reports whether v looks like an access_token at all;
// anything else is answered 40014 rather than 40001.
func validTokenShape(v string) bool {
	if len(v) < 16 || len(v) > 512 {
		return false
	}
	for i := 0; i < len(v); i++ {
		b := v[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_' || b == '-') {
			return false
		}
	}
	return true
}

// checkToken validates the access_token of an API call: 41001 missing,
// 40014 malformed, 40001 unknown or invalidated, 42001 expired.
func (s *Sim) checkToken(v string, now time.Time) int {
	if v == "" {
		return 41001
	}
	if !validTokenShape(v) {
		return 40014
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[v]
	if !ok {
		return 40001
	}
	if !now.Before(t.expires) {
		return 42001
	}
	return 0
}

// InvalidateTokens invalidates every access_token issued so far, as if the
// AppSecret had been reset: the next API calls answer 40001 until the SDK
// fetches a new token.
func (s *Sim) InvalidateTokens() {
	s.mu.Lock()
	clear(s.tokens)
	s.lastToken, s.stable = "", ""
	s.stableForce = time.Time{}
	s.mu.Unlock()
}

// checkCredentials validates appid and secret: 41002/40013 and 41004/40125.
func (s *Sim) checkCredentials(appid, secret string) int {
	switch {
	case appid == "":
		return 41002
	case appid != s.acct.AppID:
		return 40013
	case secret == "":
		return 41004
	case secret != s.acct.AppSecret:
		return 40125
	}
	return 0
}

type tokenResp struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
}

// handleToken serves GET /cgi-bin/token (获取接口调用凭据). Every call issues a
// new token; the previous one stays valid for Options.TokenGrace (5 minutes,
// the documented overlap), then expires.
func (s *Sim) handleToken(c *call) {
	if c.query("grant_type") != "client_credential" {
		c.fail(40002)
		return
	}
	if code := s.checkCredentials(c.query("appid"), c.query("secret")); code != 0 {
		c.fail(code)
		return
	}
	s.mu.Lock()
	if old, ok := s.tokens[s.lastToken]; ok {
		grace := c.now.Add(s.opts.TokenGrace)
		if s.opts.TokenGrace < 0 {
			grace = c.now
		}
		if grace.Before(old.expires) {
			old.expires = grace
		}
	}
	v := s.newTokenValue()
	s.tokens[v] = &accessToken{expires: c.now.Add(s.opts.TokenTTL)}
	s.lastToken = v
	s.mu.Unlock()
	c.json(tokenResp{AccessToken: v, ExpiresIn: int64(s.opts.TokenTTL / time.Second)})
}

// handleStableToken serves POST /cgi-bin/stable_token (获取稳定版接口调用凭据).
// In normal mode the current token is returned while valid (a new one is
// issued in its last 5 minutes, the old one staying valid until it expires);
// force_refresh=true issues a new token and invalidates the previous one at
// once, except within 30 s of a previous forced refresh, when the current
// token is returned unchanged, as documented.
func (s *Sim) handleStableToken(c *call) {
	var req struct {
		GrantType    string `json:"grant_type"`
		AppID        string `json:"appid"`
		Secret       string `json:"secret"`
		ForceRefresh bool   `json:"force_refresh"`
	}
	if !c.decode(&req) {
		return
	}
	if req.GrantType != "client_credential" {
		c.fail(40002)
		return
	}
	if code := s.checkCredentials(req.AppID, req.Secret); code != 0 {
		c.fail(code)
		return
	}
	s.mu.Lock()
	cur, ok := s.tokens[s.stable]
	valid := ok && c.now.Before(cur.expires)
	switch {
	case req.ForceRefresh && valid && !s.stableForce.IsZero() && c.now.Sub(s.stableForce) < 30*time.Second:
		// too soon after the previous forced refresh: unchanged
	case req.ForceRefresh || !valid:
		if ok {
			delete(s.tokens, s.stable)
		}
		if req.ForceRefresh {
			s.stableForce = c.now
		}
		s.stable = s.newTokenValue()
		s.tokens[s.stable] = &accessToken{expires: c.now.Add(s.opts.TokenTTL), stable: true}
	case cur.expires.Sub(c.now) <= 5*time.Minute:
		s.stable = s.newTokenValue()
		s.tokens[s.stable] = &accessToken{expires: c.now.Add(s.opts.TokenTTL), stable: true}
	}
	v := s.stable
	exp := s.tokens[v].expires.Sub(c.now)
	s.mu.Unlock()
	c.json(tokenResp{AccessToken: v, ExpiresIn: int64((exp + time.Second - 1) / time.Second)})
}

// handleGetTicket serves GET /cgi-bin/ticket/getticket (JS-SDK jsapi_ticket
// and wx_card api_ticket): the same ticket while valid (7200 s).
func (s *Sim) handleGetTicket(c *call) {
	typ := c.query("type")
	if typ != "jsapi" && typ != "wx_card" {
		c.fail(40097)
		return
	}
	s.mu.Lock()
	t, ok := s.jsTickets[typ]
	if !ok || !c.now.Before(t.expires) {
		t = &ticket{value: randText(86), expires: c.now.Add(7200 * time.Second)}
		s.jsTickets[typ] = t
	}
	v, exp := t.value, t.expires.Sub(c.now)
	s.mu.Unlock()
	c.json(struct {
		ErrCode   int    `json:"errcode"`
		ErrMsg    string `json:"errmsg"`
		Ticket    string `json:"ticket"`
		ExpiresIn int64  `json:"expires_in"`
	}{0, "ok", v, int64((exp + time.Second - 1) / time.Second)})
}
