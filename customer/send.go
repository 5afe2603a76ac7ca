package customer

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strconv"

	"github.com/wxkit/mp"
)

const (
	pathSend   = "/cgi-bin/message/custom/send"
	pathTyping = "/cgi-bin/message/custom/typing"
)

// Message is one customer-service message (客服消息). MsgType names the
// msgtype, and the value itself is encoded as the object under that key:
// Text{Content: "hi"} becomes "msgtype":"text","text":{"content":"hi"}.
//
// The types of this package cover every documented msgtype; a type of your
// own works too (a msgtype WeChat adds later). Use [Service.SendRaw] for a
// body you have already encoded.
type Message interface {
	MsgType() string
}

// validator is implemented by the message types of this package.
type validator interface {
	validate(op string) error
}

// Text is a text message. Content may contain <a href="..."> links,
// including links that open a Mini Program (data-miniprogram-appid,
// data-miniprogram-path); they are sent unescaped.
type Text struct {
	Content string `json:"content"`
}

// Image is an image message; MediaID comes from the media upload APIs.
type Image struct {
	MediaID string `json:"media_id"`
}

// Voice is a voice message.
type Voice struct {
	MediaID string `json:"media_id"`
}

// Video is a video message.
type Video struct {
	MediaID      string `json:"media_id"`
	ThumbMediaID string `json:"thumb_media_id"`
	Title        string `json:"title,omitempty"`
	Description  string `json:"description,omitempty"`
}

// Music is a music message.
type Music struct {
	Title        string `json:"title,omitempty"`
	Description  string `json:"description,omitempty"`
	MusicURL     string `json:"musicurl"`
	HQMusicURL   string `json:"hqmusicurl"` // played on Wi-Fi
	ThumbMediaID string `json:"thumb_media_id"`
}

// News is an article that opens an external link (图文消息, 点击跳转到外链).
// WeChat accepts exactly one article (more answer errcode 45008).
type News struct {
	Articles []Article `json:"articles"`
}

// Article is one article of a [News] message.
type Article struct {
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	URL         string `json:"url"`
	PicURL      string `json:"picurl,omitempty"`
}

// MPNews sends a material article by media_id (图文消息, 点击跳转到图文消息页面).
// WeChat deprecates it in favour of [MPNewsArticle].
type MPNews struct {
	MediaID string `json:"media_id"`
}

// MPNewsArticle sends a published article by the article_id of the 发布
// APIs.
type MPNewsArticle struct {
	ArticleID string `json:"article_id"`
}

// MsgMenu is a menu message (菜单消息): the user taps an item and WeChat
// sends its ID back as a text message.
type MsgMenu struct {
	HeadContent string     `json:"head_content"`
	List        []MenuItem `json:"list"`
	TailContent string     `json:"tail_content"`
}

// MenuItem is one choice of a [MsgMenu].
type MenuItem struct {
	ID      string `json:"id"`
	Content string `json:"content"`
}

// WXCard sends a card or coupon (卡券); only cards without a custom code
// can be sent this way.
type WXCard struct {
	CardID string `json:"card_id"`
}

// MiniProgramPage is a Mini Program card (小程序卡片); the Mini Program must
// be linked to the Official Account.
type MiniProgramPage struct {
	Title        string `json:"title"`
	AppID        string `json:"appid"`
	PagePath     string `json:"pagepath"`
	ThumbMediaID string `json:"thumb_media_id"` // card image, 520*416 recommended
}

// MsgType implements [Message].
func (Text) MsgType() string            { return "text" }
func (Image) MsgType() string           { return "image" }
func (Voice) MsgType() string           { return "voice" }
func (Video) MsgType() string           { return "video" }
func (Music) MsgType() string           { return "music" }
func (News) MsgType() string            { return "news" }
func (MPNews) MsgType() string          { return "mpnews" }
func (MPNewsArticle) MsgType() string   { return "mpnewsarticle" }
func (MsgMenu) MsgType() string         { return "msgmenu" }
func (WXCard) MsgType() string          { return "wxcard" }
func (MiniProgramPage) MsgType() string { return "miniprogrampage" }

