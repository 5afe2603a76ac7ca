package payv2

import (
	"context"
	"crypto/aes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
)

// MaxNotificationBytes caps the body of a notification accepted by the
// handlers and the Parse functions.
const MaxNotificationBytes = 64 << 10

// NotifySuccessReply is the body that acknowledges a notification; WeChat
// stops retrying once it receives it.
const NotifySuccessReply = `<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>`

// NotifyFailReply returns the body that rejects a notification so WeChat
// retries it later (通知频率 15s/15s/30s/3m/…).
func NotifyFailReply(msg string) []byte {
	if !validValue(msg) {
		msg = "FAIL"
	}
	return encodeXML(map[string]string{"return_code": "FAIL", "return_msg": msg})
}

// PaymentNotification is a verified 支付结果通知. ResultCode tells whether
// the payment succeeded; a FAIL result is still a valid notification.
type PaymentNotification struct {
	Common
	SignType           string `xml:"sign_type"`
	DeviceInfo         string `xml:"device_info"`
	ErrCode            string `xml:"err_code"`
	ErrCodeDes         string `xml:"err_code_des"`
	OpenID             string `xml:"openid"`
	IsSubscribe        string `xml:"is_subscribe"`
	TradeType          string `xml:"trade_type"`
	BankType           string `xml:"bank_type"`
	TotalFee           int64  `xml:"total_fee"`
	SettlementTotalFee int64  `xml:"settlement_total_fee"`
	FeeType            string `xml:"fee_type"`
	CashFee            int64  `xml:"cash_fee"`
	CashFeeType        string `xml:"cash_fee_type"`
	CouponFee          int64  `xml:"coupon_fee"`
	CouponCount        int64  `xml:"coupon_count"`
	TransactionID      string `xml:"transaction_id"`
	OutTradeNo         string `xml:"out_trade_no"`
	Attach             string `xml:"attach"`
	TimeEnd            string `xml:"time_end"`

	Coupons []Coupon `xml:"-"`
}

// Paid reports whether the notification announces a successful payment.
func (n *PaymentNotification) Paid() bool { return n.ResultCode == "SUCCESS" }

// ParsePaymentNotification parses and authenticates the raw body of a
// 支付结果通知, for frameworks that read the body themselves. The signature
// is verified over ALL received fields and mch_id must be this client's.
// The caller must still check that TotalFee matches its own order and
// handle repeated notifications idempotently, then answer with
// NotifySuccessReply.
func (c *Client) ParsePaymentNotification(body []byte) (*PaymentNotification, error) {
	if len(body) > MaxNotificationBytes {
		return nil, ErrBodyTooLarge
	}
	m, err := ParseXML(body)
	if err != nil {
		return nil, err
	}
	if err := c.checkMessage(m); err != nil {
		return nil, err
	}
	n := new(PaymentNotification)
	if err := decodeResponse(m, n); err != nil {
		return nil, err
	}
	if n.Coupons, err = parseCoupons(m, "coupon_count", "coupon_type_", "coupon_id_", "coupon_fee_", ""); err != nil {
		return nil, err
	}
	return n, nil
}

// PaymentNotificationHandler returns an http.Handler for the notify_url of
// 统一下单 / 付款码支付. It reads at most MaxNotificationBytes, verifies
// the notification, calls fn, and answers NotifySuccessReply when fn returns
// nil, or a FAIL reply (so WeChat retries) when the body is invalid or fn
// returns an error. fn must be idempotent: WeChat may deliver the same
// notification more than once.
func (c *Client) PaymentNotificationHandler(fn func(ctx context.Context, n *PaymentNotification) error) http.Handler {
	return notificationHandler(c, "payment", c.ParsePaymentNotification, fn)
}

// RefundNotification is a decrypted 退款结果通知.
type RefundNotification struct {
	// Outer, unencrypted fields.
	ReturnCode string
	ReturnMsg  string
	AppID      string
	MchID      string
	NonceStr   string

	// Fields decrypted from req_info.
	TransactionID       string `xml:"transaction_id"`
	OutTradeNo          string `xml:"out_trade_no"`
	RefundID            string `xml:"refund_id"`
	OutRefundNo         string `xml:"out_refund_no"`
	TotalFee            int64  `xml:"total_fee"`
	SettlementTotalFee  int64  `xml:"settlement_total_fee"`
	RefundFee           int64  `xml:"refund_fee"`
	SettlementRefundFee int64  `xml:"settlement_refund_fee"`
	RefundStatus        string `xml:"refund_status"`         // SUCCESS, CHANGE (退款异常), REFUNDCLOSE
	SuccessTime         string `xml:"success_time"`          // "2006-01-02 15:04:05"
	RefundRecvAccout    string `xml:"refund_recv_accout"`    // (sic) 退款入账账户
	RefundAccount       string `xml:"refund_account"`        // REFUND_SOURCE_RECHARGE_FUNDS / REFUND_SOURCE_UNSETTLED_FUNDS
	RefundRequestSource string `xml:"refund_request_source"` // API / VENDOR_PLATFORM

	// Raw holds every decrypted field.
	Raw map[string]string
}

