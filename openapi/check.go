package openapi

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/wxkit/mp"
)

// CheckAction is what 网络检测 does (action).
type CheckAction string

// Check actions.
const (
	CheckAll  CheckAction = "all"  // dns and ping
	CheckDNS  CheckAction = "dns"  // resolve the callback URL's domain
	CheckPing CheckAction = "ping" // ping every address once
)

// Operator is the network WeChat checks from (check_operator).
type Operator string

// Operators of 网络检测.
const (
	OperatorDefault  Operator = "DEFAULT"  // chosen by the address
	OperatorChinanet Operator = "CHINANET" // 电信出口
	OperatorUnicom   Operator = "UNICOM"   // 联通出口
	OperatorCAP      Operator = "CAP"      // 腾讯自建出口
)

// DNSResult is one address the callback URL's domain resolved to.
type DNSResult struct {
	IP           string   `json:"ip"`
	RealOperator Operator `json:"real_operator"`
}

// PingResult is the ping of one address. PackageLoss is "0%" or "100%"
// (one packet is sent); Time is the average as WeChat writes it
// ("23.079ms"): Loss and Duration read them.
type PingResult struct {
	IP           string   `json:"ip"`
	FromOperator Operator `json:"from_operator"`
	PackageLoss  string   `json:"package_loss"`
	Time         string   `json:"time"`
}

// Lost reports whether the ping got no answer.
func (p PingResult) Lost() bool { return strings.TrimSpace(p.PackageLoss) == "100%" }

// Duration parses Time; 0 if it does not read as milliseconds.
func (p PingResult) Duration() time.Duration {
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(p.Time), "ms"), 64)
	if err != nil {
		return 0
	}
	return time.Duration(v * float64(time.Millisecond))
}

// CheckResult is the answer of 网络检测.
type CheckResult struct {
	DNS  []DNSResult  `json:"dns"`
	Ping []PingResult `json:"ping"`
}

// CheckCallback is 网络检测 (POST /cgi-bin/callback/check): WeChat resolves
// the account's callback URL and pings every address, from operator.
func (s *Service) CheckCallback(ctx context.Context, action CheckAction, operator Operator) (*CheckResult, error) {
	const op = "openapi.CheckCallback"
	switch action {
	case CheckAll, CheckDNS, CheckPing:
	default:
		return nil, &mp.ValidationError{Op: op, Field: "action", Reason: strconv.Quote(string(action)) + " is not all, dns or ping"}
	}
	switch operator {
	case OperatorDefault, OperatorChinanet, OperatorUnicom, OperatorCAP:
	default:
		return nil, &mp.ValidationError{Op: op, Field: "check_operator", Reason: strconv.Quote(string(operator)) + " is not DEFAULT, CHINANET, UNICOM or CAP"}
	}
	body := map[string]string{"action": string(action), "check_operator": string(operator)}
	var out CheckResult
	if err := s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/cgi-bin/callback/check", Body: body, Idempotent: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
