package message_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/message"
)

func textReq() message.Message {
	return &message.Text{Header: message.Header{ToUserName: "gh_acct", FromUserName: "openid1", MsgType: "text"}}
}

func TestReplyXML(t *testing.T) {
	t.Parallel()
	req := textReq()
	cases := []struct {
		reply message.Reply
		check func(t *testing.T, d replyDoc)
	}{
		{message.TextReply{Content: "你好"}, func(t *testing.T, d replyDoc) {
			assert.Equal(t, "text", d.MsgType)
			assert.Equal(t, "你好", d.Content)
		}},
		{&message.ImageReply{MediaID: "m1"}, func(t *testing.T, d replyDoc) {
			assert.Equal(t, "image", d.MsgType)
			assert.Equal(t, "m1", d.Image.MediaId)
		}},
		{message.VoiceReply{MediaID: "v1"}, func(t *testing.T, d replyDoc) {
			assert.Equal(t, "voice", d.MsgType)
			assert.Equal(t, "v1", d.Voice.MediaId)
		}},
		{message.VideoReply{MediaID: "vid", Title: "t", Description: "d"}, func(t *testing.T, d replyDoc) {
			assert.Equal(t, "video", d.MsgType)
			assert.Equal(t, struct{ MediaId, Title, Description string }{"vid", "t", "d"}, d.Video)
		}},
		{message.MusicReply{Title: "t", Description: "d", MusicURL: "http://m", HQMusicURL: "http://hq", ThumbMediaID: "th"}, func(t *testing.T, d replyDoc) {
			assert.Equal(t, "music", d.MsgType)
			assert.Equal(t, struct{ Title, Description, MusicUrl, HQMusicUrl, ThumbMediaId string }{"t", "d", "http://m", "http://hq", "th"}, d.Music)
		}},
		{message.NewsReply{Articles: []message.Article{{Title: "t", Description: "d", PicURL: "http://p", URL: "http://u"}}}, func(t *testing.T, d replyDoc) {
			assert.Equal(t, "news", d.MsgType)
			assert.Equal(t, 1, d.ArticleCount)
			require.Len(t, d.Articles.Item, 1)
			assert.Equal(t, struct{ Title, Description, PicUrl, Url string }{"t", "d", "http://p", "http://u"}, d.Articles.Item[0])
		}},
		{message.TransferCustomerService{}, func(t *testing.T, d replyDoc) {
			assert.Equal(t, "transfer_customer_service", d.MsgType)
			assert.Empty(t, d.TransInfo.KfAccount)
		}},
		{message.TransferCustomerService{KfAccount: "test1@test"}, func(t *testing.T, d replyDoc) {
			assert.Equal(t, "test1@test", d.TransInfo.KfAccount)
		}},
	}
	for _, c := range cases {
		out, err := message.AppendReplyXML(nil, req, c.reply, 12345678)
		require.NoError(t, err)
		d := decodeReply(t, out)
		assert.Equal(t, "openid1", d.ToUserName)
		assert.Equal(t, "gh_acct", d.FromUserName)
		assert.EqualValues(t, 12345678, d.CreateTime)
		c.check(t, d)
	}
}

func TestReplyXMLExactText(t *testing.T) {
	t.Parallel()
	out, err := message.AppendReplyXML(nil, textReq(), message.TextReply{Content: "a]]>b"}, 1)
	require.NoError(t, err)
	assert.Equal(t, "<xml><ToUserName><![CDATA[openid1]]></ToUserName><FromUserName><![CDATA[gh_acct]]></FromUserName>"+
		"<CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[a]]]]><![CDATA[>b]]></Content></xml>", string(out))
}

