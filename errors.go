package mp

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrorCode is WeChat's errcode (全局返回码).
type ErrorCode int

// Well-known global return codes (全局返回码说明).
const (
	CodeSystemBusy            ErrorCode = -1    // 系统繁忙，此时请开发者稍候再试
	CodeOK                    ErrorCode = 0     // 请求成功
	CodeInvalidCredential     ErrorCode = 40001 // access_token 无效或不是最新的 / AppSecret 错误
	CodeInvalidGrantType      ErrorCode = 40002 // 不合法的凭证类型
	CodeInvalidOpenID         ErrorCode = 40003 // 不合法的 OpenID
	CodeInvalidMediaType      ErrorCode = 40004 // 不合法的媒体文件类型
	CodeInvalidMediaID        ErrorCode = 40007 // 不合法的媒体文件 id
	CodeInvalidMessageType    ErrorCode = 40008 // 不合法的消息类型
	CodeInvalidImageSize      ErrorCode = 40009 // 不合法的图片文件大小
	CodeInvalidVoiceSize      ErrorCode = 40010 // 不合法的语音文件大小
	CodeInvalidVideoSize      ErrorCode = 40011 // 不合法的视频文件大小
	CodeInvalidThumbSize      ErrorCode = 40012 // 不合法的缩略图文件大小
	CodeInvalidAppID          ErrorCode = 40013 // 不合法的 AppID
	CodeInvalidAccessToken    ErrorCode = 40014 // 不合法的 access_token
	CodeInvalidMenuType       ErrorCode = 40015 // 不合法的菜单类型
	CodeInvalidButtonCount    ErrorCode = 40016 // 不合法的按钮个数
	CodeInvalidButtonName     ErrorCode = 40018 // 不合法的按钮名字长度
	CodeInvalidButtonKey      ErrorCode = 40019 // 不合法的按钮 KEY 长度
	CodeInvalidButtonURL      ErrorCode = 40020 // 不合法的按钮 URL 长度
	CodeInvalidSubButtonCount ErrorCode = 40023 // 不合法的子菜单按钮个数
	CodeInvalidCode           ErrorCode = 40029 // 无效的 oauth_code
	CodeInvalidRefreshToken   ErrorCode = 40030 // 不合法的 refresh_token
	CodeInvalidOpenIDList     ErrorCode = 40031 // 不合法的 openid 列表
	CodeInvalidOpenIDListLen  ErrorCode = 40032 // 不合法的 openid 列表长度
	CodeInvalidTemplateID     ErrorCode = 40037 // 不合法的 template_id
	CodeInvalidURLLength      ErrorCode = 40039 // 不合法的 URL 长度
	CodeInvalidParameter      ErrorCode = 40097 // 参数错误
	CodeInvalidAppSecret      ErrorCode = 40125 // 不合法的 AppSecret
	CodeCodeUsed              ErrorCode = 40163 // oauth_code 已使用
	CodeIPNotWhitelisted      ErrorCode = 40164 // 调用接口的 IP 地址不在白名单中
	CodeMissingAccessToken    ErrorCode = 41001 // 缺少 access_token 参数
	CodeAccessTokenExpired    ErrorCode = 42001 // access_token 超时
	CodeRefreshTokenExpired   ErrorCode = 42002 // refresh_token 超时
	CodeOAuthCodeExpired      ErrorCode = 42003 // oauth_code 超时
	CodeRequireGET            ErrorCode = 43001 // 需要 GET 请求
	CodeRequirePOST           ErrorCode = 43002 // 需要 POST 请求
	CodeRequireSubscribe      ErrorCode = 43004 // 需要接收者关注
	CodeUserBlocked           ErrorCode = 43019 // 需要将接收者从黑名单中移除
	CodeEmptyMediaData        ErrorCode = 44001 // 多媒体文件为空
	CodeEmptyPostData         ErrorCode = 44002 // POST 的数据包为空
	CodeMediaSizeExceeded     ErrorCode = 45001 // 多媒体文件大小超过限制
	CodeContentTooLong        ErrorCode = 45002 // 消息内容超过限制
	CodeQuotaExceeded         ErrorCode = 45009 // 接口调用超过限制 (daily quota)
	CodeMenuCountExceeded     ErrorCode = 45010 // 创建菜单个数超过限制
	CodeMinuteQuotaExceeded   ErrorCode = 45011 // API 调用太频繁，请稍候再试
	CodeReplyTimeLimit        ErrorCode = 45015 // 回复时间超过限制 (outside the 48-hour window)
	CodeSendLimitExceeded     ErrorCode = 45047 // 客服接口下行条数超过上限
	CodeFrequencyLimit        ErrorCode = 45033 // 接口调用频率超过限制 (some APIs)
	CodeMediaNotFound         ErrorCode = 46001 // 不存在媒体数据
	CodeMenuNotFound          ErrorCode = 46003 // 不存在的菜单数据
	CodeUserNotFound          ErrorCode = 46004 // 不存在的用户
	CodeJSONParseError        ErrorCode = 47001 // 解析 JSON/XML 内容错误
	CodeAPIUnauthorized       ErrorCode = 48001 // api 功能未授权
	CodeAPIBlocked            ErrorCode = 48004 // api 接口被封禁
	CodeClearQuotaLimit       ErrorCode = 48006 // 清零调用次数达到上限 (clear_quota: 10 times a month)
	CodeUserUnauthorized      ErrorCode = 50001 // 用户未授权该 api
	CodeUserLimited           ErrorCode = 50002 // 用户受限
)

