package oauth

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var testKeys = deriveKeys([]byte("0123456789abcdef0123456789abcdef"))

func TestStateRoundTrip(t *testing.T) {
	t.Parallel()
	exp := time.Unix(1700000000, 0)
	st, err := newState(testKeys, "p_", exp, "/orders?id=1")
	require.NoError(t, err)
	assert.Len(t, st.state, stateHexLen)
	assert.NoError(t, CheckState(st.state), "WeChat accepts the state")
	assert.True(t, strings.HasPrefix(st.cookieName, "p_"))

	ps, err := parseState(st.state)
	require.NoError(t, err)
	assert.Equal(t, uint64(exp.Unix()), ps.exp)
	assert.Equal(t, st.cookieName, stateCookieName("p_", ps.id))
	nonce, rp, err := parseStateCookie(st.cookieValue)
	require.NoError(t, err)
	assert.Equal(t, "/orders?id=1", rp)
	assert.True(t, verifyState(testKeys, ps, nonce, rp))

	other := deriveKeys([]byte("another key of at least 32 bytes!!"))
	assert.False(t, verifyState(other, ps, nonce, rp), "another key")
	assert.False(t, verifyState(testKeys, ps, nonce, "/other"), "another return path")
	nonce[0] ^= 1
	assert.False(t, verifyState(testKeys, ps, nonce, rp), "another browser")
}

func TestParseStateRejects(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "abc", strings.Repeat("g", stateHexLen), strings.Repeat("0", stateHexLen+2)} {
		_, err := parseState(s)
		assert.ErrorIs(t, err, ErrStateMalformed, s)
	}
	for _, v := range []string{"", "nodot", "a.b", "AAAAAAAAAAAAAAAAAAAAAA.Lw", // nonce 16 bytes, path "/"
		"AAAAAAAAAAAAAAAAAAAAAA.Ly9ldmlsLmNvbQ", // "//evil.com"
		"AAAAAAAAAAAAAAAAAAAAAA.!!", strings.Repeat("A", 9000)} {
		_, _, err := parseStateCookie(v)
		if v == "AAAAAAAAAAAAAAAAAAAAAA.Lw" {
			assert.NoError(t, err)
			continue
		}
		assert.ErrorIs(t, err, ErrStateMalformed, v)
	}
}

func TestSessionCookie(t *testing.T) {
	t.Parallel()
	id, cookie, err := newSessionID(testKeys)
	require.NoError(t, err)
	got, ok := parseSessionCookie(testKeys, cookie)
	require.True(t, ok)
	assert.Equal(t, id, got)
	for _, bad := range []string{"", cookie[:len(cookie)-1], cookie + "A", strings.Replace(cookie, ".", "-", 1),
		id + "." + id, cookie[:10] + "!" + cookie[11:]} {
		_, ok := parseSessionCookie(testKeys, bad)
		assert.False(t, ok, bad)
	}
	_, ok = parseSessionCookie(deriveKeys([]byte("another key of at least 32 bytes!!")), cookie)
	assert.False(t, ok)
}

func TestSafeReturnPath(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"/", "/a/b", "/a?b=c&d=e", "/a#frag", "/%2F%2Fevil.com", "/a:b"} {
		got, ok := safeReturnPath(p)
		assert.True(t, ok, p)
		assert.Equal(t, p, got)
	}
	for _, p := range []string{"", "a", "//evil.com", "///evil.com", "/\\evil.com", "\\\\evil.com", "https://evil.com",
		"http:evil.com", "javascript:alert(1)", "/a\\b", "/a b", "/a\r\nx", "/a\x00", "/é", " /a", "/" + strings.Repeat("a", maxReturnPath)} {
		_, ok := safeReturnPath(p)
		assert.False(t, ok, p)
	}
}

func TestMemoryStateStore(t *testing.T) {
	t.Parallel()
	now := time.Unix(1000, 0)
	m := newMemoryStateStore(func() time.Time { return now })
	ctx := context.Background()
	first, err := m.Consume(ctx, "a", now.Add(time.Minute))
	require.NoError(t, err)
	assert.True(t, first)
	first, _ = m.Consume(ctx, "a", now.Add(time.Minute))
	assert.False(t, first)
	_, _ = m.Consume(ctx, "b", now.Add(10*time.Minute))
	assert.Equal(t, 2, m.Len())
	now = now.Add(2 * time.Minute) // "a" expired, sweep due
	_, _ = m.Consume(ctx, "c", now.Add(time.Minute))
	assert.Equal(t, 2, m.Len(), "expired entries are swept")
	assert.NotNil(t, NewMemoryStateStore())
}

