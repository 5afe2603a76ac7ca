package card

import (
	"context"
	"encoding/json"
	"iter"
	"slices"
	"strconv"
	"time"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/token"
)

// Documented limits of 创建卡券 (base_info and the card kinds). Text limits
// are in bytes of UTF-8, as the documentation gives them (string(36) is 12
// 汉字).
const (
	MaxLogoURLBytes     = 128
	MaxBrandNameBytes   = 36   // 12 汉字
	MaxTitleBytes       = 27   // 9 汉字
	MaxSubTitleBytes    = 54   // 18 汉字
	MaxNoticeBytes      = 48   // 16 汉字
	MaxDescriptionBytes = 3072 // 1024 汉字
	MaxServicePhone     = 24
	MaxQuantity         = 100000000
	MaxBatchGetCount    = 50
	MaxPrerogative      = 3072 // 1024 汉字
	MaxDetailBytes      = 3072 // deal_detail, gift, default_detail
)

// Service is the card (卡券) API of one Official Account. Create one per
// client and share it: it holds the cached wx_card api_ticket. It is safe for
// concurrent use.
type Service struct {
	c       *mp.Client
	tickets *token.Source
	now     func() time.Time
}

// Option configures a Service.
type Option func(*Service)

// WithClock replaces the client's clock for signature timestamps and the
// statistics windows.
func WithClock(now func() time.Time) Option {
	return func(s *Service) {
		if now != nil {
			s.now = now
		}
	}
}

// New returns the card API on c.
func New(c *mp.Client, opts ...Option) *Service {
	s := &Service{c: c, now: c.Now}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	s.tickets = c.TicketSource("wx_card_ticket", "wx_card", c.Now)
	return s
}

// String describes the Service without the ticket.
func (s *Service) String() string { return "card.Service{AppID: " + strconv.Quote(s.c.AppID()) + "}" }

// GoString is String.
func (s *Service) GoString() string { return s.String() }

// Kind is a card's card_type.
type Kind string

// Card kinds.
const (
	KindGroupon       Kind = "GROUPON"        // 团购券
	KindCash          Kind = "CASH"           // 代金券
	KindDiscount      Kind = "DISCOUNT"       // 折扣券
	KindGift          Kind = "GIFT"           // 兑换券
	KindGeneralCoupon Kind = "GENERAL_COUPON" // 优惠券
	KindMemberCard    Kind = "MEMBER_CARD"    // 会员卡
)

// CodeType is base_info.code_type, how the code is shown.
type CodeType string

// Code display types.
const (
	CodeText        CodeType = "CODE_TYPE_TEXT"
	CodeBarcode     CodeType = "CODE_TYPE_BARCODE"
	CodeQRCode      CodeType = "CODE_TYPE_QRCODE"
	CodeOnlyQRCode  CodeType = "CODE_TYPE_ONLY_QRCODE"
	CodeOnlyBarcode CodeType = "CODE_TYPE_ONLY_BARCODE"
	CodeNone        CodeType = "CODE_TYPE_NONE"
)

var codeTypes = []CodeType{CodeText, CodeBarcode, CodeQRCode, CodeOnlyQRCode, CodeOnlyBarcode, CodeNone}

// Colors are the documented card colors (券颜色).
var Colors = []string{"Color010", "Color020", "Color030", "Color040", "Color050", "Color060",
	"Color070", "Color080", "Color081", "Color082", "Color090", "Color100", "Color101", "Color102"}

// Date types of date_info.
const (
	DateFixTimeRange = "DATE_TYPE_FIX_TIME_RANGE" // valid between begin and end
	DateFixTerm      = "DATE_TYPE_FIX_TERM"       // valid fixed_term days from claiming
	DatePermanent    = "DATE_TYPE_PERMANENT"      // member cards only
)

// DateInfo is base_info.date_info.
type DateInfo struct {
	Type           string `json:"type"`
	BeginTimestamp int64  `json:"begin_timestamp,omitempty"`
	EndTimestamp   int64  `json:"end_timestamp,omitempty"`
	FixedTerm      int    `json:"fixed_term,omitempty"`
	FixedBeginTerm int    `json:"fixed_begin_term,omitempty"`
}

