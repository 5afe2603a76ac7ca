package sim

import (
	"bytes"
	"encoding/xml"
	"strconv"
	"strings"

	"github.com/wxkit/mp/crypto"
)

// Reply is a passive reply (被动回复用户消息) the developer's server answered a
// push with, parsed and validated. Raw keeps the plaintext XML (decrypted in
// safe mode).
type Reply struct {
	ToUserName   string
	FromUserName string
	CreateTime   int64
	// MsgType is text, image, voice, video, music, news or
	// transfer_customer_service.
	MsgType string

	Content     string // text
	MediaID     string // image, voice, video
	Title       string // video
	Description string // video
	Music       *ReplyMusic
	Articles    []ReplyArticle // news
	KfAccount   string         // transfer_customer_service TransInfo, if any

	Raw []byte
}

// ReplyMusic is the Music element of a music reply.
type ReplyMusic struct {
	Title        string
	Description  string
	MusicURL     string
	HQMusicURL   string
	ThumbMediaID string
}

// ReplyArticle is one item of a news reply.
type ReplyArticle struct {
	Title       string
	Description string
	PicURL      string
	URL         string
}

// ReplyError reports a passive reply WeChat would reject, or no reply in
// time; the follower then sees "该公众号暂时无法提供服务，请稍后再试".
type ReplyError struct {
	// Reason says what is wrong, e.g. "ToUserName is not the follower".
	Reason string
	// StatusCode is the HTTP status of the answer (0 if none arrived).
	StatusCode int
	// Timeout is set when no answer arrived within Options.ReplyTimeout
	// (after every retry).
	Timeout bool
	// Body is the start (at most 1 KiB) of the answer's body.
	Body []byte
	// Err is the underlying error, if any.
	Err error
}

func (e *ReplyError) Error() string { return "sim: invalid passive reply: " + e.Reason }

// Unwrap returns the underlying error.
func (e *ReplyError) Unwrap() error { return e.Err }

type xmlMedia struct {
	MediaID *string `xml:"MediaId"`
}

type xmlReply struct {
	XMLName      xml.Name
	ToUserName   *string `xml:"ToUserName"`
	FromUserName *string `xml:"FromUserName"`
	CreateTime   *string `xml:"CreateTime"`
	MsgType      *string `xml:"MsgType"`
	Content      *string `xml:"Content"`
	Image        *xmlMedia
	Voice        *xmlMedia
	Video        *struct {
		MediaID     *string `xml:"MediaId"`
		Title       string
		Description string
	}
	Music *struct {
		Title        string
		Description  string
		MusicURL     string  `xml:"MusicUrl"`
		HQMusicURL   string  `xml:"HQMusicUrl"`
		ThumbMediaID *string `xml:"ThumbMediaId"`
	}
	ArticleCount *string
	Articles     *struct {
		Items []struct {
			Title       string
			Description string
			PicURL      string `xml:"PicUrl"`
			URL         string `xml:"Url"`
		} `xml:"item"`
	}
	TransInfo *struct {
		KfAccount string
	}
}

func trimmed(p *string) string {
	if p == nil {
		return ""
	}
	return strings.TrimSpace(*p)
}

func badReply(reason string, body []byte) *ReplyError {
	if len(body) > 1024 {
		body = body[:1024]
	}
	return &ReplyError{Reason: reason, Body: bytes.Clone(body)}
}