func required(op, field, v string) error {
	if v == "" {
		return invalid(op, field, "required")
	}
	return nil
}

func (m Text) validate(op string) error  { return required(op, "text.content", m.Content) }
func (m Image) validate(op string) error { return required(op, "image.media_id", m.MediaID) }
func (m Voice) validate(op string) error { return required(op, "voice.media_id", m.MediaID) }
func (m Video) validate(op string) error { return required(op, "video.media_id", m.MediaID) }

func (m Music) validate(op string) error {
	if err := required(op, "music.musicurl", m.MusicURL); err != nil {
		return err
	}
	return required(op, "music.thumb_media_id", m.ThumbMediaID)
}

func (m News) validate(op string) error {
	if len(m.Articles) != 1 {
		return invalid(op, "news.articles", "exactly one article is allowed, got "+strconv.Itoa(len(m.Articles)))
	}
	if err := required(op, "news.articles[0].title", m.Articles[0].Title); err != nil {
		return err
	}
	return required(op, "news.articles[0].url", m.Articles[0].URL)
}

func (m MPNews) validate(op string) error { return required(op, "mpnews.media_id", m.MediaID) }
func (m MPNewsArticle) validate(op string) error {
	return required(op, "mpnewsarticle.article_id", m.ArticleID)
}

func (m MsgMenu) validate(op string) error {
	if len(m.List) == 0 {
		return invalid(op, "msgmenu.list", "at least one item is required")
	}
	for i, it := range m.List {
		f := "msgmenu.list[" + strconv.Itoa(i) + "]"
		if err := required(op, f+".id", it.ID); err != nil {
			return err
		}
		if err := required(op, f+".content", it.Content); err != nil {
			return err
		}
	}
	return nil
}

func (m WXCard) validate(op string) error { return required(op, "wxcard.card_id", m.CardID) }

func (m MiniProgramPage) validate(op string) error {
	if err := required(op, "miniprogrampage.appid", m.AppID); err != nil {
		return err
	}
	if err := required(op, "miniprogrampage.pagepath", m.PagePath); err != nil {
		return err
	}
	return required(op, "miniprogrampage.thumb_media_id", m.ThumbMediaID)
}

// SendOption adjusts one [Service.Send] call.
type SendOption func(*sendOptions)

type sendOptions struct {
	kfAccount string
}

// WithKFAccount sends the message as the named customer-service account
// ("customservice": {"kf_account": ...}), shown to the user as that
// account's nickname and avatar.
func WithKFAccount(account string) SendOption {
	return func(o *sendOptions) { o.kfAccount = account }
}

// Send sends msg to the user toUser (an OpenID) through
// POST /cgi-bin/message/custom/send (客服接口-发消息). Outside the 48-hour
// window WeChat answers 45015; test for it with [IsOutsideWindow].
func (s *Service) Send(ctx context.Context, toUser string, msg Message, opts ...SendOption) error {
	body, err := EncodeMessage(toUser, msg, opts...)
	if err != nil {
		return err
	}
	return s.c.Do(ctx, &mp.Request{Method: "POST", Path: pathSend, Body: body}, nil)
}

// SendText sends a text message; it is Send with [Text].
func (s *Service) SendText(ctx context.Context, toUser, content string, opts ...SendOption) error {
	return s.Send(ctx, toUser, Text{Content: content}, opts...)
}

