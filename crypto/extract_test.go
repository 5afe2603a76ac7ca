package crypto

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestExtractEncrypt(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body, want string
	}{
		{"safe mode", `<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[abc+/=]]></Encrypt></xml>`, "abc+/="},
		{"encrypt first", `<xml><Encrypt><![CDATA[QUJD]]></Encrypt><ToUserName><![CDATA[gh_1]]></ToUserName></xml>`, "QUJD"},
		{"plain text", `<xml><Encrypt>QUJD</Encrypt></xml>`, "QUJD"},
		{"plain text with whitespace", "<xml>\n  <Encrypt>\n    QUJD\n  </Encrypt>\n</xml>", "QUJD"},
		{"cdata with surrounding whitespace", "<xml><Encrypt>\n\t<![CDATA[QUJD]]>\r\n</Encrypt></xml>", "QUJD"},
		{"cdata keeps inner whitespace", "<xml><Encrypt><![CDATA[ QU\nJD ]]></Encrypt></xml>", " QU\nJD "},
		{"declaration and comment", `<?xml version="1.0" encoding="utf-8"?><!-- <Encrypt>no</Encrypt> --><xml><Encrypt><![CDATA[yes]]></Encrypt></xml>`, "yes"},
		{"encrypt inside other cdata is skipped", `<xml><Content><![CDATA[<Encrypt><![CDATA[fake]]></Content><Encrypt><![CDATA[real]]></Encrypt></xml>`, "real"},
		{"EncryptType is not Encrypt", `<xml><EncryptType>aes</EncryptType><Encrypt><![CDATA[real]]></Encrypt></xml>`, "real"},
		{"space before closing bracket", `<xml><Encrypt ><![CDATA[real]]></Encrypt ></xml>`, "real"},
		{"compatible mode", `<xml><ToUserName><![CDATA[gh]]></ToUserName><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[a]]b]]></Content><MsgId>1</MsgId><Encrypt><![CDATA[enc]]></Encrypt></xml>`, "enc"},
		{"broken remainder", `<xml><Encrypt>x</Encrypt><MsgSignature><![CDATA[`, "x"},
		{"nested elements are skipped", `<xml><a><Encrypt>no</Encrypt><b/></a><Encrypt>yes</Encrypt></xml>`, "yes"},
		{"attributes with '>' are skipped", `<xml><a t="x>y"><Encrypt>no</Encrypt></a><Encrypt>yes</Encrypt></xml>`, "yes"},
	}
	for _, tc := range cases {
		got, err := ExtractEncrypt([]byte(tc.body))
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: got %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}

func TestExtractEncryptMalformed(t *testing.T) {
	t.Parallel()
	bodies := []string{
		"",
		"plain text",
		"<xml></xml>",
		"<xml><ToUserName><![CDATA[gh]]></ToUserName></xml>",
		"<xml><Encrypt></Encrypt></xml>",
		"<xml><Encrypt><![CDATA[]]></Encrypt></xml>",
		"<xml><Encrypt>   </Encrypt></xml>",
		"<xml><Encrypt/></xml>",
		"<xml><Encrypt><![CDATA[abc</Encrypt></xml>",
		"<xml><Encrypt><![CDATA[abc]]>junk</Encrypt></xml>",
		"<xml><Encrypt><![CDATA[abc]]></Encrypted></xml>",
		"<xml><Encrypt>abc",
		"<xml><Encrypt>abc<b>x</b></Encrypt></xml>",
		"<xml><Encrypt>abc</Encrypt",
		"<xml><Encrypt>abc</Encryptx></xml>",
		"<xml><Encrypt",
		"<xml><Content><![CDATA[<Encrypt>abc</Encrypt>",
		"<!-- <Encrypt>abc</Encrypt>",
		"<? <Encrypt>abc</Encrypt>",
		"<xml><Content><![CDATA[<Encrypt>abc</Encrypt>]]></Content></xml>",
		// Agreement with encoding/xml (FuzzExtractEncryptMatchesEncodingXML):
		"<Encrypt>abc</Encrypt>",                                  // the root, not a child of it
		"<xml><a><Encrypt>abc</Encrypt></a></xml>",                // nested
		"<xml><Encrypt>abc</Encrypt><Encrypt>def</Encrypt></xml>", // encoding/xml takes the last
		"<xml><Encrypt a=\"1\">abc</Encrypt></xml>",
		"<xml><Encrypt>a&amp;b</Encrypt></xml>",
		"<xml><Encrypt><![CDATA[a\rb]]></Encrypt></xml>",
		"<!DOCTYPE x [<!ENTITY e \"<Encrypt>abc</Encrypt>\">]><xml></xml>",
	}
	for _, b := range bodies {
		got, err := ExtractEncrypt([]byte(b))
		if !errors.Is(err, ErrMalformedEnvelope) || got != nil {
			t.Errorf("ExtractEncrypt(%q) = %q, %v; want ErrMalformedEnvelope", b, got, err)
		}
	}
}

