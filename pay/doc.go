// Package pay is a client for WeChat Pay API v3 (微信支付 APIv3) for an
// ordinary merchant (普通商户) selling through an Official Account
// (公众号), a mini program, an App, H5 pages or Native QR codes.
//
// It is self-contained: it depends only on the standard library,
// golang.org/x/sync/singleflight and golang.org/x/crypto/pkcs12 (for
// apiclient_cert.p12), and does not use the rest of the SDK.
//
// # Credentials
//
// A Client needs the merchant ID (商户号), the merchant API certificate serial
// (商户API证书序列号), the merchant API private key (商户API私钥, see
// LoadPrivateKey or LoadPKCS12) and the 32-byte APIv3 key (APIv3密钥):
//
//	key, _ := pay.LoadPrivateKey(pemBytes)
//	client, err := pay.NewClient(pay.Config{
//		MchID: "1900000109", CertSerial: "3775B6A4...", PrivateKey: key, APIv3Key: apiV3Key,
//	}, pay.WithWechatPayPublicKey("PUB_KEY_ID_0119...", wechatpayPublicKey))
//
// Secrets never appear in errors, logs or String output. Logging goes through
// log/slog and is off unless WithLogger is given.
//
// # Signatures (签名与验签)
//
// Every request is signed (Authorization: WECHATPAY2-SHA256-RSA2048 ...) over
// the exact bytes sent. Every response is verified by default with the
// Wechatpay-Timestamp/-Nonce/-Signature/-Serial headers: timestamps 5 minutes
// or more away are rejected (ErrTimestampSkew), signature probes
// "WECHATPAY/SIGNTEST/..." are rejected (ErrSignTestProbe), and the key is
// chosen by serial from the client's KeyStore, which holds platform
// certificates (平台证书), the WeChat Pay public key (微信支付公钥) or both
// during a migration.
//
// Platform certificates are downloaded from GET /v3/certificates
// (RefreshCertificates), decrypted with the APIv3 key and verified with
// themselves or the public key. Start keeps them fresh every 12 hours;
// an unknown serial in a response or notification triggers one extra refresh
// at most once a minute. Merchants that only have the WeChat Pay public key
// get a 404 there, which the client treats as public-key mode.
//
// # APIs
//
//   - Orders (下单): CreateJSAPIOrder, CreateAppOrder, CreateH5Order,
//     CreateNativeOrder; client-side parameters JSAPIParams (for
//     WeixinJSBridge getBrandWCPayRequest / wx.requestPayment) and APPParams.
//   - Query and close (查询订单 / 关闭订单): QueryOrderByID,
//     QueryOrderByOutTradeNo, CloseOrder.
//   - Refunds (退款): CreateRefund, QueryRefund, ApplyAbnormalRefund.
//   - Bills (账单): TradeBill, FundFlowBill, DownloadBill (streams, gunzips,
//     checks SHA-1).
//   - Counter payments (付款码支付): Codepay, ReverseOrder, and CodepayAndWait,
//     which polls while the user enters a password and reverses an order
//     that is not paid in time or whose wait is cancelled.
//   - Transfers (商家转账, the 2025 transfer-bills API): CreateTransferBill
//     (the payee's name encrypted for you), QueryTransferBill,
//     QueryTransferBillByNo, CancelTransferBill, and MerchantTransferParams
//     for wx.requestMerchantTransfer.
//   - Complaints (消费者投诉2.0): ListComplaints and the Complaints iterator
//     (any date span, 30-day windows, pages), GetComplaint,
//     ComplaintPayerPhone, NegotiationHistory, RespondComplaint,
//     CompleteComplaint, UpdateComplaintRefundProgress, the complaint notify
//     URL, DownloadComplaintImage.
//   - Media (图片/视频上传): UploadImage, UploadVideo, UploadComplaintImage,
//     streamed from an io.ReadSeeker with type, size and SHA-256 checked first.
//   - Profit sharing (分账): Add/DeleteProfitSharingReceiver,
//     CreateProfitSharingOrder, QueryProfitSharingOrder,
//     CreateProfitSharingReturn, QueryProfitSharingReturn,
//     UnfreezeProfitSharing, ProfitSharingUnsplitAmount, ProfitSharingBill.
//   - Sensitive fields (敏感信息加解密): EncryptSensitive, DecryptSensitive.
//   - Notifications (支付通知 / 退款通知): ParseNotification and
//     NewNotifyHandler; Notification.Transaction, Refund, TransferBill,
//     Complaint and ProfitSharing give typed events. A verified notification
//     of any other kind still reaches the handler: read it with Plaintext or
//     Decode.
//
// Errors from WeChat Pay are *APIError (code, message, detail, Request-ID);
// bad arguments are *ArgumentError and bad configuration *ConfigError.
//
// # Notifications are delivered at least once
//
// WeChat Pay resends a notification until it is acknowledged with 200/204,
// and can deliver duplicates. Make the handler idempotent: record the
// transaction_id (or out_refund_no, or the notification id) you processed,
// do the business work only the first time, and acknowledge duplicates with
// success. Always re-check trade_state and the amount against your order.
package pay
