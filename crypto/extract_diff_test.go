package crypto

import (
	"bytes"
	"encoding/xml"
	"testing"
)

// xmlEncrypt is what encoding/xml makes of an envelope: the text of every
// Encrypt child of the root element.
type xmlEncrypt struct {
	Encrypt []string `xml:"Encrypt"`
}

// FuzzExtractEncryptMatchesEncodingXML is a differential target: for a
// body that both ExtractEncrypt and encoding/xml accept, ExtractEncrypt
// returns the one Encrypt child of the root that encoding/xml sees, with
// surrounding XML whitespace trimmed (as documented).
func FuzzExtractEncryptMatchesEncodingXML(f *testing.F) {
	for _, s := range []string{
		`<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[abc]]></Encrypt></xml>`,
		`<xml><Encrypt>abc</Encrypt></xml>`,
		`<?xml version="1.0"?><!--c--><xml><Content><![CDATA[<Encrypt>x</Encrypt>]]></Content><Encrypt> y </Encrypt></xml>`,
		`<xml><Encrypt>a&amp;b</Encrypt></xml>`,
		`<xml><Encrypt a="1">abc</Encrypt></xml>`,
		`<xml><Encrypt>abc</Encrypt ></xml>`,
		`<xml><EncryptType>x</EncryptType><Encrypt>abc</Encrypt></xml>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := ExtractEncrypt(body)
		if err != nil {
			return
		}
		var doc xmlEncrypt
		if xml.Unmarshal(body, &doc) != nil {
			return // not XML: only ExtractEncrypt accepts it
		}
		if len(doc.Encrypt) != 1 {
			t.Fatalf("ExtractEncrypt found %q but encoding/xml sees %d Encrypt children of the root in %q", got, len(doc.Encrypt), body)
		}
		if want := trimSpace([]byte(doc.Encrypt[0])); !bytes.Equal(got, want) {
			t.Fatalf("ExtractEncrypt = %q, encoding/xml = %q in %q", got, want, body)
		}
	})
}
