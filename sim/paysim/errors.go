package paysim

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Error codes returned by the simulator, as listed in the API v3 error tables
// (错误码).
const (
	CodeParamError         = "PARAM_ERROR"           // 400 参数错误
	CodeInvalidRequest     = "INVALID_REQUEST"       // 400 无效请求 / 不符合业务规则
	CodeSignError          = "SIGN_ERROR"            // 401 签名错误 / 验证不通过
	CodeMchNotExists       = "MCH_NOT_EXISTS"        // 400 商户号不存在
	CodeAppIDMchIDMismatch = "APPID_MCHID_NOT_MATCH" // 400 AppID和mch_id不匹配
	CodeOutTradeNoUsed     = "OUT_TRADE_NO_USED"     // 403 商户订单号重复
	CodeOrderNotExist      = "ORDER_NOT_EXIST"       // 404 订单不存在
	CodeOrderClosed        = "ORDER_CLOSED"          // 400 订单已关闭
	CodeResourceNotExists  = "RESOURCE_NOT_EXISTS"   // 404 订单/退款单不存在
	CodeNoStatementExist   = "NO_STATEMENT_EXIST"    // 400 账单文件不存在
	CodeNotFound           = "NOT_FOUND"             // 404 资源不存在
	CodeSystemError        = "SYSTEM_ERROR"          // 500 系统异常
)

// APIError is an error answered by the simulator: the HTTP status and the
// {"code","message"} body of WeChat Pay API v3 (错误信息). Methods of
// [Platform] such as [Platform.Pay] return the same type, so a program sees
// the same code whether it calls over HTTP or in process.
type APIError struct {
	Status  int          `json:"-"`
	Code    string       `json:"code"`
	Message string       `json:"message"`
	Detail  *ErrorDetail `json:"detail,omitempty"`
}

// ErrorDetail names the offending field of a PARAM_ERROR, as WeChat Pay does.
type ErrorDetail struct {
	Field    string `json:"field,omitempty"`
	Value    any    `json:"value,omitempty"`
	Issue    string `json:"issue,omitempty"`
	Location string `json:"location,omitempty"`
}

// Error implements error.
func (e *APIError) Error() string {
	return fmt.Sprintf("paysim: %d %s: %s", e.Status, e.Code, e.Message)
}

// Is reports whether target is an *APIError with the same Code, so that
// errors.Is(err, &paysim.APIError{Code: paysim.CodeOrderClosed}) works.
func (e *APIError) Is(target error) bool {
	t, ok := target.(*APIError)
	return ok && t.Code == e.Code
}

func (e *APIError) body() []byte {
	b, _ := json.Marshal(e)
	return b
}

func apiErr(status int, code, msg string) *APIError {
	return &APIError{Status: status, Code: code, Message: msg}
}

// paramErr builds the PARAM_ERROR WeChat Pay answers for a field that breaks a
// rule, e.g. "输入源“/body/description”映射到字段“商品描述”必填性规则校验失败".
func paramErr(field, name, rule string) *APIError {
	return &APIError{
		Status:  http.StatusBadRequest,
		Code:    CodeParamError,
		Message: fmt.Sprintf("输入源“%s”映射到字段“%s”%s", field, name, rule),
		Detail:  &ErrorDetail{Field: field, Location: locationOf(field), Issue: rule},
	}
}

func missing(field, name string) *APIError {
	return paramErr(field, name, "必填性规则校验失败，此字段为必填项")
}

func invalid(field, name string) *APIError {
	return paramErr(field, name, "格式或取值规则校验失败")
}

func locationOf(field string) string {
	switch {
	case len(field) > 6 && field[:6] == "/body/":
		return "body"
	case len(field) > 7 && field[:7] == "/query/":
		return "query"
	case len(field) > 6 && field[:6] == "/path/":
		return "path"
	}
	return ""
}

// ConfigError reports a bad [Options] or [Merchant] given to [New] or
// [Platform.AddMerchant]. It never contains key material.
type ConfigError struct {
	Field  string
	Reason string
}

// Error implements error.
func (e *ConfigError) Error() string {
	return "paysim: invalid " + e.Field + ": " + e.Reason
}
