package sim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// state is the in-memory platform state, guarded by Sim.mu.
type state struct {
	callbackURL      string
	callbackVerified string // the callback URL that last passed URL verification

	tokens      map[string]*accessToken
	lastToken   string // newest token of GET /cgi-bin/token
	stable      string // current token of POST /cgi-bin/stable_token
	stableForce time.Time
	jsTickets   map[string]*ticket // by type
	quotaDay    string
	quota       map[string]int

	users    map[string]*userState
	order    []string // openids in creation order
	nextUser int
	seq      int64 // MsgId / msgid / misc counter

	tags      map[int]*tag
	nextTagID int

	qrs       map[string]*qrCode
	limitQR   map[string]string // permanent scene -> ticket
	shortKeys map[string]*shortKey

	menu        *menuDoc
	condMenus   []*menuDoc
	nextMenuID  int64
	templates   []*tmplMsg
	industry    [2]int
	kfAccounts  []kfAccount
	kf          *kfState   // sessions, waiting queue, chat record (kfsession.go)
	subMsg      *subState  // 订阅通知 (subscribemsg.go)
	massQ       *massQuota // mass-sending frequency (account.go)
	media       map[string]*mediaItem
	drafts      map[string]*draft
	draftOrder  []string
	publishes   map[string]*publication
	articles    map[string]*publication
	pubOrder    []string
	massJobs    map[int64]*massJob
	massClient  map[string]*massJob // clientmsgid -> the send that used it
	massSpeed   int
	oauthCodes  map[string]*oauthCode
	snsTokens   map[string]*snsToken
	snsRefresh  map[string]*snsToken
	subs        map[int]chan Event
	nextSub     int
	eventSeq    int64
	inboxSignal chan struct{}

	surface surfaceState  // one-time subscriptions, auto-reply rules, openid migration, vision (surface.go)
	insight *insightState // statistics, rids, quota resets, comments (insight.go)
	cardSt  *cardState    // 微信卡券 (sim/card.go), created lazily
}

func (s *Sim) initState() {
	s.callbackURL = s.opts.CallbackURL
	s.tokens = map[string]*accessToken{}
	s.jsTickets = map[string]*ticket{}
	s.quota = map[string]int{}
	s.users = map[string]*userState{}
	s.tags = map[int]*tag{}
	s.nextTagID = 100
	s.qrs = map[string]*qrCode{}
	s.limitQR = map[string]string{}
	s.shortKeys = map[string]*shortKey{}
	s.nextMenuID = 400000000
	// MsgIds are unique across simulator runs, as WeChat's are: a bot whose
	// dedup store outlives a restart of the simulator (Redis) must not take
	// the new run's first messages for retries of the last run's.
	s.seq = 24000000000000000 + randInt63n(900000000000000)
	s.media = map[string]*mediaItem{}
	s.drafts = map[string]*draft{}
	s.publishes = map[string]*publication{}
	s.articles = map[string]*publication{}
	s.massJobs = map[int64]*massJob{}
	s.massClient = map[string]*massJob{}
	s.oauthCodes = map[string]*oauthCode{}
	s.snsTokens = map[string]*snsToken{}
	s.snsRefresh = map[string]*snsToken{}
	s.subs = map[int]chan Event{}
	s.inboxSignal = make(chan struct{})
	s.insight = newInsightState()
	s.industry = [2]int{1, 2}
	s.templates = []*tmplMsg{{
		ID:              DefaultTemplateID,
		Title:           "订单支付成功通知",
		PrimaryIndustry: "IT科技",
		DeputyIndustry:  "互联网|电子商务",
		Content:         "{{first.DATA}}\n订单号：{{keyword1.DATA}}\n金额：{{keyword2.DATA}}\n{{remark.DATA}}",
		Example:         "您的订单已支付成功\n订单号：20240101000001\n金额：99.00元\n感谢您的惠顾",
	}}
}

// nextSeq returns a fresh identifier from the shared counter. s.mu held.
func (s *Sim) nextSeq() int64 {
	s.seq++
	return s.seq
}

// apiError is a WeChat error answer {"errcode":..,"errmsg":..}.
type apiError struct {
	Code int    `json:"errcode"`
	Msg  string `json:"errmsg"`
}

func (e *apiError) Error() string { return "sim: errcode " + itoa(int64(e.Code)) + ": " + e.Msg }

