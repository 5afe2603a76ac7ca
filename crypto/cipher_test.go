package crypto

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
)

const (
	testKey   = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	testAppID = "wxb11529c136998cb6"
	testToken = "pamtest"
)

func newTestCipher(t testing.TB, opts ...CipherOption) *Cipher {
	t.Helper()
	c, err := NewCipher(testKey, testAppID, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNewCipherValidation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, key, appID string
		want             error
	}{
		{"ok", testKey, testAppID, nil},
		{"empty key", "", testAppID, ErrInvalidAESKey},
		{"short key", testKey[:42], testAppID, ErrInvalidAESKey},
		{"long key", testKey + "H", testAppID, ErrInvalidAESKey},
		{"bad base64 char", "*" + testKey[1:], testAppID, ErrInvalidAESKey},
		{"embedded padding", testKey[:42] + "=", testAppID, ErrInvalidAESKey},
		{"embedded newline", testKey[:20] + "\n" + testKey[21:], testAppID, ErrInvalidAESKey},
		{"url alphabet", "-" + testKey[1:], testAppID, ErrInvalidAESKey},
		{"empty appid", testKey, "", ErrInvalidAppID},
	}
	for _, tc := range cases {
		c, err := NewCipher(tc.key, tc.appID)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
		if (err == nil) != (c != nil) {
			t.Errorf("%s: cipher %v with err %v", tc.name, c, err)
		}
		if err != nil && strings.Contains(err.Error(), tc.key) && tc.key != "" {
			t.Errorf("%s: error leaks the key: %v", tc.name, err)
		}
	}
	if c := newTestCipher(t, nil, WithRandom(nil)); c.AppID() != testAppID || c.random != nil {
		t.Errorf("AppID = %q, random = %v", c.AppID(), c.random)
	}
}

func TestRoundTripLengths(t *testing.T) {
	t.Parallel()
	c := newTestCipher(t)
	rng := rand.New(rand.NewPCG(1, 2))
	lengths := []int{0, 1, 11, 12, 13, 15, 16, 17, 31, 32, 33, 63, 64, 65, 300, 1000, 4096, 8191, 65536}
	for _, n := range lengths {
		msg := make([]byte, n)
		for i := range msg {
			msg[i] = byte(rng.Uint32())
		}
		ct, err := c.Encrypt(msg)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := base64.StdEncoding.DecodeString(ct)
		if err != nil {
			t.Fatal(err)
		}
		plainLen := headerLen + n + len(testAppID)
		if len(raw)%32 != 0 || len(raw) <= plainLen || len(raw) > plainLen+32 {
			t.Fatalf("len %d: ciphertext %d bytes, plaintext %d", n, len(raw), plainLen)
		}
		got, err := c.Decrypt(ct)
		if err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("len %d: Decrypt = %d bytes, %v", n, len(got), err)
		}
	}
	for _, s := range []string{"我是中文abcd123", "<xml><Content><![CDATA[你好，世界 🌏]]></Content></xml>", strings.Repeat("中", 2000)} {
		ct, err := c.Encrypt([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Decrypt(ct)
		if err != nil || string(got) != s {
			t.Fatalf("Decrypt(%.20q) = %.20q, %v", s, got, err)
		}
	}
}

func TestEncryptIsRandomized(t *testing.T) {
	t.Parallel()
	c := newTestCipher(t)
	a, _ := c.Encrypt([]byte("hello"))
	b, _ := c.Encrypt([]byte("hello"))
	if a == b {
		t.Fatal("two encryptions with crypto/rand produced the same ciphertext")
	}
}

func TestAppendForms(t *testing.T) {
	t.Parallel()
	c := newTestCipher(t, WithRandom(fixedRandom("0123456789abcdef")))
	msg := []byte("<xml>append</xml>")
	want, err := c.Encrypt(msg)
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.AppendEncrypt([]byte("prefix:"), msg)
	if err != nil || string(out) != "prefix:"+want {
		t.Fatalf("AppendEncrypt = %q, %v", out, err)
	}
	dec, err := c.AppendDecrypt([]byte("prefix:"), []byte(want))
	if err != nil || string(dec) != "prefix:"+string(msg) {
		t.Fatalf("AppendDecrypt = %q, %v", dec, err)
	}
	// On error dst is returned unchanged.
	dec, err = c.AppendDecrypt([]byte("keep"), []byte("!!!!"))
	if !errors.Is(err, ErrInvalidBase64) || string(dec) != "keep" {
		t.Fatalf("AppendDecrypt error path = %q, %v", dec, err)
	}
}

func TestAppendNoAllocs(t *testing.T) {
	c := newTestCipher(t)
	msg := bytes.Repeat([]byte("x"), 300)
	ct, _ := c.Encrypt(msg)
	ctb := []byte(ct)
	enc := make([]byte, 0, 2048)
	dec := make([]byte, 0, 2048)
	if n := testing.AllocsPerRun(100, func() {
		var err error
		if enc, err = c.AppendEncrypt(enc[:0], msg); err != nil {
			t.Fatal(err)
		}
		if dec, err = c.AppendDecrypt(dec[:0], ctb); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("AppendEncrypt+AppendDecrypt allocate %v times, want 0", n)
	}
	if !bytes.Equal(dec, msg) {
		t.Fatal("round trip mismatch")
	}
}

func TestRandomReaderError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	c := newTestCipher(t, WithRandom(iotest.ErrReader(boom)))
	if _, err := c.Encrypt([]byte("x")); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want %v", err, boom)
	}
	out, err := c.AppendEncrypt([]byte("keep"), []byte("x"))
	if err == nil || string(out) != "keep" {
		t.Fatalf("AppendEncrypt = %q, %v", out, err)
	}
	c = newTestCipher(t, WithRandom(strings.NewReader("short")))
	if _, err := c.Encrypt([]byte("x")); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("short reader err = %v", err)
	}
}

