package template

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wxkit/mp"
)

// FuzzParseKeys parses template content, which comes from WeChat
// (untrusted): nothing may panic and every key must be a real placeholder.
func FuzzParseKeys(f *testing.F) {
	for _, s := range []string{
		"{{first.DATA}}\n商品:{{keyword1.DATA}}\n{{remark.DATA}}",
		"{ {result.DATA} }\n领奖金额:{ {withdrawMoney.DATA} }",
		"{{.DATA}}", ".DATA}}", "{{x.DATA", "{{{{a.DATA}}}}", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, content string) {
		keys := ParseKeys(content)
		seen := map[string]bool{}
		for _, k := range keys {
			if k == "" || seen[k] {
				t.Fatalf("empty or repeated key %q in %v", k, keys)
			}
			seen[k] = true
			for i := 0; i < len(k); i++ {
				if !isKeyByte(k[i]) {
					t.Fatalf("key %q has byte %q", k, k[i])
				}
			}
			if !strings.Contains(content, k+".DATA") {
				t.Fatalf("key %q not in content", k)
			}
		}
		d := Data{}
		for _, k := range keys {
			d[k] = DataItem{}
		}
		if err := CheckData(content, d); err != nil {
			t.Fatalf("CheckData with every key: %v", err)
		}
	})
}

// FuzzSubscribeData checks that any keyword/value encodes to JSON that
// decodes back to the same values, without HTML escaping.
func FuzzSubscribeData(f *testing.F) {
	f.Add("thing1", "<a&b>", "time2", "2019年8月8日")
	f.Add("", "\x00\u2028", "k", "\"\\")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		d := SubscribeData{k1: v1, k2: v2}
		b, err := mp.MarshalJSON(d)
		if err != nil {
			t.Fatal(err)
		}
		var back map[string]struct {
			Value string `json:"value"`
		}
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("invalid JSON %s: %v", b, err)
		}
		if utf8.ValidString(k1) && utf8.ValidString(k2) && len(back) != len(d) {
			t.Fatalf("got %d keys from %s", len(back), b)
		}
		for k, v := range d {
			if !utf8.ValidString(k) || !utf8.ValidString(v) {
				continue
			}
			if back[k].Value != v {
				t.Fatalf("%q: %q != %q", k, back[k].Value, v)
			}
		}
		if strings.Contains(string(b), `\u003c`) || strings.Contains(string(b), `\u0026`) {
			t.Fatalf("HTML-escaped: %s", b)
		}
	})
}

// FuzzDecodeTemplates decodes template lists as WeChat could send them.
func FuzzDecodeTemplates(f *testing.F) {
	f.Add([]byte(`{"data":[{"priTmplId":"x","title":"t","content":"{{thing1.DATA}}","example":"e","type":2}]}`))
	f.Add([]byte(`{"count":55,"data":[{"tid":99,"title":"付款成功通知","type":2,"categoryId":"616"}]}`))
	f.Add([]byte(`{"count":1,"data":[{"tid":1,"categoryId":616}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var l SubscribeTemplateList
		if json.Unmarshal(data, &l) == nil {
			for _, tpl := range l.Data {
				_ = tpl.Keys()
			}
		}
		var p PubTemplateTitleList
		_ = json.Unmarshal(data, &p)
		var pl TemplateList
		if json.Unmarshal(data, &pl) == nil {
			for _, tpl := range pl.TemplateList {
				_ = tpl.Keys()
			}
		}
	})
}