// errMsg returns the errmsg WeChat answers with for an errcode (全局返回码).
func errMsg(code int) string {
	switch code {
	case -1:
		return "system error"
	case 0:
		return "ok"
	case 40001:
		return "invalid credential, access_token is invalid or not latest"
	case 40002:
		return "invalid grant_type"
	case 40003:
		return "invalid openid"
	case 40004:
		return "invalid media type"
	case 40005:
		return "invalid file type"
	case 40007:
		return "invalid media_id"
	case 40008:
		return "invalid message type"
	case 40009:
		return "invalid image size"
	case 40010:
		return "invalid voice size"
	case 40011:
		return "invalid video size"
	case 40012:
		return "invalid thumb size"
	case 40013:
		return "invalid appid"
	case 40014:
		return "invalid access_token"
	case 40016:
		return "invalid button size"
	case 40017:
		return "invalid button type"
	case 40018:
		return "invalid button name size"
	case 40019:
		return "invalid button key size"
	case 40020:
		return "invalid button url size"
	case 40022:
		return "invalid sub button level"
	case 40023:
		return "invalid sub button size"
	case 40024:
		return "invalid sub button type"
	case 40025:
		return "invalid sub button name size"
	case 40026:
		return "invalid sub button key size"
	case 40027:
		return "invalid sub button url size"
	case 40029:
		return "invalid code"
	case 40030:
		return "invalid refresh_token"
	case 40032:
		return "invalid openid list size"
	case 40037:
		return "invalid template_id"
	case 40052:
		return "invalid action name"
	case 40053:
		return "invalid action info"
	case 40054:
		return "invalid sub button url domain"
	case 40055:
		return "invalid button url domain"
	case 40097:
		return "invalid args"
	case 40125:
		return "invalid appsecret"
	case 40130:
		return "invalid openid list size, at least two openid"
	case 40163:
		return "code been used"
	case 41001:
		return "access_token missing"
	case 41002:
		return "appid missing"
	case 41004:
		return "appsecret missing"
	case 41005:
		return "media data missing"
	case 41006:
		return "media_id missing"
	case 41008:
		return "missing code"
	case 41009:
		return "missing openid"
	case 42001:
		return "access_token expired"
	case 42002:
		return "refresh_token expired"
	case 43001:
		return "require GET method"
	case 43002:
		return "require POST method"
	case 43004:
		return "require subscribe"
	case 44002:
		return "empty post data"
	case 44003:
		return "empty news data"
	case 44004:
		return "empty content"
	case 45001:
		return "media size out of limit"
	case 45002:
		return "content size out of limit"
	case 45008:
		return "article size out of limit"
	case 45009:
		return "reach max api daily quota limit"
	case 45015:
		return "response out of time limit or subscription is canceled"
	case 45026:
		return "template size out of limit"
	case 45056:
		return "too many tags now"
	case 45057:
		return "can't delete the tag that has too many fans"
	case 45058:
		return "can't modify sys tag"
	case 45059:
		return "tag count of the user out of limit"
	case 45083:
		return "the speed out of range"
	case 45084:
		return "no speed"
	case 45157:
		return "invalid tag name"
	case 45158:
		return "tag name too long"
	case 45065:
		return "clientmsgid exist"
	case 45159:
		return "invalid tag id"
	case 46003:
		return "menu no exist"
	case 47001:
		return "data format error"
	case 48001:
		return "api unauthorized"
	case 49003:
		return "not match openid with appid"
	case 53600:
		return "invalid article_id"
	case 65301:
		return "this menuid is not existed"
	case 65302:
		return "no such user"
	case 65303:
		return "there is no selfmenu, please create selfmenu first"
	case 65304:
		return "match rule empty"
	case 65403:
		return "invalid nickname"
	case 65404:
		return "invalid kf_account"
	case 65405:
		return "kf_account count exceeded"
	case 65406:
		return "kf_account exsited"
	}
	if m, ok := familyErrMsgs[code]; ok {
		return m
	}
	return "error"
}

// familyErrMsgs holds the errmsg of errcodes that belong to one family's
// file (卡券, 数据统计, …), registered from that file's init with
// registerErrMsgs so that families do not edit this shared table.
var familyErrMsgs = map[int]string{}

