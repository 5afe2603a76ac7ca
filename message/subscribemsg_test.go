package message_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/message"
)

func TestParseSubscribeMsgEvents(t *testing.T) {
	t.Parallel()
	hdr := func(ct int64, event string) message.Header {
		return message.Header{ToUserName: "gh_123456789abc", FromUserName: "otFpruAK8D-E6EfStSYonYSBZ8_4",
			CreateTime: ct, MsgType: message.MsgTypeEvent, Event: event}
	}
	cases := map[string]message.Message{
		"event_subscribe_msg_popup_event.xml": &message.SubscribeMsgPopupEvent{Header: hdr(1610969440, message.EventSubscribeMsgPopup),
			List: []message.SubscribeMsgPopupItem{
				{TemplateID: "VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc", SubscribeStatusString: "accept", PopupScene: 2},
				{TemplateID: "9nLIlbOQZC5Y89AZteFEux3WCXRRRG5Wfzkpssu4bLI", SubscribeStatusString: "reject", PopupScene: 2},
			}},
		// The official sample of subscribe_msg_change_event wraps its list
		// in SubscribeMsgPopupEvent.
		"event_subscribe_msg_change_event.xml": &message.SubscribeMsgChangeEvent{Header: hdr(1610969440, message.EventSubscribeMsgChange),
			List: []message.SubscribeMsgChangeItem{{TemplateID: "VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc", SubscribeStatusString: "reject"}}},
		"event_subscribe_msg_sent_event.xml": &message.SubscribeMsgSentEvent{Header: hdr(1610969468, message.EventSubscribeMsgSent),
			List: []message.SubscribeMsgSentItem{{TemplateID: "VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc",
				MsgID: "1700827132819554304", ErrorCode: 0, ErrorStatus: "success"}}},
	}
	for name, want := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := message.Parse(readFixture(t, name))
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
	m, err := message.Parse(readFixture(t, "event_subscribe_msg_popup_event.xml"))
	require.NoError(t, err)
	list := m.(*message.SubscribeMsgPopupEvent).List
	assert.True(t, list[0].Accepted())
	assert.False(t, list[1].Accepted())
}

func TestParseSubscribeMsgChangeOwnContainer(t *testing.T) {
	t.Parallel()
	m, err := message.Parse([]byte(`<xml><MsgType>event</MsgType><Event>subscribe_msg_change_event</Event>` +
		`<SubscribeMsgChangeEvent><List><TemplateId>a</TemplateId><SubscribeStatusString>reject</SubscribeStatusString></List>` +
		`<List><TemplateId>b</TemplateId><SubscribeStatusString>reject</SubscribeStatusString></List></SubscribeMsgChangeEvent></xml>`))
	require.NoError(t, err)
	e := m.(*message.SubscribeMsgChangeEvent)
	assert.Equal(t, []message.SubscribeMsgChangeItem{{TemplateID: "a", SubscribeStatusString: "reject"},
		{TemplateID: "b", SubscribeStatusString: "reject"}}, e.List)
}

func TestParseSubscribeMsgBadNumber(t *testing.T) {
	t.Parallel()
	_, err := message.Parse([]byte(`<xml><MsgType>event</MsgType><Event>subscribe_msg_popup_event</Event>` +
		`<SubscribeMsgPopupEvent><List><TemplateId>a</TemplateId><PopupScene>x</PopupScene></List></SubscribeMsgPopupEvent></xml>`))
	require.ErrorIs(t, err, message.ErrMalformedMessage)
	_, err = message.Parse([]byte(`<xml><MsgType>event</MsgType><Event>subscribe_msg_sent_event</Event>` +
		`<SubscribeMsgSentEvent><List><ErrorCode>x</ErrorCode></List></SubscribeMsgSentEvent></xml>`))
	require.ErrorIs(t, err, message.ErrMalformedMessage)
}

func TestParseSubscribeMsgEmpty(t *testing.T) {
	t.Parallel()
	m, err := message.Parse([]byte(`<xml><MsgType>event</MsgType><Event>subscribe_msg_sent_event</Event></xml>`))
	require.NoError(t, err)
	assert.Empty(t, m.(*message.SubscribeMsgSentEvent).List)
}
