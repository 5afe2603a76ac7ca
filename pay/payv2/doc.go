// Package payv2 is a client for the legacy WeChat Pay API v2 (微信支付 V2,
// the XML API at https://api.mch.weixin.qq.com), still used by many
// merchants. It depends only on the standard library.
//
// # Client
//
// NewClient takes one merchant's Config (appid, mch_id, 32-character API key,
// sign type MD5 or HMAC-SHA256, and the merchant certificate needed by the
// /secapi endpoints) and validates it. Clients hold no shared state, so several
// merchants can be served side by side. The API key never appears in errors,
// logs or String()/GoString() output.
//
// # Signing (安全规范 / 签名算法)
//
// Every request is signed over its parameter map (Sign): empty values and
// "sign" dropped, keys sorted in ASCII order, "k=v" joined with '&',
// "&key=APIKEY" appended, MD5 or HMAC-SHA256 (keyed with the API key),
// uppercase hex. Responses and notifications are first decoded into a map
// (ParseXML) and verified over ALL their fields, unknown ones included
// (VerifySignature), before being decoded into typed structs; Raw keeps the
// whole map.
//
// # APIs
//
//   - 统一下单 UnifiedOrder (/pay/unifiedorder): JSAPI, NATIVE, APP, MWEB;
//     then JSAPIParams (WeixinJSBridge getBrandWCPayRequest) or AppParams
//     (APP 调起支付) for the client side.
//   - 查询订单 OrderQuery (/pay/orderquery), 关闭订单 CloseOrder (/pay/closeorder).
//   - 申请退款 Refund (/secapi/pay/refund, mutual TLS), 查询退款 RefundQuery
//     (/pay/refundquery).
//   - 下载交易账单 DownloadBill (/pay/downloadbill), streamed to an io.Writer,
//     optionally gzip (tar_type GZIP).
//   - 付款码支付 Micropay (/pay/micropay), 撤销订单 Reverse
//     (/secapi/pay/reverse, mutual TLS), and MicropayAndWait, which polls
//     查询订单 while the user is paying and reverses the order if it is still
//     unpaid when the time budget runs out.
//
// Failures reported by WeChat (return_code/return_msg and
// result_code/err_code/err_code_des) are returned as one *Error type:
//
//	var e *payv2.Error
//	if errors.As(err, &e) && e.ErrCode == "ORDERPAID" { … }
//
// # Notifications
//
// PaymentNotificationHandler (支付结果通知) and RefundNotificationHandler
// (退款结果通知, req_info decrypted with AES-256-ECB under MD5(API key)) are
// http.Handlers; ParsePaymentNotification and ParseRefundNotification do the
// same work on a body already read by a web framework.
//
// # Mutual TLS
//
// Refund and Reverse go through a client presenting Config.TLSCert, built by
// cloning http.DefaultTransport. The server certificate is always verified
// (WithRootCAs only changes the trusted roots); InsecureSkipVerify is never set.
package payv2
