package template

import (
	"context"
	"encoding/json"
	"iter"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wxkit/mp"
)

const (
	pathNewAdd      = "/wxaapi/newtmpl/addtemplate"
	pathNewDel      = "/wxaapi/newtmpl/deltemplate"
	pathNewList     = "/wxaapi/newtmpl/gettemplate"
	pathNewCategory = "/wxaapi/newtmpl/getcategory"
	pathNewTitles   = "/wxaapi/newtmpl/getpubtemplatetitles"
	pathNewKeywords = "/wxaapi/newtmpl/getpubtemplatekeywords"
)

// Limits of the subscription-template APIs.
const (
	MinKeywords      = 2  // kidList: 最少2个关键词
	MaxKeywords      = 5  // kidList: 最多支持5个
	MaxSceneDesc     = 15 // sceneDesc: 15个字以内
	MaxTitlesPerPage = 30 // getpubtemplatetitles limit: 最大为30
)

// Template types of subscription templates.
const (
	TypeOneTime  = 2 // 一次性订阅
	TypeLongTerm = 3 // 长期订阅
)

// AddSubscribeTemplateRequest is the body of [Service.AddSubscribeTemplate].
type AddSubscribeTemplateRequest struct {
	TID       string `json:"tid"`       // template title id, from PubTemplateTitles
	KIDList   []int  `json:"kidList"`   // 2 to 5 keyword ids (kid), in display order
	SceneDesc string `json:"sceneDesc"` // service scene, at most 15 characters
}

// AddSubscribeTemplateResponse is the answer of [Service.AddSubscribeTemplate].
type AddSubscribeTemplateResponse struct {
	PriTmplID string `json:"priTmplId"`
}

