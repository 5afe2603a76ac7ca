package sim

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// 微信卡券: cards in review, the followers' card wallets, codes, member
// cards and the card statistics, served from the official documentation.

func init() {
	registerRoutes(func(s *Sim) map[string]route {
		p := func(h func(*call)) route { return postRoute(true, h) }
		return map[string]route{
			"/card/create":                          p(s.handleCardCreate),
			"/card/get":                             p(s.handleCardGet),
			"/card/batchget":                        p(s.handleCardBatchGet),
			"/card/update":                          p(s.handleCardUpdate),
			"/card/delete":                          p(s.handleCardDelete),
			"/card/modifystock":                     p(s.handleCardModifyStock),
			"/card/qrcode/create":                   p(s.handleCardQRCreate),
			"/card/landingpage/create":              p(s.handleCardLandingPage),
			"/card/mpnews/gethtml":                  p(s.handleCardMPNews),
			"/card/testwhitelist/set":               p(s.handleCardWhitelist),
			"/card/paycell/set":                     p(s.handleCardPayCell),
			"/card/selfconsumecell/set":             p(s.handleCardSelfConsume),
			"/card/code/get":                        p(s.handleCodeGet),
			"/card/code/consume":                    p(s.handleCodeConsume),
			"/card/code/decrypt":                    p(s.handleCodeDecrypt),
			"/card/code/update":                     p(s.handleCodeUpdate),
			"/card/code/unavailable":                p(s.handleCodeUnavailable),
			"/card/code/deposit":                    p(s.handleCodeDeposit),
			"/card/code/getdepositcount":            p(s.handleCodeDepositCount),
			"/card/code/checkcode":                  p(s.handleCodeCheck),
			"/card/user/getcardlist":                p(s.handleUserCardList),
			"/card/membercard/activate":             p(s.handleMemberActivate),
			"/card/membercard/activate/geturl":      p(s.handleMemberActivateURL),
			"/card/membercard/activateuserform/set": p(s.handleMemberUserForm),
			"/card/membercard/activatetempinfo/get": p(s.handleMemberTempInfo),
			"/card/membercard/userinfo/get":         p(s.handleMemberUserInfo),
			"/card/membercard/updateuser":           p(s.handleMemberUpdateUser),
			"/datacube/getcardbizuininfo":           p(s.handleCardStats("biz")),
			"/datacube/getcardcardinfo":             p(s.handleCardStats("card")),
			"/datacube/getcardmembercardinfo":       p(s.handleCardStats("member")),
			"/datacube/getcardmembercarddetail":     p(s.handleCardStats("detail")),
		}
	})
	registerErrMsgs(map[int]string{
		40056: "invalid serial code",
		40071: "invalid card type",
		40073: "invalid card id",
		40078: "invalid card status",
		40079: "invalid time",
		40099: "invalid code, this code has consumed.",
		40109: "code count exceed 100",
		40122: "invalid quantity",
		40127: "card has been deleted or gifted",
		41011: "missing required fields",
		41012: "missing card id",
		45021: "field length exceeds limit",
		45031: "stock is zero",
		45033: "user get card num limit",
	})
}

// Errors of card actions of followers.
var (
	ErrUnknownCard     = errors.New("sim: no such card")
	ErrCardInReview    = errors.New("sim: the card is in review or was refused")
	ErrCardOutOfStock  = errors.New("sim: the card is out of stock")
	ErrCardGetLimit    = errors.New("sim: the user reached the card's get_limit")
	ErrUnknownCardCode = errors.New("sim: the user has no such card code")
)

// Card review options: SetCardReview.
type CardReview struct {
	// Delay is how long a new card stays in review before card_pass_check
	// (or card_not_pass_check) is pushed; 0 decides at once (the push is
	// still asynchronous: Sim.WaitIdle waits for it).
	Delay time.Duration
	// RejectTitle, when it matches a card's title, refuses the card with
	// card_not_pass_check and the returned reason.
	RejectTitle func(title string) (reason string, reject bool)
}

type cardState struct {
	review    CardReview
	cards     map[string]*simCard
	order     []string
	codes     map[string]*simCode // by code
	qrs       map[string][]cardQRItem
	encrypted map[string]string // encrypt_code -> code
	whitelist map[string]bool   // openids
	tickets   map[string]*simCode
	stats     map[string]map[string]*cardCounters // day -> card_id -> counters
	nextPage  int64
	coins     coinState // 券点: cardpay.go
}

type cardQRItem struct{ cardID, code, openid, outerStr string }

type simCard struct {
	id, kind     string
	body         map[string]json.RawMessage // the kind's object as created and updated
	base         map[string]json.RawMessage
	title, brand string
	color        string
	status       string
	quantity     int
	total        int
	getLimit     int
	customCode   bool
	deposit      bool
	deposited    map[string]bool
	bindOpenID   bool
	wxActivate   bool
	autoActivate bool
	supplyBonus  bool
	supplyBal    bool
	begin, end   int64 // DATE_TYPE_FIX_TIME_RANGE
	fixedTerm    int
	form         json.RawMessage
	created      time.Time
	payCell      bool
	selfConsume  bool
	reminded     time.Time // last card_sku_remind
}

type simCode struct {
	code, cardID, openid string
	status               string // NORMAL, CONSUMED, DELETE, UNAVAILABLE, GIFTING
	activated            bool
	number               string
	bonus, balance       int
	outerStr             string
	claimed              time.Time
	begin, end           int64
	encrypted            string
	userInfo             []map[string]any
	fields               [3]string
}

type cardCounters struct {
	view, viewUser, receive, verify, given, active int
	fee, originalFee                               int // 买单 through the pay cell, fen: cardpay.go
}

// cardsLocked returns the card state, creating it. s.mu held.
func (s *Sim) cardsLocked() *cardState {
	if s.cardSt == nil {
		s.cardSt = &cardState{cards: map[string]*simCard{}, codes: map[string]*simCode{}, qrs: map[string][]cardQRItem{},
			encrypted: map[string]string{}, whitelist: map[string]bool{}, tickets: map[string]*simCode{},
			stats: map[string]map[string]*cardCounters{}, nextPage: 1000}
	}
	return s.cardSt
}

// SetCardReview sets how new cards are reviewed (default: at once, all pass).
func (s *Sim) SetCardReview(r CardReview) {
	s.mu.Lock()
	s.cardsLocked().review = r
	s.mu.Unlock()
}

var cardKinds = map[string]string{"GROUPON": "groupon", "CASH": "cash", "DISCOUNT": "discount", "GIFT": "gift",
	"GENERAL_COUPON": "general_coupon", "MEMBER_CARD": "member_card"}

var cardColors = []string{"Color010", "Color020", "Color030", "Color040", "Color050", "Color060",
	"Color070", "Color080", "Color081", "Color082", "Color090", "Color100", "Color101", "Color102"}

var codeTypes = []string{"CODE_TYPE_TEXT", "CODE_TYPE_BARCODE", "CODE_TYPE_QRCODE", "CODE_TYPE_ONLY_QRCODE", "CODE_TYPE_ONLY_BARCODE", "CODE_TYPE_NONE"}