// IsTokenError reports whether the code means the access_token was rejected
// (invalid, not the latest, or expired). The client then invalidates it and
// retries once.
func (c ErrorCode) IsTokenError() bool {
	return c == CodeInvalidCredential || c == CodeInvalidAccessToken || c == CodeAccessTokenExpired
}

// IsQuotaError reports whether the code means a rate or quota limit: retrying
// soon will not help, so the client returns it at once.
func (c ErrorCode) IsQuotaError() bool {
	switch c {
	case CodeQuotaExceeded, CodeMinuteQuotaExceeded, CodeFrequencyLimit, CodeSendLimitExceeded:
		return true
	}
	return false
}

// APIError is an errcode/errmsg answer from WeChat. Use errors.As to get it
// and compare Code with the Code constants, or use [IsCode].
type APIError struct {
	Code    ErrorCode
	Message string // errmsg without the trailing "rid: ..."
	RID     string // the request id WeChat appends to errmsg, for support tickets
	Method  string
	Path    string // the endpoint path; never the query, which holds the token
	// Raw is the whole JSON answer, for the fields some APIs add to an
	// error (mass sending puts msg_id in its 45065 "duplicate" answer).
	Raw json.RawMessage
}

func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("mp: ")
	if e.Path != "" {
		b.WriteString(e.Method)
		b.WriteByte(' ')
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString("errcode ")
	b.WriteString(strconv.Itoa(int(e.Code)))
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RID != "" {
		b.WriteString(" (rid: ")
		b.WriteString(e.RID)
		b.WriteByte(')')
	}
	return b.String()
}

// Is makes errors.Is(err, &mp.APIError{Code: mp.CodeReplyTimeLimit}) match
// any APIError with that code.
func (e *APIError) Is(target error) bool {
	t, ok := target.(*APIError)
	return ok && t.Code == e.Code
}

// IsCode reports whether err is (or wraps) an APIError with one of codes.
func IsCode(err error, codes ...ErrorCode) bool {
	var e *APIError
	if !errors.As(err, &e) {
		return false
	}
	for _, c := range codes {
		if e.Code == c {
			return true
		}
	}
	return false
}

// newAPIError splits WeChat's "message rid: 1234-5678" into its parts.
func newAPIError(code int, msg, method, path string) *APIError {
	e := &APIError{Code: ErrorCode(code), Method: method, Path: path}
	if i := strings.LastIndex(msg, "rid:"); i >= 0 {
		e.RID = strings.TrimSpace(msg[i+len("rid:"):])
		msg = msg[:i]
	}
	e.Message = strings.TrimRight(strings.TrimSpace(msg), ",;")
	return e
}

// HTTPError is a non-200 answer that carried no errcode.
type HTTPError struct {
	StatusCode int
	Method     string
	Path       string
	Body       string // the first bytes of the body, for diagnosis
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("mp: %s %s: HTTP %d: %s", e.Method, e.Path, e.StatusCode, e.Body)
}

// DecodeError reports a response body that is not the JSON the endpoint
// documents.
type DecodeError struct {
	Method, Path string
	Err          error
	Body         string // the first bytes of the body
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("mp: %s %s: decoding response: %v (body starts %q)", e.Method, e.Path, e.Err, e.Body)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// ErrNoAppSecret is returned when a call needs an access_token but the
// client has neither an AppSecret nor a token source.
var ErrNoAppSecret = errors.New("mp: no AppSecret or token source configured")

// ValidationError reports a request that was refused before it was sent
// because it breaks a documented limit (a menu with 4 top-level buttons, a
// QR scene id over 100000, an image over 10 MB...).
type ValidationError struct {
	Op     string // the operation, e.g. "menu.Create"
	Field  string // the offending field, e.g. "button[3].name"
	Reason string
	// Kind, when set, is a family's sentinel for the kind of refusal
	// (media.ErrTooLarge, ...): errors.Is matches it. It is not shown.
	Kind error
}

func (e *ValidationError) Error() string {
	if e.Field == "" {
		return "mp: " + e.Op + ": " + e.Reason
	}
	return "mp: " + e.Op + ": " + e.Field + ": " + e.Reason
}

// Unwrap returns Kind.
func (e *ValidationError) Unwrap() error { return e.Kind }
