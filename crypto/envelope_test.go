package crypto

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func newTestEnvelope(t testing.TB, opts ...CipherOption) *Envelope {
	t.Helper()
	e, err := NewEnvelope(testToken, testKey, testAppID, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// sealedReply is the passive-reply document, parsed with encoding/xml to
// cross-check our hand-written output against a real XML parser.
type sealedReply struct {
	XMLName      xml.Name `xml:"xml"`
	Encrypt      string   `xml:"Encrypt"`
	MsgSignature string   `xml:"MsgSignature"`
	TimeStamp    string   `xml:"TimeStamp"`
	Nonce        string   `xml:"Nonce"`
}

func parseSealed(t testing.TB, b []byte) sealedReply {
	t.Helper()
	var r sealedReply
	if err := xml.Unmarshal(b, &r); err != nil {
		t.Fatalf("sealed reply is not XML: %v\n%s", err, b)
	}
	return r
}

func TestNewEnvelopeValidation(t *testing.T) {
	t.Parallel()
	if _, err := NewEnvelope("", testKey, testAppID); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("empty token: %v", err)
	}
	if _, err := NewEnvelope(testToken, "short", testAppID); !errors.Is(err, ErrInvalidAESKey) {
		t.Errorf("bad key: %v", err)
	}
	if _, err := NewEnvelope(testToken, testKey, ""); !errors.Is(err, ErrInvalidAppID) {
		t.Errorf("empty appid: %v", err)
	}
	e := newTestEnvelope(t)
	if e.AppID() != testAppID || e.Cipher().AppID() != testAppID {
		t.Errorf("AppID = %q", e.AppID())
	}
}

func TestSealExactFormat(t *testing.T) {
	t.Parallel()
	// Official Java sample values: EncodingAESKey, AppID, Token, timestamp,
	// nonce, random and the published ciphertext of "我是中文abcd123".
	e := newTestEnvelope(t, WithRandom(fixedRandom("aaaabbbbccccdddd")))
	const enc = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=="
	got, err := e.Seal([]byte("我是中文abcd123"), "1409304348", "xxxxxx")
	if err != nil {
		t.Fatal(err)
	}
	sig := refSignature(testToken, "1409304348", "xxxxxx", enc)
	want := "<xml><Encrypt><![CDATA[" + enc + "]]></Encrypt><MsgSignature><![CDATA[" + sig +
		"]]></MsgSignature><TimeStamp>1409304348</TimeStamp><Nonce><![CDATA[xxxxxx]]></Nonce></xml>"
	if string(got) != want {
		t.Fatalf("Seal =\n%s\nwant\n%s", got, want)
	}
	r := parseSealed(t, got)
	if r.Encrypt != enc || r.MsgSignature != sig || r.TimeStamp != "1409304348" || r.Nonce != "xxxxxx" {
		t.Fatalf("parsed = %+v", r)
	}
	if cap(got) < len(got) || len(got) != len(want) {
		t.Fatal("length mismatch")
	}
	// The incoming form of the same ciphertext opens to the message.
	body := []byte("<xml><ToUserName><![CDATA[toUser]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>")
	msg, err := e.Open(sig, "1409304348", "xxxxxx", body)
	if err != nil || string(msg) != "我是中文abcd123" {
		t.Fatalf("Open = %q, %v", msg, err)
	}
}

func TestSealOpenRoundTrip(t *testing.T) {
	t.Parallel()
	e := newTestEnvelope(t)
	for _, n := range []int{0, 1, 15, 16, 31, 32, 33, 300, 2000, 10000} {
		reply := []byte(strings.Repeat("回", n/3) + strings.Repeat("x", n%3))
		sealed, err := e.Seal(reply, "1700000000", "nonce123")
		if err != nil {
			t.Fatal(err)
		}
		r := parseSealed(t, sealed)
		if !CheckMsgSignature(testToken, r.TimeStamp, r.Nonce, r.Encrypt, r.MsgSignature) {
			t.Fatalf("len %d: signature of sealed reply does not verify", n)
		}
		// Seal's output is itself a valid envelope for Open.
		got, err := e.Open(r.MsgSignature, r.TimeStamp, r.Nonce, sealed)
		if err != nil || !bytes.Equal(got, reply) {
			t.Fatalf("len %d: Open = %q, %v", n, got, err)
		}
		if cap(got) != len(got) {
			t.Fatalf("len %d: Open result capacity not clipped", n)
		}
	}
}

func TestAppendSealOpen(t *testing.T) {
	t.Parallel()
	e := newTestEnvelope(t, WithRandom(fixedRandom("0123456789abcdef")))
	want, err := e.Seal([]byte("<xml>hi</xml>"), "1", "n")
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.AppendSeal([]byte("HTTP:"), []byte("<xml>hi</xml>"), "1", "n")
	if err != nil || string(got) != "HTTP:"+string(want) {
		t.Fatalf("AppendSeal = %q, %v", got, err)
	}
	r := parseSealed(t, want)
	out, err := e.AppendOpen([]byte("msg:"), r.MsgSignature, "1", "n", want)
	if err != nil || string(out) != "msg:<xml>hi</xml>" {
		t.Fatalf("AppendOpen = %q, %v", out, err)
	}
}

func TestSealValidation(t *testing.T) {
	t.Parallel()
	e := newTestEnvelope(t)
	cases := []struct {
		ts, nonce string
		want      error
	}{
		{"", "n", ErrInvalidTimestamp},
		{"12a", "n", ErrInvalidTimestamp},
		{"-1", "n", ErrInvalidTimestamp},
		{"</TimeStamp>", "n", ErrInvalidTimestamp},
		{strings.Repeat("1", 21), "n", ErrInvalidTimestamp},
		{"1", "", ErrInvalidNonce},
		{"1", "a]]>b", ErrInvalidNonce},
		{"1", "a\nb", ErrInvalidNonce},
		{"1", "\x00", ErrInvalidNonce},
		{"1", "中", ErrInvalidNonce},
		{"1", "a\x7f", ErrInvalidNonce},
	}
	for _, tc := range cases {
		out, err := e.AppendSeal([]byte("keep"), []byte("x"), tc.ts, tc.nonce)
		if !errors.Is(err, tc.want) || string(out) != "keep" {
			t.Errorf("AppendSeal(ts %q, nonce %q) = %q, %v; want %v", tc.ts, tc.nonce, out, err, tc.want)
		}
	}
	// Odd but valid nonces still produce parseable XML.
	for _, nonce := range []string{"a]]", "]", "<&>", "a]>b", "x]]]"} {
		sealed, err := e.Seal([]byte("x"), "1", nonce)
		if err != nil {
			t.Fatalf("nonce %q: %v", nonce, err)
		}
		if r := parseSealed(t, sealed); r.Nonce != nonce {
			t.Errorf("nonce %q parsed as %q", nonce, r.Nonce)
		}
	}
	// A failing random source surfaces and leaves dst unchanged.
	bad := newTestEnvelope(t, WithRandom(strings.NewReader("")))
	if out, err := bad.AppendSeal([]byte("keep"), []byte("x"), "1", "n"); err == nil || string(out) != "keep" {
		t.Errorf("AppendSeal with failing random = %q, %v", out, err)
	}
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	e := newTestEnvelope(t)
	const ts, nonce = "1409304348", "xxxxxx"
	sealed, err := e.Seal([]byte("<xml>ok</xml>"), ts, nonce)
	if err != nil {
		t.Fatal(err)
	}
	r := parseSealed(t, sealed)

	// signed builds a correctly signed body around any Encrypt value, so
	// decryption errors are reached after the signature check.
	signed := func(enc string) (string, []byte) {
		return refSignature(testToken, ts, nonce, enc), []byte("<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>")
	}
	other, err := NewCipher(testKey, "wx_other_app_id")
	if err != nil {
		t.Fatal(err)
	}
	otherEnc, _ := other.Encrypt([]byte("<xml/>"))
	c := e.Cipher()

	type tc struct {
		name string
		sig  string
		body []byte
		want error
	}
	cases := []tc{
		{"wrong signature", strings.Repeat("0", 40), sealed, ErrInvalidSignature},
		{"empty signature", "", sealed, ErrInvalidSignature},
		{"uppercase signature", strings.ToUpper(r.MsgSignature), sealed, ErrInvalidSignature},
		{"malformed", r.MsgSignature, []byte("<xml></xml>"), ErrMalformedEnvelope},
		{"nil body", r.MsgSignature, nil, ErrMalformedEnvelope},
	}
	add := func(name, enc string, want error) {
		sig, body := signed(enc)
		cases = append(cases, tc{name, sig, body, want})
	}
	add("bad base64", "@@@@", ErrInvalidBase64)
	add("bad block size", "QUJD", ErrInvalidBlockSize)
	add("bad padding", seal(c, "0123456789abcdef", 5, "hello", testAppID, append(padOf(20, 21), 0)), ErrInvalidPadding)
	add("bad length", seal(c, "0123456789abcdef", 99, "hello", testAppID, padOf(21, 21)), ErrInvalidLength)
	add("wrong appid", otherEnc, ErrAppIDMismatch)
	for _, tc := range cases {
		got, err := e.Open(tc.sig, ts, nonce, tc.body)
		if !errors.Is(err, tc.want) || got != nil {
			t.Errorf("%s: Open = %q, %v; want %v", tc.name, got, err, tc.want)
		}
		out, err := e.AppendOpen([]byte("keep"), tc.sig, ts, nonce, tc.body)
		if !errors.Is(err, tc.want) || string(out) != "keep" {
			t.Errorf("%s: AppendOpen = %q, %v", tc.name, out, err)
		}
	}

	// Tampering with one ciphertext character without re-signing is caught
	// by the signature check before any decryption.
	tampered := bytes.Replace(sealed, []byte(r.Encrypt[:8]), []byte(flipChar(r.Encrypt[:8])), 1)
	if _, err := e.Open(r.MsgSignature, ts, nonce, tampered); !errors.Is(err, ErrInvalidSignature) {
		t.Errorf("tampered ciphertext: %v", err)
	}
	// Wrong timestamp / nonce / token.
	if _, err := e.Open(r.MsgSignature, "1409304349", nonce, sealed); !errors.Is(err, ErrInvalidSignature) {
		t.Errorf("wrong timestamp: %v", err)
	}
	e2, _ := NewEnvelope("othertoken", testKey, testAppID)
	if _, err := e2.Open(r.MsgSignature, ts, nonce, sealed); !errors.Is(err, ErrInvalidSignature) {
		t.Errorf("wrong token: %v", err)
	}
}

func flipChar(s string) string {
	b := []byte(s)
	if b[0] == 'A' {
		b[0] = 'B'
	} else {
		b[0] = 'A'
	}
	return string(b)
}

func TestEnvelopeCheckSignature(t *testing.T) {
	t.Parallel()
	e, err := NewEnvelope("AAAAA", testKey, testAppID)
	if err != nil {
		t.Fatal(err)
	}
	// developers.weixin.qq.com 消息推送 URL verification example.
	if !e.CheckSignature("1714036504", "1514711492", "f464b24fc39322e44b38aa78f5edd27bd1441696") {
		t.Error("official URL verification example rejected")
	}
	if e.CheckSignature("1714036505", "1514711492", "f464b24fc39322e44b38aa78f5edd27bd1441696") {
		t.Error("wrong timestamp accepted")
	}
}

func TestEnvelopeNeverPrintsSecrets(t *testing.T) {
	t.Parallel()
	const token = "SuperSecretToken42"
	e, err := NewEnvelope(token, testKey, testAppID)
	if err != nil {
		t.Fatal(err)
	}
	var logBuf bytes.Buffer
	slog.New(slog.NewTextHandler(&logBuf, nil)).Info("env", "e", e, "v", *e)
	slog.New(slog.NewJSONHandler(&logBuf, nil)).Info("env", "e", e)
	outs := []string{e.String(), e.GoString(), logBuf.String()}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		outs = append(outs, fmt.Sprintf(verb, e), fmt.Sprintf(verb, *e), fmt.Sprintf(verb, []*Envelope{e}))
	}
	for _, out := range outs {
		if strings.Contains(out, token) || strings.Contains(out, testKey) {
			t.Errorf("output leaks a secret: %q", out)
		}
	}
	if want := "crypto.Envelope{appID: wxb11529c136998cb6, token: <redacted>, key: <redacted>}"; fmt.Sprintf("%#v", e) != want {
		t.Errorf("%%#v = %q", fmt.Sprintf("%#v", e))
	}
	if s := (Envelope{}).String(); !strings.Contains(s, "<redacted>") {
		t.Errorf("zero Envelope String = %q", s)
	}
}