func jstr(m map[string]json.RawMessage, k string) string {
	var v string
	_ = json.Unmarshal(m[k], &v)
	return v
}

func jint(m map[string]json.RawMessage, k string) int64 {
	var v json.Number
	if json.Unmarshal(m[k], &v) != nil {
		return 0
	}
	n, _ := v.Int64()
	return n
}

func jbool(m map[string]json.RawMessage, k string) bool {
	var v bool
	_ = json.Unmarshal(m[k], &v)
	return v
}

func jobj(m map[string]json.RawMessage, k string) map[string]json.RawMessage {
	var v map[string]json.RawMessage
	_ = json.Unmarshal(m[k], &v)
	return v
}

// checkBase validates base_info as 创建卡券 documents it; 0 when valid.
func checkBase(base map[string]json.RawMessage, member bool) int {
	if base == nil {
		return 41011
	}
	for _, k := range []string{"logo_url", "brand_name", "code_type", "title", "color", "notice", "description"} {
		if jstr(base, k) == "" {
			return 41011
		}
	}
	for k, max := range map[string]int{"logo_url": 128, "brand_name": 36, "title": 27, "sub_title": 54, "notice": 48,
		"description": 3072, "service_phone": 24} {
		if len(jstr(base, k)) > max {
			return 45021
		}
	}
	if !slices.Contains(codeTypes, jstr(base, "code_type")) || !slices.Contains(cardColors, jstr(base, "color")) {
		return 40097
	}
	d := jobj(base, "date_info")
	switch jstr(d, "type") {
	case "DATE_TYPE_FIX_TIME_RANGE":
		if b, e := jint(d, "begin_timestamp"), jint(d, "end_timestamp"); b <= 0 || e < b {
			return 40079
		}
	case "DATE_TYPE_FIX_TERM":
		if jint(d, "fixed_term") <= 0 {
			return 40079
		}
	case "DATE_TYPE_PERMANENT":
		if !member {
			return 40079
		}
	default:
		return 40079
	}
	sku := jobj(base, "sku")
	if sku == nil {
		return 41011
	}
	if q := jint(sku, "quantity"); q < 0 || q > 100000000 {
		return 40122
	}
	return 0
}

// handleCardCreate serves POST /card/create (创建卡券): the card enters
// review; card_pass_check or card_not_pass_check follows (SetCardReview).
func (s *Sim) handleCardCreate(c *call) {
	var req struct {
		Card map[string]json.RawMessage `json:"card"`
	}
	if !c.decode(&req) {
		return
	}
	kind := jstr(req.Card, "card_type")
	key, ok := cardKinds[kind]
	if !ok {
		c.fail(40071)
		return
	}
	body := jobj(req.Card, key)
	if body == nil {
		c.fail(41011)
		return
	}
	base := jobj(body, "base_info")
	if code := checkBase(base, kind == "MEMBER_CARD"); code != 0 {
		c.fail(code)
		return
	}
	switch kind {
	case "GROUPON":
		ok = jstr(body, "deal_detail") != ""
	case "CASH":
		ok = jint(body, "reduce_cost") > 0
	case "DISCOUNT":
		d := jint(body, "discount")
		ok = d >= 1 && d <= 99
	case "GIFT":
		ok = jstr(body, "gift") != ""
	case "GENERAL_COUPON":
		ok = jstr(body, "default_detail") != ""
	case "MEMBER_CARD":
		ok = jstr(body, "prerogative") != ""
	}
	if !ok {
		c.fail(41011)
		return
	}
	d := jobj(base, "date_info")
	q := int(jint(jobj(base, "sku"), "quantity"))
	card := &simCard{kind: kind, body: body, base: base, title: jstr(base, "title"), brand: jstr(base, "brand_name"),
		color: jstr(base, "color"), status: "CARD_STATUS_NOT_VERIFY", quantity: q, total: q,
		getLimit: int(jint(base, "get_limit")), customCode: jbool(base, "use_custom_code"),
		deposit:    jstr(base, "get_custom_code_mode") == "GET_CUSTOM_CODE_MODE_DEPOSIT",
		bindOpenID: jbool(base, "bind_openid"), wxActivate: jbool(body, "wx_activate"), autoActivate: jbool(body, "auto_activate"),
		supplyBonus: jbool(body, "supply_bonus"), supplyBal: jbool(body, "supply_balance"),
		begin: jint(d, "begin_timestamp"), end: jint(d, "end_timestamp"), fixedTerm: int(jint(d, "fixed_term")),
		created: c.now, deposited: map[string]bool{}}
	s.mu.Lock()
	st := s.cardsLocked()
	card.id = "p" + hashID(27, s.acct.AppID, "card", itoa(s.nextSeq()))
	st.cards[card.id] = card
	st.order = append(st.order, card.id)
	review := st.review
	s.mu.Unlock()
	s.reviewCard(card.id, review)
	cardOK(c, map[string]any{"card_id": card.id})
}

// reviewCard decides a card's review after the configured delay and pushes
// the result.
func (s *Sim) reviewCard(id string, r CardReview) {
	decide := func() []byte {
		s.mu.Lock()
		defer s.mu.Unlock()
		card := s.cardsLocked().cards[id]
		if card == nil || card.status != "CARD_STATUS_NOT_VERIFY" {
			return nil
		}
		event, reason := "card_pass_check", ""
		if r.RejectTitle != nil {
			if why, no := r.RejectTitle(card.title); no {
				event, reason = "card_not_pass_check", why
			}
		}
		card.status = "CARD_STATUS_VERIFY_OK"
		if event != "card_pass_check" {
			card.status = "CARD_STATUS_VERIFY_FAIL"
		}
		x := s.header(s.acct.OriginalID, "event", s.now())
		x.cdata("Event", event)
		x.cdata("CardId", id)
		if reason != "" {
			x.cdata("RefuseReason", reason)
		}
		return x.done()
	}
	if r.Delay <= 0 {
		if xml := decide(); xml != nil {
			s.pushSystem(s.acct.OriginalID, xml) // a platform push, in no follower's chat
		}
		return
	}
	s.goAsync(func() {
		t := time.NewTimer(r.Delay)
		defer t.Stop()
		<-t.C
		if xml := decide(); xml != nil {
			s.pushSystem(s.acct.OriginalID, xml) // a platform push, in no follower's chat
		}
	})
}

// findCardLocked returns a card by id or an errcode. s.mu held.
func (s *Sim) findCardLocked(id string) (*simCard, int) {
	if id == "" {
		return nil, 41012
	}
	card, ok := s.cardsLocked().cards[id]
	if !ok {
		return nil, 40073
	}
	if card.status == "CARD_STATUS_DELETE" {
		return nil, 40127
	}
	return card, 0
}

func (card *simCard) json() map[string]any {
	base := map[string]json.RawMessage{}
	for k, v := range card.base {
		base[k] = v
	}
	base["id"], _ = json.Marshal(card.id)
	base["status"], _ = json.Marshal(card.status)
	base["sku"], _ = json.Marshal(map[string]int{"quantity": card.quantity, "total_quantity": card.total})
	body := map[string]any{}
	for k, v := range card.body {
		body[k] = v
	}
	body["base_info"] = base
	return map[string]any{"card_type": card.kind, cardKinds[card.kind]: body}
}

