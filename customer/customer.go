package customer

import (
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/wxkit/mp"
)

// Service calls the customer-service APIs of one Official Account.
type Service struct {
	c *mp.Client
}

// New returns a Service that sends its calls through c.
func New(c *mp.Client) *Service { return &Service{c: c} }

// IsOutsideWindow reports whether err is WeChat's 45015 answer (回复时间超过限制):
// the user has not interacted with the account in the last 48 hours, so
// customer-service messages cannot reach them.
func IsOutsideWindow(err error) bool { return mp.IsCode(err, mp.CodeReplyTimeLimit) }

// Documented limits.
const (
	// MaxAccountPrefix is the longest account prefix (帐号前缀最多10个字符).
	MaxAccountPrefix = 10
	// MaxWeChatIDLen is the longest suffix after '@' (公众号微信号, 不超过30个字符).
	MaxWeChatIDLen = 30
	// MaxNickname is the longest nickname, in characters (客服昵称最长16个字).
	MaxNickname = 16
	// MaxAvatarBytes is the largest avatar file (文件大小5M以内).
	MaxAvatarBytes = 5 << 20
)

// ErrInvalidAccount is wrapped by the errors of [ParseAccount].
var ErrInvalidAccount = errors.New("customer: invalid kf_account")

// ParseAccount splits a complete customer-service account "prefix@wechatid"
// (完整客服帐号, 格式为: 帐号前缀@公众号微信号) and checks the documented format:
// a prefix of 1 to 10 letters, digits or underscores, and a WeChat ID of 1 to
// 30 characters without spaces or a second '@'.
func ParseAccount(account string) (prefix, wechatID string, err error) {
	prefix, wechatID, ok := strings.Cut(account, "@")
	switch {
	case !ok:
		return "", "", accountError("must look like prefix@wechatid")
	case prefix == "":
		return "", "", accountError("empty prefix")
	case len(prefix) > MaxAccountPrefix:
		return "", "", accountError("prefix longer than 10 characters")
	case wechatID == "":
		return "", "", accountError("empty WeChat ID after '@'")
	case utf8.RuneCountInString(wechatID) > MaxWeChatIDLen:
		return "", "", accountError("WeChat ID longer than 30 characters")
	}
	for i := 0; i < len(prefix); i++ {
		c := prefix[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return "", "", accountError("prefix may hold only letters, digits and '_'")
		}
	}
	if !utf8.ValidString(wechatID) || strings.ContainsAny(wechatID, "@ \t\r\n") {
		return "", "", accountError("WeChat ID holds an invalid character")
	}
	return prefix, wechatID, nil
}

type accountReason string

func (r accountReason) Error() string { return ErrInvalidAccount.Error() + ": " + string(r) }
func (r accountReason) Unwrap() error { return ErrInvalidAccount }

func accountError(reason string) error { return accountReason(reason) }

func invalid(op, field, reason string) error {
	return &mp.ValidationError{Op: op, Field: field, Reason: reason}
}

// checkAccount validates the kf_account of op. strict applies the creation
// rules of [ParseAccount]; otherwise (accounts that already exist) only the
// "prefix@wechatid" shape is required.
func checkAccount(op, account string, strict bool) error {
	if strict {
		if _, _, err := ParseAccount(account); err != nil {
			return invalid(op, "kf_account", strings.TrimPrefix(err.Error(), ErrInvalidAccount.Error()+": "))
		}
		return nil
	}
	p, id, ok := strings.Cut(account, "@")
	if !ok || p == "" || id == "" {
		return invalid(op, "kf_account", "must look like prefix@wechatid")
	}
	return nil
}

func checkOpenID(op, field, openID string) error {
	if openID == "" {
		return invalid(op, field, "required")
	}
	return nil
}