func TestEnvelopeNoAllocs(t *testing.T) {
	e := newTestEnvelope(t)
	reply := bytes.Repeat([]byte("r"), 300)
	sealed, _ := e.Seal(reply, "1409304348", "xxxxxx")
	r := parseSealed(t, sealed)
	sealBuf := make([]byte, 0, 4096)
	openBuf := make([]byte, 0, 4096)
	if n := testing.AllocsPerRun(100, func() {
		var err error
		if sealBuf, err = e.AppendSeal(sealBuf[:0], reply, "1409304348", "xxxxxx"); err != nil {
			t.Fatal(err)
		}
		if openBuf, err = e.AppendOpen(openBuf[:0], r.MsgSignature, "1409304348", "xxxxxx", sealed); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("AppendSeal+AppendOpen allocate %v times, want 0", n)
	}
	if raceEnabled {
		return
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = e.Seal(reply, "1409304348", "xxxxxx") }); n != 1 {
		t.Errorf("Seal allocates %v times, want 1", n)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = e.Open(r.MsgSignature, "1409304348", "xxxxxx", sealed) }); n != 1 {
		t.Errorf("Open allocates %v times, want 1", n)
	}
}

var openSentinels = append([]error{ErrInvalidSignature, ErrMalformedEnvelope}, decryptSentinels...)