// SendRaw sends an already-encoded 客服消息 JSON body (with touser and
// msgtype) through the same endpoint as Send. The message package's
// callback server uses it, through its CustomerSender interface, to deliver
// a passive reply that missed the 5-second deadline.
func (s *Service) SendRaw(ctx context.Context, body json.RawMessage) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return invalid("customer.SendRaw", "body", "empty")
	}
	if !json.Valid(body) {
		return invalid("customer.SendRaw", "body", "not valid JSON")
	}
	return s.c.Do(ctx, &mp.Request{Method: "POST", Path: pathSend, Body: body}, nil)
}

// EncodeMessage returns the JSON body Send would post for msg, without HTML
// escaping. It validates like Send.
func EncodeMessage(toUser string, msg Message, opts ...SendOption) (json.RawMessage, error) {
	const op = "customer.Send"
	if err := checkOpenID(op, "touser", toUser); err != nil {
		return nil, err
	}
	if msg == nil {
		return nil, invalid(op, "msgtype", "nil message")
	}
	if rv := reflect.ValueOf(msg); rv.Kind() == reflect.Pointer && rv.IsNil() {
		return nil, invalid(op, "msgtype", "nil message")
	}
	typ := msg.MsgType()
	if typ == "" || typ == "touser" || typ == "msgtype" || typ == "customservice" {
		return nil, invalid(op, "msgtype", "invalid message type "+strconv.Quote(typ))
	}
	if v, ok := msg.(validator); ok {
		if err := v.validate(op); err != nil {
			return nil, err
		}
	}
	var o sendOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.kfAccount != "" {
		if err := checkAccount(op, o.kfAccount, false); err != nil {
			return nil, err
		}
	}
	var b bytes.Buffer
	b.Grow(len(toUser) + len(o.kfAccount) + 160)
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // <a href> links reach WeChat as written
	// put encodes v at the end of b, dropping the newline Encode appends.
	put := func(v any) error {
		if err := enc.Encode(v); err != nil {
			return err
		}
		b.Truncate(b.Len() - 1)
		return nil
	}
	b.WriteString(`{"touser":`)
	_ = put(toUser) // strings always encode
	b.WriteString(`,"msgtype":`)
	_ = put(typ)
	b.WriteByte(',')
	_ = put(typ)
	b.WriteByte(':')
	if err := put(msg); err != nil {
		return nil, invalid(op, typ, "cannot encode: "+err.Error())
	}
	if o.kfAccount != "" {
		b.WriteString(`,"customservice":{"kf_account":`)
		_ = put(o.kfAccount)
		b.WriteByte('}')
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// TypingCommand is the command of the typing API.
type TypingCommand string

// Typing commands (客服输入状态).
const (
	CommandTyping       TypingCommand = "Typing"       // show "正在输入" to the user
	CommandCancelTyping TypingCommand = "CancelTyping" // hide it
)

type typingRequest struct {
	ToUser  string        `json:"touser"`
	Command TypingCommand `json:"command"`
}

// SetTyping shows or hides the "typing" indicator (客服输入状态) through
// POST /cgi-bin/message/custom/typing. WeChat requires a message exchange
// with the user in the last 30 seconds (45080) and refuses a repeated
// Typing while one is shown (45081).
func (s *Service) SetTyping(ctx context.Context, toUser string, cmd TypingCommand) error {
	const op = "customer.SetTyping"
	if err := checkOpenID(op, "touser", toUser); err != nil {
		return err
	}
	if cmd != CommandTyping && cmd != CommandCancelTyping {
		return invalid(op, "command", "must be Typing or CancelTyping")
	}
	return s.c.Do(ctx, &mp.Request{Method: "POST", Path: pathTyping, Body: typingRequest{toUser, cmd}}, nil)
}

// Typing shows the typing indicator; it is SetTyping with CommandTyping.
func (s *Service) Typing(ctx context.Context, toUser string) error {
	return s.SetTyping(ctx, toUser, CommandTyping)
}

// CancelTyping hides the typing indicator.
func (s *Service) CancelTyping(ctx context.Context, toUser string) error {
	return s.SetTyping(ctx, toUser, CommandCancelTyping)
}
