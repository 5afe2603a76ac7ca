package template

import (
	"bytes"
	"context"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wxkit/mp"
)

const pathBizSend = "/cgi-bin/message/subscribe/bizsend"

// SubscribeData holds the values of a subscription notification by keyword
// (thing1, time2, ...). It encodes as {"thing1":{"value":"..."}} with keys
// in sorted order.
type SubscribeData map[string]string

// MarshalJSON encodes d in WeChat's {"key":{"value":"..."}} form, without
// HTML escaping.
func (d SubscribeData) MarshalJSON() ([]byte, error) {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, err := mp.MarshalJSON(k)
		if err != nil {
			return nil, err
		}
		vb, err := mp.MarshalJSON(d[k])
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteString(`:{"value":`)
		b.Write(vb)
		b.WriteByte('}')
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Value length limits of subscription notifications by keyword type (订阅
// 通知参数值内容限制), in characters. A keyword is its type followed by digits:
// thing1, character_string2.
var subscribeLimits = map[string]int{
	"thing":            20, // 20个以内字符
	"number":           32, // 32位以内数字
	"letter":           32, // 32位以内字母
	"symbol":           5,  // 5位以内符号
	"character_string": 32, // 32位以内数字、字母或符号
	"phone_number":     17, // 17位以内
	"car_number":       8,  // 8位以内
	"name":             20, // 10个以内汉字或20个以内字母或符号
	"phrase":           5,  // 5个以内汉字
}

// SubscribeValueLimit returns the documented maximum length, in characters,
// of the value of keyword (thing1 → 20, phrase3 → 5), and false for types
// without a length rule (time, date, amount, enum...).
func SubscribeValueLimit(keyword string) (int, bool) {
	n, ok := subscribeLimits[strings.TrimRight(keyword, "0123456789")]
	return n, ok
}

// SubscribeMessage is the body of [Service.SendSubscribe] (发送订阅通知).
type SubscribeMessage struct {
	ToUser     string `json:"touser"`      // OpenID of a user who subscribed
	TemplateID string `json:"template_id"` // priTmplId of the template
	// Page is the web page opened on tap (跳转网页时填写).
	Page string `json:"page,omitempty"`
	// MiniProgram opens a Mini Program page instead (跳小程序时填写).
	MiniProgram *MiniProgram  `json:"miniprogram,omitempty"`
	Data        SubscribeData `json:"data"`
}

func (m *SubscribeMessage) validate(op string) error {
	switch {
	case m == nil:
		return invalid(op, "", "nil message")
	case m.ToUser == "":
		return invalid(op, "touser", "required")
	case m.TemplateID == "":
		return invalid(op, "template_id", "required")
	case len(m.Data) == 0:
		return invalid(op, "data", "required")
	}
	if err := m.MiniProgram.validate(op); err != nil {
		return err
	}
	keys := make([]string, 0, len(m.Data))
	for k := range m.Data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := m.Data[k]
		field := "data." + k + ".value"
		if k == "" || strings.ContainsAny(k, "{}") || !utf8.ValidString(k) {
			return invalid(op, "data", "invalid keyword "+strconv.Quote(k))
		}
		if v == "" {
			return invalid(op, field, "empty value")
		}
		if !utf8.ValidString(v) {
			return invalid(op, field, "not valid UTF-8")
		}
		if max, ok := SubscribeValueLimit(k); ok {
			if n := utf8.RuneCountInString(v); n > max {
				return invalid(op, field, "longer than "+strconv.Itoa(max)+" characters ("+strconv.Itoa(n)+")")
			}
		}
	}
	return nil
}

// SendSubscribe sends a subscription notification through
// POST /cgi-bin/message/subscribe/bizsend (发送订阅通知). The user must have
// subscribed to the template (43101 otherwise). Values longer than the
// documented limit of their keyword type are refused before sending (see
// [SubscribeValueLimit]).
func (s *Service) SendSubscribe(ctx context.Context, msg *SubscribeMessage) error {
	if err := msg.validate("template.SendSubscribe"); err != nil {
		return err
	}
	return s.c.Do(ctx, &mp.Request{Method: "POST", Path: pathBizSend, Body: msg}, nil)
}
