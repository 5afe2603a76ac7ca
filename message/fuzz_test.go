package message_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/wxkit/mp/message"
)

func addFixtureSeeds(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.xml"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`<xml><MsgType>text</MsgType><Content>&#x4f60;<![CDATA[a]]>b</Content></xml>`))
	f.Add([]byte(`<xml><MsgType>event</MsgType><Event>MASSSENDJOBFINISH</Event><CopyrightCheckResult><ResultList><item/></ResultList></CopyrightCheckResult></xml>`))
}

// FuzzParse: Parse never panics, and what it accepts has a MsgType.
func FuzzParse(f *testing.F) {
	addFixtureSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := message.Parse(b)
		if err != nil {
			return
		}
		if m.MessageHeader().MsgType == "" {
			t.Fatalf("accepted a push without MsgType: %q", b)
		}
	})
}

// FuzzServeHTTP drives the POST handler with arbitrary query strings and
// bodies, in both the plaintext and the encrypted configuration: it never
// panics and answers with one of the documented statuses.
func FuzzServeHTTP(f *testing.F) {
	f.Add(plainQuery(testTS, testNonce), textPush(1, "hi"))
	q, body := encryptPush(f, textPush(2, "hi"), testTS, testNonce, false)
	f.Add(q, body)
	f.Add("encrypt_type=aes&timestamp="+testTS, []byte("<xml><Encrypt>AAAA</Encrypt></xml>"))
	f.Add("%zz=1&timestamp=%", []byte{0xff})
	h := message.HandlerFunc(func(_ context.Context, m message.Message) (message.Reply, error) {
		if t, ok := m.(*message.Text); ok {
			return message.TextReply{Content: t.Content}, nil
		}
		return message.NewsReply{Articles: []message.Article{{Title: "x"}}}, nil
	})
	servers := make([]*message.Server, 0, 2)
	for _, cfg := range []message.Config{{Token: testToken}, safeConfig()} {
		s, err := message.NewServer(cfg, h, message.WithClock(fixedClock), message.WithMaxBodySize(8192))
		if err != nil {
			f.Fatal(err)
		}
		servers = append(servers, s)
	}
	f.Fuzz(func(t *testing.T, query string, body []byte) {
		for _, s := range servers {
			req := httptest.NewRequest(http.MethodPost, "/wechat", bytes.NewReader(body))
			req.URL.RawQuery = query
			w := httptest.NewRecorder()
			s.ServeHTTP(w, req)
			switch w.Code {
			case 200, 400, 403, 413:
			default:
				t.Fatalf("status %d", w.Code)
			}
		}
	})
}

// FuzzReplyXML: any content yields a reply that encoding/xml decodes back
// to the (sanitized) content.
func FuzzReplyXML(f *testing.F) {
	for _, s := range []string{"", "hello", "]]>", "a]]]]>b", "\x00\xff", "\r\n"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, content, user string) {
		req := &message.Text{Header: message.Header{ToUserName: user, FromUserName: user, MsgType: "text"}}
		out, err := message.AppendReplyXML(nil, req, message.TextReply{Content: content}, 1)
		if err != nil {
			t.Fatal(err)
		}
		d := decodeReply(t, out)
		if d.Content != sanitizeXML(content) || d.ToUserName != sanitizeXML(user) {
			t.Fatalf("round trip: %q -> %q", content, d.Content)
		}
		if _, err := message.Parse(out); err != nil {
			t.Fatalf("Parse rejects our reply: %v", err)
		}
	})
}