// registerErrMsgs adds errmsg texts for errcodes; called from init only.
func registerErrMsgs(m map[int]string) {
	for code, msg := range m {
		if _, dup := familyErrMsgs[code]; dup {
			panic("sim: errmsg of errcode " + itoa(int64(code)) + " registered twice")
		}
		familyErrMsgs[code] = msg
	}
}

// familyRoutes lists the route tables of the families that live in files of
// their own (one file per family, like the SDK). Each file registers its
// table from init with registerRoutes; routes() merges them.
var familyRoutes []func(*Sim) map[string]route

// registerRoutes adds a family's route table; called from init only.
func registerRoutes(f func(*Sim) map[string]route) { familyRoutes = append(familyRoutes, f) }

func wxErr(code int) *apiError { return &apiError{Code: code, Msg: errMsg(code)} }

// call is one API request being served.
type call struct {
	s   *Sim
	w   http.ResponseWriter
	r   *http.Request
	now time.Time
	// start and body are recorded for rid/get (查询rid信息).
	start   time.Time
	reqBody []byte
}

type route struct {
	method string // "GET", "POST" or "" (either)
	auth   bool   // requires access_token
	h      func(*call)
}

// getRoute and postRoute build the routes of a family's table.
func getRoute(auth bool, h func(*call)) route { return route{method: http.MethodGet, auth: auth, h: h} }
func postRoute(auth bool, h func(*call)) route {
	return route{method: http.MethodPost, auth: auth, h: h}
}

// routes is the whole API table: the core families below plus every table
// registered with registerRoutes. A path registered twice panics.
func (s *Sim) routes() map[string]route {
	t := s.coreRoutes()
	for _, f := range familyRoutes {
		for path, rt := range f(s) {
			if _, dup := t[path]; dup {
				panic("sim: route " + path + " registered twice")
			}
			t[path] = rt
		}
	}
	return t
}

