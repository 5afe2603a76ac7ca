package openapi

import (
	"context"
	"errors"
	"strings"

	"github.com/wxkit/mp"
)

// MonthlyClearLimit is how many times a month ClearQuota and
// ClearQuotaByAppSecret together may reset the quotas.
const MonthlyClearLimit = 10

// Errcodes of openApi管理.
const (
	CodeRIDNotFound         mp.ErrorCode = 76001 // rid not found (or older than 7 days)
	CodeRIDInvalid          mp.ErrorCode = 76002 // rid empty or malformed
	CodeRIDNoPermission     mp.ErrorCode = 76003 // the rid belongs to another account
	CodeCGIPathNotFound     mp.ErrorCode = 76021 // cgi_path not found
	CodeCGIPathNoPermission mp.ErrorCode = 76022 // cgi_path of another account, or a /sns/ path
)

// IsDailyLimit reports whether err is WeChat's 45009: the API's daily
// quota is used up (reset with ClearQuota, or wait for tomorrow).
func IsDailyLimit(err error) bool { return mp.IsCode(err, mp.CodeQuotaExceeded) }

// IsClearLimit reports whether err is WeChat's 48006: the month's 10
// quota resets are used up.
func IsClearLimit(err error) bool { return mp.IsCode(err, mp.CodeClearQuotaLimit) }

// Quota is an API's daily quota today (quota).
type Quota struct {
	DailyLimit int64 `json:"daily_limit"`
	Used       int64 `json:"used"`
	Remain     int64 `json:"remain"`
}

type cgiPath struct {
	CGIPath string `json:"cgi_path"`
}

func checkCGIPath(op, p string) error {
	switch {
	case p == "":
		return &mp.ValidationError{Op: op, Field: "cgi_path", Reason: "is required"}
	case !strings.HasPrefix(p, "/"):
		return &mp.ValidationError{Op: op, Field: "cgi_path", Reason: "must be a path starting with / (no https://api.weixin.qq.com)"}
	case strings.ContainsAny(p, "?#"):
		return &mp.ValidationError{Op: op, Field: "cgi_path", Reason: "must not carry a query"}
	}
	return nil
}

// Quota is 查询API调用额度 (POST /cgi-bin/openapi/quota/get) for the API at
// cgiPath, such as "/cgi-bin/message/custom/send".
func (s *Service) Quota(ctx context.Context, cgiPath string) (*Quota, error) {
	if err := checkCGIPath("openapi.Quota", cgiPath); err != nil {
		return nil, err
	}
	var out struct {
		Quota Quota `json:"quota"`
	}
	if err := s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/cgi-bin/openapi/quota/get", Body: cgiPathBody(cgiPath), Idempotent: true}, &out); err != nil {
		return nil, err
	}
	return &out.Quota, nil
}

func cgiPathBody(p string) cgiPath { return cgiPath{CGIPath: p} }

// ClearAPIQuota is 重置指定API调用次数 (POST /cgi-bin/openapi/quota/clear):
// resets the daily count of the one API at cgiPath.
func (s *Service) ClearAPIQuota(ctx context.Context, cgiPath string) error {
	if err := checkCGIPath("openapi.ClearAPIQuota", cgiPath); err != nil {
		return err
	}
	return s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/cgi-bin/openapi/quota/clear", Body: cgiPathBody(cgiPath)}, nil)
}

// ClearQuota is 重置API调用次数 (POST /cgi-bin/clear_quota): resets the daily
// count of every API of the account. It counts against the 10 resets a
// month (48006 after that, IsClearLimit).
func (s *Service) ClearQuota(ctx context.Context) error {
	if s.c.AppID() == "" {
		return &mp.ValidationError{Op: "openapi.ClearQuota", Field: "appid", Reason: "the client has no AppID"}
	}
	return s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/cgi-bin/clear_quota", Body: map[string]string{"appid": s.c.AppID()}}, nil)
}

// ErrNoAppSecret is returned by ClearQuotaByAppSecret when the client was
// configured without an AppSecret.
var ErrNoAppSecret = errors.New("openapi: ClearQuotaByAppSecret needs the client's AppSecret")

// ClearQuotaByAppSecret is 使用AppSecret重置API调用次数 (POST
// /cgi-bin/clear_quota/v2): like ClearQuota, but authenticated by the
// AppSecret instead of an access_token, so it works when /cgi-bin/token is
// out of quota. appid and appsecret go in the query, as documented; the
// secret never appears in errors or logs. It shares the 10 resets a month
// with ClearQuota.
func (s *Service) ClearQuotaByAppSecret(ctx context.Context) error {
	cfg := s.c.Config()
	if cfg.AppSecret == "" {
		return ErrNoAppSecret
	}
	if cfg.AppID == "" {
		return &mp.ValidationError{Op: "openapi.ClearQuotaByAppSecret", Field: "appid", Reason: "the client has no AppID"}
	}
	q := map[string]string{"appid": cfg.AppID, "appsecret": cfg.AppSecret}
	return s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/cgi-bin/clear_quota/v2", Query: q, NoToken: true}, nil)
}
