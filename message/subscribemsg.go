package message

// Event types of 订阅通知 (subscription notifications): the follower's answer
// to a subscription popup, a later change in the notification settings, and
// the delivery result of a notification sent with subscribe/bizsend.
const (
	EventSubscribeMsgPopup  = "subscribe_msg_popup_event"
	EventSubscribeMsgChange = "subscribe_msg_change_event"
	EventSubscribeMsgSent   = "subscribe_msg_sent_event"
)

// Values of SubscribeStatusString.
const (
	SubscribeStatusAccept = "accept"
	SubscribeStatusReject = "reject"
)

// SubscribeMsgPopupEvent is 用户操作订阅通知弹窗 (subscribe_msg_popup_event):
// one entry per template of the popup (the List element repeats).
type SubscribeMsgPopupEvent struct {
	Header
	List []SubscribeMsgPopupItem
}

// SubscribeMsgPopupItem is one template of a SubscribeMsgPopupEvent.
type SubscribeMsgPopupItem struct {
	TemplateID            string // TemplateId
	SubscribeStatusString string // SubscribeStatusAccept or SubscribeStatusReject
	// PopupScene: 1 the popup came from an H5 page, 2 from an article
	// (0 in a mini program page).
	PopupScene int
}

// Accepted reports whether the follower accepted the template.
func (i SubscribeMsgPopupItem) Accepted() bool {
	return i.SubscribeStatusString == SubscribeStatusAccept
}

// SubscribeMsgChangeEvent is 用户管理订阅通知 (subscribe_msg_change_event):
// the follower changed the notification settings (only rejections are
// pushed today).
type SubscribeMsgChangeEvent struct {
	Header
	List []SubscribeMsgChangeItem
}

// SubscribeMsgChangeItem is one template of a SubscribeMsgChangeEvent.
type SubscribeMsgChangeItem struct {
	TemplateID            string // TemplateId
	SubscribeStatusString string
}

// SubscribeMsgSentEvent is 发送订阅通知 (subscribe_msg_sent_event): the
// delivery result of subscribe/bizsend.
type SubscribeMsgSentEvent struct {
	Header
	List []SubscribeMsgSentItem
}

// SubscribeMsgSentItem is one notification of a SubscribeMsgSentEvent.
type SubscribeMsgSentItem struct {
	TemplateID  string // TemplateId
	MsgID       string // MsgID, the id bizsend answered (kept as text: it may exceed int64 in future)
	ErrorCode   int    // 0 delivered, 20001 system failure, 20002 user blocked …
	ErrorStatus string // "success", "fail:user reject", "fail:system failed"
}

func init() {
	registerEvents(map[string]eventDecoder{
		EventSubscribeMsgPopup: func(r *numReader, h Header, _ string) Message {
			e := &SubscribeMsgPopupEvent{Header: h}
			for _, it := range subscribeMsgList(r, "SubscribeMsgPopupEvent") {
				ir := r.with(it)
				e.List = append(e.List, SubscribeMsgPopupItem{TemplateID: it.get("TemplateId"),
					SubscribeStatusString: it.get("SubscribeStatusString"), PopupScene: ir.int("PopupScene")})
			}
			return e
		},
		EventSubscribeMsgChange: func(r *numReader, h Header, _ string) Message {
			e := &SubscribeMsgChangeEvent{Header: h}
			// The official sample wraps the list in SubscribeMsgPopupEvent;
			// accept both containers.
			list := subscribeMsgList(r, "SubscribeMsgChangeEvent")
			if list == nil {
				list = subscribeMsgList(r, "SubscribeMsgPopupEvent")
			}
			for _, it := range list {
				e.List = append(e.List, SubscribeMsgChangeItem{TemplateID: it.get("TemplateId"),
					SubscribeStatusString: it.get("SubscribeStatusString")})
			}
			return e
		},
		EventSubscribeMsgSent: func(r *numReader, h Header, _ string) Message {
			e := &SubscribeMsgSentEvent{Header: h}
			for _, it := range subscribeMsgList(r, "SubscribeMsgSentEvent") {
				ir := r.with(it)
				e.List = append(e.List, SubscribeMsgSentItem{TemplateID: it.get("TemplateId"),
					MsgID: it.get("MsgID"), ErrorCode: ir.int("ErrorCode"), ErrorStatus: it.get("ErrorStatus")})
			}
			return e
		},
	})
}

// subscribeMsgList returns the fields of every List element of the
// container (List repeats, one per template).
func subscribeMsgList(r *numReader, container string) []fields {
	var out []fields
	for _, it := range r.sub(r.fs, container, 2) {
		if it.name != "List" || !it.nested {
			continue
		}
		out = append(out, r.sub(fields{it}, "List", 3))
	}
	return out
}