// AddSubscribeTemplate combines a public template's keywords into a
// private template and returns its id through
// POST /wxaapi/newtmpl/addtemplate (选用模板).
func (s *Service) AddSubscribeTemplate(ctx context.Context, req *AddSubscribeTemplateRequest) (*AddSubscribeTemplateResponse, error) {
	const op = "template.AddSubscribeTemplate"
	switch {
	case req == nil:
		return nil, invalid(op, "", "nil request")
	case req.TID == "":
		return nil, invalid(op, "tid", "required")
	case len(req.KIDList) < MinKeywords || len(req.KIDList) > MaxKeywords:
		return nil, invalid(op, "kidList", "needs 2 to 5 keywords, got "+strconv.Itoa(len(req.KIDList)))
	case req.SceneDesc == "":
		return nil, invalid(op, "sceneDesc", "required")
	case utf8.RuneCountInString(req.SceneDesc) > MaxSceneDesc:
		return nil, invalid(op, "sceneDesc", "longer than 15 characters")
	}
	var out AddSubscribeTemplateResponse
	if err := s.c.Do(ctx, &mp.Request{Method: "POST", Path: pathNewAdd, Body: req}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

type priTmplIDRequest struct {
	PriTmplID string `json:"priTmplId"`
}

// DeleteSubscribeTemplate removes a private subscription template through
// POST /wxaapi/newtmpl/deltemplate (删除模板).
func (s *Service) DeleteSubscribeTemplate(ctx context.Context, priTmplID string) error {
	if priTmplID == "" {
		return invalid("template.DeleteSubscribeTemplate", "priTmplId", "required")
	}
	return s.c.Do(ctx, &mp.Request{Method: "POST", Path: pathNewDel, Body: priTmplIDRequest{priTmplID}}, nil)
}

// KeywordEnum lists the values an enum keyword accepts.
type KeywordEnum struct {
	KeywordCode   string   `json:"keywordCode"` // e.g. "enum1.DATA"
	EnumValueList []string `json:"enumValueList"`
}

// SubscribeTemplate is one private subscription template.
type SubscribeTemplate struct {
	PriTmplID            string        `json:"priTmplId"`
	Title                string        `json:"title"`
	Content              string        `json:"content"` // with {{keyword.DATA}} placeholders
	Example              string        `json:"example"`
	Type                 int           `json:"type"` // TypeOneTime or TypeLongTerm
	KeywordEnumValueList []KeywordEnum `json:"keywordEnumValueList,omitempty"`
}

// Keys returns the keywords the template expects (see [ParseKeys]).
func (t SubscribeTemplate) Keys() []string { return ParseKeys(t.Content) }

// SubscribeTemplateList is the answer of [Service.ListSubscribeTemplates].
type SubscribeTemplateList struct {
	Data []SubscribeTemplate `json:"data"`
}

// ListSubscribeTemplates returns the private subscription templates through
// GET /wxaapi/newtmpl/gettemplate (获取私有模板列表).
func (s *Service) ListSubscribeTemplates(ctx context.Context) (*SubscribeTemplateList, error) {
	var out SubscribeTemplateList
	if err := s.c.Do(ctx, &mp.Request{Method: "GET", Path: pathNewList}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Category is one category of the account.
type Category struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// CategoryList is the answer of [Service.SubscribeCategories].
type CategoryList struct {
	Data []Category `json:"data"`
}

// SubscribeCategories returns the account's categories through
// GET /wxaapi/newtmpl/getcategory (获取公众号类目).
func (s *Service) SubscribeCategories(ctx context.Context) (*CategoryList, error) {
	var out CategoryList
	if err := s.c.Do(ctx, &mp.Request{Method: "GET", Path: pathNewCategory}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// PubTemplateTitle is one public template title.
type PubTemplateTitle struct {
	TID        int         `json:"tid"`
	Title      string      `json:"title"`
	Type       int         `json:"type"`       // TypeOneTime or TypeLongTerm
	CategoryID json.Number `json:"categoryId"` // a string on the wire in the samples
}

// PubTemplateTitleList is one page of [Service.PubTemplateTitles]; Count is
// the total over all pages.
type PubTemplateTitleList struct {
	Count int                `json:"count"`
	Data  []PubTemplateTitle `json:"data"`
}

func titlesQuery(op string, categoryIDs []int, start, limit int) (url.Values, error) {
	switch {
	case len(categoryIDs) == 0:
		return nil, invalid(op, "ids", "at least one category id is required")
	case start < 0:
		return nil, invalid(op, "start", "negative")
	case limit < 1 || limit > MaxTitlesPerPage:
		return nil, invalid(op, "limit", "must be 1 to 30, got "+strconv.Itoa(limit))
	}
	ids := make([]string, len(categoryIDs))
	for i, id := range categoryIDs {
		ids[i] = strconv.Itoa(id)
	}
	return url.Values{"ids": {strings.Join(ids, ",")}, "start": {strconv.Itoa(start)}, "limit": {strconv.Itoa(limit)}}, nil
}

// PubTemplateTitles returns one page of the public template titles of the
// categories categoryIDs through GET /wxaapi/newtmpl/getpubtemplatetitles
// (获取类目下的公共模板): from start (0-based), at most limit (1 to 30).
func (s *Service) PubTemplateTitles(ctx context.Context, categoryIDs []int, start, limit int) (*PubTemplateTitleList, error) {
	q, err := titlesQuery("template.PubTemplateTitles", categoryIDs, start, limit)
	if err != nil {
		return nil, err
	}
	var out PubTemplateTitleList
	if err := s.c.Do(ctx, &mp.Request{Method: "GET", Path: pathNewTitles, Query: q}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// AllPubTemplateTitles yields every public template title of categoryIDs,
// fetching 30 per call. It holds one page in memory, stops when the
// consumer stops, and on failure yields the error once and stops.
func (s *Service) AllPubTemplateTitles(ctx context.Context, categoryIDs []int) iter.Seq2[PubTemplateTitle, error] {
	return func(yield func(PubTemplateTitle, error) bool) {
		start := 0
		for {
			page, err := s.PubTemplateTitles(ctx, categoryIDs, start, MaxTitlesPerPage)
			if err != nil {
				yield(PubTemplateTitle{}, err)
				return
			}
			for _, t := range page.Data {
				if !yield(t, nil) {
					return
				}
			}
			start += len(page.Data)
			if len(page.Data) == 0 || start >= page.Count {
				return
			}
		}
	}
}

// PubTemplateKeyword is one keyword of a public template.
type PubTemplateKeyword struct {
	KID     int    `json:"kid"`
	Name    string `json:"name"`
	Example string `json:"example"`
	Rule    string `json:"rule"` // keyword type: thing, time, amount...
}

// PubTemplateKeywordList is the answer of [Service.PubTemplateKeywords].
type PubTemplateKeywordList struct {
	Count int                  `json:"count"`
	Data  []PubTemplateKeyword `json:"data"`
}

// PubTemplateKeywords returns the keywords of the public template tid
// through GET /wxaapi/newtmpl/getpubtemplatekeywords (获取模板中的关键词).
func (s *Service) PubTemplateKeywords(ctx context.Context, tid string) (*PubTemplateKeywordList, error) {
	if tid == "" {
		return nil, invalid("template.PubTemplateKeywords", "tid", "required")
	}
	var out PubTemplateKeywordList
	if err := s.c.Do(ctx, &mp.Request{Method: "GET", Path: pathNewKeywords, Query: url.Values{"tid": {tid}}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