func (s *Sim) coreRoutes() map[string]route {
	get, post := getRoute, postRoute
	return map[string]route{
		// 接口调用凭据
		"/cgi-bin/token":            get(false, s.handleToken),
		"/cgi-bin/stable_token":     post(false, s.handleStableToken),
		"/cgi-bin/clear_quota":      post(true, s.handleClearQuota),
		"/cgi-bin/ticket/getticket": get(true, s.handleGetTicket),
		// 用户管理
		"/cgi-bin/user/info":                     get(true, s.handleUserInfo),
		"/cgi-bin/user/info/batchget":            post(true, s.handleUserBatchGet),
		"/cgi-bin/user/get":                      get(true, s.handleUserGet),
		"/cgi-bin/user/info/updateremark":        post(true, s.handleUpdateRemark),
		"/cgi-bin/tags/create":                   post(true, s.handleTagCreate),
		"/cgi-bin/tags/get":                      get(true, s.handleTagGet),
		"/cgi-bin/tags/update":                   post(true, s.handleTagUpdate),
		"/cgi-bin/tags/delete":                   post(true, s.handleTagDelete),
		"/cgi-bin/user/tag/get":                  post(true, s.handleTagUsers),
		"/cgi-bin/tags/members/batchtagging":     post(true, s.handleBatchTagging),
		"/cgi-bin/tags/members/batchuntagging":   post(true, s.handleBatchUntagging),
		"/cgi-bin/tags/getidlist":                post(true, s.handleTagIDList),
		"/cgi-bin/tags/members/getblacklist":     post(true, s.handleGetBlacklist),
		"/cgi-bin/tags/members/batchblacklist":   post(true, s.handleBatchBlacklist),
		"/cgi-bin/tags/members/batchunblacklist": post(true, s.handleBatchUnblacklist),
		// 二维码 / 短key
		"/cgi-bin/qrcode/create": post(true, s.handleQRCreate),
		"/cgi-bin/showqrcode":    get(false, s.handleShowQR),
		"/cgi-bin/shorten/gen":   post(true, s.handleShortenGen),
		"/cgi-bin/shorten/fetch": post(true, s.handleShortenFetch),
		// 自定义菜单
		"/cgi-bin/menu/create":               post(true, s.handleMenuCreate),
		"/cgi-bin/menu/get":                  get(true, s.handleMenuGet),
		"/cgi-bin/get_current_selfmenu_info": get(true, s.handleSelfMenuInfo),
		"/cgi-bin/menu/delete":               get(true, s.handleMenuDelete),
		"/cgi-bin/menu/addconditional":       post(true, s.handleMenuAddConditional),
		"/cgi-bin/menu/delconditional":       post(true, s.handleMenuDelConditional),
		"/cgi-bin/menu/trymatch":             post(true, s.handleMenuTryMatch),
		// 客服消息
		"/cgi-bin/message/custom/send":     post(true, s.handleCustomSend),
		"/cgi-bin/message/custom/typing":   post(true, s.handleCustomTyping),
		"/cgi-bin/customservice/getkflist": get(true, s.handleKfList),
		"/customservice/kfaccount/add":     post(true, s.handleKfAdd),
		// 模板消息
		"/cgi-bin/message/template/send":             post(true, s.handleTemplateSend),
		"/cgi-bin/template/get_all_private_template": get(true, s.handleTemplateList),
		"/cgi-bin/template/api_set_industry":         post(true, s.handleSetIndustry),
		"/cgi-bin/template/get_industry":             get(true, s.handleGetIndustry),
		"/cgi-bin/template/del_private_template":     post(true, s.handleTemplateDelete),
		"/cgi-bin/template/api_add_template":         post(true, s.handleTemplateAdd),
		// 素材管理 / 草稿箱 / 发布能力
		"/cgi-bin/media/upload":               post(true, s.handleMediaUpload),
		"/cgi-bin/media/get":                  get(true, s.handleMediaGet),
		"/cgi-bin/media/uploadimg":            post(true, s.handleUploadImg),
		"/cgi-bin/material/add_material":      post(true, s.handleAddMaterial),
		"/cgi-bin/material/get_material":      post(true, s.handleGetMaterial),
		"/cgi-bin/material/del_material":      post(true, s.handleDelMaterial),
		"/cgi-bin/material/get_materialcount": get(true, s.handleMaterialCount),
		"/cgi-bin/material/batchget_material": post(true, s.handleBatchGetMaterial),
		"/cgi-bin/draft/add":                  post(true, s.handleDraftAdd),
		"/cgi-bin/draft/get":                  post(true, s.handleDraftGet),
		"/cgi-bin/draft/update":               post(true, s.handleDraftUpdate),
		"/cgi-bin/draft/delete":               post(true, s.handleDraftDelete),
		"/cgi-bin/draft/count":                get(true, s.handleDraftCount),
		"/cgi-bin/draft/batchget":             post(true, s.handleDraftBatchGet),
		"/cgi-bin/freepublish/submit":         post(true, s.handlePublishSubmit),
		"/cgi-bin/freepublish/get":            post(true, s.handlePublishGet),
		"/cgi-bin/freepublish/getarticle":     post(true, s.handlePublishGetArticle),
		"/cgi-bin/freepublish/batchget":       post(true, s.handlePublishBatchGet),
		"/cgi-bin/freepublish/delete":         post(true, s.handlePublishDelete),
		// 群发
		"/cgi-bin/message/mass/sendall":   post(true, s.handleMassSendAll),
		"/cgi-bin/message/mass/send":      post(true, s.handleMassSend),
		"/cgi-bin/message/mass/preview":   post(true, s.handleMassPreview),
		"/cgi-bin/message/mass/get":       post(true, s.handleMassGet),
		"/cgi-bin/message/mass/delete":    post(true, s.handleMassDelete),
		"/cgi-bin/message/mass/speed/get": post(true, s.handleMassSpeedGet),
		"/cgi-bin/message/mass/speed/set": post(true, s.handleMassSpeedSet),
		// 网页授权
		"/connect/oauth2/authorize":   route{h: s.handleAuthorize},
		"/connect/qrconnect":          route{h: s.handleAuthorize},
		"/connect/oauth2/sim_consent": post(false, s.handleConsent),
		"/sns/oauth2/access_token":    get(false, s.handleSnsAccessToken),
		"/sns/oauth2/refresh_token":   get(false, s.handleSnsRefresh),
		"/sns/userinfo":               get(false, s.handleSnsUserInfo),
		"/sns/auth":                   get(false, s.handleSnsAuth),
		"/sim/media/":                 get(false, s.handleMediaFile),
		"/sim/avatar/":                get(false, s.handleAvatar),
	}
}

