package sim

// The smaller families served from their own files:
//
//   - 一次性订阅消息 (onetime.go): the page GET /mp/subscribemsg (a user
//     picker and a consent form whose buttons are #confirm and #cancel,
//     redirecting to redirect_url with openid, template_id, action, scene
//     and reserved), Sim.SubscribeOnce to play it from code, and POST
//     /cgi-bin/message/template/subscribe, which takes one message per
//     confirmation of DefaultOneTimeTemplateID and a scene (43101 otherwise).
//   - 自动回复规则 (autoreply.go): GET /cgi-bin/get_current_autoreply_info
//     answers DefaultAutoReplyInfo or what Sim.SetAutoReplyInfo set.
//   - 转换openid (changeopenid.go): POST /cgi-bin/changeopenid converts the
//     openids of the account Sim.SetMigratedFrom names, by MigratedOpenID.
//   - 群发视频 and 商品卡片 (massvideo.go): POST /cgi-bin/media/uploadvideo,
//     POST /channels/ec/service/product/getcardinfo.
//   - 智能接口 (vision.go): /cv/ocr/* and /cv/img/*, by img_url or upload,
//     with deterministic answers (see VisionImage) and the 2 MB limit.

// surfaceState is the state of the smaller families served from their own
// files: 一次性订阅消息 (onetime.go), 自动回复规则 (autoreply.go), 转换openid
// (changeopenid.go), 群发视频 and product cards (massvideo.go) and 智能接口
// (vision.go). It lives in one field of state, guarded by Sim.mu, and is
// initialized lazily by surfaceLocked.
type surfaceState struct {
	ready bool
	// oneTime maps openid+"\x00"+template_id+"\x00"+scene to an
	// authorization not yet used by a send.
	oneTime map[string]bool
	// autoReply is the rule set of get_current_autoreply_info; nil means
	// DefaultAutoReplyInfo.
	autoReply *AutoReplyInfo
	// migratedFrom is the from_appid changeopenid accepts ("" for none).
	migratedFrom string
	// visionImages are the images made by cv/img/superresolution.
	visionImages map[string][]byte
}

// surfaceLocked returns the surface state, initialized. s.mu held.
func (s *Sim) surfaceLocked() *surfaceState {
	st := &s.surface
	if !st.ready {
		st.ready = true
		st.oneTime = map[string]bool{}
		st.visionImages = map[string][]byte{}
	}
	return st
}
