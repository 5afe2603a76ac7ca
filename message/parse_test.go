package message_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/message"
)

// fixtures maps every testdata file (the official sample XML of each
// message and event, verbatim) to the value it decodes to.
func fixtures() map[string]message.Message {
	hdr := func(to, from string, ct int64, typ string) message.Header {
		return message.Header{ToUserName: to, FromUserName: from, CreateTime: ct, MsgType: typ}
	}
	msg := func(typ string, ct int64, article bool) message.Header {
		h := hdr("toUser", "fromUser", ct, typ)
		h.MsgID = 1234567890123456
		if article {
			h.MsgDataID, h.Idx = "xxxx", "xxxx"
		}
		return h
	}
	ev := func(to, from string, ct int64, event, key string) message.Header {
		h := hdr(to, from, ct, message.MsgTypeEvent)
		h.Event, h.EventKey = event, key
		return h
	}
	menu := func(ct int64, event string) message.Header {
		return ev("gh_e136c6e50636", "oMgHVjngRipVsoxg6TuX3vz6glDg", ct, event, "6")
	}
	tmpl := ev("touser", "fromuser", 1395658920, message.EventTemplateSendJobFinish, "")
	tmpl.MsgID = 200163836
	mass := ev("gh_4d00ed8d6399", "oV5CrjpxgaGXNHIQigzNlgLTnwic", 1481013459, message.EventMassSendJobFinish, "")
	mass.MsgID = 1000001625
	publish := ev("gh_4d00ed8d6399", "oV5CrjpxgaGXNHIQigzNlgLTnwic", 1481013459, message.EventPublishJobFinish, "")
	copyItem := func(idx int, url string) message.CopyrightCheckItem {
		return message.CopyrightCheckItem{ArticleIdx: idx, AuditState: 2, OriginalArticleURL: url,
			OriginalArticleType: 1, CanReprint: 1, NeedReplaceContent: 1, NeedShowReprintSource: 1}
	}
	return map[string]message.Message{
		"text.xml":  &message.Text{Header: msg("text", 1348831860, true), Content: "this is a test"},
		"image.xml": &message.Image{Header: msg("image", 1348831860, true), PicURL: "this is a url", MediaID: "media_id"},
		"voice.xml": &message.Voice{Header: msg("voice", 1357290913, true), MediaID: "media_id", Format: "Format",
			MediaID16K: "media_id_16k"},
		"voice_recognition.xml": &message.Voice{Header: msg("voice", 1357290913, false), MediaID: "media_id",
			Format: "Format", Recognition: "腾讯微信团队"},
		"video.xml":      &message.Video{Header: msg("video", 1357290913, true), MediaID: "media_id", ThumbMediaID: "thumb_media_id"},
		"shortvideo.xml": &message.Video{Header: msg("shortvideo", 1357290913, true), MediaID: "media_id", ThumbMediaID: "thumb_media_id"},
		"location.xml": &message.Location{Header: msg("location", 1351776360, true), LocationX: 23.134521,
			LocationY: 113.358803, Scale: 20, Label: "位置信息"},
		"link.xml": &message.Link{Header: msg("link", 1351776360, true), Title: "公众平台官网链接",
			Description: "公众平台官网链接", URL: "url"},
		"event_subscribe.xml":   &message.Subscribe{Header: ev("toUser", "FromUser", 123456789, "subscribe", "")},
		"event_unsubscribe.xml": &message.Unsubscribe{Header: ev("toUser", "FromUser", 123456789, "unsubscribe", "")},
		"event_subscribe_qrscene.xml": &message.Subscribe{Header: ev("toUser", "FromUser", 123456789, "subscribe", "qrscene_123123"),
			Ticket: "TICKET"},
		"event_scan.xml": &message.Scan{Header: ev("toUser", "FromUser", 123456789, "SCAN", "SCENE_VALUE"), Ticket: "TICKET"},
		"event_location.xml": &message.LocationEvent{Header: ev("toUser", "fromUser", 123456789, "LOCATION", ""),
			Latitude: 23.137466, Longitude: 113.352425, Precision: 119.385040},
		"event_click.xml": &message.Click{Header: ev("toUser", "FromUser", 123456789, "CLICK", "EVENTKEY")},
		"event_view.xml":  &message.View{Header: ev("toUser", "FromUser", 123456789, "VIEW", "www.qq.com"), MenuID: "MENUID"},
		"event_scancode_push.xml": &message.ScanCodeEvent{Header: menu(1408090502, "scancode_push"),
			ScanCodeInfo: message.ScanCodeInfo{ScanType: "qrcode", ScanResult: "1"}},
		"event_scancode_waitmsg.xml": &message.ScanCodeEvent{Header: menu(1408090606, "scancode_waitmsg"),
			ScanCodeInfo: message.ScanCodeInfo{ScanType: "qrcode", ScanResult: "2"}},
		"event_pic_sysphoto.xml": &message.PicEvent{Header: menu(1408090651, "pic_sysphoto"),
			SendPicsInfo: message.SendPicsInfo{Count: 1, PicList: []message.PicItem{{PicMd5Sum: "1b5f7c23b5bf75682a53e7b6d163e185"}}}},
		"event_pic_photo_or_album.xml": &message.PicEvent{Header: menu(1408090816, "pic_photo_or_album"),
			SendPicsInfo: message.SendPicsInfo{Count: 1, PicList: []message.PicItem{{PicMd5Sum: "5a75aaca956d97be686719218f275c6b"}}}},
		"event_pic_weixin.xml": &message.PicEvent{Header: menu(1408090816, "pic_weixin"),
			SendPicsInfo: message.SendPicsInfo{Count: 1, PicList: []message.PicItem{{PicMd5Sum: "5a75aaca956d97be686719218f275c6b"}}}},
		"event_location_select.xml": &message.LocationSelect{Header: menu(1408091189, "location_select"),
			SendLocationInfo: message.SendLocationInfo{LocationX: 23, LocationY: 113, Scale: 15, Label: " 广州市海珠区客村艺苑路 106号"}},
		"event_templatesendjobfinish.xml": &message.TemplateSendJobFinish{Header: tmpl, Status: "success"},
		"event_masssendjobfinish.xml": &message.MassSendJobFinish{Header: mass, Status: "err(30003)",
			CopyrightCheckResult: message.CopyrightCheckResult{Count: 2, CheckState: 2,
				ResultList: []message.CopyrightCheckItem{copyItem(1, "Url_1"), copyItem(2, "Url_2")}},
			ArticleURLResult: message.ArticleURLResult{Count: 1,
				ResultList: []message.ArticleURLItem{{ArticleIdx: 1, ArticleURL: "Url"}}}},
		"event_publishjobfinish.xml": &message.PublishJobFinish{Header: publish, PublishID: "2247503051",
			ArticleID: "b5O2OUs25HBxRceL7hfReg-U9QGeq9zQjiDvy3HHKSM9jXSsiM9e9MjQ6qHzxhDd",
			Articles:  []message.PublishedArticle{{Idx: 1, ArticleURL: "ARTICLE_URL"}}},
		"event_publishjobfinish_fail.xml": &message.PublishJobFinish{Header: publish, PublishID: "2247503051",
			PublishStatus: 2, FailIdx: []int{1, 2}},
		"event_kf_create_session.xml": &message.KfSessionEvent{Header: ev("touser", "fromuser", 1399197672, "kf_create_session", ""),
			KfAccount: "test1@test"},
		"event_kf_close_session.xml": &message.KfSessionEvent{Header: ev("touser", "fromuser", 1399197672, "kf_close_session", ""),
			KfAccount: "test1@test"},
		"event_kf_switch_session.xml": &message.KfSessionEvent{Header: ev("touser", "fromuser", 1399197672, "kf_switch_session", ""),
			FromKfAccount: "test1@test", ToKfAccount: "test2@test"},
	}
}