func TestNewsLimits(t *testing.T) {
	t.Parallel()
	two := message.NewsReply{Articles: make([]message.Article, 2)}
	_, err := message.AppendReplyXML(nil, textReq(), two, 1)
	assert.ErrorIs(t, err, message.ErrInvalidReply, "a user message allows one article")
	ev := &message.Click{Header: message.Header{MsgType: "event", Event: "CLICK"}}
	out, err := message.AppendReplyXML(nil, ev, message.NewsReply{Articles: make([]message.Article, 8)}, 1)
	require.NoError(t, err)
	assert.Equal(t, 8, decodeReply(t, out).ArticleCount)
	_, err = message.AppendReplyXML(nil, ev, message.NewsReply{Articles: make([]message.Article, 9)}, 1)
	assert.ErrorIs(t, err, message.ErrInvalidReply)
	_, err = message.AppendReplyXML(nil, ev, message.NewsReply{}, 1)
	assert.ErrorIs(t, err, message.ErrInvalidReply)
	_, err = message.AppendReplyXML(nil, ev, nil, 1)
	assert.ErrorIs(t, err, message.ErrInvalidReply)
}

func TestCustomerMessageJSON(t *testing.T) {
	t.Parallel()
	cases := []struct {
		reply message.Reply
		want  string
	}{
		{message.TextReply{Content: "Hello <World> & co"}, `{"touser":"OPENID","msgtype":"text","text":{"content":"Hello <World> & co"}}`},
		{message.ImageReply{MediaID: "MEDIA_ID"}, `{"touser":"OPENID","msgtype":"image","image":{"media_id":"MEDIA_ID"}}`},
		{&message.VoiceReply{MediaID: "MEDIA_ID"}, `{"touser":"OPENID","msgtype":"voice","voice":{"media_id":"MEDIA_ID"}}`},
		{message.VideoReply{MediaID: "MEDIA_ID", ThumbMediaID: "THUMB", Title: "TITLE", Description: "DESC"},
			`{"touser":"OPENID","msgtype":"video","video":{"media_id":"MEDIA_ID","thumb_media_id":"THUMB","title":"TITLE","description":"DESC"}}`},
		{message.MusicReply{Title: "T", Description: "D", MusicURL: "M", HQMusicURL: "HQ", ThumbMediaID: "TH"},
			`{"touser":"OPENID","msgtype":"music","music":{"title":"T","description":"D","musicurl":"M","hqmusicurl":"HQ","thumb_media_id":"TH"}}`},
		{message.NewsReply{Articles: []message.Article{{Title: "T", Description: "D", URL: "U", PicURL: "P"}}},
			`{"touser":"OPENID","msgtype":"news","news":{"articles":[{"title":"T","description":"D","url":"U","picurl":"P"}]}}`},
	}
	for _, c := range cases {
		got, err := message.CustomerMessageJSON("OPENID", c.reply)
		require.NoError(t, err)
		assert.JSONEq(t, c.want, string(got))
		assert.Equal(t, c.want, string(got))
	}
	for _, bad := range []message.Reply{nil, message.TransferCustomerService{}, message.NewsReply{Articles: make([]message.Article, 2)}, (*message.TextReply)(nil)} {
		_, err := message.CustomerMessageJSON("OPENID", bad)
		assert.ErrorIs(t, err, message.ErrInvalidReply)
	}
}

// sanitizeXML is what an XML parser reads back for s written by the reply
// writer: invalid characters replaced, line ends normalized.
func sanitizeXML(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == '\r':
			if i < len(s) && s[i] == '\n' {
				continue
			}
			b.WriteByte('\n')
		case r == 0x09 || r == 0x0A || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF:
			b.WriteRune(r)
		default:
			b.WriteRune(utf8.RuneError)
		}
	}
	return b.String()
}

func TestReplyXMLAnyContent(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "]]>", "]]]]>>", "a\x00b\x1fc", "\xff\xfe", "\r\n\r", "\uFFFE\uFFFF", "<![CDATA[x]]>", "&amp;<>"} {
		out, err := message.AppendReplyXML(nil, textReq(), message.TextReply{Content: s}, 1)
		require.NoError(t, err)
		assert.Equal(t, sanitizeXML(s), decodeReply(t, out).Content, "%q", s)
		// Our own parser reads it back too.
		m, err := message.Parse(out)
		require.NoError(t, err)
		assert.Equal(t, sanitizeXML(s), m.(*message.Text).Content, "%q", s)
	}
}