func FuzzOpen(f *testing.F) {
	e := newTestEnvelope(f, WithRandom(fixedRandom("0123456789abcdef")))
	sealed, err := e.Seal([]byte("<xml><Content><![CDATA[hi]]></Content></xml>"), "1409304348", "xxxxxx")
	if err != nil {
		f.Fatal(err)
	}
	r := parseSealed(f, sealed)
	f.Add(sealed, r.MsgSignature, "1409304348", "xxxxxx")
	f.Add([]byte("<xml><Encrypt><![CDATA[QUJD]]></Encrypt></xml>"), refSignature(testToken, "1", "2", "QUJD"), "1", "2")
	f.Add([]byte(""), "", "", "")
	f.Add([]byte("<xml><Encrypt>"), "0000000000000000000000000000000000000000", "1", "n")
	f.Fuzz(func(t *testing.T, body []byte, sig, ts, nonce string) {
		got, err := e.Open(sig, ts, nonce, body)
		if err != nil {
			if !isOneOf(err, openSentinels) || got != nil {
				t.Fatalf("Open = %q, %v", got, err)
			}
		} else {
			// Success implies an authentic envelope; the result must be
			// what the Cipher decrypts from the extracted field.
			enc, err := ExtractEncrypt(body)
			if err != nil {
				t.Fatal(err)
			}
			want, err := e.Cipher().Decrypt(string(enc))
			if err != nil || !bytes.Equal(want, got) {
				t.Fatalf("Open = %q, Decrypt = %q, %v", got, want, err)
			}
		}
		// Round trip: any body sealed as a reply opens back to itself.
		if !validTimestamp(ts) || !validNonce(nonce) {
			ts, nonce = "1409304348", "xxxxxx"
		}
		sealed, err := e.Seal(body, ts, nonce)
		if err != nil {
			t.Fatal(err)
		}
		sealedEnc, err := ExtractEncrypt(sealed)
		if err != nil {
			t.Fatal(err)
		}
		back, err := e.Open(MsgSignature(testToken, ts, nonce, string(sealedEnc)), ts, nonce, sealed)
		if err != nil || !bytes.Equal(back, body) {
			t.Fatalf("round trip = %q, %v", back, err)
		}
	})
}