func (s *Sim) handleCardGet(c *call) {
	s.withCard(c, func(card *simCard) {
		cardOK(c, map[string]any{"card": card.json()})
	})
}

// handleCardBatchGet serves POST /card/batchget: count 1..50.
func (s *Sim) handleCardBatchGet(c *call) {
	var req struct {
		Offset     int      `json:"offset"`
		Count      int      `json:"count"`
		StatusList []string `json:"status_list"`
	}
	if !c.decode(&req) {
		return
	}
	if req.Count < 1 || req.Count > 50 || req.Offset < 0 {
		c.fail(40097)
		return
	}
	s.mu.Lock()
	st := s.cardsLocked()
	var ids []string
	for _, id := range st.order {
		card := st.cards[id]
		if len(req.StatusList) > 0 && !slices.Contains(req.StatusList, card.status) {
			continue
		}
		if len(req.StatusList) == 0 && card.status == "CARD_STATUS_DELETE" {
			continue
		}
		ids = append(ids, id)
	}
	s.mu.Unlock()
	total := len(ids)
	page := []string{}
	if req.Offset < total {
		page = ids[req.Offset:min(total, req.Offset+req.Count)]
	}
	cardOK(c, map[string]any{"card_id_list": page, "total_num": total})
}

// handleCardUpdate serves POST /card/update: merges the fields given;
// changing title, logo or brand sends the card back to review.
func (s *Sim) handleCardUpdate(c *call) {
	s.withCardFields(c, func(card *simCard, req map[string]json.RawMessage) { updateCard(c, card, req) })
}

func updateCard(c *call, card *simCard, req map[string]json.RawMessage) {
	upd := jobj(req, cardKinds[card.kind])
	if upd == nil {
		c.fail(40071)
		return
	}
	sendCheck := false
	for k, v := range upd {
		if k != "base_info" {
			card.body[k] = v
		}
	}
	for k, v := range jobj(upd, "base_info") {
		switch k {
		case "title", "logo_url", "brand_name", "sub_title":
			sendCheck = true
		case "sku", "id", "status":
			continue
		}
		card.base[k] = v
	}
	if code := checkBase(card.base, card.kind == "MEMBER_CARD"); code != 0 {
		c.fail(code)
		return
	}
	card.title, card.color = jstr(card.base, "title"), jstr(card.base, "color")
	if v, ok := jobj(upd, "base_info")["get_limit"]; ok {
		var n int
		_ = json.Unmarshal(v, &n)
		card.getLimit = n
	}
	card.supplyBonus, card.supplyBal = jbool(card.body, "supply_bonus"), jbool(card.body, "supply_balance")
	cardOK(c, map[string]any{"send_check": sendCheck})
}

func (s *Sim) handleCardDelete(c *call) {
	s.withCard(c, func(card *simCard) {
		card.status = "CARD_STATUS_DELETE"
		c.ok()
	})
}

// handleCardModifyStock serves POST /card/modifystock; a stock that would go
// below 0 answers 40122.
func (s *Sim) handleCardModifyStock(c *call) {
	var req struct {
		CardID string `json:"card_id"`
		Inc    int    `json:"increase_stock_value"`
		Red    int    `json:"reduce_stock_value"`
	}
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	card, ok := s.cardLocked(c, req.CardID)
	if !ok {
		return
	}
	q := card.quantity + req.Inc - req.Red
	if req.Inc < 0 || req.Red < 0 || q < 0 || q > 100000000 {
		c.fail(40122)
		return
	}
	card.quantity, card.total = q, card.total+req.Inc-req.Red
	c.ok()
}