func TestParseOfficialSamples(t *testing.T) {
	t.Parallel()
	for name, want := range fixtures() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := message.Parse(readFixture(t, name))
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
}

func TestSceneHelpers(t *testing.T) {
	t.Parallel()
	m, err := message.Parse(readFixture(t, "event_subscribe_qrscene.xml"))
	require.NoError(t, err)
	assert.Equal(t, "123123", m.(*message.Subscribe).Scene())
	m, err = message.Parse(readFixture(t, "event_subscribe.xml"))
	require.NoError(t, err)
	assert.Equal(t, "", m.(*message.Subscribe).Scene())
	m, err = message.Parse(readFixture(t, "event_scan.xml"))
	require.NoError(t, err)
	assert.Equal(t, "SCENE_VALUE", m.(*message.Scan).Scene())
	assert.True(t, m.MessageHeader().IsEvent())
}

func TestParseUnknown(t *testing.T) {
	t.Parallel()
	raw := `<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName>` +
		`<CreateTime>1</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[some_future_event]]></Event>` +
		`<EventKey><![CDATA[pages/index]]></EventKey><MenuId>42</MenuId><Extra><A>1</A></Extra></xml>`
	m, err := message.Parse([]byte(raw))
	require.NoError(t, err)
	u, ok := m.(*message.Unknown)
	require.True(t, ok, "%T", m)
	assert.Equal(t, "event", u.MsgType)
	assert.Equal(t, "some_future_event", u.Event)
	assert.Equal(t, "pages/index", u.EventKey)
	assert.Equal(t, raw, string(u.Raw))
	v, ok := u.Get("MenuId")
	assert.True(t, ok)
	assert.Equal(t, "42", v)
	_, ok = u.Get("Nope")
	assert.False(t, ok)

	m, err = message.Parse([]byte(`<xml><MsgType>miniprogrampage</MsgType><Title>t</Title></xml>`))
	require.NoError(t, err)
	u = m.(*message.Unknown)
	assert.Equal(t, "miniprogrampage", u.MsgType)
	v, _ = u.Get("Title")
	assert.Equal(t, "t", v)
}