func TestMemorySessionStore(t *testing.T) {
	t.Parallel()
	now := time.Unix(1000, 0)
	m := newMemorySessionStore(func() time.Time { return now })
	ctx := context.Background()
	s := &Session{User: User{OpenID: "o", Profile: &UserInfo{Nickname: "n", Privilege: []string{"p"}}}, Expiry: now.Add(time.Hour)}
	require.NoError(t, m.Save(ctx, "id", s))
	s.User.Profile.Privilege[0] = "changed"
	got, err := m.Load(ctx, "id")
	require.NoError(t, err)
	assert.Equal(t, "p", got.User.Profile.Privilege[0], "the store keeps its own copy")
	got.User.Profile.Nickname = "changed"
	again, _ := m.Load(ctx, "id")
	assert.Equal(t, "n", again.User.Profile.Nickname)

	missing, err := m.Load(ctx, "nope")
	assert.NoError(t, err)
	assert.Nil(t, missing)

	require.NoError(t, m.Save(ctx, "short", &Session{Expiry: now.Add(time.Minute)}))
	now = now.Add(2 * time.Minute)
	gone, _ := m.Load(ctx, "short")
	assert.Nil(t, gone, "expired")
	require.NoError(t, m.Save(ctx, "x", &Session{Expiry: now.Add(time.Minute)}))
	assert.Equal(t, 2, m.Len())
	require.NoError(t, m.Delete(ctx, "x"))
	assert.Equal(t, 1, m.Len())
	assert.NotNil(t, NewMemorySessionStore())
}

func FuzzParseState(f *testing.F) {
	st, _ := newState(testKeys, "p_", time.Unix(1700000000, 0), "/")
	f.Add(st.state)
	f.Add("")
	f.Add(strings.Repeat("f", stateHexLen))
	f.Fuzz(func(t *testing.T, s string) {
		ps, err := parseState(s)
		if err != nil {
			return
		}
		if len(ps.id) != stateIDLen || len(ps.mac) != stateMACLen || CheckState(s) != nil {
			t.Fatalf("accepted a state of the wrong shape: %q", s)
		}
	})
}

func FuzzParseStateCookie(f *testing.F) {
	st, _ := newState(testKeys, "p_", time.Unix(1700000000, 0), "/a?b=c")
	f.Add(st.cookieValue)
	f.Add("AAAAAAAAAAAAAAAAAAAAAA.Ly9ldmlsLmNvbQ")
	f.Add(".")
	f.Fuzz(func(t *testing.T, v string) {
		nonce, rp, err := parseStateCookie(v)
		if err != nil {
			return
		}
		if len(nonce) != nonceLen {
			t.Fatalf("nonce of %d bytes", len(nonce))
		}
		assertLocal(t, rp)
	})
}

func FuzzParseSessionCookie(f *testing.F) {
	_, cookie, _ := newSessionID(testKeys)
	f.Add(cookie)
	f.Add("")
	f.Add(strings.Repeat("A", 43) + "." + strings.Repeat("A", 43))
	f.Fuzz(func(t *testing.T, v string) {
		id, ok := parseSessionCookie(testKeys, v)
		if !ok {
			return
		}
		// Only a cookie this key signed is accepted: re-signing the id
		// must give back exactly v.
		if !strings.HasPrefix(v, id+".") || len(id) != 43 {
			t.Fatalf("accepted %q as %q", v, id)
		}
	})
}

func FuzzSafeReturnPath(f *testing.F) {
	for _, s := range []string{"/", "//evil.com", "/\\evil.com", "/a?b#c", "https://evil.com", "/%2F%2F"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		got, ok := safeReturnPath(p)
		if ok {
			assertLocal(t, got)
		}
	})
}

// assertLocal fails unless a browser on https://site.example would stay on
// that origin when redirected to p.
func assertLocal(t *testing.T, p string) {
	t.Helper()
	base, _ := url.Parse("https://site.example/dir/page")
	u, err := base.Parse(p)
	if err != nil || u.Host != "site.example" || u.Scheme != "https" || !strings.HasPrefix(p, "/") ||
		strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n\t ") {
		t.Fatalf("return path %q leaves the origin", p)
	}
}

func BenchmarkNewState(b *testing.B) {
	exp := time.Now().Add(10 * time.Minute)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := newState(testKeys, DefaultStateCookiePrefix, exp, "/orders?id=42"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyState(b *testing.B) {
	st, _ := newState(testKeys, DefaultStateCookiePrefix, time.Now().Add(10*time.Minute), "/orders?id=42")
	b.ReportAllocs()
	for b.Loop() {
		ps, err := parseState(st.state)
		if err != nil {
			b.Fatal(err)
		}
		nonce, rp, err := parseStateCookie(st.cookieValue)
		if err != nil || !verifyState(testKeys, ps, nonce, rp) {
			b.Fatal("verify failed")
		}
	}
}

func BenchmarkParseSessionCookie(b *testing.B) {
	_, cookie, _ := newSessionID(testKeys)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := parseSessionCookie(testKeys, cookie); !ok {
			b.Fatal("rejected")
		}
	}
}
