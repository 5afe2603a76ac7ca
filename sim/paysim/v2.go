package paysim

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// API v2 signature types (签名类型, sign_type).
const (
	SignTypeMD5        = "MD5"
	SignTypeHMACSHA256 = "HMAC-SHA256"
)

// API v2 result codes (return_code / result_code).
const (
	V2Success = "SUCCESS"
	V2Fail    = "FAIL"
)

// Business error codes (err_code) answered by the API v2 endpoints, as listed
// in the error tables of each API (错误码).
const (
	V2ErrSystemError        = "SYSTEMERROR"           // 系统错误
	V2ErrLackParams         = "LACK_PARAMS"           // 缺少参数
	V2ErrParamError         = "PARAM_ERROR"           // 参数错误
	V2ErrInvalidRequest     = "INVALID_REQUEST"       // 参数错误 / 不符合业务规则
	V2ErrAppIDMchIDNotMatch = "APPID_MCHID_NOT_MATCH" // appid和mch_id不匹配
	V2ErrOutTradeNoUsed     = "OUT_TRADE_NO_USED"     // 商户订单号重复
	V2ErrOrderPaid          = "ORDERPAID"             // 商户订单已支付
	V2ErrOrderClosed        = "ORDERCLOSED"           // 订单已关闭
	V2ErrOrderReversed      = "ORDERREVERSED"         // 订单已撤销
	V2ErrOrderNotExist      = "ORDERNOTEXIST"         // 此交易订单号不存在
	V2ErrInvalidTxnID       = "INVALID_TRANSACTIONID" // 无效transaction_id
	V2ErrUserPaying         = "USERPAYING"            // 用户支付中，需要输入密码
	V2ErrAuthCodeExpire     = "AUTHCODEEXPIRE"        // 二维码已过期，请用户在微信上刷新后再试
	V2ErrAuthCodeInvalid    = "AUTH_CODE_INVALID"     // 授权码检验错误
	V2ErrNotEnough          = "NOTENOUGH"             // 余额不足
	V2ErrTradeError         = "TRADE_ERROR"           // 交易错误
	V2ErrReverseExpire      = "REVERSE_EXPIRE"        // 订单无法撤销（超过7天）
	V2ErrRefundNotExist     = "REFUNDNOTEXIST"        // 退款订单查询失败
	V2ErrRefundFeeMismatch  = "REFUND_FEE_MISMATCH"   // 订单金额或退款金额与之前请求不一致
	V2ErrError              = "ERROR"                 // 业务错误（申请退款）
)

// SignV2 computes the API v2 signature (安全规范 / 签名算法) of params: the
// "sign" field and empty values are dropped, the other keys are sorted in
// ASCII order and joined as k=v with '&', "&key=" + apiKey is appended, and
// the string is hashed with MD5 (signType "" or "MD5") or HMAC-SHA256 keyed
// with apiKey, in upper-case hex. It never reveals apiKey in its error.
func SignV2(params map[string]string, signType, apiKey string) (string, error) {
	keys := make([]string, 0, len(params))
	for k, v := range params {
		if k != "sign" && v != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(params[k])
		b.WriteByte('&')
	}
	b.WriteString("key=")
	b.WriteString(apiKey)
	switch signType {
	case "", SignTypeMD5:
		sum := md5.Sum([]byte(b.String()))
		return strings.ToUpper(hex.EncodeToString(sum[:])), nil
	case SignTypeHMACSHA256:
		mac := hmac.New(sha256.New, []byte(apiKey))
		mac.Write([]byte(b.String()))
		return strings.ToUpper(hex.EncodeToString(mac.Sum(nil))), nil
	}
	return "", errors.New("paysim: unsupported sign_type " + signType)
}

// verifyV2 checks params["sign"] against every other received field.
func verifyV2(params map[string]string, apiKey string) bool {
	got := params["sign"]
	if got == "" {
		return false
	}
	want, err := SignV2(params, params["sign_type"], apiKey)
	if err != nil {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.ToUpper(got)), []byte(want)) == 1
}

var errV2XML = errors.New("paysim: malformed API v2 XML")

