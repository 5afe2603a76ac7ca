package mass

import (
	"encoding/json"
	"fmt"

	"github.com/wxkit/mp"
)

// MsgType is a mass message type (群发的消息类型).
type MsgType string

// Mass message types.
const (
	TypeMPNews  MsgType = "mpnews"  // 图文消息
	TypeText    MsgType = "text"    // 文本
	TypeVoice   MsgType = "voice"   // 语音/音频
	TypeImage   MsgType = "image"   // 图片
	TypeMPVideo MsgType = "mpvideo" // 视频
	TypeWxCard  MsgType = "wxcard"  // 卡券
)

// Message is the content of a mass message: MsgType and the one payload
// field that matches it. Build it with [MPNews], [Text], [Voice], [Images],
// [Image], [MPVideo], [Video] or [WxCard].
type Message struct {
	MsgType MsgType    `json:"msgtype"`
	MPNews  *MediaRef  `json:"mpnews,omitempty"`
	Text    *TextBody  `json:"text,omitempty"`
	Voice   *MediaRef  `json:"voice,omitempty"`
	Image   *MediaRef  `json:"image,omitempty"`  // one image; the form preview uses
	Images  *ImageSet  `json:"images,omitempty"` // one or more images, for sends
	MPVideo *VideoBody `json:"mpvideo,omitempty"`
	WxCard  *CardBody  `json:"wxcard,omitempty"`
}

// MediaRef names a material by media_id.
type MediaRef struct {
	MediaID string `json:"media_id"`
}

// TextBody is the content of a text message.
type TextBody struct {
	Content string `json:"content"`
}

// ImageSet is an image message of one or more images (图片消息), with the
// recommendation text and the comment settings of the post.
type ImageSet struct {
	MediaIDs           []string `json:"media_ids"`
	Recommend          string   `json:"recommend,omitempty"` // 推荐语
	NeedOpenComment    bool     `json:"-"`                   // 是否打开评论
	OnlyFansCanComment bool     `json:"-"`                   // 是否粉丝才可评论
}

type imageSetWire struct {
	MediaIDs           []string `json:"media_ids"`
	Recommend          string   `json:"recommend,omitempty"`
	NeedOpenComment    int      `json:"need_open_comment"`
	OnlyFansCanComment int      `json:"only_fans_can_comment"`
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// MarshalJSON writes the comment flags as 0/1, as WeChat expects.
func (s ImageSet) MarshalJSON() ([]byte, error) {
	return json.Marshal(imageSetWire{s.MediaIDs, s.Recommend, b2i(s.NeedOpenComment), b2i(s.OnlyFansCanComment)})
}

// UnmarshalJSON reads the 0/1 comment flags.
func (s *ImageSet) UnmarshalJSON(b []byte) error {
	var w imageSetWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*s = ImageSet{MediaIDs: w.MediaIDs, Recommend: w.Recommend, NeedOpenComment: w.NeedOpenComment != 0,
		OnlyFansCanComment: w.OnlyFansCanComment != 0}
	return nil
}

// VideoBody is a video message. For sends to a tag or to everyone the
// media_id comes from 上传图文消息/视频 (media/uploadvideo), which takes the
// title and description; the OpenID-list send and preview also accept them
// here.
type VideoBody struct {
	MediaID     string `json:"media_id"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
}

// CardBody is a card (卡券) message. CardExt is used by preview only.
type CardBody struct {
	CardID  string `json:"card_id"`
	CardExt string `json:"card_ext,omitempty"`
}

// MPNews returns an article (图文消息) message for the news material mediaID.
func MPNews(mediaID string) Message {
	return Message{MsgType: TypeMPNews, MPNews: &MediaRef{MediaID: mediaID}}
}

// Text returns a text message.
func Text(content string) Message {
	return Message{MsgType: TypeText, Text: &TextBody{Content: content}}
}

// Voice returns a voice message for the voice material mediaID.
func Voice(mediaID string) Message {
	return Message{MsgType: TypeVoice, Voice: &MediaRef{MediaID: mediaID}}
}

// Images returns an image message of one or more image materials; set
// Recommend and the comment flags on the returned Message.Images.
func Images(mediaIDs ...string) Message {
	return Message{MsgType: TypeImage, Images: &ImageSet{MediaIDs: mediaIDs}}
}

// Image returns a one-image message in the form of the preview API. For
// sends prefer [Images]; [Service.Preview] also accepts an [Images]
// message of a single image.
func Image(mediaID string) Message {
	return Message{MsgType: TypeImage, Image: &MediaRef{MediaID: mediaID}}
}

// MPVideo returns a video message for mediaID (from media/uploadvideo).
func MPVideo(mediaID string) Message {
	return Message{MsgType: TypeMPVideo, MPVideo: &VideoBody{MediaID: mediaID}}
}

// Video returns a video message with a title and description, the form of
// the OpenID-list send.
func Video(mediaID, title, description string) Message {
	return Message{MsgType: TypeMPVideo, MPVideo: &VideoBody{MediaID: mediaID, Title: title, Description: description}}
}

// WxCard returns a card (卡券) message.
func WxCard(cardID string) Message {
	return Message{MsgType: TypeWxCard, WxCard: &CardBody{CardID: cardID}}
}

// validate checks that the payload matching MsgType is present and
// complete, and that no other payload is set.
func (m *Message) validate(op string) error {
	bad := func(field, reason string) error { return &mp.ValidationError{Op: op, Field: field, Reason: reason} }
	set := 0
	for _, p := range [...]bool{m.MPNews != nil, m.Text != nil, m.Voice != nil, m.Image != nil || m.Images != nil,
		m.MPVideo != nil, m.WxCard != nil} {
		if p {
			set++
		}
	}
	if m.Image != nil && m.Images != nil {
		return bad("images", "set image or images, not both")
	}
	if set > 1 {
		return bad("msgtype", "a message has exactly one payload")
	}
	switch m.MsgType {
	case TypeMPNews:
		if m.MPNews == nil || m.MPNews.MediaID == "" {
			return bad("mpnews.media_id", "media_id is required")
		}
	case TypeText:
		if m.Text == nil || m.Text.Content == "" {
			return bad("text.content", "content is required")
		}
	case TypeVoice:
		if m.Voice == nil || m.Voice.MediaID == "" {
			return bad("voice.media_id", "media_id is required")
		}
	case TypeImage:
		switch {
		case m.Image != nil:
			if m.Image.MediaID == "" {
				return bad("image.media_id", "media_id is required")
			}
		case m.Images == nil || len(m.Images.MediaIDs) == 0:
			return bad("images.media_ids", "at least one media_id is required")
		default:
			for i, id := range m.Images.MediaIDs {
				if id == "" {
					return bad(fmt.Sprintf("images.media_ids[%d]", i), "empty media_id")
				}
			}
		}
	case TypeMPVideo:
		if m.MPVideo == nil || m.MPVideo.MediaID == "" {
			return bad("mpvideo.media_id", "media_id is required")
		}
	case TypeWxCard:
		if m.WxCard == nil || m.WxCard.CardID == "" {
			return bad("wxcard.card_id", "card_id is required")
		}
	case "":
		return bad("msgtype", "msgtype is required")
	default:
		return bad("msgtype", fmt.Sprintf("unsupported msgtype %q", m.MsgType))
	}
	return nil
}