// SKU is base_info.sku.
type SKU struct {
	Quantity      int `json:"quantity"`
	TotalQuantity int `json:"total_quantity,omitempty"` // in card/get answers
}

// BaseInfo is the base_info shared by every card kind (基本的卡券数据).
type BaseInfo struct {
	// ID and Status come back from card/get (CARD_STATUS_NOT_VERIFY,
	// CARD_STATUS_VERIFY_OK, CARD_STATUS_VERIFY_FAIL, CARD_STATUS_DELETE,
	// CARD_STATUS_DISPATCH); leave them empty when creating.
	ID     string `json:"id,omitempty"`
	Status string `json:"status,omitempty"`

	LogoURL        string   `json:"logo_url"`
	CodeType       CodeType `json:"code_type"`
	BrandName      string   `json:"brand_name"`
	Title          string   `json:"title"`
	SubTitle       string   `json:"sub_title,omitempty"`
	Color          string   `json:"color"`
	Notice         string   `json:"notice"`
	Description    string   `json:"description"`
	DateInfo       DateInfo `json:"date_info"`
	SKU            SKU      `json:"sku"`
	ServicePhone   string   `json:"service_phone,omitempty"`
	LocationIDList []int64  `json:"location_id_list,omitempty"`
	UseAllLocation bool     `json:"use_all_locations,omitempty"`
	UseCustomCode  bool     `json:"use_custom_code,omitempty"`
	// GetCustomCodeMode is GET_CUSTOM_CODE_MODE_DEPOSIT for cards whose
	// codes are imported with code/deposit.
	GetCustomCodeMode string `json:"get_custom_code_mode,omitempty"`
	BindOpenID        bool   `json:"bind_openid,omitempty"`
	GetLimit          int    `json:"get_limit,omitempty"`
	UseLimit          int    `json:"use_limit,omitempty"`
	CanShare          *bool  `json:"can_share,omitempty"`
	CanGiveFriend     *bool  `json:"can_give_friend,omitempty"`
	Source            string `json:"source,omitempty"`

	CenterTitle       string `json:"center_title,omitempty"`
	CenterSubTitle    string `json:"center_sub_title,omitempty"`
	CenterURL         string `json:"center_url,omitempty"`
	CustomURLName     string `json:"custom_url_name,omitempty"`
	CustomURL         string `json:"custom_url,omitempty"`
	CustomURLSubTitle string `json:"custom_url_sub_title,omitempty"`
	PromotionURLName  string `json:"promotion_url_name,omitempty"`
	PromotionURL      string `json:"promotion_url,omitempty"`
	PromotionURLSub   string `json:"promotion_url_sub_title,omitempty"`
	// PayInfo enables 买单 (swipe_card.is_swipe_card).
	PayInfo *PayInfo `json:"pay_info,omitempty"`
	// CreateTime and UpdateTime come back from card/get.
	CreateTime int64 `json:"create_time,omitempty"`
	UpdateTime int64 `json:"update_time,omitempty"`
}

// PayInfo is base_info.pay_info.
type PayInfo struct {
	SwipeCard struct {
		IsSwipeCard bool `json:"is_swipe_card"`
	} `json:"swipe_card"`
}

// AdvancedInfo is the optional advanced_info (卡券高级信息).
type AdvancedInfo struct {
	UseCondition *UseCondition `json:"use_condition,omitempty"`
	Abstract     *Abstract     `json:"abstract,omitempty"`
	TextImage    []TextImage   `json:"text_image_list,omitempty"`
	TimeLimit    []TimeLimit   `json:"time_limit,omitempty"`
	BusinessSvc  []string      `json:"business_service,omitempty"`
}

// UseCondition is advanced_info.use_condition.
type UseCondition struct {
	AcceptCategory          string `json:"accept_category,omitempty"`
	RejectCategory          string `json:"reject_category,omitempty"`
	LeastCost               int    `json:"least_cost,omitempty"`
	ObjectUseFor            string `json:"object_use_for,omitempty"`
	CanUseWithOtherDiscount bool   `json:"can_use_with_other_discount,omitempty"`
}

