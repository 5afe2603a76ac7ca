package customer

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParseAccount(f *testing.F) {
	for _, s := range []string{"test1@test", "", "@", "a@b@c", "abcdefghij@wxid_0123456789", "客服@test", "a@\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, id, err := ParseAccount(s)
		if err != nil {
			if p != "" || id != "" {
				t.Fatalf("parts returned with an error: %q %q", p, id)
			}
			return
		}
		if p+"@"+id != s {
			t.Fatalf("ParseAccount(%q) = %q, %q", s, p, id)
		}
		if len(p) == 0 || len(p) > MaxAccountPrefix || utf8.RuneCountInString(id) > MaxWeChatIDLen || strings.Contains(id, "@") {
			t.Fatalf("accepted %q", s)
		}
		if checkAccount("op", s, true) != nil || checkAccount("op", s, false) != nil {
			t.Fatalf("checkAccount refused what ParseAccount accepted: %q", s)
		}
	})
}

// FuzzMsgList feeds getmsglist answers (untrusted input) to the decoder and
// the paging decision: nothing may panic and the walk must always end.
func FuzzMsgList(f *testing.F) {
	f.Add([]byte(`{"recordlist":[{"openid":"o","opercode":2002,"text":"t","time":1,"worker":"a@b"}],"number":1,"msgid":20165267}`), int64(1), 1)
	f.Add([]byte(`{"recordlist":[],"number":0,"msgid":0}`), int64(5), 10)
	f.Add([]byte(`{"number":-1,"msgid":-9}`), int64(1), 10000)
	f.Add([]byte(`null`), int64(1), 1)
	f.Fuzz(func(t *testing.T, data []byte, cur int64, asked int) {
		var page MsgList
		if json.Unmarshal(data, &page) != nil {
			return
		}
		next, done, err := nextMsgID(cur, asked, &page)
		if !done && err == nil && next <= cur {
			t.Fatalf("cursor %d -> %d would loop", cur, next)
		}
	})
}

func FuzzEncodeMessage(f *testing.F) {
	f.Add("OPENID", `<a href="https://x/?a=1&b=2">x</a>`, "test1@kftest")
	f.Add("o", "\u2028\x00\"\\", "")
	f.Fuzz(func(t *testing.T, to, content, kf string) {
		var opts []SendOption
		if kf != "" {
			opts = append(opts, WithKFAccount(kf))
		}
		b, err := EncodeMessage(to, Text{Content: content}, opts...)
		if err != nil {
			return
		}
		var got struct {
			ToUser  string `json:"touser"`
			MsgType string `json:"msgtype"`
			Text    Text   `json:"text"`
			CS      *struct {
				KFAccount string `json:"kf_account"`
			} `json:"customservice"`
		}
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("invalid JSON %s: %v", b, err)
		}
		if !utf8.ValidString(to) || !utf8.ValidString(content) || !utf8.ValidString(kf) {
			return // invalid UTF-8 is replaced by U+FFFD on the wire
		}
		if got.ToUser != to || got.MsgType != "text" || got.Text.Content != content {
			t.Fatalf("round trip: %+v from %s", got, b)
		}
		if kf != "" && (got.CS == nil || got.CS.KFAccount != kf) {
			t.Fatalf("kf_account lost: %s", b)
		}
	})
}
