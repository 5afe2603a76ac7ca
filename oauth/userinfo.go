package oauth

import (
	"context"
	"net/url"

	"github.com/wxkit/mp"
)

// UserInfo is a user's profile (拉取用户信息, scope snsapi_userinfo).
//
// Since 2021-10-20 WeChat no longer returns sex and region (sex is 0, the
// regions empty); the fields stay for compatibility.
type UserInfo struct {
	OpenID   string `json:"openid"`
	Nickname string `json:"nickname"`
	Sex      int    `json:"sex"` // 1 male, 2 female, 0 unknown
	Province string `json:"province"`
	City     string `json:"city"`
	Country  string `json:"country"`
	// HeadImgURL is the avatar; its last path element is the size (0 for
	// 640x640, 46, 64, 96, 132). Empty when the user has none.
	HeadImgURL string   `json:"headimgurl"`
	Privilege  []string `json:"privilege"`
	// UnionID is present when the account is bound to an Open Platform
	// account.
	UnionID string `json:"unionid,omitempty"`
}

// UserInfo fetches the profile of the user who granted snsapi_userinfo
// (拉取用户信息): GET /sns/userinfo?access_token&openid&lang, with the
// user's access token (not the account's). lang may be [LangDefault].
func (s *Service) UserInfo(ctx context.Context, accessToken, openID string, lang Lang) (*UserInfo, error) {
	const op = "oauth.UserInfo"
	if accessToken == "" {
		return nil, &mp.ValidationError{Op: op, Field: "access_token", Reason: "is required"}
	}
	if openID == "" {
		return nil, &mp.ValidationError{Op: op, Field: "openid", Reason: "is required"}
	}
	q := url.Values{"access_token": {accessToken}, "openid": {openID}}
	switch lang {
	case LangDefault:
	case LangZhCN, LangZhTW, LangEN:
		q.Set("lang", string(lang))
	default:
		return nil, &mp.ValidationError{Op: op, Field: "lang", Reason: "must be zh_CN, zh_TW or en"}
	}
	var u UserInfo
	if err := s.c.Do(ctx, &mp.Request{Method: "GET", Path: "/sns/userinfo", Query: q, NoToken: true}, &u); err != nil {
		return nil, err
	}
	return &u, nil
}