// Abstract is advanced_info.abstract.
type Abstract struct {
	Abstract    string   `json:"abstract,omitempty"`
	IconURLList []string `json:"icon_url_list,omitempty"`
}

// TextImage is one item of advanced_info.text_image_list.
type TextImage struct {
	ImageURL string `json:"image_url"`
	Text     string `json:"text"`
}

// TimeLimit is one item of advanced_info.time_limit.
type TimeLimit struct {
	Type        string `json:"type"`
	BeginHour   int    `json:"begin_hour,omitempty"`
	BeginMinute int    `json:"begin_minute,omitempty"`
	EndHour     int    `json:"end_hour,omitempty"`
	EndMinute   int    `json:"end_minute,omitempty"`
}

// Info is what every kind has: base_info and the optional advanced_info.
type Info struct {
	BaseInfo     BaseInfo      `json:"base_info"`
	AdvancedInfo *AdvancedInfo `json:"advanced_info,omitempty"`
}

// Groupon is a 团购券.
type Groupon struct {
	Info
	DealDetail string `json:"deal_detail"`
}

// Cash is a 代金券: ReduceCost fen off a purchase of at least LeastCost fen.
type Cash struct {
	Info
	LeastCost  int `json:"least_cost"`
	ReduceCost int `json:"reduce_cost"`
}

// Discount is a 折扣券: Discount percent off (30 is 七折).
type Discount struct {
	Info
	Discount int `json:"discount"`
}

// Gift is a 兑换券.
type Gift struct {
	Info
	Gift string `json:"gift"`
}

// GeneralCoupon is a 优惠券.
type GeneralCoupon struct {
	Info
	DefaultDetail string `json:"default_detail"`
}

// CustomField is custom_field1..3 of a member card (会员信息类目).
type CustomField struct {
	// NameType is FIELD_NAME_TYPE_LEVEL, FIELD_NAME_TYPE_COUPON,
	// FIELD_NAME_TYPE_STAMP, FIELD_NAME_TYPE_DISCOUNT, FIELD_NAME_TYPE_ACHIEVEMEN,
	// FIELD_NAME_TYPE_MILEAGE, FIELD_NAME_TYPE_SET_POINTS or
	// FIELD_NAME_TYPE_TIMS; or set Name.
	NameType string `json:"name_type,omitempty"`
	Name     string `json:"name,omitempty"`
	URL      string `json:"url,omitempty"`
}

// CustomCell is custom_cell1 of a member card.
type CustomCell struct {
	Name string `json:"name"`
	Tips string `json:"tips,omitempty"`
	URL  string `json:"url,omitempty"`
}

// BonusRule is bonus_rule of a member card (积分规则).
type BonusRule struct {
	CostMoneyUnit        int `json:"cost_money_unit,omitempty"`
	IncreaseBonus        int `json:"increase_bonus,omitempty"`
	MaxIncreaseBonus     int `json:"max_increase_bonus,omitempty"`
	InitIncreaseBonus    int `json:"init_increase_bonus,omitempty"`
	CostBonusUnit        int `json:"cost_bonus_unit,omitempty"`
	ReduceMoney          int `json:"reduce_money,omitempty"`
	LeastMoneyToUseBonus int `json:"least_money_to_use_bonus,omitempty"`
	MaxReduceBonus       int `json:"max_reduce_bonus,omitempty"`
}

