package sim

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// insightState is what the statistics (数据统计), interface management
// (openApi管理) and comment (留言管理) families read: what happened in the
// simulator, by China date. It has its own lock, taken after s.mu when both
// are held, so that c.json can record a failed call's rid from handlers
// that hold s.mu.
type insightState struct {
	mu   sync.Mutex
	days map[string]*dayStats // by China date
	// ridMu guards rids and ridOrder alone: c.json records rids from
	// handlers that may hold mu.
	ridMu    sync.Mutex
	rids     map[string]*ridRecord
	ridOrder []string
	// clear_quota and clear_quota/v2 share 10 resets a month.
	clearMonth string
	clears     int
	threads    map[string]*commentThread // by msg_data_id + "_" + index
	// articles is the activity on published articles by China date
	// (articlestats.go), created on first use.
	articles map[string]map[articleKey]*articleDay
}

func newInsightState() *insightState {
	return &insightState{days: map[string]*dayStats{}, rids: map[string]*ridRecord{}, threads: map[string]*commentThread{}}
}

// chinaZone is WeChat's calendar (UTC+8): statistics days are China days.
var chinaZone = time.FixedZone("CST", 8*3600)

func chinaDay(t time.Time) string { return t.In(chinaZone).Format("2006-01-02") }

type msgKey struct{ hour, typ int }

type msgStat struct {
	users map[string]bool
	count int
}

type cbStat struct{ count, fail, total, max int }

type dayStats struct {
	newBy    map[int]int // user_source -> follows
	cancelBy map[int]int // user_source -> unfollows
	msgs     map[msgKey]*msgStat
	perUser  map[string]int // messages per openid
	cb       [24]cbStat
	comments int
}

func (in *insightState) dayLocked(t time.Time) *dayStats {
	k := chinaDay(t)
	d := in.days[k]
	if d == nil {
		d = &dayStats{newBy: map[int]int{}, cancelBy: map[int]int{}, msgs: map[msgKey]*msgStat{}, perUser: map[string]int{}}
		in.days[k] = d
	}
	return d
}

// userSource maps a subscribe scene to the user_source of 用户分析.
func userSource(scene string) int {
	switch scene {
	case "ADD_SCENE_SEARCH":
		return 1 // 公众号搜索
	case "ADD_SCENE_QR_CODE":
		return 30 // 扫描二维码
	case "ADD_SCENE_PROFILE_CARD":
		return 17 // 名片分享
	case "ADD_SCENE_ACCOUNT_MIGRATION", "ADD_SCENE_PROFILE_LINK", "ADD_SCENE_PROFILE_ITEM":
		return 57
	case "ADD_SCENE_PAID":
		return 51
	}
	return 0
}

// recordFollowLocked counts a follow. s.mu held.
func (s *Sim) recordFollowLocked(u *userState, now time.Time) {
	in := s.insight
	in.mu.Lock()
	in.dayLocked(now).newBy[userSource(u.subscribeScene)]++
	in.mu.Unlock()
}

// recordUnfollowLocked counts an unfollow under the source the follower
// came through. s.mu held.
func (s *Sim) recordUnfollowLocked(u *userState, now time.Time) {
	in := s.insight
	in.mu.Lock()
	in.dayLocked(now).cancelBy[userSource(u.subscribeScene)]++
	in.mu.Unlock()
}

// msgTypeCode is the msg_type of 消息分析, 0 for kinds it does not count.
func msgTypeCode(t string) int {
	switch t {
	case "text":
		return 1
	case "image":
		return 2
	case "voice":
		return 3
	case "video", "shortvideo":
		return 4
	case "link":
		return 6
	}
	return 0
}

// recordMessageLocked counts a message a follower sent. s.mu held.
func (s *Sim) recordMessageLocked(u *userState, msgType string, now time.Time) {
	typ := msgTypeCode(msgType)
	if typ == 0 {
		return
	}
	in := s.insight
	in.mu.Lock()
	defer in.mu.Unlock()
	d := in.dayLocked(now)
	k := msgKey{now.In(chinaZone).Hour(), typ}
	m := d.msgs[k]
	if m == nil {
		m = &msgStat{users: map[string]bool{}}
		d.msgs[k] = m
	}
	m.users[u.openid] = true
	m.count++
	d.perUser[u.openid]++
}

