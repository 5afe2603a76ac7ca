package user

import (
	"context"
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"

	"golang.org/x/sync/errgroup"

	"github.com/wxkit/mp"
)

// Documented per-call limits.
const (
	MaxBatchInfo = 100 // openids per 批量获取用户基本信息 call
	MaxTagging   = 50  // openids per 批量为用户打标签/取消标签 call
	MaxBlacklist = 20  // openids per 拉黑用户/取消拉黑用户 call
	// MaxRemarkLength is the longest remark in characters: 设置用户备注名
	// wants one "shorter than 30 characters" (长度必须小于30字符).
	MaxRemarkLength = 29
	// MaxTagNameLength is the longest tag name in bytes of UTF-8: WeChat
	// refuses a longer one with 45158 (标签名长度超过30个字节), so ten
	// Chinese characters at most.
	MaxTagNameLength  = 30
	batchInfoParallel = 4 // BatchInfo calls in flight at once
)

// Service is the user-management API of one Official Account.
type Service struct {
	c *mp.Client
}

// New returns the user-management API on c.
func New(c *mp.Client) *Service { return &Service{c: c} }

// Lang is the language of the country/province/city names in user
// information.
type Lang string

// Languages accepted by the lang parameter. Empty means WeChat's default
// (zh_CN).
const (
	LangZhCN Lang = "zh_CN" // 简体
	LangZhTW Lang = "zh_TW" // 繁体
	LangEN   Lang = "en"    // 英语
)

func (l Lang) valid() bool {
	return l == "" || l == LangZhCN || l == LangZhTW || l == LangEN
}

// SubscribeScene is the channel a user followed the account through
// (subscribe_scene).
type SubscribeScene string

// Documented subscribe_scene values.
const (
	SceneSearch           SubscribeScene = "ADD_SCENE_SEARCH"               // 公众号搜索
	SceneAccountMigration SubscribeScene = "ADD_SCENE_ACCOUNT_MIGRATION"    // 公众号迁移
	SceneProfileCard      SubscribeScene = "ADD_SCENE_PROFILE_CARD"         // 名片分享
	SceneQRCode           SubscribeScene = "ADD_SCENE_QR_CODE"              // 扫描二维码
	SceneProfileLink      SubscribeScene = "ADD_SCENE_PROFILE_LINK"         // 图文页内名称点击
	SceneProfileItem      SubscribeScene = "ADD_SCENE_PROFILE_ITEM"         // 图文页右上角菜单
	ScenePaid             SubscribeScene = "ADD_SCENE_PAID"                 // 支付后关注
	SceneAdvertisement    SubscribeScene = "ADD_SCENE_WECHAT_ADVERTISEMENT" // 微信广告
	SceneReprint          SubscribeScene = "ADD_SCENE_REPRINT"              // 他人转载
	SceneLivestream       SubscribeScene = "ADD_SCENE_LIVESTREAM"           // 视频号直播
	SceneChannels         SubscribeScene = "ADD_SCENE_CHANNELS"             // 视频号
	SceneOthers           SubscribeScene = "ADD_SCENE_OTHERS"               // 其他
)

// UserInfo is a user's basic information (用户基本信息). When Subscribe is 0
// the user does not follow the account and only OpenID (and UnionID, when
// bound) is filled.
type UserInfo struct {
	Subscribe     int    `json:"subscribe"` // 1 when the user follows the account
	OpenID        string `json:"openid"`
	Language      string `json:"language"`
	SubscribeTime int64  `json:"subscribe_time"` // Unix seconds of the last follow
	// UnionID is present only when the account is bound to a WeChat Open
	// Platform account (UnionID机制).
	UnionID        string         `json:"unionid,omitempty"`
	Remark         string         `json:"remark"`
	GroupID        int            `json:"groupid"` // legacy user group (兼容旧的用户分组接口)
	TagIDList      []int          `json:"tagid_list"`
	SubscribeScene SubscribeScene `json:"subscribe_scene"`
	QRScene        int64          `json:"qr_scene"`     // scene_id of the QR code scanned to follow
	QRSceneStr     string         `json:"qr_scene_str"` // scene_str of the QR code scanned to follow

	// WeChat stopped filling the profile fields below on 2021-12-27
	// (they come back empty or 0); they are kept for old payloads.
	Nickname   string `json:"nickname,omitempty"`
	Sex        int    `json:"sex,omitempty"` // 1 male, 2 female, 0 unknown
	City       string `json:"city,omitempty"`
	Province   string `json:"province,omitempty"`
	Country    string `json:"country,omitempty"`
	HeadImgURL string `json:"headimgurl,omitempty"`
}

// Subscribed reports whether the user follows the account.
func (u *UserInfo) Subscribed() bool { return u.Subscribe == 1 }