// MemberCard is a 会员卡.
type MemberCard struct {
	Info
	BackgroundPicURL string       `json:"background_pic_url,omitempty"`
	Prerogative      string       `json:"prerogative"`
	AutoActivate     bool         `json:"auto_activate,omitempty"`
	WxActivate       bool         `json:"wx_activate,omitempty"`
	ActivateURL      string       `json:"activate_url,omitempty"`
	SupplyBonus      bool         `json:"supply_bonus"`
	BonusURL         string       `json:"bonus_url,omitempty"`
	SupplyBalance    bool         `json:"supply_balance"`
	BalanceURL       string       `json:"balance_url,omitempty"`
	CustomField1     *CustomField `json:"custom_field1,omitempty"`
	CustomField2     *CustomField `json:"custom_field2,omitempty"`
	CustomField3     *CustomField `json:"custom_field3,omitempty"`
	CustomCell1      *CustomCell  `json:"custom_cell1,omitempty"`
	BonusRule        *BonusRule   `json:"bonus_rule,omitempty"`
	Discount         int          `json:"discount,omitempty"`
	BonusCleared     string       `json:"bonus_cleared,omitempty"`
	BonusRules       string       `json:"bonus_rules,omitempty"`
	BalanceRules     string       `json:"balance_rules,omitempty"`
}

// Card is a card of one kind: CardType and the matching field set.
type Card struct {
	CardType      Kind           `json:"card_type"`
	Groupon       *Groupon       `json:"groupon,omitempty"`
	Cash          *Cash          `json:"cash,omitempty"`
	Discount      *Discount      `json:"discount,omitempty"`
	Gift          *Gift          `json:"gift,omitempty"`
	GeneralCoupon *GeneralCoupon `json:"general_coupon,omitempty"`
	MemberCard    *MemberCard    `json:"member_card,omitempty"`
}

// Base returns the card's base_info (nil when the kind's fields are unset).
func (c *Card) Base() *BaseInfo {
	switch {
	case c == nil:
		return nil
	case c.Groupon != nil:
		return &c.Groupon.BaseInfo
	case c.Cash != nil:
		return &c.Cash.BaseInfo
	case c.Discount != nil:
		return &c.Discount.BaseInfo
	case c.Gift != nil:
		return &c.Gift.BaseInfo
	case c.GeneralCoupon != nil:
		return &c.GeneralCoupon.BaseInfo
	case c.MemberCard != nil:
		return &c.MemberCard.BaseInfo
	}
	return nil
}

func verr(op, field, reason string) error {
	return &mp.ValidationError{Op: op, Field: field, Reason: reason}
}

func checkBytes(op, field, v string, max int, required bool) error {
	switch {
	case v == "" && required:
		return verr(op, field, "is required")
	case len(v) > max:
		return verr(op, field, "is "+strconv.Itoa(len(v))+" bytes, the limit is "+strconv.Itoa(max))
	}
	return nil
}

// limit is a documented byte limit of one text field.
type limit struct {
	name, v  string
	max      int
	required bool
}

// checkLimits checks each field, named p + "." + its name.
func checkLimits(op, p string, fields ...limit) error {
	for _, f := range fields {
		if err := checkBytes(op, p+"."+f.name, f.v, f.max, f.required); err != nil {
			return err
		}
	}
	return nil
}

// checkIn checks that v is one of set; "" passes unless required.
func checkIn[T ~string](op, field string, v T, set []T, required bool, notIn string) error {
	switch {
	case v == "" && required:
		return verr(op, field, "is required")
	case v != "" && !slices.Contains(set, v):
		return verr(op, field, strconv.Quote(string(v))+notIn)
	}
	return nil
}

const (
	notCodeType = " is not a code type"
	notColor    = " is not one of Color010..Color102"
)