// isPayPath reports whether path belongs to WeChat Pay (Options.Pay): API
// v3 under /v3/, API v2 under /pay/ and /secapi/, and the payment page.
func isPayPath(path string) bool {
	return strings.HasPrefix(path, "/v3/") || strings.HasPrefix(path, "/pay/") ||
		strings.HasPrefix(path, "/secapi/") || path == "/sim/pay"
}

// ServeHTTP serves the simulated platform.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.opts.Pay != nil && isPayPath(r.URL.Path) {
		s.opts.Pay.ServeHTTP(w, r)
		return
	}
	if a := s.hub.owner(r); a != s {
		a.serveAPI(w, r)
		return
	}
	s.serveAPI(w, r)
}

// routeTable returns the account's routes, built on first use (an account
// whose API is never called costs no table).
func (s *Sim) routeTable() map[string]route {
	s.tableOnce.Do(func() { s.table = s.routes() })
	return s.table
}

// serveAPI serves a request for this account.
func (s *Sim) serveAPI(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	table := s.routeTable()
	rt, ok := table[path]
	if !ok {
		for _, prefix := range []string{"/sim/media/", "/sim/avatar/"} {
			if strings.HasPrefix(path, prefix) {
				rt, ok = table[prefix]
			}
		}
	}
	c := &call{s: s, w: w, r: r, now: s.now(), start: time.Now()}
	if !ok {
		s.log.Debug("sim: unknown path", "path", path)
		w.Header().Set("Content-Type", "application/json; encoding=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"errcode":-1,"errmsg":"system error: path not simulated"}`))
		return
	}
	switch {
	case rt.method == http.MethodPost && r.Method != http.MethodPost:
		c.fail(43002)
		return
	case rt.method == http.MethodGet && r.Method != http.MethodGet && r.Method != http.MethodHead:
		c.fail(43001)
		return
	}
	if rt.auth {
		if code := s.checkToken(r.URL.Query().Get("access_token"), c.now); code != 0 {
			c.fail(code)
			return
		}
	}
	if code := s.permissionCode(path); code != 0 {
		c.fail(code)
		return
	}
	if code := s.useQuota(path, c.now); code != 0 {
		c.fail(code)
		return
	}
	s.log.Debug("sim: api call", "method", r.Method, "path", path)
	rt.h(c)
}

// ok answers {"errcode":0,"errmsg":"ok"}.
func (c *call) ok() { c.json(wxErr(0)) }

func (c *call) fail(code int) { c.json(wxErr(code)) }

func (c *call) failErr(err *apiError) { c.json(err) }

func (c *call) json(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(`{"errcode":-1,"errmsg":"system error"}`)
	}
	b = c.withRID(b)
	c.w.Header().Set("Content-Type", "application/json; encoding=utf-8")
	_, _ = c.w.Write(b)
}

// decode reads the JSON body into v, answering 44002/47001 itself; it
// reports whether the handler should continue.
func (c *call) decode(v any) bool {
	body, err := io.ReadAll(io.LimitReader(c.r.Body, 4<<20))
	if err != nil {
		c.fail(-1)
		return false
	}
	c.reqBody = body
	if len(bytes.TrimSpace(body)) == 0 {
		c.fail(44002)
		return false
	}
	if err := json.Unmarshal(body, v); err != nil {
		c.fail(47001)
		return false
	}
	return true
}

func (c *call) query(k string) string { return c.r.URL.Query().Get(k) }

// useQuota counts a call (for quota/get); with Options.DailyQuota set,
// 45009 once it is exceeded.
func (s *Sim) useQuota(path string, now time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	day := now.Format("2006-01-02")
	if day != s.quotaDay {
		s.quotaDay = day
		clear(s.quota)
	}
	if s.opts.DailyQuota > 0 && s.quota[path] >= s.opts.DailyQuota {
		return 45009
	}
	s.quota[path]++
	return 0
}

func (c *call) appIDMatches(appid string) bool { return appid == c.s.acct.AppID }

// handleClearQuota serves POST /cgi-bin/clear_quota (重置API调用次数).
func (s *Sim) handleClearQuota(c *call) {
	var req struct {
		AppID string `json:"appid"`
	}
	if !c.decode(&req) {
		return
	}
	if !c.appIDMatches(req.AppID) {
		c.fail(40013)
		return
	}
	s.resetQuota(c)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
