package sim

import (
	"slices"
	"strings"
	"time"
)

// AccountType is the kind of Official Account (公众号类型): the interfaces an
// account may call (接口权限) and its mass-sending limits depend on it.
type AccountType string

// The account types. The zero value of Options.AccountType is a service
// account.
const (
	ServiceAccount      AccountType = "service"      // 服务号
	SubscriptionAccount AccountType = "subscription" // 订阅号
)

// Errcodes of the account rules.
const (
	errAPIUnauthorized = 48001 // api unauthorized
	errNoMassQuota     = 45028 // has no masssend quota
	errInvalidWeapp    = 40166 // invalid weapp appid
)

// Mass-sending limits (群发频率): a subscription account may mass send once
// a day; a follower of a service account receives at most four mass
// messages a (calendar) month, further sends skip them.
const (
	SubscriptionMassPerDay  = 1
	ServiceMassPerUserMonth = 4
)

// Passive news replies (被动回复图文消息): to a text, image, video, link or
// location message only the first article is shown; in other cases up to
// eight.
const (
	NewsReplyToMessage = 1
	NewsReplyMax       = 8
)

func init() {
	registerErrMsgs(map[int]string{
		errNoMassQuota:  "has no masssend quota",
		errInvalidWeapp: "invalid weapp appid",
	})
}

// accountType returns the account type, ServiceAccount for the zero value.
func (s *Sim) accountType() AccountType {
	if s.opts.AccountType == SubscriptionAccount {
		return SubscriptionAccount
	}
	return ServiceAccount
}

// permission says which accounts may call an interface (接口权限).
type permission int

const (
	permVerified        permission = iota + 1 // 认证订阅号 and 认证服务号
	permVerifiedService                       // 认证服务号 only
	permService                               // 服务号, verified or not
)

// permissions maps paths to their permission (the official 接口权限
// table): an entry ending in "/" covers the paths under it, others one
// path; the first match wins. Paths not listed are open to every account
// (基础支持, 素材管理, 草稿箱, 发布能力, menus, replies, JS-SDK ...).
var permissions = []struct {
	path string
	perm permission
}{
	{"/cgi-bin/user/", permVerified},                    // 用户管理
	{"/cgi-bin/tags/", permVerified},                    // 用户标签 / 黑名单
	{"/cgi-bin/menu/addconditional", permVerified},      // 个性化菜单
	{"/cgi-bin/menu/delconditional", permVerified},      //
	{"/cgi-bin/menu/trymatch", permVerified},            //
	{"/cgi-bin/message/custom/", permVerified},          // 客服消息
	{"/cgi-bin/customservice/", permVerified},           // 客服管理
	{"/customservice/", permVerified},                   //
	{"/cgi-bin/message/mass/send", permVerifiedService}, // 根据OpenID列表群发
	{"/cgi-bin/message/mass/", permVerified},            // 群发
	{"/cgi-bin/message/template/", permVerifiedService}, // 模板消息
	{"/cgi-bin/template/", permVerifiedService},         //
	{"/cgi-bin/qrcode/create", permVerifiedService},     // 带参数二维码
	{"/sns/oauth2/", permVerifiedService},               // 网页授权
	{"/sns/userinfo", permVerifiedService},              //
	{"/cgi-bin/message/subscribe/", permService},        // 订阅通知
	{"/wxaapi/newtmpl/", permService},                   //
	{"/datacube/", permVerified},                        // 数据统计
	{"/card/", permVerified},                            // 卡券
}

// permissionCode returns 48001 when the account's type lacks the interface
// at path, else 0.
func (s *Sim) permissionCode(path string) int {
	var need permission
	for _, p := range permissions {
		if path == p.path || strings.HasSuffix(p.path, "/") && strings.HasPrefix(path, p.path) {
			need = p.perm
			break
		}
	}
	service := s.accountType() == ServiceAccount
	verified := !s.opts.Unverified
	switch {
	case need == permVerified && !verified,
		need == permVerifiedService && (!verified || !service),
		need == permService && !service:
		return errAPIUnauthorized
	}
	return 0
}

// massQuota counts mass sends against the frequency limits, guarded by s.mu.
type massQuota struct {
	day      string
	dayCount int
	month    string
	perUser  map[string]int // openid -> mass messages received this month
}

func (s *Sim) massQuotaLocked() *massQuota {
	if s.massQ == nil {
		s.massQ = &massQuota{perUser: map[string]int{}}
	}
	return s.massQ
}

// massAllowedLocked answers 45028 once a subscription account has mass
// sent today; it counts the send otherwise. s.mu held.
func (s *Sim) massAllowedLocked(now time.Time) int {
	if s.accountType() != SubscriptionAccount {
		return 0
	}
	q := s.massQuotaLocked()
	if d := now.Format("2006-01-02"); d != q.day {
		q.day, q.dayCount = d, 0
	}
	if q.dayCount >= SubscriptionMassPerDay {
		return errNoMassQuota
	}
	q.dayCount++
	return 0
}

// massReceiversLocked keeps the targets that may still receive a mass
// message this month (service accounts: four each) and counts it for them.
// s.mu held.
func (s *Sim) massReceiversLocked(targets []*userState, now time.Time) []*userState {
	if s.accountType() != ServiceAccount {
		return targets
	}
	q := s.massQuotaLocked()
	if m := now.Format("2006-01"); m != q.month {
		q.month = m
		clear(q.perUser)
	}
	out := targets[:0:0]
	for _, u := range targets {
		if q.perUser[u.openid] >= ServiceMassPerUserMonth {
			continue
		}
		q.perUser[u.openid]++
		out = append(out, u)
	}
	return out
}

// checkMiniProgramLocked answers 40166 when a message links a mini program
// that is not linked (关联) to the account (Options.LinkedMiniPrograms).
func (s *Sim) checkMiniProgramLocked(present bool, appid string) int {
	if !present {
		return 0
	}
	if appid == "" || !slices.Contains(s.opts.LinkedMiniPrograms, appid) {
		return errInvalidWeapp
	}
	return 0
}

// shownReply returns the reply as the follower sees it: a news reply to a
// text, image, video, link or location message shows its first article
// only, other news replies at most eight. Raw keeps what the bot sent.
func shownReply(r *Reply, pushedType string) *Reply {
	if r == nil || r.MsgType != "news" {
		return r
	}
	limit := NewsReplyMax
	switch pushedType {
	case "text", "image", "video", "shortvideo", "link", "location":
		limit = NewsReplyToMessage
	}
	if len(r.Articles) <= limit {
		return r
	}
	c := *r
	c.Articles = slices.Clone(r.Articles[:limit])
	return &c
}