// Validate checks c against the documented limits of 创建卡券.
func (c *Card) Validate() error {
	const op = "card.Create"
	if c == nil {
		return verr(op, "card", "nil card")
	}
	set := 0
	for _, p := range []bool{c.Groupon != nil, c.Cash != nil, c.Discount != nil, c.Gift != nil, c.GeneralCoupon != nil, c.MemberCard != nil} {
		if p {
			set++
		}
	}
	if set != 1 {
		return verr(op, "card", "set exactly one kind's fields (groupon, cash, discount, gift, general_coupon or member_card)")
	}
	var key string
	var ok bool
	switch c.CardType {
	case KindGroupon:
		key, ok = "groupon", c.Groupon != nil
	case KindCash:
		key, ok = "cash", c.Cash != nil
	case KindDiscount:
		key, ok = "discount", c.Discount != nil
	case KindGift:
		key, ok = "gift", c.Gift != nil
	case KindGeneralCoupon:
		key, ok = "general_coupon", c.GeneralCoupon != nil
	case KindMemberCard:
		key, ok = "member_card", c.MemberCard != nil
	case "":
		return verr(op, "card_type", "is required")
	default:
		return verr(op, "card_type", strconv.Quote(string(c.CardType))+" is not a card kind")
	}
	if !ok {
		return verr(op, key, "is required for card_type "+string(c.CardType))
	}
	if err := c.Base().validate(op, key+".base_info", c.CardType == KindMemberCard); err != nil {
		return err
	}
	switch {
	case c.Groupon != nil:
		return checkBytes(op, key+".deal_detail", c.Groupon.DealDetail, MaxDetailBytes, true)
	case c.Cash != nil:
		if c.Cash.ReduceCost <= 0 {
			return verr(op, key+".reduce_cost", "must be positive (fen)")
		}
		if c.Cash.LeastCost < 0 {
			return verr(op, key+".least_cost", "must not be negative")
		}
	case c.Discount != nil:
		if c.Discount.Discount < 1 || c.Discount.Discount > 99 {
			return verr(op, key+".discount", strconv.Itoa(c.Discount.Discount)+" is outside 1..99 (percent off)")
		}
	case c.Gift != nil:
		return checkBytes(op, key+".gift", c.Gift.Gift, MaxDetailBytes, true)
	case c.GeneralCoupon != nil:
		return checkBytes(op, key+".default_detail", c.GeneralCoupon.DefaultDetail, MaxDetailBytes, true)
	case c.MemberCard != nil:
		m := c.MemberCard
		if err := checkBytes(op, key+".prerogative", m.Prerogative, MaxPrerogative, true); err != nil {
			return err
		}
		if err := checkBytes(op, key+".background_pic_url", m.BackgroundPicURL, 128, false); err != nil {
			return err
		}
		n := 0
		for _, b := range []bool{m.AutoActivate, m.WxActivate, m.ActivateURL != ""} {
			if b {
				n++
			}
		}
		if n > 1 {
			return verr(op, key+".activate_url", "auto_activate, wx_activate and activate_url exclude each other")
		}
		if m.Discount < 0 || m.Discount > 99 {
			return verr(op, key+".discount", strconv.Itoa(m.Discount)+" is outside 0..99")
		}
		for i, f := range []*CustomField{m.CustomField1, m.CustomField2, m.CustomField3} {
			if f != nil && f.NameType == "" && f.Name == "" {
				return verr(op, key+".custom_field"+strconv.Itoa(i+1), "needs name_type or name")
			}
		}
	}
	return nil
}