// seal builds a ciphertext from a hand-made plaintext layout.
func seal(c *Cipher, random string, lenField uint32, msg, appID string, pad []byte) string {
	var b []byte
	b = append(b, random...)
	b = binary.BigEndian.AppendUint32(b, lenField)
	b = append(b, msg...)
	b = append(b, appID...)
	b = append(b, pad...)
	return encryptRaw(c, b)
}

func padOf(n int, v byte) []byte { return bytes.Repeat([]byte{v}, n) }

func TestDecryptCorruptions(t *testing.T) {
	t.Parallel()
	c := newTestCipher(t)
	r := "0123456789abcdef"
	// header 20 + "hello" 5 + appID 18 = 43 -> pad 21 to 64.
	good := seal(c, r, 5, "hello", testAppID, padOf(21, 21))
	if got, err := c.Decrypt(good); err != nil || string(got) != "hello" {
		t.Fatalf("control case: %q, %v", got, err)
	}
	// A full 32-byte pad block is valid too: 20 + 26 + 18 = 64 -> pad 32.
	m26 := strings.Repeat("m", 26)
	if got, err := c.Decrypt(seal(c, r, 26, m26, testAppID, padOf(32, 32))); err != nil || string(got) != m26 {
		t.Fatalf("full pad block: %q, %v", got, err)
	}
	// 16-aligned (not 32-aligned) ciphertexts are accepted like the official
	// samples do: 20 + 5 + 18 = 43 -> pad 5 to 48.
	if got, err := c.Decrypt(seal(c, r, 5, "hello", testAppID, padOf(5, 5))); err != nil || string(got) != "hello" {
		t.Fatalf("16-aligned: %q, %v", got, err)
	}

	cases := []struct {
		name string
		ct   string
		want error
	}{
		{"empty", "", ErrInvalidBlockSize},
		{"bad base64 char", "!" + good[1:], ErrInvalidBase64},
		{"truncated base64", good[:len(good)-1], ErrInvalidBase64},
		{"newline inside base64", good[:40] + "\n" + good[40:], ErrInvalidBase64},
		{"CRLF at the end", good + "\r\n", ErrInvalidBase64},
		{"url alphabet", "-" + good[1:], ErrInvalidBase64},
		{"space inside", good[:10] + " " + good[11:], ErrInvalidBase64},
		{"non-canonical padding bits", "AB==", ErrInvalidBase64},
		{"not block multiple", base64.StdEncoding.EncodeToString(make([]byte, 33)), ErrInvalidBlockSize},
		{"one block", base64.StdEncoding.EncodeToString(make([]byte, 16)), ErrInvalidBlockSize},
		{"18 bytes", base64.StdEncoding.EncodeToString(make([]byte, 18)), ErrInvalidBlockSize},
		{"pad 0", seal(c, r, 5, "hello", testAppID, append(padOf(20, 21), 0)), ErrInvalidPadding},
		{"pad 33", seal(c, r, 5, "hello", testAppID, padOf(21, 33)), ErrInvalidPadding},
		{"pad 255", seal(c, r, 5, "hello", testAppID, append(padOf(20, 21), 255)), ErrInvalidPadding},
		{"inconsistent pad", seal(c, r, 5, "hello", testAppID, append(append(padOf(10, 21), 7), padOf(10, 21)...)), ErrInvalidPadding},
		{"inconsistent first pad byte", seal(c, r, 5, "hello", testAppID, append([]byte{20}, padOf(20, 21)...)), ErrInvalidPadding},
		{"length field too large", seal(c, r, 500, "hello", testAppID, padOf(21, 21)), ErrInvalidLength},
		{"length field max", seal(c, r, 0xffffffff, "hello", testAppID, padOf(21, 21)), ErrInvalidLength},
		{"pad eats header", seal(c, "0123456789", 0, "", "", padOf(18, 32)[:18]) /* 10+4+18 = 32 */, ErrInvalidPadding},
		{"wrong appid", seal(c, r, 5, "hello", "wx0000000000000000", padOf(21, 21)), ErrAppIDMismatch},
		{"empty appid", seal(c, r, 5, "hello", "", padOf(7, 7)), ErrAppIDMismatch},
		{"length field short", seal(c, r, 4, "hello", testAppID, padOf(21, 21)), ErrAppIDMismatch},
	}
	for _, tc := range cases {
		got, err := c.Decrypt(tc.ct)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
		if got != nil {
			t.Errorf("%s: got %q with error", tc.name, got)
		}
	}

	// The pad byte says 32 but the header is shorter than 20 bytes after
	// unpadding: 32-byte ciphertext, pad 20 leaves 12 bytes.
	short := encryptRaw(c, append([]byte("0123456789ab"), padOf(20, 20)...))
	if _, err := c.Decrypt(short); !errors.Is(err, ErrInvalidLength) {
		t.Errorf("short content: err = %v, want ErrInvalidLength", err)
	}
}

