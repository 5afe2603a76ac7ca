package message

import "strings"

// Message types (MsgType) of 接收普通消息 and 接收事件推送.
const (
	MsgTypeText       = "text"
	MsgTypeImage      = "image"
	MsgTypeVoice      = "voice"
	MsgTypeVideo      = "video"
	MsgTypeShortVideo = "shortvideo"
	MsgTypeLocation   = "location"
	MsgTypeLink       = "link"
	MsgTypeEvent      = "event"
)

// Event types (Event) of 接收事件推送, 自定义菜单事件推送, 模板消息 / 群发 结果推送
// and 客服会话状态通知.
const (
	EventSubscribe             = "subscribe"
	EventUnsubscribe           = "unsubscribe"
	EventScan                  = "SCAN"
	EventLocation              = "LOCATION"
	EventClick                 = "CLICK"
	EventView                  = "VIEW"
	EventScanCodePush          = "scancode_push"
	EventScanCodeWaitMsg       = "scancode_waitmsg"
	EventPicSysPhoto           = "pic_sysphoto"
	EventPicPhotoOrAlbum       = "pic_photo_or_album"
	EventPicWeixin             = "pic_weixin"
	EventLocationSelect        = "location_select"
	EventTemplateSendJobFinish = "TEMPLATESENDJOBFINISH"
	EventMassSendJobFinish     = "MASSSENDJOBFINISH"
	EventPublishJobFinish      = "PUBLISHJOBFINISH"
	EventKfCreateSession       = "kf_create_session"
	EventKfCloseSession        = "kf_close_session"
	EventKfSwitchSession       = "kf_switch_session"
)

// Message is a decoded push: one of *Text, *Image, *Voice, *Video (also
// shortvideo), *Location, *Link, *Subscribe, *Unsubscribe, *Scan,
// *LocationEvent, *Click, *View, *ScanCodeEvent, *PicEvent,
// *LocationSelect, *TemplateSendJobFinish, *MassSendJobFinish, *PublishJobFinish,
// *KfSessionEvent, or *Unknown for anything else. Use a type switch, or the
// common fields through MessageHeader.
type Message interface {
	// MessageHeader returns the fields every push carries.
	MessageHeader() *Header
}

// Header holds the fields common to every message and event push. String
// fields are empty when the push does not carry them.
type Header struct {
	ToUserName   string // the official account's original ID (开发者微信号, gh_...)
	FromUserName string // the sender's OpenID
	CreateTime   int64  // Unix seconds
	MsgType      string // MsgTypeText, ..., MsgTypeEvent
	Event        string // event pushes only: EventSubscribe, ...
	EventKey     string // event pushes that carry one (menu key, QR scene, URL)

	// MsgID is MsgId of user messages (also MsgID of the
	// TEMPLATESENDJOBFINISH / MASSSENDJOBFINISH events); 0 when absent.
	MsgID int64
	// MsgDataID and Idx are set when the message came from an article
	// (消息如果来自文章时才有).
	MsgDataID string
	Idx       string
}

// MessageHeader implements Message.
func (h *Header) MessageHeader() *Header { return h }

// IsEvent reports whether the push is an event (MsgType "event").
func (h *Header) IsEvent() bool { return h.MsgType == MsgTypeEvent }

// Text is a text message (文本消息).
type Text struct {
	Header
	Content string
}

// Image is an image message (图片消息).
type Image struct {
	Header
	PicURL  string // PicUrl
	MediaID string // MediaId
}

// Voice is a voice message (语音消息). Recognition is the speech recognition
// result (语音识别结果) when the account has it enabled.
type Voice struct {
	Header
	MediaID     string
	Format      string
	Recognition string
	MediaID16K  string // MediaId16K
}

// Video is a video (视频消息) or short video (小视频消息) message; MsgType
// tells which.
type Video struct {
	Header
	MediaID      string
	ThumbMediaID string
}

// Location is a location message (地理位置消息).
type Location struct {
	Header
	LocationX float64 // Location_X, latitude
	LocationY float64 // Location_Y, longitude
	Scale     int
	Label     string
}

// Link is a link message (链接消息).
type Link struct {
	Header
	Title       string
	Description string
	URL         string // Url
}

// QRScenePrefix prefixes the EventKey of a subscribe event sent when an
// unsubscribed user scans a parameterized QR code (扫描带参数二维码事件).
const QRScenePrefix = "qrscene_"

// Subscribe is the follow event (关注事件). When the user came from a
// parameterized QR code, EventKey is "qrscene_<scene>" and Ticket is set.
type Subscribe struct {
	Header
	Ticket string
}

// Scene returns the QR code scene (EventKey without the "qrscene_" prefix),
// or "" for a plain follow.
func (s *Subscribe) Scene() string {
	if v, ok := strings.CutPrefix(s.EventKey, QRScenePrefix); ok {
		return v
	}
	return ""
}

// Unsubscribe is the unfollow event (取消关注事件).
type Unsubscribe struct {
	Header
}

// Scan is the SCAN event: a follower scanned a parameterized QR code
// (扫描带参数二维码事件, 用户已关注时). EventKey is the scene.
type Scan struct {
	Header
	Ticket string
}

// Scene returns the QR code scene (the EventKey).
func (s *Scan) Scene() string { return s.EventKey }

// LocationEvent is the LOCATION event (上报地理位置事件).
type LocationEvent struct {
	Header
	Latitude  float64
	Longitude float64
	Precision float64
}

