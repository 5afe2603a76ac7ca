package message_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/message"
)

func TestParseVerifyEvents(t *testing.T) {
	t.Parallel()
	hdr := func(event string) message.Header {
		return message.Header{ToUserName: "toUser", FromUserName: "fromUser", CreateTime: 1442401156,
			MsgType: message.MsgTypeEvent, Event: event}
	}
	expired := func(event string) message.Message {
		return &message.VerifyEvent{Header: hdr(event), ExpiredTime: 1442401156}
	}
	failed := func(event string) message.Message {
		return &message.VerifyEvent{Header: hdr(event), FailTime: 1442401122, FailReason: "by time"}
	}
	cases := map[string]message.Message{
		"event_qualification_verify_success.xml": expired(message.EventQualificationVerifySuccess),
		"event_qualification_verify_fail.xml":    failed(message.EventQualificationVerifyFail),
		"event_naming_verify_success.xml":        expired(message.EventNamingVerifySuccess),
		"event_naming_verify_fail.xml":           failed(message.EventNamingVerifyFail),
		"event_annual_renew.xml":                 expired(message.EventAnnualRenew),
		"event_verify_expired.xml":               expired(message.EventVerifyExpired),
		"event_view_miniprogram.xml": &message.ViewMiniprogram{Header: message.Header{ToUserName: "toUser",
			FromUserName: "FromUser", CreateTime: 123456789, MsgType: message.MsgTypeEvent,
			Event: message.EventViewMiniprogram, EventKey: "pages/index/index"}, MenuID: "MENUID"},
	}
	for name, want := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := message.Parse(readFixture(t, name))
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
	m, err := message.Parse(readFixture(t, "event_view_miniprogram.xml"))
	require.NoError(t, err)
	assert.Equal(t, "pages/index/index", m.(*message.ViewMiniprogram).PagePath())
	_, err = message.Parse([]byte(`<xml><MsgType>event</MsgType><Event>verify_expired</Event><ExpiredTime>soon</ExpiredTime></xml>`))
	require.ErrorIs(t, err, message.ErrMalformedMessage)
}

// An unknown push reaches the handler with its nested containers
// reachable: repeated lists keep their order and their leaves.
func TestParseUnknownNested(t *testing.T) {
	t.Parallel()
	m, err := message.Parse([]byte(`<xml><MsgType>event</MsgType><Event>future_event</Event><Top>v</Top>` +
		`<Box><List><Id>1</Id><Deep><X>y</X></Deep></List><List><Id>2</Id></List></Box></xml>`))
	require.NoError(t, err)
	u := m.(*message.Unknown)
	v, ok := u.Get("Top")
	require.True(t, ok)
	assert.Equal(t, "v", v)
	box, ok := u.Nested("Box")
	require.True(t, ok)
	require.Len(t, box.Children, 2)
	id, _ := box.Children[1].Get("Id")
	assert.Equal(t, "2", id)
	assert.Equal(t, "Deep", box.Children[0].Children[1].Name)
	x, _ := box.Children[0].Children[1].Get("X")
	assert.Equal(t, "y", x)
	_, ok = u.Nested("Top")
	assert.False(t, ok, "a leaf is not a container")
}
