package menu

import (
	"context"
	"encoding/json"

	"github.com/wxkit/mp"
)

// CodePrivacyMatchRule is errcode 65320: a conditional menu's match rule
// uses gender, region or language, which WeChat no longer matches on.
const CodePrivacyMatchRule mp.ErrorCode = 65320

// ClientPlatformType values of [MatchRule] (客户端版本).
const (
	PlatformIOS     = "1"
	PlatformAndroid = "2"
	PlatformOthers  = "3"
)

// MatchRule selects the users who see a conditional menu (菜单匹配规则).
// Only TagID and ClientPlatformType may be used when creating a menu: to
// protect privacy WeChat rejects rules on gender, region or language with
// errcode 65320 (and stopped matching existing ones), so [Service.AddConditional]
// refuses them before sending. They stay here because [Service.Get] still
// reports them for old menus. Values are strings on the wire; numbers,
// which older menus report, decode too.
type MatchRule struct {
	TagID              string `json:"tag_id,omitempty"`               // 用户标签的id
	ClientPlatformType string `json:"client_platform_type,omitempty"` // PlatformIOS, PlatformAndroid or PlatformOthers
	GroupID            string `json:"group_id,omitempty"`             // legacy 分组 id, replaced by tag_id
	Sex                string `json:"sex,omitempty"`                  // no longer matched
	Country            string `json:"country,omitempty"`              // no longer matched
	Province           string `json:"province,omitempty"`             // no longer matched
	City               string `json:"city,omitempty"`                 // no longer matched
	Language           string `json:"language,omitempty"`             // no longer matched
}

// UnmarshalJSON accepts strings or numbers for every field.
func (r *MatchRule) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	var out MatchRule
	for key, dst := range map[string]*string{
		"tag_id": &out.TagID, "client_platform_type": &out.ClientPlatformType, "group_id": &out.GroupID,
		"sex": &out.Sex, "country": &out.Country, "province": &out.Province, "city": &out.City, "language": &out.Language,
	} {
		v, ok := raw[key]
		if !ok {
			continue
		}
		s, err := flexString(v)
		if err != nil {
			return err
		}
		*dst = s
	}
	*r = out
	return nil
}

// ConditionalMenu is a personalised menu (个性化菜单): buttons shown to the
// users that MatchRule selects. MenuID is set in menus that [Service.Get]
// returns.
type ConditionalMenu struct {
	Buttons   []Button  `json:"button"`
	MatchRule MatchRule `json:"matchrule"`
	MenuID    MenuID    `json:"menuid,omitempty"`
}

type addConditionalResponse struct {
	MenuID MenuID `json:"menuid"`
}

// AddConditional creates a conditional menu (创建个性化菜单,
// POST /cgi-bin/menu/addconditional) and returns its menuid. The buttons
// follow the limits of [Validate]; the match rule needs TagID or
// ClientPlatformType and no privacy field. A default menu must exist first.
// Not retried after a timeout: a second call would create a second menu.
func (s *Service) AddConditional(ctx context.Context, m *ConditionalMenu) (MenuID, error) {
	const op = "menu.AddConditional"
	if m == nil {
		return "", &mp.ValidationError{Op: op, Reason: "nil menu"}
	}
	if err := validate(op, m.Buttons); err != nil {
		return "", err
	}
	if err := validateRule(op, &m.MatchRule); err != nil {
		return "", err
	}
	body := struct {
		Buttons   []Button  `json:"button"`
		MatchRule MatchRule `json:"matchrule"`
	}{m.Buttons, m.MatchRule}
	var out addConditionalResponse
	if err := s.do(ctx, &mp.Request{Method: "POST", Path: pathAddConditional, Body: body}, &out); err != nil {
		return "", err
	}
	return out.MenuID, nil
}

func validateRule(op string, r *MatchRule) error {
	for _, f := range [...]struct{ name, v string }{
		{"sex", r.Sex}, {"country", r.Country}, {"province", r.Province}, {"city", r.City},
		{"language", r.Language}, {"group_id", r.GroupID},
	} {
		if f.v != "" {
			reason := "WeChat no longer matches menus on gender, region or language (errcode 65320); use tag_id"
			if f.name == "group_id" {
				reason = "group_id (用户分组) was replaced by tag_id"
			}
			return &mp.ValidationError{Op: op, Field: "matchrule." + f.name, Reason: reason}
		}
	}
	if r.TagID == "" && r.ClientPlatformType == "" {
		return &mp.ValidationError{Op: op, Field: "matchrule",
			Reason: "set tag_id or client_platform_type (at least one match condition)"}
	}
	switch r.ClientPlatformType {
	case "", PlatformIOS, PlatformAndroid, PlatformOthers:
	default:
		return &mp.ValidationError{Op: op, Field: "matchrule.client_platform_type",
			Reason: "must be 1 (iOS), 2 (Android) or 3 (others), got " + r.ClientPlatformType}
	}
	return nil
}

// DeleteConditional deletes the conditional menu menuID (删除个性化菜单,
// POST /cgi-bin/menu/delconditional).
func (s *Service) DeleteConditional(ctx context.Context, menuID MenuID) error {
	if menuID == "" {
		return &mp.ValidationError{Op: "menu.DeleteConditional", Field: "menuid", Reason: "menuid is required"}
	}
	body := struct {
		MenuID MenuID `json:"menuid"`
	}{menuID}
	return s.do(ctx, &mp.Request{Method: "POST", Path: pathDelConditional, Body: body}, nil)
}

// MatchResult is the menu a user would see (测试个性化菜单匹配结果).
type MatchResult struct {
	Buttons []Button `json:"button"`
}

// TryMatch returns the menu that userID — a follower's OpenID or WeChat ID
// (微信号) — would see (测试个性化菜单匹配结果, POST /cgi-bin/menu/trymatch).
func (s *Service) TryMatch(ctx context.Context, userID string) (*MatchResult, error) {
	if userID == "" {
		return nil, &mp.ValidationError{Op: "menu.TryMatch", Field: "user_id", Reason: "user_id is required"}
	}
	body := struct {
		UserID string `json:"user_id"`
	}{userID}
	var out MatchResult
	if err := s.do(ctx, &mp.Request{Method: "POST", Path: pathTryMatch, Body: body, Idempotent: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