func (b *BaseInfo) validate(op, p string, member bool) error {
	if err := checkBytes(op, p+".logo_url", b.LogoURL, MaxLogoURLBytes, true); err != nil {
		return err
	}
	if err := checkIn(op, p+".code_type", b.CodeType, codeTypes, true, notCodeType); err != nil {
		return err
	}
	if err := checkLimits(op, p,
		limit{"brand_name", b.BrandName, MaxBrandNameBytes, true},
		limit{"title", b.Title, MaxTitleBytes, true},
		limit{"sub_title", b.SubTitle, MaxSubTitleBytes, false},
		limit{"notice", b.Notice, MaxNoticeBytes, true},
		limit{"description", b.Description, MaxDescriptionBytes, true},
		limit{"service_phone", b.ServicePhone, MaxServicePhone, false},
		limit{"center_title", b.CenterTitle, 18, false},
		limit{"center_sub_title", b.CenterSubTitle, 24, false},
		limit{"custom_url_name", b.CustomURLName, 15, false},
		limit{"custom_url_sub_title", b.CustomURLSubTitle, 18, false},
		limit{"promotion_url_name", b.PromotionURLName, 15, false},
		limit{"source", b.Source, 36, false},
	); err != nil {
		return err
	}
	if err := checkIn(op, p+".color", b.Color, Colors, true, notColor); err != nil {
		return err
	}
	d := b.DateInfo
	switch d.Type {
	case DateFixTimeRange:
		if d.BeginTimestamp <= 0 {
			return verr(op, p+".date_info.begin_timestamp", "is required")
		}
		if d.EndTimestamp < d.BeginTimestamp {
			return verr(op, p+".date_info.end_timestamp", "is before begin_timestamp")
		}
	case DateFixTerm:
		if d.FixedTerm <= 0 {
			return verr(op, p+".date_info.fixed_term", "must be positive (days)")
		}
		if d.FixedBeginTerm < 0 {
			return verr(op, p+".date_info.fixed_begin_term", "must not be negative")
		}
	case DatePermanent:
		if !member {
			return verr(op, p+".date_info.type", "DATE_TYPE_PERMANENT is for member cards only")
		}
	case "":
		return verr(op, p+".date_info.type", "is required")
	default:
		return verr(op, p+".date_info.type", strconv.Quote(d.Type)+" is not a date type")
	}
	if b.SKU.Quantity < 0 || b.SKU.Quantity > MaxQuantity {
		return verr(op, p+".sku.quantity", strconv.Itoa(b.SKU.Quantity)+" is outside 0..100000000")
	}
	if b.GetLimit < 0 {
		return verr(op, p+".get_limit", "must not be negative")
	}
	return nil
}

// Create creates a card (创建卡券, POST /card/create) and returns its
// card_id. The card is in review until WeChat pushes card_pass_check.
func (s *Service) Create(ctx context.Context, c *Card) (string, error) {
	if err := c.Validate(); err != nil {
		return "", err
	}
	var out struct {
		CardID string `json:"card_id"`
	}
	if err := s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/card/create", Body: map[string]*Card{"card": c}}, &out); err != nil {
		return "", err
	}
	return out.CardID, nil
}

func need(op, field, v string) error {
	if v == "" {
		return verr(op, field, "is required")
	}
	return nil
}

// Get returns a card's details (查看卡券详情, POST /card/get).
func (s *Service) Get(ctx context.Context, cardID string) (*Card, error) {
	if err := need("card.Get", "card_id", cardID); err != nil {
		return nil, err
	}
	var out struct {
		Card Card `json:"card"`
	}
	if err := s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/card/get", Body: map[string]string{"card_id": cardID}}, &out); err != nil {
		return nil, err
	}
	return &out.Card, nil
}

// Card statuses of status_list and base_info.status.
const (
	StatusNotVerify  = "CARD_STATUS_NOT_VERIFY"
	StatusVerifyFail = "CARD_STATUS_VERIFY_FAIL"
	StatusVerifyOK   = "CARD_STATUS_VERIFY_OK"
	StatusDelete     = "CARD_STATUS_DELETE"
	StatusDispatch   = "CARD_STATUS_DISPATCH"
)

// BatchGetRequest is the body of 批量查询卡券列表 (POST /card/batchget).
type BatchGetRequest struct {
	Offset     int      `json:"offset"`
	Count      int      `json:"count"` // 1..50
	StatusList []string `json:"status_list,omitempty"`
}

// BatchGetResult is one page of card ids.
type BatchGetResult struct {
	CardIDList []string `json:"card_id_list"`
	TotalNum   int      `json:"total_num"`
}

