package card

import (
	"context"
	"strconv"

	"github.com/wxkit/mp"
)

// ActivateRequest is the body of 接口激活 (POST /card/membercard/activate).
type ActivateRequest struct {
	MembershipNumber      string `json:"membership_number"`
	Code                  string `json:"code"`
	CardID                string `json:"card_id,omitempty"`
	BackgroundPicURL      string `json:"background_pic_url,omitempty"`
	ActivateBeginTime     int64  `json:"activate_begin_time,omitempty"`
	ActivateEndTime       int64  `json:"activate_end_time,omitempty"`
	InitBonus             int    `json:"init_bonus,omitempty"`
	InitBonusRecord       string `json:"init_bonus_record,omitempty"`
	InitBalance           int    `json:"init_balance,omitempty"`
	InitCustomFieldValue1 string `json:"init_custom_field_value1,omitempty"`
	InitCustomFieldValue2 string `json:"init_custom_field_value2,omitempty"`
	InitCustomFieldValue3 string `json:"init_custom_field_value3,omitempty"`
}

// Activate activates a member card (接口激活).
func (s *Service) Activate(ctx context.Context, r *ActivateRequest) error {
	const op = "card.Activate"
	if r == nil {
		return verr(op, "", "nil request")
	}
	if err := need(op, "code", r.Code); err != nil {
		return err
	}
	if err := need(op, "membership_number", r.MembershipNumber); err != nil {
		return err
	}
	if len(r.MembershipNumber) > 20 {
		return verr(op, "membership_number", "is "+strconv.Itoa(len(r.MembershipNumber))+" bytes, the limit is 20")
	}
	if r.InitBonus < 0 || r.InitBalance < 0 {
		return verr(op, "init_bonus", "init_bonus and init_balance must not be negative")
	}
	return s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/card/membercard/activate", Body: r}, nil)
}

// ActivateURL returns the link to the member-card 开卡组件 form
// (获取开卡组件链接, POST /card/membercard/activate/geturl).
func (s *Service) ActivateURL(ctx context.Context, cardID, outerStr string) (string, error) {
	if err := need("card.ActivateURL", "card_id", cardID); err != nil {
		return "", err
	}
	body := map[string]string{"card_id": cardID}
	if outerStr != "" {
		body["outer_str"] = outerStr
	}
	var out struct {
		URL string `json:"url"`
	}
	if err := s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/card/membercard/activate/geturl", Body: body}, &out); err != nil {
		return "", err
	}
	return out.URL, nil
}

// Common form fields of 开卡组件 (common_field_id_list).
const (
	FieldMobile   = "USER_FORM_INFO_FLAG_MOBILE"
	FieldSex      = "USER_FORM_INFO_FLAG_SEX"
	FieldName     = "USER_FORM_INFO_FLAG_NAME"
	FieldBirthday = "USER_FORM_INFO_FLAG_BIRTHDAY"
	FieldIDCard   = "USER_FORM_INFO_FLAG_IDCARD"
	FieldEmail    = "USER_FORM_INFO_FLAG_EMAIL"
	FieldLocation = "USER_FORM_INFO_FLAG_LOCATION"
)

// Form is required_form or optional_form of 设置开卡字段.
type Form struct {
	CanModify         bool        `json:"can_modify"`
	CommonFieldIDList []string    `json:"common_field_id_list,omitempty"`
	CustomFieldList   []string    `json:"custom_field_list,omitempty"`
	RichFieldList     []RichField `json:"rich_field_list,omitempty"`
}

// RichField is a choice field of a form.
type RichField struct {
	Type   string   `json:"type"` // FORM_FIELD_RADIO, FORM_FIELD_SELECT, FORM_FIELD_CHECK_BOX
	Name   string   `json:"name"`
	Values []string `json:"values"`
}

// NamedURL is a {name, url} pair (service_statement, bind_old_card).
type NamedURL struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// UserFormRequest is the body of 设置开卡字段 (POST /card/membercard/activateuserform/set).
type UserFormRequest struct {
	CardID           string    `json:"card_id"`
	ServiceStatement *NamedURL `json:"service_statement,omitempty"`
	BindOldCard      *NamedURL `json:"bind_old_card,omitempty"`
	RequiredForm     *Form     `json:"required_form,omitempty"`
	OptionalForm     *Form     `json:"optional_form,omitempty"`
}

// SetActivateUserForm sets the fields of the 开卡组件 form.
func (s *Service) SetActivateUserForm(ctx context.Context, r *UserFormRequest) error {
	const op = "card.SetActivateUserForm"
	if r == nil {
		return verr(op, "", "nil request")
	}
	if err := need(op, "card_id", r.CardID); err != nil {
		return err
	}
	if r.RequiredForm == nil && r.OptionalForm == nil {
		return verr(op, "required_form", "set required_form or optional_form")
	}
	return s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/card/membercard/activateuserform/set", Body: r}, nil)
}

// FieldValue is one filled field of a form.
type FieldValue struct {
	Name      string   `json:"name"`
	Value     string   `json:"value"`
	ValueList []string `json:"value_list,omitempty"`
}