func TestEncryptTooLarge(t *testing.T) {
	t.Parallel()
	c := newTestCipher(t)
	if _, _, err := c.sealedLen(-1); !errors.Is(err, ErrInvalidLength) {
		t.Errorf("sealedLen(-1) err = %v", err)
	}
	if _, _, err := c.sealedLen(1 << 40); !errors.Is(err, ErrInvalidLength) {
		t.Errorf("sealedLen(1<<40) err = %v", err)
	}
}

func TestCipherNeverPrintsKey(t *testing.T) {
	t.Parallel()
	c := newTestCipher(t)
	key, _ := base64.StdEncoding.DecodeString(testKey + "=")
	forbidden := []string{
		testKey,
		string(key),
		string(key[:16]),
		fmt.Sprintf("%x", key[:16]),
		fmt.Sprintf("%X", key[:16]),
		fmt.Sprintf("%v", key[:16]),
		fmt.Sprintf("%d", key[:16]),
	}
	var logBuf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logBuf, nil))
	logger.Info("cipher", "c", c, "v", *c)
	slog.New(slog.NewJSONHandler(&logBuf, nil)).Info("cipher", "c", c)
	outs := []string{c.String(), c.GoString(), logBuf.String()}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T"} {
		outs = append(outs, fmt.Sprintf(verb, c), fmt.Sprintf(verb, *c), fmt.Sprintf(verb, []*Cipher{c}), fmt.Sprintf(verb, struct{ C Cipher }{*c}))
	}
	for _, out := range outs {
		for _, f := range forbidden {
			if strings.Contains(out, f) {
				t.Errorf("output %q contains secret material %q", out, f)
			}
		}
	}
	if want := "crypto.Cipher{appID: wxb11529c136998cb6, key: <redacted>}"; c.String() != want || fmt.Sprintf("%+v", c) != want {
		t.Errorf("String = %q, %%+v = %q", c.String(), fmt.Sprintf("%+v", c))
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	c := newTestCipher(t)
	done := make(chan error, 8)
	for g := range 8 {
		go func() {
			for i := range 50 {
				msg := []byte(fmt.Sprintf("goroutine %d message %d", g, i))
				ct, err := c.Encrypt(msg)
				if err != nil {
					done <- err
					return
				}
				got, err := c.Decrypt(ct)
				if err != nil || !bytes.Equal(got, msg) {
					done <- fmt.Errorf("round trip: %q, %v", got, err)
					return
				}
			}
			done <- nil
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

func TestErrorCode(t *testing.T) {
	t.Parallel()
	cases := map[error]int{
		nil:                                    -0,
		ErrInvalidSignature:                    -40001,
		ErrMalformedEnvelope:                   -40002,
		ErrInvalidAESKey:                       -40004,
		ErrAppIDMismatch:                       -40005,
		ErrInvalidAppID:                        -40005,
		ErrInvalidBlockSize:                    -40007,
		ErrInvalidPadding:                      -40007,
		ErrInvalidLength:                       -40008,
		ErrInvalidBase64:                       -40010,
		ErrInvalidTimestamp:                    -40011,
		ErrInvalidNonce:                        -40011,
		ErrInvalidToken:                        -40011,
		fmt.Errorf("x: %w", ErrInvalidPadding): -40007,
		errors.New("other"):                    -1,
	}
	for err, want := range cases {
		if got := ErrorCode(err); got != want {
			t.Errorf("ErrorCode(%v) = %d, want %d", err, got, want)
		}
	}
}

var decryptSentinels = []error{ErrInvalidBase64, ErrInvalidBlockSize, ErrInvalidPadding, ErrInvalidLength, ErrAppIDMismatch}

func isOneOf(err error, sentinels []error) bool {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

func FuzzDecrypt(f *testing.F) {
	c := newTestCipher(f)
	f.Add("")
	f.Add("AAAA")
	f.Add("jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==")
	f.Add(seal(c, "0123456789abcdef", 5, "hello", testAppID, padOf(5, 5)))
	f.Add(seal(c, "0123456789abcdef", 0, "", testAppID, padOf(26, 26)))
	f.Add(strings.Repeat("A", 64))
	f.Fuzz(func(t *testing.T, ct string) {
		got, err := c.Decrypt(ct)
		if err != nil {
			if !isOneOf(err, decryptSentinels) {
				t.Fatalf("untyped error %v", err)
			}
			if got != nil {
				t.Fatal("non-nil result with error")
			}
		} else {
			// Property: re-encrypting with the recovered random bytes
			// reproduces a 32-aligned input exactly.
			raw := rawDecrypt(t, c, ct)
			if len(raw)%padBlock == 0 {
				c2 := newTestCipher(t, WithRandom(fixedRandom(raw[:randomLen])))
				again, err := c2.Encrypt(got)
				if err != nil || again != ct {
					t.Fatalf("re-encrypt = %q, %v; want %q", again, err, ct)
				}
			}
		}
		// Property: any input, taken as a message, round-trips.
		enc, err := c.Encrypt([]byte(ct))
		if err != nil {
			t.Fatal(err)
		}
		back, err := c.Decrypt(enc)
		if err != nil || string(back) != ct {
			t.Fatalf("round trip = %q, %v", back, err)
		}
	})
}

func BenchmarkDecrypt300(b *testing.B) {
	c := newTestCipher(b)
	ct, _ := c.Encrypt(bytes.Repeat([]byte("x"), 300))
	ctb := []byte(ct)
	dst := make([]byte, 0, 1024)
	b.ReportAllocs()
	b.SetBytes(300)
	for b.Loop() {
		var err error
		if dst, err = c.AppendDecrypt(dst[:0], ctb); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncrypt300(b *testing.B) {
	c := newTestCipher(b)
	msg := bytes.Repeat([]byte("x"), 300)
	dst := make([]byte, 0, 2048)
	b.ReportAllocs()
	b.SetBytes(300)
	for b.Loop() {
		var err error
		if dst, err = c.AppendEncrypt(dst[:0], msg); err != nil {
			b.Fatal(err)
		}
	}
}
