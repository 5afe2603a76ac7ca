package sim

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