// recordCallback counts one push to the callback server (接口分析: passive
// replies, their failures and time).
func (s *Sim) recordCallback(now time.Time, cost time.Duration, failed bool) {
	in := s.insight
	in.mu.Lock()
	defer in.mu.Unlock()
	c := &in.dayLocked(now).cb[now.In(chinaZone).Hour()]
	ms := int(cost / time.Millisecond)
	c.count++
	if failed {
		c.fail++
	}
	c.total += ms
	c.max = max(c.max, ms)
}

// ridRecord is what rid/get (查询rid信息) answers about a failed call.
type ridRecord struct {
	InvokeTime   int64  `json:"invoke_time"`
	CostInMs     int64  `json:"cost_in_ms"`
	RequestURL   string `json:"request_url"`
	RequestBody  string `json:"request_body"`
	ResponseBody string `json:"response_body"`
	ClientIP     string `json:"client_ip"`
}

// maxRIDs bounds the rids kept (the oldest are forgotten first).
const maxRIDs = 10000

func newRID(now time.Time) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString([]byte{byte(now.Unix() >> 24), byte(now.Unix() >> 16), byte(now.Unix() >> 8), byte(now.Unix())}) +
		"-" + hex.EncodeToString(b[:4]) + "-" + hex.EncodeToString(b[4:])
}

// redactedQuery is the query of a call as rid/get shows it: the token cut
// short like WeChat does, secrets masked.
func redactedQuery(q url.Values) string {
	c := url.Values{}
	for k, v := range q {
		c[k] = append([]string(nil), v...)
	}
	if t := c.Get("access_token"); len(t) > 8 {
		c.Set("access_token", t[:8]+"xxxx")
	}
	for _, k := range []string{"secret", "appsecret"} {
		if c.Has(k) {
			c.Set(k, "xxxx")
		}
	}
	s, _ := url.QueryUnescape(c.Encode())
	return s
}

// withRID appends "rid: …" to the errmsg of an error answer, as WeChat does,
// and remembers the call for rid/get. Answers with errcode 0 pass unchanged.
func (c *call) withRID(b []byte) []byte {
	if !bytes.Contains(b, []byte(`"errcode"`)) {
		return b
	}
	var env struct {
		Code int    `json:"errcode"`
		Msg  string `json:"errmsg"`
	}
	if json.Unmarshal(b, &env) != nil || env.Code == 0 {
		return b
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return b
	}
	rid := newRID(c.now)
	msg, _ := json.Marshal(env.Msg + " rid: " + rid)
	m["errmsg"] = msg
	out, err := json.Marshal(m)
	if err != nil {
		return b
	}
	ip, _, _ := net.SplitHostPort(c.r.RemoteAddr)
	rec := &ridRecord{InvokeTime: c.now.Unix(), CostInMs: int64(time.Since(c.start) / time.Millisecond),
		RequestURL: redactedQuery(c.r.URL.Query()), RequestBody: string(c.reqBody), ResponseBody: string(out), ClientIP: ip}
	in := c.s.insight
	in.ridMu.Lock()
	in.rids[rid] = rec
	in.ridOrder = append(in.ridOrder, rid)
	if len(in.ridOrder) > maxRIDs {
		delete(in.rids, in.ridOrder[0])
		in.ridOrder = in.ridOrder[1:]
	}
	in.ridMu.Unlock()
	return out
}

// FailedCalls returns the rids of the failed API calls the simulator
// answered, oldest first (the rids rid/get knows).
func (s *Sim) FailedCalls() []string {
	in := s.insight
	in.ridMu.Lock()
	defer in.ridMu.Unlock()
	return append([]string(nil), in.ridOrder...)
}

// dayKeys returns the China dates from begin to end, inclusive.
func dayKeys(begin, end time.Time) []string {
	var out []string
	for d := begin; !d.After(end); d = d.AddDate(0, 0, 1) {
		out = append(out, d.Format("2006-01-02"))
	}
	return out
}

func sortedInts(m map[int]int) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
}

// cumulateLocked is the number of followers at the end of day (by the
// recorded follows and unfollows). in.mu held.
func (in *insightState) cumulateLocked(day string) int {
	n := 0
	for k, d := range in.days {
		if strings.Compare(k, day) <= 0 {
			for _, v := range d.newBy {
				n += v
			}
			for _, v := range d.cancelBy {
				n -= v
			}
		}
	}
	return n
}