// parseV2XML decodes a flat document <xml><k>v</k>...</xml> (the root name is
// not checked, so a decrypted req_info's <root> parses too) into a map. Nested
// elements, duplicate fields, directives (DOCTYPE, entities) and text outside
// the fields are rejected, so that every field a signature covers is seen.
func parseV2XML(data []byte) (map[string]string, error) {
	if !utf8.Valid(data) {
		return nil, errV2XML
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	out := map[string]string{}
	depth := 0
	var field string
	var text strings.Builder
	rootSeen, rootDone := false, false
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, errV2XML
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if rootDone || t.Name.Space != "" {
				return nil, errV2XML
			}
			depth++
			switch depth {
			case 1:
				rootSeen = true
			case 2:
				field = t.Name.Local
				text.Reset()
				if _, dup := out[field]; dup || field == "" {
					return nil, errV2XML
				}
			default:
				return nil, errV2XML
			}
		case xml.EndElement:
			if depth == 2 {
				out[field] = text.String()
			}
			depth--
			if depth == 0 {
				rootDone = true
			}
		case xml.CharData:
			switch depth {
			case 2:
				text.Write(t)
			default:
				if len(bytes.TrimSpace(t)) != 0 {
					return nil, errV2XML
				}
			}
		case xml.Directive:
			return nil, errV2XML
		case xml.ProcInst, xml.Comment:
			// <?xml version="1.0"?> and comments carry no field.
		}
	}
	if !rootSeen || !rootDone || depth != 0 {
		return nil, errV2XML
	}
	return out, nil
}

// encodeV2XML renders fields as a flat document under root, return_code and
// return_msg first, the rest sorted; numbers plain and text as CDATA, like
// the samples of the documentation.
func encodeV2XML(root string, fields map[string]string) []byte {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		if k != "return_code" && k != "return_msg" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range []string{"return_msg", "return_code"} {
		if _, ok := fields[k]; ok {
			keys = append([]string{k}, keys...)
		}
	}
	var b bytes.Buffer
	b.WriteString("<" + root + ">")
	for _, k := range keys {
		v := fields[k]
		b.WriteString("<" + k + ">")
		if isDigits(v) {
			b.WriteString(v)
		} else {
			b.WriteString("<![CDATA[" + strings.ReplaceAll(v, "]]>", "]]]]><![CDATA[>") + "]]>")
		}
		b.WriteString("</" + k + ">")
	}
	b.WriteString("</" + root + ">")
	return b.Bytes()
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// v2Call is one verified API v2 request.
type v2Call struct {
	r        *http.Request
	m        *merchantState
	params   map[string]string
	signType string
}

func (c *v2Call) get(k string) string { return c.params[k] }

// v2Error is a failed API v2 call: a communication failure (return_code FAIL,
// unsigned, when returnMsg is set) or a business failure (result_code FAIL,
// signed, with err_code and err_code_des).
type v2Error struct {
	returnMsg       string
	errCode, errDes string
}

func v2Comm(msg string) *v2Error           { return &v2Error{returnMsg: msg} }
func v2Biz(code, des string) *v2Error      { return &v2Error{errCode: code, errDes: des} }
func v2Lack(field string) *v2Error         { return v2Biz(V2ErrLackParams, "缺少参数"+field) }
func v2BadParam(field string) *v2Error     { return v2Biz(V2ErrParamError, field+"参数格式错误") }
func v2OrderNotExist() *v2Error            { return v2Biz(V2ErrOrderNotExist, "订单不存在") }
func v2InvalidRequest(des string) *v2Error { return v2Biz(V2ErrInvalidRequest, des) }

func (p *Platform) routesV2(mux *http.ServeMux) {
	mux.Handle("/pay/unifiedorder", p.v2(p.v2UnifiedOrder))
	mux.Handle("/pay/orderquery", p.v2(p.v2OrderQuery))
	mux.Handle("/pay/closeorder", p.v2(p.v2CloseOrder))
	mux.Handle("/secapi/pay/refund", p.v2(p.v2Refund))
	mux.Handle("/pay/refundquery", p.v2(p.v2RefundQuery))
	mux.HandleFunc("/pay/downloadbill", p.v2DownloadBill)
	mux.Handle("/pay/micropay", p.v2(p.v2Micropay))
	mux.Handle("/secapi/pay/reverse", p.v2(p.v2Reverse))
}

// v2 wraps an API v2 endpoint: parse and verify the request (v2Begin), run h,
// answer signed XML.
func (p *Platform) v2(h func(c *v2Call) (map[string]string, *v2Error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := p.v2Begin(w, r)
		if c == nil {
			return
		}
		fields, e := h(c)
		p.v2Answer(w, c, fields, e)
	})
}

