package message

// Event types of 微信认证事件推送 (account verification events) and of the
// 跳转小程序 menu button.
const (
	EventQualificationVerifySuccess = "qualification_verify_success"
	EventQualificationVerifyFail    = "qualification_verify_fail"
	EventNamingVerifySuccess        = "naming_verify_success"
	EventNamingVerifyFail           = "naming_verify_fail"
	EventAnnualRenew                = "annual_renew"
	EventVerifyExpired              = "verify_expired"
	EventViewMiniprogram            = "view_miniprogram"
)

// VerifyEvent is a 微信认证事件推送: qualification_verify_success (资质认证成功,
// ExpiredTime), qualification_verify_fail (资质认证失败, FailTime and
// FailReason), naming_verify_success (名称认证成功, ExpiredTime),
// naming_verify_fail (名称认证失败, FailTime and FailReason), annual_renew
// (年审通知, ExpiredTime) and verify_expired (认证过期失效通知, ExpiredTime).
// Header.Event tells which; FromUserName is a system account.
type VerifyEvent struct {
	Header
	ExpiredTime int64 // Unix seconds the verification expires at
	FailTime    int64 // Unix seconds of the failure
	FailReason  string
}

// ViewMiniprogram is the view_miniprogram menu event (点击菜单跳转小程序的事件推送):
// EventKey is the mini program page path, MenuID the menu's id when a
// conditional menu was shown.
type ViewMiniprogram struct {
	Header
	MenuID string // MenuId
}

// PagePath returns the page path of the mini program (the EventKey).
func (v *ViewMiniprogram) PagePath() string { return v.EventKey }

func init() {
	verify := func(r *numReader, h Header, _ string) Message {
		return &VerifyEvent{Header: h, ExpiredTime: r.int64("ExpiredTime"),
			FailTime: r.int64("FailTime"), FailReason: r.fs.get("FailReason")}
	}
	registerEvents(map[string]eventDecoder{
		EventQualificationVerifySuccess: verify,
		EventQualificationVerifyFail:    verify,
		EventNamingVerifySuccess:        verify,
		EventNamingVerifyFail:           verify,
		EventAnnualRenew:                verify,
		EventVerifyExpired:              verify,
		EventViewMiniprogram: func(r *numReader, h Header, _ string) Message {
			return &ViewMiniprogram{Header: h, MenuID: r.fs.get("MenuId")}
		},
	})
}