// SubscribedAt returns SubscribeTime as a time (zero when not set).
func (u *UserInfo) SubscribedAt() time.Time {
	if u.SubscribeTime == 0 {
		return time.Time{}
	}
	return time.Unix(u.SubscribeTime, 0)
}

// Info gets one user's basic information, with the UnionID when the account
// is bound to an Open Platform account (获取用户基本信息(UnionID机制),
// GET /cgi-bin/user/info). lang may be empty.
func (s *Service) Info(ctx context.Context, openID string, lang Lang) (*UserInfo, error) {
	const op = "user.Info"
	if openID == "" {
		return nil, &mp.ValidationError{Op: op, Field: "openid", Reason: "is required"}
	}
	if !lang.valid() {
		return nil, invalidLang(op, "lang", lang)
	}
	q := url.Values{"openid": {openID}}
	if lang != "" {
		q.Set("lang", string(lang))
	}
	var out UserInfo
	if err := s.c.Do(ctx, &mp.Request{Method: "GET", Path: "/cgi-bin/user/info", Query: q}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UserRef names one user of a batch information request.
type UserRef struct {
	OpenID string `json:"openid"`
	Lang   Lang   `json:"lang,omitempty"`
}

// Refs builds the UserRefs of openIDs, all in lang (may be empty).
func Refs(lang Lang, openIDs ...string) []UserRef {
	refs := make([]UserRef, len(openIDs))
	for i, id := range openIDs {
		refs[i] = UserRef{OpenID: id, Lang: lang}
	}
	return refs
}

type batchInfoRequest struct {
	UserList []UserRef `json:"user_list"`
}

// BatchInfoResponse is the answer of one 批量获取用户基本信息 call.
type BatchInfoResponse struct {
	UserInfoList []UserInfo `json:"user_info_list"`
}

// BatchInfo gets the basic information of many users (批量获取用户基本信息,
// POST /cgi-bin/user/info/batchget). WeChat takes 100 users per call: longer
// lists are split, sent a few calls at a time, and the results are returned
// in the order of users. The first failing call cancels the others and its
// error is returned.
func (s *Service) BatchInfo(ctx context.Context, users []UserRef) ([]UserInfo, error) {
	const op = "user.BatchInfo"
	if len(users) == 0 {
		return nil, &mp.ValidationError{Op: op, Field: "user_list", Reason: "is empty"}
	}
	for i, u := range users {
		if u.OpenID == "" {
			return nil, &mp.ValidationError{Op: op, Field: "user_list[" + strconv.Itoa(i) + "].openid", Reason: "is required"}
		}
		if !u.Lang.valid() {
			return nil, invalidLang(op, "user_list["+strconv.Itoa(i)+"].lang", u.Lang)
		}
	}
	chunks := (len(users) + MaxBatchInfo - 1) / MaxBatchInfo
	results := make([][]UserInfo, chunks)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(batchInfoParallel)
	for i := range chunks {
		part := users[i*MaxBatchInfo : min((i+1)*MaxBatchInfo, len(users))]
		g.Go(func() error {
			var out BatchInfoResponse
			req := &mp.Request{Method: "POST", Path: "/cgi-bin/user/info/batchget",
				Body: batchInfoRequest{UserList: part}, Idempotent: true}
			if err := s.c.Do(gctx, req, &out); err != nil {
				return err
			}
			results[i] = out.UserInfoList
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if chunks == 1 {
		return results[0], nil
	}
	n := 0
	for _, r := range results {
		n += len(r)
	}
	all := make([]UserInfo, 0, n)
	for _, r := range results {
		all = append(all, r...)
	}
	return all, nil
}

type remarkRequest struct {
	OpenID string `json:"openid"`
	Remark string `json:"remark"`
}

// UpdateRemark sets the remark (备注名) the account shows for a follower
// (设置用户备注名, POST /cgi-bin/user/info/updateremark). The remark must be
// shorter than 30 characters (at most [MaxRemarkLength]); an empty remark
// clears it.
func (s *Service) UpdateRemark(ctx context.Context, openID, remark string) error {
	const op = "user.UpdateRemark"
	if openID == "" {
		return &mp.ValidationError{Op: op, Field: "openid", Reason: "is required"}
	}
	if n := utf8.RuneCountInString(remark); n > MaxRemarkLength {
		return &mp.ValidationError{Op: op, Field: "remark", Reason: "is " + strconv.Itoa(n) + " characters, it must be shorter than 30"}
	}
	// Setting the same remark twice leaves the same state: safe to retry.
	return s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/cgi-bin/user/info/updateremark",
		Body: remarkRequest{OpenID: openID, Remark: remark}, Idempotent: true}, nil)
}

func invalidLang(op, field string, l Lang) error {
	return &mp.ValidationError{Op: op, Field: field, Reason: strconv.Quote(string(l)) + " is not zh_CN, zh_TW or en"}
}
