package template

import (
	"context"

	"github.com/wxkit/mp"
)

const (
	pathSetIndustry = "/cgi-bin/template/api_set_industry"
	pathGetIndustry = "/cgi-bin/template/get_industry"
)

// SetIndustryRequest is the body of [Service.SetIndustry]: the codes of the
// primary and secondary industries from WeChat's industry table (行业代码),
// e.g. "1" (IT科技 互联网/电子商务) and "4" (IT科技 电子技术).
type SetIndustryRequest struct {
	IndustryID1 string `json:"industry_id1"`
	IndustryID2 string `json:"industry_id2"`
}

// SetIndustry sets the account's industries through
// POST /cgi-bin/template/api_set_industry (设置所属行业). WeChat allows one
// change a month. Setting the same industries again is harmless, so the
// call is retried on transient failures.
func (s *Service) SetIndustry(ctx context.Context, industryID1, industryID2 string) error {
	const op = "template.SetIndustry"
	if industryID1 == "" {
		return invalid(op, "industry_id1", "required")
	}
	if industryID2 == "" {
		return invalid(op, "industry_id2", "required")
	}
	return s.c.Do(ctx, &mp.Request{Method: "POST", Path: pathSetIndustry, Idempotent: true,
		Body: SetIndustryRequest{industryID1, industryID2}}, nil)
}

// IndustryClass is one industry: its first and second level.
type IndustryClass struct {
	FirstClass  string `json:"first_class"`  // e.g. "运输与仓储"
	SecondClass string `json:"second_class"` // e.g. "快递"
}

// Industry is the answer of [Service.GetIndustry].
type Industry struct {
	PrimaryIndustry   IndustryClass `json:"primary_industry"`
	SecondaryIndustry IndustryClass `json:"secondary_industry"`
}

// GetIndustry returns the account's industries through
// GET /cgi-bin/template/get_industry (获取设置的行业信息).
func (s *Service) GetIndustry(ctx context.Context) (*Industry, error) {
	var out Industry
	if err := s.c.Do(ctx, &mp.Request{Method: "GET", Path: pathGetIndustry}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