// BatchGet returns one page of the account's card ids (批量查询卡券列表).
func (s *Service) BatchGet(ctx context.Context, req *BatchGetRequest) (*BatchGetResult, error) {
	const op = "card.BatchGet"
	if req == nil {
		return nil, verr(op, "", "nil request")
	}
	if req.Count < 1 || req.Count > MaxBatchGetCount {
		return nil, verr(op, "count", strconv.Itoa(req.Count)+" is outside 1..50")
	}
	if req.Offset < 0 {
		return nil, verr(op, "offset", "must not be negative")
	}
	var out BatchGetResult
	if err := s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/card/batchget", Body: req, Idempotent: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// All iterates over every card id with the given statuses (none: all),
// 50 a call.
func (s *Service) All(ctx context.Context, statuses ...string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for off := 0; ; {
			page, err := s.BatchGet(ctx, &BatchGetRequest{Offset: off, Count: MaxBatchGetCount, StatusList: statuses})
			if err != nil {
				yield("", err)
				return
			}
			for _, id := range page.CardIDList {
				if !yield(id, nil) {
					return
				}
			}
			off += len(page.CardIDList)
			if len(page.CardIDList) == 0 || off >= page.TotalNum {
				return
			}
		}
	}
}

// UpdateRequest is the body of 更改卡券信息 (POST /card/update): the card id,
// its kind and the fields to change under the kind's key. Fields is
// usually a *CardUpdate; any other value is marshaled as is.
type UpdateRequest struct {
	CardID string
	Kind   Kind
	Fields any
}

// BaseInfoUpdate holds the base_info fields 更改卡券信息 can change; empty
// fields are left as they are. Changing title, logo_url or brand_name sends
// the card back to review.
type BaseInfoUpdate struct {
	LogoURL           string    `json:"logo_url,omitempty"`
	Title             string    `json:"title,omitempty"`
	Color             string    `json:"color,omitempty"`
	Notice            string    `json:"notice,omitempty"`
	Description       string    `json:"description,omitempty"`
	ServicePhone      string    `json:"service_phone,omitempty"`
	CodeType          CodeType  `json:"code_type,omitempty"`
	DateInfo          *DateInfo `json:"date_info,omitempty"`
	LocationIDList    []int64   `json:"location_id_list,omitempty"`
	GetLimit          *int      `json:"get_limit,omitempty"`
	CanShare          *bool     `json:"can_share,omitempty"`
	CanGiveFriend     *bool     `json:"can_give_friend,omitempty"`
	CenterTitle       string    `json:"center_title,omitempty"`
	CenterSubTitle    string    `json:"center_sub_title,omitempty"`
	CenterURL         string    `json:"center_url,omitempty"`
	CustomURLName     string    `json:"custom_url_name,omitempty"`
	CustomURL         string    `json:"custom_url,omitempty"`
	CustomURLSubTitle string    `json:"custom_url_sub_title,omitempty"`
	PromotionURLName  string    `json:"promotion_url_name,omitempty"`
	PromotionURL      string    `json:"promotion_url,omitempty"`
}

// CardUpdate is the kind object of 更改卡券信息: base_info changes and, for
// member cards, the member-card fields.
type CardUpdate struct {
	BaseInfo         *BaseInfoUpdate `json:"base_info,omitempty"`
	BackgroundPicURL string          `json:"background_pic_url,omitempty"`
	Prerogative      string          `json:"prerogative,omitempty"`
	SupplyBonus      *bool           `json:"supply_bonus,omitempty"`
	SupplyBalance    *bool           `json:"supply_balance,omitempty"`
	BonusURL         string          `json:"bonus_url,omitempty"`
	BalanceURL       string          `json:"balance_url,omitempty"`
	ActivateURL      string          `json:"activate_url,omitempty"`
	CustomField1     *CustomField    `json:"custom_field1,omitempty"`
	CustomField2     *CustomField    `json:"custom_field2,omitempty"`
	CustomField3     *CustomField    `json:"custom_field3,omitempty"`
	CustomCell1      *CustomCell     `json:"custom_cell1,omitempty"`
	BonusRule        *BonusRule      `json:"bonus_rule,omitempty"`
	Discount         *int            `json:"discount,omitempty"`
}

