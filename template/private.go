package template

import (
	"context"

	"github.com/wxkit/mp"
)

const (
	pathAddTemplate  = "/cgi-bin/template/api_add_template"
	pathListTemplate = "/cgi-bin/template/get_all_private_template"
	pathDelTemplate  = "/cgi-bin/template/del_private_template"
)

// AddTemplateRequest is the body of [Service.AddTemplate].
type AddTemplateRequest struct {
	// TemplateIDShort is the number of the template in the library:
	// "TM00015" or "OPENTM..." for industry templates, digits such as
	// "47123" for category templates.
	TemplateIDShort string `json:"template_id_short"`
	// KeywordNameList names the keywords of a category template to use, in
	// order (e.g. 时间, 地点, 金额). Unknown or empty names answer 40246.
	KeywordNameList []string `json:"keyword_name_list,omitempty"`
}

// AddTemplateResponse is the answer of [Service.AddTemplate].
type AddTemplateResponse struct {
	TemplateID string `json:"template_id"`
}

// AddTemplate adds a library template to the account and returns its
// template_id through POST /cgi-bin/template/api_add_template (选用模板).
// An account holds at most 25 templates.
func (s *Service) AddTemplate(ctx context.Context, req *AddTemplateRequest) (*AddTemplateResponse, error) {
	const op = "template.AddTemplate"
	if req == nil {
		return nil, invalid(op, "", "nil request")
	}
	if req.TemplateIDShort == "" {
		return nil, invalid(op, "template_id_short", "required")
	}
	for _, k := range req.KeywordNameList {
		if k == "" {
			return nil, invalid(op, "keyword_name_list", "empty keyword name")
		}
	}
	var out AddTemplateResponse
	if err := s.c.Do(ctx, &mp.Request{Method: "POST", Path: pathAddTemplate, Body: req}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// PrivateTemplate is one template of the account.
type PrivateTemplate struct {
	TemplateID      string `json:"template_id"`
	Title           string `json:"title"`
	PrimaryIndustry string `json:"primary_industry"` // first-level industry
	DeputyIndustry  string `json:"deputy_industry"`  // second-level industry
	Content         string `json:"content"`          // with {{keyword.DATA}} placeholders
	Example         string `json:"example"`
}

// Keys returns the keywords the template expects (see [ParseKeys]).
func (t PrivateTemplate) Keys() []string { return ParseKeys(t.Content) }

// TemplateList is the answer of [Service.ListTemplates].
type TemplateList struct {
	TemplateList []PrivateTemplate `json:"template_list"`
}

// ListTemplates returns the account's templates through
// GET /cgi-bin/template/get_all_private_template (获取模板列表).
func (s *Service) ListTemplates(ctx context.Context) (*TemplateList, error) {
	var out TemplateList
	if err := s.c.Do(ctx, &mp.Request{Method: "GET", Path: pathListTemplate}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

type templateIDRequest struct {
	TemplateID string `json:"template_id"`
}

// DeleteTemplate removes a template from the account through
// POST /cgi-bin/template/del_private_template (删除模板).
func (s *Service) DeleteTemplate(ctx context.Context, templateID string) error {
	if templateID == "" {
		return invalid("template.DeleteTemplate", "template_id", "required")
	}
	return s.c.Do(ctx, &mp.Request{Method: "POST", Path: pathDelTemplate, Body: templateIDRequest{templateID}}, nil)
}
