package payv2

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseXMLDocFormats(t *testing.T) {
	t.Parallel()
	// Plain text values with indentation (the doc's request sample).
	m, err := ParseXML(readFixture(t, "unifiedorder_request.xml"))
	require.NoError(t, err)
	assert.Equal(t, "wx2421b1c4370ec43b", m["appid"])
	assert.Equal(t, "JSAPI支付测试", m["body"])
	assert.Equal(t, "1", m["total_fee"])
	assert.Contains(t, m["detail"], `"goods_name":"iPhone6s 16G"`)
	assert.Len(t, m, 13)

	// CDATA values with '&' inside.
	m, err = ParseXML(readFixture(t, "unifiedorder_native.xml"))
	require.NoError(t, err)
	assert.Equal(t, "weixin://wxpay/bizpayurl/up?pr=NwY5Mz9&groupid=00", m["code_url"])

	// XML declaration, comments and entity escapes.
	m, err = ParseXML([]byte(`<?xml version="1.0" encoding="UTF-8"?><!-- c --><xml><a>x &amp; y</a><b><![CDATA[ keep  spaces ]]></b><c></c></xml>`))
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"a": "x & y", "b": " keep  spaces ", "c": ""}, m)
}

func TestParseXMLRejects(t *testing.T) {
	t.Parallel()
	bad := map[string]string{
		"empty":         ``,
		"not xml":       `hello`,
		"unterminated":  `<xml><a>1</a>`,
		"nested":        `<xml><a><b>1</b></a></xml>`,
		"duplicate":     `<xml><a>1</a><a>2</a></xml>`,
		"two roots":     `<xml></xml><xml></xml>`,
		"text in root":  `<xml>junk<a>1</a></xml>`,
		"doctype":       `<!DOCTYPE xml [<!ENTITY x "y">]><xml><a>&x;</a></xml>`,
		"mismatched":    `<xml><a>1</b></xml>`,
		"namespaced":    `<xml xmlns:p="urn:x"><p:a>1</p:a></xml>`,
		"trailing text": `<xml><a>1</a></xml>trailing`,
	}
	for name, in := range bad {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseXML([]byte(in))
			require.ErrorIs(t, err, ErrMalformedXML)
		})
	}
}

func TestEncodeXMLRoundTrip(t *testing.T) {
	t.Parallel()
	in := map[string]string{
		"appid":  testAppID,
		"body":   "a<b>&\"c\" ]]> 中文",
		"detail": `{"k":"]]]]>"}`,
		"empty":  "",
	}
	out := encodeXML(in)
	assert.Equal(t, `<xml><appid><![CDATA[wx2421b1c4370ec43b]]></appid><body><![CDATA[a<b>&"c" ]]]]><![CDATA[> 中文]]></body>`,
		string(out[:strings.Index(string(out), "<detail>")]))
	m, err := ParseXML(out)
	require.NoError(t, err)
	delete(in, "empty")
	assert.Equal(t, in, m)
}

func TestValidKeyAndValue(t *testing.T) {
	t.Parallel()
	assert.True(t, validKey("coupon_fee_0"))
	assert.False(t, validKey("0abc"))
	assert.False(t, validKey("a b"))
	assert.False(t, validKey("a>"))
	assert.False(t, validKey(""))
	assert.True(t, validValue("中文\n\t"))
	assert.False(t, validValue("a\x00b"))
	assert.False(t, validValue("\xff"))
}

func FuzzParseXML(f *testing.F) {
	for _, name := range []string{"unifiedorder_request.xml", "unifiedorder_native.xml", "refundquery.xml", "payment_notify.xml", "refund_notify_reqinfo_plain.xml"} {
		f.Add(readFixture(f, name))
	}
	f.Add([]byte(`<xml><a><![CDATA[x]]]]><![CDATA[>]]></a></xml>`))
	f.Add([]byte(`<xml><a>1</a><a>2</a></xml>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseXML(data)
		if err != nil {
			return
		}
		// Whatever parses must survive our encoder and parse back the same,
		// when its keys and values are representable.
		for k, v := range m {
			if !validKey(k) || !validValue(v) || v == "" {
				return
			}
		}
		back, err := ParseXML(encodeXML(m))
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		if len(back) != len(m) {
			t.Fatalf("round trip changed field count: %d vs %d", len(back), len(m))
		}
		for k, v := range m {
			if back[k] != v {
				t.Fatalf("round trip changed %s: %q vs %q", k, v, back[k])
			}
		}
	})
}
