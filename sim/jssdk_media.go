package sim

func init() {
	registerRoutes(func(s *Sim) map[string]route {
		return map[string]route{"/cgi-bin/media/get/jssdk": getRoute(true, s.handleMediaGetJSSDK)}
	})
}

// handleMediaGetJSSDK serves GET /cgi-bin/media/get/jssdk?media_id=
// (高清语音素材获取接口): a temporary voice (as uploaded by JS-SDK uploadVoice)
// as a 16 kHz speex file; 40007 for any other, unknown or expired id.
func (s *Sim) handleMediaGetJSSDK(c *call) {
	id := c.query("media_id")
	s.mu.Lock()
	m, ok := s.media[id]
	ok = ok && m.typ == "voice" && !m.permanent && c.now.Sub(m.created) < TemporaryMediaTTL
	s.mu.Unlock()
	if !ok {
		c.fail(40007)
		return
	}
	speex := &mediaItem{id: m.id, typ: m.typ, name: m.id + ".speex", data: append([]byte("Speex   "), m.data...)}
	c.writeFile(speex)
}
