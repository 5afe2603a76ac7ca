package sim

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseReplyDocSamples(t *testing.T) {
	t.Parallel()
	want := map[string]func(*testing.T, *Reply){
		"reply_text.xml": func(t *testing.T, r *Reply) {
			assert.Equal(t, "text", r.MsgType)
			assert.Equal(t, "你好", r.Content)
			assert.Equal(t, int64(12345678), r.CreateTime)
		},
		"reply_image.xml": func(t *testing.T, r *Reply) { assert.Equal(t, "media_id", r.MediaID) },
		"reply_voice.xml": func(t *testing.T, r *Reply) { assert.Equal(t, "media_id", r.MediaID) },
		"reply_video.xml": func(t *testing.T, r *Reply) {
			assert.Equal(t, "media_id", r.MediaID)
			assert.Equal(t, "title", r.Title)
			assert.Equal(t, "description", r.Description)
		},
		"reply_music.xml": func(t *testing.T, r *Reply) {
			require.NotNil(t, r.Music)
			assert.Equal(t, "media_id", r.Music.ThumbMediaID)
			assert.Equal(t, "MUSIC_Url", r.Music.MusicURL)
		},
		"reply_news.xml": func(t *testing.T, r *Reply) {
			require.Len(t, r.Articles, 1)
			assert.Equal(t, "url", r.Articles[0].URL)
			assert.Equal(t, "picurl", r.Articles[0].PicURL)
		},
		"reply_transfer.xml": func(t *testing.T, r *Reply) { assert.Equal(t, "test1@test", r.KfAccount) },
	}
	for name, check := range want {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		require.NoError(t, err)
		r, err := ParseReply(data)
		require.NoError(t, err, name)
		assert.Equal(t, "toUser", r.ToUserName, name)
		assert.Equal(t, "fromUser", r.FromUserName, name)
		assert.Equal(t, data, r.Raw)
		check(t, r)
	}
}

func TestParseReplyErrors(t *testing.T) {
	t.Parallel()
	head := "<xml><ToUserName><![CDATA[to]]></ToUserName><FromUserName><![CDATA[from]]></FromUserName><CreateTime>1</CreateTime>"
	for in, reason := range map[string]string{
		"not xml":           "not well-formed",
		"<root><a/></root>": "root element",
		"<xml><FromUserName>a</FromUserName></xml>": "missing ToUserName",
		head + "</xml>":                                        "missing MsgType",
		head + "<MsgType>text</MsgType></xml>":                 "without Content",
		head + "<MsgType>image</MsgType><Image></Image></xml>": "without MediaId",
		head + "<MsgType>music</MsgType><Music></Music></xml>": "ThumbMediaId",
		head + "<MsgType>news</MsgType><ArticleCount>2</ArticleCount><Articles><item/></Articles></xml>":                                           "ArticleCount",
		head + "<MsgType>location</MsgType></xml>":                                                                                                 "unknown reply MsgType",
		strings.Replace(head, "<CreateTime>1</CreateTime>", "<CreateTime>x</CreateTime>", 1) + "<MsgType>text</MsgType><Content>a</Content></xml>": "CreateTime",
		strings.Replace(head, "<CreateTime>1</CreateTime>", "", 1) + "<MsgType>text</MsgType><Content>a</Content></xml>":                           "missing CreateTime",
	} {
		_, err := ParseReply([]byte(in))
		var re *ReplyError
		require.ErrorAs(t, err, &re, in)
		assert.Contains(t, re.Reason, reason, in)
		assert.Contains(t, re.Error(), reason)
	}
}

func FuzzParseReply(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "reply_*.xml"))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("<xml><MsgType>news</MsgType><ArticleCount>9</ArticleCount></xml>"))
	f.Add([]byte("success"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseReply(data)
		if err != nil {
			if _, ok := err.(*ReplyError); !ok {
				t.Fatalf("error of type %T", err)
			}
			if r != nil {
				t.Fatal("reply with error")
			}
			return
		}
		if r.ToUserName == "" || r.FromUserName == "" || r.MsgType == "" {
			t.Fatalf("accepted reply without addressing: %+v", r)
		}
		switch r.MsgType {
		case "text":
			if r.Content == "" {
				t.Fatal("empty text accepted")
			}
		case "image", "voice", "video":
			if r.MediaID == "" {
				t.Fatal("media reply without MediaId accepted")
			}
		case "music":
			if r.Music == nil || r.Music.ThumbMediaID == "" {
				t.Fatal("music without thumb accepted")
			}
		case "news":
			if len(r.Articles) < 1 || len(r.Articles) > 8 {
				t.Fatalf("news with %d articles accepted", len(r.Articles))
			}
		case "transfer_customer_service":
		default:
			t.Fatalf("unknown MsgType %q accepted", r.MsgType)
		}
	})
}
