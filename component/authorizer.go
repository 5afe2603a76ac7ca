package component

import (
	"context"
	"fmt"
	"io"
	"iter"
	"log/slog"

	"github.com/wxkit/mp"
)

// AuthorizerInfo is the account part of api_get_authorizer_info
// (获取授权帐号详情).
type AuthorizerInfo struct {
	NickName        string `json:"nick_name"`
	HeadImg         string `json:"head_img"`
	ServiceTypeInfo struct {
		ID int `json:"id"` // 0 订阅号, 1 由历史老帐号升级后的订阅号, 2 服务号
	} `json:"service_type_info"`
	VerifyTypeInfo struct {
		ID int `json:"id"` // -1 未认证, 0 微信认证 ...
	} `json:"verify_type_info"`
	UserName      string         `json:"user_name"` // 原始 ID
	PrincipalName string         `json:"principal_name"`
	Alias         string         `json:"alias"`
	BusinessInfo  map[string]int `json:"business_info"`
	QRCodeURL     string         `json:"qrcode_url"`
	Signature     string         `json:"signature,omitempty"`
}

// AuthorizerDetail is the answer of api_get_authorizer_info.
type AuthorizerDetail struct {
	AuthorizerInfo    AuthorizerInfo `json:"authorizer_info"`
	AuthorizationInfo struct {
		AuthorizerAppID string     `json:"authorizer_appid"`
		FuncInfo        []FuncInfo `json:"func_info"`
		// Older answers repeat the refresh token here; it is never printed.
		AuthorizerRefreshToken string `json:"authorizer_refresh_token,omitempty"`
	} `json:"authorization_info"`
}

// String describes the detail without the refresh token.
func (d AuthorizerDetail) String() string {
	return fmt.Sprintf("component.AuthorizerDetail{AppID: %q, NickName: %q, UserName: %q}",
		d.AuthorizationInfo.AuthorizerAppID, d.AuthorizerInfo.NickName, d.AuthorizerInfo.UserName)
}

// GoString is String.
func (d AuthorizerDetail) GoString() string { return d.String() }

// Format prints String for every verb.
func (d AuthorizerDetail) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, d.String()) }

// LogValue is String for log/slog.
func (d AuthorizerDetail) LogValue() slog.Value { return slog.StringValue(d.String()) }

type authorizerRequest struct {
	ComponentAppID  string `json:"component_appid"`
	AuthorizerAppID string `json:"authorizer_appid"`
	OptionName      string `json:"option_name,omitempty"`
	OptionValue     string `json:"option_value,omitempty"`
}

func checkAppID(op, appid string) error {
	if appid == "" {
		return &mp.ValidationError{Op: op, Field: "authorizer_appid", Reason: "required"}
	}
	return nil
}