func TestZeroValuesDoNotPanic(t *testing.T) {
	t.Parallel()
	var nilC *Cipher
	for _, c := range []*Cipher{nilC, {}} {
		if _, err := c.Encrypt([]byte("x")); !errors.Is(err, ErrInvalidAESKey) {
			t.Errorf("Encrypt on %v: %v", c, err)
		}
		if _, err := c.Decrypt("QUJD"); !errors.Is(err, ErrInvalidAESKey) {
			t.Errorf("Decrypt on %v: %v", c, err)
		}
		if c.AppID() != "" {
			t.Error("AppID of zero cipher")
		}
	}
	var nilE *Envelope
	for _, e := range []*Envelope{nilE, {}, {token: "t"}} {
		if _, err := e.Seal([]byte("x"), "1", "n"); !errors.Is(err, ErrInvalidAESKey) {
			t.Errorf("Seal: %v", err)
		}
		if _, err := e.Open("", "1", "n", []byte("<Encrypt>x</Encrypt>")); !errors.Is(err, ErrInvalidAESKey) {
			t.Errorf("Open: %v", err)
		}
		if e.CheckSignature("1", "n", Signature("", "1", "n")) || e.AppID() != "" {
			t.Error("zero envelope verified a signature or has an AppID")
		}
		_ = e.Cipher()
	}
}