// v2Begin reads, parses and authenticates an API v2 request: POST, a flat
// UTF-8 XML body, a known mch_id with an API key, a valid sign over ALL
// received fields, nonce_str and appid. On failure it writes the answer and
// returns nil.
//
// The /secapi endpoints need the merchant's TLS client certificate in
// production; the simulator serves plain HTTP in tests and accepts them
// without one.
func (p *Platform) v2Begin(w http.ResponseWriter, r *http.Request) *v2Call {
	if r.Method != http.MethodPost {
		p.v2Write(w, r, failXML("请使用post方法"))
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		p.v2Write(w, r, failXML("XML格式错误"))
		return nil
	}
	if len(bytes.TrimSpace(body)) == 0 {
		p.v2Write(w, r, failXML("post数据为空"))
		return nil
	}
	if !utf8.Valid(body) {
		p.v2Write(w, r, failXML("编码格式错误，请使用UTF-8编码"))
		return nil
	}
	params, err := parseV2XML(body)
	if err != nil {
		p.v2Write(w, r, failXML("XML格式错误"))
		return nil
	}
	mchid := params["mch_id"]
	if mchid == "" {
		p.v2Write(w, r, failXML("缺少参数mch_id"))
		return nil
	}
	p.mu.Lock()
	m := p.merchants[mchid]
	p.mu.Unlock()
	if m == nil {
		p.v2Write(w, r, failXML("mch_id参数错误，商户号不存在"))
		return nil
	}
	if m.APIKey == "" {
		p.v2Write(w, r, failXML("商户未设置API密钥"))
		return nil
	}
	st := params["sign_type"]
	if st != "" && st != SignTypeMD5 && st != SignTypeHMACSHA256 {
		p.v2Write(w, r, failXML("签名错误"))
		return nil
	}
	if !verifyV2(params, m.APIKey) {
		p.v2Write(w, r, failXML("签名错误"))
		return nil
	}
	if st == "" {
		st = SignTypeMD5
	}
	c := &v2Call{r: r, m: m, params: params, signType: st}
	var e *v2Error
	switch nonce := params["nonce_str"]; {
	case nonce == "":
		e = v2Lack("nonce_str")
	case len(nonce) > 32:
		e = v2BadParam("nonce_str")
	case params["appid"] == "":
		e = v2Lack("appid")
	case len(m.AppIDs) > 0 && !slices.Contains(m.AppIDs, params["appid"]):
		e = v2Biz(V2ErrAppIDMchIDNotMatch, "appid和mch_id不匹配")
	}
	if e != nil {
		p.v2Answer(w, c, nil, e)
		return nil
	}
	return c
}

func failXML(msg string) []byte {
	return encodeV2XML("xml", map[string]string{"return_code": V2Fail, "return_msg": msg})
}

// v2Answer writes a signed answer: fields with result_code SUCCESS, or the
// business failure e.
func (p *Platform) v2Answer(w http.ResponseWriter, c *v2Call, fields map[string]string, e *v2Error) {
	if e != nil && e.returnMsg != "" {
		p.v2Write(w, c.r, failXML(e.returnMsg))
		return
	}
	out := map[string]string{}
	for k, v := range fields {
		if v != "" {
			out[k] = v
		}
	}
	out["return_code"] = V2Success
	out["return_msg"] = "OK"
	out["appid"] = c.get("appid")
	out["mch_id"] = c.m.MchID
	out["nonce_str"] = randString(alnum, 16)
	if di := c.get("device_info"); di != "" && out["device_info"] == "" {
		out["device_info"] = di
	}
	if e != nil {
		out["result_code"] = V2Fail
		out["err_code"] = e.errCode
		out["err_code_des"] = e.errDes
	} else {
		out["result_code"] = V2Success
	}
	sign, _ := SignV2(out, c.signType, c.m.APIKey) // signType was checked in v2Begin
	out["sign"] = sign
	p.v2Write(w, c.r, encodeV2XML("xml", out))
}

func (p *Platform) v2Write(w http.ResponseWriter, r *http.Request, body []byte) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	p.log.Debug("paysim v2 request", "method", r.Method, "path", r.URL.Path)
}
