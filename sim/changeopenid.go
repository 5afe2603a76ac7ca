package sim

import (
	"crypto/sha256"
	"encoding/base64"
)

func init() {
	registerRoutes(func(s *Sim) map[string]route {
		return map[string]route{"/cgi-bin/changeopenid": postRoute(true, s.handleChangeOpenID)}
	})
	registerErrMsgs(map[int]string{63178: "invalid from_appid, or the account migration is not done"})
}

// MaxChangeOpenID is the number of openids one changeopenid call takes.
const MaxChangeOpenID = 100

// SetMigratedFrom makes fromAppID an account migrated into the simulated
// one (账号迁移), so that POST /cgi-bin/changeopenid (转换openid) converts
// its openids; "" (the default) means no migration, and every call answers
// 63178. The conversion is deterministic: see [MigratedOpenID].
func (s *Sim) SetMigratedFrom(fromAppID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.surfaceLocked().migratedFrom = fromAppID
}

// MigratedOpenID is the openid the simulator gives under its account to
// the user oriOpenID of the migrated account fromAppID: "o" and 27
// characters of the URL-safe base64 of SHA-256(fromAppID ":" oriOpenID).
func MigratedOpenID(fromAppID, oriOpenID string) string {
	sum := sha256.Sum256([]byte(fromAppID + ":" + oriOpenID))
	return "o" + base64.RawURLEncoding.EncodeToString(sum[:])[:27]
}

// changeOpenIDValid reports whether id looks like an openid: 28 characters of
// letters, digits, '-' and '_'.
func changeOpenIDValid(id string) bool {
	if len(id) != 28 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// handleChangeOpenID serves POST /cgi-bin/changeopenid (转换openid):
// 41002 without from_appid, 63178 for an account not migrated here
// (SetMigratedFrom), 40032 for an empty list or more than 100 openids.
// Each openid that looks like one (28 characters of [A-Za-z0-9_-]) converts
// with err_msg "ok"; any other gets err_msg "ori_openid error" and no
// new_openid, without failing the call.
func (s *Sim) handleChangeOpenID(c *call) {
	var req struct {
		FromAppID  string   `json:"from_appid"`
		OpenIDList []string `json:"openid_list"`
	}
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	from := s.surfaceLocked().migratedFrom
	s.mu.Unlock()
	switch {
	case req.FromAppID == "":
		c.fail(41002)
		return
	case from == "" || req.FromAppID != from:
		c.fail(63178)
		return
	case len(req.OpenIDList) == 0 || len(req.OpenIDList) > MaxChangeOpenID:
		c.fail(40032)
		return
	}
	type result struct {
		Ori string `json:"ori_openid"`
		New string `json:"new_openid,omitempty"`
		Msg string `json:"err_msg"`
	}
	list := make([]result, 0, len(req.OpenIDList))
	for _, id := range req.OpenIDList {
		if !changeOpenIDValid(id) {
			list = append(list, result{Ori: id, Msg: "ori_openid error"})
			continue
		}
		list = append(list, result{Ori: id, New: MigratedOpenID(from, id), Msg: "ok"})
	}
	c.json(map[string]any{"errcode": 0, "errmsg": "ok", "result_list": list})
}