// handleCardQRCreate serves POST /card/qrcode/create (QR_CARD,
// QR_MULTIPLE_CARD); the ticket is claimed with Follower.ClaimCardByQR.
func (s *Sim) handleCardQRCreate(c *call) {
	type item struct {
		CardID   string `json:"card_id"`
		Code     string `json:"code"`
		OpenID   string `json:"openid"`
		OuterStr string `json:"outer_str"`
	}
	var req struct {
		ActionName    string `json:"action_name"`
		ExpireSeconds int64  `json:"expire_seconds"`
		ActionInfo    struct {
			Card         *item `json:"card"`
			MultipleCard *struct {
				CardList []item `json:"card_list"`
			} `json:"multiple_card"`
		} `json:"action_info"`
	}
	if !c.decode(&req) {
		return
	}
	var items []item
	switch req.ActionName {
	case "QR_CARD":
		if req.ActionInfo.Card == nil {
			c.fail(40053)
			return
		}
		items = []item{*req.ActionInfo.Card}
	case "QR_MULTIPLE_CARD":
		if req.ActionInfo.MultipleCard == nil || len(req.ActionInfo.MultipleCard.CardList) == 0 || len(req.ActionInfo.MultipleCard.CardList) > 5 {
			c.fail(40053)
			return
		}
		items = req.ActionInfo.MultipleCard.CardList
	default:
		c.fail(40052)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var qi []cardQRItem
	for _, it := range items {
		if _, ok := s.cardLocked(c, it.CardID); !ok {
			return
		}
		qi = append(qi, cardQRItem{cardID: it.CardID, code: it.Code, openid: it.OpenID, outerStr: it.OuterStr})
	}
	q := &qrCode{action: req.ActionName, created: c.now, seq: s.nextSeq(), sceneStr: "card:" + qi[0].cardID}
	q.ticket = "gQ" + base64.StdEncoding.EncodeToString([]byte(randText(60)))
	q.url = "http://weixin.qq.com/q/" + randText(22)
	exp := req.ExpireSeconds
	if exp > 0 {
		exp = min(max(exp, 60), 1800)
		q.expires = c.now.Add(time.Duration(exp) * time.Second)
	}
	s.qrs[q.ticket] = q
	s.cardsLocked().qrs[q.ticket] = qi
	cardOK(c, map[string]any{"ticket": q.ticket, "expire_seconds": exp, "url": q.url,
		"show_qrcode_url": s.URL + "/cgi-bin/showqrcode?ticket=" + strings.ReplaceAll(q.ticket, "=", "%3D")})
}

func (s *Sim) handleCardLandingPage(c *call) {
	var req struct {
		Banner    string `json:"banner"`
		PageTitle string `json:"page_title"`
		Scene     string `json:"scene"`
		CardList  []struct {
			CardID string `json:"card_id"`
		} `json:"card_list"`
	}
	if !c.decode(&req) {
		return
	}
	if req.Banner == "" || req.PageTitle == "" || req.Scene == "" || len(req.CardList) == 0 {
		c.fail(41011)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, it := range req.CardList {
		if _, ok := s.cardLocked(c, it.CardID); !ok {
			return
		}
	}
	st := s.cardsLocked()
	st.nextPage++
	cardOK(c, map[string]any{"url": s.URL + "/sim/card/landingpage/" + itoa(st.nextPage), "page_id": st.nextPage})
}

func (s *Sim) handleCardMPNews(c *call) {
	s.withCard(c, func(card *simCard) {
		c.json(map[string]any{"errcode": 0, "errmsg": "ok",
			"content": `<iframe class="res_iframe card_iframe js_editor_card" data-src="` + s.URL + `/sim/card/` + card.id + `" data-cardid="` + card.id + `"></iframe>`})
	})
}

func (s *Sim) handleCardWhitelist(c *call) {
	var req struct {
		OpenID   []string `json:"openid"`
		Username []string `json:"username"`
	}
	if !c.decode(&req) {
		return
	}
	if len(req.OpenID)+len(req.Username) == 0 || len(req.OpenID)+len(req.Username) > 10 {
		c.fail(40097)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range req.OpenID {
		if _, ok := s.users[o]; !ok {
			c.fail(40003)
			return
		}
	}
	st := s.cardsLocked()
	clear(st.whitelist)
	for _, o := range req.OpenID {
		st.whitelist[o] = true
	}
	c.ok()
}

func (s *Sim) cardToggle(c *call, set func(*simCard, map[string]json.RawMessage)) {
	s.withCardFields(c, func(card *simCard, req map[string]json.RawMessage) {
		set(card, req)
		c.ok()
	})
}

func (s *Sim) handleCardPayCell(c *call) {
	s.cardToggle(c, func(card *simCard, r map[string]json.RawMessage) { card.payCell = jbool(r, "is_open") })
}

func (s *Sim) handleCardSelfConsume(c *call) {
	s.cardToggle(c, func(card *simCard, r map[string]json.RawMessage) { card.selfConsume = jbool(r, "is_open") })
}

// findCodeLocked finds a claimed code (and checks card_id when given).
// s.mu held.
func (s *Sim) findCodeLocked(cardID, code string) (*simCode, int) {
	if code == "" {
		return nil, 41011
	}
	sc, ok := s.cardsLocked().codes[code]
	if !ok || (cardID != "" && sc.cardID != cardID) {
		return nil, 40056
	}
	return sc, 0
}

func (s *Sim) countLocked(cardID string, f func(*cardCounters)) {
	st := s.cardsLocked()
	day := s.now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
	m := st.stats[day]
	if m == nil {
		m = map[string]*cardCounters{}
		st.stats[day] = m
	}
	if m[cardID] == nil {
		m[cardID] = &cardCounters{}
	}
	f(m[cardID])
}

// handleCodeGet serves POST /card/code/get (查询Code); with check_consume a
// code that cannot be consumed answers its errcode.
func (s *Sim) handleCodeGet(c *call) {
	var req struct {
		CardID       string `json:"card_id"`
		Code         string `json:"code"`
		CheckConsume bool   `json:"check_consume"`
	}
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sc, ok := s.codeLocked(c, req.CardID, req.Code)
	if !ok {
		return
	}
	card := s.cardsLocked().cards[sc.cardID]
	canConsume, why := s.consumableLocked(card, sc, c.now)
	if req.CheckConsume && !canConsume {
		c.fail(why)
		return
	}
	cardOK(c, map[string]any{"openid": sc.openid, "can_consume": canConsume,
		"user_card_status": sc.status, "card": map[string]any{"card_id": sc.cardID, "begin_time": sc.begin, "end_time": sc.end}})
}

func (s *Sim) consumableLocked(card *simCard, sc *simCode, now time.Time) (bool, int) {
	switch {
	case card.status == "CARD_STATUS_DELETE" || sc.status == "DELETE":
		return false, 40127
	case sc.status == "CONSUMED":
		return false, 40099
	case sc.status != "NORMAL":
		return false, 40056
	case sc.end > 0 && now.Unix() > sc.end, sc.begin > 0 && now.Unix() < sc.begin:
		return false, 40079
	}
	return true, 0
}

// handleCodeConsume serves POST /card/code/consume (核销Code) and pushes
// user_consume_card (ConsumeSource FROM_API).
func (s *Sim) handleCodeConsume(c *call) {
	var req struct {
		CardID string `json:"card_id"`
		Code   string `json:"code"`
	}
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	sc, code := s.findCodeLocked(req.CardID, req.Code)
	if code != 0 {
		s.mu.Unlock()
		c.fail(code)
		return
	}
	card := s.cardsLocked().cards[sc.cardID]
	if card.customCode && req.CardID == "" {
		s.mu.Unlock()
		c.fail(41012)
		return
	}
	if ok, why := s.consumableLocked(card, sc, c.now); !ok {
		s.mu.Unlock()
		c.fail(why)
		return
	}
	if card.kind != "MEMBER_CARD" {
		sc.status = "CONSUMED"
	}
	s.countLocked(card.id, func(n *cardCounters) { n.verify++ })
	x := s.codeEvent(sc.openid, "user_consume_card", sc, c.now)
	x.cdata("ConsumeSource", "FROM_API")
	x.cdata("LocationName", "")
	x.cdata("StaffOpenId", "")
	x.cdata("VerifyCode", "")
	x.cdata("RemarkAmount", "")
	x.cdata("OuterStr", sc.outerStr)
	openid := sc.openid
	s.walletChangedLocked(openid)
	s.mu.Unlock()
	s.pushSystem(openid, x.done())
	cardOK(c, map[string]any{"openid": openid, "card": map[string]any{"card_id": sc.cardID}})
}

// EventCardChanged: a follower's card wallet changed (claim, consume,
// bonus or balance update, gift, delete).
const EventCardChanged EventKind = "card_changed"

func (s *Sim) handleCodeDecrypt(c *call) {
	var req struct {
		EncryptCode string `json:"encrypt_code"`
	}
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	code, ok := s.cardsLocked().encrypted[req.EncryptCode]
	s.mu.Unlock()
	if !ok {
		c.fail(40056)
		return
	}
	cardOK(c, map[string]any{"code": code})
}

func (s *Sim) handleCodeUpdate(c *call) {
	var req struct {
		CardID  string `json:"card_id"`
		Code    string `json:"code"`
		NewCode string `json:"new_code"`
	}
	if !c.decode(&req) {
		return
	}
	if req.CardID == "" {
		c.fail(41012)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sc, ok := s.codeLocked(c, req.CardID, req.Code)
	if !ok {
		return
	}
	st := s.cardsLocked()
	if req.NewCode == "" {
		c.fail(41011)
		return
	}
	if _, dup := st.codes[req.NewCode]; dup {
		c.fail(40056)
		return
	}
	if !st.cards[sc.cardID].customCode {
		c.fail(40056)
		return
	}
	delete(st.codes, sc.code)
	sc.code = req.NewCode
	st.codes[sc.code] = sc
	c.ok()
}

func (s *Sim) handleCodeUnavailable(c *call) {
	var req struct {
		CardID string `json:"card_id"`
		Code   string `json:"code"`
	}
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sc, ok := s.codeLocked(c, req.CardID, req.Code)
	if !ok {
		return
	}
	if sc.status == "CONSUMED" {
		c.fail(40099)
		return
	}
	sc.status = "UNAVAILABLE"
	s.walletChangedLocked(sc.openid)
	c.ok()
}

type codeListReq struct {
	CardID string   `json:"card_id"`
	Code   []string `json:"code"`
}

func (s *Sim) codeList(c *call) (*simCard, []string, bool) {
	var req codeListReq
	if !c.decode(&req) {
		return nil, nil, false
	}
	if len(req.Code) == 0 {
		c.fail(41011)
		return nil, nil, false
	}
	if len(req.Code) > 100 {
		c.fail(40109)
		return nil, nil, false
	}
	s.mu.Lock()
	card, code := s.findCardLocked(req.CardID)
	s.mu.Unlock()
	if code != 0 {
		c.fail(code)
		return nil, nil, false
	}
	return card, req.Code, true
}

// handleCodeDeposit serves POST /card/code/deposit (导入code) for
// GET_CUSTOM_CODE_MODE_DEPOSIT cards; other cards answer 40078.
func (s *Sim) handleCodeDeposit(c *call) {
	card, codes, ok := s.codeList(c)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !card.deposit {
		c.fail(40078)
		return
	}
	succ, dup, fail := []string{}, []string{}, []string{}
	for _, code := range codes {
		switch {
		case code == "" || len(code) > 20:
			fail = append(fail, code)
		case card.deposited[code]:
			dup = append(dup, code)
		default:
			card.deposited[code] = true
			succ = append(succ, code)
		}
	}
	cardOK(c, map[string]any{"succ_code": succ, "duplicate_code": dup, "fail_code": fail})
}

func (s *Sim) handleCodeDepositCount(c *call) {
	s.withCard(c, func(card *simCard) {
		cardOK(c, map[string]any{"count": len(card.deposited)})
	})
}

func (s *Sim) handleCodeCheck(c *call) {
	card, codes, ok := s.codeList(c)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	exist, not := []string{}, []string{}
	for _, code := range codes {
		if card.deposited[code] {
			exist = append(exist, code)
		} else {
			not = append(not, code)
		}
	}
	cardOK(c, map[string]any{"exist_code": exist, "not_exist_code": not})
}

func (s *Sim) handleUserCardList(c *call) {
	var req struct {
		OpenID string `json:"openid"`
		CardID string `json:"card_id"`
	}
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[req.OpenID]; !ok {
		c.fail(40003)
		return
	}
	list := []map[string]string{}
	for _, sc := range s.walletLocked(req.OpenID) {
		if (req.CardID == "" || sc.cardID == req.CardID) && sc.status == "NORMAL" {
			list = append(list, map[string]string{"code": sc.code, "card_id": sc.cardID})
		}
	}
	cardOK(c, map[string]any{"card_list": list, "has_share_card": false})
}

// walletLocked lists a user's codes in claim order. s.mu held.
func (s *Sim) walletLocked(openid string) []*simCode {
	var out []*simCode
	for _, sc := range s.cardsLocked().codes {
		if sc.openid == openid && sc.status != "DELETE" {
			out = append(out, sc)
		}
	}
	slices.SortFunc(out, func(a, b *simCode) int { return a.claimed.Compare(b.claimed) })
	return out
}

func (s *Sim) memberCode(c *call, cardID, code string) (*simCode, *simCard, bool) {
	sc, ok := s.codeLocked(c, cardID, code)
	if !ok {
		return nil, nil, false
	}
	card := s.cardsLocked().cards[sc.cardID]
	if !isMember(c, card) {
		return nil, nil, false
	}
	if card.status == "CARD_STATUS_DELETE" || sc.status == "DELETE" {
		c.fail(40127)
		return nil, nil, false
	}
	return sc, card, true
}

// handleMemberActivate serves POST /card/membercard/activate (接口激活).
func (s *Sim) handleMemberActivate(c *call) {
	var req struct {
		MembershipNumber string `json:"membership_number"`
		Code             string `json:"code"`
		CardID           string `json:"card_id"`
		InitBonus        int    `json:"init_bonus"`
		InitBalance      int    `json:"init_balance"`
		Init1            string `json:"init_custom_field_value1"`
		Init2            string `json:"init_custom_field_value2"`
		Init3            string `json:"init_custom_field_value3"`
	}
	if !c.decode(&req) {
		return
	}
	if req.MembershipNumber == "" {
		c.fail(41011)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sc, _, ok := s.memberCode(c, req.CardID, req.Code)
	if !ok {
		return
	}
	sc.activated, sc.number = true, req.MembershipNumber
	sc.bonus, sc.balance = req.InitBonus, req.InitBalance
	sc.fields = [3]string{req.Init1, req.Init2, req.Init3}
	s.countLocked(sc.cardID, func(n *cardCounters) { n.active++ })
	s.walletChangedLocked(sc.openid)
	c.ok()
}

func (s *Sim) handleMemberActivateURL(c *call) {
	var req struct {
		CardID   string `json:"card_id"`
		OuterStr string `json:"outer_str"`
	}
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	card, ok := s.cardLocked(c, req.CardID)
	if !ok {
		return
	}
	if !isMember(c, card) {
		return
	}
	u := "https://mp.weixin.qq.com/bizmall/activatemembercard?action=preshow&encrypt_card_id=" +
		base64.RawURLEncoding.EncodeToString([]byte(card.id)) + "&outer_str=" + req.OuterStr + "#wechat_redirect"
	cardOK(c, map[string]any{"url": u})
}

func (s *Sim) handleMemberUserForm(c *call) {
	s.withCardFields(c, func(card *simCard, req map[string]json.RawMessage) {
		if !isMember(c, card) {
			return
		}
		if req["required_form"] == nil && req["optional_form"] == nil {
			c.fail(41011)
			return
		}
		card.form, _ = json.Marshal(req)
		c.ok()
	})
}

func (s *Sim) handleMemberTempInfo(c *call) {
	var req struct {
		ActivateTicket string `json:"activate_ticket"`
	}
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sc, ok := s.cardsLocked().tickets[req.ActivateTicket]
	if !ok {
		c.fail(40097)
		return
	}
	cardOK(c, map[string]any{"info": map[string]any{"common_field_list": sc.userInfo, "custom_field_list": []any{}}})
}

// handleMemberUserInfo serves POST /card/membercard/userinfo/get (拉取会员信息).
func (s *Sim) handleMemberUserInfo(c *call) {
	var req struct {
		CardID string `json:"card_id"`
		Code   string `json:"code"`
	}
	if !c.decode(&req) {
		return
	}
	if req.CardID == "" {
		c.fail(41012)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sc, _, ok := s.memberCode(c, req.CardID, req.Code)
	if !ok {
		return
	}
	u := s.users[sc.openid]
	sex := "MALE"
	if u.sex == 2 {
		sex = "FEMALE"
	}
	info := sc.userInfo
	if info == nil {
		info = []map[string]any{}
	}
	cardOK(c, map[string]any{"openid": sc.openid, "nickname": u.name,
		"membership_number": sc.number, "bonus": sc.bonus, "balance": sc.balance, "sex": sex,
		"user_info":        map[string]any{"common_field_list": info, "custom_field_list": []any{}},
		"user_card_status": sc.status, "has_active": sc.activated})
}

// handleMemberUpdateUser serves POST /card/membercard/updateuser (更新会员信息)
// and pushes update_member_card with the changes.
func (s *Sim) handleMemberUpdateUser(c *call) {
	var req struct {
		Code        string `json:"code"`
		CardID      string `json:"card_id"`
		Bonus       *int   `json:"bonus"`
		AddBonus    int    `json:"add_bonus"`
		Balance     *int   `json:"balance"`
		AddBalance  int    `json:"add_balance"`
		RecordBonus string `json:"record_bonus"`
		V1          string `json:"custom_field_value1"`
		V2          string `json:"custom_field_value2"`
		V3          string `json:"custom_field_value3"`
	}
	if !c.decode(&req) {
		return
	}
	if req.CardID == "" {
		c.fail(41012)
		return
	}
	s.mu.Lock()
	sc, card, ok := s.memberCode(c, req.CardID, req.Code)
	if !ok {
		s.mu.Unlock()
		return
	}
	if !sc.activated {
		s.mu.Unlock()
		c.fail(40078)
		return
	}
	bonus, balance := sc.bonus+req.AddBonus, sc.balance+req.AddBalance
	if req.Bonus != nil {
		bonus = *req.Bonus
	}
	if req.Balance != nil {
		balance = *req.Balance
	}
	if bonus < 0 || balance < 0 || (bonus != sc.bonus && !card.supplyBonus) || (balance != sc.balance && !card.supplyBal) {
		s.mu.Unlock()
		c.fail(40097)
		return
	}
	dBonus, dBalance := bonus-sc.bonus, balance-sc.balance
	sc.bonus, sc.balance = bonus, balance
	for i, v := range []string{req.V1, req.V2, req.V3} {
		if v != "" {
			sc.fields[i] = v
		}
	}
	x := s.codeEvent(sc.openid, "update_member_card", sc, c.now)
	x.num("ModifyBonus", itoa(int64(dBonus)))
	x.num("ModifyBalance", itoa(int64(dBalance)))
	openid := sc.openid
	s.walletChangedLocked(openid)
	s.mu.Unlock()
	if dBonus != 0 || dBalance != 0 {
		s.pushSystem(openid, x.done())
	}
	cardOK(c, map[string]any{"result_bonus": bonus, "result_balance": balance, "openid": openid})
}

// handleCardStats serves the card statistics (卡券数据统计): a window of at
// most 62 days ending before today (UTC+8), else 61501 (date range error,
// a 数据统计 errcode whose errmsg the datacube family registers).
func (s *Sim) handleCardStats(kind string) func(*call) {
	return func(c *call) {
		var req struct {
			BeginDate  string `json:"begin_date"`
			EndDate    string `json:"end_date"`
			CondSource *int   `json:"cond_source"`
			CardID     string `json:"card_id"`
		}
		if !c.decode(&req) {
			return
		}
		cst := time.FixedZone("CST", 8*3600)
		b, err1 := time.ParseInLocation(time.DateOnly, req.BeginDate, cst)
		e, err2 := time.ParseInLocation(time.DateOnly, req.EndDate, cst)
		today := c.now.In(cst).Format(time.DateOnly)
		if err1 != nil || err2 != nil || e.Before(b) || e.Sub(b) > 61*24*time.Hour || req.EndDate >= today {
			c.fail(61501)
			return
		}
		if kind != "detail" && req.CondSource == nil {
			c.fail(41011)
			return
		}
		if kind == "detail" && req.CardID == "" {
			c.fail(41012)
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		st := s.cardsLocked()
		list := []map[string]any{}
		for d := b; !d.After(e); d = d.AddDate(0, 0, 1) {
			day := d.Format(time.DateOnly)
			var sum cardCounters
			ids := make([]string, 0, len(st.stats[day]))
			for id := range st.stats[day] {
				ids = append(ids, id)
			}
			slices.Sort(ids)
			for _, id := range ids {
				n := st.stats[day][id]
				if kind == "card" && (req.CardID == "" || req.CardID == id) {
					list = append(list, map[string]any{"ref_date": day, "card_id": id, "card_type": 0,
						"view_cnt": n.view, "view_user": n.viewUser, "receive_cnt": n.receive, "receive_user": n.receive,
						"verify_cnt": n.verify, "verify_user": n.verify, "given_cnt": n.given, "given_user": n.given,
						"expire_cnt": 0, "expire_user": 0})
				}
				if kind == "detail" && req.CardID == id {
					list = append(list, map[string]any{"ref_date": day, "merchanttype": 0, "cardid": id, "submerchantid": 0,
						"view_cnt": n.view, "view_user": n.viewUser, "receive_cnt": n.receive, "receive_user": n.receive,
						"verify_cnt": n.verify, "verify_user": n.verify, "active_cnt": n.active, "active_user": n.active,
						"total_user": n.receive, "new_user": n.receive, "payOriginalFee": n.originalFee, "fee": n.fee})
				}
				if kind == "member" && st.cards[id] != nil && st.cards[id].kind != "MEMBER_CARD" {
					continue
				}
				sum.view += n.view
				sum.viewUser += n.viewUser
				sum.receive += n.receive
				sum.verify += n.verify
				sum.given += n.given
				sum.active += n.active
			}
			switch kind {
			case "biz":
				list = append(list, map[string]any{"ref_date": day, "view_cnt": sum.view, "view_user": sum.viewUser,
					"receive_cnt": sum.receive, "receive_user": sum.receive, "verify_cnt": sum.verify, "verify_user": sum.verify,
					"given_cnt": sum.given, "given_user": sum.given, "expire_cnt": 0, "expire_user": 0})
			case "member":
				list = append(list, map[string]any{"ref_date": day, "view_cnt": sum.view, "view_user": sum.viewUser,
					"receive_cnt": sum.receive, "receive_user": sum.receive, "active_user": sum.active,
					"verify_cnt": sum.verify, "verify_user": sum.verify, "total_user": sum.receive, "total_receive_user": sum.receive})
			}
		}
		c.json(map[string]any{"list": list})
	}
}

// WalletCard is one card in a simulated follower's card wallet (卡包).
type WalletCard struct {
	Code        string
	CardID      string
	Kind        string // GROUPON, CASH, …, MEMBER_CARD
	Title       string
	BrandName   string
	Color       string
	Status      string // NORMAL, CONSUMED, UNAVAILABLE, GIFTING
	OuterStr    string
	EncryptCode string // what the card's pages receive; code/decrypt turns it back
	// Member cards.
	Activated        bool
	MembershipNumber string
	Bonus            int
	Balance          int // fen
	// PayCell: the card's 买单 cell is open (/card/paycell/set), so the
	// card shows a 买单 button (Follower.PayFromPayCell).
	PayCell bool
}

// Wallet returns the follower's card wallet, in claim order.
func (f *Follower) Wallet() []WalletCard {
	s := f.s
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.cardsLocked()
	var out []WalletCard
	for _, sc := range s.walletLocked(f.openid) {
		card := st.cards[sc.cardID]
		out = append(out, WalletCard{Code: sc.code, CardID: sc.cardID, Kind: card.kind, Title: card.title,
			BrandName: card.brand, Color: card.color, Status: sc.status, OuterStr: sc.outerStr, EncryptCode: sc.encrypted,
			Activated: sc.activated, MembershipNumber: sc.number, Bonus: sc.bonus, Balance: sc.balance, PayCell: card.payCell})
	}
	return out
}

// claimLocked puts a card in u's wallet; returns the new code. s.mu held.
func (s *Sim) claimLocked(u *userState, cardID, code, outerStr string, now time.Time, gift bool) (*simCode, error) {
	st := s.cardsLocked()
	card, ok := st.cards[cardID]
	if !ok || card.status == "CARD_STATUS_DELETE" {
		return nil, fmt.Errorf("%w: %s", ErrUnknownCard, cardID)
	}
	if card.status != "CARD_STATUS_VERIFY_OK" && !st.whitelist[u.openid] {
		return nil, ErrCardInReview
	}
	if !gift {
		if card.quantity <= 0 {
			return nil, ErrCardOutOfStock
		}
		if card.getLimit > 0 {
			n := 0
			for _, sc := range st.codes {
				if sc.cardID == cardID && sc.openid == u.openid {
					n++
				}
			}
			if n >= card.getLimit {
				return nil, ErrCardGetLimit
			}
		}
	}
	if code == "" && card.deposit {
		for c := range card.deposited {
			if _, used := st.codes[c]; !used {
				code = c
				break
			}
		}
		if code == "" {
			return nil, ErrCardOutOfStock
		}
	}
	if code == "" {
		for {
			code = randDigits(12)
			if _, dup := st.codes[code]; !dup {
				break
			}
		}
	} else if _, dup := st.codes[code]; dup {
		return nil, fmt.Errorf("%w: code %s already claimed", ErrInvalidFollowerOp, code)
	}
	if !gift {
		card.quantity--
	}
	sc := &simCode{code: code, cardID: cardID, openid: u.openid, status: "NORMAL", outerStr: outerStr, claimed: now,
		begin: card.begin, end: card.end}
	if card.fixedTerm > 0 {
		sc.begin, sc.end = now.Unix(), now.Add(time.Duration(card.fixedTerm)*24*time.Hour).Unix()
	}
	if card.kind == "MEMBER_CARD" && card.autoActivate {
		sc.activated, sc.number = true, code
	}
	sc.encrypted = base64.StdEncoding.EncodeToString([]byte(randText(24)))
	st.encrypted[sc.encrypted] = code
	st.codes[code] = sc
	s.countLocked(cardID, func(n *cardCounters) { n.receive++ })
	s.walletChangedLocked(u.openid)
	return sc, nil
}

func (s *Sim) userGetCardXML(u *userState, sc *simCode, now time.Time, friend, oldCode string) []byte {
	x := s.header(u.openid, "event", now)
	x.cdata("Event", "user_get_card")
	x.cdata("CardId", sc.cardID)
	giveByFriend := "0"
	if friend != "" {
		giveByFriend = "1"
	}
	x.num("IsGiveByFriend", giveByFriend)
	x.cdata("UserCardCode", sc.code)
	x.cdata("FriendUserName", friend)
	x.num("OuterId", "0")
	x.cdata("OldUserCardCode", oldCode)
	x.cdata("OuterStr", sc.outerStr)
	x.num("IsRestoreMemberCard", "0")
	x.num("IsRecommendByFriend", "0")
	x.cdata("UnionId", u.unionid)
	return x.done()
}

// skuRemindThreshold is the stock under which a claim pushes
// card_sku_remind (库存报警事件, default warning value 100), at most once
// every 12 hours per card.
const skuRemindThreshold = 100

// skuRemind pushes card_sku_remind when a claim left the stock low.
func (s *Sim) skuRemind(cardID string) {
	s.mu.Lock()
	card := s.cardsLocked().cards[cardID]
	now := s.now()
	if card == nil || card.quantity >= skuRemindThreshold || (!card.reminded.IsZero() && now.Sub(card.reminded) < 12*time.Hour) {
		s.mu.Unlock()
		return
	}
	card.reminded = now
	x := s.header(s.acct.OriginalID, "event", now)
	x.cdata("Event", "card_sku_remind")
	x.cdata("CardId", cardID)
	x.cdata("Detail", "the card's quantity is equal to "+itoa(int64(card.quantity)))
	s.mu.Unlock()
	s.pushSystem(s.acct.OriginalID, x.done())
}

// ClaimCard claims a card from a page (wx.addCard, 添加到卡包) with the
// channel outerStr: the card enters the wallet and user_get_card is pushed.
// It returns the new code with the developer's reply, if any.
func (f *Follower) ClaimCard(ctx context.Context, cardID, outerStr string) (string, *Reply, error) {
	var code string
	reply, err := f.act(ctx, true, func(u *userState, now time.Time) ([]byte, error) {
		sc, err := f.s.claimLocked(u, cardID, "", outerStr, now, false)
		if err != nil {
			return nil, err
		}
		code = sc.code
		return f.s.userGetCardXML(u, sc, now, "", ""), nil
	})
	if code != "" {
		f.s.skuRemind(cardID)
	}
	return code, reply, err
}

// ClaimCardByQR scans a card QR code (card/qrcode/create) and claims its
// cards, one user_get_card push each with the code's outer_str. It returns
// the new codes.
func (f *Follower) ClaimCardByQR(ctx context.Context, ticket string) ([]string, error) {
	s := f.s
	s.mu.Lock()
	q, ok := s.qrs[ticket]
	items := s.cardsLocked().qrs[ticket]
	s.mu.Unlock()
	if !ok || items == nil {
		return nil, ErrUnknownQRCode
	}
	if q.expired(s.now()) {
		return nil, ErrQRCodeExpired
	}
	var codes []string
	for _, it := range items {
		if it.openid != "" && it.openid != f.openid {
			return codes, fmt.Errorf("%w: the code is bound to another user", ErrInvalidFollowerOp)
		}
		var code string
		_, err := f.act(ctx, true, func(u *userState, now time.Time) ([]byte, error) {
			sc, err := s.claimLocked(u, it.cardID, it.code, it.outerStr, now, false)
			if err != nil {
				return nil, err
			}
			code = sc.code
			return s.userGetCardXML(u, sc, now, "", ""), nil
		})
		if code != "" {
			codes = append(codes, code)
			s.skuRemind(it.cardID)
		}
		if err != nil {
			return codes, err
		}
	}
	return codes, nil
}

// cardAction is the prepare step of an action on one of the follower's
// codes.
func (f *Follower) cardAction(ctx context.Context, code string, fill func(u *userState, sc *simCode, now time.Time) ([]byte, error)) (*Reply, error) {
	return f.act(ctx, true, func(u *userState, now time.Time) ([]byte, error) {
		sc, ok := f.s.cardsLocked().codes[code]
		if !ok || sc.openid != u.openid || sc.status == "DELETE" {
			return nil, ErrUnknownCardCode
		}
		return fill(u, sc, now)
	})
}

// ViewCard opens a card in the wallet (user_view_card).
func (f *Follower) ViewCard(ctx context.Context, code string) (*Reply, error) {
	return f.cardAction(ctx, code, func(u *userState, sc *simCode, now time.Time) ([]byte, error) {
		f.s.countLocked(sc.cardID, func(n *cardCounters) { n.view++; n.viewUser++ })
		x := f.s.codeEvent(u.openid, "user_view_card", sc, now)
		x.cdata("OuterStr", sc.outerStr)
		return x.done(), nil
	})
}

// EnterSessionFromCard opens the account's chat from a card
// (user_enter_session_from_card).
func (f *Follower) EnterSessionFromCard(ctx context.Context, code string) (*Reply, error) {
	return f.cardAction(ctx, code, func(u *userState, sc *simCode, now time.Time) ([]byte, error) {
		x := f.s.codeEvent(u.openid, "user_enter_session_from_card", sc, now)
		return x.done(), nil
	})
}

// DeleteCard deletes a card from the wallet (user_del_card).
func (f *Follower) DeleteCard(ctx context.Context, code string) (*Reply, error) {
	return f.cardAction(ctx, code, func(u *userState, sc *simCode, now time.Time) ([]byte, error) {
		sc.status = "DELETE"
		f.s.walletChangedLocked(u.openid)
		x := f.s.codeEvent(u.openid, "user_del_card", sc, now)
		return x.done(), nil
	})
}

// GiftCard gives a card to friend (转赠): user_gifting_card from the giver,
// then user_get_card (IsGiveByFriend 1) from the friend with a new code,
// which is returned.
func (f *Follower) GiftCard(ctx context.Context, code string, friend *Follower) (string, error) {
	if friend == nil || friend.openid == f.openid {
		return "", fmt.Errorf("%w: gift to whom?", ErrInvalidFollowerOp)
	}
	var cardID, outer string
	_, err := f.cardAction(ctx, code, func(u *userState, sc *simCode, now time.Time) ([]byte, error) {
		if sc.status != "NORMAL" {
			return nil, fmt.Errorf("%w: the card is %s", ErrInvalidFollowerOp, sc.status)
		}
		sc.status = "DELETE"
		cardID, outer = sc.cardID, sc.outerStr
		f.s.countLocked(sc.cardID, func(n *cardCounters) { n.given++ })
		f.s.walletChangedLocked(u.openid)
		x := f.s.codeEvent(u.openid, "user_gifting_card", sc, now)
		x.num("IsReturnBack", "0")
		x.cdata("FriendUserName", friend.openid)
		x.num("IsChatRoom", "0")
		return x.done(), nil
	})
	if err != nil && cardID == "" {
		return "", err
	}
	var newCode string
	_, err2 := friend.act(ctx, true, func(u *userState, now time.Time) ([]byte, error) {
		sc, err := f.s.claimLocked(u, cardID, "", outer, now, true)
		if err != nil {
			return nil, err
		}
		newCode = sc.code
		return f.s.userGetCardXML(u, sc, now, f.openid, code), nil
	})
	if err == nil {
		err = err2
	}
	return newCode, err
}

// SubmitMemberCardForm fills the member card's activation form (开卡组件)
// with fields (USER_FORM_INFO_FLAG_MOBILE … → value): the values become the
// temporary info behind an activate_ticket (returned), a wx_activate card
// is activated with its code as membership number, and
// submit_membercard_user_info is pushed.
func (f *Follower) SubmitMemberCardForm(ctx context.Context, code string, fields map[string]string) (string, error) {
	var ticket string
	_, err := f.cardAction(ctx, code, func(u *userState, sc *simCode, now time.Time) ([]byte, error) {
		st := f.s.cardsLocked()
		card := st.cards[sc.cardID]
		if card.kind != "MEMBER_CARD" {
			return nil, fmt.Errorf("%w: not a member card", ErrInvalidFollowerOp)
		}
		keys := make([]string, 0, len(fields))
		for k := range fields {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		sc.userInfo = nil
		for _, k := range keys {
			sc.userInfo = append(sc.userInfo, map[string]any{"name": k, "value": fields[k]})
		}
		ticket = randText(32)
		st.tickets[ticket] = sc
		if card.wxActivate && !sc.activated {
			sc.activated, sc.number = true, sc.code
			f.s.countLocked(sc.cardID, func(n *cardCounters) { n.active++ })
		}
		f.s.walletChangedLocked(u.openid)
		x := f.s.codeEvent(u.openid, "submit_membercard_user_info", sc, now)
		return x.done(), nil
	})
	return ticket, err
}

// CardSummary describes one card of the account (卡券), for tools.
type CardSummary struct {
	CardID   string
	Kind     string
	Title    string
	Brand    string
	Status   string // CARD_STATUS_NOT_VERIFY, CARD_STATUS_VERIFY_OK, …
	Quantity int    // stock left
}

// Cards lists the account's cards in creation order.
func (s *Sim) Cards() []CardSummary {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.cardsLocked()
	out := make([]CardSummary, 0, len(st.order))
	for _, id := range st.order {
		c := st.cards[id]
		out = append(out, CardSummary{CardID: id, Kind: c.kind, Title: c.title, Brand: c.brand, Status: c.status, Quantity: c.quantity})
	}
	return out
}

// cardLocked is findCardLocked answering its errcode when there is no such
// card. s.mu held.
func (s *Sim) cardLocked(c *call, id string) (*simCard, bool) {
	card, code := s.findCardLocked(id)
	if code != 0 {
		c.fail(code)
		return nil, false
	}
	return card, true
}

// codeLocked is findCodeLocked answering its errcode when there is no such
// code. s.mu held.
func (s *Sim) codeLocked(c *call, cardID, code string) (*simCode, bool) {
	sc, errc := s.findCodeLocked(cardID, code)
	if errc != 0 {
		c.fail(errc)
		return nil, false
	}
	return sc, true
}

// isMember answers 40071 unless card is a member card.
func isMember(c *call, card *simCard) bool {
	if card.kind != "MEMBER_CARD" {
		c.fail(40071)
		return false
	}
	return true
}

// withCard serves a request of one card_id: it finds the card under s.mu
// (answering its errcode) and runs f with s.mu held.
func (s *Sim) withCard(c *call, f func(*simCard)) {
	var req struct {
		CardID string `json:"card_id"`
	}
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if card, ok := s.cardLocked(c, req.CardID); ok {
		f(card)
	}
}

// withCardFields is withCard for a request whose other fields f reads.
func (s *Sim) withCardFields(c *call, f func(*simCard, map[string]json.RawMessage)) {
	var req map[string]json.RawMessage
	if !c.decode(&req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if card, ok := s.cardLocked(c, jstr(req, "card_id")); ok {
		f(card, req)
	}
}

// cardOK answers errcode 0 with the fields of an answer.
func cardOK(c *call, fields map[string]any) {
	fields["errcode"], fields["errmsg"] = 0, "ok"
	c.json(fields)
}

// codeEvent starts the push of a code's event (CardId, UserCardCode).
func (s *Sim) codeEvent(openid, event string, sc *simCode, now time.Time) *xmlBuilder {
	x := s.header(openid, "event", now)
	x.cdata("Event", event)
	x.cdata("CardId", sc.cardID)
	x.cdata("UserCardCode", sc.code)
	return x
}

// walletChangedLocked tells observers that openid's wallet changed. s.mu held.
func (s *Sim) walletChangedLocked(openid string) {
	s.emitLocked(Event{Kind: EventCardChanged, OpenID: openid})
}