func (u *CardUpdate) validate(op, p string) error {
	if u.BaseInfo != nil {
		b := u.BaseInfo
		if err := checkLimits(op, p+".base_info",
			limit{"logo_url", b.LogoURL, MaxLogoURLBytes, false}, limit{"title", b.Title, MaxTitleBytes, false},
			limit{"notice", b.Notice, MaxNoticeBytes, false}, limit{"description", b.Description, MaxDescriptionBytes, false},
			limit{"service_phone", b.ServicePhone, MaxServicePhone, false}, limit{"center_title", b.CenterTitle, 18, false},
			limit{"custom_url_name", b.CustomURLName, 15, false}, limit{"promotion_url_name", b.PromotionURLName, 15, false},
		); err != nil {
			return err
		}
		if err := checkIn(op, p+".base_info.color", b.Color, Colors, false, notColor); err != nil {
			return err
		}
		if err := checkIn(op, p+".base_info.code_type", b.CodeType, codeTypes, false, notCodeType); err != nil {
			return err
		}
		if b.GetLimit != nil && *b.GetLimit < 0 {
			return verr(op, p+".base_info.get_limit", "must not be negative")
		}
	}
	if err := checkBytes(op, p+".prerogative", u.Prerogative, MaxPrerogative, false); err != nil {
		return err
	}
	if u.Discount != nil && (*u.Discount < 0 || *u.Discount > 99) {
		return verr(op, p+".discount", strconv.Itoa(*u.Discount)+" is outside 0..99")
	}
	return nil
}

// MarshalJSON writes {"card_id": …, "<kind>": Fields}.
func (r UpdateRequest) MarshalJSON() ([]byte, error) {
	f, err := json.Marshal(r.Fields)
	if err != nil {
		return nil, err
	}
	id, _ := json.Marshal(r.CardID)
	key, _ := json.Marshal(kindKey(r.Kind))
	return []byte(`{"card_id":` + string(id) + `,` + string(key) + `:` + string(f) + `}`), nil
}

func kindKey(k Kind) string {
	b := []byte(k)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// Update changes a card (更改卡券信息) and reports whether the change sends
// it back to review (send_check).
func (s *Service) Update(ctx context.Context, req *UpdateRequest) (sendCheck bool, err error) {
	const op = "card.Update"
	if req == nil {
		return false, verr(op, "", "nil request")
	}
	if err := need(op, "card_id", req.CardID); err != nil {
		return false, err
	}
	switch req.Kind {
	case KindGroupon, KindCash, KindDiscount, KindGift, KindGeneralCoupon, KindMemberCard:
	default:
		return false, verr(op, "kind", strconv.Quote(string(req.Kind))+" is not a card kind")
	}
	if req.Fields == nil {
		return false, verr(op, kindKey(req.Kind), "nothing to update")
	}
	if u, ok := req.Fields.(*CardUpdate); ok {
		if u == nil {
			return false, verr(op, kindKey(req.Kind), "nothing to update")
		}
		if err := u.validate(op, kindKey(req.Kind)); err != nil {
			return false, err
		}
	}
	var out struct {
		SendCheck bool `json:"send_check"`
	}
	if err := s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/card/update", Body: *req}, &out); err != nil {
		return false, err
	}
	return out.SendCheck, nil
}

// Delete deletes a card (删除卡券, POST /card/delete); codes already claimed
// become unusable.
func (s *Service) Delete(ctx context.Context, cardID string) error {
	if err := need("card.Delete", "card_id", cardID); err != nil {
		return err
	}
	return s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/card/delete", Body: map[string]string{"card_id": cardID}}, nil)
}

// ModifyStock changes a card's stock (修改库存, POST /card/modifystock) by
// delta (positive: increase_stock_value, negative: reduce_stock_value).
func (s *Service) ModifyStock(ctx context.Context, cardID string, delta int) error {
	const op = "card.ModifyStock"
	if err := need(op, "card_id", cardID); err != nil {
		return err
	}
	body := map[string]any{"card_id": cardID}
	switch {
	case delta > MaxQuantity || delta < -MaxQuantity:
		return verr(op, "delta", strconv.Itoa(delta)+" is outside ±100000000")
	case delta > 0:
		body["increase_stock_value"] = delta
	case delta < 0:
		body["reduce_stock_value"] = -delta
	default:
		return verr(op, "delta", "must not be 0")
	}
	return s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/card/modifystock", Body: body}, nil)
}
