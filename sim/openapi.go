package sim

import (
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Errcodes of 网络检测, rid/get and quota/get (openApi管理).
func init() {
	registerErrMsgs(map[int]string{
		40201: "invalid url",
		40202: "invalid action",
		40203: "invalid check operator",
		48006: "forbid to clear quota because of reaching the limit",
		76001: "rid not found",
		76002: "rid is error",
		76021: "cgi_path not found, please check",
		76022: "could not use this cgi_path,no permission",
	})
	registerRoutes(func(s *Sim) map[string]route {
		return map[string]route{
			"/cgi-bin/getcallbackip":       getRoute(true, s.handleCallbackIP),
			"/cgi-bin/get_api_domain_ip":   getRoute(true, s.handleAPIDomainIP),
			"/cgi-bin/callback/check":      postRoute(true, s.handleCallbackCheck),
			"/cgi-bin/openapi/quota/get":   postRoute(true, s.handleQuotaGet),
			"/cgi-bin/openapi/quota/clear": postRoute(true, s.handleQuotaClear),
			"/cgi-bin/clear_quota/v2":      postRoute(false, s.handleClearQuotaV2),
			"/cgi-bin/openapi/rid/get":     postRoute(true, s.handleRIDGet),
		}
	})
}

// MonthlyQuotaResets is how many times a month clear_quota and
// clear_quota/v2 together may reset the daily quotas (48006 after that).
const MonthlyQuotaResets = 10

// useQuotaReset spends one of the month's quota resets (by China month),
// or answers 48006.
func (s *Sim) useQuotaReset(now time.Time) int {
	in := s.insight
	in.mu.Lock()
	defer in.mu.Unlock()
	month := now.In(chinaZone).Format("2006-01")
	if month != in.clearMonth {
		in.clearMonth, in.clears = month, 0
	}
	if in.clears >= MonthlyQuotaResets {
		return 48006
	}
	in.clears++
	return 0
}

// handleCallbackIP serves GET /cgi-bin/getcallbackip (获取微信推送服务器IP):
// the simulator pushes from loopback.
func (s *Sim) handleCallbackIP(c *call) {
	c.json(map[string]any{"ip_list": []string{"127.0.0.1", "::1"}})
}

// handleAPIDomainIP serves GET /cgi-bin/get_api_domain_ip (获取微信API服务器IP).
func (s *Sim) handleAPIDomainIP(c *call) {
	c.json(map[string]any{"ip_list": []string{"127.0.0.1"}})
}

// handleCallbackCheck serves POST /cgi-bin/callback/check (网络检测): it
// resolves the callback URL's host and connects to it once (a TCP connect
// stands for WeChat's single ping).
func (s *Sim) handleCallbackCheck(c *call) {
	var req struct {
		Action        string `json:"action"`
		CheckOperator string `json:"check_operator"`
	}
	if !c.decode(&req) {
		return
	}
	switch req.Action {
	case "all", "dns", "ping":
	default:
		c.fail(40202)
		return
	}
	op := req.CheckOperator
	switch op {
	case "CHINANET", "UNICOM", "CAP":
	case "DEFAULT":
		op = "CAP"
	default:
		c.fail(40203)
		return
	}
	s.mu.Lock()
	cb := s.callbackURL
	s.mu.Unlock()
	u, err := url.Parse(cb)
	if cb == "" || err != nil || u.Hostname() == "" {
		c.fail(40201)
		return
	}
	ips, err := net.DefaultResolver.LookupHost(c.r.Context(), u.Hostname())
	if err != nil {
		ips = nil
	}
	port := u.Port()
	if port == "" {
		port = map[bool]string{true: "443", false: "80"}[u.Scheme == "https"]
	}
	dns := []map[string]string{}
	ping := []map[string]string{}
	for _, ip := range ips {
		dns = append(dns, map[string]string{"ip": ip, "real_operator": op})
		start := time.Now()
		loss := "100%"
		conn, err := net.DialTimeout("tcp", net.JoinHostPort(ip, port), time.Second)
		elapsed := time.Since(start)
		if err == nil {
			_ = conn.Close()
			loss = "0%"
		}
		ping = append(ping, map[string]string{"ip": ip, "from_operator": op, "package_loss": loss,
			"time": strconv.FormatFloat(float64(elapsed.Microseconds())/1000, 'f', 3, 64) + "ms"})
	}
	out := map[string]any{}
	if req.Action != "ping" {
		out["dns"] = dns
	}
	if req.Action != "dns" {
		out["ping"] = ping
	}
	c.json(out)
}

// cgiPath decodes and checks the cgi_path of quota/get and quota/clear: a
// path the simulator serves (76021 otherwise), not a web-authorization one
// (76022).
func (s *Sim) cgiPath(c *call) (string, bool) {
	var req struct {
		CGIPath string `json:"cgi_path"`
	}
	if !c.decode(&req) {
		return "", false
	}
	p := req.CGIPath
	if strings.HasPrefix(p, "/sns/") {
		c.fail(76022)
		return "", false
	}
	if _, ok := s.routeTable()[p]; !ok || !strings.HasPrefix(p, "/") {
		c.fail(76021)
		return "", false
	}
	return p, true
}

// handleQuotaGet serves POST /cgi-bin/openapi/quota/get (查询API调用额度): the
// calls made today by the Clock's date. daily_limit is Options.DailyQuota,
// 0 when no limit is configured.
func (s *Sim) handleQuotaGet(c *call) {
	p, ok := s.cgiPath(c)
	if !ok {
		return
	}
	s.mu.Lock()
	used := 0
	if s.quotaDay == c.now.Format("2006-01-02") {
		used = s.quota[p]
	}
	s.mu.Unlock()
	limit := max(s.opts.DailyQuota, 0)
	c.json(map[string]any{"errcode": 0, "errmsg": "ok",
		"quota": map[string]int{"daily_limit": limit, "used": used, "remain": max(limit-used, 0)}})
}

// handleQuotaClear serves POST /cgi-bin/openapi/quota/clear (重置指定API调用次数).
func (s *Sim) handleQuotaClear(c *call) {
	p, ok := s.cgiPath(c)
	if !ok {
		return
	}
	s.mu.Lock()
	delete(s.quota, p)
	s.mu.Unlock()
	c.ok()
}

// handleClearQuotaV2 serves POST /cgi-bin/clear_quota/v2 (使用AppSecret重置API
// 调用次数): appid and appsecret in the query, no access_token, so it works
// when /cgi-bin/token is itself out of quota.
func (s *Sim) handleClearQuotaV2(c *call) {
	appid, secret := c.query("appid"), c.query("appsecret")
	switch {
	case appid == "":
		c.fail(41002)
		return
	case secret == "":
		c.fail(41004)
		return
	case !c.appIDMatches(appid):
		c.fail(40013)
		return
	case secret != s.acct.AppSecret:
		c.fail(40125)
		return
	}
	s.resetQuota(c)
}

// resetQuota clears every API's count, itself limited by the monthly
// allowance of resets (useQuotaReset).
func (s *Sim) resetQuota(c *call) {
	if code := s.useQuotaReset(c.now); code != 0 {
		c.fail(code)
		return
	}
	s.mu.Lock()
	clear(s.quota)
	s.mu.Unlock()
	c.ok()
}

// handleRIDGet serves POST /cgi-bin/openapi/rid/get (查询rid信息): the failed
// calls this simulator answered.
func (s *Sim) handleRIDGet(c *call) {
	var req struct {
		RID string `json:"rid"`
	}
	if !c.decode(&req) {
		return
	}
	if strings.TrimSpace(req.RID) == "" {
		c.fail(76002)
		return
	}
	in := s.insight
	in.ridMu.Lock()
	rec, ok := in.rids[req.RID]
	var cp ridRecord
	if ok {
		cp = *rec
	}
	in.ridMu.Unlock()
	if !ok {
		c.fail(76001)
		return
	}
	c.json(map[string]any{"errcode": 0, "errmsg": "ok", "request": cp})
}