// ParseReply parses and validates the plaintext XML of a passive reply: the
// root element is xml; ToUserName, FromUserName, CreateTime (decimal) and
// MsgType are present; MsgType is a documented reply type with its required
// fields (Content; Image/Voice/Video MediaId; Music ThumbMediaId; news with
// ArticleCount equal to its 1..8 items). It does not check who the reply is
// addressed to; the simulator does that against the push. Errors are
// *ReplyError.
func ParseReply(data []byte) (*Reply, error) {
	var x xmlReply
	if err := xml.Unmarshal(data, &x); err != nil {
		e := badReply("not well-formed XML", data)
		e.Err = err
		return nil, e
	}
	if x.XMLName.Local != "xml" {
		return nil, badReply("root element is <"+x.XMLName.Local+">, want <xml>", data)
	}
	r := &Reply{
		ToUserName:   trimmed(x.ToUserName),
		FromUserName: trimmed(x.FromUserName),
		MsgType:      trimmed(x.MsgType),
		Raw:          bytes.Clone(data),
	}
	switch {
	case r.ToUserName == "":
		return nil, badReply("missing ToUserName", data)
	case r.FromUserName == "":
		return nil, badReply("missing FromUserName", data)
	case x.CreateTime == nil:
		return nil, badReply("missing CreateTime", data)
	case r.MsgType == "":
		return nil, badReply("missing MsgType", data)
	}
	ct, err := strconv.ParseInt(trimmed(x.CreateTime), 10, 64)
	if err != nil || ct < 0 {
		return nil, badReply("CreateTime is not a decimal timestamp", data)
	}
	r.CreateTime = ct
	switch r.MsgType {
	case "text":
		if x.Content == nil || *x.Content == "" {
			return nil, badReply("text reply without Content", data)
		}
		r.Content = *x.Content
	case "image", "voice":
		m := x.Image
		if r.MsgType == "voice" {
			m = x.Voice
		}
		if m == nil || trimmed(m.MediaID) == "" {
			return nil, badReply(r.MsgType+" reply without MediaId", data)
		}
		r.MediaID = trimmed(m.MediaID)
	case "video":
		if x.Video == nil || trimmed(x.Video.MediaID) == "" {
			return nil, badReply("video reply without MediaId", data)
		}
		r.MediaID = trimmed(x.Video.MediaID)
		r.Title, r.Description = x.Video.Title, x.Video.Description
	case "music":
		if x.Music == nil || trimmed(x.Music.ThumbMediaID) == "" {
			return nil, badReply("music reply without ThumbMediaId", data)
		}
		m := x.Music
		r.Music = &ReplyMusic{Title: m.Title, Description: m.Description, MusicURL: m.MusicURL, HQMusicURL: m.HQMusicURL, ThumbMediaID: trimmed(m.ThumbMediaID)}
	case "news":
		if x.Articles == nil || len(x.Articles.Items) == 0 {
			return nil, badReply("news reply without Articles", data)
		}
		n, err := strconv.Atoi(trimmed(x.ArticleCount))
		if err != nil || n != len(x.Articles.Items) {
			return nil, badReply("ArticleCount does not match the number of Articles items", data)
		}
		if n > 8 {
			return nil, badReply("news reply with more than 8 articles", data)
		}
		for _, it := range x.Articles.Items {
			r.Articles = append(r.Articles, ReplyArticle(it))
		}
	case "transfer_customer_service":
		if x.TransInfo != nil {
			r.KfAccount = strings.TrimSpace(x.TransInfo.KfAccount)
		}
	default:
		return nil, badReply("unknown reply MsgType "+strconv.Quote(r.MsgType), data)
	}
	return r, nil
}

// safeEnvelope is the outer XML of an encrypted passive reply.
type safeEnvelope struct {
	XMLName      xml.Name `xml:"xml"`
	Encrypt      string   `xml:"Encrypt"`
	MsgSignature string   `xml:"MsgSignature"`
	TimeStamp    string   `xml:"TimeStamp"`
	Nonce        string   `xml:"Nonce"`
}

// openSafeReply verifies and decrypts a safe-mode passive reply.
func (s *Sim) openSafeReply(body []byte) ([]byte, *ReplyError) { return openSafeReplyWith(s.env, body) }

// openSafeReplyWith is openSafeReply with the key of key.
func openSafeReplyWith(key *crypto.Envelope, body []byte) ([]byte, *ReplyError) {
	var env safeEnvelope
	if err := xml.Unmarshal(body, &env); err != nil {
		e := badReply("safe mode: reply is not well-formed XML", body)
		e.Err = err
		return nil, e
	}
	switch {
	case strings.TrimSpace(env.Encrypt) == "":
		return nil, badReply("safe mode: reply is not encrypted (no Encrypt element)", body)
	case env.MsgSignature == "":
		return nil, badReply("safe mode: reply without MsgSignature", body)
	case env.TimeStamp == "" || env.Nonce == "":
		return nil, badReply("safe mode: reply without TimeStamp or Nonce", body)
	}
	plain, err := key.Open(strings.TrimSpace(env.MsgSignature), strings.TrimSpace(env.TimeStamp), strings.TrimSpace(env.Nonce), body)
	if err != nil {
		e := badReply("safe mode: "+err.Error(), body)
		e.Err = err
		return nil, e
	}
	return plain, nil
}