func TestExtractEncryptAliasesBody(t *testing.T) {
	t.Parallel()
	body := []byte(`<xml><Encrypt><![CDATA[QUJD]]></Encrypt></xml>`)
	got, err := ExtractEncrypt(body)
	if err != nil {
		t.Fatal(err)
	}
	if cap(got) != len(got) {
		t.Errorf("capacity not clipped: len %d cap %d", len(got), cap(got))
	}
	_ = append(got, 'X') // must not overwrite the body
	if !bytes.Contains(body, []byte("QUJD]]>")) {
		t.Error("append on the result modified the body")
	}
}

func TestExtractEncryptNoAllocs(t *testing.T) {
	body := []byte(`<?xml version="1.0"?><xml><Content><![CDATA[x]]></Content><Encrypt><![CDATA[QUJD]]></Encrypt></xml>`)
	if n := testing.AllocsPerRun(100, func() { _, _ = ExtractEncrypt(body) }); n != 0 {
		t.Errorf("ExtractEncrypt allocates %v times", n)
	}
}

func FuzzExtractEncrypt(f *testing.F) {
	f.Add([]byte(`<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[abc]]></Encrypt></xml>`))
	f.Add([]byte(`<xml><Encrypt>abc</Encrypt></xml>`))
	f.Add([]byte(`<?xml version="1.0"?><!--c--><xml><Content><![CDATA[<Encrypt>x</Encrypt>]]></Content><Encrypt> y </Encrypt></xml>`))
	f.Add([]byte(`<Encrypt`))
	f.Add([]byte(`<![CDATA[`))
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := ExtractEncrypt(body)
		if err != nil {
			if !errors.Is(err, ErrMalformedEnvelope) || got != nil {
				t.Fatalf("got %q, %v", got, err)
			}
			return
		}
		if len(got) == 0 {
			t.Fatal("empty result without error")
		}
		if !bytes.Contains(body, got) {
			t.Fatal("result is not part of the body")
		}
		// Round trip: the value re-wrapped in a canonical envelope (CDATA or
		// plain text) extracts back unchanged.
		if !strings.Contains(string(got), cdataClose) {
			again, err := ExtractEncrypt([]byte(sealPrefix + string(got) + sealSig))
			if err != nil || !bytes.Equal(again, got) {
				t.Fatalf("cdata round trip = %q, %v; want %q", again, err, got)
			}
		}
		if !bytes.ContainsAny(got, "<") && len(trimSpace(got)) == len(got) {
			again, err := ExtractEncrypt([]byte("<xml><Encrypt>" + string(got) + "</Encrypt></xml>"))
			if err != nil || !bytes.Equal(again, got) {
				t.Fatalf("text round trip = %q, %v; want %q", again, err, got)
			}
		}
	})
}

func BenchmarkExtractEncrypt(b *testing.B) {
	body := []byte(`<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[` + strings.Repeat("QUJD", 118) + `]]></Encrypt></xml>`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ExtractEncrypt(body); err != nil {
			b.Fatal(err)
		}
	}
}
