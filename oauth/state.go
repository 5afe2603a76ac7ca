package oauth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
	"time"
)

// Layout of the state parameter, hex-encoded so that it stays within what
// WeChat accepts (a-zA-Z0-9, at most 128 bytes):
//
//	id (16 random bytes) | expiry (8 bytes, big-endian unix seconds) | HMAC-SHA256 (32 bytes)
//
// The HMAC covers the id, the expiry, the browser's nonce (kept in a cookie)
// and the return path, so a state is only accepted from the browser it was
// issued to, for the page it was issued for, until it expires, and once.
const (
	stateIDLen    = 16
	stateMACLen   = sha256.Size
	stateRawLen   = stateIDLen + 8 + stateMACLen
	stateHexLen   = 2 * stateRawLen // 112
	nonceLen      = 16
	sessionIDLen  = 32
	maxReturnPath = 2048
)

// Errors of the middleware, handed to [MiddlewareConfig.ErrorHandler].
var (
	// ErrStateMalformed: the callback's state or state cookie is not one
	// this middleware issues (400).
	ErrStateMalformed = errors.New("oauth: malformed state")
	// ErrStateNotBound: no state cookie for this state in this browser
	// (403): the callback was started elsewhere (login CSRF).
	ErrStateNotBound = errors.New("oauth: state not bound to this browser")
	// ErrStateInvalid: the state's signature does not match (403): it was
	// tampered with or belongs to another browser.
	ErrStateInvalid = errors.New("oauth: state signature mismatch")
	// ErrStateExpired: the state is older than StateTTL (403).
	ErrStateExpired = errors.New("oauth: state expired")
	// ErrStateReplayed: the state was already used (403).
	ErrStateReplayed = errors.New("oauth: state already used")
	// ErrAccessDenied: WeChat redirected without a code: the user refused
	// authorization (403).
	ErrAccessDenied = errors.New("oauth: user denied authorization")
	// ErrUnauthenticated: a request other than GET or HEAD without a
	// session (401): it cannot be redirected to WeChat.
	ErrUnauthenticated = errors.New("oauth: not logged in")
)

// keys are the subkeys derived from the configured key.
type keys struct {
	state   []byte
	session []byte
}

func deriveKeys(key []byte) keys {
	derive := func(label string) []byte {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(label))
		return m.Sum(nil)
	}
	return keys{state: derive("wxkit/mp oauth state v1"), session: derive("wxkit/mp oauth session v1")}
}

// issuedState is what starting a login produces.
type issuedState struct {
	state       string // the state parameter
	cookieName  string
	cookieValue string
}

// stateMAC computes the state's HMAC.
func stateMAC(key []byte, id []byte, exp uint64, nonce []byte, returnPath string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("state\x00"))
	m.Write(id)
	var e [8]byte
	binary.BigEndian.PutUint64(e[:], exp)
	m.Write(e[:])
	m.Write(nonce)
	m.Write([]byte(returnPath))
	return m.Sum(nil)
}

// newState issues a state for returnPath (already checked) expiring at exp.
func newState(k keys, cookiePrefix string, exp time.Time, returnPath string) (issuedState, error) {
	var rnd [stateIDLen + nonceLen]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return issuedState{}, err
	}
	id, nonce := rnd[:stateIDLen], rnd[stateIDLen:]
	e := uint64(exp.Unix())
	raw := make([]byte, 0, stateRawLen)
	raw = append(raw, id...)
	raw = binary.BigEndian.AppendUint64(raw, e)
	raw = append(raw, stateMAC(k.state, id, e, nonce, returnPath)...)
	return issuedState{
		state:       hex.EncodeToString(raw),
		cookieName:  stateCookieName(cookiePrefix, id),
		cookieValue: encodeStateCookie(nonce, returnPath),
	}, nil
}

// stateCookieName names the cookie of one login attempt, so that several
// tabs can log in at once.
func stateCookieName(prefix string, id []byte) string {
	return prefix + hex.EncodeToString(id[:8])
}

