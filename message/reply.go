package message

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Reply is a passive reply (被动回复用户消息): TextReply, ImageReply,
// VoiceReply, VideoReply, MusicReply, NewsReply or TransferCustomerService,
// as a value or a pointer. A handler returns nil to answer "success"
// (nothing is sent to the user). ToUserName, FromUserName and CreateTime are
// filled from the request.
type Reply interface {
	// appendXML appends the reply document addressed to the sender of the
	// request; toEvent tells whether the request was an event.
	appendXML(dst []byte, to, from string, createTime int64, toEvent bool) ([]byte, error)
	// custom returns the 客服消息 body delivering the reply late.
	custom(touser string) (any, error)
}

// TextReply is a text reply (回复文本消息).
type TextReply struct {
	Content string
}

// ImageReply is an image reply (回复图片消息) of an uploaded media.
type ImageReply struct {
	MediaID string
}

// VoiceReply is a voice reply (回复语音消息).
type VoiceReply struct {
	MediaID string
}

// VideoReply is a video reply (回复视频消息). ThumbMediaID is not part of the
// passive reply; it is used only when the reply is delivered late through
// the customer-service API (客服消息 requires thumb_media_id).
type VideoReply struct {
	MediaID      string
	Title        string
	Description  string
	ThumbMediaID string
}

// MusicReply is a music reply (回复音乐消息).
type MusicReply struct {
	Title        string
	Description  string
	MusicURL     string // MusicUrl
	HQMusicURL   string // HQMusicUrl
	ThumbMediaID string
}

// NewsReply is a news reply (回复图文消息). WeChat accepts a single article
// when replying to a user message (text, image, voice, video, location,
// link) and up to 8 when replying to an event; the 客服消息 API accepts one.
type NewsReply struct {
	Articles []Article
}

// Article is one item of a NewsReply.
type Article struct {
	Title       string
	Description string
	PicURL      string // PicUrl
	URL         string // Url
}

// TransferCustomerService hands the conversation to the customer-service
// system (消息转发到客服). KfAccount, when set, selects the agent (指定客服).
// It cannot be delivered late.
type TransferCustomerService struct {
	KfAccount string
}

// Maximum number of articles in a news reply.
const (
	MaxArticles             = 8 // replying to an event
	MaxArticlesToUserMsg    = 1 // replying to a user message
	maxArticlesCustomerNews = 1 // 客服消息 news
)

func (r TextReply) appendXML(dst []byte, to, from string, t int64, _ bool) ([]byte, error) {
	dst = appendHead(dst, to, from, t, MsgTypeText)
	dst = appendElem(dst, "Content", r.Content)
	return append(dst, "</xml>"...), nil
}

func (r ImageReply) appendXML(dst []byte, to, from string, t int64, _ bool) ([]byte, error) {
	dst = appendHead(dst, to, from, t, MsgTypeImage)
	dst = append(dst, "<Image>"...)
	dst = appendElem(dst, "MediaId", r.MediaID)
	return append(dst, "</Image></xml>"...), nil
}

func (r VoiceReply) appendXML(dst []byte, to, from string, t int64, _ bool) ([]byte, error) {
	dst = appendHead(dst, to, from, t, MsgTypeVoice)
	dst = append(dst, "<Voice>"...)
	dst = appendElem(dst, "MediaId", r.MediaID)
	return append(dst, "</Voice></xml>"...), nil
}

func (r VideoReply) appendXML(dst []byte, to, from string, t int64, _ bool) ([]byte, error) {
	dst = appendHead(dst, to, from, t, MsgTypeVideo)
	dst = append(dst, "<Video>"...)
	dst = appendElem(dst, "MediaId", r.MediaID)
	dst = appendElem(dst, "Title", r.Title)
	dst = appendElem(dst, "Description", r.Description)
	return append(dst, "</Video></xml>"...), nil
}

func (r MusicReply) appendXML(dst []byte, to, from string, t int64, _ bool) ([]byte, error) {
	dst = appendHead(dst, to, from, t, "music")
	dst = append(dst, "<Music>"...)
	dst = appendElem(dst, "Title", r.Title)
	dst = appendElem(dst, "Description", r.Description)
	dst = appendElem(dst, "MusicUrl", r.MusicURL)
	dst = appendElem(dst, "HQMusicUrl", r.HQMusicURL)
	dst = appendElem(dst, "ThumbMediaId", r.ThumbMediaID)
	return append(dst, "</Music></xml>"...), nil
}

