package message_test

import (
	"encoding/xml"
	"strconv"
	"strings"
	"testing"

	"github.com/wxkit/mp/message"
)

// xmlPush is what encoding/xml makes of a push: every root child element
// the header and a text message are read from, all occurrences.
type xmlPush struct {
	XMLName      xml.Name
	ToUserName   []string
	FromUserName []string
	CreateTime   []string
	MsgType      []string
	Event        []string
	EventKey     []string
	MsgId        []string //nolint:revive // the element name
	MsgID        []string
	Content      []string
}

// FuzzParseMatchesEncodingXML is a differential target: for a push both
// Parse and encoding/xml accept, every header field (and a text message's
// Content) is the value encoding/xml reads. The one documented difference
// is whitespace around a value (Parse drops whitespace-only text next to a
// CDATA section, and trims MsgType and Event): values are compared with
// surrounding whitespace trimmed.
func FuzzParseMatchesEncodingXML(f *testing.F) {
	addFixtureSeeds(f)
	for _, s := range []string{
		`<xml><MsgType>text</MsgType><Content>a&amp;b<![CDATA[<c>]]>&#x4f60;</Content></xml>`,
		`<xml><MsgType>text</MsgType><FromUserName>a</FromUserName><FromUserName>b</FromUserName></xml>`,
		`<xml><MsgType>event</MsgType><Event>TEMPLATESENDJOBFINISH</Event><MsgID>12</MsgID></xml>`,
		`<xml><MsgType>text</MsgType><MsgId>1</MsgId><MsgID>2</MsgID></xml>`,
		`<xml><MsgType>text</MsgType><MsgId></MsgId><MsgID>2</MsgID></xml>`,
		"<xml><MsgType>text</MsgType><Content>a\r\nb</Content></xml>",
		`<xml><MsgType>text</MsgType><Content><!--x-->a</Content></xml>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := message.Parse(b)
		if err != nil {
			return
		}
		var d xmlPush
		if xml.Unmarshal(b, &d) != nil {
			return
		}
		h := m.MessageHeader()
		check := func(name string, got string, vals []string) {
			want := ""
			if len(vals) > 0 {
				want = vals[len(vals)-1] // encoding/xml keeps the last of repeated elements
			}
			if strings.TrimSpace(got) != strings.TrimSpace(want) {
				t.Fatalf("%s: Parse = %q, encoding/xml = %q (all: %q) in %q", name, got, want, vals, b)
			}
		}
		// Numbers: an empty element reads as 0.
		checkNum := func(name string, got int64, vals []string) {
			if len(vals) > 0 && strings.TrimSpace(vals[len(vals)-1]) == "" {
				vals = []string{"0"}
			}
			check(name, strconv.FormatInt(got, 10), vals)
		}
		check("ToUserName", h.ToUserName, d.ToUserName)
		check("FromUserName", h.FromUserName, d.FromUserName)
		check("MsgType", h.MsgType, d.MsgType)
		check("Event", h.Event, d.Event)
		check("EventKey", h.EventKey, d.EventKey)
		if len(d.CreateTime) > 0 {
			checkNum("CreateTime", h.CreateTime, d.CreateTime)
		}
		switch {
		case len(d.MsgId) > 0 && d.MsgId[len(d.MsgId)-1] != "": // MsgId wins when not empty
			checkNum("MsgId", h.MsgID, d.MsgId)
		case len(d.MsgID) > 0:
			checkNum("MsgID", h.MsgID, d.MsgID)
		}
		if txt, ok := m.(*message.Text); ok {
			check("Content", txt.Content, d.Content)
		}
	})
}