// ParseRefundNotification parses a 退款结果通知 body and decrypts its
// req_info (see DecryptReqInfo). The notification carries no sign: it is
// authenticated by decrypting under the API key.
func (c *Client) ParseRefundNotification(body []byte) (*RefundNotification, error) {
	if len(body) > MaxNotificationBytes {
		return nil, ErrBodyTooLarge
	}
	outer, err := ParseXML(body)
	if err != nil {
		return nil, err
	}
	if outer["return_code"] != "SUCCESS" {
		return nil, &Error{ReturnCode: outer["return_code"], ReturnMsg: outer["return_msg"]}
	}
	if id, ok := outer["mch_id"]; ok && id != c.mchID {
		return nil, ErrMerchantMismatch
	}
	plain, err := c.DecryptReqInfo(outer["req_info"])
	if err != nil {
		return nil, err
	}
	inner, err := ParseXML(plain)
	if err != nil {
		return nil, fmt.Errorf("%w: decrypted req_info: %w", ErrDecrypt, err)
	}
	n := &RefundNotification{
		ReturnCode: outer["return_code"],
		ReturnMsg:  outer["return_msg"],
		AppID:      outer["appid"],
		MchID:      outer["mch_id"],
		NonceStr:   outer["nonce_str"],
		Raw:        inner,
	}
	if err := fromParams(inner, n); err != nil {
		return nil, err
	}
	return n, nil
}

// RefundNotificationHandler returns an http.Handler for the notify_url of
// 申请退款, behaving like PaymentNotificationHandler.
func (c *Client) RefundNotificationHandler(fn func(ctx context.Context, n *RefundNotification) error) http.Handler {
	return notificationHandler(c, "refund", c.ParseRefundNotification, fn)
}

// DecryptReqInfo decrypts the req_info of a 退款结果通知: base64-decode,
// AES-256-ECB with key = lowercase hex MD5 of the API key, PKCS#7 unpadding.
// Every failure matches ErrDecrypt (bad padding also ErrBadPadding, usually
// a wrong API key); it never panics.
func (c *Client) DecryptReqInfo(reqInfo string) ([]byte, error) {
	if reqInfo == "" {
		return nil, fmt.Errorf("%w: req_info missing", ErrDecrypt)
	}
	ct, err := base64.StdEncoding.DecodeString(strings.TrimSpace(reqInfo))
	if err != nil {
		return nil, fmt.Errorf("%w: req_info is not base64", ErrDecrypt)
	}
	if len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("%w: ciphertext length %d is not a positive multiple of %d", ErrDecrypt, len(ct), aes.BlockSize)
	}
	block, err := aes.NewCipher(c.reqInfoKey())
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDecrypt, err)
	}
	plain := make([]byte, len(ct))
	for i := 0; i < len(ct); i += aes.BlockSize {
		block.Decrypt(plain[i:i+aes.BlockSize], ct[i:i+aes.BlockSize])
	}
	pad := int(plain[len(plain)-1])
	if pad == 0 || pad > aes.BlockSize {
		return nil, fmt.Errorf("%w: %w", ErrDecrypt, ErrBadPadding)
	}
	for _, b := range plain[len(plain)-pad:] {
		if int(b) != pad {
			return nil, fmt.Errorf("%w: %w", ErrDecrypt, ErrBadPadding)
		}
	}
	return plain[:len(plain)-pad], nil
}

// reqInfoKey is key* of the 解密方式: the 32 lowercase hex digits of MD5(API key).
func (c *Client) reqInfoKey() []byte {
	sum := md5.Sum([]byte(c.apiKey))
	key := make([]byte, hex.EncodedLen(len(sum)))
	hex.Encode(key, sum[:])
	return key
}

func notificationHandler[T any](c *Client, kind string, parse func([]byte) (T, error), fn func(context.Context, T) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reply := func(status int, body []byte) {
			w.Header().Set("Content-Type", "text/xml; charset=utf-8")
			w.WriteHeader(status)
			_, _ = w.Write(body)
		}
		if r.Method != http.MethodPost {
			reply(http.StatusMethodNotAllowed, NotifyFailReply("method not allowed"))
			return
		}
		body, err := readCapped(http.MaxBytesReader(w, r.Body, MaxNotificationBytes+1), MaxNotificationBytes)
		if err != nil {
			c.logNotify(r.Context(), kind, err)
			if errors.Is(err, ErrBodyTooLarge) {
				reply(http.StatusRequestEntityTooLarge, NotifyFailReply("body too large"))
				return
			}
			reply(http.StatusBadRequest, NotifyFailReply("cannot read body"))
			return
		}
		n, err := parse(body)
		if err != nil {
			c.logNotify(r.Context(), kind, err)
			reply(http.StatusBadRequest, NotifyFailReply("invalid notification"))
			return
		}
		if fn == nil {
			reply(http.StatusInternalServerError, NotifyFailReply("no handler configured"))
			return
		}
		if err := fn(r.Context(), n); err != nil {
			c.logNotify(r.Context(), kind, err)
			reply(http.StatusInternalServerError, NotifyFailReply("processing failed"))
			return
		}
		reply(http.StatusOK, []byte(NotifySuccessReply))
	})
}

func (c *Client) logNotify(ctx context.Context, kind string, err error) {
	if c.logger != nil {
		c.logger.DebugContext(ctx, "payv2 notification rejected",
			slog.String("kind", kind), slog.String("mch_id", c.mchID), slog.String("error", err.Error()))
	}
}