// Click is the CLICK menu event (点击菜单拉取消息时的事件推送); EventKey is the
// menu key.
type Click struct {
	Header
}

// View is the VIEW menu event (点击菜单跳转链接时的事件推送); EventKey is the
// URL.
type View struct {
	Header
	MenuID string // MenuId
}

// ScanCodeInfo is the scan result of scancode_push / scancode_waitmsg.
type ScanCodeInfo struct {
	ScanType   string
	ScanResult string
}

// ScanCodeEvent is the scancode_push or scancode_waitmsg menu event
// (扫码推事件 / 扫码推事件且弹出“消息接收中”提示框).
type ScanCodeEvent struct {
	Header
	ScanCodeInfo ScanCodeInfo
}

// SendPicsInfo lists the pictures of a pic_* menu event.
type SendPicsInfo struct {
	Count   int
	PicList []PicItem
}

// PicItem is one picture of SendPicsInfo.
type PicItem struct {
	PicMd5Sum string
}

// PicEvent is the pic_sysphoto, pic_photo_or_album or pic_weixin menu event
// (弹出系统拍照发图 / 拍照或者相册发图 / 微信相册发图器的事件推送).
type PicEvent struct {
	Header
	SendPicsInfo SendPicsInfo
}

// SendLocationInfo is the location chosen in a location_select menu event.
type SendLocationInfo struct {
	LocationX float64 // Location_X
	LocationY float64 // Location_Y
	Scale     int
	Label     string
	Poiname   string
}

// LocationSelect is the location_select menu event (弹出地理位置选择器的事件推送).
type LocationSelect struct {
	Header
	SendLocationInfo SendLocationInfo
}

// TemplateSendJobFinish reports the delivery of a template message
// (模板消息 送达结果 TEMPLATESENDJOBFINISH). Header.MsgID is the template
// message ID.
type TemplateSendJobFinish struct {
	Header
	Status string // "success", "failed:user block", "failed: system failed"
}

// PublishJobFinish reports the result of publishing a draft (发布能力
// 事件推送发布结果 PUBLISHJOBFINISH), the asynchronous answer to
// freepublish/submit.
type PublishJobFinish struct {
	Header
	PublishID string
	// PublishStatus: 0 published, 1 publishing, 2 failed the originality
	// check, 3 failed, 4 rejected by review, 5 deleted after publishing,
	// 6 banned after publishing.
	PublishStatus int
	ArticleID     string
	Articles      []PublishedArticle // article_detail items, on success
	FailIdx       []int              // the failed articles' positions, on failure
}

// PublishedArticle is one article of a PublishJobFinish.
type PublishedArticle struct {
	Idx        int
	ArticleURL string
}

// MassSendJobFinish reports the result of a mass send (群发结果
// MASSSENDJOBFINISH). Header.MsgID is the mass message ID.
type MassSendJobFinish struct {
	Header
	Status               string
	TotalCount           int
	FilterCount          int
	SentCount            int
	ErrorCount           int
	CopyrightCheckResult CopyrightCheckResult
	ArticleURLResult     ArticleURLResult
}

// CopyrightCheckResult is the originality check of a mass send (原创校验).
type CopyrightCheckResult struct {
	Count      int
	ResultList []CopyrightCheckItem
	CheckState int
}

// CopyrightCheckItem is one article of CopyrightCheckResult.
type CopyrightCheckItem struct {
	ArticleIdx            int
	UserDeclareState      int
	AuditState            int
	OriginalArticleURL    string // OriginalArticleUrl
	OriginalArticleType   int
	CanReprint            int
	NeedReplaceContent    int
	NeedShowReprintSource int
}

// ArticleURLResult lists the URLs of the articles of a mass send.
type ArticleURLResult struct {
	Count      int
	ResultList []ArticleURLItem
}

// ArticleURLItem is one article URL of ArticleURLResult.
type ArticleURLItem struct {
	ArticleIdx int
	ArticleURL string // ArticleUrl
}

// KfSessionEvent is a customer-service session event (客服会话状态通知):
// kf_create_session and kf_close_session set KfAccount, kf_switch_session
// sets FromKfAccount and ToKfAccount.
type KfSessionEvent struct {
	Header
	KfAccount     string
	FromKfAccount string
	ToKfAccount   string
}

// Unknown is a message or event this package has no type for. It reaches
// the handler like any other message, with the raw XML and its elements.
type Unknown struct {
	Header
	Raw    []byte  // the plaintext XML of the push
	Fields []Field // top-level elements, in document order
}

// Field is one element of an Unknown push: a leaf with its text, or a
// container with its child elements (nested lists such as a repeated
// <List> or <item> are reachable without parsing Raw again).
type Field struct {
	Name     string
	Value    string  // text content; empty for nested elements
	Children []Field // child elements of a container, in document order
}

// Get returns the value of the first child leaf named name.
func (f Field) Get(name string) (string, bool) { return getField(f.Children, name) }

// Nested returns the first top-level container named name.
func (u *Unknown) Nested(name string) (Field, bool) {
	for _, f := range u.Fields {
		if f.Name == name && f.Children != nil {
			return f, true
		}
	}
	return Field{}, false
}

// Get returns the value of the first top-level element named name.
func (u *Unknown) Get(name string) (string, bool) { return getField(u.Fields, name) }

func getField(fs []Field, name string) (string, bool) {
	for _, f := range fs {
		if f.Name == name {
			return f.Value, true
		}
	}
	return "", false
}
