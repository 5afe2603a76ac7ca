package vision

import (
	"context"
	"net/url"
)

// IDCardMode is how an ID card picture was taken (type).
type IDCardMode string

// ID card picture modes.
const (
	Photo IDCardMode = "photo" // 拍照模式: a photo with background
	Scan  IDCardMode = "scan"  // 扫描模式: a scan without background
)

// IDCardSide is the side of an ID card found in the picture.
type IDCardSide string

// ID card sides.
const (
	Front IDCardSide = "Front" // 正面: name, id, addr, gender, nationality
	Back  IDCardSide = "Back"  // 背面: valid_date
)

// IDCard is the answer of 身份证OCR识别. The front gives Name, ID, Addr,
// Gender and Nationality; the back gives ValidDate.
type IDCard struct {
	Type        IDCardSide `json:"type"`
	Name        string     `json:"name,omitempty"`
	ID          string     `json:"id,omitempty"` // 身份证号
	Addr        string     `json:"addr,omitempty"`
	Gender      string     `json:"gender,omitempty"`
	Nationality string     `json:"nationality,omitempty"` // 民族
	ValidDate   string     `json:"valid_date,omitempty"`  // 有效期, e.g. 20070105-20270105
}

// IDCard reads a Chinese resident ID card (身份证OCR识别, POST
// /cv/ocr/idcard?type=photo|scan).
func (s *Service) IDCard(ctx context.Context, mode IDCardMode, img Image) (*IDCard, error) {
	const op = "vision.IDCard"
	if mode != Photo && mode != Scan {
		return nil, invalid(op, "type", "must be photo or scan, got "+quote(string(mode)))
	}
	var out IDCard
	if err := s.call(ctx, op, "/cv/ocr/idcard", url.Values{"type": {string(mode)}}, nil, img, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// BankCard is the answer of 银行卡OCR识别.
type BankCard struct {
	Number string `json:"number"` // 银行卡号
}

// BankCard reads a bank card number (银行卡OCR识别, POST /cv/ocr/bankcard).
func (s *Service) BankCard(ctx context.Context, img Image) (*BankCard, error) {
	var out BankCard
	if err := s.call(ctx, "vision.BankCard", "/cv/ocr/bankcard", nil, nil, img, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// VehicleLicense is the answer of 行驶证OCR识别.
type VehicleLicense struct {
	PlateNum          string   `json:"plate_num"`      // 车牌号码
	VehicleType       string   `json:"vehicle_type"`   // 车辆类型
	Owner             string   `json:"owner"`          // 所有人
	Addr              string   `json:"addr"`           // 住址
	UseCharacter      string   `json:"use_character"`  // 使用性质
	Model             string   `json:"model"`          // 品牌型号
	VIN               string   `json:"vin"`            // 车辆识别代号
	EngineNum         string   `json:"engine_num"`     // 发动机号码
	RegisterDate      string   `json:"register_date"`  // 注册日期
	IssueDate         string   `json:"issue_date"`     // 发证日期
	PlateNumB         string   `json:"plate_num_b"`    // 车牌号码 (副页)
	Record            string   `json:"record"`         // 号牌 (档案编号)
	PassengersNum     string   `json:"passengers_num"` // 核定载人数
	TotalQuality      string   `json:"total_quality"`  // 总质量
	PrepareQuality    string   `json:"prepare_quality"`
	OverallSize       string   `json:"overall_size,omitempty"` // 外廓尺寸
	CardPositionFront Position `json:"card_position_front"`    // 主页位置
	CardPositionBack  Position `json:"card_position_back"`     // 副页位置
	ImgSize           Size     `json:"img_size"`
}

// VehicleLicense reads a vehicle licence (行驶证OCR识别, POST /cv/ocr/driving).
func (s *Service) VehicleLicense(ctx context.Context, img Image) (*VehicleLicense, error) {
	var out VehicleLicense
	if err := s.call(ctx, "vision.VehicleLicense", "/cv/ocr/driving", nil, nil, img, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DrivingLicense is the answer of 驾驶证OCR识别.
type DrivingLicense struct {
	IDNum        string `json:"id_num"`        // 证号
	Name         string `json:"name"`          // 姓名
	Sex          string `json:"sex"`           // 性别
	Nationality  string `json:"nationality"`   // 国籍
	Address      string `json:"address"`       // 住址
	BirthDate    string `json:"birth_date"`    // 出生日期
	IssueDate    string `json:"issue_date"`    // 初次领证日期
	CarClass     string `json:"car_class"`     // 准驾车型
	ValidFrom    string `json:"valid_from"`    // 有效期限起始日
	ValidTo      string `json:"valid_to"`      // 有效期限终止日
	OfficialSeal string `json:"official_seal"` // 印章文字
}

// DrivingLicense reads a driving licence (驾驶证OCR识别, POST
// /cv/ocr/drivinglicense).
func (s *Service) DrivingLicense(ctx context.Context, img Image) (*DrivingLicense, error) {
	var out DrivingLicense
	if err := s.call(ctx, "vision.DrivingLicense", "/cv/ocr/drivinglicense", nil, nil, img, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// BizLicense is the answer of 营业执照OCR识别.
type BizLicense struct {
	RegNum              string   `json:"reg_num"`              // 注册号
	Serial              string   `json:"serial"`               // 编号
	LegalRepresentative string   `json:"legal_representative"` // 法定代表人姓名
	EnterpriseName      string   `json:"enterprise_name"`      // 企业名称
	TypeOfOrganization  string   `json:"type_of_organization"` // 组成形式
	Address             string   `json:"address"`              // 经营场所/企业住所
	TypeOfEnterprise    string   `json:"type_of_enterprise"`   // 公司类型
	BusinessScope       string   `json:"business_scope"`       // 经营范围
	RegisteredCapital   string   `json:"registered_capital"`   // 注册资本
	PaidInCapital       string   `json:"paid_in_capital"`      // 实收资本
	ValidPeriod         string   `json:"valid_period"`         // 营业期限
	RegisteredDate      string   `json:"registered_date"`      // 注册日期/成立日期
	CertPosition        Position `json:"cert_position"`        // 营业执照位置
	ImgSize             Size     `json:"img_size"`
}

// BizLicense reads a business licence (营业执照OCR识别, POST /cv/ocr/bizlicense).
func (s *Service) BizLicense(ctx context.Context, img Image) (*BizLicense, error) {
	var out BizLicense
	if err := s.call(ctx, "vision.BizLicense", "/cv/ocr/bizlicense", nil, nil, img, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// TextItem is one line of printed text found in a picture.
type TextItem struct {
	Text string `json:"text"`
	Pos  Pos    `json:"pos"`
}

// PrintedText is the answer of 通用印刷体OCR识别.
type PrintedText struct {
	Items   []TextItem `json:"items"`
	ImgSize Size       `json:"img_size"`
}

// PrintedText reads the printed text of a picture (通用印刷体OCR识别, POST
// /cv/ocr/comm), line by line with positions.
func (s *Service) PrintedText(ctx context.Context, img Image) (*PrintedText, error) {
	var out PrintedText
	if err := s.call(ctx, "vision.PrintedText", "/cv/ocr/comm", nil, nil, img, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// PlateNumber is the answer of 车牌号OCR识别.
type PlateNumber struct {
	Number string `json:"number"` // 车牌号码
}

// PlateNumber reads a number plate (车牌号OCR识别, POST /cv/ocr/platenum).
func (s *Service) PlateNumber(ctx context.Context, img Image) (*PlateNumber, error) {
	var out PlateNumber
	if err := s.call(ctx, "vision.PlateNumber", "/cv/ocr/platenum", nil, nil, img, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func quote(s string) string {
	if len(s) > 32 {
		s = s[:32] + "..."
	}
	return `"` + s + `"`
}