func (r NewsReply) appendXML(dst []byte, to, from string, t int64, toEvent bool) ([]byte, error) {
	limit := MaxArticlesToUserMsg
	if toEvent {
		limit = MaxArticles
	}
	if len(r.Articles) == 0 || len(r.Articles) > limit {
		return dst, fmt.Errorf("%w: news reply with %d articles (allowed 1..%d)", ErrInvalidReply, len(r.Articles), limit)
	}
	dst = appendHead(dst, to, from, t, "news")
	dst = append(dst, "<ArticleCount>"...)
	dst = strconv.AppendInt(dst, int64(len(r.Articles)), 10)
	dst = append(dst, "</ArticleCount><Articles>"...)
	for _, a := range r.Articles {
		dst = append(dst, "<item>"...)
		dst = appendElem(dst, "Title", a.Title)
		dst = appendElem(dst, "Description", a.Description)
		dst = appendElem(dst, "PicUrl", a.PicURL)
		dst = appendElem(dst, "Url", a.URL)
		dst = append(dst, "</item>"...)
	}
	return append(dst, "</Articles></xml>"...), nil
}

func (r TransferCustomerService) appendXML(dst []byte, to, from string, t int64, _ bool) ([]byte, error) {
	dst = appendHead(dst, to, from, t, "transfer_customer_service")
	if r.KfAccount != "" {
		dst = append(dst, "<TransInfo>"...)
		dst = appendElem(dst, "KfAccount", r.KfAccount)
		dst = append(dst, "</TransInfo>"...)
	}
	return append(dst, "</xml>"...), nil
}

// isNilReply reports whether r is nil or a nil pointer to a reply type.
func isNilReply(r Reply) bool {
	switch v := r.(type) {
	case nil:
		return true
	case *TextReply:
		return v == nil
	case *ImageReply:
		return v == nil
	case *VoiceReply:
		return v == nil
	case *VideoReply:
		return v == nil
	case *MusicReply:
		return v == nil
	case *NewsReply:
		return v == nil
	case *TransferCustomerService:
		return v == nil
	}
	return false
}

// AppendReplyXML appends the plaintext XML document of reply r answering
// request m (ToUserName and FromUserName swapped, CreateTime given) to dst.
// Any content is written so that the document is well-formed XML: CDATA
// sections containing "]]>" are split, and characters XML cannot carry
// (invalid UTF-8, most control characters) become U+FFFD. A nil reply is an
// error; the Server answers "success" for it instead.
func AppendReplyXML(dst []byte, m Message, r Reply, createTime int64) ([]byte, error) {
	if m == nil || isNilReply(r) {
		return dst, fmt.Errorf("%w: nil message or reply", ErrInvalidReply)
	}
	h := m.MessageHeader()
	return r.appendXML(dst, h.FromUserName, h.ToUserName, createTime, h.MsgType == MsgTypeEvent)
}

func appendHead(dst []byte, to, from string, t int64, msgType string) []byte {
	dst = append(dst, "<xml>"...)
	dst = appendElem(dst, "ToUserName", to)
	dst = appendElem(dst, "FromUserName", from)
	dst = append(dst, "<CreateTime>"...)
	dst = strconv.AppendInt(dst, t, 10)
	dst = append(dst, "</CreateTime><MsgType><![CDATA["...)
	dst = append(dst, msgType...)
	return append(dst, "]]></MsgType>"...)
}

// appendElem appends <name><![CDATA[v]]></name>.
func appendElem(dst []byte, name, v string) []byte {
	dst = append(dst, '<')
	dst = append(dst, name...)
	dst = append(dst, '>')
	dst = appendCDATA(dst, v)
	dst = append(dst, "</"...)
	dst = append(dst, name...)
	return append(dst, '>')
}

// appendCDATA appends v as CDATA: "]]>" is split across two sections
// ("]]]]><![CDATA[>") and characters outside the XML Char production are
// replaced by U+FFFD.
func appendCDATA(dst []byte, v string) []byte {
	dst = append(dst, cdataStart...)
	start := 0
	for i := 0; i < len(v); {
		c := v[i]
		if c >= 0x20 && c < utf8.RuneSelf {
			if c == '>' && i >= 2 && v[i-1] == ']' && v[i-2] == ']' {
				dst = append(dst, v[start:i]...)
				dst = append(dst, "]]><![CDATA["...)
				start = i
			}
			i++
			continue
		}
		if c == '\t' || c == '\n' || c == '\r' {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(v[i:])
		if c >= utf8.RuneSelf && r != utf8.RuneError && isXMLChar(r) {
			i += n
			continue
		}
		if c >= utf8.RuneSelf && r == utf8.RuneError && n == 3 {
			i += n // a literal U+FFFD
			continue
		}
		dst = append(dst, v[start:i]...)
		dst = utf8.AppendRune(dst, utf8.RuneError)
		i += n
		start = i
	}
	dst = append(dst, v[start:]...)
	return append(dst, cdataEnd...)
}

func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
