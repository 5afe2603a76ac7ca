// Package openapi is 基础接口 / openApi管理 (interface management) of the
// WeChat Official Account API: the IP addresses of WeChat's servers
// (获取微信推送服务器IP, 获取微信API服务器IP), 网络检测 (callback/check), API
// quotas (查询API调用额度, 重置指定API调用次数, 重置API调用次数 and 使用AppSecret重置
// API调用次数) and 查询rid信息 (the request behind a failed call).
//
// Every API has a daily quota; a call over it answers 45009
// (mp.CodeQuotaExceeded, see [IsDailyLimit]). [Service.ClearQuota] and
// [Service.ClearQuotaByAppSecret] reset all of them, but together only 10
// times a month: the 11th answers 48006 (mp.CodeClearQuotaLimit, see
// [IsClearLimit]). ClearQuotaByAppSecret needs no access_token, so it works
// when /cgi-bin/token itself is out of quota; the AppSecret travels in its
// query, as WeChat documents, and is masked in every error and log line.
//
// A failed call's *mp.APIError carries the rid WeChat appended to errmsg;
// [Service.LookupError] goes from the error to the request WeChat recorded:
//
//	_, err := users.Get(ctx, openid)
//	if rec, lerr := openapi.New(client).LookupError(ctx, err); lerr == nil {
//		fmt.Println(rec.RequestURL, rec.RequestBody, rec.ResponseBody)
//	}
package openapi