// AuthorizerInfo calls 获取授权帐号详情 POST /cgi-bin/component/api_get_authorizer_info.
func (p *Platform) AuthorizerInfo(ctx context.Context, authorizerAppID string) (*AuthorizerDetail, error) {
	if err := checkAppID("component.AuthorizerInfo", authorizerAppID); err != nil {
		return nil, err
	}
	var out AuthorizerDetail
	err := p.do(ctx, "/cgi-bin/component/api_get_authorizer_info",
		authorizerRequest{ComponentAppID: p.cfg.AppID, AuthorizerAppID: authorizerAppID}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Option names of api_get_authorizer_option / api_set_authorizer_option.
const (
	OptionLocationReport  = "location_report"  // 地理位置上报: 0 无上报, 1 进入会话时上报, 2 每5s上报
	OptionVoiceRecognize  = "voice_recognize"  // 语音识别: 0 关闭, 1 开启
	OptionCustomerService = "customer_service" // 多客服: 0 关闭, 1 开启
)

type optionResponse struct {
	AuthorizerAppID string `json:"authorizer_appid"`
	OptionName      string `json:"option_name"`
	OptionValue     string `json:"option_value"`
}

func checkOption(op, name string) error {
	switch name {
	case OptionLocationReport, OptionVoiceRecognize, OptionCustomerService:
		return nil
	case "":
		return &mp.ValidationError{Op: op, Field: "option_name", Reason: "required"}
	}
	return &mp.ValidationError{Op: op, Field: "option_name", Reason: "must be location_report, voice_recognize or customer_service"}
}

// AuthorizerOption calls 获取授权方选项信息 POST /cgi-bin/component/api_get_authorizer_option.
func (p *Platform) AuthorizerOption(ctx context.Context, authorizerAppID, name string) (string, error) {
	const op = "component.AuthorizerOption"
	if err := checkAppID(op, authorizerAppID); err != nil {
		return "", err
	}
	if err := checkOption(op, name); err != nil {
		return "", err
	}
	var out optionResponse
	err := p.do(ctx, "/cgi-bin/component/api_get_authorizer_option",
		authorizerRequest{ComponentAppID: p.cfg.AppID, AuthorizerAppID: authorizerAppID, OptionName: name}, &out)
	return out.OptionValue, err
}

// SetAuthorizerOption calls 设置授权方选项信息 POST /cgi-bin/component/api_set_authorizer_option.
func (p *Platform) SetAuthorizerOption(ctx context.Context, authorizerAppID, name, value string) error {
	const op = "component.SetAuthorizerOption"
	if err := checkAppID(op, authorizerAppID); err != nil {
		return err
	}
	if err := checkOption(op, name); err != nil {
		return err
	}
	if value == "" {
		return &mp.ValidationError{Op: op, Field: "option_value", Reason: "required"}
	}
	return p.do(ctx, "/cgi-bin/component/api_set_authorizer_option",
		authorizerRequest{ComponentAppID: p.cfg.AppID, AuthorizerAppID: authorizerAppID, OptionName: name, OptionValue: value}, nil)
}

// Authorizer is one entry of api_get_authorizer_list. RefreshToken is the
// account's authorizer_refresh_token: it is never printed.
type Authorizer struct {
	AppID        string `json:"authorizer_appid"`
	RefreshToken string `json:"refresh_token"`
	AuthTime     int64  `json:"auth_time"`
}

// String describes the entry without the refresh token.
func (a Authorizer) String() string {
	return fmt.Sprintf("component.Authorizer{AppID: %q, RefreshToken: %s, AuthTime: %d}", a.AppID, redacted(a.RefreshToken), a.AuthTime)
}

// GoString is String.
func (a Authorizer) GoString() string { return a.String() }

// Format prints String for every verb.
func (a Authorizer) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, a.String()) }

// LogValue is String for log/slog.
func (a Authorizer) LogValue() slog.Value { return slog.StringValue(a.String()) }

// MaxAuthorizerPage is the largest count of api_get_authorizer_list.
const MaxAuthorizerPage = 500

type listRequest struct {
	ComponentAppID string `json:"component_appid"`
	Offset         int    `json:"offset"`
	Count          int    `json:"count"`
}

type listResponse struct {
	TotalCount int          `json:"total_count"`
	List       []Authorizer `json:"list"`
}

// Authorizers iterates over every authorized account with 拉取所有已授权的帐号信息
// POST /cgi-bin/component/api_get_authorizer_list, pageSize (1..500, 0 means
// 500) at a time. It stops at the first error, which it yields.
func (p *Platform) Authorizers(ctx context.Context, pageSize int) iter.Seq2[Authorizer, error] {
	return func(yield func(Authorizer, error) bool) {
		if pageSize == 0 {
			pageSize = MaxAuthorizerPage
		}
		if pageSize < 1 || pageSize > MaxAuthorizerPage {
			yield(Authorizer{}, &mp.ValidationError{Op: "component.Authorizers", Field: "count", Reason: "must be 1..500"})
			return
		}
		for offset := 0; ; {
			var out listResponse
			if err := p.do(ctx, "/cgi-bin/component/api_get_authorizer_list", listRequest{p.cfg.AppID, offset, pageSize}, &out); err != nil {
				yield(Authorizer{}, err)
				return
			}
			for _, a := range out.List {
				if !yield(a, nil) {
					return
				}
			}
			offset += len(out.List)
			if len(out.List) == 0 || offset >= out.TotalCount {
				return
			}
		}
	}
}

// RestoreRefreshTokens saves the refresh token of every authorized account,
// read from api_get_authorizer_list, into the RefreshTokenStore: the
// documented recovery when refresh tokens were lost or WeChat answers 61023
// for a token believed valid. It returns how many it saved.
func (p *Platform) RestoreRefreshTokens(ctx context.Context) (int, error) {
	n := 0
	for a, err := range p.Authorizers(ctx, MaxAuthorizerPage) {
		if err != nil {
			return n, err
		}
		if a.AppID == "" || a.RefreshToken == "" {
			continue
		}
		if err := p.refresh.Put(ctx, a.AppID, a.RefreshToken); err != nil {
			return n, fmt.Errorf("component: saving the refresh token of %s: %w", a.AppID, err)
		}
		n++
	}
	return n, nil
}
