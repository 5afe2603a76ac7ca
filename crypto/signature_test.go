package crypto

import (
	"crypto/sha1"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
)

// refSignature is the obvious, allocation-heavy reference implementation.
func refSignature(parts ...string) string {
	s := slices.Clone(parts)
	slices.Sort(s)
	sum := sha1.Sum([]byte(strings.Join(s, "")))
	return hex.EncodeToString(sum[:])
}

func TestSignatureMatchesReference(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Z", 3000) // exceeds the stack buffer
	cases := [][]string{
		{},
		{""},
		{"", "", ""},
		{"token", "1409304348", "xxxxxx"},
		{"b", "a", "c", "a"},
		{"abc", "ab", "abcd", "a"},
		{"中文", "abc", "ABC", "123"},
		{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}, // more than 8 parts
		{long, "a", "zz"},
	}
	for _, parts := range cases {
		orig := slices.Clone(parts)
		if got, want := Signature(parts...), refSignature(parts...); got != want {
			t.Errorf("Signature(%q) = %s, want %s", parts, got, want)
		}
		if !slices.Equal(parts, orig) {
			t.Errorf("Signature modified its argument: %q", parts)
		}
	}
}

func TestSignatureOrderIndependent(t *testing.T) {
	t.Parallel()
	want := Signature("pamtest", "1409304348", "xxxxxx", "enc")
	perms := [][]string{
		{"xxxxxx", "enc", "pamtest", "1409304348"},
		{"enc", "xxxxxx", "1409304348", "pamtest"},
		{"1409304348", "pamtest", "enc", "xxxxxx"},
	}
	for _, p := range perms {
		if got := Signature(p...); got != want {
			t.Errorf("Signature(%q) = %s, want %s", p, got, want)
		}
	}
	if got := MsgSignature("pamtest", "1409304348", "xxxxxx", "enc"); got != want {
		t.Errorf("MsgSignature = %s, want %s", got, want)
	}
}

func TestCheckMsgSignatureBytesPlacement(t *testing.T) {
	t.Parallel()
	// The byte-slice part must be sorted in correctly whatever its rank,
	// including ties with the string parts and the large-input path.
	encs := []string{"", "0", "1409304348", "m", "pamtest", "zzzz", "xxxxxx", strings.Repeat("+", 2000)}
	for _, enc := range encs {
		sig := refSignature("pamtest", "1409304348", "xxxxxx", enc)
		if !checkMsgSignatureBytes("pamtest", "1409304348", "xxxxxx", []byte(enc), sig) {
			t.Errorf("enc %.20q: byte form rejected the reference signature", enc)
		}
		if !CheckMsgSignature("pamtest", "1409304348", "xxxxxx", enc, sig) {
			t.Errorf("enc %.20q: CheckMsgSignature rejected the reference signature", enc)
		}
	}
}

func TestCheckSignatureRejects(t *testing.T) {
	t.Parallel()
	good := Signature("AAAAA", "1714036504", "1514711492")
	flip := []byte(good)
	flip[39] ^= 1
	for _, sig := range []string{
		"",
		good[:39],
		good + "0",
		strings.ToUpper(good),
		string(flip),
		strings.Repeat("0", 40),
	} {
		if CheckSignature("AAAAA", "1714036504", "1514711492", sig) {
			t.Errorf("CheckSignature accepted %q", sig)
		}
		if CheckMsgSignature("AAAAA", "1714036504", "1514711492", "", sig) {
			t.Errorf("CheckMsgSignature accepted %q", sig)
		}
	}
}

func TestSignatureNoAllocs(t *testing.T) {
	// Not parallel: AllocsPerRun measures process-wide allocations.
	sig := Signature("pamtest", "1409304348", "xxxxxx")
	enc := []byte(strings.Repeat("A", 600))
	msig := refSignature("pamtest", "1409304348", "xxxxxx", string(enc))
	if n := testing.AllocsPerRun(100, func() {
		if !CheckSignature("pamtest", "1409304348", "xxxxxx", sig) {
			t.Fatal("CheckSignature failed")
		}
		if !checkMsgSignatureBytes("pamtest", "1409304348", "xxxxxx", enc, msig) {
			t.Fatal("checkMsgSignatureBytes failed")
		}
	}); n != 0 {
		t.Errorf("checks allocate %v times, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = Signature("pamtest", "1409304348", "xxxxxx") }); n > 1 {
		t.Errorf("Signature allocates %v times, want <= 1", n)
	}
}

func BenchmarkCheckSignature(b *testing.B) {
	sig := Signature("pamtest", "1409304348", "xxxxxx")
	b.ReportAllocs()
	for b.Loop() {
		if !CheckSignature("pamtest", "1409304348", "xxxxxx", sig) {
			b.Fatal("mismatch")
		}
	}
}

func BenchmarkSignature(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = Signature("pamtest", "1409304348", "xxxxxx")
	}
}