func TestParseTextForms(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{`<Content>plain text</Content>`, "plain text"},
		{`<Content>a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; &#20320;&#x597d;</Content>`, `a <b> & "c" 'd' 你好`},
		{`<Content><![CDATA[a]]]]><![CDATA[>b]]></Content>`, "a]]>b"},
		{`<Content>
  <![CDATA[spaced]]>
</Content>`, "spaced"},
		{`<Content><![CDATA[<xml></xml> </Content>]]></Content>`, "<xml></xml> </Content>"},
		{`<Content><![CDATA[]]></Content>`, ""},
		{`<Content/>`, ""},
		{`<Content></Content>`, ""},
		{`<Content>x<!-- c -->y</Content>`, "xy"},
	}
	for _, c := range cases {
		doc := `<?xml version="1.0" encoding="UTF-8"?>` + "\n<xml><MsgType><![CDATA[text]]></MsgType>" + c.in + "<MsgId>1</MsgId></xml>\n"
		m, err := message.Parse([]byte(doc))
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, m.(*message.Text).Content, c.in)
	}
}

func TestParseMalformed(t *testing.T) {
	t.Parallel()
	bad := []string{
		``,
		`not xml`,
		`<xml>`,
		`<xml></xml>`, // no MsgType
		`<root><MsgType>text</MsgType></root>`,
		`<xml><MsgType>text</MsgType></xml>trailing`,
		`<xml><MsgType>text</MsgTyp></xml>`,
		`<xml><MsgType><![CDATA[text</MsgType></xml>`,
		`<xml><MsgType>text</MsgType><Content>a<b/></Content></xml>`,
		`<xml><MsgType>text</MsgType>stray<Content>a</Content></xml>`,
		`<xml><MsgType>text</MsgType><Content>&bogus;</Content></xml>`,
		`<xml><MsgType>text</MsgType><Content>&#0;</Content></xml>`,
		`<xml><MsgType>text</MsgType><Content attr="1">a</Content></xml>`,
		`<xml><MsgType>text</MsgType><CreateTime>yesterday</CreateTime></xml>`,
		`<xml><MsgType>text</MsgType><MsgId>1.5</MsgId></xml>`,
		`<xml><MsgType>location</MsgType><Location_X>north</Location_X></xml>`,
		`<xml><MsgType>event</MsgType><Event>MASSSENDJOBFINISH</Event><TotalCount>x</TotalCount></xml>`,
		`<xml><MsgType>event</MsgType><Event>pic_weixin</Event><SendPicsInfo><Count>one</Count></SendPicsInfo></xml>`,
		`<xml><MsgType>text</MsgType><!-- unterminated </xml>`,
		`<xml><MsgType>text</MsgType><A><B><C><D><E><F><G><H><I>SECRETVAL</I></H></G></F></E></D></C></B></A></xml>`,
		`<xml><MsgType>text</MsgType></A></xml>`,
	}
	for _, in := range bad {
		_, err := message.Parse([]byte(in))
		require.Error(t, err, in)
		assert.True(t, errors.Is(err, message.ErrMalformedMessage), "%q: %v", in, err)
		assert.NotContains(t, err.Error(), "SECRETVAL")
	}
}