// parsedState is a decoded state parameter.
type parsedState struct {
	id  []byte
	exp uint64
	mac []byte
}

// parseState decodes the state parameter of the callback. It checks the
// form only; verifyState checks the signature.
func parseState(s string) (parsedState, error) {
	if len(s) != stateHexLen {
		return parsedState{}, ErrStateMalformed
	}
	raw, err := hex.DecodeString(s)
	if err != nil {
		return parsedState{}, ErrStateMalformed
	}
	return parsedState{
		id:  raw[:stateIDLen],
		exp: binary.BigEndian.Uint64(raw[stateIDLen : stateIDLen+8]),
		mac: raw[stateIDLen+8:],
	}, nil
}

// encodeStateCookie is base64url(nonce) "." base64url(returnPath).
func encodeStateCookie(nonce []byte, returnPath string) string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString(nonce) + "." + enc.EncodeToString([]byte(returnPath))
}

// parseStateCookie decodes a state cookie. The return path it yields is
// always a safe same-origin path.
func parseStateCookie(v string) (nonce []byte, returnPath string, err error) {
	if len(v) > 4*maxReturnPath {
		return nil, "", ErrStateMalformed
	}
	n, p, ok := strings.Cut(v, ".")
	if !ok {
		return nil, "", ErrStateMalformed
	}
	enc := base64.RawURLEncoding
	nonce, err = enc.DecodeString(n)
	if err != nil || len(nonce) != nonceLen {
		return nil, "", ErrStateMalformed
	}
	rp, err := enc.DecodeString(p)
	if err != nil {
		return nil, "", ErrStateMalformed
	}
	returnPath, ok = safeReturnPath(string(rp))
	if !ok {
		return nil, "", ErrStateMalformed
	}
	return nonce, returnPath, nil
}

// verifyState checks the state's signature against the browser's cookie.
func verifyState(k keys, st parsedState, nonce []byte, returnPath string) bool {
	return hmac.Equal(st.mac, stateMAC(k.state, st.id, st.exp, nonce, returnPath))
}

// sessionMAC signs a session id.
func sessionMAC(key, sid []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("session\x00"))
	m.Write(sid)
	return m.Sum(nil)
}

// newSessionID returns a fresh session id and its cookie value
// base64url(id) "." base64url(HMAC).
func newSessionID(k keys) (id, cookie string, err error) {
	var sid [sessionIDLen]byte
	if _, err := rand.Read(sid[:]); err != nil {
		return "", "", err
	}
	enc := base64.RawURLEncoding
	id = enc.EncodeToString(sid[:])
	return id, id + "." + enc.EncodeToString(sessionMAC(k.session, sid[:])), nil
}

// parseSessionCookie verifies a session cookie and returns the session id.
func parseSessionCookie(k keys, v string) (string, bool) {
	const encLen = (sessionIDLen*8 + 5) / 6 // 43
	if len(v) != 2*encLen+1 || v[encLen] != '.' {
		return "", false
	}
	enc := base64.RawURLEncoding
	var sid [sessionIDLen]byte
	var mac [sha256.Size]byte
	if n, err := enc.Decode(sid[:], []byte(v[:encLen])); err != nil || n != sessionIDLen {
		return "", false
	}
	if n, err := enc.Decode(mac[:], []byte(v[encLen+1:])); err != nil || n != sha256.Size {
		return "", false
	}
	if !hmac.Equal(mac[:], sessionMAC(k.session, sid[:])) {
		return "", false
	}
	return v[:encLen], true
}

// safeReturnPath accepts only a same-origin relative reference: an absolute
// path ("/a/b?c") that no browser can read as another host ("//evil",
// "/\evil", "https:..."), without control characters, at most 2048 bytes.
func safeReturnPath(p string) (string, bool) {
	if p == "" || len(p) > maxReturnPath || p[0] != '/' {
		return "", false
	}
	if len(p) > 1 && (p[1] == '/' || p[1] == '\\') {
		return "", false
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; c <= ' ' || c >= 0x7f || c == '\\' {
			return "", false
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "", false
	}
	return p, true
}
