package template

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/wxkit/mp"
)

const pathSend = "/cgi-bin/message/template/send"

// Data holds the values of a template message, by keyword (the name in
// {{name.DATA}}): Data{"thing1": {Value: "巧克力"}}. It encodes as
// {"thing1":{"value":"巧克力"}} with keys in sorted order.
type Data map[string]DataItem

// DataItem is the value of one keyword. WeChat no longer renders custom
// colors in template messages, but still accepts the field.
type DataItem struct {
	Value string `json:"value"`
	Color string `json:"color,omitempty"` // e.g. "#173177"
}

// NewData builds Data from keyword/value pairs given in order:
// NewData("thing1", "巧克力", "amount2", "39.8元"). An odd count, an empty
// keyword or a repeated keyword is an error.
func NewData(pairs ...string) (Data, error) {
	if len(pairs)%2 != 0 {
		return nil, errors.New("template: NewData needs keyword/value pairs, got an odd count")
	}
	d := make(Data, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		k := pairs[i]
		if k == "" {
			return nil, fmt.Errorf("template: NewData: empty keyword at position %d", i)
		}
		if _, dup := d[k]; dup {
			return nil, fmt.Errorf("template: NewData: keyword %q given twice", k)
		}
		d[k] = DataItem{Value: pairs[i+1]}
	}
	return d, nil
}

// Message is the body of [Service.Send] (发送模板消息).
type Message struct {
	ToUser     string `json:"touser"`      // OpenID
	TemplateID string `json:"template_id"` // from ListTemplates or the MP console
	// URL opens on tap. With MiniProgram set too, the Mini Program wins;
	// with neither, the message does not open anything.
	URL         string       `json:"url,omitempty"`
	MiniProgram *MiniProgram `json:"miniprogram,omitempty"`
	// ClientMsgID (防重入 id) makes WeChat send one message per openid +
	// client_msg_id within 10 minutes, so a send with one is retried after
	// a timeout or a 5xx without risking a duplicate.
	ClientMsgID string `json:"client_msg_id,omitempty"`
	Data        Data   `json:"data"`
}

// SendResponse is the answer of [Service.Send].
type SendResponse struct {
	MsgID int64 `json:"msgid"`
}

func (m *Message) validate(op string) error {
	switch {
	case m == nil:
		return invalid(op, "", "nil message")
	case m.ToUser == "":
		return invalid(op, "touser", "required")
	case m.TemplateID == "":
		return invalid(op, "template_id", "required")
	}
	if err := m.MiniProgram.validate(op); err != nil {
		return err
	}
	for k := range m.Data {
		if k == "" || strings.ContainsAny(k, "{}") || !utf8.ValidString(k) {
			return invalid(op, "data", fmt.Sprintf("invalid keyword %q", k))
		}
	}
	return nil
}

// Send sends a template message through POST /cgi-bin/message/template/send
// (发送模板消息) and returns its msgid, which the TEMPLATESENDJOBFINISH event
// reports later. The request is marked idempotent, and so retried after a
// timeout or a 5xx, only when msg.ClientMsgID is set.
func (s *Service) Send(ctx context.Context, msg *Message) (*SendResponse, error) {
	if err := msg.validate("template.Send"); err != nil {
		return nil, err
	}
	if msg.Data == nil {
		m := *msg
		m.Data = Data{}
		msg = &m
	}
	var out SendResponse
	err := s.c.Do(ctx, &mp.Request{Method: "POST", Path: pathSend, Body: msg, Idempotent: msg.ClientMsgID != ""}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// CheckData reports the keywords of content ({{name.DATA}}) that data
// lacks, as a *mp.ValidationError, or nil when data covers them all.
func CheckData(content string, data Data) error {
	if miss := missingKeys(ParseKeys(content), data); len(miss) > 0 {
		return invalid("template.CheckData", "data", "missing keywords "+strings.Join(miss, ", "))
	}
	return nil
}