func TestParseDoesNotAlias(t *testing.T) {
	t.Parallel()
	b := readFixture(t, "text.xml")
	m, err := message.Parse(b)
	require.NoError(t, err)
	for i := range b {
		b[i] = 'x'
	}
	assert.Equal(t, "this is a test", m.(*message.Text).Content)
}

// TestParseRefusesRepeatedRootElements: readers disagree on which of two
// FromUserName to believe (encoding/xml takes the last, DOM samples the
// first), so a push repeating a root element is malformed.
func TestParseRefusesRepeatedRootElements(t *testing.T) {
	t.Parallel()
	_, err := message.Parse([]byte(`<xml><MsgType>text</MsgType><FromUserName>a</FromUserName><FromUserName>b</FromUserName></xml>`))
	assert.ErrorIs(t, err, message.ErrMalformedMessage)
	assert.ErrorContains(t, err, "repeated element <FromUserName>")
}

// TestParseNormalizesLineEnds: CR LF and CR become LF, as XML 1.0 says and
// encoding/xml does; a character reference &#13; stays a CR.
func TestParseNormalizesLineEnds(t *testing.T) {
	t.Parallel()
	for doc, want := range map[string]string{
		"<xml><MsgType>text</MsgType><Content>a\r\nb\rc</Content></xml>":          "a\nb\nc",
		"<xml><MsgType>text</MsgType><Content><![CDATA[a\r\nb]]></Content></xml>": "a\nb",
		"<xml><MsgType>text</MsgType><Content>a&#13;\r\n&amp;</Content></xml>":    "a\r\n&",
		"<xml><MsgType>text</MsgType><Content> <!--x--> </Content></xml>":         "  ",
		"<xml><MsgType>text</MsgType><Content>\r\n</Content></xml>":               "\n",
	} {
		m, err := message.Parse([]byte(doc))
		require.NoError(t, err, doc)
		assert.Equal(t, want, m.(*message.Text).Content, "%q", doc)
	}
}

func TestParseLargeDocument(t *testing.T) {
	t.Parallel()
	var sb strings.Builder
	sb.WriteString("<xml><MsgType>text</MsgType>")
	for i := range 100 {
		sb.WriteString("<Extra" + strconv.Itoa(i) + ">1</Extra" + strconv.Itoa(i) + ">")
	}
	sb.WriteString("<Content>last</Content></xml>")
	m, err := message.Parse([]byte(sb.String()))
	require.NoError(t, err)
	assert.Equal(t, "last", m.(*message.Text).Content)
}

func BenchmarkParseText(b *testing.B) {
	doc := textPush(6054768590064713728, "hello")
	b.ReportAllocs()
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, err := message.Parse(doc); err != nil {
			b.Fatal(err)
		}
	}
}
