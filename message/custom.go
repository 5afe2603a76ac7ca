package message

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
)

// CustomerSender delivers a message through the customer-service API
// (客服消息, POST /cgi-bin/message/custom/send). The customer package's
// *customer.Service implements it. The Server uses it for replies that miss
// the passive-reply deadline; body is the complete JSON request body.
type CustomerSender interface {
	SendRaw(ctx context.Context, body json.RawMessage) error
}

type customMedia struct {
	MediaID string `json:"media_id"`
}

type customText struct {
	Content string `json:"content"`
}

type customVideo struct {
	MediaID      string `json:"media_id"`
	ThumbMediaID string `json:"thumb_media_id"`
	Title        string `json:"title,omitempty"`
	Description  string `json:"description,omitempty"`
}

type customMusic struct {
	Title        string `json:"title,omitempty"`
	Description  string `json:"description,omitempty"`
	MusicURL     string `json:"musicurl"`
	HQMusicURL   string `json:"hqmusicurl"`
	ThumbMediaID string `json:"thumb_media_id"`
}

type customArticle struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	URL         string `json:"url"`
	PicURL      string `json:"picurl"`
}

type customNews struct {
	Articles []customArticle `json:"articles"`
}

type customBody struct {
	ToUser  string       `json:"touser"`
	MsgType string       `json:"msgtype"`
	Text    *customText  `json:"text,omitempty"`
	Image   *customMedia `json:"image,omitempty"`
	Voice   *customMedia `json:"voice,omitempty"`
	Video   *customVideo `json:"video,omitempty"`
	Music   *customMusic `json:"music,omitempty"`
	News    *customNews  `json:"news,omitempty"`
}

func (r TextReply) custom(to string) (any, error) {
	return customBody{ToUser: to, MsgType: MsgTypeText, Text: &customText{r.Content}}, nil
}

func (r ImageReply) custom(to string) (any, error) {
	return customBody{ToUser: to, MsgType: MsgTypeImage, Image: &customMedia{r.MediaID}}, nil
}

func (r VoiceReply) custom(to string) (any, error) {
	return customBody{ToUser: to, MsgType: MsgTypeVoice, Voice: &customMedia{r.MediaID}}, nil
}

func (r VideoReply) custom(to string) (any, error) {
	return customBody{ToUser: to, MsgType: MsgTypeVideo, Video: &customVideo{
		MediaID: r.MediaID, ThumbMediaID: r.ThumbMediaID, Title: r.Title, Description: r.Description}}, nil
}

func (r MusicReply) custom(to string) (any, error) {
	return customBody{ToUser: to, MsgType: "music", Music: &customMusic{
		Title: r.Title, Description: r.Description, MusicURL: r.MusicURL,
		HQMusicURL: r.HQMusicURL, ThumbMediaID: r.ThumbMediaID}}, nil
}

func (r NewsReply) custom(to string) (any, error) {
	if len(r.Articles) == 0 || len(r.Articles) > maxArticlesCustomerNews {
		return nil, fmt.Errorf("%w: customer-service news with %d articles (allowed 1..%d)",
			ErrInvalidReply, len(r.Articles), maxArticlesCustomerNews)
	}
	n := &customNews{Articles: make([]customArticle, len(r.Articles))}
	for i, a := range r.Articles {
		n.Articles[i] = customArticle{Title: a.Title, Description: a.Description, URL: a.URL, PicURL: a.PicURL}
	}
	return customBody{ToUser: to, MsgType: "news", News: n}, nil
}

func (r TransferCustomerService) custom(string) (any, error) {
	return nil, fmt.Errorf("%w: transfer_customer_service cannot be delivered through the customer-service API", ErrInvalidReply)
}

// CustomerMessageJSON converts reply r into the body of a customer-service
// message (客服消息 /cgi-bin/message/custom/send) to user touser, for example
//
//	{"touser":"OPENID","msgtype":"text","text":{"content":"Hello World"}}
//
// HTML characters are not escaped. TransferCustomerService, a nil reply and
// a news reply with other than one article are ErrInvalidReply.
func CustomerMessageJSON(touser string, r Reply) (json.RawMessage, error) {
	if isNilReply(r) {
		return nil, fmt.Errorf("%w: nil reply", ErrInvalidReply)
	}
	v, err := r.custom(touser)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