// UserInfo holds the fields a user filled.
type UserInfo struct {
	CommonFieldList []FieldValue `json:"common_field_list"`
	CustomFieldList []FieldValue `json:"custom_field_list"`
}

// ActivateTempInfo returns what a user filled in the 开卡组件 form before
// activation (获取用户提交资料, POST /card/membercard/activatetempinfo/get),
// by the activate_ticket the activation page receives.
func (s *Service) ActivateTempInfo(ctx context.Context, activateTicket string) (*UserInfo, error) {
	if err := need("card.ActivateTempInfo", "activate_ticket", activateTicket); err != nil {
		return nil, err
	}
	var out struct {
		Info UserInfo `json:"info"`
	}
	if err := s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/card/membercard/activatetempinfo/get", Body: map[string]string{"activate_ticket": activateTicket}}, &out); err != nil {
		return nil, err
	}
	return &out.Info, nil
}

// MemberInfo is the answer of 拉取会员信息 (POST /card/membercard/userinfo/get).
type MemberInfo struct {
	OpenID           string   `json:"openid"`
	Nickname         string   `json:"nickname"`
	MembershipNumber string   `json:"membership_number"`
	Bonus            int      `json:"bonus"`
	Balance          int      `json:"balance"`
	Sex              string   `json:"sex"`
	UserInfo         UserInfo `json:"user_info"`
	UserCardStatus   string   `json:"user_card_status"`
	HasActive        bool     `json:"has_active"`
}

// MemberUserInfo returns a member's card data (拉取会员信息).
func (s *Service) MemberUserInfo(ctx context.Context, cardID, code string) (*MemberInfo, error) {
	const op = "card.MemberUserInfo"
	if err := need(op, "card_id", cardID); err != nil {
		return nil, err
	}
	if err := need(op, "code", code); err != nil {
		return nil, err
	}
	var out MemberInfo
	if err := s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/card/membercard/userinfo/get",
		Body: map[string]string{"card_id": cardID, "code": code}, Idempotent: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// NotifyOptional is notify_optional of 更新会员信息.
type NotifyOptional struct {
	IsNotifyBonus        bool `json:"is_notify_bonus"`
	IsNotifyBalance      bool `json:"is_notify_balance"`
	IsNotifyCustomField1 bool `json:"is_notify_custom_field1,omitempty"`
	IsNotifyCustomField2 bool `json:"is_notify_custom_field2,omitempty"`
	IsNotifyCustomField3 bool `json:"is_notify_custom_field3,omitempty"`
}

// UpdateUserRequest is the body of 更新会员信息 (POST /card/membercard/updateuser).
// Bonus and Balance set absolute values; AddBonus and AddBalance change them
// by a delta (negative to spend). Balance is in fen.
type UpdateUserRequest struct {
	Code              string          `json:"code"`
	CardID            string          `json:"card_id"`
	BackgroundPicURL  string          `json:"background_pic_url,omitempty"`
	Bonus             *int            `json:"bonus,omitempty"`
	AddBonus          int             `json:"add_bonus,omitempty"`
	RecordBonus       string          `json:"record_bonus,omitempty"`
	Balance           *int            `json:"balance,omitempty"`
	AddBalance        int             `json:"add_balance,omitempty"`
	RecordBalance     string          `json:"record_balance,omitempty"`
	CustomFieldValue1 string          `json:"custom_field_value1,omitempty"`
	CustomFieldValue2 string          `json:"custom_field_value2,omitempty"`
	CustomFieldValue3 string          `json:"custom_field_value3,omitempty"`
	NotifyOptional    *NotifyOptional `json:"notify_optional,omitempty"`
}

// UpdateUserResult is the answer of 更新会员信息.
type UpdateUserResult struct {
	ResultBonus   int    `json:"result_bonus"`
	ResultBalance int    `json:"result_balance"`
	OpenID        string `json:"openid"`
}

// UpdateUser changes a member's bonus points, balance or custom fields
// (更新会员信息): the "points on purchase" call. WeChat pushes
// update_member_card.
func (s *Service) UpdateUser(ctx context.Context, r *UpdateUserRequest) (*UpdateUserResult, error) {
	const op = "card.UpdateUser"
	if r == nil {
		return nil, verr(op, "", "nil request")
	}
	if err := need(op, "card_id", r.CardID); err != nil {
		return nil, err
	}
	if err := need(op, "code", r.Code); err != nil {
		return nil, err
	}
	if r.Bonus != nil && r.AddBonus != 0 {
		return nil, verr(op, "add_bonus", "set bonus or add_bonus, not both")
	}
	if r.Balance != nil && r.AddBalance != 0 {
		return nil, verr(op, "add_balance", "set balance or add_balance, not both")
	}
	if r.Bonus != nil && *r.Bonus < 0 {
		return nil, verr(op, "bonus", "must not be negative")
	}
	if r.Balance != nil && *r.Balance < 0 {
		return nil, verr(op, "balance", "must not be negative")
	}
	if len(r.RecordBonus) > 120 {
		return nil, verr(op, "record_bonus", "is over 120 bytes")
	}
	var out UpdateUserResult
	if err := s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/card/membercard/updateuser", Body: r}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
